//! Circuit breakers at the client, one per service, as Resilience4j's
//! `CircuitBreaker` works with a count-based sliding window:
//!
//! - **Closed**: every call goes through and its result is recorded in a
//!   window of the last `sliding_window_size` calls. Once at least
//!   `minimum_number_of_calls` are recorded (capped at the window's size, as
//!   Resilience4j caps it) and the failed share reaches the threshold
//!   (≥), the breaker opens.
//! - **Open**: every call fails at once, without being sent, for the wait.
//! - **Half-open**: the first call after the wait makes it half-open (the
//!   transition happens on that call, Resilience4j's default without
//!   `automaticTransitionFromOpenToHalfOpenEnabled`); the permitted number
//!   of trial calls go through and any others fail fast. Once every trial
//!   has a result, the breaker opens again if their failure rate reaches the
//!   threshold, else it closes with an empty window.
//!
//! A call is one attempt (a retry is a call of its own); a failure is what
//! the client saw go wrong: a timeout, a 5xx or a refused connection. A
//! result counts only in the state that let its call through: each
//! transition starts a new epoch, and a call carries the epoch it was let
//! through in, so a slow answer from before the breaker opened does not
//! decide a half-open trial.

use crate::log::Note;
use crate::scenario::CircuitBreaker;
use crate::time::SimDuration;
use crate::world::World;
use serde::Serialize;
use std::collections::VecDeque;

/// A breaker's state, with Resilience4j's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    /// No breaker: `client.circuit_breaker.enabled = false`.
    Disabled,
    Closed,
    Open,
    HalfOpen,
}

impl CircuitState {
    pub const fn as_str(self) -> &'static str {
        match self {
            CircuitState::Disabled => "disabled",
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

/// The breaker's settings compiled for running.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct BreakerConfig {
    pub enabled: bool,
    threshold_percent: f64,
    window: u32,
    /// Never more than the window.
    minimum: u32,
    wait_ns: u64,
    trials: u32,
}

impl BreakerConfig {
    pub fn new(b: &CircuitBreaker) -> BreakerConfig {
        BreakerConfig {
            enabled: b.enabled,
            threshold_percent: b.failure_rate_threshold,
            window: b.sliding_window_size,
            minimum: b.minimum_number_of_calls.min(b.sliding_window_size),
            wait_ns: SimDuration::from_secs_f64(b.wait_duration_in_open_state_s).0,
            trials: b.permitted_calls_in_half_open_state,
        }
    }

    /// Whether `failed` of `calls` reaches the failure-rate threshold.
    fn trips(&self, failed: u32, calls: u32) -> bool {
        failed as f64 * 100.0 >= self.threshold_percent * calls as f64
    }
}

/// A change of state, for the log: the results that decided it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Transition {
    pub from: CircuitState,
    pub to: CircuitState,
    /// Failed calls of `calls` (for half-open: the trials it lets through).
    pub failed: u32,
    pub calls: u32,
}

/// One service's breaker.
#[derive(Clone)]
struct Breaker {
    state: CircuitState,
    /// Starts at 1 and grows at every transition; 0 marks a call that went
    /// through no breaker.
    epoch: u32,
    /// Closed: the last calls' results, true for a failure.
    window: VecDeque<bool>,
    failures: u32,
    /// Open: when the wait ends.
    open_until: u64,
    /// Half-open: trials let through, answered, and failed.
    trials_sent: u32,
    trials_done: u32,
    trials_failed: u32,
}

impl Breaker {
    fn new() -> Breaker {
        Breaker {
            state: CircuitState::Closed,
            epoch: 1,
            window: VecDeque::new(),
            failures: 0,
            open_until: 0,
            trials_sent: 0,
            trials_done: 0,
            trials_failed: 0,
        }
    }

    fn enter(&mut self, to: CircuitState, failed: u32, calls: u32) -> Transition {
        let from = self.state;
        self.state = to;
        self.epoch += 1;
        self.window.clear();
        self.failures = 0;
        (self.trials_sent, self.trials_done, self.trials_failed) = (0, 0, 0);
        Transition {
            from,
            to,
            failed,
            calls,
        }
    }

    /// A call asks to go through at `now`: the epoch it goes through in, or
    /// `None` to fail it fast; and the transition the asking made.
    fn permit(&mut self, c: &BreakerConfig, now: u64) -> (Option<u32>, Option<Transition>) {
        let mut change = None;
        if self.state == CircuitState::Open {
            if now < self.open_until {
                return (None, None);
            }
            change = Some(self.enter(CircuitState::HalfOpen, 0, c.trials));
        }
        let permitted = match self.state {
            CircuitState::HalfOpen if self.trials_sent >= c.trials => None,
            CircuitState::HalfOpen => {
                self.trials_sent += 1;
                Some(self.epoch)
            }
            _ => Some(self.epoch),
        };
        (permitted, change)
    }

    /// The result of a call let through in `epoch`; the transition it
    /// caused, if any.
    fn record(
        &mut self,
        c: &BreakerConfig,
        epoch: u32,
        failed: bool,
        now: u64,
    ) -> Option<Transition> {
        if epoch != self.epoch {
            return None;
        }
        match self.state {
            CircuitState::Closed => {
                self.window.push_back(failed);
                self.failures += failed as u32;
                while self.window.len() > c.window as usize {
                    self.failures -= self.window.pop_front().unwrap_or(false) as u32;
                }
                let calls = self.window.len() as u32;
                (calls >= c.minimum && c.trips(self.failures, calls))
                    .then(|| self.open(c, self.failures, calls, now))
            }
            CircuitState::HalfOpen => {
                self.trials_done += 1;
                self.trials_failed += failed as u32;
                if self.trials_done < self.trials_sent.max(c.trials) {
                    return None;
                }
                let (failed, calls) = (self.trials_failed, self.trials_done);
                Some(if c.trips(failed, calls) {
                    self.open(c, failed, calls, now)
                } else {
                    self.enter(CircuitState::Closed, failed, calls)
                })
            }
            CircuitState::Open | CircuitState::Disabled => None,
        }
    }

    fn open(&mut self, c: &BreakerConfig, failed: u32, calls: u32, now: u64) -> Transition {
        self.open_until = now + c.wait_ns;
        self.enter(CircuitState::Open, failed, calls)
    }
}

/// The clients' breakers, one per service in scenario order.
#[derive(Clone)]
pub(crate) struct Breakers {
    services: Vec<Breaker>,
}

impl Breakers {
    pub fn new(services: usize) -> Breakers {
        Breakers {
            services: (0..services).map(|_| Breaker::new()).collect(),
        }
    }

    /// Whether a call to `service` may be sent now: the epoch to record its
    /// result under (0 without breakers), or `None` to fail it fast.
    #[inline]
    pub fn permit(&mut self, service: usize, w: &mut World) -> Option<u32> {
        let c = w.params.breaker;
        if !c.enabled {
            return Some(0);
        }
        let (permitted, change) = self.services[service].permit(&c, w.now);
        note(service, change, w);
        permitted
    }

    /// The result of a call to `service` let through in `epoch`.
    #[inline]
    pub fn record(&mut self, service: usize, epoch: u32, failed: bool, w: &mut World) {
        let c = w.params.breaker;
        if epoch == 0 || !c.enabled {
            return;
        }
        let change = self.services[service].record(&c, epoch, failed, w.now);
        note(service, change, w);
    }

    /// The state of `service`'s breaker as the view shows it.
    pub fn state(&self, service: usize, w: &World) -> CircuitState {
        if w.params.breaker.enabled {
            self.services[service].state
        } else {
            CircuitState::Disabled
        }
    }

    /// The settings changed: every breaker starts again, closed and with an
    /// empty window; results of calls sent before do not count.
    pub fn restart(&mut self) {
        for b in &mut self.services {
            b.enter(CircuitState::Closed, 0, 0);
        }
    }
}

fn note(service: usize, change: Option<Transition>, w: &mut World) {
    if let Some(transition) = change {
        w.note(Note::Breaker {
            service: service as u16,
            transition,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1_000_000_000;

    /// A window of 10 calls, all needed, a 50 % threshold, 5 s open, 3 trials.
    fn config() -> BreakerConfig {
        BreakerConfig::new(&CircuitBreaker {
            enabled: true,
            failure_rate_threshold: 50.0,
            sliding_window_size: 10,
            minimum_number_of_calls: 10,
            wait_duration_in_open_state_s: 5.0,
            permitted_calls_in_half_open_state: 3,
        })
    }

    /// Lets a call through at `now` and records its result at once.
    fn call(b: &mut Breaker, c: &BreakerConfig, failed: bool, now: u64) -> Option<Transition> {
        let (epoch, _) = b.permit(c, now);
        b.record(c, epoch.expect("permitted"), failed, now)
    }

    #[test]
    fn opens_at_the_threshold_fails_fast_for_the_wait_then_closes_on_good_trials() {
        let c = config();
        let mut b = Breaker::new();
        // Five failures and five successes, alternating: the failure rate
        // is first computed at the 10th call (the minimum), 5/10 = 50 % ≥ 50 %.
        for i in 0..9 {
            assert_eq!(call(&mut b, &c, i % 2 == 0, i * SECOND), None, "call {i}");
            assert_eq!(b.state, CircuitState::Closed);
        }
        let opened_at = 9 * SECOND;
        let opened = call(&mut b, &c, false, opened_at);
        assert_eq!(
            opened,
            Some(Transition {
                from: CircuitState::Closed,
                to: CircuitState::Open,
                failed: 5,
                calls: 10
            })
        );
        // Open: every call fails fast until the wait (5 s) is over.
        let wait = 5 * SECOND;
        for t in [opened_at, opened_at + SECOND, opened_at + wait - 1] {
            assert_eq!(b.permit(&c, t), (None, None));
        }
        // The first call after the wait makes it half-open; 3 trials pass.
        let (first, change) = b.permit(&c, opened_at + wait);
        assert_eq!(change.map(|t| t.to), Some(CircuitState::HalfOpen));
        let second = b.permit(&c, opened_at + wait).0;
        let third = b.permit(&c, opened_at + wait).0;
        assert!(first.is_some() && second.is_some() && third.is_some());
        assert_eq!(b.permit(&c, opened_at + wait).0, None, "a 4th trial");
        // 2 successes and 1 failure: 1/3 = 33 % < 50 %, so it closes.
        let later = opened_at + wait + SECOND;
        assert_eq!(b.record(&c, first.unwrap(), false, later), None);
        assert_eq!(b.record(&c, second.unwrap(), true, later), None);
        let closed = b.record(&c, third.unwrap(), false, later);
        assert_eq!(
            closed,
            Some(Transition {
                from: CircuitState::HalfOpen,
                to: CircuitState::Closed,
                failed: 1,
                calls: 3
            })
        );
        // Closed with an empty window: 9 failures do not reach the minimum.
        for i in 0..9 {
            assert_eq!(call(&mut b, &c, true, later + i), None);
        }
        assert_eq!(b.state, CircuitState::Closed);
    }

    #[test]
    fn failed_trials_open_it_again_and_late_results_do_not_count() {
        let c = config();
        let mut b = Breaker::new();
        // A call let through while closed, whose answer comes later.
        let (slow, _) = b.permit(&c, 0);
        for i in 0..10 {
            call(&mut b, &c, true, i);
        }
        assert_eq!(b.state, CircuitState::Open);
        let (trial, _) = b.permit(&c, 5 * SECOND + 9);
        assert_eq!(b.state, CircuitState::HalfOpen);
        // The slow call's success is from the closed state: ignored.
        assert_eq!(b.record(&c, slow.unwrap(), false, 6 * SECOND), None);
        let (t2, _) = b.permit(&c, 6 * SECOND);
        let (t3, _) = b.permit(&c, 6 * SECOND);
        b.record(&c, trial.unwrap(), true, 6 * SECOND);
        b.record(&c, t2.unwrap(), false, 6 * SECOND);
        // 2 of 3 failed: 67 % ≥ 50 %, open again for another wait.
        let reopened = b.record(&c, t3.unwrap(), true, 7 * SECOND).unwrap();
        assert_eq!(
            (reopened.from, reopened.to),
            (CircuitState::HalfOpen, CircuitState::Open)
        );
        assert_eq!((reopened.failed, reopened.calls), (2, 3));
        assert_eq!(b.permit(&c, 12 * SECOND - 1), (None, None));
        assert!(b.permit(&c, 12 * SECOND).0.is_some());
    }

    #[test]
    fn the_window_slides_and_the_minimum_is_capped_at_its_size() {
        let c = BreakerConfig::new(&CircuitBreaker {
            enabled: true,
            sliding_window_size: 4,
            ..CircuitBreaker::default()
        });
        assert_eq!(c.minimum, 4);
        let mut b = Breaker::new();
        // F S S S S: the failure slides out; then F F: 2/4 = 50 % opens.
        for (i, failed) in [true, false, false, false, false, true]
            .into_iter()
            .enumerate()
        {
            assert_eq!(call(&mut b, &c, failed, i as u64), None, "call {i}");
        }
        assert_eq!(
            call(&mut b, &c, true, 6).map(|t| (t.failed, t.calls)),
            Some((2, 4))
        );
    }
}
