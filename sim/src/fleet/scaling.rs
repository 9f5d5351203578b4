//! Auto-scaling groups at work, once a simulated second: replace what the
//! group's health-check type counts as broken, and at the end of each
//! period complete the metric's datapoint and evaluate the scaling policy
//! (`autoscaler` decides; this file measures and applies). Also expires idempotency records, which needs the
//! same once-a-second clock.

use super::autoscaler::{decide, Capacity};
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
            if w.now >= self.services[s].group.next_datapoint {
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

    /// Completes the period's datapoint — the metric over the instances in
    /// service and past warm-up — and lets the policy decide on it.
    /// Instances in service since the run began count as warmed up: a run
    /// starts from a steady state.
    fn evaluate_policy(&mut self, s: usize, w: &mut World, out: &mut Vec<Message>) {
        let now = w.now;
        let p = &w.params.services[s];
        let cfg = &p.scaling;
        self.services[s].group.next_datapoint = now + cfg.period_ns;
        let (mut busy, mut capacity, mut routed) = (0u64, 0u64, 0u64);
        let mut measured = 0u32;
        let mut cap = Capacity {
            warming: 0,
            booting: false,
        };
        for inst in self
            .instances
            .iter_mut()
            .filter(|i| i.service as usize == s)
        {
            let (b, c, r) = inst.at_evaluation;
            inst.at_evaluation = (inst.cpu_area, inst.capacity_area, inst.routed);
            let warm = inst.in_service_at == 0 || now - inst.in_service_at >= cfg.warmup_ns;
            match inst.lifecycle {
                Lifecycle::Pending => {
                    cap.warming += 1;
                    cap.booting = true;
                }
                Lifecycle::InService if !warm => cap.warming += 1,
                Lifecycle::InService => {
                    measured += 1;
                    busy += inst.cpu_area - b;
                    capacity += inst.capacity_area - c;
                    routed += inst.routed - r;
                }
                _ => {}
            }
        }
        let period_s = cfg.period_ns as f64 / 1e9;
        let datapoint = (measured > 0).then(|| match cfg.metric {
            Metric::Cpu if capacity > 0 => 100.0 * busy as f64 / capacity as f64,
            Metric::Cpu => 0.0,
            Metric::RequestsPerTarget => routed as f64 / measured as f64 / period_s,
        });
        let simple = cfg.policy == Policy::Simple;
        let group = &mut self.services[s].group;
        group.record(datapoint);
        let Some(decision) = decide(cfg, (p.min, p.max), group, cap, now) else {
            return;
        };
        w.note(Note::Scaled {
            service: s as u16,
            policy: cfg.policy,
            metric: cfg.metric,
            target: cfg.target,
            decision,
        });
        w.metrics.scaled();
        group.desired = decision.to;
        if simple {
            group.last_change = Some(now);
        }
        self.reconcile(s, w, out);
    }
}
