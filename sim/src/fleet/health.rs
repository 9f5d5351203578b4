//! Active health checks, as an Application Load Balancer runs them: every
//! interval the load balancer sends each registered target a probe; a new
//! target (initial) is routed to once it passes one, an in-service target is
//! taken out after `unhealthy_threshold` failures in a row, an unhealthy one
//! is put back after `healthy_threshold` passes.
//!
//! A probe is a small request that shares the instance with real work: it
//! takes a worker for `PROBE_WORK_NS` (a health endpoint that does no real
//! work) or waits in the queue, and fails unless answered within the
//! timeout, the data centre's round trip included. So a crashed process
//! fails it at once (the connection is refused), a full queue too (503), a
//! failed host and a hung instance at the timeout (no answer), and an
//! overloaded instance whenever its queue is longer than the timeout — the
//! start of the spiral in which health checks take busy instances out.

use super::instance::Job;
use super::{Condition, Fleets, Health, Lifecycle};
use crate::engine::{Chain, Event};
use crate::log::Note;
use crate::rng::{Purpose, Stream};
use crate::world::World;

/// The work a probe takes on its worker: a health endpoint answers from
/// memory, in about a millisecond.
pub(super) const PROBE_WORK_NS: u64 = 1_000_000;

impl Fleets {
    /// (Re)starts instance `i`'s probe chain if its service checks health
    /// and it is registered. The first probe comes at a random point of the
    /// interval, as a real load balancer's probes are not synchronised.
    pub(super) fn start_probes(&mut self, i: u32, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        let gen = inst.bump(Chain::Probes);
        inst.probe_streak = 0;
        inst.probe_sent = None;
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

    /// After a live change of service `s`'s health checks. With checks off,
    /// every registered target is a target again.
    pub fn restart_probes(&mut self, s: usize, w: &mut World) {
        let enabled = w.params.services[s].health.enabled;
        for i in self.live(s) {
            let inst = &self.instances[i as usize];
            if !enabled && inst.lifecycle.registered() && inst.lifecycle != Lifecycle::InService {
                self.set_lifecycle(i, Lifecycle::InService, w.now);
            }
            self.start_probes(i, w);
        }
        self.settle(w);
    }

    /// The load balancer sends instance `i` its next probe.
    pub fn on_probe(&mut self, i: u32, w: &mut World) {
        let now = w.now;
        let rtt = 2 * w.params.links[1].base_ns;
        let inst = &mut self.instances[i as usize];
        let s = inst.service as usize;
        let hc = w.params.services[s].health;
        let gen = inst.gen(Chain::Probes);
        w.queue
            .push(now + hc.interval_ns, Event::Probe { instance: i, gen });
        if (inst.condition == Condition::Crashed && !inst.blocked) || rtt >= hc.timeout_ns {
            // Refused, or no answer could ever come back in time.
            return self.probe_result(i, false, w);
        }
        inst.probe_sent = Some(now);
        let deadline = now + hc.timeout_ns - rtt;
        w.queue.push(
            deadline,
            Event::ProbeTimeout {
                instance: i,
                gen,
                sent: now,
            },
        );
        if inst.condition == Condition::HostDown || inst.blocked {
            return; // nothing answers, or its answer is dropped: it times out
        }
        // A probe waits for a worker like any request, and is shed like one.
        let job = Job::probe(now);
        if let Some(slot) = inst.free_slot() {
            self.start_job(i, slot, job, w);
        } else if !inst.queue.admit(job, now, &w.params.services[s].queue) {
            inst.probe_sent = None;
            self.probe_result(i, false, w);
        }
    }

    /// A probe sent at `sent` was not answered in time.
    pub fn on_probe_timeout(&mut self, i: u32, sent: u64, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.probe_sent == Some(sent) {
            inst.probe_sent = None;
            self.probe_result(i, false, w);
        }
    }

    /// Instance `i` answered the probe sent at `sent` (a worker ran it), or
    /// lost it with the rest of its work (`answered` false). An answer
    /// after the timeout is ignored: that probe has already failed.
    pub(super) fn probe_ended(&mut self, i: u32, sent: u64, answered: bool, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.probe_sent == Some(sent) {
            inst.probe_sent = None;
            self.probe_result(i, answered, w);
        }
    }

    /// One probe's result moves the target if it completes a streak.
    fn probe_result(&mut self, i: u32, passed: bool, w: &mut World) {
        let now = w.now;
        let inst = &mut self.instances[i as usize];
        if !inst.probed() {
            return;
        }
        let hc = w.params.services[inst.service as usize].health;
        let (result, threshold, next) = if passed {
            // A new target needs one pass; an unhealthy one the threshold.
            let threshold = match inst.lifecycle {
                Lifecycle::Initial => 1,
                _ => hc.healthy_threshold,
            };
            (Health::Passing, threshold, Lifecycle::InService)
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
        if inst.lifecycle != next && inst.probe_streak >= threshold {
            let note = if inst.lifecycle == Lifecycle::Initial && passed {
                Note::InService(inst.id)
            } else {
                Note::HealthChanged {
                    instance: inst.id,
                    healthy: passed,
                    streak: inst.probe_streak,
                }
            };
            self.set_lifecycle(i, next, now);
            w.note(note);
            self.settle(w);
        }
    }
}
