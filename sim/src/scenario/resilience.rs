//! The scenario's resilience and elasticity settings (issue 4): the client's
//! retry policy and idempotency tokens, each service's load-balancer health
//! checks and its auto-scaling group. Defaults follow the real systems the
//! students will meet (AWS SDK retries, Stripe-style idempotency keys, ALB
//! target groups, EC2 Auto Scaling); everything is off until switched on
//! (`client.max_attempts = 1`, `idempotency = "off"`, `health_check.enabled
//! = false`, `scaling.policy = "none"`, `scaling.health_check_type = "none"`),
//! so a scenario from issue 3 runs exactly as before.

use serde::{Deserialize, Serialize};

/// When and how the client resends a failed attempt.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Retry an attempt whose response did not come in time (or a 504).
    #[serde(default = "yes")]
    pub on_timeout: bool,
    /// Retry a 503 (full queue, no target) or a 409 (idempotency conflict).
    #[serde(default = "yes")]
    pub on_503: bool,
    /// Retry a 502 (the connection broke or was refused).
    #[serde(default = "yes")]
    pub on_connection_error: bool,
    #[serde(default)]
    pub backoff: Backoff,
    /// The backoff's base: the constant wait, or the first exponential one.
    #[serde(default = "base_ms")]
    pub base_ms: f64,
    /// The longest wait exponential and decorrelated backoff reach.
    #[serde(default = "cap_ms")]
    pub cap_ms: f64,
    #[serde(default)]
    pub jitter: Jitter,
    /// Retry budget as a token bucket: every first attempt adds this many
    /// tokens, every retry takes one, and a retry without a token is not
    /// sent, so retries stay under this fraction of first attempts. 0 = no
    /// budget.
    #[serde(default)]
    pub budget_ratio: f64,
    /// Size of the budget's bucket (it starts full).
    #[serde(default = "budget_burst")]
    pub budget_burst: f64,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            on_timeout: true,
            on_503: true,
            on_connection_error: true,
            backoff: Backoff::default(),
            base_ms: base_ms(),
            cap_ms: cap_ms(),
            jitter: Jitter::default(),
            budget_ratio: 0.0,
            budget_burst: budget_burst(),
        }
    }
}

/// The wait before a retry, before jitter.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
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

/// Randomness added to the backoff so clients that failed together do not
/// retry together.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
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

/// Where a service records the idempotency tokens it has executed.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
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
    pub fn as_str(self) -> &'static str {
        match self {
            Idempotency::Off => "off",
            Idempotency::PerInstance => "per_instance",
            Idempotency::Shared => "shared",
        }
    }
}

/// A service's load-balancer target group: active health checks and
/// connection draining. Defaults are AWS ALB's.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// Probe the targets; without, only refused connections are noticed.
    #[serde(default)]
    pub enabled: bool,
    #[serde(default = "interval_s")]
    pub interval_s: f64,
    /// A probe not answered within this fails.
    #[serde(default = "probe_timeout_s")]
    pub timeout_s: f64,
    /// Consecutive failures that take a target out of service.
    #[serde(default = "unhealthy_threshold")]
    pub unhealthy_threshold: u32,
    /// Consecutive successes that put it back.
    #[serde(default = "healthy_threshold")]
    pub healthy_threshold: u32,
    /// How long a target being removed may finish its in-flight work
    /// (connection draining) before it is stopped anyway.
    #[serde(default = "deregistration_delay_s")]
    pub deregistration_delay_s: f64,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            enabled: false,
            interval_s: interval_s(),
            timeout_s: probe_timeout_s(),
            unhealthy_threshold: unhealthy_threshold(),
            healthy_threshold: healthy_threshold(),
            deregistration_delay_s: deregistration_delay_s(),
        }
    }
}

/// How a service's auto-scaling group sets its desired capacity and
/// replaces what broke. Minimum, desired and maximum are the service's
/// `min_instances`, `instances` and `max_instances`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub metric: Metric,
    /// Target tracking's target: CPU percent or requests/s per target.
    #[serde(default = "target")]
    pub target: f64,
    /// Step and simple scaling: thresholds on the metric and adjustments.
    /// By default the example (CPU > 70% → +1, > 90% → +3, < 30% →
    /// −1), so switching the policy to step or simple works at once.
    #[serde(default = "steps")]
    pub steps: Vec<Step>,
    /// The metric is averaged over this window, and policies evaluated at
    /// its end.
    #[serde(default = "period_s")]
    pub period_s: f64,
    /// A new instance's metrics are left out for this long after it comes
    /// into service (it is still warming caches and JIT).
    #[serde(default = "warmup_s")]
    pub warmup_s: f64,
    /// Simple scaling waits this long after each change; target tracking
    /// waits this long after any change before it scales in.
    #[serde(default = "cooldown_s")]
    pub cooldown_s: f64,
    /// What makes the group replace an instance.
    #[serde(default)]
    pub health_check_type: HealthCheckType,
    /// Health is ignored for this long after launch.
    #[serde(default = "grace_s")]
    pub grace_s: f64,
}

impl Default for Scaling {
    fn default() -> Self {
        Scaling {
            policy: Policy::None,
            metric: Metric::Cpu,
            target: target(),
            steps: steps(),
            period_s: period_s(),
            warmup_s: warmup_s(),
            cooldown_s: cooldown_s(),
            health_check_type: HealthCheckType::None,
            grace_s: grace_s(),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Desired capacity is what the user sets.
    #[default]
    None,
    /// desired = ceil(measured instances × metric / target): out promptly;
    /// in after the cooldown, not while instances warm up, and only as far
    /// as keeps the metric under 90% of the target.
    TargetTracking,
    /// The step whose threshold the metric crosses, every period (not while
    /// new instances warm up).
    Step,
    /// The step whose threshold the metric crosses, then a cooldown.
    Simple,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::None => "none",
            Policy::TargetTracking => "target_tracking",
            Policy::Step => "step",
            Policy::Simple => "simple",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Average CPU utilisation of the measured instances, in percent.
    #[default]
    Cpu,
    /// Requests per second routed to each measured target.
    RequestsPerTarget,
}

/// `{ above = 70, change = 1 }` or `{ below = 30, change = -1 }`: when the
/// metric is above (below) the threshold, change desired capacity by
/// `change`. Of several matching steps the most extreme threshold wins.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    pub change: i32,
}

/// What the group counts as an instance to replace.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum HealthCheckType {
    /// Nothing is replaced; crashed instances are repaired (issue 3's fixed
    /// group with a mean time to repair).
    #[default]
    None,
    /// Instance status: a crashed instance is replaced, a hung one is not
    /// (it still runs).
    Ec2,
    /// Also what the load balancer marks unhealthy, so a hung instance is
    /// replaced once its health checks fail.
    Elb,
}

fn yes() -> bool {
    true
}
fn base_ms() -> f64 {
    100.0
}
fn cap_ms() -> f64 {
    20_000.0
}
fn budget_burst() -> f64 {
    10.0
}
fn interval_s() -> f64 {
    30.0
}
fn probe_timeout_s() -> f64 {
    5.0
}
fn unhealthy_threshold() -> u32 {
    2
}
fn healthy_threshold() -> u32 {
    5
}
fn deregistration_delay_s() -> f64 {
    300.0
}
fn target() -> f64 {
    50.0
}
fn steps() -> Vec<Step> {
    let step = |above, below, change| Step {
        above,
        below,
        change,
    };
    vec![
        step(Some(70.0), None, 1),
        step(Some(90.0), None, 3),
        step(None, Some(30.0), -1),
    ]
}
fn period_s() -> f64 {
    60.0
}
fn warmup_s() -> f64 {
    300.0
}
fn cooldown_s() -> f64 {
    300.0
}
fn grace_s() -> f64 {
    300.0
}
pub(super) fn retention_s() -> f64 {
    24.0 * 3600.0
}
