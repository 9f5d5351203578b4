//! What the fleets show and account for: the view's per-service and
//! per-instance state, the per-second row's utilisation and capacity
//! counts, billed instance time, and their part of the run's digest.

use super::{Condition, Fleets, Lifecycle};
use crate::digest::Fnv;
use crate::slab::Handle;
use crate::snapshot::{InstanceView, ServiceView};
use crate::world::World;

/// A service's part of one closed second.
pub(crate) struct SecondRow {
    /// ∫ computing workers dt and ∫ running workers dt over the second.
    pub busy: u64,
    pub capacity: u64,
    pub desired: u32,
    /// Booted and not draining: targets and those marked unhealthy.
    pub in_service: u32,
    /// Targets whose condition is ok.
    pub healthy: u32,
    /// Registered instances whose condition is ok, targets or not: what
    /// could serve (availability counts a second with at least one).
    pub up: u32,
    /// The healthy targets' workers at the end of the second, a slow
    /// instance's counted as 1/factor of them: what the service can do,
    /// in workers at full speed.
    pub serving_workers: f64,
}

impl Fleets {
    /// Service `s` as the page draws it; `waiting` says whether a client
    /// still waits for an attempt.
    pub fn view(&self, s: usize, w: &World, waiting: impl Fn(Handle) -> bool) -> ServiceView {
        let p = &w.params.services[s];
        let mine = || self.instances.iter().filter(|i| i.service as usize == s);
        let fleet = &self.services[s];
        ServiceView {
            name: p.name.clone(),
            balancer: fleet.balancer.algorithm(),
            min: p.min,
            desired: fleet.group.desired,
            max: p.max,
            in_service: mine().filter(|i| i.is_target()).count() as u32,
            capacity: mine().filter(|i| i.counted()).count() as u32,
            healthy: mine().filter(|i| i.healthy()).count() as u32,
            policy: p.scaling.policy,
            health_checks: p.health.enabled,
            instances: mine()
                .map(|i| InstanceView {
                    id: i.id,
                    address: i.address.into(),
                    zone: i.zone,
                    state: i.lifecycle,
                    condition: i.condition,
                    slow_factor: i.slow_factor,
                    workers: i.workers,
                    busy: i.busy,
                    orphaned: i.orphaned(&waiting),
                    queue: i.queue.len() as u32,
                    outstanding: i.outstanding,
                    utilisation: i.utilisation(false),
                    age_s: (w.now - i.launched_at) as f64 / 1e9,
                    served: i.served,
                    health: i.health,
                    health_streak: i.probe_streak,
                    tokens: i.tokens.len() as u32,
                    path_blocked: i.blocked,
                })
                .collect(),
            changes_by_others: self.changes_view(s, w),
        }
    }

    /// Shared idempotency records held beside the database.
    pub fn shared_tokens(&self) -> u32 {
        self.shared_tokens.len() as u32
    }

    /// Each service's desired capacity now.
    pub fn desired(&self) -> impl Iterator<Item = u32> + '_ {
        self.services.iter().map(|f| f.group.desired)
    }

    /// Closes a second: each service's row, and the instances' count by
    /// lifecycle (in `Lifecycle::ALL` order).
    pub fn close_second(&mut self, now: u64) -> (Vec<SecondRow>, [u32; Lifecycle::ALL.len()]) {
        let mut rows: Vec<SecondRow> = self
            .services
            .iter()
            .map(|f| SecondRow {
                busy: 0,
                capacity: 0,
                desired: f.group.desired,
                in_service: 0,
                healthy: 0,
                up: 0,
                serving_workers: 0.0,
            })
            .collect();
        let mut counts = [0u32; Lifecycle::ALL.len()];
        for inst in &mut self.instances {
            inst.touch(now);
            let row = &mut rows[inst.service as usize];
            row.busy += inst.cpu_area - inst.cpu_area_at_tick;
            row.capacity += inst.capacity_area - inst.capacity_area_at_tick;
            inst.cpu_area_at_tick = inst.cpu_area;
            inst.capacity_area_at_tick = inst.capacity_area;
            counts[inst.lifecycle as usize] += 1;
            row.in_service += inst.probed() as u32;
            row.healthy += inst.healthy() as u32;
            if inst.healthy() {
                row.serving_workers += inst.workers as f64 / inst.slow_factor;
            }
            row.up += (inst.probed() && inst.condition == Condition::Ok) as u32;
        }
        (rows, counts)
    }

    /// Instance time billed so far: from each launch until termination.
    pub fn billed_ns(&self, now: u64) -> u64 {
        self.retired_billed_ns + self.instances.iter().map(|i| i.billed_ns(now)).sum::<u64>()
    }

    /// CPU utilisation of service `s` over the whole run.
    pub fn utilisation(&self, s: usize) -> f64 {
        let (mut b, mut c) = self.services[s].retired_area;
        for i in self.instances.iter().filter(|i| i.service as usize == s) {
            b += i.cpu_area;
            c += i.capacity_area;
        }
        if c == 0 {
            0.0
        } else {
            b as f64 / c as f64
        }
    }

    pub fn digest_into(&self, h: &mut Fnv) {
        for i in &self.instances {
            h.u64(i.id.0 as u64);
            h.u64(i.lifecycle as u64);
            h.u64(i.condition as u64);
            h.u64(i.busy as u64);
            h.u64(i.queue.len() as u64);
            h.u64(i.served);
            h.u64(i.cpu_area);
        }
    }
}
