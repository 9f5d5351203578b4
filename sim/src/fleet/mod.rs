//! The fleets: for each service, its load balancer, its auto-scaling group
//! and the instances in it, with their health checks, lifecycles and
//! faults. Instances of all services share one slot space (messages and
//! timers name an instance by its slot; a terminated instance's slot is
//! reused by the next launch), so this owner holds all services' fleets.
//!
//! Rules kept here, not by callers:
//! - A load balancer's targets are its service's instances in service and
//!   not ejected, in slot order; when there are none it fails open to every
//!   registered instance (an ALB routes to all targets when none is
//!   healthy). Every lifecycle change marks its service unsettled, and
//!   every verb called from outside settles before it returns, so a caller
//!   never sees (or has to remember to refresh) a stale target list.
//! - After `reconcile`, a group's capacity (pending + in service +
//!   unhealthy) equals its desired capacity, within [min, max].
//! - A reused slot's timer chains continue past its previous occupant's, and
//!   messages carry the instance id, so nothing meant for an instance that is
//!   gone reaches the slot's new occupant.

mod autoscaler;
mod balancer;
mod changes;
mod faults;
mod health;
mod instance;
mod lifecycle;
mod others;
mod outliers;
mod queue;
mod rate_limit;
mod scaling;
mod view;
mod work;
mod zones;

pub(crate) use autoscaler::{Alarm, Decision};
pub use instance::{Condition, Health, InstanceId, Lifecycle};
pub(crate) use view::SecondRow;
pub(crate) use work::Worked;

use crate::engine::{Chain, Gen};
use crate::failures::FailureProcess;
use crate::idempotency::{Executions, TokenStore};
use crate::log::Note;
use crate::params::Params;
use crate::scenario::Balancer as Algorithm;
use crate::world::World;
use autoscaler::Group;
use balancer::Balancer;
use instance::Instance;
use rate_limit::RateLimit;

#[derive(Clone)]
pub(crate) struct Fleets {
    /// Every instance that still holds a slot, all services together.
    instances: Vec<Instance>,
    next_instance: u32,
    /// Per service, in scenario order.
    services: Vec<Fleet>,
    /// Billed time of instances whose slots were reused.
    retired_billed_ns: u64,
    /// Shared idempotency tokens: a table beside the database.
    shared_tokens: TokenStore,
    /// Ground truth for duplicates: every execution of a mutating request.
    executions: Executions,
    /// Per availability zone: until when it is down (0: up), and the
    /// random process of its outages.
    zone_down_until: Vec<u64>,
    zone_failures: Vec<FailureProcess>,
    /// The generation of the zones' random outage chain.
    zone_gen: Gen,
    /// The services whose lifecycles changed since their targets were
    /// last rebuilt.
    unsettled: ServiceSet,
}

/// Services by index, a bit each: a scenario has at most `MAX_SERVICES`,
/// which a `u32` holds.
#[derive(Clone, Copy, Default)]
struct ServiceSet(u32);

const _: () = assert!(crate::scenario::limits::MAX_SERVICES <= 32);

impl ServiceSet {
    fn insert(&mut self, s: usize) {
        self.0 |= 1 << s;
    }

    /// Whether `s` was in the set; it is not any more.
    fn take(&mut self, s: usize) -> bool {
        let was = self.0 & 1 << s != 0;
        self.0 &= !(1 << s);
        was
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One service's part of the fleets.
#[derive(Clone)]
struct Fleet {
    balancer: Balancer,
    group: Group,
    /// Instances launched so far (the next one's ordinal).
    launches: u32,
    /// CPU and capacity integrals of instances whose slots were reused, so
    /// the run's utilisation keeps them.
    retired_area: (u64, u64),
    /// A rate limit someone else put in front of it, and which of the
    /// scenario's changes by others it is.
    limit: Option<(u32, RateLimit)>,
    /// Zones (a bit each) whose instances' path from the load balancer a
    /// security-group rule drops.
    blocked_zones: u8,
    /// The changes others made to it, in the order made.
    changes: Vec<others::Made>,
}

impl Fleets {
    pub fn new(params: &Params) -> Fleets {
        Fleets {
            instances: Vec::new(),
            next_instance: 1,
            services: params
                .services
                .iter()
                .map(|s| Fleet {
                    balancer: Balancer::new(params.seed, &s.name, s.balancer),
                    group: Group::new(s.desired, s.scaling.period_ns),
                    launches: 0,
                    retired_area: (0, 0),
                    limit: None,
                    blocked_zones: 0,
                    changes: Vec::new(),
                })
                .collect(),
            retired_billed_ns: 0,
            shared_tokens: TokenStore::default(),
            executions: Executions::default(),
            zone_down_until: Vec::new(),
            zone_failures: Vec::new(),
            zone_gen: Gen::default(),
            unsettled: ServiceSet::default(),
        }
    }

    /// Every service's initial instances, in service at time 0.
    pub fn launch_initial(&mut self, w: &mut World) {
        for s in 0..self.services.len() {
            for _ in 0..self.services[s].group.desired {
                self.launch(s, true, w);
            }
            self.settle(w);
        }
    }

    /// Whether an event scheduled for `slot`'s `chain` at `gen` still matters.
    #[inline]
    pub fn current(&self, slot: u32, chain: Chain, gen: Gen) -> bool {
        self.instances[slot as usize].gen(chain) == gen
    }

    /// The slot of a live instance.
    pub fn find(&self, id: InstanceId) -> Option<u32> {
        self.instances
            .iter()
            .position(|i| i.id == id && i.lifecycle != Lifecycle::Terminated)
            .map(|k| k as u32)
    }

    /// Slots of a service's instances that are not terminated.
    fn live(&self, s: usize) -> Vec<u32> {
        (0..self.instances.len() as u32)
            .filter(|&k| {
                let i = &self.instances[k as usize];
                i.service as usize == s && i.lifecycle != Lifecycle::Terminated
            })
            .collect()
    }

    /// Moves an instance to `state`; its load balancer's targets are rebuilt
    /// when the current verb settles.
    fn set_lifecycle(&mut self, i: u32, state: Lifecycle, now: u64) {
        let inst = &mut self.instances[i as usize];
        inst.set_lifecycle(now, state);
        self.unsettled.insert(inst.service as usize);
    }

    /// Rebuilds the targets of every service whose lifecycles changed.
    #[inline]
    fn settle(&mut self, w: &mut World) {
        if !self.unsettled.is_empty() {
            self.settle_marked(w);
        }
    }

    fn settle_marked(&mut self, w: &mut World) {
        for s in 0..self.services.len() {
            if self.unsettled.take(s) {
                self.refresh_targets(s, w);
            }
        }
    }

    /// Rebuilds service `s`'s target list from its instances' lifecycles.
    fn refresh_targets(&mut self, s: usize, w: &mut World) {
        let lb = &mut self.services[s].balancer;
        let (had, was_open) = (lb.has_targets(), lb.failing_open());
        let (mut healthy, mut registered) = (Vec::new(), Vec::new());
        let mut oldest: Option<(u32, u32)> = None; // (slot, ordinal)
        for (k, inst) in self.instances.iter().enumerate() {
            if inst.service as usize != s {
                continue;
            }
            if inst.is_target() {
                healthy.push(k as u32);
            }
            if inst.lifecycle.registered() {
                registered.push(k as u32);
            }
            if inst.lifecycle != Lifecycle::Terminated
                && oldest.is_none_or(|(_, ordinal)| inst.ordinal < ordinal)
            {
                oldest = Some((k as u32, inst.ordinal));
            }
        }
        let open = healthy.is_empty() && !registered.is_empty();
        lb.set_targets(if open { registered } else { healthy }, open);
        lb.hand_out_address(oldest.map(|(k, _)| (k, self.instances[k as usize].id)));
        if lb.algorithm() != Algorithm::None {
            if open && !was_open {
                w.note(Note::FailOpen { service: s as u16 });
            }
            if had && !lb.has_targets() {
                w.note(Note::NoTargets { service: s as u16 });
            }
        }
    }
}
