//! The request path: client → internet → load balancer → instance
//! (→ database → instance) → load balancer → internet → client.
//!
//! Each hop is one `Deliver` event; a hop with zero delay that loses
//! nothing delivers at once without touching the queue, which keeps the
//! theory models (all hops zero) at two events per request.

use super::Simulation;
use crate::engine::{Event, Leg, Message, Timer};
use crate::idempotency::{Lookup, TokenStore};
use crate::instance::{Condition, Job, Lifecycle};
use crate::log::Note;
use crate::request::{Attempt, Fate, LogicalRequest, Observed, Outcome, RequestId, Source, Status};
use crate::scenario::Idempotency;
use crate::slab::Handle;

impl Simulation {
    /// Schedules the next open-loop candidate arrival at the shape's peak
    /// rate; `on_arrival` thins it to the rate at its time.
    pub(super) fn schedule_arrival(&mut self) {
        let peak = self.params.traffic.peak_rps;
        if peak > 0.0 {
            let gap = self.arrival_rng.exponential(1e9 / peak) as u64;
            let gen = self.arrival_gen;
            self.queue.push(self.now + gap, Event::Arrival { gen });
        }
    }

    pub(super) fn on_arrival(&mut self) {
        self.schedule_arrival();
        let t = &self.params.traffic;
        let accept = matches!(t.shape, crate::scenario::Shape::Constant)
            || self.arrival_rng.uniform() * t.peak_rps < t.rate_at(self.now());
        if accept {
            self.new_request(Source::Open);
        }
    }

    /// Gives every user of the closed population below the current count a
    /// pending action (new users start with a think time).
    pub(super) fn start_users(&mut self) {
        let n = self.params.traffic.users as usize;
        if self.users_active.len() < n {
            self.users_active.resize(n, false);
        }
        for u in 0..n {
            if !self.users_active[u] {
                self.users_active[u] = true;
                self.schedule_user(u as u32);
            }
        }
    }

    fn schedule_user(&mut self, user: u32) {
        if user < self.params.traffic.users {
            let think = self.user_rng.exponential(self.params.traffic.think_mean_ns) as u64;
            self.queue.push(self.now + think, Event::UserReady { user });
        } else {
            // The population shrank: this user leaves.
            self.users_active[user as usize] = false;
        }
    }

    pub(super) fn on_user_ready(&mut self, user: u32) {
        if user < self.params.traffic.users {
            self.new_request(Source::User(user));
        } else {
            self.users_active[user as usize] = false;
        }
    }

    fn new_request(&mut self, source: Source) {
        let kind = self.params.traffic.pick(self.mix_rng.uniform()) as u8;
        let id = RequestId(self.next_request);
        self.next_request += 1;
        self.touch_in_system();
        let request = self.requests.insert(LogicalRequest {
            id,
            kind,
            created: self.now(),
            source,
            attempts: 0,
            last_wait_ns: 0,
        });
        self.metrics.request_created();
        self.send_attempt(request);
    }

    /// Sends one attempt of a logical request, with its timeout.
    fn send_attempt(&mut self, request: Handle) {
        let Some(r) = self.requests.get_mut(request) else {
            return;
        };
        r.attempts += 1;
        let (id, number, kind) = (r.id, r.attempts, r.kind);
        let attempt = self.attempts.insert(Attempt {
            request,
            id,
            number,
            fate: Fate::Unknown,
        });
        let retry = number > 1;
        self.metrics.attempt_created(retry);
        if !retry {
            self.budget.deposit(&self.params.retry);
        }
        self.queue
            .push_timer(self.now + self.params.timeout_ns, Timer::Attempt(attempt));
        let service = self.params.traffic.kinds[kind as usize].service;
        self.send(Message {
            attempt,
            token: id.0 as u32,
            sent_at: self.now,
            instance: 0,
            target: 0,
            epoch: 0,
            slot: 0,
            service: service as u8,
            kind,
            leg: Leg::ClientToLb,
            status: Status::Ok,
            lost: false,
            marks: if retry { Message::RETRY } else { 0 },
        });
    }

    /// Puts a message on its hop.
    pub(super) fn send(&mut self, mut msg: Message) {
        let hop = msg.leg.hop();
        let response = msg.leg.is_response();
        let k = &self.params.traffic.kinds[msg.kind as usize];
        let bytes = if response {
            k.response_bytes
        } else {
            k.request_bytes
        };
        let flight = self.links[hop].send(self.now, response, bytes);
        msg.sent_at = self.now;
        msg.lost = flight.lost;
        if !flight.lost && flight.at == self.now {
            self.deliver(msg);
        } else {
            self.links[hop].in_flight += 1;
            self.queue.push(flight.at, Event::Deliver(msg));
        }
    }

    pub(super) fn on_deliver(&mut self, msg: Message) {
        self.links[msg.leg.hop()].in_flight -= 1;
        if msg.lost {
            self.on_lost(msg);
        } else {
            self.deliver(msg);
        }
    }

    fn deliver(&mut self, mut msg: Message) {
        match msg.leg {
            Leg::ClientToLb => self.at_balancer(msg),
            Leg::LbToInstance => self.at_instance(msg),
            Leg::InstanceToDb => self.at_database(msg),
            Leg::DbToInstance => self.db_answered(msg),
            Leg::InstanceToLb => {
                if self.addressee(&msg) {
                    let inst = &mut self.instances[msg.instance as usize];
                    inst.outstanding = inst.outstanding.saturating_sub(1);
                    if msg.status == Status::ConnectionError {
                        self.unreachable(msg.instance);
                    }
                }
                msg.leg = Leg::LbToClient;
                self.send(msg);
            }
            Leg::LbToClient => self.at_client(msg.attempt, Observed::Response(msg.status)),
        }
    }

    /// A message disappears: the simulator records where, the client will
    /// only see a timeout.
    fn on_lost(&mut self, msg: Message) {
        let request = self.attempts.get_mut(msg.attempt).map(|a| {
            a.fate = if msg.leg.is_response() {
                Fate::ResponseLost
            } else {
                Fate::RequestLost
            };
            a.id
        });
        if let Some(request) = request {
            let (leg, service) = (msg.leg, msg.service as u16);
            self.log.push(
                self.now,
                Note::Lost {
                    request,
                    leg,
                    service,
                },
            );
        }
        match msg.leg {
            Leg::LbToInstance | Leg::InstanceToLb => {
                if self.addressee(&msg) {
                    let inst = &mut self.instances[msg.instance as usize];
                    inst.outstanding = inst.outstanding.saturating_sub(1);
                }
            }
            // The instance waits for the database until its own timeout.
            Leg::InstanceToDb | Leg::DbToInstance => {
                let deadline = (msg.sent_at + self.params.timeout_ns).max(self.now);
                self.queue.push_timer(
                    deadline,
                    Timer::DbCall {
                        instance: msg.instance,
                        slot: msg.slot,
                        epoch: msg.epoch,
                    },
                );
            }
            Leg::ClientToLb | Leg::LbToClient => {}
        }
    }

    fn at_balancer(&mut self, mut msg: Message) {
        match self.balancers[msg.service as usize].route(&self.instances) {
            Some(i) => {
                let inst = &mut self.instances[i as usize];
                inst.outstanding += 1;
                inst.routed += 1;
                msg.target = inst.id.0;
                msg.instance = i;
                msg.leg = Leg::LbToInstance;
            }
            None => {
                msg.status = Status::NoTarget;
                msg.leg = Leg::LbToClient;
            }
        }
        self.send(msg);
    }

    /// Whether the message's instance still holds its slot.
    fn addressee(&self, msg: &Message) -> bool {
        self.instances[msg.instance as usize].id.0 == msg.target
    }

    fn at_instance(&mut self, mut msg: Message) {
        if !self.addressee(&msg) {
            // Nothing answers at that address any more.
            msg.leg = Leg::LbToClient;
            msg.status = Status::ConnectionError;
            return self.send(msg);
        }
        let i = msg.instance;
        let queue_capacity = self.params.services[msg.service as usize].queue_capacity as usize;
        let job = Job {
            attempt: msg.attempt,
            token: msg.token,
            marks: msg.marks,
            kind: msg.kind,
            arrived: self.now,
        };
        let inst = &self.instances[i as usize];
        // Booting, gone or crashed: nothing listens at the address.
        let listening = matches!(
            inst.lifecycle,
            Lifecycle::InService | Lifecycle::Unhealthy | Lifecycle::Draining
        );
        if !listening || inst.condition == Condition::Crashed {
            return self.reply(msg, Status::ConnectionError);
        }
        let tokens = self.params.traffic.kinds[msg.kind as usize].mutating;
        if tokens {
            let (now, retention) = (self.now, self.params.retention_ns);
            match self
                .token_store(i)
                .map(|s| s.check(msg.token, now, retention))
            {
                Some(Lookup::Replay) => {
                    self.metrics.totals.replayed += 1;
                    return self.reply(msg, Status::Ok);
                }
                Some(Lookup::Conflict) => {
                    self.metrics.totals.conflicts += 1;
                    return self.reply(msg, Status::Conflict);
                }
                Some(Lookup::Execute) | None => {}
            }
        }
        let inst = &mut self.instances[i as usize];
        if let Some(slot) = inst.free_slot() {
            self.start_job(i, slot, job);
        } else if inst.queue.len() < queue_capacity {
            inst.queue.push_back(job);
        } else {
            if tokens {
                if let Some(s) = self.token_store(i) {
                    s.forget(msg.token);
                }
            }
            self.reply(msg, Status::Rejected);
        }
    }

    /// Where instance `i` looks idempotency tokens up, if anywhere.
    pub(super) fn token_store(&mut self, i: u32) -> Option<&mut TokenStore> {
        match self.params.idempotency {
            Idempotency::Off => None,
            Idempotency::PerInstance => Some(&mut self.instances[i as usize].tokens),
            Idempotency::Shared => Some(&mut self.tokens),
        }
    }

    /// A mutating request's work on instance `i` ended with `status`: with
    /// a 200 it executed (the cart changed, the card was charged). Records
    /// its token, and returns whether the execution was a duplicate.
    fn executed(&mut self, i: u32, job: Job, status: Status) -> bool {
        let now = self.now;
        let ok = status == Status::Ok;
        if let Some(store) = self.token_store(i) {
            if ok {
                store.complete(job.token, now);
            } else {
                store.forget(job.token);
            }
        }
        // Without retries every request executes at most once.
        let duplicate =
            ok && self.params.retry.max_attempts > 1 && self.executions.executed(job.token, now);
        if duplicate {
            self.metrics.duplicate();
            let kind = self.params.traffic.kinds[job.kind as usize].kind;
            let request = RequestId(job.token as u64);
            self.log.push(now, Note::Duplicate { request, kind });
        }
        duplicate
    }

    /// An instance answers: back over its hop to the load balancer.
    fn reply(&mut self, mut msg: Message, status: Status) {
        msg.leg = Leg::InstanceToLb;
        msg.status = status;
        self.send(msg);
    }

    fn start_job(&mut self, i: u32, slot: u16, job: Job) {
        let now = self.now;
        self.metrics.job_started(now - job.arrived);
        let inst = &mut self.instances[i as usize];
        inst.occupy(now, slot, job);
        if inst.condition == Condition::Hung {
            return; // it took the work and will never finish it
        }
        let work = self.params.services[inst.service as usize].work;
        let d = work.sample(&mut inst.work_rng, inst.slow_factor);
        let epoch = inst.epoch;
        self.queue.push(
            now + d,
            Event::WorkDone {
                instance: i,
                slot,
                epoch,
            },
        );
    }

    pub(super) fn on_work_done(&mut self, i: u32, slot: u16) {
        let inst = &mut self.instances[i as usize];
        let Some(job) = inst.slots[slot as usize] else {
            return;
        };
        inst.computed(self.now);
        if self.params.traffic.kinds[job.kind as usize].db_queries > 0 {
            let msg = self.job_message(i, slot, job, Leg::InstanceToDb, Status::Ok, job.marks);
            self.send(msg);
        } else {
            self.finish_job(i, slot, Status::Ok);
        }
    }

    /// A message about `job`, held in `slot` of instance `i`, sent now.
    fn job_message(
        &self,
        i: u32,
        slot: u16,
        job: Job,
        leg: Leg,
        status: Status,
        marks: u8,
    ) -> Message {
        let inst = &self.instances[i as usize];
        Message {
            attempt: job.attempt,
            token: job.token,
            sent_at: self.now,
            instance: i,
            target: inst.id.0,
            epoch: inst.epoch,
            slot,
            service: inst.service as u8,
            kind: job.kind,
            leg,
            status,
            lost: false,
            marks,
        }
    }

    /// The worker in `slot` is done with its job: answer, take the next one.
    pub(super) fn finish_job(&mut self, i: u32, slot: u16, status: Status) {
        let now = self.now;
        let inst = &mut self.instances[i as usize];
        let Some(job) = inst.release(now, slot) else {
            return;
        };
        inst.served += 1;
        let duplicate =
            self.params.traffic.kinds[job.kind as usize].mutating && self.executed(i, job, status);
        let marks = job.marks | if duplicate { Message::DUPLICATE } else { 0 };
        let msg = self.job_message(i, slot, job, Leg::InstanceToLb, status, marks);
        self.send(msg);
        self.start_queued(i);
        self.finish_draining(i);
    }

    /// Starts queued work while the instance has free workers.
    pub(super) fn start_queued(&mut self, i: u32) {
        loop {
            let inst = &mut self.instances[i as usize];
            let Some(slot) = inst.free_slot() else {
                return;
            };
            let Some(job) = inst.queue.pop_front() else {
                return;
            };
            self.start_job(i, slot, job);
        }
    }

    fn at_database(&mut self, mut msg: Message) {
        let db = &mut self.db;
        if db.busy < db.connections {
            self.start_query(msg);
        } else if db.queue.len() < self.params.db.queue_capacity as usize {
            db.queue.push_back(msg);
        } else {
            msg.leg = Leg::DbToInstance;
            msg.status = Status::Rejected;
            self.send(msg);
        }
    }

    fn start_query(&mut self, msg: Message) {
        self.db.touch(self.now);
        self.db.busy += 1;
        let queries = self.params.traffic.kinds[msg.kind as usize].db_queries;
        self.db.queries += queries as u64;
        let mut d = 0;
        for _ in 0..queries {
            d += self.params.db.work.sample(&mut self.db.rng, 1.0);
        }
        self.queue.push(self.now + d, Event::DbDone(msg));
    }

    pub(super) fn on_db_done(&mut self, mut msg: Message) {
        self.db.touch(self.now);
        self.db.busy -= 1;
        msg.leg = Leg::DbToInstance;
        msg.status = Status::Ok;
        self.send(msg);
        self.start_queries();
    }

    pub(super) fn start_queries(&mut self) {
        while self.db.busy < self.db.connections {
            let Some(next) = self.db.queue.pop_front() else {
                return;
            };
            self.start_query(next);
        }
    }

    /// The database answered; the worker still holds the job unless the
    /// instance crashed or hung since, or its slot now holds a newer
    /// instance, maybe with fewer workers (a newer epoch, checked first).
    fn db_answered(&mut self, msg: Message) {
        let inst = &self.instances[msg.instance as usize];
        let holds = inst.epoch == msg.epoch
            && inst
                .slots
                .get(msg.slot as usize)
                .is_some_and(|j| j.is_some_and(|j| j.attempt == msg.attempt));
        if holds {
            self.finish_job(msg.instance, msg.slot, msg.status);
        }
    }

    /// The client observes an attempt's result (a response or its timeout).
    pub(super) fn at_client(&mut self, attempt: Handle, seen: Observed) {
        let Some(a) = self.attempts.remove(attempt) else {
            self.metrics.totals.late_responses += 1;
            return;
        };
        let outcome = a.classify(seen);
        self.metrics.attempt_finished(outcome);
        let policy = &self.params.retry;
        let retry =
            outcome != Outcome::Success && policy.max_attempts > 1 && policy.retries(outcome);
        if !(retry && self.retry_later(a.request, outcome)) {
            self.finish_request(a.request, outcome);
        }
    }

    /// Schedules the logical request's next attempt after its backoff;
    /// false if the client gives up instead (attempts used up, or the
    /// retry budget spent).
    fn retry_later(&mut self, request: Handle, last: Outcome) -> bool {
        let policy = self.params.retry;
        let Some(r) = self.requests.get_mut(request) else {
            return false;
        };
        let refused = r.attempts < policy.max_attempts && !self.budget.withdraw(&policy);
        if refused || r.attempts >= policy.max_attempts {
            self.metrics.gave_up();
            self.metrics.totals.retries_refused += refused as u64;
            let note = Note::GaveUp {
                request: r.id,
                attempts: r.attempts,
                last,
                refused,
            };
            self.log.push(self.now, note);
            return false;
        }
        let wait = policy.wait_ns(r.attempts - 1, r.last_wait_ns, &mut self.retry_rng);
        r.last_wait_ns = wait;
        self.queue.push(self.now + wait, Event::Retry { request });
        true
    }

    /// A backoff ended: the next attempt goes out.
    pub(super) fn on_retry(&mut self, request: Handle) -> bool {
        let live = self.requests.get(request).is_some();
        if live {
            self.send_attempt(request);
        }
        live
    }

    fn finish_request(&mut self, request: Handle, outcome: Outcome) {
        self.touch_in_system();
        let Some(r) = self.requests.remove(request) else {
            return;
        };
        self.metrics
            .request_finished(outcome, self.now - r.created.as_nanos());
        if let Source::User(u) = r.source {
            self.schedule_user(u);
        }
    }
}
