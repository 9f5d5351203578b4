//! The client's retry policy: which failures it resends, how long it waits
//! first (backoff and jitter, as in the AWS SDKs and "Exponential Backoff
//! and Jitter" on the AWS Architecture Blog), and which retry throttle
//! (`throttle`) limits retries across requests. The simulation asks it once
//! per failed attempt; nothing here runs on the success path.

use crate::request::Outcome;
use crate::rng::Stream;
use crate::scenario::{Backoff, Client, Jitter};
use crate::throttle::Rule;
use crate::time::SimDuration;

/// The retry settings compiled to nanoseconds.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct RetryPolicy {
    pub max_attempts: u32,
    on_timeout: bool,
    on_503: bool,
    on_connection_error: bool,
    backoff: Backoff,
    jitter: Jitter,
    base_ns: f64,
    cap_ns: f64,
    pub throttle: Rule,
}

impl RetryPolicy {
    pub fn new(c: &Client) -> RetryPolicy {
        let r = &c.retry;
        let ns = |ms: f64| SimDuration::from_millis_f64(ms).0 as f64;
        RetryPolicy {
            max_attempts: c.max_attempts,
            on_timeout: r.on_timeout,
            on_503: r.on_503,
            on_connection_error: r.on_connection_error,
            backoff: r.backoff,
            jitter: r.jitter,
            base_ns: ns(r.base_ms),
            cap_ns: ns(r.cap_ms),
            throttle: Rule::new(r),
        }
    }

    /// Whether the client resends after an attempt ended this way. It goes
    /// by what a client can see: a timeout (or 504), a 503 (or 409, or
    /// 429), a 502. A 429 is resent as a 503 is: gRPC maps both to
    /// UNAVAILABLE, a status its retry policies resend ("HTTP to gRPC
    /// Status Code Mapping"), and API Gateway expects a throttled client to
    /// resubmit, backing off.
    pub fn retries(&self, o: Outcome) -> bool {
        match o {
            Outcome::Success | Outcome::CircuitOpen => false,
            Outcome::DroppedRequest | Outcome::DroppedResponse | Outcome::Timeout => {
                self.on_timeout
            }
            Outcome::Rejected | Outcome::NoHealthyTarget | Outcome::Throttled => self.on_503,
            Outcome::Crashed => self.on_connection_error,
        }
    }

    /// The wait before retry number `retry` (0 for the first), given the
    /// previous wait (decorrelated jitter builds on it).
    pub fn wait_ns(&self, retry: u32, previous_ns: u64, rng: &mut Stream) -> u64 {
        let (base, cap) = (self.base_ns, self.cap_ns);
        let backoff = self.backoff_ns(retry);
        let wait = match self.jitter {
            Jitter::None => backoff,
            Jitter::Full => rng.uniform() * backoff,
            Jitter::Equal => backoff / 2.0 + rng.uniform() * backoff / 2.0,
            Jitter::Decorrelated => {
                let prev = (previous_ns as f64).max(base);
                (base + rng.uniform() * (prev * 3.0 - base)).min(cap)
            }
        };
        wait as u64
    }

    /// The backoff before jitter for retry number `retry` (0 for the
    /// first): none, the base, or the base doubled per retry up to the cap.
    fn backoff_ns(&self, retry: u32) -> f64 {
        let (base, cap) = (self.base_ns, self.cap_ns);
        match self.backoff {
            Backoff::None => 0.0,
            Backoff::Constant => base,
            Backoff::Exponential => (base * libm::pow(2.0, retry.min(62) as f64)).min(cap),
        }
    }

    /// The interval `wait_ns` draws from, in ns: the backoff itself without
    /// jitter, [0, b] with full jitter, [b/2, b] with equal jitter, and
    /// [base, min(cap, 3 × previous wait)] with decorrelated jitter.
    pub fn wait_range_ns(&self, retry: u32, previous_ns: u64) -> (f64, f64) {
        let backoff = self.backoff_ns(retry);
        match self.jitter {
            Jitter::None => (backoff, backoff),
            Jitter::Full => (0.0, backoff),
            Jitter::Equal => (backoff / 2.0, backoff),
            Jitter::Decorrelated => {
                let (base, cap) = (self.base_ns, self.cap_ns);
                let prev = (previous_ns as f64).max(base);
                (base.min(cap), (prev * 3.0).min(cap))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Purpose;
    use crate::scenario::Client;

    fn policy(backoff: Backoff, jitter: Jitter) -> RetryPolicy {
        let mut c = Client {
            max_attempts: 5,
            ..Client::default()
        };
        c.retry.backoff = backoff;
        c.retry.jitter = jitter;
        c.retry.base_ms = 100.0;
        c.retry.cap_ms = 1000.0;
        RetryPolicy::new(&c)
    }

    #[test]
    fn backoff_formulas() {
        let mut rng = Stream::derive(1, Purpose::Retry, "", 0);
        let ms = |p: &RetryPolicy, k, prev, rng: &mut Stream| p.wait_ns(k, prev, rng) / 1_000_000;
        let exp = policy(Backoff::Exponential, Jitter::None);
        let waits: Vec<u64> = (0..6).map(|k| ms(&exp, k, 0, &mut rng)).collect();
        assert_eq!(waits, vec![100, 200, 400, 800, 1000, 1000]);
        assert_eq!(
            ms(&policy(Backoff::Constant, Jitter::None), 4, 0, &mut rng),
            100
        );
        assert_eq!(ms(&policy(Backoff::None, Jitter::None), 4, 0, &mut rng), 0);
        for _ in 0..1000 {
            let full = ms(&policy(Backoff::Exponential, Jitter::Full), 2, 0, &mut rng);
            assert!(full < 400);
            let equal = ms(&policy(Backoff::Exponential, Jitter::Equal), 2, 0, &mut rng);
            assert!((200..400).contains(&equal));
            let d = policy(Backoff::Exponential, Jitter::Decorrelated);
            let w = ms(&d, 3, 300_000_000, &mut rng);
            assert!((100..=900).contains(&w), "{w}");
            assert!(ms(&d, 3, 900_000_000, &mut rng) <= 1000);
        }
    }

    /// The interval a trace shows for a backoff holds every wait the
    /// policy draws, for every backoff and jitter; with full jitter it is
    /// [0, base × 2^retry] ("Exponential Backoff and Jitter").
    #[test]
    fn every_wait_falls_in_the_interval_a_trace_shows() {
        let mut rng = Stream::derive(2, Purpose::Retry, "", 0);
        for backoff in [Backoff::None, Backoff::Constant, Backoff::Exponential] {
            for jitter in [
                Jitter::None,
                Jitter::Full,
                Jitter::Equal,
                Jitter::Decorrelated,
            ] {
                let p = policy(backoff, jitter);
                for retry in 0..6 {
                    for previous in [0, 150_000_000, 900_000_000] {
                        let (low, high) = p.wait_range_ns(retry, previous);
                        for _ in 0..200 {
                            let w = p.wait_ns(retry, previous, &mut rng) as f64;
                            assert!(
                                low.floor() <= w && w <= high,
                                "{backoff:?} {jitter:?} retry {retry}: {w} outside [{low}, {high}]"
                            );
                        }
                    }
                }
            }
        }
        let full = policy(Backoff::Exponential, Jitter::Full);
        assert_eq!(full.wait_range_ns(2, 0), (0.0, 100e6 * 4.0));
    }

    #[test]
    fn retries_by_what_the_client_saw() {
        let mut c = Client::default();
        c.retry.on_503 = false;
        let p = RetryPolicy::new(&c);
        assert!(p.retries(Outcome::DroppedResponse) && p.retries(Outcome::Crashed));
        assert!(!p.retries(Outcome::Rejected) && !p.retries(Outcome::Success));
    }
}
