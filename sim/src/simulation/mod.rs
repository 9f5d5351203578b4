//! The simulation: Sahara's model driven by the event queue. It owns the
//! parts of the model (the clients, the fleets, the database, the network)
//! and the world they share (clock, queue, parameters, accounts), and only
//! routes: each event goes to the part it concerns, and a message a part
//! sends goes onto the network and on to whoever it reaches (`route`).
//! Live changes are in `apply`; the snapshot, summary and cost in `report`.

mod apply;
mod figure;
mod report;
mod route;

use crate::clients::Clients;
use crate::database::Database;
use crate::digest::Fnv;
use crate::engine::{Claim, Event, Timer};
use crate::fleet::{Fleets, SecondRow};
use crate::log::LogEvent;
use crate::metrics::Metrics;
use crate::network::Network;
use crate::params::Params;
use crate::request::Status;
use crate::scenario::{FaultKind, Scenario, ValidationError};
use crate::time::{SimDuration, SimTime, NANOS_PER_SEC};
use crate::trace::{Trace, TraceTarget, Tracer};
use crate::world::World;

/// A running simulation of one scenario. Deterministic: the same scenario
/// (seed included) gives the same run, natively and in wasm, however the
/// caller slices time with `advance_*`.
#[derive(Clone)]
pub struct Simulation {
    /// The user's text of the run; what runs is `world.params`.
    scenario: Scenario,
    world: World,
    clients: Clients,
    fleets: Fleets,
    database: Database,
    network: Network,
}

impl Simulation {
    /// Builds the deployment at time 0: every service's initial instances in
    /// service, the first arrivals, ticks and scheduled faults queued.
    pub fn new(scenario: Scenario) -> Result<Simulation, Vec<ValidationError>> {
        scenario.validate()?;
        let params = Params::new(&scenario);
        let mut sim = Simulation {
            clients: Clients::new(&params),
            fleets: Fleets::new(&params),
            database: Database::new(&params),
            network: Network::new(params.seed),
            world: World::new(params),
            scenario,
        };
        let w = &mut sim.world;
        sim.fleets.restart_zones(w);
        sim.database.restart_failures(w);
        sim.fleets.launch_initial(w);
        sim.clients.start(w);
        w.queue.push(NANOS_PER_SEC, Event::Tick);
        for (index, f) in w.params.faults.iter().enumerate() {
            let index = index as u32;
            w.queue.push(f.at_ns, Event::ScheduledFault { index });
        }
        for (index, o) in w.params.others.iter().enumerate() {
            let (index, undone) = (index as u32, false);
            w.queue.push(o.at_ns, Event::ByOthers { index, undone });
        }
        Ok(sim)
    }

    pub fn now(&self) -> SimTime {
        SimTime(self.world.now)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn metrics(&self) -> &Metrics {
        &self.world.metrics
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
        loop {
            if budget == 0 {
                // Out of budget: `t` is reached only if nothing is due by then.
                if self.world.queue.peek_time().is_some_and(|time| time <= t.0) {
                    return false;
                }
                break;
            }
            let Some((time, event)) = self.world.queue.pop_due(t.0) else {
                break;
            };
            self.world.now = time;
            if event.claim().is_none_or(|c| self.holds(c)) {
                self.handle(event);
                budget -= 1;
                self.world.metrics.event_handled();
            }
        }
        self.world.now = self.world.now.max(t.0);
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
            .world
            .params
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect();
        self.world.log.since(cursor, &names)
    }

    /// Logical requests created and not yet finished.
    /// Starts tracing the request `target` names, from now on (a trace
    /// already under way is dropped). Tracing changes nothing in the run.
    pub fn trace(&mut self, target: TraceTarget) {
        self.world.tracer = Some(Box::new(Tracer::new(target)));
    }

    /// How many logical requests have been created so far (request ids
    /// count from 1).
    pub fn requests_created(&self) -> u64 {
        self.clients.requests_created()
    }

    /// Stops tracing.
    pub fn stop_tracing(&mut self) {
        self.world.tracer = None;
    }

    /// The trace under way, as far as it has got.
    pub fn traced(&self) -> Option<Trace> {
        self.world.tracer.as_ref().map(|t| t.view())
    }

    pub fn in_flight(&self) -> u64 {
        self.clients.requests_in_flight()
    }

    /// A stable hash of the run's counters, outcomes and state: equal for
    /// the same scenario and seed on every target.
    pub fn digest(&self) -> u64 {
        let mut h = Fnv::new();
        h.u64(self.world.now);
        h.u64(self.clients.requests_in_flight());
        h.u64(self.clients.attempts_in_flight());
        h.u64(self.world.queue.len() as u64);
        self.world.metrics.digest_into(&mut h);
        self.fleets.digest_into(&mut h);
        self.database.digest_into(&mut h);
        self.network.digest_into(&mut h);
        h.finish()
    }

    /// Whether what a queued event was scheduled for still holds: the one
    /// place where stale events are recognised (and then dropped uncounted).
    #[inline]
    fn holds(&self, claim: Claim) -> bool {
        match claim {
            Claim::Arrivals(gen) => self.clients.arrivals_current(gen),
            Claim::Zones(gen) => self.fleets.zone_faults_current(gen),
            Claim::Database(gen) => self.database.failures_current(gen),
            Claim::Instance { slot, chain, gen } => self.fleets.current(slot, chain, gen),
            Claim::Request(r) => self.clients.has_request(r),
            Claim::Attempt(a) => self.clients.has_attempt(a),
            Claim::AttemptTimer(t) => self.clients.timer_current(t),
        }
    }

    /// Routes one current event to the part of the model it concerns.
    // Called from one place, the stepping loop, where it belongs inline.
    #[inline(always)]
    fn handle(&mut self, event: Event) {
        let w = &mut self.world;
        match event {
            Event::Arrival { .. } => {
                if let Some(first) = &mut self.clients.on_arrival(w) {
                    self.forward(first);
                }
            }
            Event::UserReady { user } => {
                let mut first = self.clients.on_user_ready(user, w);
                self.send_some(&mut first);
            }
            Event::Retry { request } => {
                let mut next = self.clients.on_retry(request, w);
                self.send_some(&mut next);
            }
            Event::AttemptTimeout(timer) => self.clients.timed_out(timer, w),
            Event::Timer(Timer::Idle {
                attempt,
                instance,
                target,
            }) => {
                self.fleets.close_idle(instance, target, attempt, w);
                let mut answer = self.clients.gateway_timeout(attempt, w);
                self.send_some(&mut answer);
            }
            Event::Timer(Timer::Deadline {
                attempt,
                instance,
                slot,
            }) => self.fleets.deadline_passed(instance, slot, attempt, w),
            Event::Timer(Timer::Connect {
                attempt,
                instance,
                target,
            }) => {
                self.fleets.connect_timed_out(instance, target, w);
                let mut answer = self.clients.gateway_timeout(attempt, w);
                self.send_some(&mut answer);
            }
            Event::Deliver(mut msg) => {
                self.network.landed(&msg);
                w.trace_hop(&msg);
                if msg.lost {
                    self.on_lost(msg);
                } else {
                    self.deliver(&mut msg);
                }
            }
            Event::WorkDone { instance, slot, .. } => self.on_work_done(instance, slot),
            Event::Timer(Timer::DbCall { instance, slot, .. }) => {
                self.finish_job(instance, slot, Status::GatewayTimeout)
            }
            Event::Shed(mut answer) => self.send(&mut answer),
            Event::DbDone(msg) => {
                let mut answer = self.database.done(msg, w.now);
                self.send(&mut answer);
                self.database.start_waiting(&mut self.world);
            }
            Event::Booted { instance, .. } => self.fleets.on_booted(instance, w),
            Event::RandomFault { instance, .. } => {
                let failed = self.fleets.on_random_fault(instance, w);
                self.send_all(failed);
            }
            Event::Repair { instance, .. } => {
                let failed = self.fleets.repair(instance, w);
                self.send_all(failed);
            }
            Event::ScheduledFault { index } => {
                let f = w.params.faults[index as usize];
                if f.kind == FaultKind::DatabaseFailure {
                    let lost = self.database.fail(f.repair_after_ns, w);
                    self.send_all(lost);
                } else {
                    let failed = self.fleets.on_scheduled_fault(index as usize, w);
                    self.send_all(failed);
                    if let (Some(zone), None) = (f.zone, f.service) {
                        self.zone_took_the_database(zone, f.repair_after_ns);
                    }
                }
            }
            Event::ByOthers { index, undone } => {
                let failed = self.fleets.on_change_by_other(index, undone, w);
                self.send_all(failed);
            }
            Event::ZoneFault { zone, .. } => {
                let repair = self.fleets.on_zone_fault(zone, w);
                self.zone_took_the_database(zone, Some(repair));
            }
            Event::DatabaseFault { .. } => {
                let lost = self.database.on_random_failure(w);
                self.send_all(lost);
            }
            Event::Probe { instance, .. } => self.fleets.on_probe(instance, w),
            Event::ProbeTimeout { instance, sent, .. } => {
                self.fleets.on_probe_timeout(instance, sent, w)
            }
            Event::DrainDeadline { instance, .. } => {
                let failed = self.fleets.on_drain_deadline(instance, w);
                self.send_all(failed);
            }
            Event::Tick => {
                self.close_second();
                let failed = self.fleets.tend(&mut self.world);
                self.send_all(failed);
                let w = &mut self.world;
                w.queue.push(w.now + NANOS_PER_SEC, Event::Tick);
            }
        }
    }

    /// A zone outage of zone a, where the database's primary runs, takes
    /// the primary with it, repaired with the zone.
    fn zone_took_the_database(&mut self, zone: u8, repair_ns: Option<u64>) {
        if zone == 0 {
            let lost = self.database.fail(repair_ns, &mut self.world);
            self.send_all(lost);
        }
    }

    /// Closes the metrics second with the state the parts hold.
    fn close_second(&mut self) {
        let now = self.world.now;
        let (rows, counts) = self.fleets.close_second(now);
        let db_util = self.database.close_second(now);
        let cost = self.cost().total_usd;
        let in_flight = self.clients.requests_in_flight();
        let capacity = self.capacity_rps(&rows);
        let utilisation = |b: u64, c: u64| if c == 0 { 0.0 } else { b as f64 / c as f64 };
        self.world
            .metrics
            .close_second(now as f64 / NANOS_PER_SEC as f64, |sample| {
                sample.utilisation = rows
                    .iter()
                    .map(|r| utilisation(r.busy, r.capacity))
                    .collect();
                sample.database_utilisation = db_util;
                sample.instances = counts;
                sample.desired = rows.iter().map(|r| r.desired).collect();
                sample.in_service = rows.iter().map(|r| r.in_service).collect();
                sample.healthy = rows.iter().map(|r| r.healthy).collect();
                sample.up = rows.iter().map(|r| r.up).collect();
                sample.in_flight = in_flight;
                sample.cost_usd = cost;
                sample.capacity_rps = capacity;
            });
    }

    /// The request rate the deployment could serve now, for the traffic's
    /// mix, by the bottleneck law of operational analysis (Denning and
    /// Buzen, "The Operational Analysis of Queueing Network Models", 1978):
    /// throughput X ≤ m / D at every resource, m its servers and D the work
    /// one request brings it on average. A service's servers are its
    /// healthy targets' workers (`serving_workers`), its D the mean work of
    /// a request times the share of requests sent to it; the database's
    /// servers answer for themselves, given the queries a request makes.
    fn capacity_rps(&self, rows: &[SecondRow]) -> f64 {
        let p = &self.world.params;
        let mut share = vec![0.0; rows.len()];
        let (mut reads, mut writes) = (0.0, 0.0);
        for k in &p.traffic.kinds {
            share[k.service as usize] += k.share;
            let queries = k.share * k.db_queries as f64;
            if k.writes {
                writes += queries;
            } else {
                reads += queries;
            }
        }
        let services = rows
            .iter()
            .zip(&share)
            .zip(&p.services)
            .map(|((r, &f), s)| {
                let rate = r.serving_workers / (s.work.mean_ns() / 1e9);
                if f > 0.0 {
                    rate / f
                } else {
                    f64::INFINITY
                }
            });
        let database = self.database.capacity_rps(reads, writes, &self.world);
        services.fold(database, f64::min)
    }
}
