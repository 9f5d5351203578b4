//! Auto-scaling policies, as EC2 Auto Scaling applies them: from a metric
//! averaged over the last period, decide a new desired capacity. Pure
//! decisions on a reading; `fleet::scaling` measures the reading, applies
//! the decision and logs it with its reason.

use crate::params::ScalingParams;
use crate::scenario::{Policy, Step};

/// The running group's own state: desired capacity lives here, not in the
/// scenario, because policies change it while the scenario stays as written.
pub(super) struct Group {
    pub desired: u32,
    /// When the policy is next evaluated, in ns.
    pub next_evaluation: u64,
    /// When desired capacity last changed (cooldowns count from it).
    pub last_change: Option<u64>,
}

impl Group {
    pub fn new(desired: u32, period_ns: u64) -> Group {
        Group {
            desired,
            next_evaluation: period_ns,
            last_change: None,
        }
    }
}

/// The metric over the last period.
#[derive(Clone, Copy, Debug)]
pub(super) struct Reading {
    /// CPU percent or requests/s per target, over the measured instances.
    pub value: f64,
    /// Instances the value was measured on: in service and warmed up.
    /// Target tracking computes from these alone, so the metric of a
    /// period that began overloaded is not multiplied by instances that
    /// only just joined (which would overshoot); warming instances still
    /// count in desired capacity, so nothing is launched twice for them.
    pub measured: u32,
    /// Some instance is booting or warming up.
    pub warming: bool,
}

/// A change of desired capacity and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Decision {
    pub to: u32,
    /// The threshold or target the metric crossed, and whether upwards.
    pub threshold: f64,
    pub above: bool,
    /// The step's adjustment (step and simple scaling).
    pub step: Option<i32>,
}

/// Target tracking scales in only to a size whose load would be at most
/// this fraction of the target.
const SCALE_IN_HEADROOM: f64 = 0.9;

/// What the policy does with `reading`; `None` when desired stays.
pub(super) fn decide(
    cfg: &ScalingParams,
    (min, max): (u32, u32),
    group: &Group,
    reading: Reading,
    now: u64,
) -> Option<Decision> {
    let cooled = group
        .last_change
        .is_none_or(|t| now.saturating_sub(t) >= cfg.cooldown_ns);
    let clamp = |x: i64| x.clamp(min as i64, max as i64) as u32;
    let d = match cfg.policy {
        Policy::None => return None,
        Policy::TargetTracking => {
            if reading.measured == 0 {
                return None;
            }
            let need = reading.measured as f64 * reading.value / cfg.target;
            let out = clamp((need - 1e-9).ceil() as i64);
            // Scale in conservatively: never while instances warm up, only a
            // cooldown after the last change, and only to a size that stays
            // below `SCALE_IN_HEADROOM` of the target, so a load that sits
            // right on a boundary (12.0 instances' worth) does not flap.
            let inn = clamp((need / SCALE_IN_HEADROOM - 1e-9).ceil() as i64);
            let above = out > group.desired;
            let to = if above { out } else { inn };
            if !above && (reading.warming || !cooled || inn >= group.desired) {
                return None;
            }
            Decision {
                to,
                threshold: cfg.target,
                above,
                step: None,
            }
        }
        Policy::Step | Policy::Simple => {
            let wait = match cfg.policy {
                Policy::Step => reading.warming,
                _ => !cooled,
            };
            let (threshold, above, change) = matching_step(&cfg.steps, reading.value)?;
            if wait {
                return None;
            }
            Decision {
                to: clamp(group.desired as i64 + change as i64),
                threshold,
                above,
                step: Some(change),
            }
        }
    };
    (d.to != group.desired).then_some(d)
}

/// The step the value triggers: the highest `above` threshold it exceeds,
/// else the lowest `below` threshold it is under.
fn matching_step(steps: &[Step], value: f64) -> Option<(f64, bool, i32)> {
    let up = steps
        .iter()
        .filter_map(|s| s.above.filter(|&t| value > t).map(|t| (t, s.change)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((t, change)) = up {
        return Some((t, true, change));
    }
    steps
        .iter()
        .filter_map(|s| s.below.filter(|&t| value < t).map(|t| (t, s.change)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(t, change)| (t, false, change))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{HealthCheckType, Metric};

    /// The defaults of a scenario's scaling settings, with `policy`.
    fn scaling(policy: Policy, steps: Vec<Step>, cooldown_s: u64) -> ScalingParams {
        ScalingParams {
            policy,
            metric: Metric::Cpu,
            target: 50.0,
            steps,
            period_ns: 60 * S,
            warmup_ns: 300 * S,
            cooldown_ns: cooldown_s * S,
            health_check_type: HealthCheckType::None,
            grace_ns: 300 * S,
        }
    }

    fn group(desired: u32, last_change: Option<u64>) -> Group {
        Group {
            desired,
            next_evaluation: 0,
            last_change,
        }
    }
    fn reading(value: f64, measured: u32, warming: bool) -> Reading {
        Reading {
            value,
            measured,
            warming,
        }
    }
    const S: u64 = 1_000_000_000;

    #[test]
    fn target_tracking_out_promptly_in_conservatively() {
        let cfg = scaling(Policy::TargetTracking, Vec::new(), 300);
        let g = group(4, Some(0));
        // The lecture's example: CPU 83% against a 50% target on 4 → 7.
        let d = decide(&cfg, (1, 10), &g, reading(83.0, 4, true), S).unwrap();
        assert_eq!((d.to, d.above, d.threshold), (7, true, 50.0));
        assert_eq!(
            decide(&cfg, (1, 6), &g, reading(83.0, 4, false), S)
                .unwrap()
                .to,
            6,
            "clamped to max"
        );
        assert_eq!(decide(&cfg, (1, 10), &g, reading(20.0, 4, false), S), None);
        assert_eq!(
            decide(&cfg, (1, 10), &g, reading(20.0, 4, true), 400 * S),
            None
        );
        let d = decide(&cfg, (1, 10), &g, reading(20.0, 4, false), 400 * S).unwrap();
        assert_eq!((d.to, d.above), (2, false));
        assert_eq!(decide(&cfg, (1, 10), &g, reading(50.0, 4, false), S), None);
    }

    #[test]
    fn steps_pick_the_most_extreme_threshold() {
        // The lecture's example, the scenario's default: > 70 → +1, > 90 → +3, < 30 → −1.
        let steps = crate::scenario::Scaling::default().steps;
        let step = scaling(Policy::Step, steps.clone(), 300);
        let g = group(4, Some(0));
        let to = |cfg: &ScalingParams, v, warming, now| {
            decide(cfg, (1, 10), &g, reading(v, 4, warming), now).map(|d| d.to)
        };
        assert_eq!(to(&step, 95.0, false, S), Some(7));
        assert_eq!(to(&step, 80.0, false, S), Some(5));
        assert_eq!(to(&step, 50.0, false, S), None);
        assert_eq!(to(&step, 10.0, false, S), Some(3));
        assert_eq!(to(&step, 95.0, true, S), None, "waits for warm-up");
        let simple = scaling(Policy::Simple, steps, 300);
        assert_eq!(to(&simple, 95.0, true, S), None, "cooldown");
        assert_eq!(to(&simple, 95.0, true, 301 * S), Some(7));
    }
}
