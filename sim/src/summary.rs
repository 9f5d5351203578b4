//! The run summary: the CLI's `--json` object and the UI's counters.

use crate::metrics::Metrics;
use crate::request::Outcome;
use crate::simulation::Simulation;
use serde::Serialize;
use std::collections::BTreeMap;

/// Field names are part of the CLI's contract (issue 3); add, don't rename.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    /// Simulated time covered so far.
    pub duration_s: f64,
    /// Logical requests created.
    pub requests: u64,
    pub outcomes: Outcomes,
    /// Latency of successful requests, from creation to the response.
    pub latency_ms: Latency,
    /// Finished requests per simulated second (any outcome).
    pub throughput_rps: f64,
    pub goodput_rps: f64,
    /// Per service by name, and `database`.
    pub utilisation: BTreeMap<String, f64>,
    pub events_processed: u64,
    /// Wall-clock time of the run, filled in by whoever timed it (the
    /// library has no clock); 0 otherwise.
    pub wall_ms: f64,
    pub attempts: u64,
    pub in_flight: u64,
    pub late_responses: u64,
    pub mean_in_system: f64,
    pub mean_queue_wait_ms: f64,
    pub p_wait: f64,
    pub cost: Cost,
    /// Attempts that were retries; attempts per logical request (the work
    /// amplification retries cause).
    pub retries: u64,
    pub attempts_per_request: f64,
    /// Logical requests that failed after the client stopped retrying.
    pub gave_up: u64,
    pub retries_refused: u64,
    /// Extra executions of `add_to_cart` / `checkout` (ground truth).
    pub duplicates: u64,
    /// Repeats answered from an idempotency token store, and with a 409.
    pub replayed: u64,
    pub conflicts: u64,
    pub instances_launched: u64,
    pub instances_terminated: u64,
    pub scaling_actions: u64,
    /// Each group's desired capacity at the end, by service name.
    pub desired: BTreeMap<String, u32>,
    /// `Simulation::digest`, as a hex string (JSON numbers lose 64-bit precision).
    pub digest: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Outcomes {
    pub success: u64,
    pub dropped_request: u64,
    pub dropped_response: u64,
    pub rejected: u64,
    pub timeout: u64,
    pub no_healthy_target: u64,
    pub crashed: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    pub instance_hours: f64,
    pub instance_usd: f64,
    pub transfer_gb: f64,
    pub transfer_usd: f64,
    pub total_usd: f64,
}

impl Simulation {
    pub fn summary(&self) -> Summary {
        let m: &Metrics = &self.metrics;
        let t = &m.totals;
        let secs = self.now as f64 / 1e9;
        let per_s = |x: u64| if secs > 0.0 { x as f64 / secs } else { 0.0 };
        let mut utilisation = BTreeMap::new();
        for (s, spec) in self.scenario.services.iter().enumerate() {
            let (mut b, mut c) = self.retired_areas[s];
            for i in self.instances.iter().filter(|i| i.service as usize == s) {
                b += i.cpu_area;
                c += i.capacity_area;
            }
            utilisation.insert(
                spec.name.clone(),
                if c == 0 { 0.0 } else { b as f64 / c as f64 },
            );
        }
        utilisation.insert("database".to_string(), self.db.utilisation(true));
        let pending =
            (self.now - self.last_in_system_touch()) as u128 * self.requests.len() as u128;
        Summary {
            scenario: self.scenario.name.clone(),
            seed: self.scenario.seed,
            duration_s: secs,
            requests: t.requests,
            outcomes: Outcomes {
                success: t.outcome(Outcome::Success),
                dropped_request: t.outcome(Outcome::DroppedRequest),
                dropped_response: t.outcome(Outcome::DroppedResponse),
                rejected: t.outcome(Outcome::Rejected),
                timeout: t.outcome(Outcome::Timeout),
                no_healthy_target: t.outcome(Outcome::NoHealthyTarget),
                crashed: t.outcome(Outcome::Crashed),
            },
            latency_ms: Latency {
                p50: m.latency_ms(0.5),
                p95: m.latency_ms(0.95),
                p99: m.latency_ms(0.99),
                mean: m.mean_latency_ms(),
            },
            throughput_rps: per_s(t.finished_total()),
            goodput_rps: per_s(t.outcome(Outcome::Success)),
            utilisation,
            events_processed: t.events,
            wall_ms: 0.0,
            attempts: t.attempts,
            in_flight: self.requests.len() as u64,
            late_responses: t.late_responses,
            mean_in_system: if self.now == 0 {
                0.0
            } else {
                (t.in_system_area + pending) as f64 / self.now as f64
            },
            mean_queue_wait_ms: m.mean_queue_wait_ms(),
            p_wait: m.p_wait(),
            cost: self.cost(),
            retries: t.retries,
            attempts_per_request: if t.requests == 0 {
                0.0
            } else {
                t.attempts as f64 / t.requests as f64
            },
            gave_up: t.gave_up,
            retries_refused: t.retries_refused,
            duplicates: t.duplicates,
            replayed: t.replayed,
            conflicts: t.conflicts,
            instances_launched: t.instances_launched,
            instances_terminated: t.instances_terminated,
            scaling_actions: t.scaling_actions,
            desired: self
                .scenario
                .services
                .iter()
                .zip(&self.groups)
                .map(|(s, g)| (s.name.clone(), g.desired))
                .collect(),
            digest: format!("{:016x}", self.digest()),
        }
    }

    /// Instance-hours (billed from launch to termination) and data moved.
    pub(crate) fn cost(&self) -> Cost {
        let prices = &self.scenario.cost;
        let billed_ns: u64 = self.retired_billed_ns
            + self
                .instances
                .iter()
                .map(|i| i.billed_ns(self.now))
                .sum::<u64>();
        let hours = billed_ns as f64 / 3.6e12;
        let gb = self.links.iter().map(|l| l.bytes).sum::<u64>() as f64 / 1e9;
        let instance_usd = hours * prices.instance_hour_usd;
        let transfer_usd = gb * prices.transfer_gb_usd;
        Cost {
            instance_hours: hours,
            instance_usd,
            transfer_gb: gb,
            transfer_usd,
            total_usd: instance_usd + transfer_usd,
        }
    }
}
