//! An instance of a service: workers, a bounded queue, a lifecycle (its
//! group moves it through pending → initial → in service → draining →
//! terminated; its load balancer's health checks between initial, in
//! service and unhealthy) and a condition (the faults: a crashed process, a
//! failed host, a hang, slowness), which nobody sees directly.

use super::queue::WaitQueue;
use crate::engine::{Chain, Gen};
use crate::failures::FailureProcess;
use crate::idempotency::TokenStore;
use crate::rng::{Purpose, Stream};
use crate::slab::Handle;
use serde::Serialize;

/// Public id of an instance, shown as `i-N`; never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct InstanceId(pub u32);

impl core::fmt::Display for InstanceId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "i-{}", self.0)
    }
}

/// Where an instance is in its life, as the group and load balancer see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Booting; not yet a target.
    Pending,
    /// Registered with its load balancer, which routes to it only once it
    /// passes one health check (ALB's `initial` target state).
    Initial,
    /// A load-balancer target.
    InService,
    /// Taken out of service by its load balancer's health checks. Without
    /// them nothing is ever taken out: an Application Load Balancer has no
    /// passive detection, so a crashed or hung target keeps its share.
    Unhealthy,
    /// Finishing its work before it stops; not a target.
    Draining,
    /// Gone.
    Terminated,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 6] = [
        Lifecycle::Pending,
        Lifecycle::Initial,
        Lifecycle::InService,
        Lifecycle::Unhealthy,
        Lifecycle::Draining,
        Lifecycle::Terminated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Pending => "pending",
            Lifecycle::Initial => "initial",
            Lifecycle::InService => "in_service",
            Lifecycle::Unhealthy => "unhealthy",
            Lifecycle::Draining => "draining",
            Lifecycle::Terminated => "terminated",
        }
    }
    /// Whether it has workers running (and so counts for utilisation).
    pub(super) fn running(self) -> bool {
        matches!(
            self,
            Lifecycle::Initial | Lifecycle::InService | Lifecycle::Unhealthy | Lifecycle::Draining
        )
    }

    /// Whether it is a registered target of its load balancer (which
    /// probes it, and routes to it when healthy or when failing open).
    pub fn registered(self) -> bool {
        matches!(
            self,
            Lifecycle::Initial | Lifecycle::InService | Lifecycle::Unhealthy
        )
    }
}

/// What is wrong with an instance — which the load balancer cannot see
/// without health checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Ok,
    /// The application process crashed: the host is up (EC2's status
    /// checks pass) and refuses connections; held work was lost.
    Crashed,
    /// The host failed (EC2's instance status checks fail): connections to
    /// it time out instead of being refused; held work was lost.
    HostDown,
    /// Accepts work and never answers (a grey failure).
    Hung,
}

/// A request an instance has taken on: a client's, or its load
/// balancer's health check.
#[derive(Clone, Copy, Debug)]
pub(super) struct Job {
    pub attempt: Handle,
    pub token: u32,
    /// `Message::RETRY` if it is a retry's; `Job::PROBE` for a health check.
    pub marks: u8,
    pub kind: u8,
    /// When it reached the instance, in ns.
    pub arrived: u64,
    /// When the instance learns that its client gave up (`u64::MAX`:
    /// never): it drops or stops the job then.
    pub deadline: u64,
    /// Adaptive LIFO gave it CoDel's short queue-time limit (the target):
    /// it arrived at a queue that had not been empty for the interval.
    pub short_limit: bool,
}

impl Job {
    const PROBE: u8 = 0x80;

    /// A health check sent at `now`; it belongs to no client's attempt.
    pub fn probe(now: u64) -> Job {
        Job {
            attempt: Handle {
                index: u32::MAX,
                gen: u32::MAX,
            },
            token: 0,
            marks: Job::PROBE,
            kind: 0,
            arrived: now,
            deadline: u64::MAX,
            short_limit: false,
        }
    }

    #[inline]
    pub fn is_probe(&self) -> bool {
        self.marks & Job::PROBE != 0
    }
}

#[derive(Clone)]
pub(super) struct Instance {
    pub id: InstanceId,
    pub address: [u8; 4],
    pub service: u16,
    /// Its availability zone (0 is zone a).
    pub zone: u8,
    /// Launch number within its service: keys its random streams, so other
    /// services' sizes never change its randomness.
    pub ordinal: u32,
    pub lifecycle: Lifecycle,
    pub condition: Condition,
    /// Service-time multiplier (1 = healthy).
    pub slow_factor: f64,
    /// When its condition last changed (EC2 status checks see a failed
    /// host at their first run after it).
    pub condition_since: u64,
    /// A security-group rule drops the path to it from its load balancer:
    /// to the load balancer it is as if its host had failed.
    pub blocked: bool,
    /// The generations of its timer chains (`Chain`), in `Chain` order.
    chains: [Gen; 4],
    pub launched_at: u64,
    pub terminated_at: Option<u64>,
    /// Worker slots; `None` is a free worker.
    pub slots: Vec<Option<Job>>,
    /// Workers holding a request (computing or waiting on the database).
    pub busy: u32,
    /// Workers computing: what CPU utilisation measures.
    pub cpu: u32,
    pub workers: u32,
    pub queue: WaitQueue,
    /// Requests the load balancer has sent and not yet seen answered.
    pub outstanding: u32,
    pub served: u64,
    pub work_rng: Stream,
    pub failures: FailureProcess,
    /// ∫ computing workers dt and ∫ running workers dt, in worker·ns.
    pub cpu_area: u64,
    pub capacity_area: u64,
    last_touch: u64,
    /// `cpu_area` at the last metrics tick, for per-second utilisation.
    pub cpu_area_at_tick: u64,
    pub capacity_area_at_tick: u64,
    /// Idempotency tokens it executed, in its memory (per-instance tokens).
    pub tokens: TokenStore,
    /// When it first came into service (warm-up counts from it).
    pub in_service_at: u64,
    /// Requests its load balancer sent it, for requests per target.
    pub routed: u64,
    /// `cpu_area`, `capacity_area` and `routed` at the group's last
    /// policy evaluation.
    pub at_evaluation: (u64, u64, u64),
    /// Health checks: consecutive results, and the last result.
    pub probe_streak: u32,
    pub health: Health,
    /// When the health check it is answering now was sent (a probe waits
    /// for a worker like any request); `None` when none is awaited.
    pub probe_sent: Option<u64>,
    /// Passive outlier detection: 5xx answers in a row, how often it has
    /// been ejected, and until when it is ejected now.
    pub consecutive_5xx: u32,
    pub ejections: u32,
    pub ejected_until: Option<u64>,
    /// Attempts it holds whose connection its load balancer closed on the
    /// idle timeout (answering the client 504): their answers are dropped
    /// at the load balancer. Never more than the jobs it holds.
    pub closed: Vec<Handle>,
}

/// What the load balancer's health checks last said about an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Not probed (health checks off, or not yet in service).
    Unchecked,
    Passing,
    Failing,
}

impl Instance {
    /// The current generation of one of its timer chains.
    #[inline]
    pub fn gen(&self, chain: Chain) -> Gen {
        self.chains[chain as usize]
    }

    /// Makes every queued event of `chain` stale; returns the new generation.
    pub fn bump(&mut self, chain: Chain) -> Gen {
        self.chains[chain as usize].bump();
        self.gen(chain)
    }

    /// Takes over a reused slot: every chain continues past the previous
    /// occupant's, so its events still queued stay stale.
    pub fn succeed(&mut self, previous: &Instance) {
        self.chains = previous.chains.map(Gen::next);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new(
        seed: u64,
        id: InstanceId,
        service: u16,
        service_name: &str,
        ordinal: u32,
        workers: u32,
        now: u64,
        lifecycle: Lifecycle,
    ) -> Instance {
        let n = id.0;
        Instance {
            id,
            address: [10, 0, (n / 250) as u8, (n % 250 + 4) as u8],
            service,
            zone: 0,
            ordinal,
            lifecycle,
            condition: Condition::Ok,
            slow_factor: 1.0,
            condition_since: now,
            blocked: false,
            chains: [Gen::default(); 4],
            launched_at: now,
            terminated_at: None,
            slots: vec![None; workers as usize],
            busy: 0,
            cpu: 0,
            workers,
            queue: WaitQueue::default(),
            outstanding: 0,
            served: 0,
            work_rng: Stream::derive(seed, Purpose::ServiceTime, service_name, ordinal as u64),
            failures: FailureProcess::new(seed, Purpose::Faults, service_name, ordinal as u64),
            cpu_area: 0,
            capacity_area: 0,
            last_touch: now,
            cpu_area_at_tick: 0,
            capacity_area_at_tick: 0,
            tokens: TokenStore::default(),
            in_service_at: now,
            routed: 0,
            at_evaluation: (0, 0, 0),
            probe_streak: 0,
            health: Health::Unchecked,
            probe_sent: None,
            consecutive_5xx: 0,
            ejections: 0,
            ejected_until: None,
            closed: Vec::new(),
        }
    }

    /// Brings the utilisation integrals up to `now`; call before anything
    /// that changes `cpu`, `workers` or `lifecycle`.
    #[inline]
    pub fn touch(&mut self, now: u64) {
        let dt = now - self.last_touch;
        if dt > 0 {
            self.cpu_area += self.cpu as u64 * dt;
            if self.lifecycle.running() {
                // Work started before a live cut in workers still runs.
                self.capacity_area += self.workers.max(self.cpu) as u64 * dt;
            }
            self.last_touch = now;
        }
    }

    /// A free worker slot if the instance may start more work.
    #[inline]
    pub fn free_slot(&self) -> Option<u16> {
        if self.busy >= self.workers {
            return None;
        }
        self.slots
            .iter()
            .position(Option::is_none)
            .map(|i| i as u16)
    }

    /// Takes `job` into `slot`; a hung instance takes it but never computes.
    #[inline]
    pub fn occupy(&mut self, now: u64, slot: u16, job: Job) {
        self.touch(now);
        self.slots[slot as usize] = Some(job);
        self.busy += 1;
        if self.condition != Condition::Hung {
            self.cpu += 1;
        }
    }

    /// A worker finished computing (it may still wait on the database).
    #[inline]
    pub fn computed(&mut self, now: u64) {
        self.touch(now);
        self.cpu -= 1;
    }

    /// Everything in progress stops computing (the instance hung).
    pub fn freeze(&mut self, now: u64) {
        self.touch(now);
        self.cpu = 0;
        self.condition = Condition::Hung;
    }

    /// Frees `slot`, returning its job.
    #[inline]
    pub fn release(&mut self, now: u64, slot: u16) -> Option<Job> {
        let job = self.slots.get_mut(slot as usize)?.take()?;
        self.touch(now);
        self.busy -= 1;
        Some(job)
    }

    /// Running jobs whose client no longer waits (`waiting` says whether
    /// one does); health checks always have their load balancer waiting.
    pub fn orphaned(&self, waiting: impl Fn(Handle) -> bool) -> u32 {
        self.slots
            .iter()
            .flatten()
            .filter(|j| !j.is_probe() && !waiting(j.attempt))
            .count() as u32
    }

    /// Whether it holds a job of `attempt` (running or queued).
    pub fn holds(&self, attempt: Handle) -> bool {
        self.slots.iter().flatten().any(|j| j.attempt == attempt) || self.queue.holds(attempt)
    }

    /// Forgets a connection its load balancer closed; whether it was one.
    #[inline]
    pub fn reopen(&mut self, attempt: Handle) -> bool {
        if let Some(k) = self.closed.iter().position(|&a| a == attempt) {
            self.closed.swap_remove(k);
            true
        } else {
            false
        }
    }

    /// Every job held (running or queued), leaving the instance empty.
    pub fn drain_jobs(&mut self, now: u64) -> Vec<Job> {
        self.touch(now);
        self.busy = 0;
        self.cpu = 0;
        let mut jobs: Vec<Job> = self.slots.iter_mut().filter_map(Option::take).collect();
        jobs.extend(self.queue.drain());
        jobs
    }

    /// Changes the number of workers; running work beyond it finishes.
    pub fn set_workers(&mut self, now: u64, workers: u32) {
        self.touch(now);
        self.workers = workers;
        if self.slots.len() < workers as usize {
            self.slots.resize(workers as usize, None);
        }
    }

    pub fn set_lifecycle(&mut self, now: u64, state: Lifecycle) {
        self.touch(now);
        // Warm-up counts from its first time in service only: one that
        // comes back after failing health checks is already warm.
        let new = matches!(self.lifecycle, Lifecycle::Pending | Lifecycle::Initial);
        self.lifecycle = state;
        if state == Lifecycle::InService && new {
            self.in_service_at = now;
        }
        if state == Lifecycle::Terminated {
            self.terminated_at = Some(now);
        }
    }

    /// A load-balancer target: in service (whatever its hidden condition)
    /// and not ejected by outlier detection.
    pub fn is_target(&self) -> bool {
        self.lifecycle == Lifecycle::InService && self.ejected_until.is_none()
    }

    pub fn is_idle(&self) -> bool {
        self.busy == 0 && self.queue.is_empty()
    }

    /// Whether it accepts connections: booted, not gone, its process and
    /// host up (a hung one accepts and never answers).
    pub fn listening(&self) -> bool {
        self.lifecycle.running()
            && !matches!(self.condition, Condition::Crashed | Condition::HostDown)
    }

    /// Whether its load balancer probes it: a registered target.
    pub fn probed(&self) -> bool {
        self.lifecycle.registered()
    }

    /// Whether its group counts it in its capacity (not draining or gone).
    pub fn counted(&self) -> bool {
        self.lifecycle == Lifecycle::Pending || self.lifecycle.registered()
    }

    /// Whether it can actually serve: a target whose condition is ok.
    pub fn healthy(&self) -> bool {
        self.is_target() && self.condition == Condition::Ok
    }

    /// Billed time: from launch until termination (or now).
    pub fn billed_ns(&self, now: u64) -> u64 {
        self.terminated_at.unwrap_or(now) - self.launched_at
    }

    /// CPU utilisation since the last tick (or over its life when `whole`).
    pub fn utilisation(&self, whole: bool) -> f64 {
        let (b, c) = if whole {
            (self.cpu_area, self.capacity_area)
        } else {
            (
                self.cpu_area - self.cpu_area_at_tick,
                self.capacity_area - self.capacity_area_at_tick,
            )
        };
        if c == 0 {
            0.0
        } else {
            b as f64 / c as f64
        }
    }
}
