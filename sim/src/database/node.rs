//! One database server (the primary or a read replica): its connection
//! limit, the queue of calls waiting for a connection, the query service
//! time slowed by the Universal Scalability Law, and its utilisation.

use super::scalability::slowdown;
use crate::engine::{Event, Message};
use crate::rng::Stream;
use crate::world::World;
use std::collections::VecDeque;

#[derive(Clone)]
pub(super) struct Node {
    pub busy: u32,
    pub connections: u32,
    /// Waiting calls, each with the deadline it carries (`u64::MAX`: none).
    pub queue: VecDeque<(Message, u64)>,
    rng: Stream,
    /// Queries run (started).
    pub queries: u64,
    /// ∫ busy connections dt and ∫ available connections dt, in
    /// connection·ns, and their values at the last closed second.
    busy_area: u64,
    capacity_area: u64,
    last_touch: u64,
    busy_area_at_tick: u64,
    capacity_area_at_tick: u64,
}

/// What a node did with a call that arrived.
pub(super) enum Taken {
    Started,
    Queued,
    /// Every connection busy and the queue full.
    Refused,
}

impl Node {
    pub fn new(rng: Stream, connections: u32, now: u64) -> Node {
        Node {
            busy: 0,
            connections,
            queue: VecDeque::new(),
            rng,
            queries: 0,
            busy_area: 0,
            capacity_area: 0,
            last_touch: now,
            busy_area_at_tick: 0,
            capacity_area_at_tick: 0,
        }
    }

    /// Brings the utilisation integrals up to `now`; called before `busy`
    /// or `connections` change.
    #[inline]
    pub fn touch(&mut self, now: u64) {
        let dt = now - self.last_touch;
        self.busy_area += self.busy as u64 * dt;
        // Queries started before a live cut in connections still run.
        self.capacity_area += self.connections.max(self.busy) as u64 * dt;
        self.last_touch = now;
    }

    /// A call arrives with its deadline: it runs if a connection is free,
    /// waits if the queue has room, else is refused.
    #[inline]
    pub fn take(&mut self, msg: &Message, deadline: u64, w: &mut World) -> Taken {
        if self.busy < self.connections {
            self.start(*msg, w);
            Taken::Started
        } else if self.queue.len() < w.params.db.queue_capacity as usize {
            self.queue.push_back((*msg, deadline));
            Taken::Queued
        } else {
            Taken::Refused
        }
    }

    fn start(&mut self, msg: Message, w: &mut World) {
        self.touch(w.now);
        self.busy += 1;
        let queries = w.params.traffic.kinds[msg.kind as usize].db_queries;
        self.queries += queries as u64;
        // With n queries running, this one included.
        let db = &w.params.db;
        let slowdown = slowdown(db.contention, db.coherency, self.busy);
        let mut d = 0;
        for _ in 0..queries {
            d += db.work.sample(&mut self.rng, slowdown);
        }
        w.queue.push(w.now + d, Event::DbDone(msg));
    }

    /// A query finished: its connection is free.
    pub fn finish(&mut self, now: u64) {
        self.touch(now);
        self.busy -= 1;
    }

    /// Starts waiting calls while connections are free, telling
    /// `started` of each; a call whose deadline has passed is dropped
    /// unrun.
    pub fn start_waiting(&mut self, w: &mut World, mut started: impl FnMut(&Message)) {
        while self.busy < self.connections {
            let Some((next, deadline)) = self.queue.pop_front() else {
                return;
            };
            if deadline > w.now {
                started(&next);
                self.start(next, w);
            }
        }
    }

    /// The server fails: the calls running on it stop counting (they are
    /// answered as they would have finished), and the waiting ones are
    /// returned, unrun.
    pub fn fail(&mut self, now: u64) -> impl Iterator<Item = Message> + '_ {
        self.touch(now);
        self.busy = 0;
        self.queue.drain(..).map(|(m, _)| m)
    }

    pub fn set_connections(&mut self, connections: u32, now: u64) {
        self.touch(now);
        self.connections = connections;
    }

    /// Utilisation since the last closed second.
    pub fn utilisation_this_second(&self) -> f64 {
        ratio(
            self.busy_area - self.busy_area_at_tick,
            self.capacity_area - self.capacity_area_at_tick,
        )
    }

    /// Utilisation over the second that just closed.
    pub fn close_second(&mut self, now: u64) -> f64 {
        self.touch(now);
        let u = self.utilisation_this_second();
        self.busy_area_at_tick = self.busy_area;
        self.capacity_area_at_tick = self.capacity_area;
        u
    }

    /// Utilisation over the whole run.
    pub fn utilisation(&self) -> f64 {
        ratio(self.busy_area, self.capacity_area)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
