//! Simulated time: integer nanoseconds, so every target adds and compares
//! times exactly and runs are bit-identical natively and in wasm.

use serde::Serialize;

/// A point in simulated time, in nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SimTime(pub u64);

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SimDuration(pub u64);

pub(crate) const NANOS_PER_SEC: u64 = 1_000_000_000;

impl SimTime {
    pub fn from_secs_f64(s: f64) -> SimTime {
        SimTime(secs_to_nanos(s))
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }
    pub fn as_nanos(self) -> u64 {
        self.0
    }
    /// Saturating, so a huge duration cannot wrap time around.
    pub fn plus(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub fn from_secs_f64(s: f64) -> SimDuration {
        SimDuration(secs_to_nanos(s))
    }
    pub fn from_millis_f64(ms: f64) -> SimDuration {
        SimDuration(secs_to_nanos(ms / 1000.0))
    }
    pub fn from_secs(s: u64) -> SimDuration {
        SimDuration(s.saturating_mul(NANOS_PER_SEC))
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }
}

/// Rounds to the nearest nanosecond; negative and non-finite inputs become 0
/// (validation rejects them before they get here, this only keeps it total).
fn secs_to_nanos(s: f64) -> u64 {
    if s.is_finite() && s > 0.0 {
        let ns = s * NANOS_PER_SEC as f64 + 0.5;
        if ns >= u64::MAX as f64 {
            u64::MAX
        } else {
            ns as u64
        }
    } else {
        0
    }
}

impl core::fmt::Display for SimTime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:.3}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimDuration::from_millis_f64(0.662).0, 662_000);
        assert_eq!(SimTime::from_secs_f64(1.5).0, 1_500_000_000);
        assert_eq!(SimDuration::from_secs_f64(-3.0).0, 0);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN).0, 0);
        assert_eq!(SimTime(u64::MAX - 1).plus(SimDuration(10)).0, u64::MAX);
        assert_eq!(SimTime(5).since(SimTime(9)), SimDuration::ZERO);
    }
}
