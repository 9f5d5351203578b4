//! The catalogue of every setting a person can change, in the lecture's
//! words: one entry per setting, with the scenario path it edits (and reads,
//! through the scenario's `Readings`), its range or choices, and one sentence of help.
//! The controls panel, the embed mode's `&controls=` list and the short
//! names in shareable URLs all come from here, so they cannot disagree.

use crate::range::Range;
use sahara_sim::scenario::{
    parse_number, Backoff, Balancer, Cancellation, HealthCheckType, Idempotency, Jitter,
    LatencyPreset, PayloadName, Policy, QueueOrder, Readings, Throttle,
};

/// Where a setting appears in the controls panel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Group {
    Load,
    Network,
    Service,
    Failures,
    Retries,
    Idempotency,
    Breaker,
    Balancer,
    Scaling,
    Database,
    Zones,
}

impl Group {
    pub const ALL: [Group; 11] = [
        Group::Load,
        Group::Network,
        Group::Retries,
        Group::Idempotency,
        Group::Breaker,
        Group::Service,
        Group::Failures,
        Group::Balancer,
        Group::Scaling,
        Group::Database,
        Group::Zones,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Load => "Load",
            Group::Network => "Network (Fallacies 1–3)",
            Group::Service => "Service",
            Group::Failures => "Failures",
            Group::Retries => "Client retries",
            Group::Idempotency => "Idempotency tokens",
            Group::Breaker => "Circuit breaker",
            Group::Balancer => "Load balancer and health checks",
            Group::Scaling => "Auto-scaling group",
            Group::Database => "Database",
            Group::Zones => "Zones and prices",
        }
    }

    /// Whether the group's settings belong to one service (the one chosen
    /// in the panel) rather than to the whole deployment.
    pub fn per_service(self) -> bool {
        matches!(
            self,
            Group::Service | Group::Failures | Group::Balancer | Group::Scaling
        )
    }
}

/// What kind of control a setting is.
#[derive(Clone, Copy)]
pub enum Kind {
    Number {
        range: Range,
    },
    /// `(name, label)`: each of an enum's names as the core spells them
    /// (its `as_str`), with its label here.
    Choice {
        options: &'static [(&'static str, &'static str)],
    },
    Toggle,
}

#[derive(Clone, Copy)]
pub struct Setting {
    /// Short name: the control's id, its name in URLs and in `&controls=`.
    pub id: &'static str,
    pub group: Group,
    pub label: &'static str,
    pub unit: &'static str,
    /// The scenario path it sets; a per-service group's paths start with
    /// `services.{service}.`, where `{service}` stands for the chosen service.
    pub path: &'static str,
    pub kind: Kind,
    pub help: &'static str,
}

impl Setting {
    /// The scenario path for the chosen service.
    pub fn path_for(&self, service: &str) -> String {
        match self.path.strip_prefix(SERVICE) {
            Some(rest) => format!("services.{service}.{rest}"),
            None => self.path.to_string(),
        }
    }

    /// The setting's value for the chosen service, as `Readings::get` reads
    /// it (what the model uses); empty where it has none (no such service).
    pub fn read(&self, readings: &Readings, service: &str) -> String {
        readings.get(&self.path_for(service)).unwrap_or_default()
    }

    /// A number setting's value: the number it reads, or, for a latency
    /// given as one of the lecture's figures (`home_to_uq`), its
    /// milliseconds; 0 where it has none.
    pub fn number(&self, readings: &Readings, service: &str) -> f64 {
        number(&self.read(readings, service)).unwrap_or(0.0)
    }

    /// Whether a toggle is on.
    pub fn is_on(&self, readings: &Readings, service: &str) -> bool {
        self.read(readings, service) == "true"
    }
}

/// How the path of a per-service setting starts.
const SERVICE: &str = "services.{service}.";

/// The setting called `id`.
pub fn find(id: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.id == id)
}

/// The short name of a whole-deployment setting's path, for URLs.
pub fn short_name(path: &str) -> Option<&'static str> {
    SETTINGS
        .iter()
        .find(|s| !s.group.per_service() && s.path == path)
        .map(|s| s.id)
}

/// A number as `Scenario::get` writes it, or a latency named by one of the
/// lecture's figures (`home_to_uq`) as its milliseconds.
fn number(text: &str) -> Option<f64> {
    parse_number(text).or_else(|| {
        LatencyPreset::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .map(LatencyPreset::ms)
    })
}

/// A load-balancing algorithm in words: its choice in the controls and its
/// label on the diagram.
pub const fn balancer_label(b: Balancer) -> &'static str {
    match b {
        Balancer::RoundRobin => "round robin",
        Balancer::Random => "random",
        Balancer::LeastOutstanding => "least outstanding requests",
        Balancer::PowerOfTwo => "power of two choices",
        Balancer::None => "none (a fixed address)",
    }
}

// The choices, one per variant of the core's enum (a test checks that none
// is missing), in the order of its `ALL`.

const PAYLOADS: &[(&str, &str)] = &[
    (PayloadName::Id.as_str(), "an id (100 B)"),
    (PayloadName::Composite.as_str(), "the whole record (20 kB)"),
];

const BACKOFFS: &[(&str, &str)] = &[
    (Backoff::None.as_str(), "none: resend at once"),
    (Backoff::Constant.as_str(), "constant"),
    (Backoff::Exponential.as_str(), "exponential: base × 2^retry"),
];

const JITTERS: &[(&str, &str)] = &[
    (Jitter::None.as_str(), "none"),
    (Jitter::Full.as_str(), "full: uniform(0, backoff)"),
    (Jitter::Equal.as_str(), "equal: half fixed, half random"),
    (Jitter::Decorrelated.as_str(), "decorrelated"),
];

const THROTTLES: &[(&str, &str)] = &[
    (Throttle::None.as_str(), "none: every retry is sent"),
    (Throttle::Grpc.as_str(), "gRPC retry throttling"),
    (Throttle::Envoy.as_str(), "Envoy retry budget"),
    (Throttle::Finagle.as_str(), "Finagle RetryBudget"),
];

const TOKENS: &[(&str, &str)] = &[
    (
        Idempotency::Off.as_str(),
        "off: a resent checkout charges twice",
    ),
    (
        Idempotency::PerInstance.as_str(),
        "per instance (in memory)",
    ),
    (Idempotency::Shared.as_str(), "shared (in the database)"),
];

const CANCELLATIONS: &[(&str, &str)] = &[
    (
        Cancellation::None.as_str(),
        "none: servers finish work nobody waits for",
    ),
    (
        Cancellation::LoadBalancer.as_str(),
        "the load balancer passes on the closed connection",
    ),
    (
        Cancellation::Deadline.as_str(),
        "deadline propagation (gRPC), to the database too",
    ),
];

const QUEUE_ORDERS: &[(&str, &str)] = &[
    (QueueOrder::Fifo.as_str(), "first in, first out"),
    (
        QueueOrder::AdaptiveLifo.as_str(),
        "adaptive LIFO with controlled delay",
    ),
];

const BALANCERS: &[(&str, &str)] = &[
    balancer(Balancer::RoundRobin),
    balancer(Balancer::Random),
    balancer(Balancer::LeastOutstanding),
    balancer(Balancer::PowerOfTwo),
    balancer(Balancer::None),
];

const fn balancer(b: Balancer) -> (&'static str, &'static str) {
    (b.as_str(), balancer_label(b))
}

const POLICIES: &[(&str, &str)] = &[
    (Policy::None.as_str(), "none: desired is what you set"),
    (Policy::TargetTracking.as_str(), "target tracking"),
    (Policy::Step.as_str(), "step scaling"),
    (Policy::Simple.as_str(), "simple scaling with cooldown"),
];

const REPLACEMENTS: &[(&str, &str)] = &[
    (
        HealthCheckType::None.as_str(),
        "never replaced (repaired in place)",
    ),
    (
        HealthCheckType::Ec2.as_str(),
        "host failed (EC2 status checks)",
    ),
    (
        HealthCheckType::Elb.as_str(),
        "host failed or failing health checks",
    ),
];

/// The instance types of the scenario's default price table.
const INSTANCE_TYPES: &[(&str, &str)] = &[
    ("t3.small", "t3.small, $0.0208/h"),
    ("t3.medium", "t3.medium, $0.0416/h"),
    ("m5.large", "m5.large, $0.096/h"),
];

pub const SETTINGS: &[Setting] = &[
    // Load
    Setting {
        id: "rate",
        group: Group::Load,
        label: "Request rate",
        unit: "req/s",
        path: "traffic.rate_rps",
        kind: Kind::Number { range: Range::log(1.0, 20_000.0, 1.0) },
        help: "Open-loop arrivals: new requests per second from all clients, before the load shape.",
    },
    // Network
    Setting {
        id: "request_loss",
        group: Group::Network,
        label: "Request loss (Failure 1)",
        unit: "",
        path: "network.client_to_lb.request_loss",
        kind: Kind::Number { range: Range::linear(0.0, 1.0, 0.01) },
        help: "Probability a request is lost on the internet on its way to the service.",
    },
    Setting {
        id: "response_loss",
        group: Group::Network,
        label: "Response loss (Failure 2)",
        unit: "",
        path: "network.client_to_lb.response_loss",
        kind: Kind::Number { range: Range::linear(0.0, 1.0, 0.01) },
        help: "Probability a response is lost on its way back: the work was done, the client never hears.",
    },
    Setting {
        id: "latency",
        group: Group::Network,
        label: "Internet latency (round trip)",
        unit: "ms",
        path: "network.client_to_lb.latency",
        kind: Kind::Number { range: Range::log(0.1, 2000.0, 0.001) },
        help: "Latency is not zero: the round-trip time between the clients and Sahara's data centre, as ping reports it; each direction takes half.",
    },
    Setting {
        id: "bandwidth",
        group: Group::Network,
        label: "Internet bandwidth (0 = unlimited)",
        unit: "Mbit/s",
        path: "network.client_to_lb.bandwidth_mbps",
        kind: Kind::Number { range: Range::linear(0.0, 1000.0, 1.0) },
        help: "Bandwidth is not infinite: messages share this capacity; big payloads take longer.",
    },
    Setting {
        id: "payload",
        group: Group::Network,
        label: "A browse request carries",
        unit: "",
        path: "traffic.mix.browse.payload",
        kind: Kind::Choice { options: PAYLOADS },
        help: "Stamp coupling: a whole composite record instead of its id costs bandwidth and time on every hop.",
    },
    // Client retries
    Setting {
        id: "timeout",
        group: Group::Retries,
        label: "Per-attempt timeout",
        unit: "ms",
        path: "client.timeout_ms",
        kind: Kind::Number { range: Range::log(10.0, 60_000.0, 1.0) },
        help: "How long a client waits for a response: the only way it can notice a lost request or response.",
    },
    Setting {
        id: "attempts",
        group: Group::Retries,
        label: "Attempts per request (1 = no retries)",
        unit: "",
        path: "client.max_attempts",
        kind: Kind::Number { range: Range::linear(1.0, 10.0, 1.0) },
        help: "The lecture's answer to Failure 1: resend. How many times a client tries in all.",
    },
    Setting {
        id: "backoff",
        group: Group::Retries,
        label: "Backoff",
        unit: "",
        path: "client.retry.backoff",
        kind: Kind::Choice { options: BACKOFFS },
        help: "How long a client waits before resending, so a recovering service is not crushed.",
    },
    Setting {
        id: "base",
        group: Group::Retries,
        label: "Backoff base",
        unit: "ms",
        path: "client.retry.base_ms",
        kind: Kind::Number { range: Range::log(1.0, 10_000.0, 1.0) },
        help: "The constant wait, or the first exponential one.",
    },
    Setting {
        id: "cap",
        group: Group::Retries,
        label: "Backoff cap",
        unit: "ms",
        path: "client.retry.cap_ms",
        kind: Kind::Number { range: Range::log(10.0, 120_000.0, 1.0) },
        help: "The longest a backoff grows to.",
    },
    Setting {
        id: "jitter",
        group: Group::Retries,
        label: "Jitter",
        unit: "",
        path: "client.retry.jitter",
        kind: Kind::Choice { options: JITTERS },
        help: "Randomness in the wait, so clients that failed together do not all retry together.",
    },
    // Short name `budget`: what a link calls the retry budget.
    Setting {
        id: "budget",
        group: Group::Retries,
        label: "Retry throttle",
        unit: "",
        path: "client.retry.throttle",
        kind: Kind::Choice { options: THROTTLES },
        help: "Which real client's rule limits retries to a service across all requests, so a failing service is not buried in them.",
    },
    Setting {
        id: "max_tokens",
        group: Group::Retries,
        label: "gRPC max_tokens",
        unit: "tokens",
        path: "client.retry.grpc.max_tokens",
        kind: Kind::Number { range: Range::log(1.0, 1000.0, 1.0) },
        help: "gRPC (gRFC A6): tokens start here, a failure takes one, and retries stop at half; no gRPC default, 10 is the gRFC's example.",
    },
    Setting {
        id: "token_ratio",
        group: Group::Retries,
        label: "gRPC token_ratio",
        unit: "per success",
        path: "client.retry.grpc.token_ratio",
        kind: Kind::Number { range: Range::log(0.001, 10.0, 0.001) },
        help: "gRPC (gRFC A6): tokens a success gives back; no gRPC default, 0.1 is the gRFC's example.",
    },
    Setting {
        id: "budget_percent",
        group: Group::Retries,
        label: "Envoy budget_percent",
        unit: "%",
        path: "client.retry.envoy.budget_percent",
        kind: Kind::Number { range: Range::linear(0.0, 100.0, 1.0) },
        help: "Envoy retry budget: retries in flight may be this share of the requests in flight (Envoy's default 20 %).",
    },
    Setting {
        id: "min_retry_concurrency",
        group: Group::Retries,
        label: "Envoy min_retry_concurrency",
        unit: "retries",
        path: "client.retry.envoy.min_retry_concurrency",
        kind: Kind::Number { range: Range::linear(0.0, 100.0, 1.0) },
        help: "Envoy retry budget: retries in flight always allowed, however few the requests (Envoy's default 3).",
    },
    Setting {
        id: "percent_can_retry",
        group: Group::Retries,
        label: "Finagle percent_can_retry",
        unit: "per request",
        path: "client.retry.finagle.percent_can_retry",
        kind: Kind::Number { range: Range::linear(0.0, 2.0, 0.01) },
        help: "Finagle RetryBudget: retries each request earns, for the ttl (Finagle's default 0.2).",
    },
    Setting {
        id: "ttl",
        group: Group::Retries,
        label: "Finagle ttl",
        unit: "s",
        path: "client.retry.finagle.ttl_s",
        kind: Kind::Number { range: Range::linear(1.0, 60.0, 1.0) },
        help: "Finagle RetryBudget: how long deposits and withdrawals count (Finagle's default 10 s).",
    },
    Setting {
        id: "min_retries_per_sec",
        group: Group::Retries,
        label: "Finagle min_retries_per_sec",
        unit: "retries/s",
        path: "client.retry.finagle.min_retries_per_sec",
        kind: Kind::Number { range: Range::linear(0.0, 100.0, 1.0) },
        help: "Finagle RetryBudget: retries allowed on top of the earned ones (Finagle's default 10 a second).",
    },
    Setting {
        id: "cancellation",
        group: Group::Retries,
        label: "When a client gives up",
        unit: "",
        path: "client.cancellation",
        kind: Kind::Choice { options: CANCELLATIONS },
        help: "A server never knows its client timed out unless told: without cancellation it finishes the work anyway (wasted work).",
    },
    // Idempotency
    Setting {
        id: "idempotency",
        group: Group::Idempotency,
        label: "Tokens",
        unit: "",
        path: "client.idempotency",
        kind: Kind::Choice { options: TOKENS },
        help: "Every attempt of a request carries the same token; a service that has seen it answers without doing the work again.",
    },
    // Circuit breaker (Resilience4j's CircuitBreakerConfig and its defaults)
    Setting {
        id: "breaker",
        group: Group::Breaker,
        label: "Circuit breaker",
        unit: "",
        path: "client.circuit_breaker.enabled",
        kind: Kind::Toggle,
        help: "A breaker per service at the client: after too many failures it stops sending calls for a while, then tries a few.",
    },
    Setting {
        id: "cb_rate",
        group: Group::Breaker,
        label: "Failure rate that opens it",
        unit: "%",
        path: "client.circuit_breaker.failure_rate_threshold",
        kind: Kind::Number { range: Range::linear(1.0, 100.0, 1.0) },
        help: "The breaker opens when this share of the calls in its window failed (timeouts, 5xx, refused connections) (Resilience4j: 50 %).",
    },
    Setting {
        id: "cb_window",
        group: Group::Breaker,
        label: "Window",
        unit: "calls",
        path: "client.circuit_breaker.sliding_window_size",
        kind: Kind::Number { range: Range::log(1.0, 1000.0, 1.0) },
        help: "How many of the latest calls the failure rate is computed over (Resilience4j: 100).",
    },
    Setting {
        id: "cb_min",
        group: Group::Breaker,
        label: "Minimum calls",
        unit: "calls",
        path: "client.circuit_breaker.minimum_number_of_calls",
        kind: Kind::Number { range: Range::log(1.0, 1000.0, 1.0) },
        help: "No failure rate is computed before this many calls, at most the window (Resilience4j: 100).",
    },
    Setting {
        id: "cb_wait",
        group: Group::Breaker,
        label: "Open for",
        unit: "s",
        path: "client.circuit_breaker.wait_duration_in_open_state_s",
        kind: Kind::Number { range: Range::log(1.0, 600.0, 1.0) },
        help: "While open, every call fails at once without being sent; after this long a few trial calls go through (Resilience4j: 60 s).",
    },
    Setting {
        id: "cb_trials",
        group: Group::Breaker,
        label: "Trial calls when half-open",
        unit: "calls",
        path: "client.circuit_breaker.permitted_calls_in_half_open_state",
        kind: Kind::Number { range: Range::log(1.0, 100.0, 1.0) },
        help: "If their failure rate stays under the threshold the breaker closes, else it opens again (Resilience4j: 10).",
    },
    // Service
    Setting {
        id: "workers",
        group: Group::Service,
        label: "Workers per instance",
        unit: "",
        path: "services.{service}.workers",
        kind: Kind::Number { range: Range::linear(1.0, 64.0, 1.0) },
        help: "Requests one instance works on at once; more wait in its queue.",
    },
    Setting {
        id: "service_time",
        group: Group::Service,
        label: "Mean service time",
        unit: "ms",
        path: "services.{service}.service_time.mean_ms",
        kind: Kind::Number { range: Range::log(0.1, 5000.0, 0.1) },
        help: "How long one request keeps a worker busy, on average.",
    },
    Setting {
        id: "queue_limit",
        group: Group::Service,
        label: "Queue-time limit (0 = none)",
        unit: "ms",
        path: "services.{service}.queue_time_limit_ms",
        kind: Kind::Number { range: Range::linear(0.0, 1000.0, 1.0) },
        help: "A request that waited longer in the queue is answered 503 at once instead of run, since its client has likely given up (Amazon Builders' Library).",
    },
    Setting {
        id: "queue_order",
        group: Group::Service,
        label: "Queue order",
        unit: "",
        path: "services.{service}.queue_order",
        kind: Kind::Choice { options: QUEUE_ORDERS },
        help: "Adaptive LIFO (Facebook, \"Fail at Scale\") serves the newest request first once the queue has not been empty for the CoDel interval, and then lets new requests wait only the CoDel target.",
    },
    Setting {
        id: "codel_interval",
        group: Group::Service,
        label: "CoDel interval",
        unit: "ms",
        path: "services.{service}.codel_interval_ms",
        kind: Kind::Number { range: Range::log(1.0, 10_000.0, 1.0) },
        help: "Adaptive LIFO: a queue not empty for this long is overloaded; until then a request may wait this long (Fail at Scale: 100 ms).",
    },
    Setting {
        id: "codel_target",
        group: Group::Service,
        label: "CoDel target",
        unit: "ms",
        path: "services.{service}.codel_target_ms",
        kind: Kind::Number { range: Range::log(0.1, 1000.0, 0.1) },
        help: "Adaptive LIFO: how long a request arriving at an overloaded queue may wait, below the interval (Fail at Scale: 5 ms).",
    },
    // Failures
    Setting {
        id: "mtbf",
        group: Group::Failures,
        label: "Mean time between crashes (0 = never)",
        unit: "s",
        path: "services.{service}.mtbf_s",
        kind: Kind::Number { range: Range::linear(0.0, 3600.0, 1.0) },
        help: "Each instance of the service crashes at random, on average this often.",
    },
    Setting {
        id: "mttr",
        group: Group::Failures,
        label: "Mean time to repair",
        unit: "s",
        path: "services.{service}.mttr_s",
        kind: Kind::Number { range: Range::linear(1.0, 600.0, 1.0) },
        help: "How long a crashed instance takes to come back, on average (when nothing replaces it).",
    },
    Setting {
        id: "instance_type",
        group: Group::Zones,
        label: "Instance type (every service)",
        unit: "",
        path: "cost.instance_type",
        kind: Kind::Choice { options: INSTANCE_TYPES },
        help: "What an instance-hour costs, from the scenario's on-demand price table (AWS us-east-1).",
    },
    Setting {
        id: "db_contention",
        group: Group::Database,
        label: "Contention σ (Universal Scalability Law)",
        unit: "",
        path: "database.contention",
        kind: Kind::Number { range: Range::linear(0.0, 0.5, 0.005) },
        help: "Serialised work such as locks: each running query slows the others by this share (Gunther's σ).",
    },
    Setting {
        id: "db_coherency",
        group: Group::Database,
        label: "Coherency κ (Universal Scalability Law)",
        unit: "",
        path: "database.coherency",
        kind: Kind::Number { range: Range::linear(0.0, 0.01, 0.0001) },
        help: "Crosstalk between connections; with it, throughput peaks at √((1 − σ)/κ) connections and falls beyond.",
    },
    Setting {
        id: "db_standby",
        group: Group::Database,
        label: "Standby in another zone",
        unit: "",
        path: "database.standby",
        kind: Kind::Toggle,
        help: "When the primary fails, a standby takes over after the failover time (RDS Multi-AZ); without one it is down until repaired.",
    },
    Setting {
        id: "db_failover",
        group: Group::Database,
        label: "Failover time",
        unit: "s",
        path: "database.failover_s",
        kind: Kind::Number { range: Range::linear(1.0, 600.0, 1.0) },
        help: "How long the standby takes to take over (RDS Multi-AZ: typically 60–120 s).",
    },
    Setting {
        id: "db_replicas",
        group: Group::Database,
        label: "Read replicas",
        unit: "",
        path: "database.read_replicas",
        kind: Kind::Number { range: Range::linear(0.0, 15.0, 1.0) },
        help: "Copies that serve the reads, spread over them in turn, while every write still goes to the primary (RDS and Aurora allow 15).",
    },
    Setting {
        id: "browse_writes",
        group: Group::Database,
        label: "Browsing writes to the database",
        unit: "",
        path: "traffic.mix.browse.writes",
        kind: Kind::Toggle,
        help: "Whether a browse request's queries write (to the primary) or only read (from a replica, if there is one); carts and checkouts write.",
    },
    Setting {
        id: "db_mtbf",
        group: Group::Database,
        label: "Mean time between database failures (0 = never)",
        unit: "s",
        path: "database.mtbf_s",
        kind: Kind::Number { range: Range::linear(0.0, 86_400.0, 10.0) },
        help: "The primary fails at random, on average this often; over a long run it is down MTTR / (MTBF + MTTR) of the time.",
    },
    Setting {
        id: "db_mttr",
        group: Group::Database,
        label: "Mean time to repair the database",
        unit: "s",
        path: "database.mttr_s",
        kind: Kind::Number { range: Range::log(1.0, 86_400.0, 1.0) },
        help: "How long a primary that failed at random stays down, on average (a standby takes over sooner).",
    },
    Setting {
        id: "egress_price",
        group: Group::Zones,
        label: "Data out to the internet",
        unit: "$/GB",
        path: "cost.internet_egress_gb_usd",
        kind: Kind::Number { range: Range::linear(0.0, 0.2, 0.001) },
        help: "AWS charges data going out to the internet (0.09 $/GB); data coming in is free.",
    },
    Setting {
        id: "cross_zone_price",
        group: Group::Zones,
        label: "Data across zones, each way",
        unit: "$/GB",
        path: "cost.cross_zone_gb_usd",
        kind: Kind::Number { range: Range::linear(0.0, 0.1, 0.001) },
        help: "Charged leaving one zone and again entering the other (0.01 $/GB each); within a zone it is free.",
    },
    Setting {
        id: "lb_price",
        group: Group::Zones,
        label: "Load balancer hour",
        unit: "$/h",
        path: "cost.load_balancer_hour_usd",
        kind: Kind::Number { range: Range::linear(0.0, 0.1, 0.0005) },
        help: "Each service's Application Load Balancer (0.0225 $/h), plus 0.008 $ per GB it processes.",
    },
    Setting {
        id: "zones",
        group: Group::Zones,
        label: "Availability zones",
        unit: "",
        path: "zones",
        kind: Kind::Number { range: Range::linear(1.0, 3.0, 1.0) },
        help: "Every group spreads its instances evenly over this many zones and rebalances when it changes; the database is in the first.",
    },
    Setting {
        id: "zone_mtbf",
        group: Group::Zones,
        label: "Mean time between zone outages (0 = never)",
        unit: "s",
        path: "zone_mtbf_s",
        kind: Kind::Number { range: Range::linear(0.0, 86_400.0, 10.0) },
        help: "Each zone fails as a whole at random, on average this often, with every instance in it: a correlated failure.",
    },
    Setting {
        id: "zone_mttr",
        group: Group::Zones,
        label: "Mean zone outage",
        unit: "s",
        path: "zone_mttr_s",
        kind: Kind::Number { range: Range::log(1.0, 86_400.0, 1.0) },
        help: "How long a zone that failed at random stays down, on average.",
    },
    // Load balancer
    Setting {
        id: "balancer",
        group: Group::Balancer,
        label: "Algorithm",
        unit: "",
        path: "services.{service}.balancer",
        kind: Kind::Choice { options: BALANCERS },
        help: "How the load balancer spreads requests over the instances it considers healthy; with none, every client uses one instance's fixed address.",
    },
    Setting {
        id: "health_checks",
        group: Group::Balancer,
        label: "Health checks",
        unit: "",
        path: "services.{service}.health_check.enabled",
        kind: Kind::Toggle,
        help: "The load balancer probes each instance (a small request that waits for a worker like any other) and stops routing to one that fails; without them nothing is ever taken out.",
    },
    Setting {
        id: "hc_interval",
        group: Group::Balancer,
        label: "Health-check interval",
        unit: "s",
        path: "services.{service}.health_check.interval_s",
        kind: Kind::Number { range: Range::linear(1.0, 300.0, 1.0) },
        help: "How often each instance is probed.",
    },
    Setting {
        id: "hc_unhealthy",
        group: Group::Balancer,
        label: "Unhealthy after failed checks",
        unit: "",
        path: "services.{service}.health_check.unhealthy_threshold",
        kind: Kind::Number { range: Range::linear(1.0, 10.0, 1.0) },
        help: "Consecutive failed probes that take an instance out of service.",
    },
    Setting {
        id: "hc_healthy",
        group: Group::Balancer,
        label: "Healthy after passed checks",
        unit: "",
        path: "services.{service}.health_check.healthy_threshold",
        kind: Kind::Number { range: Range::linear(1.0, 10.0, 1.0) },
        help: "Consecutive passed probes that put an instance back in service.",
    },
    Setting {
        id: "draining",
        group: Group::Balancer,
        label: "Deregistration delay (draining)",
        unit: "s",
        path: "services.{service}.health_check.deregistration_delay_s",
        kind: Kind::Number { range: Range::linear(0.0, 600.0, 1.0) },
        help: "How long an instance being removed may finish its in-flight work.",
    },
    Setting {
        id: "idle_timeout",
        group: Group::Balancer,
        label: "Idle timeout",
        unit: "s",
        path: "services.{service}.idle_timeout_s",
        kind: Kind::Number { range: Range::log(1.0, 4000.0, 1.0) },
        help: "How long the load balancer waits for an instance's answer before it answers 504 itself (AWS ALB: 60 s). Only clients that wait longer see it.",
    },
    Setting {
        id: "outliers",
        group: Group::Balancer,
        label: "Outlier detection",
        unit: "",
        path: "services.{service}.outlier_detection.enabled",
        kind: Kind::Toggle,
        help: "Passive checks as Envoy has them (an AWS ALB has none): eject an instance after consecutive 5xx answers.",
    },
    Setting {
        id: "od_errors",
        group: Group::Balancer,
        label: "Eject after 5xx in a row",
        unit: "",
        path: "services.{service}.outlier_detection.consecutive_5xx",
        kind: Kind::Number { range: Range::linear(1.0, 20.0, 1.0) },
        help: "Server errors in a row (refused or timed-out connections included) that eject an instance (Envoy: 5).",
    },
    Setting {
        id: "od_time",
        group: Group::Balancer,
        label: "Base ejection time",
        unit: "s",
        path: "services.{service}.outlier_detection.base_ejection_s",
        kind: Kind::Number { range: Range::log(1.0, 600.0, 1.0) },
        help: "An ejection lasts this long times the number of times the instance has been ejected (Envoy: 30 s).",
    },
    Setting {
        id: "od_max_time",
        group: Group::Balancer,
        label: "Longest ejection",
        unit: "s",
        path: "services.{service}.outlier_detection.max_ejection_s",
        kind: Kind::Number { range: Range::log(1.0, 3600.0, 1.0) },
        help: "No ejection lasts longer than this (Envoy: 300 s).",
    },
    Setting {
        id: "od_share",
        group: Group::Balancer,
        label: "Most ejected at once",
        unit: "%",
        path: "services.{service}.outlier_detection.max_ejection_percent",
        kind: Kind::Number { range: Range::linear(0.0, 100.0, 1.0) },
        help: "Never more than this share of the instances is ejected at once, though one always may be (Envoy: 10 %).",
    },
    // Auto-scaling
    Setting {
        id: "desired",
        group: Group::Scaling,
        label: "Desired capacity",
        unit: "instances",
        path: "services.{service}.instances",
        kind: Kind::Number { range: Range::linear(0.0, 60.0, 1.0) },
        help: "How many healthy instances we want the group to have.",
    },
    Setting {
        id: "min",
        group: Group::Scaling,
        label: "Minimum capacity",
        unit: "instances",
        path: "services.{service}.min_instances",
        kind: Kind::Number { range: Range::linear(0.0, 60.0, 1.0) },
        help: "Hard lower limit of the group.",
    },
    Setting {
        id: "max",
        group: Group::Scaling,
        label: "Maximum capacity",
        unit: "instances",
        path: "services.{service}.max_instances",
        kind: Kind::Number { range: Range::linear(0.0, 60.0, 1.0) },
        help: "Hard upper limit of the group.",
    },
    Setting {
        id: "policy",
        group: Group::Scaling,
        label: "Scaling policy",
        unit: "",
        path: "services.{service}.scaling.policy",
        kind: Kind::Choice { options: POLICIES },
        help: "How the group decides its desired capacity.",
    },
    Setting {
        id: "target",
        group: Group::Scaling,
        label: "Target (CPU % or req/s per instance)",
        unit: "",
        path: "services.{service}.scaling.target",
        kind: Kind::Number { range: Range::linear(1.0, 1000.0, 1.0) },
        help: "Target tracking: out after 3 one-period datapoints above it, in after 15 below 70% of it.",
    },
    Setting {
        id: "period",
        group: Group::Scaling,
        label: "Metric period",
        unit: "s",
        path: "services.{service}.scaling.period_s",
        kind: Kind::Number { range: Range::linear(1.0, 300.0, 1.0) },
        help: "One datapoint of the metric per period; the alarms count datapoints (CloudWatch: 60 s).",
    },
    Setting {
        id: "cooldown",
        group: Group::Scaling,
        label: "Cooldown",
        unit: "s",
        path: "services.{service}.scaling.cooldown_s",
        kind: Kind::Number { range: Range::linear(0.0, 900.0, 1.0) },
        help: "Simple scaling waits this long after each change (AWS: 300 s); other policies have none.",
    },
    Setting {
        id: "warmup",
        group: Group::Scaling,
        label: "Warm-up",
        unit: "s",
        path: "services.{service}.scaling.warmup_s",
        kind: Kind::Number { range: Range::linear(0.0, 900.0, 1.0) },
        help: "A new instance is left out of the metric, and of capacity when scaling out, this long (AWS: 300 s).",
    },
    Setting {
        id: "health_type",
        group: Group::Scaling,
        label: "Replace instances that are",
        unit: "",
        path: "services.{service}.scaling.health_check_type",
        kind: Kind::Choice { options: REPLACEMENTS },
        help: "What makes the group terminate an instance and launch a replacement.",
    },
    Setting {
        id: "grace",
        group: Group::Scaling,
        label: "Health-check grace period",
        unit: "s",
        path: "services.{service}.scaling.grace_s",
        kind: Kind::Number { range: Range::linear(0.0, 900.0, 1.0) },
        help: "Health is ignored for this long after an instance launches.",
    },
    Setting {
        id: "boot",
        group: Group::Scaling,
        label: "Boot time",
        unit: "s",
        path: "services.{service}.boot_s",
        kind: Kind::Number { range: Range::linear(0.0, 600.0, 1.0) },
        help: "Time from launch to in service (EC2: about 2 minutes): why auto-scaling always lags a flash sale.",
    },
    // Database
    Setting {
        id: "db_connections",
        group: Group::Database,
        label: "Connections (capacity)",
        unit: "",
        path: "database.connections",
        kind: Kind::Number { range: Range::linear(1.0, 500.0, 1.0) },
        help: "Queries the shared database runs at once; the rest wait.",
    },
    Setting {
        id: "db_time",
        group: Group::Database,
        label: "Mean query time",
        unit: "ms",
        path: "database.service_time.mean_ms",
        kind: Kind::Number { range: Range::log(0.1, 1000.0, 0.1) },
        help: "How long one query holds a connection, on average.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_short_names_map_back() {
        for (i, a) in SETTINGS.iter().enumerate() {
            assert!(
                SETTINGS[i + 1..].iter().all(|b| b.id != a.id),
                "duplicate id {}",
                a.id
            );
            if a.group.per_service() {
                assert!(a.path.starts_with(SERVICE), "{}: {}", a.id, a.path);
            } else {
                assert!(!a.path.contains("{service}"), "{}: {}", a.id, a.path);
                assert_eq!(short_name(a.path), Some(a.id));
            }
        }
    }

    /// Every variant of the core's enums is offered, in its order.
    #[test]
    fn choices_are_the_cores_names() {
        fn names(options: &[(&'static str, &str)]) -> Vec<&'static str> {
            options.iter().map(|o| o.0).collect()
        }
        assert_eq!(names(PAYLOADS), PayloadName::ALL.map(PayloadName::as_str));
        assert_eq!(names(BACKOFFS), Backoff::ALL.map(Backoff::as_str));
        assert_eq!(names(JITTERS), Jitter::ALL.map(Jitter::as_str));
        assert_eq!(names(TOKENS), Idempotency::ALL.map(Idempotency::as_str));
        assert_eq!(
            names(CANCELLATIONS),
            Cancellation::ALL.map(Cancellation::as_str)
        );
        assert_eq!(names(THROTTLES), Throttle::ALL.map(Throttle::as_str));
        assert_eq!(names(BALANCERS), Balancer::ALL.map(Balancer::as_str));
        assert_eq!(names(POLICIES), Policy::ALL.map(Policy::as_str));
        assert_eq!(names(QUEUE_ORDERS), QueueOrder::ALL.map(QueueOrder::as_str));
        assert_eq!(
            names(REPLACEMENTS),
            HealthCheckType::ALL.map(HealthCheckType::as_str)
        );
    }

    /// Every setting reads its current value, and reads back a different
    /// one after it is set through the catalogue, for every service: a
    /// renamed field in the core fails here, not in a lecture.
    #[test]
    fn every_setting_sets_what_it_reads() {
        let base = sahara_sim::presets::get("baseline").expect("baseline preset");
        for s in SETTINGS {
            let services: Vec<&str> = if s.group.per_service() {
                base.services.iter().map(|x| x.name.as_str()).collect()
            } else {
                vec![""]
            };
            for service in services {
                let at = format!("{} ({service})", s.id);
                let current = s.read(&base.readings(), service);
                // Other values than the current one, the first that the
                // scenario's rules allow is taken.
                let candidates: Vec<String> = match s.kind {
                    Kind::Number { range } => {
                        let now = number(&current)
                            .unwrap_or_else(|| panic!("{at}: {current:?} is not a number"));
                        let mid = ((range.min + range.max) / 2.0 / range.step).round() * range.step;
                        [mid, range.min, range.max]
                            .into_iter()
                            .filter(|v| *v != now)
                            .map(crate::range::fmt)
                            .collect()
                    }
                    Kind::Choice { options } => {
                        let names: Vec<&str> = options.iter().map(|o| o.0).collect();
                        assert!(
                            names.contains(&current.as_str()),
                            "{at}: {current:?} is not one of {names:?}"
                        );
                        names
                            .into_iter()
                            .filter(|n| *n != current)
                            .map(str::to_string)
                            .collect()
                    }
                    Kind::Toggle => {
                        assert!(
                            ["true", "false"].contains(&current.as_str()),
                            "{at}: {current:?}"
                        );
                        vec![(current != "true").to_string()]
                    }
                };
                let path = s.path_for(service);
                let mut errors = Vec::new();
                let set = candidates.iter().find_map(|value| {
                    let mut scenario = base.clone();
                    match scenario.set(&path, value) {
                        Ok(()) => Some((scenario, value)),
                        Err(e) => {
                            errors.push(format!("{path}={value}: {e}"));
                            None
                        }
                    }
                });
                let (scenario, value) = set.unwrap_or_else(|| panic!("{at}: {errors:?}"));
                let read = s.read(&scenario.readings(), service);
                match s.kind {
                    Kind::Number { .. } => {
                        assert_eq!(number(&read), value.parse().ok(), "{at} reads back")
                    }
                    _ => assert_eq!(&read, value, "{at} reads back"),
                }
            }
        }
    }
}
