//! Validation: every problem at once, each with the path `set` would use and
//! what is allowed. Limits keep a run within what a browser tab can hold.

use super::*;

/// Limits on sizes, so a scenario cannot ask for more than a browser can hold.
pub mod limits {
    pub const MAX_DURATION_S: f64 = 7.0 * 24.0 * 3600.0;
    pub const MAX_RATE_RPS: f64 = 100_000.0;
    pub const MAX_USERS: u32 = 100_000;
    pub const MAX_SERVICES: usize = 16;
    pub const MAX_INSTANCES_PER_SERVICE: u32 = 256;
    pub const MAX_WORKERS: u32 = 1024;
    pub const MAX_QUEUE: u32 = 1_000_000;
    pub const MAX_CONNECTIONS: u32 = 4096;
    pub const MAX_LATENCY_MS: f64 = 60_000.0;
    pub const MAX_TIME_MS: f64 = 24.0 * 3600.0 * 1000.0;
    pub const MAX_PAYLOAD_BYTES: u64 = 100_000_000;
    pub const MAX_BANDWIDTH_MBPS: f64 = 1_000_000.0;
    pub const MAX_FAULTS: usize = 1000;
    /// A slow fault's or slow deploy's service-time multiplier.
    pub const MAX_SLOW_FACTOR: f64 = 1000.0;
    /// A rate limit's bucket: API Gateway's account-level burst is 5000.
    pub const MAX_BURST: u32 = 1_000_000;
    pub const MAX_ATTEMPTS: u32 = 10;
    /// A circuit breaker's window, minimum and trial calls.
    pub const MAX_BREAKER_CALLS: u32 = 10_000;
    pub const MAX_STEPS: usize = 10;
    /// An hour: longer than any setting a group or load balancer takes.
    pub const MAX_GROUP_S: f64 = 3600.0;
    /// An AWS region has at least three availability zones.
    pub const MAX_ZONES: u32 = 3;
    /// Read replicas: RDS allows 15 per MySQL, MariaDB or PostgreSQL
    /// instance (`CreateDBInstanceReadReplica`), Aurora 15 Aurora Replicas
    /// per cluster ("High availability for Amazon Aurora").
    pub const MAX_READ_REPLICAS: u32 = 15;
    /// Retry throttles' floors: more retries at once or per second than a
    /// browser's run could send.
    pub const MAX_RETRY_CONCURRENCY: u32 = 100_000;
    pub const MAX_RETRIES_PER_SEC: u32 = 100_000;
}
use limits::*;

struct Check {
    errors: Vec<ValidationError>,
}

impl Check {
    fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ValidationError {
            path: path.to_string(),
            message: message.into(),
        });
    }
    /// A finite number in [lo, hi].
    fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.fail(path, format!("must be between {lo} and {hi}, got {v}"));
        }
    }
    /// A finite number > 0 and ≤ hi.
    fn positive(&mut self, path: &str, v: f64, hi: f64) {
        if !(v.is_finite() && v > 0.0 && v <= hi) {
            self.fail(
                path,
                format!("must be greater than 0 and at most {hi}, got {v}"),
            );
        }
    }
    fn count(&mut self, path: &str, v: u32, lo: u32, hi: u32) {
        if v < lo || v > hi {
            self.fail(path, format!("must be between {lo} and {hi}, got {v}"));
        }
    }
    fn probability(&mut self, path: &str, v: f64) {
        self.range(path, v, 0.0, 1.0);
    }
}

impl Scenario {
    /// Checks the whole scenario and returns every problem found.
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check { errors: Vec::new() };
        if self.seed > i64::MAX as u64 {
            c.fail("seed", format!("must be at most {}", i64::MAX));
        }
        c.positive("duration_s", self.duration_s, MAX_DURATION_S);
        self.check_traffic(&mut c);
        c.positive("client.timeout_ms", self.client.timeout_ms, MAX_TIME_MS);
        self.check_client(&mut c);
        check_link(&mut c, "network.client_to_lb", &self.network.client_to_lb);
        check_link(
            &mut c,
            "network.lb_to_instance",
            &self.network.lb_to_instance,
        );
        check_link(
            &mut c,
            "network.instance_to_db",
            &self.network.instance_to_db,
        );
        self.check_services(&mut c);
        c.count(
            "database.connections",
            self.database.connections,
            1,
            MAX_CONNECTIONS,
        );
        c.count(
            "database.queue_capacity",
            self.database.queue_capacity,
            0,
            MAX_QUEUE,
        );
        check_service_time(&mut c, "database.service_time", &self.database.service_time);
        c.positive("database.failover_s", self.database.failover_s, MAX_GROUP_S);
        c.count(
            "database.read_replicas",
            self.database.read_replicas,
            0,
            MAX_READ_REPLICAS,
        );
        c.probability("database.contention", self.database.contention);
        c.probability("database.coherency", self.database.coherency);
        c.range("database.mtbf_s", self.database.mtbf_s, 0.0, 1e9);
        c.positive("database.mttr_s", self.database.mttr_s, 1e9);
        for (i, f) in self.faults.iter().enumerate() {
            let names_a_target = f.service.is_some() || f.zone.is_some() || f.instance.is_some();
            if f.kind == FaultKind::DatabaseFailure && names_a_target {
                c.fail(
                    &format!("faults[{i}].kind"),
                    "database_failure names no service, zone or instance",
                );
            }
        }
        self.check_cost(&mut c);
        c.count("zones", self.zones, 1, MAX_ZONES);
        c.range("zone_mtbf_s", self.zone_mtbf_s, 0.0, 1e9);
        c.positive("zone_mttr_s", self.zone_mttr_s, MAX_DURATION_S);
        self.check_faults(&mut c);
        self.check_changes_by_others(&mut c);
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }

    fn check_traffic(&self, c: &mut Check) {
        let t = &self.traffic;
        c.range("traffic.rate_rps", t.rate_rps, 0.0, MAX_RATE_RPS);
        c.count("traffic.users", t.users, 0, MAX_USERS);
        // Positive, so a user whose requests fail instantly cannot spin
        // forever at one instant.
        c.range("traffic.think_time_ms", t.think_time_ms, 1.0, MAX_TIME_MS);
        let d = MAX_DURATION_S;
        match t.shape {
            Shape::Constant => {}
            Shape::Step { at_s, factor } => {
                c.range("traffic.shape.at_s", at_s, 0.0, d);
                c.range("traffic.shape.factor", factor, 0.0, 1000.0);
            }
            Shape::Ramp {
                start_s,
                end_s,
                factor,
            } => {
                c.range("traffic.shape.start_s", start_s, 0.0, d);
                c.range("traffic.shape.end_s", end_s, 0.0, d);
                if end_s < start_s {
                    c.fail("traffic.shape.end_s", "must not be before start_s");
                }
                c.range("traffic.shape.factor", factor, 0.0, 1000.0);
            }
            Shape::Spike {
                at_s,
                duration_s,
                factor,
            } => {
                c.range("traffic.shape.at_s", at_s, 0.0, d);
                c.range("traffic.shape.duration_s", duration_s, 0.0, d);
                c.range("traffic.shape.factor", factor, 0.0, 1000.0);
            }
            Shape::Periodic {
                period_s,
                amplitude,
            } => {
                c.positive("traffic.shape.period_s", period_s, d);
                c.range("traffic.shape.amplitude", amplitude, 0.0, 1.0);
            }
        }
        if t.rate_rps * shape_peak(&t.shape) > MAX_RATE_RPS {
            c.fail(
                "traffic.rate_rps",
                format!("rate × shape factor must stay at most {MAX_RATE_RPS} requests/s"),
            );
        }
        if t.mix.is_empty() {
            c.fail("traffic.mix", "needs at least one request kind");
        }
        let mut total = 0.0;
        for (i, m) in t.mix.iter().enumerate() {
            let path = format!("traffic.mix.{}", m.kind.as_str());
            if t.mix[..i].iter().any(|o| o.kind == m.kind) {
                c.fail(&path, "appears twice; each kind may appear once");
            }
            c.range(&format!("{path}.weight"), m.weight, 0.0, 1e9);
            total += m.weight.max(0.0);
            if self.service_index(&m.service).is_none() {
                c.fail(
                    &format!("{path}.service"),
                    format!("no service is called \"{}\"", m.service),
                );
            }
            for (field, p) in [
                ("payload", m.payload),
                ("response_payload", m.response_payload),
            ] {
                if p.bytes() > MAX_PAYLOAD_BYTES {
                    c.fail(
                        &format!("{path}.{field}"),
                        format!("must be at most {MAX_PAYLOAD_BYTES} bytes"),
                    );
                }
            }
        }
        let weights_ok = total.is_finite() && total > 0.0;
        if !t.mix.is_empty() && !weights_ok {
            c.fail("traffic.mix", "weights must add up to more than 0");
        }
    }

    fn check_services(&self, c: &mut Check) {
        if self.services.is_empty() || self.services.len() > MAX_SERVICES {
            c.fail(
                "services",
                format!("needs between 1 and {MAX_SERVICES} services"),
            );
        }
        for (i, s) in self.services.iter().enumerate() {
            let path = format!("services.{}", s.name);
            if s.name.is_empty()
                || !s
                    .name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
            {
                c.fail(
                    &format!("services[{i}].name"),
                    "must be non-empty letters, digits, '_' or '-'",
                );
            }
            if self.services[..i].iter().any(|o| o.name == s.name) {
                c.fail(&path, "two services have this name");
            }
            let max = MAX_INSTANCES_PER_SERVICE;
            c.count(&format!("{path}.instances"), s.instances, 0, max);
            c.count(&format!("{path}.min_instances"), s.min(), 0, max);
            c.count(&format!("{path}.max_instances"), s.max(), 0, max);
            if s.min() > s.instances {
                c.fail(
                    &format!("{path}.min_instances"),
                    format!("must not exceed instances ({})", s.instances),
                );
            }
            if s.max() < s.instances {
                c.fail(
                    &format!("{path}.max_instances"),
                    format!("must not be below instances ({})", s.instances),
                );
            }
            c.count(&format!("{path}.workers"), s.workers, 1, MAX_WORKERS);
            c.count(
                &format!("{path}.queue_capacity"),
                s.queue_capacity,
                0,
                MAX_QUEUE,
            );
            check_shedding(c, &path, s);
            check_service_time(c, &format!("{path}.service_time"), &s.service_time);
            c.range(
                &format!("{path}.idle_timeout_s"),
                s.idle_timeout_s,
                1.0,
                4000.0,
            );
            c.range(&format!("{path}.boot_s"), s.boot_s, 0.0, 3600.0);
            c.range(&format!("{path}.mtbf_s"), s.mtbf_s, 0.0, 1e9);
            c.positive(&format!("{path}.mttr_s"), s.mttr_s, 1e9);
            check_health(c, &format!("{path}.health_check"), &s.health_check);
            check_outliers(
                c,
                &format!("{path}.outlier_detection"),
                &s.outlier_detection,
            );
            check_scaling(c, &format!("{path}.scaling"), &s.scaling);
        }
    }

    fn check_client(&self, c: &mut Check) {
        let cl = &self.client;
        c.count("client.max_attempts", cl.max_attempts, 1, MAX_ATTEMPTS);
        let r = &cl.retry;
        c.range("client.retry.base_ms", r.base_ms, 0.0, MAX_TIME_MS);
        c.range("client.retry.cap_ms", r.cap_ms, 0.0, MAX_TIME_MS);
        if r.cap_ms < r.base_ms {
            c.fail("client.retry.cap_ms", "must not be below base_ms");
        }
        // The ranges each system accepts: gRFC A6, Envoy's `Percent` and
        // `UInt32Value`, Finagle's `RetryBudget.apply` requirements.
        c.positive("client.retry.grpc.max_tokens", r.grpc.max_tokens, 1000.0);
        c.positive("client.retry.grpc.token_ratio", r.grpc.token_ratio, 1000.0);
        let e = &r.envoy;
        c.range(
            "client.retry.envoy.budget_percent",
            e.budget_percent,
            0.0,
            100.0,
        );
        let most = MAX_RETRY_CONCURRENCY;
        c.count(
            "client.retry.envoy.min_retry_concurrency",
            e.min_retry_concurrency,
            0,
            most,
        );
        let f = &r.finagle;
        c.range(
            "client.retry.finagle.percent_can_retry",
            f.percent_can_retry,
            0.0,
            1000.0,
        );
        c.count("client.retry.finagle.ttl_s", f.ttl_s, 1, 60);
        let most = MAX_RETRIES_PER_SEC;
        c.count(
            "client.retry.finagle.min_retries_per_sec",
            f.min_retries_per_sec,
            0,
            most,
        );
        c.positive(
            "client.idempotency_retention_s",
            cl.idempotency_retention_s,
            MAX_DURATION_S,
        );
        let b = &cl.circuit_breaker;
        let path = |field: &str| format!("client.circuit_breaker.{field}");
        c.positive(
            &path("failure_rate_threshold"),
            b.failure_rate_threshold,
            100.0,
        );
        c.count(
            &path("sliding_window_size"),
            b.sliding_window_size,
            1,
            MAX_BREAKER_CALLS,
        );
        c.count(
            &path("minimum_number_of_calls"),
            b.minimum_number_of_calls,
            1,
            MAX_BREAKER_CALLS,
        );
        c.positive(
            &path("wait_duration_in_open_state_s"),
            b.wait_duration_in_open_state_s,
            MAX_DURATION_S,
        );
        c.count(
            &path("permitted_calls_in_half_open_state"),
            b.permitted_calls_in_half_open_state,
            1,
            MAX_BREAKER_CALLS,
        );
    }

    fn check_cost(&self, c: &mut Check) {
        let cost = &self.cost;
        for (i, t) in cost.instance_types.iter().enumerate() {
            c.range(
                &format!("cost.instance_types[{i}].hour_usd"),
                t.hour_usd,
                0.0,
                1e4,
            );
        }
        if cost.instance_hour_usd().is_none() {
            let names: Vec<&str> = cost
                .instance_types
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            c.fail(
                "cost.instance_type",
                format!(
                    "\"{}\" has no price in cost.instance_types ({})",
                    cost.instance_type,
                    names.join(", ")
                ),
            );
        }
        for (path, v) in [
            ("cost.load_balancer_hour_usd", cost.load_balancer_hour_usd),
            ("cost.lcu_hour_usd", cost.lcu_hour_usd),
            ("cost.internet_egress_gb_usd", cost.internet_egress_gb_usd),
            ("cost.cross_zone_gb_usd", cost.cross_zone_gb_usd),
        ] {
            c.range(path, v, 0.0, 1e4);
        }
    }

    fn check_faults(&self, c: &mut Check) {
        if self.faults.len() > MAX_FAULTS {
            c.fail("faults", format!("at most {MAX_FAULTS} scheduled faults"));
        }
        for (i, f) in self.faults.iter().enumerate() {
            let path = format!("faults[{i}]");
            c.range(&format!("{path}.at_s"), f.at_s, 0.0, MAX_DURATION_S);
            match f.service.as_deref().map(|name| {
                (
                    name,
                    self.named_service(c, &format!("{path}.service"), name),
                )
            }) {
                Some((_, None)) => {}
                Some((_, Some(s))) => {
                    let n = self.services[s].instances;
                    if let Some(k) = f.instance.filter(|&k| k >= n) {
                        c.fail(
                            &format!("{path}.instance"),
                            format!("is {k}, but the service starts with {n} instances (0-based)"),
                        );
                    }
                }
                None if f.kind == FaultKind::DatabaseFailure => {}
                None if f.zone.is_none() => c.fail(
                    &format!("{path}.service"),
                    "name a service, a zone, or both",
                ),
                None if f.instance.is_some() => c.fail(
                    &format!("{path}.instance"),
                    "needs a service: instances are numbered per service",
                ),
                None => {}
            }
            if let Some(z) = f.zone {
                self.check_zone(c, &format!("{path}.zone"), z);
            }
            c.positive(&format!("{path}.factor"), f.factor, MAX_SLOW_FACTOR);
            if let Some(r) = f.repair_after_s {
                c.positive(&format!("{path}.repair_after_s"), r, MAX_DURATION_S);
            }
        }
    }

    /// The index of the service called `name`, which the item at `path`
    /// names; else an error there.
    fn named_service(&self, c: &mut Check, path: &str, name: &str) -> Option<usize> {
        let index = self.service_index(name);
        if index.is_none() {
            c.fail(path, format!("no service is called \"{name}\""));
        }
        index
    }

    /// A zone the scenario has.
    fn check_zone(&self, c: &mut Check, path: &str, z: u32) {
        if z >= self.zones {
            c.fail(
                path,
                format!(
                    "is {z}, but the zones are numbered 0 to {} (`zones` is {})",
                    self.zones.saturating_sub(1),
                    self.zones
                ),
            );
        }
    }

    /// Changes by others: who is named, the service exists, each kind is
    /// given the fields it reads and no others, each within its range.
    fn check_changes_by_others(&self, c: &mut Check) {
        if self.changes_by_others.len() > MAX_FAULTS {
            c.fail(
                "changes_by_others",
                format!("at most {MAX_FAULTS} changes by others"),
            );
        }
        for (i, o) in self.changes_by_others.iter().enumerate() {
            let path = format!("changes_by_others[{i}]");
            c.range(&format!("{path}.at_s"), o.at_s, 0.0, MAX_DURATION_S);
            let who = o.who.trim();
            if who.is_empty() {
                c.fail(
                    &format!("{path}.who"),
                    "name who makes the change (\"the payments team\", \"AWS\")",
                );
            } else if o.who.chars().count() > MAX_WHO_CHARS {
                c.fail(
                    &format!("{path}.who"),
                    format!("at most {MAX_WHO_CHARS} characters"),
                );
            }
            self.named_service(c, &format!("{path}.service"), &o.service);
            let kind = o.kind.as_str();
            for field in o.given().filter(|f| !o.reads().contains(f)) {
                c.fail(
                    &format!("{path}.{field}"),
                    format!("is not read by a {kind} change"),
                );
            }
            if let Some(f) = o.factor {
                c.positive(&format!("{path}.factor"), f, MAX_SLOW_FACTOR);
            }
            if let Some(z) = o.zone {
                self.check_zone(c, &format!("{path}.zone"), z);
            }
            if let Some(d) = o.duration_s {
                c.positive(&format!("{path}.duration_s"), d, MAX_DURATION_S);
            }
            if o.kind == OtherChange::RateLimit {
                match o.rate_rps {
                    Some(r) => c.positive(&format!("{path}.rate_rps"), r, MAX_RATE_RPS),
                    None => c.fail(&format!("{path}.rate_rps"), "a rate_limit needs a rate"),
                }
                match o.burst {
                    Some(b) => c.count(&format!("{path}.burst"), b, 1, MAX_BURST),
                    None => c.fail(
                        &format!("{path}.burst"),
                        "a rate_limit needs a burst (its bucket's size, at least 1)",
                    ),
                }
            }
        }
    }
}

fn check_link(c: &mut Check, path: &str, l: &Link) {
    c.range(
        &format!("{path}.latency"),
        l.latency.ms(),
        0.0,
        MAX_LATENCY_MS,
    );
    c.range(
        &format!("{path}.jitter_ms"),
        l.jitter_ms,
        0.0,
        MAX_LATENCY_MS,
    );
    c.probability(&format!("{path}.request_loss"), l.request_loss);
    c.probability(&format!("{path}.response_loss"), l.response_loss);
    c.range(
        &format!("{path}.bandwidth_mbps"),
        l.bandwidth_mbps,
        0.0,
        MAX_BANDWIDTH_MBPS,
    );
}

fn check_outliers(c: &mut Check, path: &str, o: &OutlierDetection) {
    c.count(
        &format!("{path}.consecutive_5xx"),
        o.consecutive_5xx,
        1,
        1000,
    );
    c.positive(
        &format!("{path}.base_ejection_s"),
        o.base_ejection_s,
        MAX_GROUP_S,
    );
    c.positive(
        &format!("{path}.max_ejection_s"),
        o.max_ejection_s,
        MAX_GROUP_S,
    );
    c.range(
        &format!("{path}.max_ejection_percent"),
        o.max_ejection_percent,
        0.0,
        100.0,
    );
}

/// A service's queue-time limit (0: none) and adaptive LIFO's CoDel
/// interval and target, which Fail at Scale has well apart (M ≪ N: a
/// target at or above the interval would never shorten a limit).
fn check_shedding(c: &mut Check, path: &str, s: &Service) {
    let limit = format!("{path}.queue_time_limit_ms");
    c.range(&limit, s.queue_time_limit_ms, 0.0, MAX_TIME_MS);
    let interval = format!("{path}.codel_interval_ms");
    c.positive(&interval, s.codel_interval_ms, MAX_TIME_MS);
    let target = format!("{path}.codel_target_ms");
    c.positive(&target, s.codel_target_ms, MAX_TIME_MS);
    if s.codel_target_ms >= s.codel_interval_ms {
        c.fail(
            &target,
            format!("must be below codel_interval_ms ({})", s.codel_interval_ms),
        );
    }
}

fn check_health(c: &mut Check, path: &str, h: &HealthCheck) {
    c.positive(&format!("{path}.interval_s"), h.interval_s, MAX_GROUP_S);
    c.positive(&format!("{path}.timeout_s"), h.timeout_s, MAX_GROUP_S);
    if h.timeout_s >= h.interval_s {
        c.fail(
            &format!("{path}.timeout_s"),
            format!("must be shorter than interval_s ({})", h.interval_s),
        );
    }
    c.count(
        &format!("{path}.unhealthy_threshold"),
        h.unhealthy_threshold,
        1,
        10,
    );
    c.count(
        &format!("{path}.healthy_threshold"),
        h.healthy_threshold,
        1,
        10,
    );
    c.range(
        &format!("{path}.deregistration_delay_s"),
        h.deregistration_delay_s,
        0.0,
        MAX_GROUP_S,
    );
}

fn check_scaling(c: &mut Check, path: &str, s: &Scaling) {
    let most = match s.metric {
        Metric::Cpu => 100.0,
        Metric::RequestsPerTarget => MAX_RATE_RPS,
    };
    c.positive(&format!("{path}.target"), s.target, most);
    c.positive(&format!("{path}.period_s"), s.period_s, MAX_GROUP_S);
    c.range(&format!("{path}.warmup_s"), s.warmup_s, 0.0, MAX_GROUP_S);
    c.range(
        &format!("{path}.cooldown_s"),
        s.cooldown_s,
        0.0,
        MAX_GROUP_S,
    );
    c.range(&format!("{path}.grace_s"), s.grace_s, 0.0, MAX_GROUP_S);
    if s.steps.len() > MAX_STEPS {
        c.fail(
            &format!("{path}.steps"),
            format!("at most {MAX_STEPS} steps"),
        );
    }
    if matches!(s.policy, Policy::Step | Policy::Simple) && s.steps.is_empty() {
        c.fail(
            &format!("{path}.steps"),
            "step and simple scaling need at least one step, e.g. [{ above = 70, change = 1 }]",
        );
    }
    for (i, step) in s.steps.iter().enumerate() {
        let p = format!("{path}.steps.{i}");
        match (step.above, step.below) {
            (Some(t), None) | (None, Some(t)) => c.range(&format!("{p}.threshold"), t, 0.0, most),
            _ => c.fail(&p, "needs exactly one of above or below"),
        }
        let max = MAX_INSTANCES_PER_SERVICE as i32;
        if step.change == 0 || step.change.abs() > max {
            c.fail(
                &format!("{p}.change"),
                format!("must be a non-zero number of instances between -{max} and {max}"),
            );
        }
    }
}

fn check_service_time(c: &mut Check, path: &str, t: &ServiceTime) {
    c.positive(&format!("{path}.mean_ms"), t.mean_ms(), MAX_TIME_MS);
    if let ServiceTime::LogNormal { sigma, .. } = *t {
        c.range(&format!("{path}.sigma"), sigma, 0.0, 3.0);
    }
}

/// The largest factor a shape reaches, for thinning and the rate limit.
pub(crate) fn shape_peak(shape: &Shape) -> f64 {
    match *shape {
        Shape::Constant => 1.0,
        Shape::Step { factor, .. } | Shape::Ramp { factor, .. } | Shape::Spike { factor, .. } => {
            factor.max(1.0)
        }
        Shape::Periodic { amplitude, .. } => 1.0 + amplitude,
    }
}

#[cfg(test)]
mod tests {
    use crate::presets;

    #[test]
    fn reports_every_problem_with_its_path() {
        let mut s = presets::get("baseline").unwrap();
        s.duration_s = -1.0;
        s.network.client_to_lb.request_loss = 1.5;
        s.services[0].workers = 0;
        s.traffic.mix[0].service = "nope".into();
        let errors = s.validate().unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"duration_s"), "{paths:?}");
        assert!(paths.contains(&"network.client_to_lb.request_loss"));
        assert!(paths.contains(&"services.browse.workers"));
        assert!(paths.contains(&"traffic.mix.browse.service"));
        assert_eq!(errors.len(), 4, "{errors:?}");
    }

    #[test]
    fn resilience_settings_are_checked_with_their_paths() {
        let mut s = presets::get("baseline").unwrap();
        s.client.max_attempts = 0;
        s.client.retry.cap_ms = 1.0;
        s.client.retry.grpc.max_tokens = 0.0;
        s.client.retry.envoy.budget_percent = 120.0;
        s.client.retry.finagle.ttl_s = 0;
        s.services[0].health_check.timeout_s = 60.0;
        s.services[0].health_check.unhealthy_threshold = 0;
        s.services[1].scaling.policy = super::Policy::Step;
        s.services[1].scaling.steps.clear();
        s.services[2].scaling.target = 150.0;
        let errors = s.validate().unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "client.max_attempts",
                "client.retry.cap_ms",
                "client.retry.grpc.max_tokens",
                "client.retry.envoy.budget_percent",
                "client.retry.finagle.ttl_s",
                "services.browse.health_check.timeout_s",
                "services.browse.health_check.unhealthy_threshold",
                "services.cart.scaling.steps",
                "services.checkout.scaling.target",
            ]
        );
        assert!(errors[7].message.contains("above = 70"));
        assert_eq!(
            errors[3].to_string(),
            "client.retry.envoy.budget_percent: must be between 0 and 100, got 120"
        );
    }

    #[test]
    fn circuit_breaker_settings_are_checked_with_their_paths() {
        let mut s = presets::get("baseline").unwrap();
        let b = &mut s.client.circuit_breaker;
        b.failure_rate_threshold = 0.0;
        b.sliding_window_size = 0;
        b.minimum_number_of_calls = 20_000;
        b.wait_duration_in_open_state_s = f64::NAN;
        b.permitted_calls_in_half_open_state = 0;
        let errors = s.validate().unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        let field = |f: &str| format!("client.circuit_breaker.{f}");
        assert_eq!(
            paths,
            [
                field("failure_rate_threshold"),
                field("sliding_window_size"),
                field("minimum_number_of_calls"),
                field("wait_duration_in_open_state_s"),
                field("permitted_calls_in_half_open_state"),
            ]
        );
    }

    #[test]
    fn shedding_settings_are_checked_with_their_paths() {
        let mut s = presets::get("baseline").unwrap();
        s.services[0].queue_time_limit_ms = -1.0;
        s.services[1].codel_interval_ms = 0.0;
        s.services[2].codel_target_ms = 100.0;
        let errors = s.validate().unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "services.browse.queue_time_limit_ms",
                "services.cart.codel_interval_ms",
                "services.cart.codel_target_ms",
                "services.checkout.codel_target_ms",
            ]
        );
        assert_eq!(
            errors[3].to_string(),
            "services.checkout.codel_target_ms: must be below codel_interval_ms (100)"
        );
    }

    #[test]
    fn nan_and_min_max_are_caught() {
        let mut s = presets::get("baseline").unwrap();
        s.traffic.rate_rps = f64::NAN;
        s.services[1].min_instances = Some(9);
        let errors = s.validate().unwrap_err();
        assert!(errors.iter().any(|e| e.path == "traffic.rate_rps"));
        assert!(errors
            .iter()
            .any(|e| e.path == "services.cart.min_instances"));
    }
}
