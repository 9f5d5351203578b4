//! The shared database: a connection limit, a bounded queue and a service
//! time. Every service's database calls meet here, which is why scaling the
//! stateless tiers out eventually only moves the bottleneck to it.

use crate::engine::Message;
use crate::rng::{Purpose, Stream};
use std::collections::VecDeque;

pub(crate) struct Database {
    pub busy: u32,
    pub connections: u32,
    pub queue: VecDeque<Message>,
    pub rng: Stream,
    pub busy_area: u64,
    pub capacity_area: u64,
    last_touch: u64,
    pub busy_area_at_tick: u64,
    pub capacity_area_at_tick: u64,
    pub queries: u64,
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
        }
    }

    /// Brings the utilisation integrals up to `now`; call before changing
    /// `busy` or `connections`.
    #[inline]
    pub fn touch(&mut self, now: u64) {
        let dt = now - self.last_touch;
        self.busy_area += self.busy as u64 * dt;
        // Queries started before a live cut in connections still run.
        self.capacity_area += self.connections.max(self.busy) as u64 * dt;
        self.last_touch = now;
    }

    pub fn utilisation(&self, whole: bool) -> f64 {
        let (b, c) = if whole {
            (self.busy_area, self.capacity_area)
        } else {
            (
                self.busy_area - self.busy_area_at_tick,
                self.capacity_area - self.capacity_area_at_tick,
            )
        };
        if c == 0 {
            0.0
        } else {
            b as f64 / c as f64
        }
    }
}
