//! Instance lifecycles, the service groups that keep their capacity, and
//! faults (random, scheduled or from the user). Issue 4's health checks and
//! scaling policies drive the same operations: `launch`, `drain` (which
//! terminates once idle), `unreachable`, `repair`, and `refresh_targets`
//! after any lifecycle change.

use super::Simulation;
use crate::engine::{Event, Leg, Message};
use crate::instance::{Condition, Instance, InstanceId, Lifecycle};
use crate::log::Note;
use crate::metrics::lifecycle_index;
use crate::request::Status;
use crate::scenario::{Balancer as Algorithm, FaultKind};
use crate::time::NANOS_PER_SEC;

impl Simulation {
    /// Launches a new instance of service `s` with a fresh id and address,
    /// in service at once (`booted`) or after the service's boot time.
    pub(super) fn launch(&mut self, s: usize, booted: bool) {
        let id = InstanceId(self.next_instance);
        self.next_instance += 1;
        let ordinal = self.launches[s];
        self.launches[s] += 1;
        let fresh = Instance::new(
            self.scenario.seed,
            id,
            s as u16,
            &self.scenario.services[s].name,
            ordinal,
            self.params.services[s].workers,
            self.now,
            booted,
        );
        let slot = match self
            .instances
            .iter()
            .position(|i| i.lifecycle == Lifecycle::Terminated)
        {
            Some(k) => {
                let old = &self.instances[k];
                self.retired_billed_ns += old.billed_ns(self.now);
                let area = &mut self.retired_areas[old.service as usize];
                area.0 += old.cpu_area;
                area.1 += old.capacity_area;
                // Messages still addressed to the old occupant carry its
                // epoch; keep counting up so they stay stale.
                let mut inst = fresh;
                inst.epoch = old.epoch.wrapping_add(1);
                inst.fault_gen = old.fault_gen.wrapping_add(1);
                self.instances[k] = inst;
                k as u32
            }
            None => {
                self.instances.push(fresh);
                (self.instances.len() - 1) as u32
            }
        };
        self.log.push(self.now, Note::Launched(id));
        self.metrics.totals.instances_launched += 1;
        if booted {
            self.start_probes(slot);
        } else {
            let epoch = self.instances[slot as usize].epoch;
            let at = self.now + self.params.services[s].boot_ns;
            self.queue.push(
                at,
                Event::Booted {
                    instance: slot,
                    epoch,
                },
            );
        }
        self.schedule_random_fault(slot);
    }

    pub(super) fn on_booted(&mut self, i: u32, epoch: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.epoch == epoch && inst.lifecycle == Lifecycle::Pending {
            inst.set_lifecycle(self.now, Lifecycle::InService);
            let (id, s) = (inst.id, inst.service as usize);
            self.log.push(self.now, Note::InService(id));
            self.start_probes(i);
            self.refresh_targets(s);
        }
    }

    /// Rebuilds service `s`'s target list from its instances' lifecycles.
    pub(super) fn refresh_targets(&mut self, s: usize) {
        let lb = &mut self.balancers[s];
        let had = !lb.targets.is_empty();
        lb.targets.clear();
        let mut fixed: Option<(u32, u32)> = None; // (slot, ordinal)
        for (k, inst) in self.instances.iter().enumerate() {
            if inst.service as usize != s {
                continue;
            }
            if inst.is_target() {
                lb.targets.push(k as u32);
            }
            if inst.lifecycle != Lifecycle::Terminated
                && fixed.is_none_or(|(_, ordinal)| inst.ordinal < ordinal)
            {
                fixed = Some((k as u32, inst.ordinal));
            }
        }
        // Without a load balancer clients are given the oldest instance's
        // address once and keep it: when that instance is terminated (replaced
        // or scaled in) the address is dead and their requests fail. Fallacy
        // 5: don't rely on static IPs.
        if lb.fixed.is_none() {
            lb.fixed = fixed.map(|(k, _)| (k, self.instances[k as usize].id));
        }
        if had && lb.targets.is_empty() && lb.algorithm != Algorithm::None {
            self.log
                .push(self.now, Note::NoTargets { service: s as u16 });
        }
    }

    /// Brings service `s` to its group's desired capacity: launches, or
    /// drains the broken and unhealthy first and then the oldest.
    pub(super) fn reconcile(&mut self, s: usize) {
        let desired = self.groups[s].desired as usize;
        let boot_now = self.params.services[s].boot_ns == 0;
        let active = |sim: &Simulation| -> Vec<u32> {
            let mut v: Vec<u32> = (0..sim.instances.len() as u32)
                .filter(|&k| {
                    let i = &sim.instances[k as usize];
                    i.service as usize == s
                        && matches!(
                            i.lifecycle,
                            Lifecycle::Pending | Lifecycle::InService | Lifecycle::Unhealthy
                        )
                })
                .collect();
            v.sort_by_key(|&k| {
                let i = &sim.instances[k as usize];
                let healthy = i.condition == Condition::Ok && i.lifecycle != Lifecycle::Unhealthy;
                (healthy, i.ordinal)
            });
            v
        };
        let current = active(self);
        for &k in current.iter().take(current.len().saturating_sub(desired)) {
            self.drain(k);
        }
        for _ in current.len()..desired {
            self.launch(s, boot_now);
        }
        self.refresh_targets(s);
    }

    /// Stops routing to an instance; it stops once its work is done, or
    /// when the deregistration delay runs out. A broken instance has no
    /// work worth waiting for and stops at once.
    pub(super) fn drain(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        inst.set_lifecycle(self.now, Lifecycle::Draining);
        let (id, broken) = (inst.id, inst.condition != Condition::Ok);
        self.log.push(self.now, Note::Draining(id));
        if broken {
            self.fail_held_work(i);
        }
        self.finish_draining(i);
        let inst = &self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Draining {
            let s = inst.service as usize;
            let delay = self.scenario.services[s]
                .health_check
                .deregistration_delay_s;
            let at = self.now + crate::time::SimDuration::from_secs_f64(delay).0;
            let id = inst.id.0;
            self.queue
                .push(at, Event::DrainDeadline { instance: i, id });
        }
    }

    /// The deregistration delay is over: work still held is cut off.
    pub(super) fn on_drain_deadline(&mut self, i: u32, id: u32) -> bool {
        let inst = &self.instances[i as usize];
        if inst.id.0 != id || inst.lifecycle != Lifecycle::Draining {
            return false;
        }
        let id = inst.id;
        self.log.push(self.now, Note::DrainTimedOut(id));
        self.fail_held_work(i);
        self.finish_draining(i);
        true
    }

    /// Terminates a draining instance once it is idle.
    pub(super) fn finish_draining(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Draining && inst.is_idle() {
            inst.set_lifecycle(self.now, Lifecycle::Terminated);
            inst.epoch = inst.epoch.wrapping_add(1);
            inst.fault_gen = inst.fault_gen.wrapping_add(1);
            let (id, s) = (inst.id, inst.service as usize);
            self.log.push(self.now, Note::Terminated(id));
            self.metrics.totals.instances_terminated += 1;
            self.refresh_targets(s);
        }
    }

    /// The load balancer saw a connection to the instance fail: it stops
    /// routing to it until it is repaired (passive health checking).
    pub(super) fn unreachable(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::InService {
            inst.set_lifecycle(self.now, Lifecycle::Unhealthy);
            let (id, s) = (inst.id, inst.service as usize);
            self.log.push(self.now, Note::Unreachable(id));
            self.refresh_targets(s);
        }
    }

    /// Work held by an instance is lost: the load balancer sees each
    /// connection break and answers the client with a 502.
    fn fail_held_work(&mut self, i: u32) {
        let now = self.now;
        let inst = &mut self.instances[i as usize];
        let jobs = inst.drain_jobs(now);
        let crashed = inst.condition == Condition::Crashed && !jobs.is_empty();
        inst.epoch = inst.epoch.wrapping_add(1);
        inst.outstanding = inst.outstanding.saturating_sub(jobs.len() as u32);
        let (service, epoch, target) = (inst.service, inst.epoch, inst.id.0);
        if let Some(store) = self.token_store(i) {
            for job in &jobs {
                store.forget(job.token);
            }
        }
        for job in jobs {
            self.send(Message {
                attempt: job.attempt,
                token: job.token,
                sent_at: now,
                instance: i,
                target,
                epoch,
                slot: 0,
                service: service as u8,
                kind: job.kind,
                leg: Leg::LbToClient,
                status: Status::ConnectionError,
                lost: false,
                marks: job.marks,
            });
        }
        if crashed {
            self.unreachable(i);
        }
    }

    /// Crashes an instance, to be repaired after `repair_after_ns` if given.
    pub(super) fn crash(&mut self, i: u32, repair_after_ns: Option<u64>) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return;
        }
        inst.condition = Condition::Crashed;
        // Its memory is gone, per-instance idempotency tokens with it.
        inst.tokens.clear();
        let id = inst.id;
        self.log.push(self.now, Note::Crashed(id));
        self.fail_held_work(i);
        self.after_fault(i, repair_after_ns);
    }

    pub(super) fn hang(&mut self, i: u32, repair_after_ns: Option<u64>) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated || inst.condition != Condition::Ok {
            return;
        }
        // Work in progress freezes: its completions become stale.
        inst.freeze(self.now);
        inst.epoch = inst.epoch.wrapping_add(1);
        let id = inst.id;
        self.log.push(self.now, Note::Hung(id));
        self.after_fault(i, repair_after_ns);
    }

    pub(super) fn slow(&mut self, i: u32, factor: f64, repair_after_ns: Option<u64>) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return;
        }
        inst.slow_factor = factor;
        let id = inst.id;
        self.log.push(self.now, Note::Slowed(id, factor));
        self.after_fault(i, repair_after_ns);
    }

    /// Ends the instance's random fault chain and schedules its repair.
    fn after_fault(&mut self, i: u32, repair_after_ns: Option<u64>) {
        let inst = &mut self.instances[i as usize];
        inst.fault_gen = inst.fault_gen.wrapping_add(1);
        let gen = inst.fault_gen;
        if let Some(d) = repair_after_ns {
            self.queue
                .push(self.now + d, Event::Repair { instance: i, gen });
        }
    }

    /// Restarts a faulty instance: a hung one loses the work it held.
    pub(super) fn repair(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return;
        }
        let was = inst.condition;
        inst.condition = Condition::Ok;
        inst.slow_factor = 1.0;
        inst.fault_gen = inst.fault_gen.wrapping_add(1);
        let id = inst.id;
        if was == Condition::Hung {
            self.fail_held_work(i);
            self.instances[i as usize].tokens.clear();
        }
        self.log.push(self.now, Note::Repaired(id));
        // It registers again with its load balancer once it is back; with
        // health checks, once they pass.
        let inst = &mut self.instances[i as usize];
        let checked = self.scenario.services[inst.service as usize]
            .health_check
            .enabled;
        if inst.lifecycle == Lifecycle::Unhealthy && !checked {
            inst.set_lifecycle(self.now, Lifecycle::InService);
            let s = inst.service as usize;
            self.refresh_targets(s);
        }
        self.schedule_random_fault(i);
        self.finish_draining(i);
    }

    /// Schedules the next random crash from the service's MTBF.
    pub(super) fn schedule_random_fault(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        let mtbf = self.params.services[inst.service as usize].mtbf_ns;
        if mtbf > 0.0 && inst.lifecycle != Lifecycle::Terminated {
            let at = self.now + inst.fault_rng.exponential(mtbf) as u64;
            let gen = inst.fault_gen;
            self.queue.push(at, Event::RandomFault { instance: i, gen });
        }
    }

    pub(super) fn on_random_fault(&mut self, i: u32, gen: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.fault_gen != gen || inst.condition != Condition::Ok {
            return;
        }
        let mttr = self.params.services[inst.service as usize].mttr_ns;
        let repair = inst.fault_rng.exponential(mttr) as u64;
        self.crash(i, Some(repair));
    }

    pub(super) fn on_scheduled_fault(&mut self, index: usize) {
        let f = self.scenario.faults[index].clone();
        let Some(s) = self.scenario.service_index(&f.service) else {
            return;
        };
        let repair = f
            .repair_after_s
            .map(|r| crate::time::SimDuration::from_secs_f64(r).0);
        let targets: Vec<u32> = (0..self.instances.len() as u32)
            .filter(|&k| {
                let i = &self.instances[k as usize];
                i.service as usize == s
                    && i.lifecycle != Lifecycle::Terminated
                    && f.instance.is_none_or(|o| o == i.ordinal)
            })
            .collect();
        for i in targets {
            match f.kind {
                FaultKind::Crash => self.crash(i, repair),
                FaultKind::Hang => self.hang(i, repair),
                FaultKind::Slow => self.slow(i, f.factor, repair),
            }
        }
    }

    /// Closes the metrics second with the state only the simulation knows.
    pub(super) fn close_second(&mut self) {
        let now = self.now;
        let n = self.scenario.services.len();
        let mut busy = vec![0u64; n];
        let mut capacity = vec![0u64; n];
        let mut counts = [0u32; 5];
        let mut in_service = vec![0u32; n];
        let mut healthy = vec![0u32; n];
        for inst in &mut self.instances {
            inst.touch(now);
            let s = inst.service as usize;
            busy[s] += inst.cpu_area - inst.cpu_area_at_tick;
            capacity[s] += inst.capacity_area - inst.capacity_area_at_tick;
            inst.cpu_area_at_tick = inst.cpu_area;
            inst.capacity_area_at_tick = inst.capacity_area;
            counts[lifecycle_index(inst.lifecycle)] += 1;
            let serving = matches!(inst.lifecycle, Lifecycle::InService | Lifecycle::Unhealthy);
            in_service[s] += serving as u32;
            healthy[s] += (inst.is_target() && inst.condition == Condition::Ok) as u32;
        }
        let desired = self.groups.iter().map(|g| g.desired).collect();
        self.db.touch(now);
        let db_util = self.db.utilisation(false);
        self.db.busy_area_at_tick = self.db.busy_area;
        self.db.capacity_area_at_tick = self.db.capacity_area;
        let cost = self.cost().total_usd;
        let in_flight = self.requests.len() as u64;
        self.metrics
            .close_second(now as f64 / NANOS_PER_SEC as f64, |sample| {
                sample.utilisation = busy
                    .iter()
                    .zip(&capacity)
                    .map(|(&b, &c)| if c == 0 { 0.0 } else { b as f64 / c as f64 })
                    .collect();
                sample.database_utilisation = db_util;
                sample.instances = counts;
                sample.desired = desired;
                sample.in_service = in_service;
                sample.healthy = healthy;
                sample.in_flight = in_flight;
                sample.cost_usd = cost;
            });
    }
}
