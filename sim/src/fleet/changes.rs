//! Live changes of a service's settings that the running fleet must act on
//! (see `params::Effect`); everything else is read from the parameters when
//! next needed.

use super::Fleets;
use crate::engine::Message;
use crate::world::World;

impl Fleets {
    /// Every live instance of service `s` takes the service's new worker
    /// count; queued work starts at once on new workers.
    pub fn set_workers(&mut self, s: usize, w: &mut World) {
        let workers = w.params.services[s].workers;
        for i in self.live(s) {
            let inst = &mut self.instances[i as usize];
            let more = inst.workers != workers;
            inst.set_workers(w.now, workers);
            if more {
                self.start_queued(i, w);
            }
        }
    }

    /// Service `s`'s load balancer takes its new algorithm.
    pub fn set_algorithm(&mut self, s: usize, w: &mut World) {
        let fleet = &mut self.services[s];
        fleet.balancer.set_algorithm(w.params.services[s].balancer);
        // Switched off, it hands out the oldest instance's address.
        self.unsettled.insert(s);
        self.settle(w);
    }

    /// The user set service `s`'s desired capacity or its limits: the
    /// group keeps its own desired capacity unless the user changed it,
    /// clamped to the limits, and launches or drains to reach it.
    pub fn resize(&mut self, s: usize, user_changed_desired: bool, w: &mut World) -> Vec<Message> {
        let p = &w.params.services[s];
        let group = &mut self.services[s].group;
        let wanted = if user_changed_desired {
            p.desired
        } else {
            group.desired
        };
        let desired = wanted.clamp(p.min, p.max);
        let mut out = Vec::new();
        if desired != group.desired {
            group.desired = desired;
            self.reconcile(s, w, &mut out);
            self.settle(w);
        }
        out
    }

    /// Service `s`'s scaling period changed: the next datapoint is a whole
    /// new period from now, and the alarms start again from no data.
    pub fn restart_period(&mut self, s: usize, w: &World) {
        let next = w.now + w.params.services[s].scaling.period_ns;
        self.services[s].group.restart(next);
    }
}
