//! What the view draws, read cheaply from the running state: nodes with
//! their state, a bounded sample of the messages in flight, counters.

use crate::engine::{Event, Leg, Message};
use crate::instance::{Condition, Health, InstanceId, Lifecycle};
use crate::metrics::Totals;
use crate::network::HOPS;
use crate::request::{RequestId, Status};
use crate::scenario::{Balancer, Policy, RequestKind};
use crate::simulation::Simulation;
use crate::time::SimTime;
use serde::Serialize;

/// At most this many messages are listed; more are sampled evenly.
pub const MAX_MESSAGES: usize = 300;

#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub time: SimTime,
    pub clients: ClientsView,
    /// The three hops, in `Scenario::network` order.
    pub links: Vec<LinkView>,
    pub services: Vec<ServiceView>,
    pub database: DatabaseView,
    /// A sample of the messages in flight (all of them when few enough).
    pub messages: Vec<MessageView>,
    /// How many messages are in flight in total.
    pub messages_in_flight: u64,
    pub totals: Totals,
    /// Logical requests created and not yet finished.
    pub requests_in_flight: u64,
    /// Attempts sent whose outcome the client has not yet observed.
    pub attempts_in_flight: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClientsView {
    /// Open-loop arrival rate right now.
    pub rate_rps: f64,
    pub users: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub hop: &'static str,
    pub latency_ms: f64,
    pub request_loss: f64,
    pub response_loss: f64,
    pub in_flight: u32,
    pub bytes: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceView {
    pub name: String,
    pub balancer: Balancer,
    pub min: u32,
    /// The group's live desired capacity (scaling policies change it).
    pub desired: u32,
    pub max: u32,
    /// Load-balancer targets.
    pub in_service: u32,
    /// Instances the group counts (pending, in service or unhealthy, not
    /// draining): what it keeps equal to `desired`.
    pub capacity: u32,
    /// Targets whose condition is ok: what can actually serve.
    pub healthy: u32,
    pub policy: Policy,
    /// Whether the load balancer probes its targets.
    pub health_checks: bool,
    /// Every instance still held, terminated ones included until their slot
    /// is reused (the view fades them out).
    pub instances: Vec<InstanceView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InstanceView {
    pub id: InstanceId,
    pub address: String,
    pub state: Lifecycle,
    pub condition: Condition,
    pub slow_factor: f64,
    pub workers: u32,
    pub busy: u32,
    pub queue: u32,
    pub outstanding: u32,
    /// Over the last whole second.
    pub utilisation: f64,
    pub age_s: f64,
    pub served: u64,
    /// The last health-check result, and how many in a row gave it.
    pub health: Health,
    pub health_streak: u32,
    /// Idempotency tokens in its memory (per-instance tokens).
    pub tokens: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct DatabaseView {
    pub connections: u32,
    pub busy: u32,
    pub queue: u32,
    pub utilisation: f64,
    /// Shared idempotency tokens recorded beside it.
    pub tokens: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct MessageView {
    pub kind: RequestKind,
    pub leg: Leg,
    pub service: u16,
    pub instance: Option<InstanceId>,
    pub sent: SimTime,
    /// When it arrives, or would have arrived if it is lost.
    pub arrives: SimTime,
    /// When it disappears, if it is lost (half-way along the hop).
    pub lost_at: Option<SimTime>,
    pub status: Status,
    /// `None` once its attempt has finished (a late response).
    pub request: Option<RequestId>,
    pub attempt: u32,
    /// Part of an attempt after the first (known even for late responses).
    pub is_retry: bool,
    /// The response of a repeated execution of a mutating request (a
    /// duplicate cart item, a double charge).
    pub is_duplicate: bool,
}

impl Simulation {
    pub fn snapshot(&self) -> Snapshot {
        let now = self.now;
        let services = self
            .scenario
            .services
            .iter()
            .enumerate()
            .map(|(s, spec)| {
                let instances: Vec<InstanceView> = self
                    .instances
                    .iter()
                    .filter(|i| i.service as usize == s)
                    .map(|i| InstanceView {
                        id: i.id,
                        address: i.address_string(),
                        state: i.lifecycle,
                        condition: i.condition,
                        slow_factor: i.slow_factor,
                        workers: i.workers,
                        busy: i.busy,
                        queue: i.queue.len() as u32,
                        outstanding: i.outstanding,
                        utilisation: i.utilisation(false),
                        age_s: (now - i.launched_at) as f64 / 1e9,
                        served: i.served,
                        health: i.health,
                        health_streak: i.probe_streak,
                        tokens: i.tokens.len() as u32,
                    })
                    .collect();
                let count = |f: &dyn Fn(&InstanceView) -> bool| {
                    instances.iter().filter(|i| f(i)).count() as u32
                };
                let capacity = count(&|i| {
                    matches!(
                        i.state,
                        Lifecycle::Pending | Lifecycle::InService | Lifecycle::Unhealthy
                    )
                });
                let healthy =
                    count(&|i| i.state == Lifecycle::InService && i.condition == Condition::Ok);
                ServiceView {
                    name: spec.name.clone(),
                    balancer: self.balancers[s].algorithm,
                    min: spec.min(),
                    desired: self.groups[s].desired,
                    max: spec.max(),
                    in_service: self.balancers[s].targets.len() as u32,
                    capacity,
                    healthy,
                    policy: spec.scaling.policy,
                    health_checks: spec.health_check.enabled,
                    instances,
                }
            })
            .collect();
        let total: u64 = self.links.iter().map(|l| l.in_flight as u64).sum();
        let stride = (total as usize).div_ceil(MAX_MESSAGES).max(1);
        let messages = self
            .queue
            .iter()
            .filter_map(|e| match e.event {
                Event::Deliver(m) => Some((e.time, m)),
                _ => None,
            })
            .step_by(stride)
            .take(MAX_MESSAGES)
            .map(|(t, m)| {
                let attempt = self.attempts.get(m.attempt);
                let number = attempt.map_or(0, |a| a.number);
                MessageView {
                    kind: self.params.traffic.kinds[m.kind as usize].kind,
                    leg: m.leg,
                    service: m.service as u16,
                    instance: match m.leg {
                        Leg::ClientToLb | Leg::LbToClient => None,
                        _ => Some(InstanceId(m.target)),
                    },
                    sent: SimTime(m.sent_at),
                    arrives: SimTime(if m.lost { 2 * t - m.sent_at } else { t }),
                    lost_at: m.lost.then_some(SimTime(t)),
                    status: m.status,
                    request: attempt.map(|a| a.id),
                    attempt: number,
                    is_retry: m.marks & Message::RETRY != 0,
                    is_duplicate: m.marks & Message::DUPLICATE != 0,
                }
            })
            .collect();
        Snapshot {
            time: SimTime(now),
            clients: ClientsView {
                rate_rps: self.params.traffic.rate_at(SimTime(now)),
                users: self.params.traffic.users,
            },
            links: self
                .links
                .iter()
                .enumerate()
                .map(|(h, l)| {
                    let spec = [
                        &self.scenario.network.client_to_lb,
                        &self.scenario.network.lb_to_instance,
                        &self.scenario.network.instance_to_db,
                    ][h];
                    LinkView {
                        hop: HOPS[h],
                        latency_ms: spec.latency.ms(),
                        request_loss: spec.request_loss,
                        response_loss: spec.response_loss,
                        in_flight: l.in_flight,
                        bytes: l.bytes,
                    }
                })
                .collect(),
            services,
            database: DatabaseView {
                connections: self.db.connections,
                busy: self.db.busy,
                queue: self.db.queue.len() as u32,
                utilisation: self.db.utilisation(false),
                tokens: self.tokens.len() as u32,
            },
            messages,
            messages_in_flight: total,
            totals: self.metrics.totals.clone(),
            requests_in_flight: self.requests.len() as u64,
            attempts_in_flight: self.attempts.len() as u64,
        }
    }
}
