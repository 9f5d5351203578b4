//! Auto-scaling policies as EC2 Auto Scaling applies them, on CloudWatch's
//! model: the metric is aggregated into one datapoint per period, alarms
//! watch the latest datapoints, and an alarm in ALARM state invokes its
//! policy at every datapoint for as long as it stays there (CloudWatch
//! docs, "Using Amazon CloudWatch alarms": "for Auto Scaling actions, the
//! alarm continues to invoke the action once per minute that the alarm
//! remains in the new state"). The group keeps the datapoints; the
//! decisions are pure functions of them; `fleet::scaling` measures the
//! datapoints, applies the decisions and logs them with their reasons.
//!
//! The rules, from the EC2 Auto Scaling User Guide:
//! - Target tracking ("Target tracking scaling policies") creates two
//!   alarms: AlarmHigh, the metric above the target for 3 of 3 datapoints,
//!   and AlarmLow, below a lower threshold for 15 of 15. It scales to
//!   `ceil(current × metric / target)`: out "proportionally to the metric
//!   as fast as it can", rounding up; in "more gradually", removing the
//!   whole instances the arithmetic allows (removing 1.5 removes 1), never
//!   while a scale-out is in progress, and never on insufficient data.
//! - Warm-up ("Instance warmup"): an instance in warm-up is left out of the
//!   metric and, while scaling out, out of the current capacity, so what is
//!   already launched for an alarm is not launched again.
//! - Step scaling ("Step and simple scaling policies"): the step the
//!   breach falls in adds to the current capacity; during warm-up only the
//!   part of a larger step not already under way is added.
//! - Simple scaling ("Scaling cooldowns"): one change, then nothing until
//!   the cooldown (default 300 s) has passed. Cooldowns apply to simple
//!   scaling only.

use crate::params::ScalingParams;
use crate::scenario::{Policy, Step};
use std::collections::VecDeque;

/// AlarmHigh of target tracking: the metric above the target for this many
/// of as many datapoints.
pub(crate) const HIGH_DATAPOINTS: u8 = 3;
/// AlarmLow of target tracking: below its threshold for this many of as
/// many datapoints.
pub(crate) const LOW_DATAPOINTS: u8 = 15;
/// AlarmLow's threshold as a fraction of the target. AWS does not document
/// it ("a little below the target"); the alarms EC2 Auto Scaling creates
/// read, for CPU targets of 50, 40 and 30 %, "CPUUtilization < 35 / 28 /
/// 21 for 15 datapoints within 15 minutes": 70 % of the target.
/// (Application Auto Scaling's alarms for ECS use 90 %.)
pub(crate) const LOW_FRACTION: f64 = 0.7;
/// Step and simple scaling's alarm: the CloudWatch console's default
/// "datapoints to alarm", 1 of 1.
pub(crate) const STEP_DATAPOINTS: u8 = 1;

/// The running group's own state: desired capacity lives here, not in the
/// scenario, because policies change it while the scenario stays as written.
#[derive(Clone)]
pub(super) struct Group {
    pub desired: u32,
    /// When the next datapoint is complete, in ns.
    pub next_datapoint: u64,
    /// When a simple scaling policy last changed desired capacity (its
    /// cooldown counts from it).
    pub last_change: Option<u64>,
    /// The latest datapoints, oldest first; `None` where no instance was
    /// measured (insufficient data).
    datapoints: VecDeque<Option<f64>>,
}

impl Group {
    pub fn new(desired: u32, period_ns: u64) -> Group {
        Group {
            desired,
            next_datapoint: period_ns,
            last_change: None,
            datapoints: VecDeque::with_capacity(LOW_DATAPOINTS as usize),
        }
    }

    /// Records the datapoint of the period just ended.
    pub fn record(&mut self, datapoint: Option<f64>) {
        if self.datapoints.len() == LOW_DATAPOINTS as usize {
            self.datapoints.pop_front();
        }
        self.datapoints.push_back(datapoint);
    }

    /// A new period: datapoints of the old one no longer compare, so the
    /// alarms start again from no data.
    pub fn restart(&mut self, next_datapoint: u64) {
        self.next_datapoint = next_datapoint;
        self.datapoints.clear();
    }

    /// Whether the latest `n` datapoints all exist and all breach.
    fn breaching(&self, n: u8, breach: impl Fn(f64) -> bool) -> bool {
        let n = n as usize;
        self.datapoints.len() >= n
            && self
                .datapoints
                .iter()
                .rev()
                .take(n)
                .all(|d| d.is_some_and(&breach))
    }

    fn latest(&self) -> Option<f64> {
        self.datapoints.back().copied().flatten()
    }
}

/// The group as the policy sees it when a datapoint completes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Capacity {
    /// Instances launched and not yet past their warm-up (booting or warming).
    pub warming: u32,
    /// Some instance is still booting (a simple policy's launch is not done).
    pub booting: bool,
}

/// Which alarm invoked the policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Alarm {
    /// Target tracking's scale-out alarm.
    High,
    /// Target tracking's scale-in alarm.
    Low,
    /// A step (or simple) policy's alarm on the step's threshold.
    Step { above: bool, change: i32 },
}

/// A change of desired capacity and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Decision {
    pub alarm: Alarm,
    /// The alarm's threshold and how many datapoints breached it.
    pub threshold: f64,
    pub datapoints: u8,
    /// The latest datapoint.
    pub value: f64,
    /// Capacity the arithmetic started from: instances past warm-up when
    /// scaling out, desired capacity when scaling in.
    pub current: u32,
    /// Capacity the policy asked for, before clamping to [min, max].
    pub computed: i64,
    pub from: u32,
    pub to: u32,
}

/// What the policy does at the datapoint just recorded; `None` when
/// desired capacity stays.
pub(super) fn decide(
    cfg: &ScalingParams,
    (min, max): (u32, u32),
    group: &Group,
    cap: Capacity,
    now: u64,
) -> Option<Decision> {
    let value = group.latest()?;
    let desired = group.desired;
    let in_warm_up = cap.warming > 0;
    // Scaling out counts only instances past warm-up as current capacity.
    let warmed = desired.saturating_sub(cap.warming);
    let (alarm, threshold, datapoints, current, computed) = match cfg.policy {
        Policy::None => return None,
        Policy::TargetTracking => {
            let need = |current: u32| (current as f64 * value / cfg.target - 1e-9).ceil() as i64;
            let low = cfg.target * LOW_FRACTION;
            if group.breaching(HIGH_DATAPOINTS, |v| v > cfg.target) {
                (
                    Alarm::High,
                    cfg.target,
                    HIGH_DATAPOINTS,
                    warmed,
                    need(warmed),
                )
            } else if !in_warm_up && group.breaching(LOW_DATAPOINTS, |v| v < low) {
                (Alarm::Low, low, LOW_DATAPOINTS, desired, need(desired))
            } else {
                return None;
            }
        }
        Policy::Step | Policy::Simple => {
            let (threshold, above, change) = matching_step(&cfg.steps, value)?;
            let breach = |v: f64| if above { v > threshold } else { v < threshold };
            if !group.breaching(STEP_DATAPOINTS, breach) {
                return None;
            }
            let alarm = Alarm::Step { above, change };
            let current = if cfg.policy == Policy::Simple {
                let cooled = group
                    .last_change
                    .is_none_or(|t| now.saturating_sub(t) >= cfg.cooldown_ns);
                if !cooled || cap.booting {
                    return None;
                }
                desired
            } else if above {
                warmed
            } else if in_warm_up {
                // A scale-in can't start while a scale-out is in progress.
                return None;
            } else {
                desired
            };
            let computed = current as i64 + change as i64;
            (alarm, threshold, STEP_DATAPOINTS, current, computed)
        }
    };
    let clamped = computed.clamp(min as i64, max as i64) as u32;
    // Out only ever raises desired capacity (what warming instances already
    // bring is not added again); in only ever lowers it.
    let to = match alarm {
        Alarm::High | Alarm::Step { above: true, .. } => clamped.max(desired),
        Alarm::Low | Alarm::Step { above: false, .. } => clamped.min(desired),
    };
    (to != desired).then_some(Decision {
        alarm,
        threshold,
        datapoints,
        value,
        current,
        computed,
        from: desired,
        to,
    })
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

    const S: u64 = 1_000_000_000;

    /// The defaults of a scenario's scaling settings, with `policy`.
    fn scaling(policy: Policy) -> ScalingParams {
        ScalingParams {
            policy,
            metric: Metric::Cpu,
            target: 50.0,
            steps: crate::scenario::Scaling::default().steps,
            period_ns: 60 * S,
            warmup_ns: 300 * S,
            cooldown_ns: 300 * S,
            health_check_type: HealthCheckType::None,
            grace_ns: 300 * S,
        }
    }

    fn group(desired: u32, datapoints: &[f64]) -> Group {
        let mut g = Group::new(desired, 60 * S);
        for &d in datapoints {
            g.record(Some(d));
        }
        g
    }

    fn settled() -> Capacity {
        Capacity {
            warming: 0,
            booting: false,
        }
    }

    fn to(cfg: &ScalingParams, g: &Group, cap: Capacity) -> Option<u32> {
        decide(cfg, (1, 10), g, cap, 1000 * S).map(|d| d.to)
    }

    #[test]
    fn target_tracking_needs_three_high_or_fifteen_low_datapoints() {
        let cfg = scaling(Policy::TargetTracking);
        // The lecture's example: CPU 83% against a 50% target on 4 → 7,
        // but only once three datapoints in a row are above the target.
        assert_eq!(to(&cfg, &group(4, &[83.0, 83.0]), settled()), None);
        assert_eq!(to(&cfg, &group(4, &[40.0, 83.0, 83.0]), settled()), None);
        let d = decide(&cfg, (1, 10), &group(4, &[83.0; 3]), settled(), 0).unwrap();
        assert_eq!((d.alarm, d.computed, d.to), (Alarm::High, 7, 7));
        assert_eq!(
            decide(&cfg, (1, 6), &group(4, &[83.0; 3]), settled(), 0)
                .unwrap()
                .to,
            6,
            "clamped to max"
        );
        // Below 70% of the target (35%) for 14 datapoints: nothing; 15: in.
        // 4 × 20 / 50 = 1.6: removing 2.4 instances removes 2.
        assert_eq!(to(&cfg, &group(4, &[20.0; 14]), settled()), None);
        let d = decide(&cfg, (1, 10), &group(4, &[20.0; 15]), settled(), 0).unwrap();
        assert_eq!((d.alarm, d.threshold, d.to), (Alarm::Low, 35.0, 2));
        // Between the thresholds nothing happens.
        assert_eq!(to(&cfg, &group(4, &[40.0; 15]), settled()), None);
        // Insufficient data breaks the run of datapoints.
        let mut g = group(4, &[20.0; 14]);
        g.record(None);
        assert_eq!(to(&cfg, &g, settled()), None);
    }

    #[test]
    fn warming_instances_are_not_launched_twice() {
        let cfg = scaling(Policy::TargetTracking);
        // 4 → 7 is under way (3 warming): the same metric on the 4 warmed
        // asks for 7 again, and nothing more is launched.
        let warming = Capacity {
            warming: 3,
            booting: true,
        };
        assert_eq!(to(&cfg, &group(7, &[83.0; 3]), warming), None);
        // Higher still: 4 × 100 / 50 = 8, one more than under way.
        assert_eq!(to(&cfg, &group(7, &[100.0; 3]), warming), Some(8));
        // No scale-in while a scale-out is in progress.
        assert_eq!(to(&cfg, &group(7, &[10.0; 15]), warming), None);
    }

    #[test]
    fn steps_add_only_what_is_not_already_under_way() {
        // The lecture's example, the scenario's default: > 70 → +1, > 90 → +3, < 30 → −1.
        let step = scaling(Policy::Step);
        assert_eq!(to(&step, &group(4, &[95.0]), settled()), Some(7));
        assert_eq!(to(&step, &group(4, &[80.0]), settled()), Some(5));
        assert_eq!(to(&step, &group(4, &[50.0]), settled()), None);
        assert_eq!(to(&step, &group(4, &[10.0]), settled()), Some(3));
        let one_warming = Capacity {
            warming: 1,
            booting: false,
        };
        // 4 + 1 already under way: the same step adds nothing, a larger
        // one adds the rest (4 warmed + 3 = 7), scale-in waits.
        assert_eq!(to(&step, &group(5, &[80.0]), one_warming), None);
        assert_eq!(to(&step, &group(5, &[95.0]), one_warming), Some(7));
        assert_eq!(to(&step, &group(5, &[10.0]), one_warming), None);
    }

    #[test]
    fn simple_scaling_waits_for_its_cooldown() {
        let simple = scaling(Policy::Simple);
        let mut g = group(4, &[95.0]);
        g.last_change = Some(0);
        let at = |now| decide(&simple, (1, 10), &g, settled(), now).map(|d| d.to);
        assert_eq!(at(299 * S), None, "cooldown");
        assert_eq!(at(300 * S), Some(7));
        let booting = Capacity {
            warming: 3,
            booting: true,
        };
        assert_eq!(
            decide(&simple, (1, 10), &g, booting, 400 * S).map(|d| d.to),
            None,
            "its launch is not done"
        );
    }
}
