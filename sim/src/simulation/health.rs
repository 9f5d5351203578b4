//! Active health checks: each service's load balancer probes its targets
//! every interval, takes one out of service after `unhealthy_threshold`
//! failures in a row and puts it back after `healthy_threshold` successes
//! (AWS ALB's rules). A crashed or hung instance fails its probes; a slow
//! one passes (the health endpoint does no real work), and every probe fails
//! if the round trip inside the data centre exceeds the probe timeout. The
//! probe's answer is judged when it is sent: the round trip is far shorter
//! than any interval, and judging it then needs no second event.

use super::Simulation;
use crate::engine::Event;
use crate::instance::{Condition, Health, Lifecycle};
use crate::log::Note;
use crate::rng::{Purpose, Stream};
use crate::time::SimDuration;

fn probed(l: Lifecycle) -> bool {
    matches!(l, Lifecycle::InService | Lifecycle::Unhealthy)
}

impl Simulation {
    /// (Re)starts instance `i`'s probe chain if its service checks health
    /// and it is registered. The first probe comes at a random point of the
    /// interval, as a real load balancer's probes are not synchronised.
    pub(super) fn start_probes(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        inst.probe_gen = inst.probe_gen.wrapping_add(1);
        inst.probe_streak = 0;
        inst.health = Health::Unchecked;
        let spec = &self.scenario.services[inst.service as usize];
        if !spec.health_check.enabled || !probed(inst.lifecycle) {
            return;
        }
        let interval = SimDuration::from_secs_f64(spec.health_check.interval_s).0;
        let key = inst.ordinal as u64;
        let mut rng = Stream::derive(self.scenario.seed, Purpose::HealthCheck, &spec.name, key);
        let at = self.now + (rng.uniform() * interval as f64) as u64;
        let gen = inst.probe_gen;
        self.queue.push(at, Event::Probe { instance: i, gen });
    }

    /// After a live change of service `s`'s health checks. Instances the
    /// checks had taken out of service go back in if checks are now off.
    pub(super) fn restart_probes(&mut self, s: usize) {
        let enabled = self.scenario.services[s].health_check.enabled;
        for i in 0..self.instances.len() as u32 {
            let inst = &mut self.instances[i as usize];
            if inst.service as usize != s || inst.lifecycle == Lifecycle::Terminated {
                continue;
            }
            let released = !enabled
                && inst.lifecycle == Lifecycle::Unhealthy
                && inst.condition == Condition::Ok;
            if released {
                inst.set_lifecycle(self.now, Lifecycle::InService);
            }
            self.start_probes(i);
        }
        self.refresh_targets(s);
    }

    /// One probe of instance `i`; false if the chain is stale.
    pub(super) fn on_probe(&mut self, i: u32, gen: u32) -> bool {
        let now = self.now;
        let rtt = 2 * self.params.links[1].base_ns;
        let inst = &mut self.instances[i as usize];
        if inst.probe_gen != gen || !probed(inst.lifecycle) {
            return false;
        }
        let s = inst.service as usize;
        let hc = &self.scenario.services[s].health_check;
        let passed = inst.condition == Condition::Ok && (rtt as f64) < hc.timeout_s * 1e9;
        let (result, threshold, next) = if passed {
            (Health::Passing, hc.healthy_threshold, Lifecycle::InService)
        } else {
            (
                Health::Failing,
                hc.unhealthy_threshold,
                Lifecycle::Unhealthy,
            )
        };
        inst.probe_streak = if inst.health == result {
            inst.probe_streak + 1
        } else {
            1
        };
        inst.health = result;
        let interval = SimDuration::from_secs_f64(hc.interval_s).0;
        self.queue
            .push(now + interval, Event::Probe { instance: i, gen });
        if inst.lifecycle != next && inst.probe_streak >= threshold {
            inst.set_lifecycle(now, next);
            let note = Note::HealthChanged {
                instance: inst.id,
                healthy: passed,
                streak: inst.probe_streak,
            };
            self.log.push(now, note);
            self.refresh_targets(s);
        }
        true
    }
}
