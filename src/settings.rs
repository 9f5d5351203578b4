//! The catalogue of every setting a person can change, in the lecture's
//! words: one entry per setting, with the scenario path it edits, how to
//! read its current value, its range or choices, and one sentence of help.
//! The controls panel, the embed mode's `&controls=` list and the short
//! names in shareable URLs all come from here, so they cannot disagree.

use crate::view::slider::Range;
use sahara_sim::scenario::{Payload, PayloadName, RequestKind, Scenario, Service};

/// Where a setting appears in the controls panel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Group {
    Load,
    Network,
    Service,
    Failures,
    Retries,
    Idempotency,
    Balancer,
    Scaling,
    Database,
}

impl Group {
    pub const ALL: [Group; 9] = [
        Group::Load,
        Group::Network,
        Group::Retries,
        Group::Idempotency,
        Group::Service,
        Group::Failures,
        Group::Balancer,
        Group::Scaling,
        Group::Database,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Load => "Load",
            Group::Network => "Network (Fallacies 1–3)",
            Group::Service => "Service",
            Group::Failures => "Failures",
            Group::Retries => "Client retries",
            Group::Idempotency => "Idempotency tokens",
            Group::Balancer => "Load balancer and health checks",
            Group::Scaling => "Auto-scaling group",
            Group::Database => "Database",
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

/// What kind of control a setting is, and how to read its current value
/// (given the scenario and the chosen service's name).
#[derive(Clone, Copy)]
pub enum Kind {
    Number {
        range: Range,
        read: fn(&Scenario, &str) -> f64,
    },
    Choice {
        options: &'static [(&'static str, &'static str)],
        read: fn(&Scenario, &str) -> &'static str,
    },
    Toggle {
        read: fn(&Scenario, &str) -> bool,
    },
}

#[derive(Clone, Copy)]
pub struct Setting {
    /// Short name: the control's id, its name in URLs and in `&controls=`.
    pub id: &'static str,
    pub group: Group,
    pub label: &'static str,
    pub unit: &'static str,
    /// The scenario path it sets; `{service}` stands for the chosen service.
    pub path: &'static str,
    pub kind: Kind,
    pub help: &'static str,
}

impl Setting {
    /// The scenario path for the chosen service.
    pub fn path_for(&self, service: &str) -> String {
        self.path.replace("{service}", service)
    }
}

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

fn service<'a>(s: &'a Scenario, name: &str) -> Option<&'a Service> {
    s.services.iter().find(|x| x.name == name)
}

/// Reads a number off the named service (0 if there is none).
fn svc(s: &Scenario, name: &str, f: fn(&Service) -> f64) -> f64 {
    service(s, name).map_or(0.0, f)
}

const BALANCERS: &[(&str, &str)] = &[
    ("round_robin", "round robin"),
    ("random", "random"),
    ("least_outstanding", "least outstanding requests"),
    ("power_of_two", "power of two choices"),
    (
        "none",
        "none: every client uses one instance's fixed address",
    ),
];

pub const SETTINGS: &[Setting] = &[
    // Load
    Setting {
        id: "rate",
        group: Group::Load,
        label: "Request rate",
        unit: "req/s",
        path: "traffic.rate_rps",
        kind: Kind::Number { range: Range::log(1.0, 20_000.0, 1.0), read: |s, _| s.traffic.rate_rps },
        help: "Open-loop arrivals: new requests per second from all clients, before the load shape.",
    },
    // Network
    Setting {
        id: "request_loss",
        group: Group::Network,
        label: "Request loss (Failure 1)",
        unit: "",
        path: "network.client_to_lb.request_loss",
        kind: Kind::Number { range: Range::linear(0.0, 1.0, 0.01), read: |s, _| s.network.client_to_lb.request_loss },
        help: "Probability a request is lost on the internet on its way to the service.",
    },
    Setting {
        id: "response_loss",
        group: Group::Network,
        label: "Response loss (Failure 2)",
        unit: "",
        path: "network.client_to_lb.response_loss",
        kind: Kind::Number { range: Range::linear(0.0, 1.0, 0.01), read: |s, _| s.network.client_to_lb.response_loss },
        help: "Probability a response is lost on its way back: the work was done, the client never hears.",
    },
    Setting {
        id: "latency",
        group: Group::Network,
        label: "Internet latency (one way)",
        unit: "ms",
        path: "network.client_to_lb.latency",
        kind: Kind::Number { range: Range::log(0.1, 2000.0, 0.001), read: |s, _| s.network.client_to_lb.latency.ms() },
        help: "Latency is not zero: one-way delay between the clients and Sahara's data centre.",
    },
    Setting {
        id: "bandwidth",
        group: Group::Network,
        label: "Internet bandwidth (0 = unlimited)",
        unit: "Mbit/s",
        path: "network.client_to_lb.bandwidth_mbps",
        kind: Kind::Number { range: Range::linear(0.0, 1000.0, 1.0), read: |s, _| s.network.client_to_lb.bandwidth_mbps },
        help: "Bandwidth is not infinite: messages share this capacity; big payloads take longer.",
    },
    Setting {
        id: "payload",
        group: Group::Network,
        label: "A browse request carries",
        unit: "",
        path: "traffic.mix.browse.payload",
        kind: Kind::Choice {
            options: &[("id", "an id (100 B)"), ("composite", "the whole record (20 kB)")],
            read: |s, _| {
                let browse = s.traffic.mix.iter().find(|m| m.kind == RequestKind::Browse);
                match browse.map(|m| m.payload) {
                    Some(Payload::Named(PayloadName::Composite)) => "composite",
                    Some(Payload::Named(PayloadName::Id)) => "id",
                    _ => "",
                }
            },
        },
        help: "Stamp coupling: a whole composite record instead of its id costs bandwidth and time on every hop.",
    },
    // Client retries
    Setting {
        id: "timeout",
        group: Group::Retries,
        label: "Per-attempt timeout",
        unit: "ms",
        path: "client.timeout_ms",
        kind: Kind::Number { range: Range::log(10.0, 60_000.0, 1.0), read: |s, _| s.client.timeout_ms },
        help: "How long a client waits for a response: the only way it can notice a lost request or response.",
    },
    Setting {
        id: "attempts",
        group: Group::Retries,
        label: "Attempts per request (1 = no retries)",
        unit: "",
        path: "client.max_attempts",
        kind: Kind::Number { range: Range::linear(1.0, 10.0, 1.0), read: |s, _| s.client.max_attempts as f64 },
        help: "The lecture's answer to Failure 1: resend. How many times a client tries in all.",
    },
    Setting {
        id: "backoff",
        group: Group::Retries,
        label: "Backoff",
        unit: "",
        path: "client.retry.backoff",
        kind: Kind::Choice {
            options: &[("none", "none: resend at once"), ("constant", "constant"), ("exponential", "exponential: base × 2^retry")],
            read: |s, _| match s.client.retry.backoff {
                sahara_sim::scenario::Backoff::None => "none",
                sahara_sim::scenario::Backoff::Constant => "constant",
                sahara_sim::scenario::Backoff::Exponential => "exponential",
            },
        },
        help: "How long a client waits before resending, so a recovering service is not crushed.",
    },
    Setting {
        id: "base",
        group: Group::Retries,
        label: "Backoff base",
        unit: "ms",
        path: "client.retry.base_ms",
        kind: Kind::Number { range: Range::log(1.0, 10_000.0, 1.0), read: |s, _| s.client.retry.base_ms },
        help: "The constant wait, or the first exponential one.",
    },
    Setting {
        id: "cap",
        group: Group::Retries,
        label: "Backoff cap",
        unit: "ms",
        path: "client.retry.cap_ms",
        kind: Kind::Number { range: Range::log(10.0, 120_000.0, 1.0), read: |s, _| s.client.retry.cap_ms },
        help: "The longest a backoff grows to.",
    },
    Setting {
        id: "jitter",
        group: Group::Retries,
        label: "Jitter",
        unit: "",
        path: "client.retry.jitter",
        kind: Kind::Choice {
            options: &[
                ("none", "none"),
                ("full", "full: uniform(0, backoff)"),
                ("equal", "equal: half fixed, half random"),
                ("decorrelated", "decorrelated"),
            ],
            read: |s, _| match s.client.retry.jitter {
                sahara_sim::scenario::Jitter::None => "none",
                sahara_sim::scenario::Jitter::Full => "full",
                sahara_sim::scenario::Jitter::Equal => "equal",
                sahara_sim::scenario::Jitter::Decorrelated => "decorrelated",
            },
        },
        help: "Randomness in the wait, so clients that failed together do not all retry together.",
    },
    Setting {
        id: "budget",
        group: Group::Retries,
        label: "Retry budget (0 = none)",
        unit: "of first attempts",
        path: "client.retry.budget_ratio",
        kind: Kind::Number { range: Range::linear(0.0, 1.0, 0.01), read: |s, _| s.client.retry.budget_ratio },
        help: "Retries are allowed only while they stay under this fraction of first attempts.",
    },
    // Idempotency
    Setting {
        id: "idempotency",
        group: Group::Idempotency,
        label: "Tokens",
        unit: "",
        path: "client.idempotency",
        kind: Kind::Choice {
            options: &[
                ("off", "off: a resent checkout charges twice"),
                ("per_instance", "per instance (in memory)"),
                ("shared", "shared (in the database)"),
            ],
            read: |s, _| s.client.idempotency.as_str(),
        },
        help: "Every attempt of a request carries the same token; a service that has seen it answers without doing the work again.",
    },
    // Service
    Setting {
        id: "workers",
        group: Group::Service,
        label: "Workers per instance",
        unit: "",
        path: "services.{service}.workers",
        kind: Kind::Number { range: Range::linear(1.0, 64.0, 1.0), read: |s, n| svc(s, n, |x| x.workers as f64) },
        help: "Requests one instance works on at once; more wait in its queue.",
    },
    Setting {
        id: "service_time",
        group: Group::Service,
        label: "Mean service time",
        unit: "ms",
        path: "services.{service}.service_time.mean_ms",
        kind: Kind::Number { range: Range::log(0.1, 5000.0, 0.1), read: |s, n| svc(s, n, |x| x.service_time.mean_ms()) },
        help: "How long one request keeps a worker busy, on average.",
    },
    // Failures
    Setting {
        id: "mtbf",
        group: Group::Failures,
        label: "Mean time between crashes (0 = never)",
        unit: "s",
        path: "services.{service}.mtbf_s",
        kind: Kind::Number { range: Range::linear(0.0, 3600.0, 1.0), read: |s, n| svc(s, n, |x| x.mtbf_s) },
        help: "Each instance of the service crashes at random, on average this often.",
    },
    Setting {
        id: "mttr",
        group: Group::Failures,
        label: "Mean time to repair",
        unit: "s",
        path: "services.{service}.mttr_s",
        kind: Kind::Number { range: Range::linear(1.0, 600.0, 1.0), read: |s, n| svc(s, n, |x| x.mttr_s) },
        help: "How long a crashed instance takes to come back, on average (when nothing replaces it).",
    },
    // Load balancer
    Setting {
        id: "balancer",
        group: Group::Balancer,
        label: "Algorithm",
        unit: "",
        path: "services.{service}.balancer",
        kind: Kind::Choice { options: BALANCERS, read: |s, n| service(s, n).map_or("", |x| x.balancer.as_str()) },
        help: "How the load balancer spreads requests over the instances it considers healthy.",
    },
    Setting {
        id: "health_checks",
        group: Group::Balancer,
        label: "Health checks",
        unit: "",
        path: "services.{service}.health_check.enabled",
        kind: Kind::Toggle { read: |s, n| service(s, n).is_some_and(|x| x.health_check.enabled) },
        help: "The load balancer probes each instance and stops routing to one that fails.",
    },
    Setting {
        id: "hc_interval",
        group: Group::Balancer,
        label: "Health-check interval",
        unit: "s",
        path: "services.{service}.health_check.interval_s",
        kind: Kind::Number { range: Range::linear(1.0, 300.0, 1.0), read: |s, n| svc(s, n, |x| x.health_check.interval_s) },
        help: "How often each instance is probed.",
    },
    Setting {
        id: "hc_unhealthy",
        group: Group::Balancer,
        label: "Unhealthy after failed checks",
        unit: "",
        path: "services.{service}.health_check.unhealthy_threshold",
        kind: Kind::Number {
            range: Range::linear(1.0, 10.0, 1.0),
            read: |s, n| svc(s, n, |x| x.health_check.unhealthy_threshold as f64),
        },
        help: "Consecutive failed probes that take an instance out of service.",
    },
    Setting {
        id: "hc_healthy",
        group: Group::Balancer,
        label: "Healthy after passed checks",
        unit: "",
        path: "services.{service}.health_check.healthy_threshold",
        kind: Kind::Number {
            range: Range::linear(1.0, 10.0, 1.0),
            read: |s, n| svc(s, n, |x| x.health_check.healthy_threshold as f64),
        },
        help: "Consecutive passed probes that put an instance back in service.",
    },
    Setting {
        id: "draining",
        group: Group::Balancer,
        label: "Deregistration delay (draining)",
        unit: "s",
        path: "services.{service}.health_check.deregistration_delay_s",
        kind: Kind::Number {
            range: Range::linear(0.0, 600.0, 1.0),
            read: |s, n| svc(s, n, |x| x.health_check.deregistration_delay_s),
        },
        help: "How long an instance being removed may finish its in-flight work.",
    },
    // Auto-scaling
    Setting {
        id: "desired",
        group: Group::Scaling,
        label: "Desired capacity",
        unit: "instances",
        path: "services.{service}.instances",
        kind: Kind::Number { range: Range::linear(0.0, 60.0, 1.0), read: |s, n| svc(s, n, |x| x.instances as f64) },
        help: "How many healthy instances we want the group to have.",
    },
    Setting {
        id: "min",
        group: Group::Scaling,
        label: "Minimum capacity",
        unit: "instances",
        path: "services.{service}.min_instances",
        kind: Kind::Number { range: Range::linear(0.0, 60.0, 1.0), read: |s, n| svc(s, n, |x| x.min() as f64) },
        help: "Hard lower limit of the group.",
    },
    Setting {
        id: "max",
        group: Group::Scaling,
        label: "Maximum capacity",
        unit: "instances",
        path: "services.{service}.max_instances",
        kind: Kind::Number { range: Range::linear(0.0, 60.0, 1.0), read: |s, n| svc(s, n, |x| x.max() as f64) },
        help: "Hard upper limit of the group.",
    },
    Setting {
        id: "policy",
        group: Group::Scaling,
        label: "Scaling policy",
        unit: "",
        path: "services.{service}.scaling.policy",
        kind: Kind::Choice {
            options: &[
                ("none", "none: desired is what you set"),
                ("target_tracking", "target tracking"),
                ("step", "step scaling"),
                ("simple", "simple scaling with cooldown"),
            ],
            read: |s, n| service(s, n).map_or("", |x| x.scaling.policy.as_str()),
        },
        help: "How the group decides its desired capacity.",
    },
    Setting {
        id: "target",
        group: Group::Scaling,
        label: "Target (CPU % or req/s per instance)",
        unit: "",
        path: "services.{service}.scaling.target",
        kind: Kind::Number { range: Range::linear(1.0, 1000.0, 1.0), read: |s, n| svc(s, n, |x| x.scaling.target) },
        help: "Target tracking keeps the metric near this value.",
    },
    Setting {
        id: "period",
        group: Group::Scaling,
        label: "Metric period",
        unit: "s",
        path: "services.{service}.scaling.period_s",
        kind: Kind::Number { range: Range::linear(1.0, 300.0, 1.0), read: |s, n| svc(s, n, |x| x.scaling.period_s) },
        help: "The metric is averaged over this window and the policy evaluated at its end.",
    },
    Setting {
        id: "cooldown",
        group: Group::Scaling,
        label: "Cooldown",
        unit: "s",
        path: "services.{service}.scaling.cooldown_s",
        kind: Kind::Number { range: Range::linear(0.0, 900.0, 1.0), read: |s, n| svc(s, n, |x| x.scaling.cooldown_s) },
        help: "How long the group waits after a change before the next one (before scaling in).",
    },
    Setting {
        id: "warmup",
        group: Group::Scaling,
        label: "Warm-up",
        unit: "s",
        path: "services.{service}.scaling.warmup_s",
        kind: Kind::Number { range: Range::linear(0.0, 900.0, 1.0), read: |s, n| svc(s, n, |x| x.scaling.warmup_s) },
        help: "A new instance's metrics are left out for this long.",
    },
    Setting {
        id: "health_type",
        group: Group::Scaling,
        label: "Replace instances that are",
        unit: "",
        path: "services.{service}.scaling.health_check_type",
        kind: Kind::Choice {
            options: &[
                ("none", "never replaced (repaired in place)"),
                ("ec2", "crashed (instance status)"),
                ("elb", "crashed or failing health checks"),
            ],
            read: |s, n| match service(s, n).map(|x| x.scaling.health_check_type) {
                Some(sahara_sim::scenario::HealthCheckType::Ec2) => "ec2",
                Some(sahara_sim::scenario::HealthCheckType::Elb) => "elb",
                _ => "none",
            },
        },
        help: "What makes the group terminate an instance and launch a replacement.",
    },
    Setting {
        id: "grace",
        group: Group::Scaling,
        label: "Health-check grace period",
        unit: "s",
        path: "services.{service}.scaling.grace_s",
        kind: Kind::Number { range: Range::linear(0.0, 900.0, 1.0), read: |s, n| svc(s, n, |x| x.scaling.grace_s) },
        help: "Health is ignored for this long after an instance launches.",
    },
    Setting {
        id: "boot",
        group: Group::Scaling,
        label: "Boot time",
        unit: "s",
        path: "services.{service}.boot_s",
        kind: Kind::Number { range: Range::linear(0.0, 600.0, 1.0), read: |s, n| svc(s, n, |x| x.boot_s) },
        help: "Time from launch to in service: why auto-scaling always lags a flash sale.",
    },
    // Database
    Setting {
        id: "db_connections",
        group: Group::Database,
        label: "Connections (capacity)",
        unit: "",
        path: "database.connections",
        kind: Kind::Number { range: Range::linear(1.0, 500.0, 1.0), read: |s, _| s.database.connections as f64 },
        help: "Queries the shared database runs at once; the rest wait.",
    },
    Setting {
        id: "db_time",
        group: Group::Database,
        label: "Mean query time",
        unit: "ms",
        path: "database.service_time.mean_ms",
        kind: Kind::Number { range: Range::log(0.1, 1000.0, 0.1), read: |s, _| s.database.service_time.mean_ms() },
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
            if !a.group.per_service() {
                assert_eq!(short_name(a.path), Some(a.id));
            }
        }
    }

    /// Every setting's path exists in the scenario and takes the value it
    /// reads: a renamed field in the core fails here, not in a lecture.
    #[test]
    fn every_setting_sets_what_it_reads() {
        let base = sahara_sim::presets::get("baseline").expect("baseline preset");
        let service = base.services[0].name.clone();
        for s in SETTINGS {
            let mut scenario = base.clone();
            let path = s.path_for(&service);
            let value = match s.kind {
                Kind::Number { read, .. } => crate::view::slider::fmt(read(&scenario, &service)),
                Kind::Choice { options, read } => {
                    assert!(
                        options.iter().any(|o| o.0 == read(&scenario, &service)),
                        "{}: current value is a choice",
                        s.id
                    );
                    options[options.len() - 1].0.to_string()
                }
                Kind::Toggle { read } => (!read(&scenario, &service)).to_string(),
            };
            scenario
                .set(&path, &value)
                .unwrap_or_else(|e| panic!("{}: {path}={value}: {e}", s.id));
            if let Kind::Choice { read, .. } = s.kind {
                assert_eq!(read(&scenario, &service), value, "{} reads back", s.id);
            }
            if let Kind::Toggle { read } = s.kind {
                assert_eq!(
                    read(&scenario, &service).to_string(),
                    value,
                    "{} reads back",
                    s.id
                );
            }
        }
    }
}
