//! The simulation: Sahara's model driven by the event queue. This file holds
//! the state, the public stepping API and the dispatch of events; the
//! request path is in `flow`, faults and instance lifecycles in `control`,
//! live changes in `apply`, and the read-only views in `crate::snapshot`
//! and `crate::summary`.

mod apply;
mod control;
mod flow;
mod group;
mod health;

use crate::autoscaler::Group;
use crate::balancer::Balancer;
use crate::database::Database;
use crate::digest::Fnv;
use crate::engine::{Event, EventQueue, Timer};
use crate::idempotency::{Executions, TokenStore};
use crate::instance::Instance;
use crate::log::{Log, LogEvent};
use crate::metrics::Metrics;
use crate::network::Link;
use crate::params::Params;
use crate::request::{Attempt, LogicalRequest, Observed};
use crate::retry::Budget;
use crate::rng::{Purpose, Stream};
use crate::scenario::{Scenario, ValidationError};
use crate::slab::Slab;
use crate::time::{SimDuration, SimTime, NANOS_PER_SEC};

/// A running simulation of one scenario. Deterministic: the same scenario
/// (seed included) gives the same run, natively and in wasm, however the
/// caller slices time with `advance_*`.
pub struct Simulation {
    pub(crate) scenario: Scenario,
    pub(crate) params: Params,
    pub(crate) now: u64,
    pub(crate) queue: EventQueue,
    pub(crate) requests: Slab<LogicalRequest>,
    pub(crate) attempts: Slab<Attempt>,
    next_request: u64,
    /// Every instance ever launched that still holds a slot; terminated
    /// slots are reused by later launches.
    pub(crate) instances: Vec<Instance>,
    next_instance: u32,
    /// Instances launched so far, per service (the next one's ordinal).
    launches: Vec<u32>,
    pub(crate) balancers: Vec<Balancer>,
    pub(crate) links: [Link; 3],
    pub(crate) db: Database,
    arrival_rng: Stream,
    /// Arrival events carrying another generation are stale.
    arrival_gen: u32,
    user_rng: Stream,
    mix_rng: Stream,
    /// Whether each user of the closed population has a pending action.
    users_active: Vec<bool>,
    /// Backoff jitter, for all clients.
    retry_rng: Stream,
    budget: Budget,
    /// Shared idempotency tokens (beside the database).
    pub(crate) tokens: TokenStore,
    /// Ground truth for duplicates.
    executions: Executions,
    /// Each service's auto-scaling group state (live desired capacity).
    pub(crate) groups: Vec<Group>,
    pub(crate) metrics: Metrics,
    pub(crate) log: Log,
    /// Billed time and utilisation integrals (busy, capacity) per service of
    /// instances whose slots were reused, so the run's totals keep them.
    pub(crate) retired_billed_ns: u64,
    pub(crate) retired_areas: Vec<(u64, u64)>,
    last_in_system_touch: u64,
}

impl Simulation {
    /// Builds the deployment at time 0: every service's initial instances in
    /// service, the first arrivals, ticks and scheduled faults queued.
    pub fn new(scenario: Scenario) -> Result<Simulation, Vec<ValidationError>> {
        scenario.validate()?;
        let seed = scenario.seed;
        let params = Params::new(&scenario);
        let links = [0, 1, 2].map(|hop| Link::new(seed, hop, params.links[hop]));
        let mut sim = Simulation {
            balancers: scenario
                .services
                .iter()
                .map(|s| Balancer::new(seed, &s.name, s.balancer))
                .collect(),
            launches: vec![0; scenario.services.len()],
            retired_areas: vec![(0, 0); scenario.services.len()],
            retired_billed_ns: 0,
            db: Database::new(seed, params.db.connections),
            arrival_rng: Stream::derive(seed, Purpose::Arrivals, "", 0),
            user_rng: Stream::derive(seed, Purpose::Users, "", 0),
            mix_rng: Stream::derive(seed, Purpose::Mix, "", 0),
            retry_rng: Stream::derive(seed, Purpose::Retry, "", 0),
            budget: Budget::new(&params.retry),
            tokens: TokenStore::default(),
            executions: Executions::default(),
            groups: scenario
                .services
                .iter()
                .map(|s| Group {
                    desired: s.instances,
                    next_evaluation: crate::time::SimDuration::from_secs_f64(s.scaling.period_s).0,
                    last_change: None,
                })
                .collect(),
            links,
            params,
            scenario,
            now: 0,
            queue: EventQueue::default(),
            requests: Slab::new(),
            attempts: Slab::new(),
            next_request: 1,
            instances: Vec::new(),
            next_instance: 1,
            arrival_gen: 0,
            users_active: Vec::new(),
            metrics: Metrics::default(),
            log: Log::default(),
            last_in_system_touch: 0,
        };
        for s in 0..sim.scenario.services.len() {
            for _ in 0..sim.groups[s].desired {
                sim.launch(s, true);
            }
            sim.refresh_targets(s);
        }
        sim.schedule_arrival();
        sim.start_users();
        sim.queue.push(NANOS_PER_SEC, Event::Tick);
        for (index, f) in sim.scenario.faults.iter().enumerate() {
            let at = SimTime::from_secs_f64(f.at_s).0;
            sim.queue.push(
                at,
                Event::ScheduledFault {
                    index: index as u32,
                },
            );
        }
        Ok(sim)
    }

    pub fn now(&self) -> SimTime {
        SimTime(self.now)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The end of the run as the scenario sets it.
    pub fn end(&self) -> SimTime {
        SimTime::from_secs_f64(self.scenario.duration_s)
    }

    /// Runs every event up to and including `t`.
    pub fn advance_to(&mut self, t: SimTime) {
        self.advance_to_bounded(t, u64::MAX);
    }

    pub fn advance_by(&mut self, dt: SimDuration) {
        self.advance_to(self.now().plus(dt));
    }

    /// Runs events up to `t` but at most `max_events` of them, for a render
    /// loop that must not block. Returns whether `t` was reached; if not,
    /// `now()` is the time of the last event run and a later call goes on
    /// from there with the same result as one uninterrupted call.
    pub fn advance_to_bounded(&mut self, t: SimTime, max_events: u64) -> bool {
        let mut budget = max_events;
        while let Some(time) = self.queue.peek_time() {
            if time > t.0 {
                break;
            }
            if budget == 0 {
                return false;
            }
            let Some((time, event)) = self.queue.pop() else {
                break;
            };
            self.now = time;
            if self.handle(event) {
                budget -= 1;
                self.metrics.totals.events += 1;
            }
        }
        self.now = self.now.max(t.0);
        true
    }

    /// Runs until the scenario's duration.
    pub fn run_to_end(&mut self) {
        self.advance_to(self.end());
    }

    /// The event log from `cursor` on (0 for everything still held) and the
    /// cursor for the next call.
    pub fn events_since(&self, cursor: u64) -> (Vec<LogEvent>, u64) {
        let names: Vec<String> = self
            .scenario
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect();
        self.log.since(cursor, &names)
    }

    /// Logical requests created and not yet finished.
    pub fn in_flight(&self) -> u64 {
        self.requests.len() as u64
    }

    /// A stable hash of the run's counters, outcomes and state: equal for
    /// the same scenario and seed on every target.
    pub fn digest(&self) -> u64 {
        let mut h = Fnv::new();
        h.u64(self.now);
        h.u64(self.requests.len() as u64);
        h.u64(self.attempts.len() as u64);
        h.u64(self.queue.len() as u64);
        self.metrics.digest_into(&mut h);
        for i in &self.instances {
            h.u64(i.id.0 as u64);
            h.u64(i.lifecycle as u64);
            h.u64(i.condition as u64);
            h.u64(i.busy as u64);
            h.u64(i.queue.len() as u64);
            h.u64(i.served);
            h.u64(i.cpu_area);
        }
        h.u64(self.db.busy as u64);
        h.u64(self.db.queue.len() as u64);
        h.u64(self.db.queries);
        for l in &self.links {
            h.u64(l.bytes);
        }
        h.finish()
    }

    /// Reacts to one event; false if it was stale (nothing happened).
    fn handle(&mut self, event: Event) -> bool {
        match event {
            Event::Arrival { gen } => {
                if gen != self.arrival_gen {
                    return false;
                }
                self.on_arrival();
            }
            Event::UserReady { user } => self.on_user_ready(user),
            Event::Deliver(msg) => self.on_deliver(msg),
            Event::WorkDone {
                instance,
                slot,
                epoch,
            } => {
                if self.instances[instance as usize].epoch != epoch {
                    return false;
                }
                self.on_work_done(instance, slot);
            }
            Event::DbDone(msg) => self.on_db_done(msg),
            Event::Timer(Timer::Attempt(a)) => {
                if self.attempts.get(a).is_none() {
                    return false;
                }
                self.at_client(a, Observed::TimedOut);
            }
            Event::Timer(Timer::DbCall {
                instance,
                slot,
                epoch,
            }) => {
                if self.instances[instance as usize].epoch != epoch {
                    return false;
                }
                self.finish_job(instance, slot, crate::request::Status::GatewayTimeout);
            }
            Event::Booted { instance, epoch } => self.on_booted(instance, epoch),
            Event::RandomFault { instance, gen } => self.on_random_fault(instance, gen),
            Event::Repair { instance, gen } => {
                if self.instances[instance as usize].fault_gen != gen {
                    return false;
                }
                self.repair(instance);
            }
            Event::ScheduledFault { index } => self.on_scheduled_fault(index as usize),
            Event::Retry { request } => return self.on_retry(request),
            Event::Probe { instance, gen } => return self.on_probe(instance, gen),
            Event::DrainDeadline { instance, id } => return self.on_drain_deadline(instance, id),
            Event::Tick => {
                self.close_second();
                self.tend_groups();
                self.queue.push(self.now + NANOS_PER_SEC, Event::Tick);
            }
        }
        true
    }

    pub(crate) fn last_in_system_touch(&self) -> u64 {
        self.last_in_system_touch
    }

    /// Keeps ∫ requests-in-system dt current; call before the count changes.
    fn touch_in_system(&mut self) {
        let dt = (self.now - self.last_in_system_touch) as u128;
        self.metrics.totals.in_system_area += dt * self.requests.len() as u128;
        self.last_in_system_touch = self.now;
    }
}
