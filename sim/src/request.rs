//! Requests as the client sees them. A LOGICAL request (what a user wants
//! done, carrying an idempotency token) owns one or more ATTEMPTS (each a
//! send over the network). The client observes each attempt's result and
//! decides what to do; with retries it may send another attempt
//! (`crate::retry`).

use crate::slab::Handle;
use serde::Serialize;

/// Number of a logical request, shown as `r-N`; also its idempotency token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RequestId(pub u64);

/// How a request (or one attempt of it) ended, by the simulator's ground
/// truth, which can tell a lost request from a lost response where a real
/// client only sees a timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    /// The request never reached the service (Failure 1).
    DroppedRequest,
    /// The work was done but the response never came back (Failure 2).
    DroppedResponse,
    /// 503: a queue (instance or database) was full.
    Rejected,
    /// No answer in time from a slow or hung service.
    Timeout,
    /// 503: the load balancer had no target in service.
    NoHealthyTarget,
    /// 502: the connection to the instance was refused or broke (its
    /// process crashed, before or while it held the work).
    Crashed,
    /// Failed fast at the client, never sent: the service's circuit breaker
    /// was open (or half-open with its trial calls taken).
    CircuitOpen,
    /// 429: a rate limit in front of the service refused it at once.
    Throttled,
}

impl Outcome {
    pub const ALL: [Outcome; 9] = [
        Outcome::Success,
        Outcome::DroppedRequest,
        Outcome::DroppedResponse,
        Outcome::Rejected,
        Outcome::Timeout,
        Outcome::NoHealthyTarget,
        Outcome::Crashed,
        Outcome::CircuitOpen,
        Outcome::Throttled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::DroppedRequest => "dropped_request",
            Outcome::DroppedResponse => "dropped_response",
            Outcome::Rejected => "rejected",
            Outcome::Timeout => "timeout",
            Outcome::NoHealthyTarget => "no_healthy_target",
            Outcome::Crashed => "crashed",
            Outcome::CircuitOpen => "circuit_open",
            Outcome::Throttled => "throttled",
        }
    }
}

/// The status a response carries back to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// 503 from a full queue.
    Rejected,
    /// 503 from a load balancer with nothing to route to.
    NoTarget,
    /// 502: the connection to the instance was refused or broke.
    ConnectionError,
    /// 504: the instance gave up waiting on the database, or the load
    /// balancer on the instance (its idle or connection timeout).
    GatewayTimeout,
    /// 409: the same idempotency token is still executing. Counted as
    /// `Outcome::Rejected` (the service refused the work) and retried like
    /// a 503.
    Conflict,
    /// 429 Too Many Requests: a rate limit in front of the service.
    TooManyRequests,
}

impl Status {
    /// A 5xx: what passive outlier detection counts against a target.
    pub fn is_server_error(self) -> bool {
        !matches!(
            self,
            Status::Ok | Status::Conflict | Status::TooManyRequests
        )
    }
}

/// What the client observed about one attempt.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Observed {
    Response(Status),
    TimedOut,
}

/// Where the simulator knows an attempt was lost, for classifying a timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    Unknown,
    RequestLost,
    ResponseLost,
}

/// Who sent a logical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Open-loop arrival.
    Open,
    /// A user of the closed population, who thinks and sends again after it.
    User(u32),
}

#[derive(Clone)]
pub(crate) struct LogicalRequest {
    pub id: RequestId,
    /// Index into the traffic mix.
    pub kind: u8,
    /// When it was created, in ns.
    pub created: u64,
    pub source: Source,
    pub attempts: u32,
    /// The last backoff it waited (decorrelated jitter builds on it).
    pub last_wait_ns: u64,
}

#[derive(Clone)]
pub(crate) struct Attempt {
    pub request: Handle,
    pub id: RequestId,
    /// 1 for the first attempt.
    pub number: u32,
    /// The service it was sent to.
    pub service: u16,
    pub fate: Fate,
    /// The circuit breaker's epoch that let it through; 0 for none.
    pub breaker: u32,
    /// When the client gives up on it (its timeout), in ns.
    pub deadline: u64,
    /// The sequence number of its timeout's timer in the event queue.
    pub timer: u64,
}

impl Attempt {
    /// The outcome by ground truth once the client observed `seen`.
    pub fn classify(&self, seen: Observed) -> Outcome {
        match seen {
            Observed::Response(Status::Ok) => Outcome::Success,
            Observed::Response(Status::Rejected | Status::Conflict) => Outcome::Rejected,
            Observed::Response(Status::NoTarget) => Outcome::NoHealthyTarget,
            Observed::Response(Status::ConnectionError) => Outcome::Crashed,
            Observed::Response(Status::TooManyRequests) => Outcome::Throttled,
            Observed::Response(Status::GatewayTimeout) | Observed::TimedOut => match self.fate {
                Fate::RequestLost => Outcome::DroppedRequest,
                Fate::ResponseLost => Outcome::DroppedResponse,
                Fate::Unknown => Outcome::Timeout,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ground_truth_classifies_what_the_client_saw() {
        let attempt = |fate| Attempt {
            request: Handle { index: 0, gen: 0 },
            id: RequestId(1),
            number: 1,
            service: 0,
            fate,
            breaker: 0,
            deadline: 0,
            timer: 0,
        };
        let cases = [
            (
                Fate::Unknown,
                Observed::Response(Status::Ok),
                Outcome::Success,
            ),
            (
                Fate::Unknown,
                Observed::Response(Status::Rejected),
                Outcome::Rejected,
            ),
            (
                Fate::Unknown,
                Observed::Response(Status::NoTarget),
                Outcome::NoHealthyTarget,
            ),
            (
                Fate::Unknown,
                Observed::Response(Status::ConnectionError),
                Outcome::Crashed,
            ),
            (
                Fate::Unknown,
                Observed::Response(Status::TooManyRequests),
                Outcome::Throttled,
            ),
            (Fate::Unknown, Observed::TimedOut, Outcome::Timeout),
            (
                Fate::RequestLost,
                Observed::TimedOut,
                Outcome::DroppedRequest,
            ),
            (
                Fate::ResponseLost,
                Observed::TimedOut,
                Outcome::DroppedResponse,
            ),
            (
                Fate::RequestLost,
                Observed::Response(Status::GatewayTimeout),
                Outcome::DroppedRequest,
            ),
        ];
        for (fate, seen, expected) in cases {
            assert_eq!(attempt(fate).classify(seen), expected, "{fate:?} {seen:?}");
        }
    }
}
