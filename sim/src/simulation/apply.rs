//! Applying live changes: the scenario is edited and recompiled, and the
//! parts of the model act on what the new parameters mean for them
//! (`Params::diff`), from the current time on.

use super::Simulation;
use crate::change::Change;
use crate::fleet::InstanceId;
use crate::log::Note;
use crate::params::{Effect, Params};
use crate::scenario::ScenarioError;

impl Simulation {
    /// Applies a change from `now()` on. Errors leave the simulation as it was.
    pub fn apply(&mut self, change: Change) -> Result<(), ScenarioError> {
        match change {
            Change::Set { path, value } => {
                let mut next = self.scenario.clone();
                next.set(&path, &value)?;
                let params = Params::new(&next);
                let effects = params
                    .diff(&self.world.params)
                    .map_err(|what| ScenarioError::NeedsRestart(what.to_string()))?;
                self.scenario = next;
                self.world.params = params;
                for effect in effects {
                    self.take(effect);
                }
                self.world.note(Note::Changed { path, value });
            }
            Change::KillInstance(id) => {
                let i = self.find(id)?;
                let failed = self.fleets.crash(i, None, &mut self.world);
                self.send_all(failed);
            }
            Change::FailInstance(id) => {
                let i = self.find(id)?;
                self.fleets.fail_host(i, None, &mut self.world);
            }
            Change::HangInstance(id) => {
                let i = self.find(id)?;
                self.fleets.hang(i, None, &mut self.world);
            }
            Change::SlowInstance(id, factor) => {
                if !(factor.is_finite() && factor > 0.0 && factor <= 1000.0) {
                    return Err(ScenarioError::BadValue {
                        path: "slow factor".into(),
                        message: format!("must be greater than 0 and at most 1000, got {factor}"),
                    });
                }
                let i = self.find(id)?;
                self.fleets.slow(i, factor, None, &mut self.world);
            }
            Change::RepairInstance(id) => {
                let i = self.find(id)?;
                let failed = self.fleets.repair(i, &mut self.world);
                self.send_all(failed);
            }
            Change::FailDatabase { duration } => {
                let lost = self.database.fail(Some(duration.0.max(1)), &mut self.world);
                self.send_all(lost);
            }
            Change::ZoneOutage { zone, duration } => {
                let zones = self.world.params.zones as u32;
                if zone >= zones {
                    return Err(ScenarioError::NotFound(format!(
                        "zone {zone} (the deployment spans {zones} zones, numbered from 0)"
                    )));
                }
                self.fleets
                    .zone_outage(zone as u8, duration.0.max(1), &mut self.world);
                self.zone_took_the_database(zone as u8, Some(duration.0.max(1)));
            }
            Change::ByOther(mut change) => {
                change.at_s = self.now().as_secs_f64();
                let mut next = self.scenario.clone();
                next.changes_by_others.push(change);
                next.validate().map_err(ScenarioError::Invalid)?;
                // Only the list grew: every other parameter is as it was.
                self.world.params = Params::new(&next);
                self.scenario = next;
                let index = (self.scenario.changes_by_others.len() - 1) as u32;
                let failed = self
                    .fleets
                    .on_change_by_other(index, false, &mut self.world);
                self.send_all(failed);
            }
            Change::ServiceOutage { service, duration } => {
                let s = self
                    .scenario
                    .service_index(&service)
                    .ok_or_else(|| ScenarioError::NotFound(format!("service \"{service}\"")))?;
                let seconds = duration.as_secs_f64();
                let w = &mut self.world;
                w.note(Note::Outage {
                    service: s as u16,
                    seconds,
                });
                let failed = self.fleets.outage(s, duration.0.max(1), w);
                self.send_all(failed);
            }
        }
        Ok(())
    }

    /// Slot of a live instance.
    fn find(&self, id: InstanceId) -> Result<u32, ScenarioError> {
        self.fleets
            .find(id)
            .ok_or_else(|| ScenarioError::NotFound(format!("instance {id}")))
    }

    /// Has the part of the model concerned act on one effect of a change.
    fn take(&mut self, effect: Effect) {
        let w = &mut self.world;
        match effect {
            Effect::RestartArrivals => self.clients.restart_arrivals(w),
            Effect::Population => self.clients.resize_population(w),
            Effect::ScalingPeriod(s) => self.fleets.restart_period(s, w),
            Effect::Balancer(s) => self.fleets.set_algorithm(s, w),
            Effect::Workers(s) => self.fleets.set_workers(s, w),
            Effect::FaultRates(s) => self.fleets.restart_fault_chains(s, w),
            Effect::Capacity { service, desired } => {
                let failed = self.fleets.resize(service, desired, w);
                self.send_all(failed);
            }
            Effect::HealthChecks(s) => self.fleets.restart_probes(s, w),
            Effect::Zones => self.fleets.restart_zones(w),
            Effect::Connections => self.database.set_connections(w),
            Effect::DatabaseFaultRates => self.database.restart_failures(w),
            Effect::Replicas => self.database.set_replicas(w),
            Effect::CircuitBreakers => self.clients.restart_breakers(),
            Effect::RetryThrottle => self.clients.restart_throttles(w),
        }
    }
}
