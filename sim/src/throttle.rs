//! Retry throttles: the rules real clients use so that retries cannot
//! multiply the load on a failing service. Each is kept per service, as the
//! real ones are per server name (gRPC), per cluster (Envoy) or per client
//! of one destination (Finagle), and each follows its source:
//!
//! - gRPC retry throttling (gRFC A6; grpc-java `RetriableStream.Throttle`,
//!   grpc-go `retryThrottler`): a token count starting at `max_tokens`, kept
//!   in [0, `max_tokens`]. A failed attempt the policy would retry takes one
//!   token, then the retry is allowed only if the count is still above
//!   `max_tokens / 2`; a success adds `token_ratio`. Counts are kept in
//!   thousandths, as grpc-java does ("up to three decimal places").
//! - Envoy's retry budget (`circuit_breakers.thresholds.retry_budget`,
//!   `RetryStateImpl::shouldRetry`): a retry is allowed while the retries
//!   active now (granted, and not yet answered) are fewer than
//!   `max(budget_percent % × (active + pending requests), min_retry_concurrency)`,
//!   the product truncated to a whole number. Active requests here are the
//!   attempts sent to the service and not yet answered.
//! - Finagle's `RetryBudget` (`RetryBudget.scala`, `TokenRetryBudget` over
//!   `TokenBucket.newLeakyBucket` and a `WindowedAdder` of 10 slices):
//!   every request deposits 1000 units, every retry withdraws
//!   `1000 / percent_can_retry` (truncated); both land in the current slice
//!   of `ttl / 10` and expire with it after `ttl`. A retry is allowed while
//!   the window's sum plus a reserve of `min_retries_per_sec × ttl`
//!   withdrawals covers one withdrawal. So over any window, retries ≤
//!   `percent_can_retry` × requests + `min_retries_per_sec` × `ttl`.
//!
//! The first attempt is never throttled; a refused retry fails the request
//! at once.

use crate::scenario::{Retry, Throttle};

/// A throttle's rule compiled to the integers the real clients count in.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Rule {
    None,
    /// Thousandths of a token.
    Grpc {
        max: u64,
        ratio: u64,
    },
    Envoy {
        percent: f64,
        min: u32,
    },
    /// Finagle's scaled units and its window's slice.
    Finagle {
        slice_ns: u64,
        deposit: i64,
        withdrawal: i64,
        reserve: i64,
    },
}

/// Finagle's `WindowedAdder` keeps this many slices of `ttl / SLICES`.
const SLICES: usize = 10;
/// Finagle's `TokenRetryBudget.ScaleFactor` (and grpc-java's thousandths).
const SCALE: f64 = 1000.0;

impl Rule {
    pub fn new(r: &Retry) -> Rule {
        match r.throttle {
            Throttle::None => Rule::None,
            Throttle::Grpc => Rule::Grpc {
                max: (r.grpc.max_tokens * SCALE).round() as u64,
                ratio: (r.grpc.token_ratio * SCALE).round() as u64,
            },
            Throttle::Envoy => Rule::Envoy {
                percent: r.envoy.budget_percent,
                min: r.envoy.min_retry_concurrency,
            },
            Throttle::Finagle => {
                let f = &r.finagle;
                // With no percentage, requests earn nothing and a retry
                // costs one unit of the reserve.
                let (deposit, withdrawal) = if f.percent_can_retry == 0.0 {
                    (0, 1)
                } else {
                    (SCALE as i64, (SCALE / f.percent_can_retry) as i64)
                };
                let per_window = i64::from(f.min_retries_per_sec) * i64::from(f.ttl_s);
                Rule::Finagle {
                    slice_ns: u64::from(f.ttl_s) * 1_000_000_000 / SLICES as u64,
                    deposit,
                    withdrawal,
                    reserve: per_window.saturating_mul(withdrawal),
                }
            }
        }
    }

    pub fn kind(&self) -> Throttle {
        match self {
            Rule::None => Throttle::None,
            Rule::Grpc { .. } => Throttle::Grpc,
            Rule::Envoy { .. } => Throttle::Envoy,
            Rule::Finagle { .. } => Throttle::Finagle,
        }
    }
}

/// How an attempt ended, as a throttle counts it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Answer {
    Success,
    /// A failure the retry policy would resend (gRPC's retryable status).
    RetryableFailure,
    /// Any other failure: no throttle counts it.
    OtherFailure,
}

/// Every service's throttle state. The counts of attempts and retries in
/// flight are facts kept whatever the rule, so the rule can change while
/// the simulation runs.
#[derive(Clone)]
pub(crate) struct Throttles {
    services: Vec<Service>,
}

#[derive(Clone)]
struct Service {
    /// gRPC's token count, in thousandths.
    tokens: u64,
    /// Attempts sent and not yet answered: Envoy's active requests.
    attempts: u32,
    /// Retries granted (in backoff or sent) and not yet answered: Envoy's
    /// active retries.
    retries: u32,
    /// Finagle's windowed sum of deposits and withdrawals.
    window: Window,
}

impl Throttles {
    pub fn new(rule: &Rule, services: usize, now: u64) -> Throttles {
        let mut t = Throttles {
            services: (0..services)
                .map(|_| Service {
                    tokens: 0,
                    attempts: 0,
                    retries: 0,
                    window: Window::new(0),
                })
                .collect(),
        };
        t.restart(rule, now);
        t
    }

    /// A new rule: each service's throttle starts afresh, as a real client
    /// builds a new one from a new configuration (gRPC's tokens full,
    /// Finagle's window empty). What is in flight stays counted.
    pub fn restart(&mut self, rule: &Rule, now: u64) {
        for s in &mut self.services {
            s.tokens = match *rule {
                Rule::Grpc { max, .. } => max,
                _ => 0,
            };
            s.window = Window::new(now);
        }
    }

    /// A logical request starts: Finagle's deposit.
    pub fn request_started(&mut self, service: u16, rule: &Rule, now: u64) {
        if let Rule::Finagle {
            slice_ns, deposit, ..
        } = *rule
        {
            self.services[usize::from(service)]
                .window
                .add(deposit, slice_ns, now);
        }
    }

    /// An attempt (first or retry) is sent to `service`.
    pub fn attempt_sent(&mut self, service: u16) {
        self.services[usize::from(service)].attempts += 1;
    }

    /// The client saw how an attempt to `service` ended; `retry` when it
    /// was a retry. gRPC counts the answer before it decides on a retry.
    pub fn attempt_answered(&mut self, service: u16, retry: bool, answer: Answer, rule: &Rule) {
        let s = &mut self.services[usize::from(service)];
        // Saturating: a retry granted while its request kind went to another
        // service (a live change during its backoff) is answered by that one.
        s.attempts = s.attempts.saturating_sub(1);
        s.retries = s.retries.saturating_sub(retry as u32);
        if let Rule::Grpc { max, ratio } = *rule {
            s.tokens = match answer {
                Answer::Success => (s.tokens + ratio).min(max),
                Answer::RetryableFailure => s.tokens.saturating_sub(SCALE as u64),
                Answer::OtherFailure => s.tokens,
            };
        }
    }

    /// Whether the rule lets a request to `service` retry now; a granted
    /// retry is counted (and, for Finagle, withdrawn).
    pub fn allow_retry(&mut self, service: u16, rule: &Rule, now: u64) -> bool {
        let s = &mut self.services[usize::from(service)];
        let allowed = match *rule {
            Rule::None => true,
            Rule::Grpc { max, .. } => s.tokens > max / 2,
            Rule::Envoy { percent, min } => {
                let budget = (percent / 100.0 * f64::from(s.attempts)) as u32;
                s.retries < budget.max(min)
            }
            Rule::Finagle {
                slice_ns,
                withdrawal,
                reserve,
                ..
            } => {
                let ok = s.window.sum(slice_ns, now) + reserve >= withdrawal;
                if ok {
                    s.window.add(-withdrawal, slice_ns, now);
                }
                ok
            }
        };
        s.retries += allowed as u32;
        allowed
    }
}

/// Finagle's `WindowedAdder`: sums over the current slice and the
/// `SLICES - 1` before it, slices counted from when it was made; a slice's
/// sum is dropped when the window moves past it.
#[derive(Clone)]
struct Window {
    origin: u64,
    /// The current slice's number since `origin`.
    head: u64,
    slots: [i64; SLICES],
}

impl Window {
    fn new(origin: u64) -> Window {
        Window {
            origin,
            head: 0,
            slots: [0; SLICES],
        }
    }

    fn roll(&mut self, slice_ns: u64, now: u64) {
        let k = now.saturating_sub(self.origin) / slice_ns;
        for expired in self.head + 1..=k.min(self.head + SLICES as u64) {
            self.slots[expired as usize % SLICES] = 0;
        }
        self.head = self.head.max(k);
    }

    fn add(&mut self, n: i64, slice_ns: u64, now: u64) {
        self.roll(slice_ns, now);
        self.slots[self.head as usize % SLICES] += n;
    }

    fn sum(&mut self, slice_ns: u64, now: u64) -> i64 {
        self.roll(slice_ns, now);
        self.slots.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn rule(kind: Throttle, edit: impl FnOnce(&mut Retry)) -> Rule {
        let mut r = Retry {
            throttle: kind,
            ..Retry::default()
        };
        edit(&mut r);
        Rule::new(&r)
    }

    /// One service; `fail` answers an attempt with a retryable failure and
    /// asks for its retry, as the client does.
    struct One {
        t: Throttles,
        rule: Rule,
    }

    impl One {
        fn new(rule: Rule) -> One {
            One {
                t: Throttles::new(&rule, 1, 0),
                rule,
            }
        }
        fn answer(&mut self, retry: bool, a: Answer) {
            self.t.attempt_sent(0);
            self.t.attempt_answered(0, retry, a, &self.rule);
        }
        fn fail_and_ask(&mut self, now: u64) -> bool {
            self.answer(false, Answer::RetryableFailure);
            self.t.allow_retry(0, &self.rule, now)
        }
    }

    #[test]
    fn grpc_retries_only_above_half_the_tokens() {
        // gRFC A6 with its example: max_tokens 10, token_ratio 0.1. Each
        // failure takes a token before the retry is decided (grpc-java
        // `onQualifiedFailureThenCheckIsAboveThreshold`, grpc-go `throttle`).
        let (max, ratio) = (10.0, 0.1);
        let mut g = One::new(rule(Throttle::Grpc, |_| {}));
        let mut tokens: f64 = max;
        for _ in 0..8 {
            tokens = (tokens - 1.0).max(0.0);
            let allowed = tokens > max / 2.0;
            assert_eq!(g.fail_and_ask(0), allowed, "at {tokens} tokens");
            if allowed {
                // The granted retry's own answer: another failure.
                g.t.attempt_sent(0);
                g.t.attempt_answered(0, true, Answer::OtherFailure, &g.rule);
            }
        }
        // 8 failures: 10 − 8 = 2 tokens; the first 4 retries were allowed
        // (9, 8, 7, 6 > 5), then none. 40 successes add 4: 6 tokens; the
        // next failure leaves 5, not above 5: refused. 10 more: 6 again,
        // and another 10 make 7: the next failure leaves 6, allowed.
        for _ in 0..40 {
            g.answer(false, Answer::Success);
        }
        tokens = (tokens + 40.0 * ratio).min(max) - 1.0;
        assert_eq!(
            g.fail_and_ask(0),
            tokens > max / 2.0,
            "6 − 1 = 5 is not above 5"
        );
        for _ in 0..20 {
            g.answer(false, Answer::Success);
        }
        assert!(g.fail_and_ask(0), "5 + 2 − 1 = 6 is above 5");
        // Other failures (not retryable) cost nothing; tokens never exceed max.
        let mut g = One::new(rule(Throttle::Grpc, |_| {}));
        for _ in 0..100 {
            g.answer(false, Answer::Success);
            g.answer(false, Answer::OtherFailure);
        }
        let allowed = (0..10).filter(|_| g.fail_and_ask(0)).count();
        assert_eq!(allowed as f64, max / 2.0 - 1.0, "9, 8, 7, 6 only");
    }

    #[test]
    fn envoy_bounds_retries_in_flight_not_over_time() {
        // Envoy defaults: 20 % of active requests, at least 3 at once.
        let mut e = One::new(rule(Throttle::Envoy, |_| {}));
        let active = 20u32;
        for _ in 0..active {
            e.t.attempt_sent(0);
        }
        // max(20 % × 20, 3) = 4 retries may be active at once.
        let budget = (0.2 * active as f64) as usize;
        let granted = (0..10).filter(|_| e.t.allow_retry(0, &e.rule, 0)).count();
        assert_eq!(granted, budget.max(3));
        // One retried attempt answered frees its place: one more.
        e.t.attempt_sent(0);
        e.t.attempt_answered(0, true, Answer::RetryableFailure, &e.rule);
        assert!(e.t.allow_retry(0, &e.rule, 0));
        assert!(!e.t.allow_retry(0, &e.rule, 0));
        // With 4 active requests the floor rules: max(0.8 → 0, 3) = 3.
        let mut e = One::new(rule(Throttle::Envoy, |_| {}));
        for _ in 0..4 {
            e.t.attempt_sent(0);
        }
        let granted = (0..10).filter(|_| e.t.allow_retry(0, &e.rule, 0)).count();
        assert_eq!(granted, 3);
    }

    #[test]
    fn finagle_allows_a_fifth_of_requests_plus_ten_per_second_within_the_ttl() {
        // Finagle defaults: ttl 10 s, 10 retries/s in reserve, 20 % of requests.
        let (ttl_s, min_per_s, percent) = (10u64, 10u64, 0.2);
        let mut f = One::new(rule(Throttle::Finagle, |_| {}));
        // No requests yet: the reserve alone, min_per_s × ttl = 100 retries.
        let reserve = (min_per_s * ttl_s) as usize;
        let granted = (0..1000).filter(|_| f.t.allow_retry(0, &f.rule, 0)).count();
        assert_eq!(granted, reserve);
        // 50 requests at 3 s earn 20 % of 50 = 10 more, in the same window.
        for _ in 0..50 {
            f.t.request_started(0, &f.rule, 3 * S);
        }
        let at = 3 * S;
        let granted = (0..1000)
            .filter(|_| f.t.allow_retry(0, &f.rule, at))
            .count();
        assert_eq!(granted, (percent * 50.0) as usize);
        // At 9.9 s nothing has expired yet; at 10 s the first second's 100
        // withdrawals leave the window (a slice is ttl / 10 = 1 s): 100 again.
        assert!(!f.t.allow_retry(0, &f.rule, 9_900_000_000));
        let granted = (0..1000)
            .filter(|_| f.t.allow_retry(0, &f.rule, ttl_s * S))
            .count();
        assert_eq!(granted, reserve);
        // At 13 s the deposits and withdrawals of 3 s expire together.
        let granted = (0..1000)
            .filter(|_| f.t.allow_retry(0, &f.rule, 13 * S))
            .count();
        assert_eq!(granted, 0, "the 10 s withdrawals still use the reserve");
        let granted = (0..1000)
            .filter(|_| f.t.allow_retry(0, &f.rule, 20 * S))
            .count();
        assert_eq!(granted, reserve);
    }

    #[test]
    fn finagle_without_a_reserve_earns_retries_only_from_requests() {
        let r = rule(Throttle::Finagle, |r| {
            r.finagle.min_retries_per_sec = 0;
            r.finagle.percent_can_retry = 0.5;
        });
        let mut f = One::new(r);
        for _ in 0..7 {
            f.t.request_started(0, &f.rule, 0);
        }
        // 7 deposits of 1000 against withdrawals of 1000 / 0.5 = 2000: 3.
        let granted = (0..10).filter(|_| f.t.allow_retry(0, &f.rule, S)).count();
        assert_eq!(granted, 7 / 2);
    }

    #[test]
    fn none_allows_everything_and_a_restart_refills() {
        let mut n = One::new(Rule::None);
        assert!((0..1000).all(|_| n.fail_and_ask(0)));
        let mut g = One::new(rule(Throttle::Grpc, |_| {}));
        while g.fail_and_ask(0) {}
        let r = g.rule;
        g.t.restart(&r, 0);
        assert!(g.fail_and_ask(0), "a new throttle starts with max_tokens");
    }
}
