//! The scenario: one serde struct holding everything that defines a run —
//! topology, traffic, network, faults, cost, duration and seed. It is the
//! single source of truth for the UI's sliders, the CLI, shareable URLs and
//! the preset files in `sim/scenarios/`.
//!
//! Units are in the field names (`_ms`, `_s`, `_rps`, `_mbps`, `_usd`) so a
//! preset file reads without a manual. Every struct denies unknown fields so a
//! typo in a preset or a `--set` path is an error, not a silently ignored key.

mod error;
mod flat_tables;
mod named;
mod number_or_name;
mod others;
mod resilience;
mod set;
mod tables;
pub use set::{parse_number, Readings};
mod timings;
mod validate;

pub use error::{ScenarioError, ValidationError};
pub use others::{ChangeByOther, OtherChange, MAX_WHO_CHARS};
pub use resilience::{
    Backoff, CircuitBreaker, EnvoyRetryBudget, FinagleRetryBudget, GrpcThrottling, HealthCheck,
    HealthCheckType, Idempotency, Jitter, Metric, OutlierDetection, Policy, Retry, Scaling, Step,
    Throttle,
};
pub use validate::limits;
pub(crate) use validate::shape_peak;

use serde::{Deserialize, Serialize};

/// Everything that defines a run. See the module docs and `sim/scenarios/`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Seeds every random stream of the run; at most `i64::MAX` (a TOML integer).
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Simulated length of the run.
    pub duration_s: f64,
    /// Availability zones the deployment spans (1–3): every auto-scaling
    /// group spreads its instances evenly over them, each load balancer
    /// spans them all, and the database's primary is in the first (zone
    /// a). A zone can fail as a whole (a scheduled fault with a `zone`).
    #[serde(default = "defaults::zones")]
    pub zones: u32,
    /// Mean time between random outages of each zone (every instance in it
    /// fails at once: the correlated failure that caps what replication
    /// buys); 0 = never.
    #[serde(default)]
    pub zone_mtbf_s: f64,
    /// Mean time until a zone that failed at random is back.
    #[serde(default = "defaults::zone_mttr_s")]
    pub zone_mttr_s: f64,
    pub traffic: Traffic,
    #[serde(default)]
    pub client: Client,
    #[serde(default)]
    pub network: Network,
    /// The services, in display order; each has its own load balancer.
    pub services: Vec<Service>,
    #[serde(default)]
    pub database: Database,
    #[serde(default)]
    pub cost: Cost,
    /// Faults that happen at a set time, on top of the random ones.
    #[serde(default)]
    pub faults: Vec<ScheduledFault>,
    /// Changes other people make at a set time, without telling anyone
    /// (Fallacy 6: there is only one administrator).
    #[serde(default)]
    pub changes_by_others: Vec<ChangeByOther>,
}

/// Where requests come from and how many.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// Open-loop Poisson arrivals per second, before `shape` scales it.
    pub rate_rps: f64,
    #[serde(default)]
    pub shape: Shape,
    /// A closed population on top of the open-loop rate: each user sends a
    /// request, waits for its outcome, thinks, and sends the next one.
    #[serde(default)]
    pub users: u32,
    #[serde(default = "defaults::think_time_ms")]
    pub think_time_ms: f64,
    /// The request kinds and the service each goes to. Weights are relative.
    pub mix: Vec<MixEntry>,
}

/// How the open-loop rate varies over time, as a factor on `rate_rps`.
/// Written as a table tagged by `kind`; read through `flat_tables`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Default)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    try_from = "flat_tables::ShapeFields"
)]
pub enum Shape {
    #[default]
    Constant,
    /// Factor 1 until `at_s`, then `factor`.
    Step { at_s: f64, factor: f64 },
    /// Factor 1 until `start_s`, rising linearly to `factor` at `end_s`.
    Ramp {
        start_s: f64,
        end_s: f64,
        factor: f64,
    },
    /// A flash sale: `factor` from `at_s` for `duration_s`, 1 otherwise.
    Spike {
        at_s: f64,
        duration_s: f64,
        factor: f64,
    },
    /// Day and night: 1 + amplitude·sin(2π t / period).
    Periodic { period_s: f64, amplitude: f64 },
}

/// One kind of request in the mix.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct MixEntry {
    pub kind: RequestKind,
    pub weight: f64,
    /// Name of the service that handles it.
    pub service: String,
    /// Whether handling it calls the shared database.
    #[serde(default)]
    pub database: bool,
    /// Whether its database calls write (they go to the primary) or only
    /// read (they go to a read replica, if there is one). Left out: the
    /// kinds that change state write (`RequestKind::is_mutating`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writes: Option<bool>,
    /// What the request carries (stamp coupling: an id or a whole record).
    #[serde(default)]
    pub payload: Payload,
    #[serde(default)]
    pub response_payload: Payload,
}

impl MixEntry {
    /// Whether its database calls write: as set, else whether it changes
    /// state.
    pub fn writes(&self) -> bool {
        self.writes.unwrap_or(self.kind.is_mutating())
    }
}

/// The kinds of request Sahara serves.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum RequestKind {
    /// Product browsing: read-only.
    Browse,
    /// Changes state: a duplicate adds a second item.
    AddToCart,
    /// Changes state: a duplicate charges twice.
    Checkout,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [
        RequestKind::Browse,
        RequestKind::AddToCart,
        RequestKind::Checkout,
    ];

    /// Mutating kinds are the ones whose duplicates do harm.
    pub fn is_mutating(self) -> bool {
        !matches!(self, RequestKind::Browse)
    }
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestKind::Browse => "browse",
            RequestKind::AddToCart => "add_to_cart",
            RequestKind::Checkout => "checkout",
        }
    }
}

/// A payload size: `"id"` (a reference, 100 B), `"composite"` (a whole
/// record, 20 kB) or a number of bytes.
#[derive(Serialize, Clone, Copy, PartialEq, Debug)]
#[serde(untagged)]
pub enum Payload {
    Bytes(u64),
    Named(PayloadName),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PayloadName {
    Id,
    Composite,
}

impl PayloadName {
    pub const ALL: [PayloadName; 2] = [PayloadName::Id, PayloadName::Composite];
    pub const fn as_str(self) -> &'static str {
        match self {
            PayloadName::Id => "id",
            PayloadName::Composite => "composite",
        }
    }
}

impl Default for Payload {
    fn default() -> Self {
        Payload::Named(PayloadName::Id)
    }
}

impl Payload {
    pub fn bytes(self) -> u64 {
        match self {
            Payload::Bytes(b) => b,
            Payload::Named(PayloadName::Id) => 100,
            Payload::Named(PayloadName::Composite) => 20_000,
        }
    }
}

/// What clients do with each attempt. A field left out takes its value
/// from `Client::default`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Client {
    /// How long a client waits for an attempt's response before giving up on
    /// it: the only way it can notice a lost request or response.
    pub timeout_ms: f64,
    /// Attempts per logical request, the first included; 1 = no retries.
    pub max_attempts: u32,
    /// Which failures are retried, and after what wait.
    pub retry: Retry,
    /// Whether services recognise a resent request by its token, and where
    /// they record the tokens they executed.
    pub idempotency: Idempotency,
    /// How long a recorded token is kept.
    pub idempotency_retention_s: f64,
    /// A circuit breaker per service, in front of every attempt.
    pub circuit_breaker: CircuitBreaker,
    /// Whether servers stop work whose client has given up.
    pub cancellation: Cancellation,
}

/// What a server learns when its client gives up on an attempt (at its
/// timeout). A server never knows by itself: without cancellation it works
/// on, and the work is wasted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Cancellation {
    /// Servers finish everything they took on.
    #[default]
    None,
    /// The client's connection closes and its load balancer passes that on
    /// (as a proxy resets an HTTP/2 stream): the instance drops the request
    /// if it is still queued and stops it if it is computing; a call it is
    /// blocked on (the database) runs to the end.
    LoadBalancer,
    /// The request carries its deadline, as a gRPC deadline propagates: the
    /// instance drops or stops it at the deadline as above, and the
    /// database drops a query still waiting when the deadline passes.
    Deadline,
}

impl Cancellation {
    pub const ALL: [Cancellation; 3] = [
        Cancellation::None,
        Cancellation::LoadBalancer,
        Cancellation::Deadline,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Cancellation::None => "none",
            Cancellation::LoadBalancer => "load_balancer",
            Cancellation::Deadline => "deadline",
        }
    }
}

/// Clients that wait 5 s for an answer, try once and send no tokens; a
/// token, once recorded, is kept for a day (as Stripe keeps its keys).
impl Default for Client {
    fn default() -> Self {
        Client {
            timeout_ms: 5000.0,
            max_attempts: 1,
            retry: Retry::default(),
            idempotency: Idempotency::Off,
            idempotency_retention_s: 24.0 * 3600.0,
            circuit_breaker: CircuitBreaker::default(),
            cancellation: Cancellation::None,
        }
    }
}

/// The three hops of Sahara's request path. A hop left out takes its value
/// from `Network::default`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// The internet: clients to each service's load balancer.
    pub client_to_lb: Link,
    /// Inside the data centre: load balancer to an instance.
    pub lb_to_instance: Link,
    /// Inside the data centre: an instance to the database.
    pub instance_to_db: Link,
}

/// The internet as the lecture measured it from home to UQ; the data
/// centre's hops as fast as EC2 to EC2.
impl Default for Network {
    fn default() -> Self {
        Network {
            client_to_lb: Link {
                latency: Latency::Preset(LatencyPreset::HomeToUq),
                ..Link::default()
            },
            lb_to_instance: Link::default(),
            instance_to_db: Link::default(),
        }
    }
}

/// One hop. Each message takes `latency` + jitter (+ transfer time when the
/// hop has a bandwidth), and may be lost, independently per direction.
/// A field left out takes its value from `Link::default`, whichever hop it
/// is: a `[network.client_to_lb]` table without `latency` is as fast as
/// EC2 to EC2, not the internet of `Network::default`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Link {
    /// Round-trip time across the hop (what `ping` reports): milliseconds,
    /// or one of the lecture's measured figures. Each direction takes half.
    pub latency: Latency,
    /// Mean of an exponential extra delay per message.
    pub jitter_ms: f64,
    /// Probability a request is lost on this hop (the lecture's Failure 1).
    pub request_loss: f64,
    /// Probability a response is lost on this hop (Failure 2).
    pub response_loss: f64,
    /// Capacity of the hop in each direction, shared by all its messages;
    /// 0 means unlimited (Fallacy 3: bandwidth is infinite — it is not).
    pub bandwidth_mbps: f64,
}

/// A hop inside the data centre: EC2 to EC2, no jitter, no loss, unlimited.
impl Default for Link {
    fn default() -> Self {
        Link {
            latency: Latency::Preset(LatencyPreset::Ec2ToEc2),
            jitter_ms: 0.0,
            request_loss: 0.0,
            response_loss: 0.0,
            bandwidth_mbps: 0.0,
        }
    }
}

/// A hop's round-trip time in milliseconds, or a named figure from the
/// lecture.
#[derive(Serialize, Clone, Copy, PartialEq, Debug)]
#[serde(untagged)]
pub enum Latency {
    Ms(f64),
    Preset(LatencyPreset),
}

/// The lecture's measured network figures: ping round-trip times, so a
/// request and its response across one hop take the figure once, half each
/// way. (Brisbane to N. Virginia is about 15 000 km: light in fibre, about
/// 200 km per ms, needs at least 75 ms one way, so 249 ms is a round trip.)
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LatencyPreset {
    Ec2ToEc2,
    HomeToUq,
    HomeToUsEast1,
}

impl LatencyPreset {
    pub const ALL: [LatencyPreset; 3] = [
        LatencyPreset::Ec2ToEc2,
        LatencyPreset::HomeToUq,
        LatencyPreset::HomeToUsEast1,
    ];
    pub fn ms(self) -> f64 {
        match self {
            LatencyPreset::Ec2ToEc2 => 0.662,
            LatencyPreset::HomeToUq => 20.025,
            LatencyPreset::HomeToUsEast1 => 249.296,
        }
    }
    pub const fn as_str(self) -> &'static str {
        match self {
            LatencyPreset::Ec2ToEc2 => "ec2_to_ec2",
            LatencyPreset::HomeToUq => "home_to_uq",
            LatencyPreset::HomeToUsEast1 => "home_to_us_east_1",
        }
    }
}

impl Latency {
    /// The round-trip time in milliseconds.
    pub fn ms(self) -> f64 {
        match self {
            Latency::Ms(ms) => ms,
            Latency::Preset(p) => p.ms(),
        }
    }
}

/// A service and its group of identical instances behind one load balancer.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    /// Desired capacity of the group: how many instances it keeps.
    pub instances: u32,
    /// Hard lower limit of the group (defaults to `instances`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_instances: Option<u32>,
    /// Hard upper limit of the group (defaults to `instances`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_instances: Option<u32>,
    /// Requests an instance works on at once (threads / connections).
    #[serde(default = "defaults::workers")]
    pub workers: u32,
    /// Requests an instance holds waiting for a worker; more get a 503.
    #[serde(default = "defaults::queue_capacity")]
    pub queue_capacity: u32,
    /// The longest a request may wait in an instance's queue: one that a
    /// free worker finds has waited longer is answered 503 at once instead
    /// of run (David Yanacek, "Using load shedding to avoid overload",
    /// Amazon Builders' Library: drop work whose client has likely given
    /// up). 0 = no limit.
    #[serde(default)]
    pub queue_time_limit_ms: f64,
    /// The order in which free workers take queued requests.
    #[serde(default)]
    pub queue_order: QueueOrder,
    /// Adaptive LIFO's CoDel interval N: a queue that has not been empty
    /// for this long is overloaded (Fail at Scale: 100 ms).
    #[serde(default = "defaults::codel_interval_ms")]
    pub codel_interval_ms: f64,
    /// Adaptive LIFO's CoDel target M: the queue-time limit of a request
    /// that arrives while the queue is overloaded (Fail at Scale: 5 ms).
    #[serde(default = "defaults::codel_target_ms")]
    pub codel_target_ms: f64,
    pub service_time: ServiceTime,
    #[serde(default)]
    pub balancer: Balancer,
    /// How long the load balancer waits for an instance to answer a request
    /// before it closes the connection and answers the client 504 (AWS ALB's
    /// connection idle timeout: 1–4000 s, default 60). Only a client that
    /// waits longer than this ever sees it.
    #[serde(default = "defaults::idle_timeout_s")]
    pub idle_timeout_s: f64,
    /// Time from launch to in service: the instance boots, its start-up
    /// scripts install and start the application, and it registers with
    /// the load balancer. Default 120 s, the EC2 Auto Scaling User Guide's
    /// own example ("Scaling cooldowns": "around two or three minutes from
    /// the time the instance launches until it's fully in service").
    #[serde(default = "defaults::boot_s")]
    pub boot_s: f64,
    /// Mean time between random crashes of each instance; 0 = never.
    #[serde(default)]
    pub mtbf_s: f64,
    /// Mean time to repair a randomly crashed instance.
    #[serde(default = "defaults::mttr_s")]
    pub mttr_s: f64,
    /// The load balancer's health checks and connection draining.
    #[serde(default)]
    pub health_check: HealthCheck,
    /// Passive outlier detection at the load balancer (off: as an ALB).
    #[serde(default)]
    pub outlier_detection: OutlierDetection,
    /// The auto-scaling group's policy and replacement of broken instances.
    #[serde(default)]
    pub scaling: Scaling,
}

/// How an instance's free workers pick from its queue.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum QueueOrder {
    /// Oldest first.
    #[default]
    Fifo,
    /// Adaptive LIFO with controlled delay, as Facebook's servers run it
    /// (Ben Maurer, "Fail at Scale", ACM Queue 2015): oldest first while
    /// the queue has been empty within the last CoDel interval N; newest
    /// first once it has not. Each request's queue-time limit is set as it
    /// arrives: M (the CoDel target) if the queue has not been empty for
    /// the last N, else N.
    AdaptiveLifo,
}

impl QueueOrder {
    pub const ALL: [QueueOrder; 2] = [QueueOrder::Fifo, QueueOrder::AdaptiveLifo];
    pub const fn as_str(self) -> &'static str {
        match self {
            QueueOrder::Fifo => "fifo",
            QueueOrder::AdaptiveLifo => "adaptive_lifo",
        }
    }
}

/// How long one piece of work takes.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(
    tag = "distribution",
    rename_all = "snake_case",
    try_from = "flat_tables::ServiceTimeFields"
)]
pub enum ServiceTime {
    Exponential {
        mean_ms: f64,
    },
    /// Right-skewed: most requests fast, a long tail. `sigma` is the shape of
    /// the underlying normal (0.5 is moderate, 1.5 heavy).
    #[serde(rename = "lognormal")]
    LogNormal {
        mean_ms: f64,
        sigma: f64,
    },
    Constant {
        mean_ms: f64,
    },
}

impl ServiceTime {
    pub fn mean_ms(&self) -> f64 {
        match *self {
            ServiceTime::Exponential { mean_ms }
            | ServiceTime::LogNormal { mean_ms, .. }
            | ServiceTime::Constant { mean_ms } => mean_ms,
        }
    }
}

/// A service's load-balancing algorithm.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Balancer {
    #[default]
    RoundRobin,
    Random,
    LeastOutstanding,
    PowerOfTwo,
    /// No load balancer: every client uses the first instance's fixed
    /// address (the lecture's "all traffic through one instance").
    None,
}

impl Balancer {
    pub const ALL: [Balancer; 5] = [
        Balancer::RoundRobin,
        Balancer::Random,
        Balancer::LeastOutstanding,
        Balancer::PowerOfTwo,
        Balancer::None,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Balancer::RoundRobin => "round_robin",
            Balancer::Random => "random",
            Balancer::LeastOutstanding => "least_outstanding",
            Balancer::PowerOfTwo => "power_of_two",
            Balancer::None => "none",
        }
    }
}

/// The shared database behind every service. Left out, it is
/// `Database::default`; a `[database]` table gives at least its
/// connections and service time.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// Queries it runs at once (connection / worker limit).
    pub connections: u32,
    /// Queries waiting for a connection; more are refused and the request
    /// gets a 503.
    #[serde(default = "defaults::queue_capacity")]
    pub queue_capacity: u32,
    pub service_time: ServiceTime,
    /// Read replicas (0–15, the most RDS and Aurora allow), each with the
    /// primary's connections, queue and scalability. They serve the calls
    /// of kinds that do not write, spread over them in turn; writes go to
    /// the primary. With none, everything goes to the primary.
    #[serde(default)]
    pub read_replicas: u32,
    /// The Universal Scalability Law (Neil Gunther): with N queries running
    /// each takes 1 + σ(N − 1) + κN(N − 1) times as long, so throughput
    /// X(N) = N / (S (1 + σ(N − 1) + κN(N − 1))) rises, peaks at
    /// N* = √((1 − σ) / κ) and then falls. σ is contention (serialised
    /// work: locks), κ coherency (crosstalk between connections). 0 and 0:
    /// connections add throughput linearly. The defaults, σ = 0.02 and
    /// κ = 0.0038, put the peak at 16 connections: HikariCP's pool-sizing
    /// rule, connections = cores × 2 + effective spindles, for an 8-vCPU
    /// database server with its data cached ("About Pool Sizing").
    #[serde(default = "defaults::contention")]
    pub contention: f64,
    #[serde(default = "defaults::coherency")]
    pub coherency: f64,
    /// A standby in another zone that takes over `failover_s` after the
    /// primary fails (as RDS Multi-AZ does); without one the database is
    /// down until the primary is repaired.
    #[serde(default)]
    pub standby: bool,
    #[serde(default = "defaults::failover_s")]
    pub failover_s: f64,
    /// Mean time between random failures of the primary; 0 = never.
    #[serde(default)]
    pub mtbf_s: f64,
    /// Mean time to repair a primary that failed at random (a standby, if
    /// there is one, takes over sooner).
    #[serde(default = "defaults::mttr_s")]
    pub mttr_s: f64,
}

/// Without a `[database]` table: 20 connections, exponential queries of
/// 2 ms on average, the scalability law's default σ and κ.
impl Default for Database {
    fn default() -> Self {
        Database {
            connections: 20,
            queue_capacity: defaults::queue_capacity(),
            service_time: ServiceTime::Exponential { mean_ms: 2.0 },
            read_replicas: 0,
            contention: defaults::contention(),
            coherency: defaults::coherency(),
            standby: false,
            failover_s: defaults::failover_s(),
            mtbf_s: 0.0,
            mttr_s: defaults::mttr_s(),
        }
    }
}

/// Prices for the run's cost (Fallacy 7: transport cost is zero — it is
/// not), as AWS charges them in us-east-1 (on-demand list prices; they
/// change, so they live here, never in code). A price left out takes its
/// value from `Cost::default`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Cost {
    /// Every service's instance type: a name in `instance_types`.
    pub instance_type: String,
    /// On-demand Linux prices per instance-hour.
    pub instance_types: Vec<InstanceType>,
    /// An Application Load Balancer, per hour, for each service that has
    /// one; and per LCU-hour, counted on processed bytes (1 GB per hour is
    /// one LCU; clients keep connections alive and Sahara has fewer than
    /// the 10 free rules, so those dimensions stay below it).
    pub load_balancer_hour_usd: f64,
    pub lcu_hour_usd: f64,
    /// Data transfer out to the internet, per GB (the first 10 TB a month);
    /// transfer in from the internet is free.
    pub internet_egress_gb_usd: f64,
    /// Data transfer between availability zones, per GB in each direction
    /// (so a GB that crosses is charged twice: out of one, into the other).
    /// Within a zone it is free, and so is an ALB's traffic to its targets.
    pub cross_zone_gb_usd: f64,
}

/// An EC2 instance type and its on-demand price.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    pub name: String,
    pub hour_usd: f64,
}

/// AWS us-east-1 list prices: general-purpose instances (a t3.small by
/// default), an ALB, transfer out to the internet and across zones.
impl Default for Cost {
    fn default() -> Self {
        let types = [
            ("t3.small", 0.0208),
            ("t3.medium", 0.0416),
            ("m5.large", 0.096),
        ];
        Cost {
            instance_type: "t3.small".into(),
            instance_types: types
                .iter()
                .map(|&(name, hour_usd)| InstanceType {
                    name: name.into(),
                    hour_usd,
                })
                .collect(),
            load_balancer_hour_usd: 0.0225,
            lcu_hour_usd: 0.008,
            internet_egress_gb_usd: 0.09,
            cross_zone_gb_usd: 0.01,
        }
    }
}

impl Cost {
    /// The price per hour of the instance type, if the table has it.
    pub fn instance_hour_usd(&self) -> Option<f64> {
        self.instance_types
            .iter()
            .find(|t| t.name == self.instance_type)
            .map(|t| t.hour_usd)
    }
}

/// A fault that happens at a set time.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFault {
    pub at_s: f64,
    /// The service it hits; absent = every service (a zone outage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Which of the service's initial instances (0-based); absent = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<u32>,
    /// Only instances in this availability zone (0-based: 0 is zone a).
    /// A fault with a zone and no service is a zone outage: the groups
    /// launch nothing there until it is repaired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<u32>,
    pub kind: FaultKind,
    /// Service-time multiplier for `slow`.
    #[serde(default = "defaults::slow_factor")]
    pub factor: f64,
    /// Repair this long after the fault; absent = stays broken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_after_s: Option<f64>,
}

/// What goes wrong with an instance.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FaultKind {
    /// The application process stops: the host is up and refuses
    /// connections; work in flight on it is lost. EC2's status checks pass.
    Crash,
    /// The host fails: connections to it time out instead of being
    /// refused; work in flight on it is lost. EC2's status checks fail.
    InstanceFailure,
    /// A grey failure: accepts work but never answers.
    Hang,
    /// Service time multiplied by `factor`.
    Slow,
    /// The database's primary fails (names no service, zone or instance).
    DatabaseFailure,
}

impl FaultKind {
    pub const ALL: [FaultKind; 5] = [
        FaultKind::Crash,
        FaultKind::InstanceFailure,
        FaultKind::Hang,
        FaultKind::Slow,
        FaultKind::DatabaseFailure,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            FaultKind::Crash => "crash",
            FaultKind::InstanceFailure => "instance_failure",
            FaultKind::Hang => "hang",
            FaultKind::Slow => "slow",
            FaultKind::DatabaseFailure => "database_failure",
        }
    }
}

/// Defaults of fields in tables that also have required fields, so they
/// cannot take them from a `Default` of the whole table.
mod defaults {
    pub fn seed() -> u64 {
        1
    }
    pub fn zones() -> u32 {
        1
    }
    pub fn zone_mttr_s() -> f64 {
        3600.0
    }
    /// The Universal Scalability Law's σ and κ of the database: a peak at
    /// √((1 − 0.02) / 0.0038) ≈ 16 connections (see `Database`).
    pub fn contention() -> f64 {
        0.02
    }
    pub fn coherency() -> f64 {
        0.0038
    }
    /// RDS Multi-AZ: "failovers typically complete within 60–120 seconds".
    pub fn failover_s() -> f64 {
        60.0
    }
    pub fn workers() -> u32 {
        1
    }
    pub fn think_time_ms() -> f64 {
        5000.0
    }
    pub fn queue_capacity() -> u32 {
        100
    }
    pub fn mttr_s() -> f64 {
        60.0
    }
    pub fn boot_s() -> f64 {
        120.0
    }
    pub fn idle_timeout_s() -> f64 {
        60.0
    }
    /// Fail at Scale's N and M: "values of 5 milliseconds for M and 100 ms
    /// for N tend to work well across a wide set of use cases".
    pub fn codel_interval_ms() -> f64 {
        100.0
    }
    pub fn codel_target_ms() -> f64 {
        5.0
    }
    pub fn slow_factor() -> f64 {
        5.0
    }
}

impl Scenario {
    /// Parses a scenario from TOML and validates it. Errors name the field.
    pub fn from_toml(s: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            toml::from_str(s).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        scenario.validate().map_err(ScenarioError::Invalid)?;
        Ok(scenario)
    }

    /// Parses a scenario from JSON (the form `build.rs` gives the presets)
    /// and validates it. Through a `serde_json::Value`, like `set`, so the
    /// browser build has one deserialising path for the scenario types.
    pub fn from_json(s: &str) -> Result<Scenario, ScenarioError> {
        let tree: serde_json::Value =
            serde_json::from_str(s).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        let scenario: Scenario =
            tables::from_value(tree).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        scenario.validate().map_err(ScenarioError::Invalid)?;
        Ok(scenario)
    }

    /// The scenario as TOML that `from_toml` reads back to an equal value.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot be written as TOML: {e}\n"))
    }

    /// Index of the service called `name`.
    pub fn service_index(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s.name == name)
    }

    /// The share of the requests the mix sends to the service called
    /// `name` (0 without any weight).
    pub fn share_of(&self, name: &str) -> f64 {
        let mix = &self.traffic.mix;
        let total: f64 = mix.iter().map(|m| m.weight).sum();
        let mine: f64 = mix
            .iter()
            .filter(|m| m.service == name)
            .map(|m| m.weight)
            .sum();
        if total > 0.0 {
            mine / total
        } else {
            0.0
        }
    }
}

impl Service {
    pub fn min(&self) -> u32 {
        self.min_instances.unwrap_or(self.instances)
    }
    pub fn max(&self) -> u32 {
        self.max_instances.unwrap_or(self.instances)
    }
}
