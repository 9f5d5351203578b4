//! Auto-scaling groups at work, once a simulated second: replace what the
//! group's health-check type counts as broken, and evaluate the scaling
//! policy at the end of each period (`autoscaler` decides; this file
//! measures and applies). Also expires idempotency records, which needs the
//! same once-a-second clock.

use super::autoscaler::{decide, Reading};
use super::{Condition, Fleets, Lifecycle};
use crate::engine::Message;
use crate::log::Note;
use crate::scenario::{HealthCheckType, Metric, Policy};
use crate::world::World;

/// EC2 runs its instance status checks every minute (AWS, "Status checks
/// for your instances").
const STATUS_CHECK_NS: u64 = 60_000_000_000;

impl Fleets {
    /// The groups' once-a-second work. Returns the 502s for work that
    /// replaced instances held.
    pub fn tend(&mut self, w: &mut World) -> Vec<Message> {
        let mut out = Vec::new();
        self.return_ejected(w);
        for s in 0..self.services.len() {
            self.replace_broken(s, w, &mut out);
            self.rebalance(s, w, &mut out);
            if w.now >= self.services[s].group.next_evaluation {
                self.evaluate_policy(s, w, &mut out);
            }
        }
        let (now, retention) = (w.now, w.params.retention_ns);
        self.shared_tokens.prune(now, retention);
        for inst in &mut self.instances {
            inst.tokens.prune(now, retention);
        }
        self.executions.prune(now);
        self.settle(w);
        out
    }

    /// Terminates and replaces instances the group counts as unhealthy,
    /// once past the grace period: with `ec2`, those whose host failed, as
    /// EC2's status checks see it at their next run (every minute; they
    /// see a lost host, not a crashed process or a hang); with `elb`, also
    /// those the load balancer's health checks took out.
    fn replace_broken(&mut self, s: usize, w: &mut World, out: &mut Vec<Message>) {
        let cfg = &w.params.services[s].scaling;
        if cfg.health_check_type == HealthCheckType::None {
            return;
        }
        let elb = cfg.health_check_type == HealthCheckType::Elb;
        let (grace, now) = (cfg.grace_ns, w.now);
        let last_status_check = now - now % STATUS_CHECK_NS;
        let broken: Vec<(u32, bool)> = (0..self.instances.len() as u32)
            .filter_map(|k| {
                let i = &self.instances[k as usize];
                let member = i.service as usize == s && i.counted() && now - i.launched_at >= grace;
                let host_down =
                    i.condition == Condition::HostDown && i.condition_since < last_status_check;
                let unhealthy = elb && i.lifecycle == Lifecycle::Unhealthy;
                (member && (host_down || unhealthy)).then_some((k, !host_down))
            })
            .collect();
        if broken.is_empty() {
            return;
        }
        for (k, by_load_balancer) in broken {
            let instance = self.instances[k as usize].id;
            w.note(Note::Replacing {
                instance,
                by_load_balancer,
            });
            self.drain(k, w, out);
        }
        self.reconcile(s, w, out);
    }

    /// Measures the policy's metric over the period just ended, leaving out
    /// instances that are booting or warming up, and applies its decision.
    fn evaluate_policy(&mut self, s: usize, w: &mut World, out: &mut Vec<Message>) {
        let now = w.now;
        let p = &w.params.services[s];
        let cfg = &p.scaling;
        self.services[s].group.next_evaluation = now + cfg.period_ns;
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
                Lifecycle::InService if now - inst.in_service_at < cfg.warmup_ns => warming = true,
                Lifecycle::InService => {
                    measured += 1;
                    busy += inst.cpu_area - b;
                    capacity += inst.capacity_area - c;
                    routed += inst.routed - r;
                }
                _ => {}
            }
        }
        if cfg.policy == Policy::None || measured == 0 {
            return;
        }
        let period_s = cfg.period_ns as f64 / 1e9;
        let value = match cfg.metric {
            Metric::Cpu if capacity > 0 => 100.0 * busy as f64 / capacity as f64,
            Metric::Cpu => 0.0,
            Metric::RequestsPerTarget => routed as f64 / measured as f64 / period_s,
        };
        let reading = Reading {
            value,
            measured,
            warming,
        };
        let group = &self.services[s].group;
        let Some(decision) = decide(cfg, (p.min, p.max), group, reading, now) else {
            return;
        };
        w.note(Note::Scaled {
            service: s as u16,
            policy: cfg.policy,
            metric: cfg.metric,
            value,
            decision,
            from: group.desired,
        });
        w.metrics.scaled();
        let group = &mut self.services[s].group;
        group.desired = decision.to;
        group.last_change = Some(now);
        self.reconcile(s, w, out);
    }
}
