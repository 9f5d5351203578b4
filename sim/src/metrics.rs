//! Metrics: run totals, latency histograms (hdrhistogram), and one sample
//! per simulated second kept in a bounded ring, so a 24-hour run holds the
//! same memory as a 1-hour one.

use crate::fleet::Lifecycle;
use crate::request::Outcome;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::VecDeque;

/// Seconds of per-second samples kept (the most recent hour).
pub const SERIES_CAPACITY: usize = 3600;

/// Latencies are recorded in microseconds, up to a day.
const LATENCY_MAX_US: u64 = 24 * 3600 * 1_000_000;

/// Counts over the whole run. Everything integer, so the digest is exact.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Logical requests created.
    pub requests: u64,
    /// Logical requests finished, by `Outcome` (in `Outcome::ALL` order).
    pub finished: [u64; Outcome::ALL.len()],
    pub attempts: u64,
    pub attempts_finished: [u64; Outcome::ALL.len()],
    /// Responses that arrived after their attempt had timed out.
    pub late_responses: u64,
    /// Jobs an instance started, and how many of them had to queue first.
    pub jobs_started: u64,
    pub jobs_waited: u64,
    /// Events the engine handled (stale ones excluded).
    pub events: u64,
    /// Attempts that were retries (attempts − requests, once all finished).
    pub retries: u64,
    /// Logical requests that failed after the client stopped retrying: its
    /// attempts were used up or the retry budget refused one. 0 without
    /// retries (`client.max_attempts = 1`).
    pub gave_up: u64,
    /// Retries the retry budget refused.
    pub retries_refused: u64,
    /// Extra executions of a mutating request (a duplicate cart item, a
    /// double charge), by ground truth.
    pub duplicates: u64,
    /// Repeats a token store answered with the stored result.
    pub replayed: u64,
    /// Repeats answered 409 because the first was still executing.
    pub conflicts: u64,
    /// Instances launched (the initial ones included) and terminated.
    pub instances_launched: u64,
    pub instances_terminated: u64,
    /// Changes of desired capacity made by scaling policies.
    pub scaling_actions: u64,
    /// Jobs an instance finished after their client stopped waiting for
    /// them: work nobody will use.
    pub wasted: u64,
    /// Jobs an instance dropped or stopped because their client's deadline
    /// had passed (`client.cancellation`).
    pub cancelled: u64,
    /// Per service: closed seconds that ended with at least one instance up
    /// (registered, its condition ok), and seconds closed.
    pub seconds_available: Vec<u64>,
    pub seconds: u64,
    wait_ns: u128,
    success_ns: u128,
    sojourn_ns: u128,
    /// ∫ logical requests in the system dt, in request·ns.
    in_system_area: u128,
}

impl Totals {
    /// Service `s`'s availability: the share of closed seconds that ended
    /// with at least one instance up.
    pub fn availability(&self, s: usize) -> f64 {
        match self.seconds {
            0 => 1.0,
            n => self.seconds_available.get(s).copied().unwrap_or(0) as f64 / n as f64,
        }
    }

    pub fn finished_total(&self) -> u64 {
        self.finished.iter().sum()
    }
    pub fn outcome(&self, o: Outcome) -> u64 {
        self.finished[o as usize]
    }

    /// Logical requests that finished with any outcome but success.
    pub fn failed(&self) -> u64 {
        self.finished_total() - self.outcome(Outcome::Success)
    }

    /// Attempts sent per logical request (1 without retries; 0 before any).
    pub fn attempts_per_request(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.attempts as f64 / self.requests as f64
        }
    }
}

/// One simulated second.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    /// End of the second.
    pub t_s: f64,
    /// Logical requests created in the second.
    pub offered_rps: u32,
    pub attempts: u32,
    /// Attempts in the second that were retries.
    pub retries: u32,
    /// Duplicate executions, and requests that gave up, in the second.
    pub duplicates: u32,
    /// Jobs finished after their client stopped waiting, and jobs dropped or
    /// stopped past their client's deadline.
    pub wasted: u32,
    pub cancelled: u32,
    pub gave_up: u32,
    /// Logical requests finished in the second, any outcome.
    pub throughput_rps: u32,
    pub goodput_rps: u32,
    /// Finished in the second, by `Outcome` (in `Outcome::ALL` order).
    pub outcomes: [u32; Outcome::ALL.len()],
    /// Latency of the second's successes; 0 when there were none.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// Per service, in scenario order.
    pub utilisation: Vec<f64>,
    pub database_utilisation: f64,
    /// Instances by `Lifecycle` (in `Lifecycle::ALL` order).
    pub instances: [u32; Lifecycle::ALL.len()],
    /// Per service, in scenario order, at the end of the second: the
    /// group's live desired capacity; its instances in service (booted, not
    /// draining: load-balancer targets and those it marked unhealthy); and
    /// the healthy ones (targets whose condition is ok: what can serve).
    pub desired: Vec<u32>,
    pub in_service: Vec<u32>,
    pub healthy: Vec<u32>,
    /// Per service: registered instances whose condition is ok (what could
    /// serve, whether or not the load balancer routes to them).
    pub up: Vec<u32>,
    pub in_flight: u64,
    /// Cost so far.
    pub cost_usd: f64,
    /// Requests a second the deployment could serve at the end of the
    /// second, for the traffic's mix (its bottleneck's rate).
    pub capacity_rps: f64,
}

#[derive(Clone)]
pub struct Metrics {
    totals: Totals,
    /// When ∫ requests-in-system dt was last brought up to date.
    in_system_since: u64,
    latency: Histogram<u64>,
    second_latency: Histogram<u64>,
    second: Counts,
    series: VecDeque<Sample>,
}

#[derive(Clone, Default)]
struct Counts {
    offered: u32,
    attempts: u32,
    retries: u32,
    duplicates: u32,
    gave_up: u32,
    wasted: u32,
    cancelled: u32,
    outcomes: [u32; Outcome::ALL.len()],
}

fn histogram(sigfig: u8) -> Histogram<u64> {
    // Bounds and precision are constants that hdrhistogram accepts.
    Histogram::new_with_bounds(1, LATENCY_MAX_US, sigfig).expect("valid histogram bounds")
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            totals: Totals::default(),
            in_system_since: 0,
            latency: histogram(3),
            second_latency: histogram(2),
            second: Counts::default(),
            series: VecDeque::new(),
        }
    }
}

impl Metrics {
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Keeps ∫ requests-in-system dt current: called with the count of
    /// requests in the system just before it changes.
    #[inline]
    pub(crate) fn in_system_changes(&mut self, now: u64, in_system: usize) {
        let dt = (now - self.in_system_since) as u128;
        self.totals.in_system_area += dt * in_system as u128;
        self.in_system_since = now;
    }

    /// Time-average number of logical requests in the system up to `now`,
    /// with `in_system` there now.
    pub fn mean_in_system(&self, now: u64, in_system: u64) -> f64 {
        let pending = (now - self.in_system_since) as u128 * in_system as u128;
        ratio((self.totals.in_system_area + pending) as f64, now as f64)
    }

    #[inline]
    pub(crate) fn event_handled(&mut self) {
        self.totals.events += 1;
    }

    #[inline]
    pub(crate) fn late_response(&mut self) {
        self.totals.late_responses += 1;
    }

    pub(crate) fn replayed(&mut self) {
        self.totals.replayed += 1;
    }

    pub(crate) fn conflict(&mut self) {
        self.totals.conflicts += 1;
    }

    pub(crate) fn launched(&mut self) {
        self.totals.instances_launched += 1;
    }

    pub(crate) fn terminated(&mut self) {
        self.totals.instances_terminated += 1;
    }

    pub(crate) fn scaled(&mut self) {
        self.totals.scaling_actions += 1;
    }

    #[inline]
    pub(crate) fn request_created(&mut self) {
        self.totals.requests += 1;
        self.second.offered += 1;
    }

    #[inline]
    pub(crate) fn attempt_created(&mut self, retry: bool) {
        self.totals.attempts += 1;
        self.second.attempts += 1;
        self.totals.retries += retry as u64;
        self.second.retries += retry as u32;
    }

    pub(crate) fn duplicate(&mut self) {
        self.totals.duplicates += 1;
        self.second.duplicates += 1;
    }

    /// An instance finished a job whose client had stopped waiting.
    pub(crate) fn wasted(&mut self) {
        self.totals.wasted += 1;
        self.second.wasted += 1;
    }

    /// An instance dropped or stopped a job past its client's deadline.
    pub(crate) fn cancelled(&mut self) {
        self.totals.cancelled += 1;
        self.second.cancelled += 1;
    }

    /// A request failed after the client stopped retrying; `refused` when
    /// the retry budget said no.
    pub(crate) fn gave_up(&mut self, refused: bool) {
        self.totals.gave_up += 1;
        self.second.gave_up += 1;
        self.totals.retries_refused += refused as u64;
    }

    #[inline]
    pub(crate) fn attempt_finished(&mut self, o: Outcome) {
        self.totals.attempts_finished[o as usize] += 1;
    }

    #[inline]
    pub(crate) fn request_finished(&mut self, o: Outcome, sojourn_ns: u64) {
        self.totals.finished[o as usize] += 1;
        self.totals.sojourn_ns += sojourn_ns as u128;
        self.second.outcomes[o as usize] += 1;
        if o == Outcome::Success {
            self.totals.success_ns += sojourn_ns as u128;
            let us = (sojourn_ns / 1000).max(1);
            self.latency.saturating_record(us);
            self.second_latency.saturating_record(us);
        }
    }

    #[inline]
    pub(crate) fn job_started(&mut self, waited_ns: u64) {
        self.totals.jobs_started += 1;
        if waited_ns > 0 {
            self.totals.jobs_waited += 1;
            self.totals.wait_ns += waited_ns as u128;
        }
    }

    /// Closes the second: `fill` completes the sample with the state only
    /// the simulation knows (utilisation, instances, cost).
    pub(crate) fn close_second(&mut self, t_s: f64, fill: impl FnOnce(&mut Sample)) {
        let c = core::mem::take(&mut self.second);
        let q = |h: &Histogram<u64>, q: f64| {
            if h.is_empty() {
                0.0
            } else {
                h.value_at_quantile(q) as f64 / 1000.0
            }
        };
        let mut s = Sample {
            t_s,
            offered_rps: c.offered,
            attempts: c.attempts,
            retries: c.retries,
            duplicates: c.duplicates,
            wasted: c.wasted,
            cancelled: c.cancelled,
            gave_up: c.gave_up,
            throughput_rps: c.outcomes.iter().sum(),
            goodput_rps: c.outcomes[Outcome::Success as usize],
            outcomes: c.outcomes,
            p50_ms: q(&self.second_latency, 0.5),
            p95_ms: q(&self.second_latency, 0.95),
            p99_ms: q(&self.second_latency, 0.99),
            utilisation: Vec::new(),
            database_utilisation: 0.0,
            instances: [0; Lifecycle::ALL.len()],
            desired: Vec::new(),
            in_service: Vec::new(),
            healthy: Vec::new(),
            up: Vec::new(),
            in_flight: 0,
            cost_usd: 0.0,
            capacity_rps: 0.0,
        };
        self.second_latency.reset();
        fill(&mut s);
        let t = &mut self.totals;
        t.seconds += 1;
        t.seconds_available.resize(s.up.len(), 0);
        for (available, &up) in t.seconds_available.iter_mut().zip(&s.up) {
            *available += (up > 0) as u64;
        }
        if self.series.len() == SERIES_CAPACITY {
            self.series.pop_front();
        }
        self.series.push_back(s);
    }

    /// The per-second samples held, oldest first.
    pub fn series(&self) -> impl ExactSizeIterator<Item = &Sample> {
        self.series.iter()
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.series.back()
    }

    /// Latency quantile of all successes so far, in ms (0 if none).
    pub fn latency_ms(&self, quantile: f64) -> f64 {
        if self.latency.is_empty() {
            0.0
        } else {
            self.latency.value_at_quantile(quantile) as f64 / 1000.0
        }
    }

    /// Mean latency of successes, exact (not from the histogram), in ms.
    pub fn mean_latency_ms(&self) -> f64 {
        ratio(
            self.totals.success_ns as f64,
            self.totals.finished[0] as f64,
        ) / 1e6
    }

    /// Mean time in system over all finished requests, in ms.
    pub fn mean_sojourn_ms(&self) -> f64 {
        ratio(
            self.totals.sojourn_ns as f64,
            self.totals.finished_total() as f64,
        ) / 1e6
    }

    /// Mean wait in an instance queue over all started jobs, in ms.
    pub fn mean_queue_wait_ms(&self) -> f64 {
        ratio(self.totals.wait_ns as f64, self.totals.jobs_started as f64) / 1e6
    }

    /// Fraction of jobs that had to wait for a worker.
    pub fn p_wait(&self) -> f64 {
        ratio(
            self.totals.jobs_waited as f64,
            self.totals.jobs_started as f64,
        )
    }

    pub(crate) fn digest_into(&self, h: &mut crate::digest::Fnv) {
        let t = &self.totals;
        // The outcomes there were before the circuit breaker's.
        let open = Outcome::CircuitOpen as usize;
        for x in [t.requests, t.attempts, t.late_responses, t.jobs_started]
            .into_iter()
            .chain(t.finished[..open].iter().copied())
            .chain(t.attempts_finished[..open].iter().copied())
            .chain([t.jobs_waited, t.events, self.latency.len()])
        {
            h.u64(x);
        }
        for x in [t.wait_ns, t.success_ns, t.sojourn_ns, t.in_system_area] {
            h.bytes(&x.to_le_bytes());
        }
        // Resilience and elasticity counters enter only once they count
        // something, so a run without retries, tokens or scaling hashes as
        // it did before those existed. (Launches and terminations are in the
        // instances' ids and states.)
        let resilience = [
            t.retries,
            t.gave_up,
            t.retries_refused,
            t.duplicates,
            t.replayed,
            t.conflicts,
            t.scaling_actions,
            t.cancelled,
            t.finished[open],
            t.attempts_finished[open],
            t.finished[Outcome::Throttled as usize],
            t.attempts_finished[Outcome::Throttled as usize],
        ];
        for (k, x) in resilience.into_iter().enumerate() {
            if x != 0 {
                h.u64(k as u64);
                h.u64(x);
            }
        }
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}
