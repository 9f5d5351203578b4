//! Instance lifecycles and the groups that keep their capacity: launch,
//! boot, drain (which terminates once idle, or when the deregistration
//! delay runs out), and `reconcile`, which brings a group to its desired
//! capacity. Health checks, scaling policies, faults and the user all drive
//! these same verbs.

use super::instance::{Instance, Job};
use super::{Condition, Fleets, InstanceId, Lifecycle};
use crate::engine::{Chain, Event, Leg, Message};
use crate::log::Note;
use crate::request::Status;
use crate::world::World;

impl Fleets {
    /// Launches a new instance of service `s` with a fresh id and address.
    /// One of the fleet the run starts with (`deployed`) is in service at
    /// once; any other registers with its load balancer after the service's
    /// boot time.
    pub(super) fn launch(&mut self, s: usize, deployed: bool, w: &mut World) {
        let id = InstanceId(self.next_instance);
        self.next_instance += 1;
        let fleet = &mut self.services[s];
        let ordinal = fleet.launches;
        fleet.launches += 1;
        let p = &w.params.services[s];
        let mut fresh = Instance::new(
            w.params.seed,
            id,
            s as u16,
            &p.name,
            ordinal,
            p.workers,
            w.now,
            if deployed {
                Lifecycle::InService
            } else {
                Lifecycle::Pending
            },
        );
        fresh.zone = self.zone_for_launch(s, w);
        fresh.blocked = self.path_blocked(s, fresh.zone);
        let reused = self
            .instances
            .iter()
            .position(|i| i.lifecycle == Lifecycle::Terminated);
        let slot = match reused {
            Some(k) => {
                let old = &self.instances[k];
                self.retired_billed_ns += old.billed_ns(w.now);
                let area = &mut self.services[old.service as usize].retired_area;
                area.0 += old.cpu_area;
                area.1 += old.capacity_area;
                fresh.succeed(old);
                self.instances[k] = fresh;
                k as u32
            }
            None => {
                self.instances.push(fresh);
                (self.instances.len() - 1) as u32
            }
        };
        w.note(Note::Launched(id));
        w.metrics.launched();
        let boot = w.params.services[s].boot_ns;
        if deployed {
            self.unsettled.insert(s);
            self.start_probes(slot, w);
        } else if boot == 0 {
            self.register(slot, w);
        } else {
            self.boot(slot, w);
        }
        self.schedule_random_fault(slot, w);
    }

    /// Starts a pending instance's boot: it registers after the service's
    /// boot time, unless a fault cuts the boot short.
    pub(super) fn boot(&mut self, i: u32, w: &mut World) {
        let inst = &self.instances[i as usize];
        let gen = inst.gen(Chain::Work);
        let at = w.now + w.params.services[inst.service as usize].boot_ns;
        w.queue.push(at, Event::Booted { instance: i, gen });
    }

    /// A pending instance finished booting: it registers with its load
    /// balancer.
    pub fn on_booted(&mut self, i: u32, w: &mut World) {
        self.register(i, w);
        self.settle(w);
    }

    /// Registers a booted instance with its load balancer: with health
    /// checks it receives traffic only once it passes one (ALB), without
    /// them at once.
    fn register(&mut self, i: u32, w: &mut World) {
        let service = self.instances[i as usize].service as usize;
        if w.params.services[service].health.enabled {
            self.set_lifecycle(i, Lifecycle::Initial, w.now);
        } else {
            self.set_lifecycle(i, Lifecycle::InService, w.now);
            w.note(Note::InService(self.instances[i as usize].id));
        }
        self.start_probes(i, w);
    }

    /// Brings service `s` to its group's desired capacity: launches, or
    /// drains the broken and unhealthy first (oldest first), then the
    /// oldest in the zone with most instances.
    pub(super) fn reconcile(&mut self, s: usize, w: &mut World, out: &mut Vec<Message>) {
        let desired = self.services[s].group.desired as usize;
        let current: Vec<u32> = (0..self.instances.len() as u32)
            .filter(|&k| {
                let i = &self.instances[k as usize];
                i.service as usize == s && i.counted()
            })
            .collect();
        let (mut broken, mut healthy): (Vec<u32>, Vec<u32>) = current.iter().partition(|&&k| {
            let i = &self.instances[k as usize];
            i.condition != Condition::Ok || i.lifecycle == Lifecycle::Unhealthy
        });
        for _ in desired..current.len() {
            let oldest_broken =
                (0..broken.len()).min_by_key(|&j| self.instances[broken[j] as usize].ordinal);
            let victim = match oldest_broken {
                Some(j) => Some(broken.swap_remove(j)),
                None => {
                    let k = self.scale_in_victim(&healthy, w.params.zones);
                    healthy.retain(|&h| Some(h) != k);
                    k
                }
            };
            if let Some(k) = victim {
                self.drain(k, w, out);
            }
        }
        for _ in current.len()..desired {
            self.launch(s, false, w);
        }
    }

    /// Stops routing to an instance; it stops once its work is done, or
    /// when the deregistration delay runs out. A broken instance has no
    /// work worth waiting for and stops at once.
    pub(super) fn drain(&mut self, i: u32, w: &mut World, out: &mut Vec<Message>) {
        self.set_lifecycle(i, Lifecycle::Draining, w.now);
        let inst = &mut self.instances[i as usize];
        // No longer a registered target: its probe chain ends.
        inst.bump(Chain::Probes);
        let (id, broken) = (inst.id, inst.condition != Condition::Ok);
        w.note(Note::Draining(id));
        if broken {
            self.fail_held_work(i, w, out);
        }
        self.finish_draining(i, w);
        let inst = &self.instances[i as usize];
        if inst.lifecycle == Lifecycle::Draining {
            let delay = w.params.services[inst.service as usize]
                .health
                .deregistration_delay_ns;
            let gen = inst.gen(Chain::Life);
            w.queue
                .push(w.now + delay, Event::DrainDeadline { instance: i, gen });
        }
    }

    /// The deregistration delay is over: work still held is cut off.
    pub fn on_drain_deadline(&mut self, i: u32, w: &mut World) -> Vec<Message> {
        let mut out = Vec::new();
        w.note(Note::DrainTimedOut(self.instances[i as usize].id));
        self.fail_held_work(i, w, &mut out);
        self.finish_draining(i, w);
        self.settle(w);
        out
    }

    /// Terminates a draining instance once it is idle.
    #[inline]
    pub(super) fn finish_draining(&mut self, i: u32, w: &mut World) {
        if self.instances[i as usize].lifecycle == Lifecycle::Draining {
            self.terminate_if_idle(i, w);
        }
    }

    fn terminate_if_idle(&mut self, i: u32, w: &mut World) {
        let inst = &self.instances[i as usize];
        if inst.is_idle() {
            self.set_lifecycle(i, Lifecycle::Terminated, w.now);
            let inst = &mut self.instances[i as usize];
            for chain in [Chain::Work, Chain::Faults, Chain::Life] {
                inst.bump(chain);
            }
            w.note(Note::Terminated(inst.id));
            w.metrics.terminated();
        }
    }

    /// Work held by an instance is lost: the load balancer sees each
    /// connection break and answers the client with a 502 (in `out`); a
    /// health check it held fails.
    pub(super) fn fail_held_work(&mut self, i: u32, w: &mut World, out: &mut Vec<Message>) {
        let now = w.now;
        let jobs = self.lose_held_work(i, w);
        let inst = &mut self.instances[i as usize];
        let gen = inst.gen(Chain::Work);
        let (service, target) = (inst.service, inst.id.0);
        out.extend(jobs.into_iter().map(|job| Message {
            attempt: job.attempt,
            token: job.token,
            sent_at: now,
            instance: i,
            target,
            gen,
            slot: 0,
            service: service as u8,
            kind: job.kind,
            leg: Leg::LbToClient,
            status: Status::ConnectionError,
            lost: false,
            marks: job.marks,
        }));
    }

    /// Empties an instance of the work it holds: a health check among it
    /// fails, and every client's job is abandoned (its token forgotten,
    /// its load balancer no longer counting it). Returns the jobs whose
    /// connections are still open (not those the load balancer already
    /// answered on its idle timeout): the caller decides their fate.
    pub(super) fn lose_held_work(&mut self, i: u32, w: &mut World) -> Vec<Job> {
        let inst = &mut self.instances[i as usize];
        let jobs = inst.drain_jobs(w.now);
        inst.bump(Chain::Work);
        // Probes left over from earlier timeouts may wait there too.
        let (probes, mut jobs): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(Job::is_probe);
        for probe in probes {
            self.probe_ended(i, probe.arrived, false, w);
        }
        jobs.retain(|job| self.abandon(i, job, w));
        jobs
    }
}
