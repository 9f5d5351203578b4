//! What every owner of the model shares while it handles an event: the
//! clock, the event queue (to schedule its own timers), the run-time
//! parameters, and the accounts (metrics and the event log). The owners
//! (`Clients`, `Fleets`, `Database`, `Network`) keep their state private
//! and act on the world only through these.

use crate::engine::EventQueue;
use crate::log::{Log, Note};
use crate::metrics::Metrics;
use crate::params::Params;

#[derive(Clone)]
pub(crate) struct World {
    /// Simulated time, in nanoseconds.
    pub now: u64,
    pub queue: EventQueue,
    pub params: Params,
    pub metrics: Metrics,
    pub log: Log,
}

impl World {
    pub fn new(params: Params) -> World {
        World {
            now: 0,
            queue: EventQueue::default(),
            params,
            metrics: Metrics::default(),
            log: Log::default(),
        }
    }

    /// Records something notable at the current time.
    #[inline]
    pub fn note(&mut self, note: Note) {
        self.log.push(self.now, note);
    }
}
