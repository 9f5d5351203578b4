//! Fallacy 6, "there is only one administrator": changes other people make
//! to what a service depends on, at a time the scenario sets, telling no
//! one. Each reuses the model's own mechanism where the semantics match:
//!
//! - a rate limit: a token bucket at the service's front door
//!   (`rate_limit`), answering 429 at once;
//! - another team's slow deploy: the `slow` fault on every instance of the
//!   service then running (one booting, or launched later, runs at full
//!   speed); rolled back by the fault's own repair;
//! - a security-group rule that drops the path from the load balancer to
//!   the service's instances (in one zone, or all): to the load balancer a
//!   blocked instance is a failed host — connections and health checks time
//!   out, a 504 after the 10 s connection timeout — but the instance itself
//!   is fine: it finishes and answers the work it already held (security
//!   groups are stateful: tracked connections carry on), EC2's status
//!   checks pass, and an instance launched into the zone is blocked too;
//! - an EC2 scheduled retirement: the oldest instance is stopped (its work
//!   is cut off, 502s) and, not running, replaced by its group at once.

use super::rate_limit::RateLimit;
use super::{Condition, Fleet, Fleets};
use crate::engine::{Event, Message};
use crate::fleet::InstanceId;
use crate::log::{Note, OtherNote};
use crate::params::OtherKind;
use crate::scenario::OtherChange;
use crate::snapshot::OtherChangeView;
use crate::time::SimTime;
use crate::world::World;

/// A change someone else made to a service, as the service keeps it.
#[derive(Clone, Copy)]
pub(super) struct Made {
    /// Its index in the scenario's `changes_by_others`.
    pub index: u32,
    pub at: u64,
    pub in_effect: bool,
    /// The instance a retirement stopped.
    pub instance: Option<InstanceId>,
}

impl Fleets {
    /// The scenario's change by others number `index` is made, or
    /// (`undone`) undone. Returns the 502s for work a retired instance held.
    pub fn on_change_by_other(&mut self, index: u32, undone: bool, w: &mut World) -> Vec<Message> {
        let o = &w.params.others[index as usize];
        let (s, kind, undo_after) = (o.service, o.kind, o.undo_after_ns);
        let mut out = Vec::new();
        if undone {
            self.undo(index, s, kind, w);
        } else {
            let changes = &mut self.services[s].changes;
            changes.push(Made {
                index,
                at: w.now,
                in_effect: kind != OtherKind::RetireInstance,
                instance: None,
            });
            let made = changes.len() - 1;
            let instance = self.make(index, s, kind, undo_after, w, &mut out);
            self.services[s].changes[made].instance = instance;
            if let Some(d) = undo_after.filter(|_| kind != OtherKind::RetireInstance) {
                let undone = true;
                w.queue.push(w.now + d, Event::ByOthers { index, undone });
            }
        }
        self.settle(w);
        out
    }

    fn make(
        &mut self,
        index: u32,
        s: usize,
        kind: OtherKind,
        undo_after: Option<u64>,
        w: &mut World,
        out: &mut Vec<Message>,
    ) -> Option<InstanceId> {
        match kind {
            OtherKind::RateLimit { rate_rps, burst } => {
                note(index, s, OtherNote::RateLimit { rate_rps, burst }, w);
                self.services[s].limit = Some((index, RateLimit::new(rate_rps, burst, w.now)));
                None
            }
            OtherKind::SlowDeploy { factor } => {
                note(index, s, OtherNote::SlowDeploy { factor }, w);
                // The instances running the service; one still booting
                // (and any launched later) comes up at full speed.
                for i in self.live(s) {
                    if self.instances[i as usize].lifecycle.running() {
                        self.slow(i, factor, undo_after, w);
                    }
                }
                None
            }
            OtherKind::BlockPath { zone } => {
                note(index, s, OtherNote::Blocked { zone }, w);
                self.block_paths(s, w);
                None
            }
            OtherKind::RetireInstance => {
                let oldest = self
                    .live(s)
                    .into_iter()
                    .filter(|&k| self.instances[k as usize].counted())
                    .min_by_key(|&k| self.instances[k as usize].ordinal);
                let id = oldest.map(|k| self.instances[k as usize].id);
                note(index, s, OtherNote::Retired(id), w);
                if let Some(k) = oldest {
                    self.retire(k, w, out);
                }
                id
            }
        }
    }

    fn undo(&mut self, index: u32, s: usize, kind: OtherKind, w: &mut World) {
        let fleet = &mut self.services[s];
        for made in fleet.changes.iter_mut().filter(|m| m.index == index) {
            made.in_effect = false;
        }
        match kind {
            OtherKind::RateLimit { .. } => {
                // A later limit replaced it: that one stays.
                if fleet.limit.as_ref().is_some_and(|(k, _)| *k == index) {
                    fleet.limit = None;
                }
                note(index, s, OtherNote::Lifted, w);
            }
            // Each instance's slow fault is repaired on its own chain.
            OtherKind::SlowDeploy { .. } => note(index, s, OtherNote::RolledBack, w),
            OtherKind::BlockPath { zone } => {
                note(index, s, OtherNote::Unblocked { zone }, w);
                self.block_paths(s, w);
            }
            OtherKind::RetireInstance => {}
        }
    }

    /// Marks each instance of service `s` whose path from the load balancer
    /// a rule in effect drops.
    fn block_paths(&mut self, s: usize, w: &World) {
        let fleet = &mut self.services[s];
        fleet.blocked_zones = fleet
            .changes
            .iter()
            .filter(|m| m.in_effect)
            .filter_map(|m| match w.params.others[m.index as usize].kind {
                OtherKind::BlockPath { zone } => Some(zone.map_or(u8::MAX, |z| 1 << z)),
                _ => None,
            })
            .fold(0, |mask, z| mask | z);
        let mask = fleet.blocked_zones;
        for inst in self
            .instances
            .iter_mut()
            .filter(|i| i.service as usize == s)
        {
            inst.blocked = mask & (1 << inst.zone) != 0;
        }
    }

    /// Whether a new instance of service `s` in `zone` is behind a rule
    /// that drops its path from the load balancer.
    pub(super) fn path_blocked(&self, s: usize, zone: u8) -> bool {
        self.services[s].blocked_zones & (1 << zone) != 0
    }

    /// The provider stops instance `i`: its work is cut off (502s), and its
    /// group, which sees an instance that is not running (EC2 Auto
    /// Scaling's default health check checks that the instance is
    /// running), terminates it and launches a replacement now.
    fn retire(&mut self, i: u32, w: &mut World, out: &mut Vec<Message>) {
        let inst = &mut self.instances[i as usize];
        inst.condition = Condition::HostDown;
        inst.condition_since = w.now;
        inst.tokens.clear();
        let s = inst.service as usize;
        self.drain(i, w, out);
        self.reconcile(s, w, out);
    }
}

impl Fleet {
    /// Whether the rate limit someone put in front of the service refuses
    /// a request arriving at `now`. Out of line: the request path pays only
    /// for asking whether there is a limit.
    #[cold]
    #[inline(never)]
    pub(super) fn throttles(&mut self, now: u64) -> bool {
        self.limit
            .as_mut()
            .is_some_and(|(_, limit)| !limit.admit(now))
    }
}

impl Fleets {
    /// The changes others made to service `s`, for the view.
    pub(super) fn changes_view(&self, s: usize, w: &World) -> Vec<OtherChangeView> {
        let fleet = &self.services[s];
        fleet
            .changes
            .iter()
            .map(|m| {
                let o = &w.params.others[m.index as usize];
                let mut view = OtherChangeView {
                    who: o.who.clone(),
                    kind: OtherChange::RetireInstance,
                    since: SimTime(m.at),
                    in_effect: m.in_effect,
                    rate_rps: None,
                    burst: None,
                    tokens: None,
                    factor: None,
                    zone: None,
                    instance: m.instance,
                };
                match o.kind {
                    OtherKind::RateLimit { rate_rps, burst } => {
                        view.kind = OtherChange::RateLimit;
                        view.rate_rps = Some(rate_rps);
                        view.burst = Some(burst);
                        view.tokens = fleet
                            .limit
                            .as_ref()
                            .filter(|(k, _)| *k == m.index)
                            .map(|(_, limit)| limit.tokens_at(w.now));
                    }
                    OtherKind::SlowDeploy { factor } => {
                        view.kind = OtherChange::SlowDeploy;
                        view.factor = Some(factor);
                    }
                    OtherKind::BlockPath { zone } => {
                        view.kind = OtherChange::BlockPath;
                        view.zone = zone;
                    }
                    OtherKind::RetireInstance => {}
                }
                view
            })
            .collect()
    }
}

fn note(index: u32, s: usize, what: OtherNote, w: &mut World) {
    let who = w.params.others[index as usize].who.clone();
    w.note(Note::ByOthers {
        who,
        service: s as u16,
        what,
    });
}
