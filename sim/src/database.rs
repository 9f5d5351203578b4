//! The shared database: a connection limit, a bounded queue and a service
//! time. Every service's database calls meet here, which is why scaling the
//! stateless tiers out eventually only moves the bottleneck to it — and why
//! its failure fails every request that needs it: while it is down, calls
//! are refused, and the calls it held when it failed are lost. A standby
//! takes over after the failover time; without one it is down until the
//! primary is repaired. Besides the faults a scenario schedules and the
//! user's, the primary fails at random when `database.mtbf_s` is set: up
//! for an exponential time of mean MTBF, down for one of mean MTTR (or the
//! failover time, if a standby takes over first), and so on.

use crate::digest::Fnv;
use crate::engine::{Event, Gen, Leg, Message};
use crate::failures::FailureProcess;
use crate::log::Note;
use crate::request::Status;
use crate::rng::{Purpose, Stream};
use crate::snapshot::DatabaseView;
use crate::world::World;
use std::collections::VecDeque;

pub(crate) struct Database {
    busy: u32,
    connections: u32,
    /// Waiting calls, each with the deadline it carries (`u64::MAX`: none).
    queue: VecDeque<(Message, u64)>,
    rng: Stream,
    /// ∫ busy connections dt and ∫ available connections dt, in
    /// connection·ns, and their values at the last closed second.
    busy_area: u64,
    capacity_area: u64,
    last_touch: u64,
    busy_area_at_tick: u64,
    capacity_area_at_tick: u64,
    queries: u64,
    /// Until when it is down (0: up), and when it last failed: calls sent
    /// before then and still running were lost with it.
    down_until: u64,
    failed_at: Option<u64>,
    /// When the primary fails at random, and the generation of that chain.
    failures: FailureProcess,
    failures_gen: Gen,
}

impl Database {
    pub fn new(seed: u64, connections: u32) -> Database {
        Database {
            busy: 0,
            connections,
            queue: VecDeque::new(),
            rng: Stream::derive(seed, Purpose::Database, "database", 0),
            busy_area: 0,
            capacity_area: 0,
            last_touch: 0,
            busy_area_at_tick: 0,
            capacity_area_at_tick: 0,
            queries: 0,
            down_until: 0,
            failed_at: None,
            failures: FailureProcess::new(seed, Purpose::DatabaseFaults, "database", 0),
            failures_gen: Gen::default(),
        }
    }

    /// Brings the utilisation integrals up to `now`; called before `busy`
    /// or `connections` change.
    #[inline]
    fn touch(&mut self, now: u64) {
        let dt = now - self.last_touch;
        self.busy_area += self.busy as u64 * dt;
        // Queries started before a live cut in connections still run.
        self.capacity_area += self.connections.max(self.busy) as u64 * dt;
        self.last_touch = now;
    }

    /// A call arrives, carrying the deadline of its request (`u64::MAX`:
    /// none): it runs if a connection is free, waits if the queue has room,
    /// and is otherwise refused: then `msg` becomes the answer to send (a
    /// 503) and this returns true. A waiting call whose deadline passes is
    /// dropped unrun.
    pub fn arrive(&mut self, msg: &mut Message, deadline: u64, w: &mut World) -> bool {
        if w.now < self.down_until {
            msg.leg = Leg::DbToInstance;
            msg.status = Status::ConnectionError;
            return true;
        }
        if self.busy < self.connections {
            self.start(*msg, w);
            false
        } else if self.queue.len() < w.params.db.queue_capacity as usize {
            self.queue.push_back((*msg, deadline));
            false
        } else {
            msg.leg = Leg::DbToInstance;
            msg.status = Status::Rejected;
            true
        }
    }

    fn start(&mut self, msg: Message, w: &mut World) {
        self.touch(w.now);
        self.busy += 1;
        let queries = w.params.traffic.kinds[msg.kind as usize].db_queries;
        self.queries += queries as u64;
        // The Universal Scalability Law: with n queries running (this one
        // included) each is slowed by 1 + σ(n − 1) + κn(n − 1).
        let db = &w.params.db;
        let n = self.busy as f64;
        let slowdown = 1.0 + db.contention * (n - 1.0) + db.coherency * n * (n - 1.0);
        let mut d = 0;
        for _ in 0..queries {
            d += db.work.sample(&mut self.rng, slowdown);
        }
        w.queue.push(w.now + d, Event::DbDone(msg));
    }

    /// A call finished: the answer to send back. One that was running
    /// when the database failed is answered with a connection error, at
    /// the moment it would have finished (a query's time at most after the
    /// failure). Call `start_waiting` once it is sent.
    pub fn done(&mut self, mut msg: Message, now: u64) -> Message {
        msg.leg = Leg::DbToInstance;
        if self.failed_at.is_some_and(|t| msg.sent_at <= t) {
            msg.status = Status::ConnectionError;
            return msg;
        }
        self.touch(now);
        self.busy -= 1;
        msg.status = Status::Ok;
        msg
    }

    /// The primary fails now, to be repaired after `repair_ns` (`None`:
    /// never): with a standby the database is back after the failover
    /// time. Returns the refusals of the calls waiting, to send back to
    /// their instances.
    pub fn fail(&mut self, repair_ns: Option<u64>, w: &mut World) -> Vec<Message> {
        let back_after = match (w.params.db.standby_failover_ns, repair_ns) {
            (Some(f), Some(r)) => f.min(r),
            (Some(f), None) => f,
            (None, Some(r)) => r,
            (None, None) => u64::MAX - w.now,
        };
        self.touch(w.now);
        self.down_until = w.now + back_after;
        self.failed_at = Some(w.now);
        w.note(Note::DatabaseDown {
            seconds: (back_after != u64::MAX - w.now).then(|| back_after as f64 / 1e9),
            failover: w.params.db.standby_failover_ns.is_some(),
        });
        // Running calls are answered as they would have finished (`done`).
        self.busy = 0;
        let mut lost: Vec<Message> = self.queue.drain(..).map(|(m, _)| m).collect();
        for m in &mut lost {
            m.leg = Leg::DbToInstance;
            m.status = Status::ConnectionError;
        }
        lost
    }

    /// (Re)starts the primary's random failures from the rates in force:
    /// the next one comes a random time after now, or after it is back if
    /// it is down.
    pub fn restart_failures(&mut self, w: &mut World) {
        self.failures_gen.bump();
        self.schedule_failure(self.down_until.max(w.now), w);
    }

    /// Whether a random failure scheduled at `gen` still stands.
    pub fn failures_current(&self, gen: Gen) -> bool {
        self.failures_gen == gen
    }

    /// Queues the next random failure a random time after `from`.
    fn schedule_failure(&mut self, from: u64, w: &mut World) {
        if w.params.db.mtbf_ns > 0.0 {
            let gap = self.failures.time_to_failure(w.params.db.mtbf_ns);
            let gen = self.failures_gen;
            w.queue
                .push(from.saturating_add(gap), Event::DatabaseFault { gen });
        }
    }

    /// The primary fails at random, repaired after a time drawn from the
    /// MTTR (or back sooner through its standby); the next failure comes a
    /// random time after it is back. Returns the refusals of the waiting
    /// calls, as `fail` does.
    pub fn on_random_failure(&mut self, w: &mut World) -> Vec<Message> {
        let repair = self.failures.time_to_repair(w.params.db.mttr_ns);
        let lost = self.fail(Some(repair), w);
        self.schedule_failure(self.down_until, w);
        lost
    }

    /// Whether it is down now.
    fn is_down(&self, now: u64) -> bool {
        now < self.down_until
    }

    /// Starts waiting calls while connections are free.
    pub fn start_waiting(&mut self, w: &mut World) {
        while self.busy < self.connections {
            let Some((next, deadline)) = self.queue.pop_front() else {
                return;
            };
            if deadline > w.now {
                self.start(next, w);
            }
        }
    }

    /// The connection limit changed: waiting calls take new connections.
    pub fn set_connections(&mut self, w: &mut World) {
        self.touch(w.now);
        self.connections = w.params.db.connections;
        self.start_waiting(w);
    }

    /// Utilisation over the second that just closed.
    pub fn close_second(&mut self, now: u64) -> f64 {
        self.touch(now);
        let u = ratio(
            self.busy_area - self.busy_area_at_tick,
            self.capacity_area - self.capacity_area_at_tick,
        );
        self.busy_area_at_tick = self.busy_area;
        self.capacity_area_at_tick = self.capacity_area;
        u
    }

    /// Utilisation over the whole run.
    pub fn utilisation(&self) -> f64 {
        ratio(self.busy_area, self.capacity_area)
    }

    pub fn view(&self, tokens: u32, now: u64) -> DatabaseView {
        DatabaseView {
            down: self.is_down(now),
            connections: self.connections,
            busy: self.busy,
            queue: self.queue.len() as u32,
            utilisation: ratio(
                self.busy_area - self.busy_area_at_tick,
                self.capacity_area - self.capacity_area_at_tick,
            ),
            tokens,
        }
    }

    pub fn digest_into(&self, h: &mut Fnv) {
        h.u64(self.busy as u64);
        h.u64(self.queue.len() as u64);
        h.u64(self.queries);
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
