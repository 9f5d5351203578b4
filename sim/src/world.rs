//! What every owner of the model shares while it handles an event: the
//! clock, the event queue (to schedule its own timers), the run-time
//! parameters, and the accounts (metrics and the event log). The owners
//! (`Clients`, `Fleets`, `Database`, `Network`) keep their state private
//! and act on the world only through these.

use crate::engine::{EventQueue, Message};
use crate::log::{Log, Note};
use crate::metrics::Metrics;
use crate::params::Params;
use crate::slab::Handle;
use crate::trace::{Step, Tracer};

#[derive(Clone)]
pub(crate) struct World {
    /// Simulated time, in nanoseconds.
    pub now: u64,
    pub queue: EventQueue,
    pub params: Params,
    pub metrics: Metrics,
    pub log: Log,
    /// The trace someone asked for; `None` (the usual case) costs the
    /// owners one branch where they would report to it.
    pub tracer: Option<Box<Tracer>>,
}

impl World {
    pub fn new(params: Params) -> World {
        World {
            now: 0,
            queue: EventQueue::default(),
            params,
            metrics: Metrics::default(),
            log: Log::default(),
            tracer: None,
        }
    }

    /// Records something notable at the current time.
    #[inline]
    pub fn note(&mut self, note: Note) {
        self.log.push(self.now, note);
    }

    /// Tells the tracer, if there is one, what happened to `attempt` now
    /// (it keeps it if the attempt is a traced request's).
    #[inline]
    pub fn trace(&mut self, attempt: Handle, step: impl FnOnce() -> Step) {
        if let Some(t) = self.tracer.as_deref_mut() {
            t.attempt_step(attempt, self.now, step());
        }
    }

    /// Tells the tracer, if there is one, that `msg` ended its hop now
    /// (arrived, or was lost).
    #[inline]
    pub fn trace_hop(&mut self, msg: &Message) {
        if let Some(t) = self.tracer.as_deref_mut() {
            t.hop(msg, self.now);
        }
    }
}
