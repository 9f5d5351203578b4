//! The clients: where logical requests come from (`traffic`), the attempts
//! they send, and what a client does with each attempt's result: it
//! observes a response or a timeout, and resends (after a backoff, within
//! its attempts and its retry throttle) or finishes the request. Every
//! attempt carries the logical request's idempotency token, and goes
//! through its service's circuit breaker (`breaker`), which may fail it at
//! once instead.
//!
//! Rules kept here: every attempt belongs to one logical request; a request
//! finishes with exactly one outcome; attempts = requests + retries.

mod breaker;
mod traffic;

pub use breaker::CircuitState;
pub(crate) use breaker::{BreakerConfig, Transition};

use crate::engine::{AttemptTimer, Event, Leg, Message};
use crate::log::Note;
use crate::params::Params;
use crate::request::{Attempt, Fate, LogicalRequest, Observed, Outcome, RequestId, Source, Status};
use crate::rng::{Purpose, Stream};
use crate::slab::{Handle, Slab};
use crate::throttle::{Answer, Throttles};
use crate::time::SimDuration;
use crate::trace::Step;
use crate::world::World;
use breaker::Breakers;
use traffic::Traffic;

#[derive(Clone)]
pub(crate) struct Clients {
    traffic: Traffic,
    requests: Slab<LogicalRequest>,
    attempts: Slab<Attempt>,
    next_request: u64,
    /// Backoff jitter, for all clients.
    retry_rng: Stream,
    throttles: Throttles,
    breakers: Breakers,
}

impl Clients {
    pub fn new(params: &Params) -> Clients {
        let seed = params.seed;
        Clients {
            traffic: Traffic::new(seed),
            requests: Slab::new(),
            attempts: Slab::new(),
            next_request: 1,
            retry_rng: Stream::derive(seed, Purpose::Retry, "", 0),
            throttles: Throttles::new(&params.retry.throttle, params.services.len(), 0),
            breakers: Breakers::new(params.services.len()),
        }
    }

    /// Logical requests created and not yet finished.
    pub fn requests_in_flight(&self) -> u64 {
        self.requests.len() as u64
    }

    /// Logical requests created so far.
    pub fn requests_created(&self) -> u64 {
        self.next_request - 1
    }

    /// Attempts sent whose outcome the client has not yet observed.
    pub fn attempts_in_flight(&self) -> u64 {
        self.attempts.len() as u64
    }

    /// Whether a logical request is still in flight.
    #[inline]
    pub fn has_request(&self, request: Handle) -> bool {
        self.requests.get(request).is_some()
    }

    /// Whether the client still waits for an attempt's outcome.
    #[inline]
    pub fn has_attempt(&self, attempt: Handle) -> bool {
        self.attempts.get(attempt).is_some()
    }

    /// Whether `timer` is the timeout of an attempt the client still waits
    /// for (its slot may hold a later attempt by now).
    #[inline]
    pub fn timer_current(&self, timer: AttemptTimer) -> bool {
        self.attempts
            .at(timer.slot)
            .is_some_and(|(_, a)| a.timer == timer.seq)
    }

    /// A current attempt timer fired: the client stops waiting.
    pub fn timed_out(&mut self, timer: AttemptTimer, w: &mut World) {
        if let Some((attempt, _)) = self.attempts.at(timer.slot) {
            self.observe(attempt, Observed::TimedOut, w);
        }
    }

    /// When the client gives up on an attempt (0 if it already has).
    #[inline]
    pub fn deadline(&self, attempt: Handle) -> u64 {
        self.attempts.get(attempt).map_or(0, |a| a.deadline)
    }

    /// The request and number of an attempt still in flight.
    pub fn attempt(&self, attempt: Handle) -> Option<(RequestId, u32)> {
        self.attempts.get(attempt).map(|a| (a.id, a.number))
    }

    fn new_request(&mut self, source: Source, w: &mut World) -> Option<Message> {
        let kind = self.traffic.pick_kind(&w.params.traffic) as u8;
        let id = RequestId(self.next_request);
        self.next_request += 1;
        w.metrics.in_system_changes(w.now, self.requests.len());
        let request = self.requests.insert(LogicalRequest {
            id,
            kind,
            created: w.now,
            source,
            attempts: 0,
            last_wait_ns: 0,
        });
        w.metrics.request_created();
        if let Some(t) = w.tracer.as_deref_mut() {
            t.created(
                request,
                id,
                w.params.traffic.kinds[kind as usize].kind,
                w.now,
            );
        }
        self.send_attempt(request, w)
    }

    /// The next attempt of a logical request, with its timeout set; `None`
    /// if the request has finished.
    // Inlined natively for speed; the browser's build keeps one copy, for size.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn send_attempt(&mut self, request: Handle, w: &mut World) -> Option<Message> {
        let r = self.requests.get_mut(request)?;
        r.attempts += 1;
        let (id, number, kind) = (r.id, r.attempts, r.kind);
        let service = w.params.traffic.kinds[kind as usize].service;
        let retry = number > 1;
        w.metrics.attempt_created(retry);
        if !retry {
            let rule = &w.params.retry.throttle;
            self.throttles.request_started(service, rule, w.now);
        }
        let Some(breaker) = self.breakers.permit(service as usize, w) else {
            self.failed_fast(request, w);
            return None;
        };
        let deadline = w.now + w.params.timeout_ns;
        let timer = w.queue.push_timeout(deadline, self.attempts.next_slot());
        let attempt = self.attempts.insert(Attempt {
            request,
            id,
            number,
            service,
            fate: Fate::Unknown,
            deadline,
            breaker,
            timer,
        });
        self.throttles.attempt_sent(service);
        if let Some(t) = w.tracer.as_deref_mut() {
            t.attempt_sent(request, attempt, deadline, w.now);
        }
        Some(Message {
            attempt,
            token: id.0 as u32,
            sent_at: w.now,
            instance: 0,
            target: 0,
            gen: Default::default(),
            slot: 0,
            service: service as u8,
            kind,
            leg: Leg::ClientToLb,
            status: Status::Ok,
            lost: false,
            marks: if retry { Message::RETRY } else { 0 },
        })
    }

    /// The circuit breaker refused the request's attempt: it fails fast,
    /// never sent; resending would meet the same breaker.
    #[cold]
    fn failed_fast(&mut self, request: Handle, w: &mut World) {
        w.metrics.attempt_finished(Outcome::CircuitOpen);
        if let Some(t) = w.tracer.as_deref_mut() {
            t.request_step(request, w.now, Step::CircuitOpen);
        }
        self.finish(request, Outcome::CircuitOpen, w);
    }

    /// The 504 a load balancer sends back for `attempt` when its idle
    /// timeout or its connection timeout runs out; `None` if the client no
    /// longer waits for it.
    pub fn gateway_timeout(&self, attempt: Handle, w: &World) -> Option<Message> {
        let a = self.attempts.get(attempt)?;
        let kind = self.requests.get(a.request)?.kind;
        Some(Message {
            attempt,
            token: a.id.0 as u32,
            sent_at: w.now,
            instance: 0,
            target: 0,
            gen: Default::default(),
            slot: 0,
            service: w.params.traffic.kinds[kind as usize].service as u8,
            kind,
            leg: Leg::LbToClient,
            status: Status::GatewayTimeout,
            lost: false,
            marks: if a.number > 1 { Message::RETRY } else { 0 },
        })
    }

    /// A message of `attempt` disappeared on `leg`: the simulator records
    /// where (the client will only see a timeout) and notes it.
    pub fn lost(&mut self, msg: &Message, w: &mut World) {
        let Some(a) = self.attempts.get_mut(msg.attempt) else {
            return;
        };
        a.fate = if msg.leg.is_response() {
            Fate::ResponseLost
        } else {
            Fate::RequestLost
        };
        let (request, leg, service) = (a.id, msg.leg, msg.service as u16);
        w.note(Note::Lost {
            request,
            leg,
            service,
        });
    }

    /// The client observes an attempt's result (a response or its timeout),
    /// classifies it by ground truth, and resends or finishes the request.
    pub fn observe(&mut self, attempt: Handle, seen: Observed, w: &mut World) {
        let Some(a) = self.attempts.remove(attempt) else {
            w.metrics.late_response();
            return;
        };
        let outcome = a.classify(seen);
        w.metrics.attempt_finished(outcome);
        w.trace(attempt, || Step::Observed {
            seen: match seen {
                Observed::Response(status) => Some(status),
                Observed::TimedOut => None,
            },
            outcome,
        });
        self.tell_breaker(&a, outcome, w);
        let policy = &w.params.retry;
        let retry =
            outcome != Outcome::Success && policy.max_attempts > 1 && policy.retries(outcome);
        let answer = match outcome {
            Outcome::Success => Answer::Success,
            _ if retry => Answer::RetryableFailure,
            _ => Answer::OtherFailure,
        };
        let retried = a.number > 1;
        self.throttles
            .attempt_answered(a.service, retried, answer, &policy.throttle);
        if !(retry && self.retry_later(a.request, a.service, outcome, w)) {
            self.finish(a.request, outcome, w);
        }
    }

    /// Tells the service's circuit breaker how a call it let through went:
    /// anything but a success is a failure.
    fn tell_breaker(&mut self, a: &Attempt, outcome: Outcome, w: &mut World) {
        if a.breaker == 0 {
            return;
        }
        let failed = outcome != Outcome::Success;
        self.breakers
            .record(a.service as usize, a.breaker, failed, w);
    }

    /// The state of `service`'s circuit breaker.
    pub fn breaker_state(&self, service: usize, w: &World) -> CircuitState {
        self.breakers.state(service, w)
    }

    /// The circuit breakers' settings changed: each starts again, closed.
    pub fn restart_breakers(&mut self) {
        self.breakers.restart();
    }

    /// Schedules the logical request's next attempt after its backoff;
    /// false if the client gives up instead (attempts used up, or the
    /// retry throttle refused the retry).
    fn retry_later(&mut self, request: Handle, service: u16, last: Outcome, w: &mut World) -> bool {
        let policy = w.params.retry;
        let Some(r) = self.requests.get_mut(request) else {
            return false;
        };
        let refused = r.attempts < policy.max_attempts
            && !self.throttles.allow_retry(service, &policy.throttle, w.now);
        if refused || r.attempts >= policy.max_attempts {
            w.metrics.gave_up(refused);
            let note = Note::GaveUp {
                request: r.id,
                attempts: r.attempts,
                last,
                refused: refused.then(|| policy.throttle.kind()),
            };
            w.note(note);
            if let Some(t) = w.tracer.as_deref_mut() {
                let refused = refused.then(|| policy.throttle.kind());
                t.request_step(request, w.now, Step::GaveUp { refused });
            }
            return false;
        }
        let (retry, previous) = (r.attempts - 1, r.last_wait_ns);
        let wait = policy.wait_ns(retry, previous, &mut self.retry_rng);
        r.last_wait_ns = wait;
        if let Some(t) = w.tracer.as_deref_mut() {
            let (low, high) = policy.wait_range_ns(retry, previous);
            let step = Step::Backoff {
                wait: SimDuration(wait),
                low: SimDuration(low as u64),
                high: SimDuration(high as u64),
            };
            t.request_step(request, w.now, step);
        }
        w.queue.push(w.now + wait, Event::Retry { request });
        true
    }

    /// The retry throttle's settings changed: each service's throttle
    /// starts afresh under the new rule.
    pub fn restart_throttles(&mut self, w: &World) {
        self.throttles.restart(&w.params.retry.throttle, w.now);
    }

    /// A backoff ended: the request's next attempt, to send.
    pub fn on_retry(&mut self, request: Handle, w: &mut World) -> Option<Message> {
        self.send_attempt(request, w)
    }

    // Inlined natively for speed; the browser's build keeps one copy, for size.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn finish(&mut self, request: Handle, outcome: Outcome, w: &mut World) {
        w.metrics.in_system_changes(w.now, self.requests.len());
        let Some(r) = self.requests.remove(request) else {
            return;
        };
        w.metrics.request_finished(outcome, w.now - r.created);
        if let Some(t) = w.tracer.as_deref_mut() {
            t.finished(request, outcome, w.now);
        }
        if let Source::User(u) = r.source {
            self.traffic.think(u, w);
        }
    }
}
