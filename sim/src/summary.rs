//! The run summary: the CLI's `--json` object and the UI's counters.

use serde::Serialize;
use std::collections::BTreeMap;

/// Field names are part of the CLI's contract; add, don't rename.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    /// Simulated time covered so far.
    pub duration_s: f64,
    /// Logical requests created.
    pub requests: u64,
    pub outcomes: Outcomes,
    /// Logical requests that finished with any outcome but success.
    pub failed: u64,
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
    /// Jobs finished after their client stopped waiting (work nobody used),
    /// and jobs dropped or stopped past their client's deadline.
    pub wasted: u64,
    pub cancelled: u64,
    /// Repeats answered from an idempotency token store, and with a 409.
    pub replayed: u64,
    pub conflicts: u64,
    pub instances_launched: u64,
    pub instances_terminated: u64,
    pub scaling_actions: u64,
    /// Each group's desired capacity at the end, by service name.
    pub desired: BTreeMap<String, u32>,
    /// Each service's availability, by name: the share of simulated
    /// seconds that ended with at least one instance up (registered, its
    /// condition ok).
    pub availability: BTreeMap<String, f64>,
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
    /// Failed fast by an open circuit breaker, never sent.
    pub circuit_open: u64,
    /// Answered 429 by a rate limit in front of the service.
    pub throttled: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

/// What the run cost, priced as AWS charges (`scenario::Cost`).
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    /// Billed from each launch until termination.
    pub instance_hours: f64,
    pub instance_usd: f64,
    /// One Application Load Balancer per service that has one.
    pub load_balancer_hours: f64,
    /// Its hours and its LCU-hours (1 GB processed is one LCU-hour).
    pub load_balancer_usd: f64,
    /// Every byte moved over any hop, either direction.
    pub transfer_gb: f64,
    /// Data transfer by where it flows.
    pub transfer: Transfer,
    /// What the transfer cost: internet egress and cross-zone traffic.
    pub transfer_usd: f64,
    pub total_usd: f64,
    /// The total over the simulated time, per hour.
    pub usd_per_hour: f64,
    /// The total per million requests sent.
    pub usd_per_million_requests: f64,
}

/// Data moved, in GB, by where it flows; only egress and cross-zone
/// traffic are charged.
#[derive(Clone, Debug, Serialize)]
pub struct Transfer {
    /// From the internet to the load balancers: free.
    pub internet_in_gb: f64,
    /// From the load balancers to the internet.
    pub internet_out_gb: f64,
    pub internet_out_usd: f64,
    /// Inside the region and zone (load balancer to instances, instances
    /// to a database in their zone): free.
    pub internal_gb: f64,
    /// Between instances and a database in another zone, charged in each
    /// direction.
    pub cross_zone_gb: f64,
    pub cross_zone_usd: f64,
}

impl Cost {
    /// A field by name (`total_usd`, `transfer.cross_zone_usd`), for
    /// `Simulation::figure`.
    pub(crate) fn number(&self, path: &str) -> Option<f64> {
        match path {
            "instance_hours" => Some(self.instance_hours),
            "instance_usd" => Some(self.instance_usd),
            "load_balancer_hours" => Some(self.load_balancer_hours),
            "load_balancer_usd" => Some(self.load_balancer_usd),
            "transfer_gb" => Some(self.transfer_gb),
            "transfer_usd" => Some(self.transfer_usd),
            "total_usd" => Some(self.total_usd),
            "usd_per_hour" => Some(self.usd_per_hour),
            "usd_per_million_requests" => Some(self.usd_per_million_requests),
            _ => path
                .strip_prefix("transfer.")
                .and_then(|field| self.transfer.number(field)),
        }
    }
}

impl Transfer {
    fn number(&self, field: &str) -> Option<f64> {
        match field {
            "internet_in_gb" => Some(self.internet_in_gb),
            "internet_out_gb" => Some(self.internet_out_gb),
            "internet_out_usd" => Some(self.internet_out_usd),
            "internal_gb" => Some(self.internal_gb),
            "cross_zone_gb" => Some(self.cross_zone_gb),
            "cross_zone_usd" => Some(self.cross_zone_usd),
            _ => None,
        }
    }
}
