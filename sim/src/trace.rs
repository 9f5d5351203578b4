//! Tracing one logical request: every attempt, every message of it on
//! every hop (where it went, when it left and arrived, or where it was
//! lost), the token lookup and the execution at the instance, the
//! client's timeout, what it saw next to what really happened (the
//! simulator's ground truth), and the backoff it waited before resending.
//!
//! The owners report to the tracer through `World::tracer`, which is
//! `None` unless someone asked for a trace: an untraced run pays one
//! predictable branch per message and per attempt, nothing else. Tracing
//! only watches: it draws no random numbers and schedules nothing, so a
//! traced run is the same run (the same digest) as an untraced one.

use crate::engine::{Leg, Message};
use crate::fleet::InstanceId;
use crate::idempotency::TokenLookup;
use crate::request::{Outcome, RequestId, Status};
use crate::scenario::{RequestKind, Throttle};
use crate::slab::Handle;
use crate::time::{SimDuration, SimTime};
use serde::Serialize;

/// Which request a trace follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "which", rename_all = "snake_case")]
pub enum TraceTarget {
    /// The next request created of this kind (`None`: of any kind).
    Next { kind: Option<RequestKind> },
    /// Of the requests of this kind created from now on, the first one
    /// with an attempt that does not succeed: until one does, every such
    /// request in flight is followed, and the others are forgotten as they
    /// finish.
    NextTroubled { kind: Option<RequestKind> },
    /// The request with this id. A `Simulation` follows it if it is created
    /// from now on; a `Timeline` also traces one created before, by
    /// replaying from a checkpoint taken before it was.
    Request { id: RequestId },
}

/// One thing that happened to the traced request.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The client created the logical request (and its token).
    Created,
    /// An attempt left the client; it times out at `timeout_at`.
    Sent { timeout_at: SimTime },
    /// The circuit breaker failed the attempt at once, unsent.
    CircuitOpen,
    /// A message of the attempt crossed a hop, from `sent` to the step's
    /// time, or disappeared half-way (`lost`). `instance`: the instance
    /// at one end of it, if any.
    Hop {
        leg: Leg,
        sent: SimTime,
        lost: bool,
        status: Status,
        instance: Option<InstanceId>,
    },
    /// The instance looked the token up.
    Token { lookup: TokenLookup },
    /// All its workers were busy: the instance queued the attempt.
    Queued,
    /// A worker took the attempt on, after waiting this long in the queue.
    Started { waited: SimDuration },
    /// A mutating request's work completed: the cart changed, the card was
    /// charged; `duplicate` if it had executed before.
    Executed { duplicate: bool },
    /// The client saw the attempt end: a response with this status, or
    /// (`None`) its timeout; `outcome` is what really happened, by ground
    /// truth.
    Observed {
        seen: Option<Status>,
        outcome: Outcome,
    },
    /// The client waits `wait` before resending; the policy drew it from
    /// `low` ..= `high` (equal when there is no jitter).
    Backoff {
        wait: SimDuration,
        low: SimDuration,
        high: SimDuration,
    },
    /// The client stopped resending: its attempts were used up, or
    /// (`refused`) a retry throttle said no.
    GaveUp { refused: Option<Throttle> },
    /// The logical request finished so.
    Finished { outcome: Outcome },
}

/// A step, when it happened, and the attempt it belongs to (1 for the
/// first; 0 for steps of the request as a whole).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TraceStep {
    pub t: SimTime,
    pub attempt: u32,
    pub step: Step,
}

/// A trace as far as it has got.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    pub target: TraceTarget,
    /// The request traced; `None` while waiting for it.
    pub request: Option<RequestId>,
    pub kind: Option<RequestKind>,
    /// Its steps in the order they happened (a hop is recorded when it
    /// ends).
    pub steps: Vec<TraceStep>,
    /// How the request finished, once it has.
    pub outcome: Option<Outcome>,
    /// While waiting for a request that goes wrong: how many are followed.
    pub following: usize,
}

/// The story of one followed request.
#[derive(Clone)]
struct Story {
    request: Handle,
    id: RequestId,
    kind: RequestKind,
    /// Its attempts in order: the handle of attempt n is at n − 1.
    attempts: Vec<Handle>,
    steps: Vec<TraceStep>,
    outcome: Option<Outcome>,
    troubled: bool,
}

/// Follows the request a `TraceTarget` names and records its steps. Its
/// verbs are `#[cold]`: called only while tracing, they stay out of the
/// hot path's code (and out of the wasm's many call sites).
#[derive(Clone)]
pub(crate) struct Tracer {
    target: TraceTarget,
    /// Whether requests created from now on may still be followed.
    open: bool,
    stories: Vec<Story>,
}

impl Tracer {
    pub fn new(target: TraceTarget) -> Tracer {
        Tracer {
            target,
            open: true,
            stories: Vec::new(),
        }
    }

    /// A request was created: followed if it is what the target names.
    #[cold]
    pub fn created(&mut self, request: Handle, id: RequestId, kind: RequestKind, now: u64) {
        let wanted = match self.target {
            TraceTarget::Next { kind: k } | TraceTarget::NextTroubled { kind: k } => {
                k.is_none_or(|k| k == kind)
            }
            TraceTarget::Request { id: wanted } => wanted == id,
        };
        if !self.open || !wanted {
            return;
        }
        if !matches!(self.target, TraceTarget::NextTroubled { .. }) {
            self.open = false;
        }
        self.stories.push(Story {
            request,
            id,
            kind,
            attempts: Vec::new(),
            steps: vec![TraceStep {
                t: SimTime(now),
                attempt: 0,
                step: Step::Created,
            }],
            outcome: None,
            troubled: false,
        });
    }

    /// A followed request sent attempt `attempt`.
    #[cold]
    pub fn attempt_sent(&mut self, request: Handle, attempt: Handle, timeout_at: u64, now: u64) {
        if let Some(story) = self.stories.iter_mut().find(|s| s.request == request) {
            story.attempts.push(attempt);
            let timeout_at = SimTime(timeout_at);
            story.record(story.attempts.len() as u32, now, Step::Sent { timeout_at });
        }
    }

    /// Something happened to an attempt, if it is a followed request's.
    #[cold]
    pub fn attempt_step(&mut self, attempt: Handle, now: u64, step: Step) {
        let found = self.stories.iter().enumerate().find_map(|(s, story)| {
            let i = story.attempts.iter().position(|a| *a == attempt)?;
            Some((s, i as u32 + 1))
        });
        let Some((s, number)) = found else {
            return;
        };
        self.stories[s].record(number, now, step);
        if let Step::Observed { outcome, .. } = step {
            if outcome != Outcome::Success {
                self.stories[s].troubled = true;
                self.settle();
            }
        }
    }

    /// A message of an attempt ended its hop (arrived, or was lost).
    #[cold]
    pub fn hop(&mut self, msg: &Message, now: u64) {
        let instance = (msg.leg.hop() > 0).then_some(InstanceId(msg.target));
        let step = Step::Hop {
            leg: msg.leg,
            sent: SimTime(msg.sent_at),
            lost: msg.lost,
            status: msg.status,
            instance,
        };
        self.attempt_step(msg.attempt, now, step);
    }

    /// Something happened to a followed request as a whole (its backoff,
    /// giving up, its circuit breaker).
    #[cold]
    pub fn request_step(&mut self, request: Handle, now: u64, step: Step) {
        if let Some(story) = self.stories.iter_mut().find(|s| s.request == request) {
            let attempt = story.attempts.len() as u32;
            story.record(attempt, now, step);
            if step == Step::CircuitOpen {
                story.troubled = true;
                self.settle();
            }
        }
    }

    /// A followed request finished. Waiting for one that goes wrong, one
    /// that went right is forgotten.
    #[cold]
    pub fn finished(&mut self, request: Handle, outcome: Outcome, now: u64) {
        let Some(i) = self.stories.iter().position(|s| s.request == request) else {
            return;
        };
        let story = &mut self.stories[i];
        story.outcome = Some(outcome);
        story.record(0, now, Step::Finished { outcome });
        if !story.troubled && matches!(self.target, TraceTarget::NextTroubled { .. }) {
            self.stories.swap_remove(i);
        }
    }

    /// Waiting for a request that goes wrong, one did: it alone is kept.
    fn settle(&mut self) {
        if !matches!(self.target, TraceTarget::NextTroubled { .. }) || !self.open {
            return;
        }
        self.open = false;
        self.stories.retain(|s| s.troubled);
    }

    /// The trace so far.
    pub fn view(&self) -> Trace {
        let found = match self.target {
            TraceTarget::NextTroubled { .. } => self.stories.iter().find(|s| s.troubled),
            _ => self.stories.first(),
        };
        Trace {
            target: self.target,
            request: found.map(|s| s.id),
            kind: found.map(|s| s.kind),
            steps: found.map(|s| s.steps.clone()).unwrap_or_default(),
            outcome: found.and_then(|s| s.outcome),
            following: if found.is_some() {
                1
            } else {
                self.stories.len()
            },
        }
    }
}

impl Story {
    fn record(&mut self, attempt: u32, now: u64, step: Step) {
        self.steps.push(TraceStep {
            t: SimTime(now),
            attempt,
            step,
        });
    }
}
