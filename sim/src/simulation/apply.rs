//! Applying live changes: the scenario is edited and recompiled, and the
//! running state is adjusted to it from the current time on.

use super::Simulation;
use crate::change::Change;
use crate::instance::{InstanceId, Lifecycle};
use crate::log::Note;
use crate::params::Params;
use crate::scenario::{Scenario, ScenarioError};
use crate::time::SimDuration;

impl Simulation {
    /// Applies a change from `now()` on. Errors leave the simulation as it was.
    pub fn apply(&mut self, change: Change) -> Result<(), ScenarioError> {
        match change {
            Change::Set { path, value } => {
                let mut next = self.scenario.clone();
                next.set(&path, &value)?;
                if let Some(what) = needs_restart(&self.scenario, &next) {
                    return Err(ScenarioError::NeedsRestart(what.to_string()));
                }
                let old = std::mem::replace(&mut self.scenario, next);
                self.reconfigure(&old);
                self.log.push(self.now, Note::Changed { path, value });
            }
            Change::KillInstance(id) => {
                let i = self.find(id)?;
                self.crash(i, None);
            }
            Change::HangInstance(id) => {
                let i = self.find(id)?;
                self.hang(i, None);
            }
            Change::SlowInstance(id, factor) => {
                if !(factor.is_finite() && factor > 0.0 && factor <= 1000.0) {
                    return Err(ScenarioError::BadValue {
                        path: "slow factor".into(),
                        message: format!("must be greater than 0 and at most 1000, got {factor}"),
                    });
                }
                let i = self.find(id)?;
                self.slow(i, factor, None);
            }
            Change::RepairInstance(id) => {
                let i = self.find(id)?;
                self.repair(i);
            }
            Change::ServiceOutage { service, duration } => {
                let s = self
                    .scenario
                    .service_index(&service)
                    .ok_or_else(|| ScenarioError::NotFound(format!("service \"{service}\"")))?;
                self.log.push(
                    self.now,
                    Note::Outage {
                        service: s as u16,
                        seconds: duration.as_secs_f64(),
                    },
                );
                for i in 0..self.instances.len() as u32 {
                    let inst = &self.instances[i as usize];
                    if inst.service as usize == s && inst.lifecycle != Lifecycle::Terminated {
                        self.crash(i, Some(duration.0.max(1)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Slab index of a live instance.
    fn find(&self, id: InstanceId) -> Result<u32, ScenarioError> {
        self.instances
            .iter()
            .position(|i| i.id == id && i.lifecycle != Lifecycle::Terminated)
            .map(|k| k as u32)
            .ok_or_else(|| ScenarioError::NotFound(format!("instance {id}")))
    }

    /// Recompiles the parameters and adjusts the running state to them.
    fn reconfigure(&mut self, old_scenario: &Scenario) {
        let old = std::mem::replace(&mut self.params, Params::new(&self.scenario));
        for (link, p) in self.links.iter_mut().zip(self.params.links) {
            link.params = p;
        }
        let (t, o) = (&self.params.traffic, &old.traffic);
        if t.rate_rps != o.rate_rps || t.shape != o.shape {
            // Poisson arrivals are memoryless: restarting them now at the new
            // rate is exact.
            self.arrival_gen = self.arrival_gen.wrapping_add(1);
            self.schedule_arrival();
        }
        self.start_users();
        for s in 0..self.params.services.len() {
            let (p, o) = (&self.params.services[s], &old.services[s]);
            let (workers, algorithm) = (p.workers, p.balancer);
            let restart_faults = p.mtbf_ns != o.mtbf_ns || p.mttr_ns != o.mttr_ns;
            let (spec, was) = (&self.scenario.services[s], &old_scenario.services[s]);
            let group = &mut self.groups[s];
            let mut desired = group.desired;
            if p.desired != o.desired {
                desired = p.desired; // the user set it
            }
            desired = desired.clamp(spec.min(), spec.max());
            let resize = desired != group.desired;
            group.desired = desired;
            if spec.scaling.period_s != was.scaling.period_s {
                group.next_evaluation =
                    self.now + SimDuration::from_secs_f64(spec.scaling.period_s).0;
            }
            let probes = spec.health_check != was.health_check;
            let repin = algorithm == crate::scenario::Balancer::None
                && self.balancers[s].algorithm != algorithm;
            self.balancers[s].algorithm = algorithm;
            if repin {
                // Switching the load balancer off hands clients the address
                // of the oldest instance there is now.
                self.balancers[s].fixed = None;
                self.refresh_targets(s);
            }
            for i in 0..self.instances.len() as u32 {
                let inst = &mut self.instances[i as usize];
                if inst.service as usize != s || inst.lifecycle == Lifecycle::Terminated {
                    continue;
                }
                let more_workers = inst.workers != workers;
                inst.set_workers(self.now, workers);
                let healthy = inst.condition == crate::instance::Condition::Ok;
                if restart_faults && healthy {
                    inst.fault_gen = inst.fault_gen.wrapping_add(1);
                    self.schedule_random_fault(i);
                }
                if more_workers {
                    self.start_queued(i);
                }
            }
            if resize {
                self.reconcile(s);
            }
            if probes {
                self.restart_probes(s);
            }
            self.refresh_targets(s);
        }
        self.db.touch(self.now);
        self.db.connections = self.params.db.connections;
        self.start_queries();
    }
}

/// The first part of the scenario that changed and cannot change live.
fn needs_restart(
    old: &crate::scenario::Scenario,
    new: &crate::scenario::Scenario,
) -> Option<&'static str> {
    if old.seed != new.seed {
        return Some("seed");
    }
    let names = |s: &crate::scenario::Scenario| -> Vec<String> {
        s.services.iter().map(|v| v.name.clone()).collect()
    };
    if names(old) != names(new) {
        return Some("the list of services");
    }
    if old.faults != new.faults {
        return Some("the scheduled faults");
    }
    // Requests in flight refer to their kind by its place in the mix.
    let kinds = |s: &crate::scenario::Scenario| -> Vec<crate::scenario::RequestKind> {
        s.traffic.mix.iter().map(|m| m.kind).collect()
    };
    if kinds(old) != kinds(new) {
        return Some("the list of request kinds in traffic.mix");
    }
    None
}
