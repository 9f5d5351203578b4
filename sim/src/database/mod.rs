//! The shared database: a primary and, optionally, read replicas, each a
//! `Node` with a connection limit, a bounded queue and a service time.
//! Every service's database calls meet here, which is why scaling the
//! stateless tiers out eventually only moves the bottleneck to it — and why
//! its failure fails every request that needs it: while the primary is
//! down, calls to it are refused, and the calls it held when it failed are
//! lost. A standby takes over after the failover time; without one it is
//! down until the primary is repaired.
//!
//! Read replicas (RDS read replicas, Aurora Replicas) take the reads: a
//! call of a kind that does not write goes to a replica, the writes always
//! to the primary; with no replicas everything goes to the primary (as an
//! Aurora reader endpoint connects to the primary when there are none).
//! The reads are spread over the replicas in turn, one request after the
//! other: the Aurora reader endpoint balances connections, not queries, and
//! a request here opens its own. While the primary is down the replicas go
//! on serving reads (Aurora: the other readers stay available during a
//! failover); writes fail until it is back (its standby's failover stands
//! for the promotion of a replica). Replicas share the primary's zone:
//! an outage of zone a takes only the primary. Besides the faults a scenario schedules and the
//! user's, the primary fails at random when `database.mtbf_s` is set: up
//! for an exponential time of mean MTBF, down for one of mean MTTR (or the
//! failover time, if a standby takes over first), and so on.

mod node;
mod scalability;

use crate::digest::Fnv;
use crate::engine::{Event, Gen, Leg, Message};
use crate::failures::FailureProcess;
use crate::log::Note;
use crate::params::Params;
use crate::request::Status;
use crate::rng::{Purpose, Stream};
use crate::slab::Handle;
use crate::snapshot::{DatabaseView, ReplicaView};
use crate::world::World;
use node::{Node, Taken};
use scalability::throughput;
use std::collections::HashMap;

#[derive(Clone)]
pub(crate) struct Database {
    primary: Node,
    /// Read replicas, each with the primary's connections, queue and
    /// scalability; they serve the reads of requests whose kind does not
    /// write, spread over the first `in_use` in turn. Replicas beyond
    /// those (after a live cut) finish what they hold and take nothing new.
    replicas: Vec<Node>,
    in_use: usize,
    /// The replica each call running on one runs on, by its attempt (an
    /// attempt makes one call at a time); calls not here run on the
    /// primary.
    on_replica: HashMap<Handle, u8>,
    /// Until when the primary is down (0: up), and when it last failed:
    /// calls sent to it before then and still running were lost with it.
    down_until: u64,
    failed_at: Option<u64>,
    /// When the primary fails at random, and the generation of that chain.
    failures: FailureProcess,
    failures_gen: Gen,
}

/// Which server a call runs on.
#[derive(Clone, Copy)]
enum Target {
    Primary,
    Replica(u8),
}

impl Database {
    pub fn new(params: &Params) -> Database {
        let primary = Stream::derive(params.seed, Purpose::Database, "database", 0);
        let mut db = Database {
            primary: Node::new(primary, params.db.connections, 0),
            replicas: Vec::new(),
            in_use: 0,
            on_replica: HashMap::new(),
            down_until: 0,
            failed_at: None,
            failures: FailureProcess::new(params.seed, Purpose::DatabaseFaults, "database", 0),
            failures_gen: Gen::default(),
        };
        db.use_replicas(params, 0);
        db
    }

    /// Reads go to the first `read_replicas` replicas from now on; new
    /// ones start idle, each with its own stream of query times.
    fn use_replicas(&mut self, params: &Params, now: u64) {
        let wanted = params.db.read_replicas as usize;
        while self.replicas.len() < wanted {
            let r = self.replicas.len() as u64;
            let rng = Stream::derive(params.seed, Purpose::Database, "replica", r);
            self.replicas
                .push(Node::new(rng, params.db.connections, now));
        }
        self.in_use = wanted;
    }

    /// The number of read replicas changed: calls already taken finish
    /// where they are; new reads spread over the replicas there are now.
    pub fn set_replicas(&mut self, w: &mut World) {
        self.use_replicas(&w.params, w.now);
    }

    /// Where an arriving call goes: a write (a kind that writes), or any
    /// call when there are no replicas, to the primary; a read to a
    /// replica, the request's token picking it in turn (as the reader
    /// endpoint gives each new connection the next replica).
    #[inline]
    fn target(&self, msg: &Message, params: &Params) -> Target {
        let r = self.in_use;
        if r == 0 || params.traffic.kinds[msg.kind as usize].writes {
            Target::Primary
        } else {
            Target::Replica((msg.token as usize % r) as u8)
        }
    }

    /// A call arrives, carrying the deadline of its request (`u64::MAX`:
    /// none): it runs if a connection of its server is free, waits if the
    /// queue has room, and is otherwise refused: then `msg` becomes the
    /// answer to send (a 503) and this returns true. A call to the primary
    /// while it is down is refused with a connection error. A waiting call
    /// whose deadline passes is dropped unrun.
    pub fn arrive(&mut self, msg: &mut Message, deadline: u64, w: &mut World) -> bool {
        let target = self.target(msg, &w.params);
        if matches!(target, Target::Primary) && w.now < self.down_until {
            msg.leg = Leg::DbToInstance;
            msg.status = Status::ConnectionError;
            return true;
        }
        let node = match target {
            Target::Primary => &mut self.primary,
            Target::Replica(i) => &mut self.replicas[i as usize],
        };
        match node.take(msg, deadline, w) {
            Taken::Started => {
                if let Target::Replica(i) = target {
                    self.on_replica.insert(msg.attempt, i);
                }
                false
            }
            Taken::Queued => false,
            Taken::Refused => {
                msg.leg = Leg::DbToInstance;
                msg.status = Status::Rejected;
                true
            }
        }
    }

    /// A call finished: the answer to send back. One that was running on
    /// the primary when it failed is answered with a connection error, at
    /// the moment it would have finished (a query's time at most after the
    /// failure). Call `start_waiting` once it is sent.
    pub fn done(&mut self, mut msg: Message, now: u64) -> Message {
        msg.leg = Leg::DbToInstance;
        let replica = if self.on_replica.is_empty() {
            None
        } else {
            self.on_replica.remove(&msg.attempt)
        };
        let node = match replica {
            Some(i) => &mut self.replicas[i as usize],
            None if self.failed_at.is_some_and(|t| msg.sent_at <= t) => {
                msg.status = Status::ConnectionError;
                return msg;
            }
            None => &mut self.primary,
        };
        node.finish(now);
        msg.status = Status::Ok;
        msg
    }

    /// The primary fails now, to be repaired after `repair_ns` (`None`:
    /// never): with a standby the database is back after the failover
    /// time. Read replicas go on serving reads. Returns the refusals of the
    /// calls waiting for the primary, to send back to their instances.
    pub fn fail(&mut self, repair_ns: Option<u64>, w: &mut World) -> Vec<Message> {
        let back_after = match (w.params.db.standby_failover_ns, repair_ns) {
            (Some(f), Some(r)) => f.min(r),
            (Some(f), None) => f,
            (None, Some(r)) => r,
            (None, None) => u64::MAX - w.now,
        };
        self.down_until = w.now + back_after;
        self.failed_at = Some(w.now);
        w.note(Note::DatabaseDown {
            seconds: (back_after != u64::MAX - w.now).then(|| back_after as f64 / 1e9),
            failover: w.params.db.standby_failover_ns.is_some(),
        });
        // Running calls are answered as they would have finished (`done`).
        let mut lost: Vec<Message> = self.primary.fail(w.now).collect();
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

    /// Whether the primary is down now.
    fn is_down(&self, now: u64) -> bool {
        now < self.down_until
    }

    /// Starts waiting calls while connections are free, on every server.
    pub fn start_waiting(&mut self, w: &mut World) {
        self.primary.start_waiting(w, |_| {});
        for (i, r) in self.replicas.iter_mut().enumerate() {
            let on_replica = &mut self.on_replica;
            r.start_waiting(w, |msg| {
                on_replica.insert(msg.attempt, i as u8);
            });
        }
    }

    /// The connection limit changed: waiting calls take new connections.
    pub fn set_connections(&mut self, w: &mut World) {
        let connections = w.params.db.connections;
        self.primary.set_connections(connections, w.now);
        for r in &mut self.replicas {
            r.set_connections(connections, w.now);
        }
        self.start_waiting(w);
    }

    /// The primary's utilisation over the second that just closed (the
    /// replicas close their second too).
    pub fn close_second(&mut self, now: u64) -> f64 {
        for r in &mut self.replicas {
            r.close_second(now);
        }
        self.primary.close_second(now)
    }

    /// Requests a second its servers can serve now, when a request makes
    /// `reads` queries that do not write and `writes` that do, on average:
    /// by the bottleneck law, the least of the primary's rate (with every
    /// connection busy) over the queries it takes and the replicas' over
    /// the reads. While the primary is down, only requests without writes
    /// get through, to replicas.
    pub fn capacity_rps(&self, reads: f64, writes: f64, w: &World) -> f64 {
        let db = &w.params.db;
        let rate = |n: &Node| {
            throughput(
                db.work.mean_ns() / 1e9,
                db.contention,
                db.coherency,
                n.connections,
            )
        };
        let primary = if self.is_down(w.now) {
            0.0
        } else {
            rate(&self.primary)
        };
        let per = |rate: f64, queries: f64| {
            if queries > 0.0 {
                rate / queries
            } else {
                f64::INFINITY
            }
        };
        if self.in_use == 0 {
            per(primary, reads + writes)
        } else {
            let replicas: f64 = self.replicas[..self.in_use].iter().map(rate).sum();
            per(primary, writes).min(per(replicas, reads))
        }
    }

    /// The primary's utilisation over the whole run.
    pub fn utilisation(&self) -> f64 {
        self.primary.utilisation()
    }

    pub fn view(&self, tokens: u32, now: u64) -> DatabaseView {
        let p = &self.primary;
        DatabaseView {
            down: self.is_down(now),
            connections: p.connections,
            busy: p.busy,
            queue: p.queue.len() as u32,
            utilisation: p.utilisation_this_second(),
            tokens,
            replicas: self.replicas[..self.in_use]
                .iter()
                .map(|r| ReplicaView {
                    connections: r.connections,
                    busy: r.busy,
                    queue: r.queue.len() as u32,
                    utilisation: r.utilisation_this_second(),
                })
                .collect(),
        }
    }

    pub fn digest_into(&self, h: &mut Fnv) {
        h.u64(self.primary.busy as u64);
        h.u64(self.primary.queue.len() as u64);
        let queries: u64 = self.replicas.iter().map(|r| r.queries).sum();
        h.u64(self.primary.queries + queries);
        for r in &self.replicas {
            h.u64(r.busy as u64);
            h.u64(r.queue.len() as u64);
        }
    }
}
