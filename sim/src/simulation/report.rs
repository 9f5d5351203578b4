//! What the simulation reports without changing anything: the view's
//! snapshot, the run summary and its cost.

use super::Simulation;
use crate::engine::{Event, Leg, Message};
use crate::fleet::InstanceId;
use crate::metrics::Metrics;
use crate::network::HOPS;
use crate::request::Outcome;
use crate::scenario::Balancer as Algorithm;
use crate::snapshot::{ClientsView, LinkView, MessageView, Snapshot, MAX_MESSAGES};
use crate::summary::{Cost, Latency, Outcomes, Summary, Transfer};
use crate::time::SimTime;
use std::collections::BTreeMap;

impl Simulation {
    pub fn snapshot(&self) -> Snapshot {
        let w = &self.world;
        let now = w.now;
        let services = (0..w.params.services.len())
            .map(|s| self.fleets.view(s, w, |a| self.clients.has_attempt(a)))
            .collect();
        let total: u64 = (0..HOPS.len())
            .map(|hop| self.network.in_flight(hop) as u64)
            .sum();
        let stride = (total as usize).div_ceil(MAX_MESSAGES).max(1);
        let messages = w
            .queue
            .iter()
            .filter_map(|(time, event)| match *event {
                Event::Deliver(m) => Some((time, m)),
                _ => None,
            })
            .step_by(stride)
            .take(MAX_MESSAGES)
            .map(|(t, m)| {
                let attempt = self.clients.attempt(m.attempt);
                MessageView {
                    kind: w.params.traffic.kinds[m.kind as usize].kind,
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
                    request: attempt.map(|a| a.0),
                    attempt: attempt.map_or(0, |a| a.1),
                    is_retry: m.marks & Message::RETRY != 0,
                    is_duplicate: m.marks & Message::DUPLICATE != 0,
                }
            })
            .collect();
        let hops = [
            &self.scenario.network.client_to_lb,
            &self.scenario.network.lb_to_instance,
            &self.scenario.network.instance_to_db,
        ];
        Snapshot {
            time: SimTime(now),
            clients: ClientsView {
                rate_rps: w.params.traffic.rate_at(SimTime(now)),
                users: w.params.traffic.users,
                circuit_breakers: (0..w.params.services.len())
                    .map(|s| self.clients.breaker_state(s, w))
                    .collect(),
            },
            links: hops
                .iter()
                .enumerate()
                .map(|(h, spec)| LinkView {
                    hop: HOPS[h],
                    latency_ms: spec.latency.ms(),
                    request_loss: spec.request_loss,
                    response_loss: spec.response_loss,
                    in_flight: self.network.in_flight(h),
                    bytes: self.network.bytes(h).iter().sum(),
                })
                .collect(),
            services,
            database: self
                .database
                .view(self.fleets.shared_tokens(), self.world.now),
            messages,
            messages_in_flight: total,
            totals: w.metrics.totals().clone(),
            requests_in_flight: self.clients.requests_in_flight(),
            attempts_in_flight: self.clients.attempts_in_flight(),
        }
    }

    /// A count over the simulated time so far, per second (0 at time 0).
    pub(super) fn per_second(&self, count: u64) -> f64 {
        let secs = self.now().as_secs_f64();
        if secs > 0.0 {
            count as f64 / secs
        } else {
            0.0
        }
    }

    pub fn summary(&self) -> Summary {
        let m: &Metrics = self.metrics();
        let t = m.totals();
        let now = self.now().as_nanos();
        let secs = now as f64 / 1e9;
        let names = || self.world.params.services.iter().map(|s| s.name.clone());
        let mut utilisation: BTreeMap<String, f64> = names()
            .enumerate()
            .map(|(s, name)| (name, self.fleets.utilisation(s)))
            .collect();
        utilisation.insert("database".to_string(), self.database.utilisation());
        Summary {
            scenario: self.scenario().name.clone(),
            seed: self.scenario().seed,
            duration_s: secs,
            requests: t.requests,
            failed: t.failed(),
            outcomes: Outcomes {
                success: t.outcome(Outcome::Success),
                dropped_request: t.outcome(Outcome::DroppedRequest),
                dropped_response: t.outcome(Outcome::DroppedResponse),
                rejected: t.outcome(Outcome::Rejected),
                timeout: t.outcome(Outcome::Timeout),
                no_healthy_target: t.outcome(Outcome::NoHealthyTarget),
                crashed: t.outcome(Outcome::Crashed),
                circuit_open: t.outcome(Outcome::CircuitOpen),
                throttled: t.outcome(Outcome::Throttled),
            },
            latency_ms: Latency {
                p50: m.latency_ms(0.5),
                p95: m.latency_ms(0.95),
                p99: m.latency_ms(0.99),
                mean: m.mean_latency_ms(),
            },
            throughput_rps: self.per_second(t.finished_total()),
            goodput_rps: self.per_second(t.outcome(Outcome::Success)),
            utilisation,
            events_processed: t.events,
            wall_ms: 0.0,
            attempts: t.attempts,
            in_flight: self.in_flight(),
            late_responses: t.late_responses,
            mean_in_system: m.mean_in_system(now, self.in_flight()),
            mean_queue_wait_ms: m.mean_queue_wait_ms(),
            p_wait: m.p_wait(),
            cost: self.cost(),
            retries: t.retries,
            attempts_per_request: t.attempts_per_request(),
            gave_up: t.gave_up,
            retries_refused: t.retries_refused,
            duplicates: t.duplicates,
            wasted: t.wasted,
            cancelled: t.cancelled,
            replayed: t.replayed,
            conflicts: t.conflicts,
            instances_launched: t.instances_launched,
            instances_terminated: t.instances_terminated,
            scaling_actions: t.scaling_actions,
            desired: names().zip(self.fleets.desired()).collect(),
            availability: names()
                .enumerate()
                .map(|(k, name)| (name, t.availability(k)))
                .collect(),
            digest: format!("{:016x}", self.digest()),
        }
    }

    /// What the run has cost so far, priced as AWS charges: instance-hours
    /// from launch to termination, load-balancer hours and LCUs, and data
    /// transfer by where it flows (inbound and inside a zone free, egress
    /// to the internet and each direction across zones charged).
    pub fn cost(&self) -> Cost {
        let p = &self.world.params;
        let prices = &p.prices;
        let now = self.world.now;
        let gb = |bytes: u64| bytes as f64 / 1e9;
        let instance_hours = self.fleets.billed_ns(now) as f64 / 3.6e12;
        let instance_usd = instance_hours * prices.instance_hour_usd;
        let balancers = p
            .services
            .iter()
            .filter(|s| s.balancer != Algorithm::None)
            .count() as f64;
        let load_balancer_hours = balancers * now as f64 / 3.6e12;
        let [internet_in, internet_out] = self.network.bytes(0).map(gb);
        let [lb_in, lb_out] = self.network.bytes(1).map(gb);
        let [db_in, db_out] = self.network.bytes(2).map(gb);
        let cross_zone_gb = gb(self.network.cross_zone_bytes(2));
        // Processed bytes: what the load balancers pass to and from clients.
        let lcu_hours = if balancers > 0.0 {
            internet_in + internet_out
        } else {
            0.0
        };
        let load_balancer_usd =
            load_balancer_hours * prices.load_balancer_hour_usd + lcu_hours * prices.lcu_hour_usd;
        let transfer = Transfer {
            internet_in_gb: internet_in,
            internet_out_gb: internet_out,
            internet_out_usd: internet_out * prices.internet_egress_gb_usd,
            internal_gb: lb_in + lb_out + db_in + db_out - cross_zone_gb,
            cross_zone_gb,
            cross_zone_usd: 2.0 * cross_zone_gb * prices.cross_zone_gb_usd,
        };
        let transfer_usd = transfer.internet_out_usd + transfer.cross_zone_usd;
        let total_usd = instance_usd + load_balancer_usd + transfer_usd;
        let hours = now as f64 / 3.6e12;
        let requests = self.world.metrics.totals().requests as f64;
        Cost {
            instance_hours,
            instance_usd,
            load_balancer_hours,
            load_balancer_usd,
            transfer_gb: internet_in + internet_out + lb_in + lb_out + db_in + db_out,
            transfer,
            transfer_usd,
            total_usd,
            usd_per_hour: if hours > 0.0 { total_usd / hours } else { 0.0 },
            usd_per_million_requests: if requests > 0.0 {
                total_usd / requests * 1e6
            } else {
                0.0
            },
        }
    }
}
