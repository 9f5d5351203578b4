//! Random failures as reliability engineering models them: an alternating
//! renewal process. A part is up for a time drawn from an exponential
//! distribution with mean MTBF, then down for one with mean MTTR, then up
//! again, each draw independent; over a long run it is down a fraction
//! MTTR / (MTBF + MTTR) of the time (the renewal-reward theorem). Every
//! part that fails at random (an instance, a zone, the database) draws its
//! times from its own `FailureProcess`, a random stream of its own, so one
//! part's failures never reshuffle another's.

use crate::rng::{Purpose, Stream};

#[derive(Clone)]
pub(crate) struct FailureProcess(Stream);

impl FailureProcess {
    /// The failures of the part keyed by `purpose`, `name` and `ordinal`
    /// (see `Stream::derive`).
    pub fn new(seed: u64, purpose: Purpose, name: &str, ordinal: u64) -> FailureProcess {
        FailureProcess(Stream::derive(seed, purpose, name, ordinal))
    }

    /// How long until the next failure, in ns: exponential, mean `mtbf_ns`.
    pub fn time_to_failure(&mut self, mtbf_ns: f64) -> u64 {
        self.0.exponential(mtbf_ns) as u64
    }

    /// How long the repair takes, in ns: exponential, mean `mttr_ns`, at
    /// least 1 ns (an outage always lasts).
    pub fn time_to_repair(&mut self, mttr_ns: f64) -> u64 {
        (self.0.exponential(mttr_ns) as u64).max(1)
    }
}
