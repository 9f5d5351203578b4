//! Active health checks: each service's load balancer probes its targets
//! every interval, takes one out of service after `unhealthy_threshold`
//! failures in a row and puts it back after `healthy_threshold` successes
//! (AWS ALB's rules). A crashed or hung instance fails its probes; a slow
//! one passes (the health endpoint does no real work), and every probe fails
//! if the round trip inside the data centre exceeds the probe timeout. The
//! probe's answer is judged when it is sent: the round trip is far shorter
//! than any interval, and judging it then needs no second event.

use super::{Condition, Fleets, Health, Lifecycle};
use crate::engine::{Chain, Event};
use crate::log::Note;
use crate::rng::{Purpose, Stream};
use crate::world::World;

impl Fleets {
    /// (Re)starts instance `i`'s probe chain if its service checks health
    /// and it is registered. The first probe comes at a random point of the
    /// interval, as a real load balancer's probes are not synchronised.
    pub(super) fn start_probes(&mut self, i: u32, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        let gen = inst.bump(Chain::Probes);
        inst.probe_streak = 0;
        inst.health = Health::Unchecked;
        let p = &w.params.services[inst.service as usize];
        if !p.health.enabled || !inst.probed() {
            return;
        }
        let interval = p.health.interval_ns;
        let key = inst.ordinal as u64;
        let mut rng = Stream::derive(w.params.seed, Purpose::HealthCheck, &p.name, key);
        let at = w.now + (rng.uniform() * interval as f64) as u64;
        w.queue.push(at, Event::Probe { instance: i, gen });
    }

    /// After a live change of service `s`'s health checks. Instances the
    /// checks had taken out of service go back in if checks are now off.
    pub fn restart_probes(&mut self, s: usize, w: &mut World) {
        let enabled = w.params.services[s].health.enabled;
        for i in self.live(s) {
            let inst = &self.instances[i as usize];
            let released = !enabled
                && inst.lifecycle == Lifecycle::Unhealthy
                && inst.condition == Condition::Ok;
            if released {
                self.set_lifecycle(i, Lifecycle::InService, w.now);
            }
            self.start_probes(i, w);
        }
        self.settle(w);
    }

    /// One probe of instance `i`.
    pub fn on_probe(&mut self, i: u32, w: &mut World) {
        let now = w.now;
        let rtt = 2 * w.params.links[1].base_ns;
        let inst = &mut self.instances[i as usize];
        let hc = w.params.services[inst.service as usize].health;
        let passed = inst.condition == Condition::Ok && rtt < hc.timeout_ns;
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
        let gen = inst.gen(Chain::Probes);
        w.queue
            .push(now + hc.interval_ns, Event::Probe { instance: i, gen });
        if inst.lifecycle != next && inst.probe_streak >= threshold {
            let note = Note::HealthChanged {
                instance: inst.id,
                healthy: passed,
                streak: inst.probe_streak,
            };
            self.set_lifecycle(i, next, now);
            w.note(note);
            self.settle(w);
        }
    }
}
