//! Faults: random crashes from each service's MTBF and MTTR, the scenario's
//! scheduled faults, and the user's kill, host failure, hang, slow and
//! repair. A crash (of the application process) and a host failure lose
//! the work the instance held: the load balancer answers a crash's broken
//! connections with 502s at once, while a failed host leaves them hanging
//! until the client's or the load balancer's timeout. A hang keeps its work
//! and never finishes it; a slow instance multiplies its service time.

use super::{Condition, Fleets, Lifecycle};
use crate::engine::{Chain, Event, Message};
use crate::log::Note;
use crate::scenario::FaultKind;
use crate::world::World;

impl Fleets {
    /// Crashes an instance, to be repaired after `repair_after_ns` if given.
    /// Returns the 502s its load balancer answers for the work it held.
    pub fn crash(&mut self, i: u32, repair_after_ns: Option<u64>, w: &mut World) -> Vec<Message> {
        let mut out = Vec::new();
        self.crash_into(i, repair_after_ns, w, &mut out);
        self.settle(w);
        out
    }

    fn crash_into(&mut self, i: u32, repair: Option<u64>, w: &mut World, out: &mut Vec<Message>) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return;
        }
        inst.condition = Condition::Crashed;
        // Its memory is gone, per-instance idempotency tokens with it.
        inst.tokens.clear();
        w.note(Note::Crashed(inst.id));
        self.fail_held_work(i, w, out);
        self.after_fault(i, repair, w);
    }

    /// The instance's host fails, to be repaired after `repair_after_ns` if
    /// given: its memory is gone, and its connections, held and new, time
    /// out (nothing answers: no 502s).
    pub fn fail_host(&mut self, i: u32, repair_after_ns: Option<u64>, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return;
        }
        inst.condition = Condition::HostDown;
        inst.condition_since = w.now;
        inst.tokens.clear();
        w.note(Note::HostFailed(inst.id));
        self.lose_held_work(i, w);
        self.after_fault(i, repair_after_ns, w);
        self.settle(w);
    }

    /// Makes an instance hang: it keeps accepting work and never answers.
    pub fn hang(&mut self, i: u32, repair_after_ns: Option<u64>, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated || inst.condition != Condition::Ok {
            return;
        }
        // Work in progress freezes: its completions become stale.
        inst.freeze(w.now);
        inst.bump(Chain::Work);
        w.note(Note::Hung(inst.id));
        self.after_fault(i, repair_after_ns, w);
    }

    /// Multiplies an instance's service time by `factor` from now on.
    pub fn slow(&mut self, i: u32, factor: f64, repair_after_ns: Option<u64>, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return;
        }
        inst.slow_factor = factor;
        w.note(Note::Slowed(inst.id, factor));
        self.after_fault(i, repair_after_ns, w);
    }

    /// Ends the instance's random fault chain and schedules its repair.
    fn after_fault(&mut self, i: u32, repair_after_ns: Option<u64>, w: &mut World) {
        let gen = self.instances[i as usize].bump(Chain::Faults);
        if let Some(d) = repair_after_ns {
            w.queue.push(w.now + d, Event::Repair { instance: i, gen });
        }
    }

    /// Restarts a faulty instance healthy: a hung one loses the work it
    /// held (502s, returned). It registers again with its load balancer
    /// once it is back; with health checks, once they pass.
    pub fn repair(&mut self, i: u32, w: &mut World) -> Vec<Message> {
        let mut out = Vec::new();
        let inst = &mut self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Terminated {
            return out;
        }
        let was = inst.condition;
        inst.condition = Condition::Ok;
        inst.slow_factor = 1.0;
        inst.bump(Chain::Faults);
        let id = inst.id;
        if was == Condition::Hung {
            self.fail_held_work(i, w, &mut out);
            self.instances[i as usize].tokens.clear();
        }
        w.note(Note::Repaired(id));
        if self.instances[i as usize].lifecycle == Lifecycle::Pending {
            // Its boot was cut short by the fault: it boots again.
            self.boot(i, w);
        }
        let inst = &self.instances[i as usize];
        let checked = w.params.services[inst.service as usize].health.enabled;
        if inst.lifecycle == Lifecycle::Unhealthy && !checked {
            self.set_lifecycle(i, Lifecycle::InService, w.now);
        }
        self.schedule_random_fault(i, w);
        self.finish_draining(i, w);
        self.settle(w);
        out
    }

    /// Schedules the next random crash from the service's MTBF.
    pub(super) fn schedule_random_fault(&mut self, i: u32, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        let mtbf = w.params.services[inst.service as usize].mtbf_ns;
        if mtbf > 0.0 && inst.lifecycle != Lifecycle::Terminated {
            let at = w.now + inst.failures.time_to_failure(mtbf);
            let gen = inst.gen(Chain::Faults);
            w.queue.push(at, Event::RandomFault { instance: i, gen });
        }
    }

    /// A random crash, repaired after a time drawn from the service's MTTR.
    pub fn on_random_fault(&mut self, i: u32, w: &mut World) -> Vec<Message> {
        let inst = &mut self.instances[i as usize];
        let mttr = w.params.services[inst.service as usize].mttr_ns;
        let repair = inst.failures.time_to_repair(mttr);
        self.crash(i, Some(repair), w)
    }

    /// The scenario's scheduled fault number `index` happens.
    pub fn on_scheduled_fault(&mut self, index: usize, w: &mut World) -> Vec<Message> {
        let f = w.params.faults[index];
        let mut out = Vec::new();
        let hit: Vec<u32> = (0..self.instances.len() as u32)
            .filter(|&k| {
                let i = &self.instances[k as usize];
                i.lifecycle != Lifecycle::Terminated
                    && f.service.is_none_or(|s| s == i.service as usize)
                    && f.instance.is_none_or(|o| o == i.ordinal)
                    && f.zone.is_none_or(|z| z == i.zone)
            })
            .collect();
        if let (Some(z), None) = (f.zone, f.service) {
            let until = f.repair_after_ns.map_or(u64::MAX, |r| w.now + r);
            self.zone_down(z, until, w);
        }
        for i in hit {
            match f.kind {
                FaultKind::Crash => self.crash_into(i, f.repair_after_ns, w, &mut out),
                FaultKind::InstanceFailure => self.fail_host(i, f.repair_after_ns, w),
                FaultKind::Hang => self.hang(i, f.repair_after_ns, w),
                FaultKind::Slow => self.slow(i, f.factor, f.repair_after_ns, w),
                // Not an instance's: the simulation hands it to the database.
                FaultKind::DatabaseFailure => {}
            }
        }
        self.settle(w);
        out
    }

    /// The host of every live instance in zone `z` fails, each repaired
    /// after `duration_ns`; groups launch nothing there until then.
    pub fn zone_outage(&mut self, z: u8, duration_ns: u64, w: &mut World) {
        self.zone_down(z, w.now + duration_ns, w);
        for i in 0..self.instances.len() as u32 {
            let inst = &self.instances[i as usize];
            if inst.zone == z && inst.lifecycle != Lifecycle::Terminated {
                self.fail_host(i, Some(duration_ns), w);
            }
        }
    }

    /// Crashes every live instance of service `s`, each repaired after
    /// `duration_ns`.
    pub fn outage(&mut self, s: usize, duration_ns: u64, w: &mut World) -> Vec<Message> {
        let mut out = Vec::new();
        for i in self.live(s) {
            self.crash_into(i, Some(duration_ns), w, &mut out);
        }
        self.settle(w);
        out
    }

    /// Healthy instances of service `s` draw their next random crash from
    /// the service's new fault rates.
    pub fn restart_fault_chains(&mut self, s: usize, w: &mut World) {
        for i in self.live(s) {
            let inst = &mut self.instances[i as usize];
            if inst.condition == Condition::Ok {
                inst.bump(Chain::Faults);
                self.schedule_random_fault(i, w);
            }
        }
    }
}
