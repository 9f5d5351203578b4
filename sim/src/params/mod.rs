//! The scenario compiled for running: times in integer nanoseconds,
//! weights made cumulative, names resolved to indices. Everything an event
//! handler reads while the simulation runs comes from here, never from the
//! `Scenario` (which is only the user's text of it). Rebuilt whenever a live
//! change is applied; `diff` says what the running state must do about it.

mod diff;

pub(crate) use diff::Effect;

use crate::clients::BreakerConfig;
use crate::retry::RetryPolicy;
use crate::rng::{lognormal_mu, Stream};
use crate::scenario::{
    self, Balancer, Cancellation, FaultKind, HealthCheckType, Idempotency, Metric, Policy,
    QueueOrder, RequestKind, Scenario, ServiceTime, Shape, Step,
};
use crate::time::{SimDuration, SimTime, NANOS_PER_SEC};

#[derive(Clone, PartialEq)]
pub(crate) struct Params {
    /// Seeds every random stream; a new seed is a new run.
    pub seed: u64,
    pub timeout_ns: u64,
    pub retry: RetryPolicy,
    pub breaker: BreakerConfig,
    pub idempotency: Idempotency,
    pub retention_ns: u64,
    pub cancellation: Cancellation,
    pub traffic: TrafficParams,
    pub links: [LinkParams; 3],
    pub services: Vec<ServiceParams>,
    pub db: DbParams,
    /// The scenario's scheduled faults, in its order.
    pub faults: Vec<FaultParams>,
    /// The changes others make, in the scenario's order.
    pub others: Vec<OtherParams>,
    /// Availability zones the groups spread over.
    pub zones: u8,
    /// Random zone outages: mean time between, and to repair; 0 = never.
    pub zone_mtbf_ns: f64,
    pub zone_mttr_ns: f64,
    pub prices: Prices,
}

#[derive(Clone, PartialEq)]
pub(crate) struct TrafficParams {
    pub rate_rps: f64,
    pub shape: Shape,
    /// The highest rate the shape reaches: candidates arrive at this rate
    /// and are thinned to the rate at their time.
    pub peak_rps: f64,
    /// The mean gap between candidate arrivals, 1 s / `peak_rps`, in ns.
    pub gap_mean_ns: f64,
    pub users: u32,
    pub think_mean_ns: f64,
    pub kinds: Vec<KindParams>,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) struct KindParams {
    pub kind: RequestKind,
    /// Its share of the requests, and the upper end of that share in
    /// [0, 1) (where a uniform draw picks it).
    pub share: f64,
    pub cumulative: f64,
    pub service: u16,
    /// Whether its duplicates do harm (and idempotency tokens apply).
    pub mutating: bool,
    /// Whether its database calls write (to the primary) rather than read
    /// (from a replica, if there is one).
    pub writes: bool,
    /// Database queries it makes: its own, plus the token's with shared
    /// idempotency tokens. 0 = it does not call the database.
    pub db_queries: u8,
    pub request_bytes: u64,
    pub response_bytes: u64,
}

impl KindParams {
    /// The size of its request, or (`response`) of its response.
    #[inline]
    pub fn bytes(&self, response: bool) -> u64 {
        if response {
            self.response_bytes
        } else {
            self.request_bytes
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) struct LinkParams {
    /// One-way delay: half the hop's round-trip time.
    pub base_ns: u64,
    pub jitter_mean_ns: f64,
    /// Loss probability by direction: [request, response].
    pub loss: [f64; 2],
    /// Transfer time per byte; 0 when the hop is unlimited.
    pub ns_per_byte: f64,
    /// By direction: whether a message arrives the moment it is sent (no
    /// delay, no jitter, no bandwidth limit, no loss).
    pub instant: [bool; 2],
}

#[derive(Clone, PartialEq)]
pub(crate) struct ServiceParams {
    /// Keys the service's random streams and names it in the log.
    pub name: String,
    /// The group's desired capacity as the user set it, and its limits.
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub workers: u32,
    pub queue: QueueParams,
    pub work: Dist,
    pub balancer: Balancer,
    /// The load balancer's connection idle timeout.
    pub idle_timeout_ns: u64,
    pub boot_ns: u64,
    /// 0 = never fails at random.
    pub mtbf_ns: f64,
    pub mttr_ns: f64,
    pub health: HealthParams,
    pub outliers: OutlierParams,
    pub scaling: ScalingParams,
}

/// An instance's queue: its size, its order and when it sheds a job.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct QueueParams {
    pub capacity: u32,
    /// The queue-time limit; `u64::MAX`: none.
    pub time_limit_ns: u64,
    /// Adaptive LIFO's CoDel interval N and target M; `None`: FIFO.
    pub codel: Option<Codel>,
}

/// Fail at Scale's controlled delay, in ns.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct Codel {
    pub interval_ns: u64,
    pub target_ns: u64,
}

/// Passive outlier detection (Envoy's `outlier_detection`).
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct OutlierParams {
    pub enabled: bool,
    pub consecutive_5xx: u32,
    pub base_ejection_ns: u64,
    pub max_ejection_ns: u64,
    pub max_ejection_percent: f64,
}

/// A load balancer's health checks and connection draining (AWS ALB's
/// target-group settings).
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct HealthParams {
    pub enabled: bool,
    pub interval_ns: u64,
    pub timeout_ns: u64,
    pub unhealthy_threshold: u32,
    pub healthy_threshold: u32,
    pub deregistration_delay_ns: u64,
}

/// An auto-scaling group's policy and its replacement of broken instances.
#[derive(Clone, PartialEq)]
pub(crate) struct ScalingParams {
    pub policy: Policy,
    pub metric: Metric,
    pub target: f64,
    pub steps: Vec<Step>,
    pub period_ns: u64,
    pub warmup_ns: u64,
    pub cooldown_ns: u64,
    pub health_check_type: HealthCheckType,
    pub grace_ns: u64,
}

/// The prices the run's cost is computed with (`scenario::Cost`, with the
/// instance type looked up).
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct Prices {
    pub instance_hour_usd: f64,
    pub load_balancer_hour_usd: f64,
    pub lcu_hour_usd: f64,
    pub internet_egress_gb_usd: f64,
    pub cross_zone_gb_usd: f64,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) struct FaultParams {
    pub at_ns: u64,
    /// `None` = every service.
    pub service: Option<usize>,
    /// `None` = every zone.
    pub zone: Option<u8>,
    /// The launch ordinal of the instance it hits; `None` = all of them.
    pub instance: Option<u32>,
    pub kind: FaultKind,
    pub factor: f64,
    pub repair_after_ns: Option<u64>,
}

/// A change someone else makes (`scenario::ChangeByOther`), compiled.
#[derive(Clone, PartialEq)]
pub(crate) struct OtherParams {
    pub at_ns: u64,
    pub who: String,
    pub service: usize,
    pub kind: OtherKind,
    /// Undone this long after; `None` = for good.
    pub undo_after_ns: Option<u64>,
}

/// What the change does, with what it reads.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum OtherKind {
    RateLimit {
        rate_rps: f64,
        burst: u32,
    },
    SlowDeploy {
        factor: f64,
    },
    /// `zone`: `None` = the paths into every zone.
    BlockPath {
        zone: Option<u8>,
    },
    RetireInstance,
}

impl OtherKind {
    fn new(o: &scenario::ChangeByOther) -> OtherKind {
        use scenario::OtherChange as K;
        match o.kind {
            K::RateLimit => OtherKind::RateLimit {
                rate_rps: o.rate_rps.unwrap_or(0.0),
                burst: o.burst.unwrap_or(0),
            },
            K::SlowDeploy => OtherKind::SlowDeploy {
                factor: o.factor.unwrap_or(scenario::ChangeByOther::DEFAULT_FACTOR),
            },
            K::BlockPath => OtherKind::BlockPath {
                zone: o.zone.map(|z| z as u8),
            },
            K::RetireInstance => OtherKind::RetireInstance,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) struct DbParams {
    /// With a standby, how long after a failure it takes over.
    pub standby_failover_ns: Option<u64>,
    pub connections: u32,
    pub queue_capacity: u32,
    /// Read replicas, each with the primary's connections and queue.
    pub read_replicas: u32,
    pub work: Dist,
    /// The Universal Scalability Law's contention σ and coherency κ.
    pub contention: f64,
    pub coherency: f64,
    /// Random failures of the primary: mean time between, and to repair;
    /// 0 = never.
    pub mtbf_ns: f64,
    pub mttr_ns: f64,
}

/// A service-time distribution in nanoseconds.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Dist {
    Exponential {
        mean: f64,
    },
    /// e^(μ + σZ), μ computed once from the mean asked for.
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Constant {
        ns: u64,
    },
}

impl Dist {
    fn new(t: &ServiceTime) -> Dist {
        let ns = |ms: f64| ms * 1e6;
        match *t {
            ServiceTime::Exponential { mean_ms } => Dist::Exponential { mean: ns(mean_ms) },
            ServiceTime::LogNormal { mean_ms, sigma } => Dist::LogNormal {
                mu: lognormal_mu(ns(mean_ms), sigma),
                sigma,
            },
            ServiceTime::Constant { mean_ms } => Dist::Constant {
                ns: ns(mean_ms) as u64,
            },
        }
    }

    /// The mean, in nanoseconds.
    pub fn mean_ns(self) -> f64 {
        match self {
            Dist::Exponential { mean } => mean,
            Dist::LogNormal { mu, sigma } => libm::exp(mu + sigma * sigma / 2.0),
            Dist::Constant { ns } => ns as f64,
        }
    }

    /// One sample, scaled by `factor` (a slow instance), at least 1 ns.
    // Inlined natively for speed; the browser's build keeps one copy, for size.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub fn sample(self, rng: &mut Stream, factor: f64) -> u64 {
        let x = match self {
            Dist::Exponential { mean } => rng.exponential(mean),
            Dist::LogNormal { mu, sigma } => rng.lognormal(mu, sigma),
            Dist::Constant { ns } => ns as f64,
        };
        ((x * factor) as u64).max(1)
    }
}

fn ms_to_ns(ms: f64) -> u64 {
    SimDuration::from_millis_f64(ms).0
}

fn s_to_ns(s: f64) -> u64 {
    SimDuration::from_secs_f64(s).0
}

fn link(l: &scenario::Link) -> LinkParams {
    let base_ns = ms_to_ns(l.latency.ms() / 2.0);
    let jitter_mean_ns = l.jitter_ms * 1e6;
    let loss = [l.request_loss, l.response_loss];
    let ns_per_byte = if l.bandwidth_mbps > 0.0 {
        8.0 * 1e3 / l.bandwidth_mbps
    } else {
        0.0
    };
    let delayed = base_ns > 0 || jitter_mean_ns > 0.0 || ns_per_byte > 0.0;
    LinkParams {
        base_ns,
        jitter_mean_ns,
        loss,
        ns_per_byte,
        instant: loss.map(|p| !delayed && p <= 0.0),
    }
}

impl Params {
    /// Compiles a scenario that has passed validation.
    pub fn new(s: &Scenario) -> Params {
        let peak_rps = s.traffic.rate_rps * scenario::shape_peak(&s.traffic.shape);
        let total: f64 = s.traffic.mix.iter().map(|m| m.weight).sum();
        let mut acc = 0.0;
        let kinds = s
            .traffic
            .mix
            .iter()
            .map(|m| {
                let share = m.weight / total;
                acc += share;
                KindParams {
                    kind: m.kind,
                    share,
                    cumulative: acc,
                    service: s.service_index(&m.service).unwrap_or(0) as u16,
                    mutating: m.kind.is_mutating(),
                    writes: m.writes(),
                    db_queries: m.database as u8
                        + (m.kind.is_mutating() && s.client.idempotency == Idempotency::Shared)
                            as u8,
                    request_bytes: m.payload.bytes(),
                    response_bytes: m.response_payload.bytes(),
                }
            })
            .collect();
        Params {
            seed: s.seed,
            timeout_ns: ms_to_ns(s.client.timeout_ms),
            retry: RetryPolicy::new(&s.client),
            breaker: BreakerConfig::new(&s.client.circuit_breaker),
            idempotency: s.client.idempotency,
            retention_ns: s_to_ns(s.client.idempotency_retention_s),
            cancellation: s.client.cancellation,
            traffic: TrafficParams {
                rate_rps: s.traffic.rate_rps,
                shape: s.traffic.shape.clone(),
                peak_rps,
                gap_mean_ns: 1e9 / peak_rps,
                users: s.traffic.users,
                think_mean_ns: s.traffic.think_time_ms * 1e6,
                kinds,
            },
            links: [
                link(&s.network.client_to_lb),
                link(&s.network.lb_to_instance),
                link(&s.network.instance_to_db),
            ],
            services: s.services.iter().map(service).collect(),
            db: DbParams {
                standby_failover_ns: s.database.standby.then(|| s_to_ns(s.database.failover_s)),
                connections: s.database.connections,
                queue_capacity: s.database.queue_capacity,
                read_replicas: s.database.read_replicas,
                work: Dist::new(&s.database.service_time),
                contention: s.database.contention,
                coherency: s.database.coherency,
                mtbf_ns: s.database.mtbf_s * NANOS_PER_SEC as f64,
                mttr_ns: s.database.mttr_s * NANOS_PER_SEC as f64,
            },
            zones: s.zones as u8,
            zone_mtbf_ns: s.zone_mtbf_s * NANOS_PER_SEC as f64,
            zone_mttr_ns: s.zone_mttr_s * NANOS_PER_SEC as f64,
            faults: s
                .faults
                .iter()
                .map(|f| FaultParams {
                    at_ns: s_to_ns(f.at_s),
                    service: f.service.as_deref().and_then(|n| s.service_index(n)),
                    zone: f.zone.map(|z| z as u8),
                    instance: f.instance,
                    kind: f.kind,
                    factor: f.factor,
                    repair_after_ns: f.repair_after_s.map(s_to_ns),
                })
                .collect(),
            others: s
                .changes_by_others
                .iter()
                .map(|o| OtherParams {
                    at_ns: s_to_ns(o.at_s),
                    who: o.who.trim().to_string(),
                    service: s.service_index(&o.service).unwrap_or(0),
                    kind: OtherKind::new(o),
                    undo_after_ns: o.duration_s.map(s_to_ns),
                })
                .collect(),
            prices: Prices {
                instance_hour_usd: s.cost.instance_hour_usd().unwrap_or(0.0),
                load_balancer_hour_usd: s.cost.load_balancer_hour_usd,
                lcu_hour_usd: s.cost.lcu_hour_usd,
                internet_egress_gb_usd: s.cost.internet_egress_gb_usd,
                cross_zone_gb_usd: s.cost.cross_zone_gb_usd,
            },
        }
    }
}

fn service(v: &scenario::Service) -> ServiceParams {
    let (hc, sc, od) = (&v.health_check, &v.scaling, &v.outlier_detection);
    ServiceParams {
        name: v.name.clone(),
        desired: v.instances,
        min: v.min(),
        max: v.max(),
        workers: v.workers,
        queue: QueueParams {
            capacity: v.queue_capacity,
            time_limit_ns: if v.queue_time_limit_ms > 0.0 {
                ms_to_ns(v.queue_time_limit_ms)
            } else {
                u64::MAX
            },
            codel: (v.queue_order == QueueOrder::AdaptiveLifo).then(|| Codel {
                interval_ns: ms_to_ns(v.codel_interval_ms),
                target_ns: ms_to_ns(v.codel_target_ms),
            }),
        },
        work: Dist::new(&v.service_time),
        balancer: v.balancer,
        idle_timeout_ns: s_to_ns(v.idle_timeout_s),
        boot_ns: s_to_ns(v.boot_s),
        mtbf_ns: v.mtbf_s * NANOS_PER_SEC as f64,
        mttr_ns: v.mttr_s * NANOS_PER_SEC as f64,
        health: HealthParams {
            enabled: hc.enabled,
            interval_ns: s_to_ns(hc.interval_s),
            timeout_ns: s_to_ns(hc.timeout_s),
            unhealthy_threshold: hc.unhealthy_threshold,
            healthy_threshold: hc.healthy_threshold,
            deregistration_delay_ns: s_to_ns(hc.deregistration_delay_s),
        },
        outliers: OutlierParams {
            enabled: od.enabled,
            consecutive_5xx: od.consecutive_5xx,
            base_ejection_ns: s_to_ns(od.base_ejection_s),
            max_ejection_ns: s_to_ns(od.max_ejection_s),
            max_ejection_percent: od.max_ejection_percent,
        },
        scaling: ScalingParams {
            policy: sc.policy,
            metric: sc.metric,
            target: sc.target,
            steps: sc.steps.clone(),
            period_ns: s_to_ns(sc.period_s),
            warmup_ns: s_to_ns(sc.warmup_s),
            cooldown_ns: s_to_ns(sc.cooldown_s),
            health_check_type: sc.health_check_type,
            grace_ns: s_to_ns(sc.grace_s),
        },
    }
}

impl TrafficParams {
    /// The open-loop rate at time `t`, in requests per second.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        self.rate_rps * shape_factor(&self.shape, t.as_secs_f64())
    }

    /// The kind whose share of [0, 1) contains `u`.
    #[inline]
    pub fn pick(&self, u: f64) -> usize {
        self.kinds
            .iter()
            .position(|k| u < k.cumulative)
            .unwrap_or(self.kinds.len() - 1)
    }
}

/// The factor a load shape applies at `t` seconds.
pub(crate) fn shape_factor(shape: &Shape, t: f64) -> f64 {
    match *shape {
        Shape::Constant => 1.0,
        Shape::Step { at_s, factor } => {
            if t >= at_s {
                factor
            } else {
                1.0
            }
        }
        Shape::Ramp {
            start_s,
            end_s,
            factor,
        } => {
            if t <= start_s {
                1.0
            } else if t >= end_s {
                factor
            } else {
                1.0 + (factor - 1.0) * (t - start_s) / (end_s - start_s)
            }
        }
        Shape::Spike {
            at_s,
            duration_s,
            factor,
        } => {
            if t >= at_s && t < at_s + duration_s {
                factor
            } else {
                1.0
            }
        }
        Shape::Periodic {
            period_s,
            amplitude,
        } => 1.0 + amplitude * libm::sin(2.0 * core::f64::consts::PI * t / period_s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let ramp = Shape::Ramp {
            start_s: 10.0,
            end_s: 20.0,
            factor: 3.0,
        };
        assert_eq!(shape_factor(&ramp, 5.0), 1.0);
        assert_eq!(shape_factor(&ramp, 15.0), 2.0);
        assert_eq!(shape_factor(&ramp, 25.0), 3.0);
        let spike = Shape::Spike {
            at_s: 10.0,
            duration_s: 5.0,
            factor: 4.0,
        };
        assert_eq!(shape_factor(&spike, 12.0), 4.0);
        assert_eq!(shape_factor(&spike, 15.0), 1.0);
        let day = Shape::Periodic {
            period_s: 100.0,
            amplitude: 0.5,
        };
        assert!((shape_factor(&day, 25.0) - 1.5).abs() < 1e-12);
    }
}
