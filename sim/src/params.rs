//! The scenario compiled for the hot path: times in nanoseconds, weights
//! made cumulative, names resolved to indices. Rebuilt whenever a live
//! change is applied, so the event handlers never parse or look up names.

use crate::retry::RetryPolicy;
use crate::rng::Stream;
use crate::scenario::{self, Balancer, Idempotency, RequestKind, Scenario, ServiceTime, Shape};
use crate::time::{SimTime, NANOS_PER_SEC};

pub(crate) struct Params {
    pub timeout_ns: u64,
    pub retry: RetryPolicy,
    pub idempotency: Idempotency,
    pub retention_ns: u64,
    pub traffic: TrafficParams,
    pub links: [LinkParams; 3],
    pub services: Vec<ServiceParams>,
    pub db: DbParams,
}

pub(crate) struct TrafficParams {
    pub rate_rps: f64,
    pub shape: Shape,
    /// The highest rate the shape reaches: candidates arrive at this rate
    /// and are thinned to the rate at their time.
    pub peak_rps: f64,
    pub users: u32,
    pub think_mean_ns: f64,
    pub kinds: Vec<KindParams>,
}

#[derive(Clone, Copy)]
pub(crate) struct KindParams {
    pub kind: RequestKind,
    /// Upper end of this kind's share of [0, 1).
    pub cumulative: f64,
    pub service: u16,
    /// Whether its duplicates do harm (and idempotency tokens apply).
    pub mutating: bool,
    /// Database queries it makes: its own, plus the token's with shared
    /// idempotency tokens. 0 = it does not call the database.
    pub db_queries: u8,
    pub request_bytes: u64,
    pub response_bytes: u64,
}

#[derive(Clone, Copy)]
pub(crate) struct LinkParams {
    pub base_ns: u64,
    pub jitter_mean_ns: f64,
    /// Loss probability by direction: [request, response].
    pub loss: [f64; 2],
    /// Transfer time per byte; 0 when the hop is unlimited.
    pub ns_per_byte: f64,
}

pub(crate) struct ServiceParams {
    pub desired: u32,
    pub workers: u32,
    pub queue_capacity: u32,
    pub work: Dist,
    pub balancer: Balancer,
    pub boot_ns: u64,
    /// 0 = never fails at random.
    pub mtbf_ns: f64,
    pub mttr_ns: f64,
}

pub(crate) struct DbParams {
    pub connections: u32,
    pub queue_capacity: u32,
    pub work: Dist,
}

/// A service-time distribution in nanoseconds.
#[derive(Clone, Copy)]
pub(crate) enum Dist {
    Exponential { mean: f64 },
    LogNormal { mean: f64, sigma: f64 },
    Constant { ns: u64 },
}

impl Dist {
    fn new(t: &ServiceTime) -> Dist {
        let ns = |ms: f64| ms * 1e6;
        match *t {
            ServiceTime::Exponential { mean_ms } => Dist::Exponential { mean: ns(mean_ms) },
            ServiceTime::LogNormal { mean_ms, sigma } => Dist::LogNormal {
                mean: ns(mean_ms),
                sigma,
            },
            ServiceTime::Constant { mean_ms } => Dist::Constant {
                ns: ns(mean_ms) as u64,
            },
        }
    }

    /// One sample, scaled by `factor` (a slow instance), at least 1 ns.
    #[inline]
    pub fn sample(self, rng: &mut Stream, factor: f64) -> u64 {
        let x = match self {
            Dist::Exponential { mean } => rng.exponential(mean),
            Dist::LogNormal { mean, sigma } => rng.lognormal(mean, sigma),
            Dist::Constant { ns } => ns as f64,
        };
        ((x * factor) as u64).max(1)
    }
}

fn ms_to_ns(ms: f64) -> u64 {
    crate::time::SimDuration::from_millis_f64(ms).0
}

fn link(l: &scenario::Link) -> LinkParams {
    LinkParams {
        base_ns: ms_to_ns(l.latency.ms()),
        jitter_mean_ns: l.jitter_ms * 1e6,
        loss: [l.request_loss, l.response_loss],
        ns_per_byte: if l.bandwidth_mbps > 0.0 {
            8.0 * 1e3 / l.bandwidth_mbps
        } else {
            0.0
        },
    }
}

impl Params {
    /// Compiles a scenario that has passed validation.
    pub fn new(s: &Scenario) -> Params {
        let total: f64 = s.traffic.mix.iter().map(|m| m.weight).sum();
        let mut acc = 0.0;
        let kinds = s
            .traffic
            .mix
            .iter()
            .map(|m| {
                acc += m.weight / total;
                KindParams {
                    kind: m.kind,
                    cumulative: acc,
                    service: s.service_index(&m.service).unwrap_or(0) as u16,
                    mutating: m.kind.is_mutating(),
                    db_queries: m.database as u8
                        + (m.kind.is_mutating() && s.client.idempotency == Idempotency::Shared)
                            as u8,
                    request_bytes: m.payload.bytes(),
                    response_bytes: m.response_payload.bytes(),
                }
            })
            .collect();
        Params {
            timeout_ns: ms_to_ns(s.client.timeout_ms),
            retry: RetryPolicy::new(&s.client),
            idempotency: s.client.idempotency,
            retention_ns: crate::time::SimDuration::from_secs_f64(s.client.idempotency_retention_s)
                .0,
            traffic: TrafficParams {
                rate_rps: s.traffic.rate_rps,
                shape: s.traffic.shape.clone(),
                peak_rps: s.traffic.rate_rps * scenario::shape_peak(&s.traffic.shape),
                users: s.traffic.users,
                think_mean_ns: s.traffic.think_time_ms * 1e6,
                kinds,
            },
            links: [
                link(&s.network.client_to_lb),
                link(&s.network.lb_to_instance),
                link(&s.network.instance_to_db),
            ],
            services: s
                .services
                .iter()
                .map(|v| ServiceParams {
                    desired: v.instances,
                    workers: v.workers,
                    queue_capacity: v.queue_capacity,
                    work: Dist::new(&v.service_time),
                    balancer: v.balancer,
                    boot_ns: crate::time::SimDuration::from_secs_f64(v.boot_s).0,
                    mtbf_ns: v.mtbf_s * NANOS_PER_SEC as f64,
                    mttr_ns: v.mttr_s * NANOS_PER_SEC as f64,
                })
                .collect(),
            db: DbParams {
                connections: s.database.connections,
                queue_capacity: s.database.queue_capacity,
                work: Dist::new(&s.database.service_time),
            },
        }
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
