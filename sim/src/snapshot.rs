//! What the view draws, read cheaply from the running state: nodes with
//! their state, a bounded sample of the messages in flight, counters.

use crate::clients::CircuitState;
use crate::engine::Leg;
use crate::fleet::{Condition, Health, InstanceId, Lifecycle};
use crate::metrics::Totals;
use crate::request::{RequestId, Status};
use crate::scenario::{Balancer, OtherChange, Policy, RequestKind};
use crate::time::SimTime;
use serde::Serialize;

/// At most this many messages are listed; more are sampled evenly.
pub const MAX_MESSAGES: usize = 300;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    pub time: SimTime,
    pub clients: ClientsView,
    /// The three hops, in `Scenario::network` order.
    pub links: Vec<LinkView>,
    pub services: Vec<ServiceView>,
    pub database: DatabaseView,
    /// A sample of the messages in flight (all of them when few enough).
    pub messages: Vec<MessageView>,
    /// How many messages are in flight in total.
    pub messages_in_flight: u64,
    pub totals: Totals,
    /// Logical requests created and not yet finished.
    pub requests_in_flight: u64,
    /// Attempts sent whose outcome the client has not yet observed.
    pub attempts_in_flight: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientsView {
    /// Open-loop arrival rate right now.
    pub rate_rps: f64,
    pub users: u32,
    /// Each service's circuit breaker at the clients, in scenario order.
    pub circuit_breakers: Vec<CircuitState>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkView {
    pub hop: &'static str,
    pub latency_ms: f64,
    pub request_loss: f64,
    pub response_loss: f64,
    pub in_flight: u32,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceView {
    pub name: String,
    pub balancer: Balancer,
    pub min: u32,
    /// The group's live desired capacity (scaling policies change it).
    pub desired: u32,
    pub max: u32,
    /// Load-balancer targets.
    pub in_service: u32,
    /// Instances the group counts (pending, in service or unhealthy, not
    /// draining): what it keeps equal to `desired`.
    pub capacity: u32,
    /// Targets whose condition is ok: what can actually serve.
    pub healthy: u32,
    pub policy: Policy,
    /// Whether the load balancer probes its targets.
    pub health_checks: bool,
    /// Every instance still held, terminated ones included until their slot
    /// is reused (the view fades them out).
    pub instances: Vec<InstanceView>,
    /// What others changed about it so far (Fallacy 6), in the order made.
    pub changes_by_others: Vec<OtherChangeView>,
}

/// A change someone else made to a service: who, what, since when, and
/// whether it is still in effect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OtherChangeView {
    pub who: String,
    pub kind: OtherChange,
    pub since: SimTime,
    /// Not yet undone. A retirement is over once made (its replacement is
    /// one of the instances).
    pub in_effect: bool,
    /// `rate_limit`: the limit, and the tokens in its bucket now while it
    /// is the one in effect.
    pub rate_rps: Option<f64>,
    pub burst: Option<u32>,
    pub tokens: Option<f64>,
    /// `slow_deploy`: the service-time multiplier.
    pub factor: Option<f64>,
    /// `block_path`: the zone whose instances the load balancer cannot
    /// reach (`None`: every zone's; see `InstanceView::path_blocked`).
    pub zone: Option<u8>,
    /// `retire_instance`: the instance stopped.
    pub instance: Option<InstanceId>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstanceView {
    pub id: InstanceId,
    pub address: std::net::Ipv4Addr,
    /// Availability zone, 0 for zone a.
    pub zone: u8,
    pub state: Lifecycle,
    pub condition: Condition,
    pub slow_factor: f64,
    pub workers: u32,
    pub busy: u32,
    /// Busy workers whose client has already given up: work a server
    /// cannot know is wasted (it is never told the client timed out).
    pub orphaned: u32,
    pub queue: u32,
    pub outstanding: u32,
    /// Its workers' busy share of the second under way, from the last
    /// whole second's end to the last event that changed them.
    pub utilisation: f64,
    pub age_s: f64,
    pub served: u64,
    /// The last health-check result, and how many in a row gave it.
    pub health: Health,
    pub health_streak: u32,
    /// Idempotency tokens in its memory (per-instance tokens).
    pub tokens: u32,
    /// A security-group rule drops the path to it from its load balancer.
    pub path_blocked: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatabaseView {
    /// Failed, and not yet back (repaired, or its standby took over).
    pub down: bool,
    pub connections: u32,
    pub busy: u32,
    pub queue: u32,
    pub utilisation: f64,
    /// Shared idempotency tokens recorded beside it.
    pub tokens: u32,
    /// The read replicas in use, in order (empty without any); `down`,
    /// `connections`, `busy`, `queue` and `utilisation` above are the
    /// primary's.
    pub replicas: Vec<ReplicaView>,
}

/// A read replica: its connections, those busy, the calls waiting, and its
/// utilisation so far in the second under way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaView {
    pub connections: u32,
    pub busy: u32,
    pub queue: u32,
    pub utilisation: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageView {
    pub kind: RequestKind,
    pub leg: Leg,
    pub service: u16,
    pub instance: Option<InstanceId>,
    pub sent: SimTime,
    /// When it arrives, or would have arrived if it is lost.
    pub arrives: SimTime,
    /// When it disappears, if it is lost (half-way along the hop).
    pub lost_at: Option<SimTime>,
    pub status: Status,
    /// `None` once its attempt has finished (a late response).
    pub request: Option<RequestId>,
    pub attempt: u32,
    /// Part of an attempt after the first (known even for late responses).
    pub is_retry: bool,
    /// The response of a repeated execution of a mutating request (a
    /// duplicate cart item, a double charge).
    pub is_duplicate: bool,
}
