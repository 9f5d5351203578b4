//! Auto-scaling groups at work, once a simulated second: replace what the
//! group's health-check type counts as broken, and evaluate the scaling
//! policy at the end of each period (`crate::autoscaler` decides; this file
//! measures and applies). Also expires idempotency records, which needs the
//! same once-a-second clock.

use super::Simulation;
use crate::autoscaler::{decide, Reading};
use crate::instance::{Condition, Lifecycle};
use crate::log::Note;
use crate::scenario::{HealthCheckType, Metric, Policy};
use crate::time::SimDuration;

fn ns(s: f64) -> u64 {
    SimDuration::from_secs_f64(s).0
}

impl Simulation {
    pub(super) fn tend_groups(&mut self) {
        for s in 0..self.groups.len() {
            self.replace_broken(s);
            if self.now >= self.groups[s].next_evaluation {
                self.evaluate_policy(s);
            }
        }
        let (now, retention) = (self.now, self.params.retention_ns);
        self.tokens.prune(now, retention);
        for inst in &mut self.instances {
            inst.tokens.prune(now, retention);
        }
        self.executions.prune(now);
    }

    /// Terminates and replaces instances the group counts as unhealthy:
    /// crashed ones (instance status), and with `elb` also those the load
    /// balancer took out of service — once past the grace period.
    fn replace_broken(&mut self, s: usize) {
        let cfg = &self.scenario.services[s].scaling;
        if cfg.health_check_type == HealthCheckType::None {
            return;
        }
        let elb = cfg.health_check_type == HealthCheckType::Elb;
        let grace = ns(cfg.grace_s);
        let now = self.now;
        let broken: Vec<(u32, bool)> = (0..self.instances.len() as u32)
            .filter_map(|k| {
                let i = &self.instances[k as usize];
                let member = i.service as usize == s
                    && matches!(
                        i.lifecycle,
                        Lifecycle::Pending | Lifecycle::InService | Lifecycle::Unhealthy
                    )
                    && now - i.launched_at >= grace;
                let crashed = i.condition == Condition::Crashed;
                let unhealthy = elb && i.lifecycle == Lifecycle::Unhealthy;
                (member && (crashed || unhealthy)).then_some((k, !crashed))
            })
            .collect();
        if broken.is_empty() {
            return;
        }
        for (k, by_load_balancer) in broken {
            let instance = self.instances[k as usize].id;
            let note = Note::Replacing {
                instance,
                by_load_balancer,
            };
            self.log.push(now, note);
            self.drain(k);
        }
        self.reconcile(s);
    }

    /// Measures the policy's metric over the period just ended, leaving out
    /// instances that are booting or warming up, and applies its decision.
    fn evaluate_policy(&mut self, s: usize) {
        let now = self.now;
        let cfg = &self.scenario.services[s].scaling;
        self.groups[s].next_evaluation = now + ns(cfg.period_s);
        let (policy, metric, period_s) = (cfg.policy, cfg.metric, cfg.period_s);
        let warmup = ns(cfg.warmup_s);
        let (mut busy, mut capacity, mut routed) = (0u64, 0u64, 0u64);
        let (mut measured, mut warming) = (0u32, false);
        for inst in self
            .instances
            .iter_mut()
            .filter(|i| i.service as usize == s)
        {
            let (b, c, r) = inst.at_evaluation;
            inst.at_evaluation = (inst.cpu_area, inst.capacity_area, inst.routed);
            match inst.lifecycle {
                Lifecycle::Pending => warming = true,
                Lifecycle::InService if now - inst.in_service_at < warmup => warming = true,
                Lifecycle::InService => {
                    measured += 1;
                    busy += inst.cpu_area - b;
                    capacity += inst.capacity_area - c;
                    routed += inst.routed - r;
                }
                _ => {}
            }
        }
        if policy == Policy::None || measured == 0 {
            return;
        }
        let value = match metric {
            Metric::Cpu if capacity > 0 => 100.0 * busy as f64 / capacity as f64,
            Metric::Cpu => 0.0,
            Metric::RequestsPerTarget => routed as f64 / measured as f64 / period_s,
        };
        let reading = Reading {
            value,
            measured,
            warming,
        };
        let spec = &self.scenario.services[s];
        let limits = (spec.min(), spec.max());
        let Some(decision) = decide(&spec.scaling, limits, &self.groups[s], reading, now) else {
            return;
        };
        let from = self.groups[s].desired;
        self.log.push(
            now,
            Note::Scaled {
                service: s as u16,
                policy,
                metric,
                value,
                decision,
                from,
            },
        );
        self.metrics.totals.scaling_actions += 1;
        let group = &mut self.groups[s];
        group.desired = decision.to;
        group.last_change = Some(now);
        self.reconcile(s);
    }
}
