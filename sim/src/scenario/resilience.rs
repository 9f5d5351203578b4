//! The scenario's resilience and elasticity settings: the client's retry
//! policy and idempotency tokens, each service's load-balancer health checks
//! and its auto-scaling group. Defaults follow the real systems the
//! students will meet (AWS SDK retries, Stripe-style idempotency keys, ALB
//! target groups, EC2 Auto Scaling); everything is off until switched on
//! (`client.max_attempts = 1`, `idempotency = "off"`, `health_check.enabled
//! = false`, `scaling.policy = "none"`, `scaling.health_check_type = "none"`),
//! so a scenario that does not mention them runs a fixed group that is
//! repaired in place and clients that try once. Each struct's `Default` is
//! the one place its defaults are written; a field left out of a table takes
//! its value from there.

use serde::{Deserialize, Serialize};

/// When and how the client resends a failed attempt.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Retry {
    /// Retry an attempt whose response did not come in time (or a 504).
    pub on_timeout: bool,
    /// Retry a 503 (full queue, no target) or a 409 (idempotency conflict).
    pub on_503: bool,
    /// Retry a 502 (the connection broke or was refused).
    pub on_connection_error: bool,
    pub backoff: Backoff,
    /// The backoff's base: the constant wait, or the first exponential one.
    pub base_ms: f64,
    /// The longest wait exponential and decorrelated backoff reach.
    pub cap_ms: f64,
    pub jitter: Jitter,
    /// Which real client's rule limits retries across requests, each per
    /// service: none, gRPC's retry throttling, Envoy's retry budget or
    /// Finagle's `RetryBudget`. A refused retry fails the request at once.
    pub throttle: Throttle,
    /// The settings of each throttle; only the chosen one's apply.
    pub grpc: GrpcThrottling,
    pub envoy: EnvoyRetryBudget,
    pub finagle: FinagleRetryBudget,
}

/// Every failure a client could resend is resent (once `max_attempts`
/// allows it), after an exponential backoff from 100 ms up to 20 s, without
/// jitter and without a throttle.
impl Default for Retry {
    // Kept out of line: serde builds a default for every client and retry
    // table it reads, and one copy instead of one in each of them keeps the
    // browser build about 0.4 KB (gzipped) smaller.
    #[inline(never)]
    fn default() -> Self {
        Retry {
            on_timeout: true,
            on_503: true,
            on_connection_error: true,
            backoff: Backoff::Exponential,
            base_ms: 100.0,
            cap_ms: 20_000.0,
            jitter: Jitter::None,
            throttle: Throttle::None,
            grpc: GrpcThrottling::default(),
            envoy: EnvoyRetryBudget::default(),
            finagle: FinagleRetryBudget::default(),
        }
    }
}

/// The rule that limits retries across a client's requests to one service.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Throttle {
    /// Every retry the policy allows is sent.
    #[default]
    None,
    /// gRPC retry throttling (gRFC A6 `retryThrottling`).
    Grpc,
    /// Envoy's retry budget (`circuit_breakers.thresholds.retry_budget`).
    Envoy,
    /// Finagle's `RetryBudget`.
    Finagle,
}

impl Throttle {
    pub const ALL: [Throttle; 4] = [
        Throttle::None,
        Throttle::Grpc,
        Throttle::Envoy,
        Throttle::Finagle,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Throttle::None => "none",
            Throttle::Grpc => "grpc",
            Throttle::Envoy => "envoy",
            Throttle::Finagle => "finagle",
        }
    }

    /// The throttle and its rule, in words, for the event log.
    pub const fn rule(self) -> &'static str {
        match self {
            Throttle::None => "no throttle",
            Throttle::Grpc => "gRPC retry throttling (retry only while tokens > max_tokens / 2)",
            Throttle::Envoy => {
                "Envoy's retry budget (retries in flight < max(budget_percent of active requests, min_retry_concurrency))"
            }
            Throttle::Finagle => {
                "Finagle's RetryBudget (retries per ttl ≤ percent_can_retry × requests + min_retries_per_sec × ttl)"
            }
        }
    }
}

/// gRPC retry throttling (gRFC A6): per service a token count that starts
/// at `max_tokens` and stays in [0, `max_tokens`]; every failed attempt the
/// policy would retry takes 1, every success adds `token_ratio`, and a
/// retry is allowed only while the count is above `max_tokens / 2`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct GrpcThrottling {
    /// 0 < `max_tokens` ≤ 1000 (gRFC A6).
    pub max_tokens: f64,
    /// > 0; gRPC keeps three decimals.
    pub token_ratio: f64,
}

/// gRPC requires both values in the service config and has no defaults:
/// these are the gRFC's own example (10 tokens, 0.1 per success), so about
/// one retry per ten successes once half the tokens are gone.
impl Default for GrpcThrottling {
    fn default() -> Self {
        GrpcThrottling {
            max_tokens: 10.0,
            token_ratio: 0.1,
        }
    }
}

/// Envoy's retry budget: a retry is allowed while the retries in flight to
/// the service (granted and not yet answered) are fewer than
/// `max(budget_percent % × (active + pending requests), min_retry_concurrency)`.
/// It bounds retries at once, not over time.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct EnvoyRetryBudget {
    /// 0–100 %; Envoy's default 20.
    pub budget_percent: f64,
    /// Envoy's default 3.
    pub min_retry_concurrency: u32,
}

impl Default for EnvoyRetryBudget {
    fn default() -> Self {
        EnvoyRetryBudget {
            budget_percent: 20.0,
            min_retry_concurrency: 3,
        }
    }
}

/// Finagle's `RetryBudget`: every request deposits, every retry withdraws,
/// and both expire after `ttl_s`, so over any `ttl_s` window retries stay
/// within `percent_can_retry` × requests + `min_retries_per_sec` × `ttl_s`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct FinagleRetryBudget {
    /// Retries per request, 0–1000; Finagle's default 0.2.
    pub percent_can_retry: f64,
    /// Whole seconds, 1–60; Finagle's default 10.
    pub ttl_s: u32,
    /// Retries allowed on top, per second of `ttl_s`; Finagle's default 10.
    pub min_retries_per_sec: u32,
}

impl Default for FinagleRetryBudget {
    fn default() -> Self {
        FinagleRetryBudget {
            percent_can_retry: 0.2,
            ttl_s: 10,
            min_retries_per_sec: 10,
        }
    }
}

/// The wait before a retry, before jitter.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Backoff {
    /// Resend at once.
    None,
    /// Always `base_ms`.
    Constant,
    /// `min(cap, base × 2^attempt)`, attempt 0 being the first retry (the
    /// lecture's `wait(2 ** retries)`).
    #[default]
    Exponential,
}

impl Backoff {
    pub const ALL: [Backoff; 3] = [Backoff::None, Backoff::Constant, Backoff::Exponential];
    pub const fn as_str(self) -> &'static str {
        match self {
            Backoff::None => "none",
            Backoff::Constant => "constant",
            Backoff::Exponential => "exponential",
        }
    }
}

/// Randomness added to the backoff so clients that failed together do not
/// retry together.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Jitter {
    #[default]
    None,
    /// `uniform(0, backoff)`.
    Full,
    /// `backoff/2 + uniform(0, backoff/2)`.
    Equal,
    /// `min(cap, uniform(base, previous × 3))`.
    Decorrelated,
}

impl Jitter {
    pub const ALL: [Jitter; 4] = [
        Jitter::None,
        Jitter::Full,
        Jitter::Equal,
        Jitter::Decorrelated,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
        }
    }
}

/// Where a service records the idempotency tokens it has executed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Idempotency {
    /// No tokens: a resent `add_to_cart` or `checkout` executes again.
    #[default]
    Off,
    /// In each instance's memory: a retry routed to another instance, or
    /// arriving after the instance restarted, executes again.
    PerInstance,
    /// In the shared database: correct, at the price of a database query
    /// per mutating request.
    Shared,
}

impl Idempotency {
    pub const ALL: [Idempotency; 3] = [
        Idempotency::Off,
        Idempotency::PerInstance,
        Idempotency::Shared,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Idempotency::Off => "off",
            Idempotency::PerInstance => "per_instance",
            Idempotency::Shared => "shared",
        }
    }
}

/// A service's load-balancer target group: active health checks and
/// connection draining.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct HealthCheck {
    /// Probe the targets; without, nothing is ever taken out of service.
    pub enabled: bool,
    pub interval_s: f64,
    /// A probe not answered within this fails.
    pub timeout_s: f64,
    /// Consecutive failures that take a target out of service.
    pub unhealthy_threshold: u32,
    /// Consecutive successes that put it back.
    pub healthy_threshold: u32,
    /// How long a target being removed may finish its in-flight work
    /// (connection draining) before it is stopped anyway.
    pub deregistration_delay_s: f64,
}

/// Off; once enabled, AWS ALB's defaults for a target group.
impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            enabled: false,
            interval_s: 30.0,
            timeout_s: 5.0,
            unhealthy_threshold: 2,
            healthy_threshold: 5,
            deregistration_delay_s: 300.0,
        }
    }
}

/// Passive outlier detection, as Envoy's `outlier_detection` does it (an
/// Application Load Balancer has none): a target that answers
/// `consecutive_5xx` server errors in a row (refused or timed-out
/// connections included) is ejected for `base_ejection_s` × the number of
/// times it has been ejected (at most `max_ejection_s`, or `base_ejection_s`
/// if longer), but never more than `max_ejection_percent` of the registered
/// targets at once (one may always be ejected).
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct OutlierDetection {
    pub enabled: bool,
    pub consecutive_5xx: u32,
    pub base_ejection_s: f64,
    pub max_ejection_s: f64,
    pub max_ejection_percent: f64,
}

/// Off; once enabled, Envoy's defaults (5 in a row, 30 s, at most 300 s,
/// 10 %).
impl Default for OutlierDetection {
    fn default() -> Self {
        OutlierDetection {
            enabled: false,
            consecutive_5xx: 5,
            base_ejection_s: 30.0,
            max_ejection_s: 300.0,
            max_ejection_percent: 10.0,
        }
    }
}

/// How a service's auto-scaling group sets its desired capacity and
/// replaces what broke. Minimum, desired and maximum are the service's
/// `min_instances`, `instances` and `max_instances`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Scaling {
    pub policy: Policy,
    pub metric: Metric,
    /// Target tracking's target: CPU percent or requests/s per target.
    pub target: f64,
    /// Step and simple scaling: thresholds on the metric and adjustments.
    pub steps: Vec<Step>,
    /// The metric is aggregated into one datapoint per period (CloudWatch:
    /// one minute), and the policy's alarms evaluate at its end.
    pub period_s: f64,
    /// A new instance is left out of the metric, and of current capacity
    /// while scaling out, for this long after it comes into service (it is
    /// still warming caches and JIT).
    pub warmup_s: f64,
    /// Simple scaling waits this long after each change; other policies
    /// have no cooldown.
    pub cooldown_s: f64,
    /// What makes the group replace an instance.
    pub health_check_type: HealthCheckType,
    /// Health is ignored for this long after launch.
    pub grace_s: f64,
}

/// No policy and no replacement; once switched on, EC2 Auto Scaling's
/// figures (50% CPU, one-minute datapoints, five-minute warm-up, cooldown
/// and grace period). The steps are the lecture's example (CPU above 70% → +1,
/// above 90% → +3, below 30% → −1), so switching the policy to step or
/// simple works at once.
impl Default for Scaling {
    fn default() -> Self {
        // Copied from a constant: less code than building each step.
        const STEPS: [Step; 3] = [
            Step {
                above: Some(70.0),
                below: None,
                change: 1,
            },
            Step {
                above: Some(90.0),
                below: None,
                change: 3,
            },
            Step {
                above: None,
                below: Some(30.0),
                change: -1,
            },
        ];
        Scaling {
            policy: Policy::None,
            metric: Metric::Cpu,
            target: 50.0,
            steps: STEPS.to_vec(),
            period_s: 60.0,
            warmup_s: 300.0,
            cooldown_s: 300.0,
            health_check_type: HealthCheckType::None,
            grace_s: 300.0,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Policy {
    /// Desired capacity is what the user sets.
    #[default]
    None,
    /// desired = ceil(current × metric / target): out when 3 datapoints in
    /// a row are above the target (current = warmed-up instances); in when
    /// 15 are below 70% of it, never while instances warm up.
    TargetTracking,
    /// The step whose threshold the latest datapoint crosses, added to the
    /// warmed-up capacity: during warm-up only what a larger step adds.
    Step,
    /// The step whose threshold the latest datapoint crosses, added to
    /// desired capacity, then a cooldown.
    Simple,
}

impl Policy {
    pub const ALL: [Policy; 4] = [
        Policy::None,
        Policy::TargetTracking,
        Policy::Step,
        Policy::Simple,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Policy::None => "none",
            Policy::TargetTracking => "target_tracking",
            Policy::Step => "step",
            Policy::Simple => "simple",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Metric {
    /// Average CPU utilisation of the measured instances, in percent.
    #[default]
    Cpu,
    /// Requests per second routed to each measured target.
    RequestsPerTarget,
}

impl Metric {
    pub const ALL: [Metric; 2] = [Metric::Cpu, Metric::RequestsPerTarget];
    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::RequestsPerTarget => "requests_per_target",
        }
    }
}

/// `{ above = 70, change = 1 }` or `{ below = 30, change = -1 }`: when the
/// metric is above (below) the threshold, change desired capacity by
/// `change`. Of several matching steps the most extreme threshold wins.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    pub change: i32,
}

/// What the group counts as an instance to replace.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum HealthCheckType {
    /// Nothing is replaced; crashed instances are repaired in place, after
    /// the service's mean time to repair (a fixed group).
    #[default]
    None,
    /// EC2 status checks: an instance whose host failed is replaced; a
    /// crashed application process or a hang is not (the host still runs).
    Ec2,
    /// Also what the load balancer's health checks mark unhealthy, so a
    /// crashed process or a hang is replaced once its checks fail.
    Elb,
}

impl HealthCheckType {
    pub const ALL: [HealthCheckType; 3] = [
        HealthCheckType::None,
        HealthCheckType::Ec2,
        HealthCheckType::Elb,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            HealthCheckType::None => "none",
            HealthCheckType::Ec2 => "ec2",
            HealthCheckType::Elb => "elb",
        }
    }
}

/// A circuit breaker at the client, one per service, with Resilience4j's
/// model (`CircuitBreakerConfig`, count-based sliding window). Closed, it
/// records each call's result (a call is an attempt, retries included; a
/// timeout, a 5xx or a connection error is a failure) in a window of the
/// last `sliding_window_size` calls, and opens once at least
/// `minimum_number_of_calls` (at most the window) are recorded and
/// `failure_rate_threshold` percent or more of them failed. Open, it fails
/// every call at once, without sending it, for
/// `wait_duration_in_open_state_s`. The next call after that makes it
/// half-open: `permitted_calls_in_half_open_state` trial calls go through
/// (others fail fast), and when all have answered it opens again if their
/// failure rate reaches the threshold, else it closes with an empty window.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct CircuitBreaker {
    pub enabled: bool,
    /// Percent of failed calls that opens the breaker (≥ opens).
    pub failure_rate_threshold: f64,
    /// Calls in the sliding window (count-based).
    pub sliding_window_size: u32,
    /// Calls recorded before a failure rate is computed.
    pub minimum_number_of_calls: u32,
    pub wait_duration_in_open_state_s: f64,
    pub permitted_calls_in_half_open_state: u32,
}

/// Off; once enabled, Resilience4j's defaults (50 %, 100 calls, at least
/// 100, 60 s open, 10 trial calls).
impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker {
            enabled: false,
            failure_rate_threshold: 50.0,
            sliding_window_size: 100,
            minimum_number_of_calls: 100,
            wait_duration_in_open_state_s: 60.0,
            permitted_calls_in_half_open_state: 10,
        }
    }
}
