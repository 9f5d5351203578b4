//! What an instance does with a request: the load balancer routes it, the
//! instance takes it on (a free worker, its queue, or a 503), looks up its
//! idempotency token, computes, calls the database if it must, and answers.
//! Verbs here return the message to send; the simulation puts it on the
//! network (which may deliver it at once) before it calls the next verb.

use super::health::PROBE_WORK_NS;
use super::instance::Job;
use super::queue::WaitQueue;
use super::{Condition, Fleets};
use crate::engine::{Chain, Event, Leg, Message, Timer};
use crate::idempotency::{TokenLookup, TokenStore};
use crate::log::Note;
use crate::request::{RequestId, Status};
use crate::scenario::{Balancer as Algorithm, Cancellation, Idempotency};
use crate::slab::Handle;
use crate::time::SimDuration;
use crate::trace::Step;
use crate::world::World;

/// How long a load balancer tries to connect to a target before it answers
/// 504: an Application Load Balancer's connection timeout is 10 s (AWS
/// knowledge centre, "troubleshoot 504 errors from an Application Load
/// Balancer").
pub(super) const CONNECT_TIMEOUT_NS: u64 = 10_000_000_000;

/// Where a worker's job goes after its own computing.
pub(crate) enum Worked {
    /// To the database: send this query.
    Query(Message),
    /// Nowhere: the job is done and answers now.
    Done,
}

impl Fleets {
    /// The load balancer of `msg`'s service routes it to a target, or
    /// answers 503 itself when it has none.
    /// A client that waits longer than the load balancer's idle timeout gets
    /// a 504 from the load balancer when it runs out (`Timer::Idle`).
    /// A rate limit in front of the service answers 429 first.
    pub fn route(&mut self, msg: &mut Message, w: &mut World) {
        let fleet = &mut self.services[msg.service as usize];
        if fleet.limit.is_some() && fleet.throttles(w.now) {
            msg.status = Status::TooManyRequests;
            msg.leg = Leg::LbToClient;
            return;
        }
        match fleet.balancer.route(&self.instances) {
            Some(i) => {
                let inst = &mut self.instances[i as usize];
                inst.outstanding += 1;
                inst.routed += 1;
                msg.target = inst.id.0;
                msg.instance = i;
                msg.leg = Leg::LbToInstance;
                let idle = w.params.services[msg.service as usize].idle_timeout_ns;
                if idle < w.params.timeout_ns {
                    let (attempt, target) = (msg.attempt, msg.target);
                    let timer = Timer::Idle {
                        attempt,
                        instance: i,
                        target,
                    };
                    w.queue.push_timer(w.now + idle, timer);
                }
            }
            None => {
                msg.status = Status::NoTarget;
                msg.leg = Leg::LbToClient;
            }
        }
    }

    /// Whether the message's instance still holds its slot.
    #[inline]
    fn addressee(&self, msg: &Message) -> bool {
        self.instances[msg.instance as usize].id.0 == msg.target
    }

    /// A request reaches its instance, which learns its client gives up at
    /// `deadline` (`u64::MAX`: never). Returns true if `msg` became the
    /// answer to send; false if the instance took the work on (or dropped
    /// it: its client had already given up).
    pub fn at_instance(&mut self, msg: &mut Message, deadline: u64, w: &mut World) -> bool {
        if !self.addressee(msg) {
            // Nothing answers at that address any more.
            msg.leg = Leg::LbToClient;
            msg.status = Status::ConnectionError;
            return true;
        }
        let i = msg.instance;
        let inst = &self.instances[i as usize];
        if (inst.condition == Condition::HostDown || inst.blocked) && inst.lifecycle.running() {
            // Its host is gone, or a rule drops the packets on the way: the
            // connection is neither accepted nor refused. A load balancer
            // gives up after its connection timeout; a client without one
            // waits for its own timeout.
            let lb = &self.services[msg.service as usize].balancer;
            if lb.algorithm() == Algorithm::None {
                return false;
            }
            let timer = Timer::Connect {
                attempt: msg.attempt,
                instance: i,
                target: msg.target,
            };
            w.queue.push_timer(w.now + CONNECT_TIMEOUT_NS, timer);
            return false;
        }
        if !inst.listening() {
            return reply(msg, Status::ConnectionError);
        }
        if deadline <= w.now {
            let inst = &mut self.instances[i as usize];
            inst.outstanding = inst.outstanding.saturating_sub(1);
            w.metrics.cancelled();
            return false;
        }
        let job = Job {
            attempt: msg.attempt,
            token: msg.token,
            marks: msg.marks,
            kind: msg.kind,
            arrived: w.now,
            deadline,
            short_limit: false,
        };
        let mutating = w.params.traffic.kinds[msg.kind as usize].mutating;
        if mutating {
            let (now, retention) = (w.now, w.params.retention_ns);
            let lookup = self
                .token_store(i, w.params.idempotency)
                .map(|s| s.check(msg.token, now, retention));
            if let Some(lookup) = lookup {
                w.trace(msg.attempt, || Step::Token { lookup });
            }
            match lookup {
                Some(TokenLookup::Replay) => {
                    w.metrics.replayed();
                    return reply(msg, Status::Ok);
                }
                Some(TokenLookup::Conflict) => {
                    w.metrics.conflict();
                    return reply(msg, Status::Conflict);
                }
                Some(TokenLookup::Execute) | None => {}
            }
        }
        let queue = &w.params.services[msg.service as usize].queue;
        let inst = &mut self.instances[i as usize];
        if let Some(slot) = inst.free_slot() {
            self.start_job(i, slot, job, w);
            false
        } else if inst.queue.admit(job, w.now, queue) {
            w.trace(msg.attempt, || Step::Queued);
            false
        } else {
            if mutating {
                if let Some(s) = self.token_store(i, w.params.idempotency) {
                    s.forget(msg.token);
                }
            }
            reply(msg, Status::Rejected)
        }
    }

    /// Where instance `i` looks idempotency tokens up, if anywhere.
    pub(super) fn token_store(
        &mut self,
        i: u32,
        idempotency: Idempotency,
    ) -> Option<&mut TokenStore> {
        match idempotency {
            Idempotency::Off => None,
            Idempotency::PerInstance => Some(&mut self.instances[i as usize].tokens),
            Idempotency::Shared => Some(&mut self.shared_tokens),
        }
    }

    pub(super) fn start_job(&mut self, i: u32, slot: u16, job: Job, w: &mut World) {
        let now = w.now;
        let inst = &mut self.instances[i as usize];
        inst.occupy(now, slot, job);
        if inst.condition == Condition::Hung {
            return; // it took the work and will never finish it
        }
        let d = if job.is_probe() {
            (PROBE_WORK_NS as f64 * inst.slow_factor) as u64
        } else {
            w.metrics.job_started(now - job.arrived);
            let waited = SimDuration(now - job.arrived);
            w.trace(job.attempt, || Step::Started { waited });
            let work = w.params.services[inst.service as usize].work;
            let d = work.sample(&mut inst.work_rng, inst.slow_factor);
            // A job whose client gives up first is stopped then.
            d.min(job.deadline.saturating_sub(now))
        };
        let gen = inst.gen(Chain::Work);
        w.queue.push(
            now + d,
            Event::WorkDone {
                instance: i,
                slot,
                gen,
            },
        );
    }

    /// A worker finished its own computing: it calls the database or is done.
    pub fn work_done(&mut self, i: u32, slot: u16, w: &mut World) -> Option<Worked> {
        let inst = &mut self.instances[i as usize];
        let job = inst.slots[slot as usize]?;
        inst.computed(w.now);
        if job.deadline <= w.now {
            self.stop_job(i, slot, w);
            return None;
        }
        Some(
            if !job.is_probe() && w.params.traffic.kinds[job.kind as usize].db_queries > 0 {
                let query = self.job_message(i, slot, job, Leg::InstanceToDb, Status::Ok, w.now);
                if w.params.cancellation == Cancellation::Deadline && job.deadline != u64::MAX {
                    // The propagated deadline cancels the call at the
                    // instance too: the worker is free then.
                    let timer = Timer::Deadline {
                        attempt: job.attempt,
                        instance: i,
                        slot,
                    };
                    w.queue.push_timer(job.deadline, timer);
                }
                Worked::Query(query)
            } else {
                Worked::Done
            },
        )
    }

    /// A message about `job`, held in `slot` of instance `i`, sent at `now`.
    fn job_message(
        &self,
        i: u32,
        slot: u16,
        job: Job,
        leg: Leg,
        status: Status,
        now: u64,
    ) -> Message {
        let inst = &self.instances[i as usize];
        Message {
            attempt: job.attempt,
            token: job.token,
            sent_at: now,
            instance: i,
            target: inst.id.0,
            gen: inst.gen(Chain::Work),
            slot,
            service: inst.service as u8,
            kind: job.kind,
            leg,
            status,
            lost: false,
            marks: job.marks,
        }
    }

    /// The database's answer reached the instance: whether the worker still
    /// holds the job (unless the instance crashed or hung since, or its
    /// slot now holds a newer instance, maybe with fewer workers).
    pub fn holds(&self, msg: &Message) -> bool {
        let inst = &self.instances[msg.instance as usize];
        inst.gen(Chain::Work) == msg.gen
            && inst
                .slots
                .get(msg.slot as usize)
                .is_some_and(|j| j.is_some_and(|j| j.attempt == msg.attempt))
    }

    /// The worker in `slot` is done with its job: the answer to send back
    /// to the load balancer. Call `next_job` once it is sent. A health
    /// check's answer is the load balancer's own business: it is recorded,
    /// the worker takes its next job, and nothing is returned.
    pub fn finish_job(
        &mut self,
        i: u32,
        slot: u16,
        status: Status,
        w: &mut World,
    ) -> Option<Message> {
        let held = self.instances[i as usize].slots.get(slot as usize)?;
        if held.is_some_and(|j| j.deadline <= w.now) {
            // Its client gave up while it waited on the database.
            self.stop_job(i, slot, w);
            return None;
        }
        let inst = &mut self.instances[i as usize];
        let mut job = inst.release(w.now, slot)?;
        if job.is_probe() {
            self.probe_ended(i, job.arrived, true, w);
            self.next_job(i, w);
            return None;
        }
        inst.served += 1;
        if w.params.traffic.kinds[job.kind as usize].mutating && self.executed(i, job, status, w) {
            job.marks |= Message::DUPLICATE;
        }
        Some(self.job_message(i, slot, job, Leg::InstanceToLb, status, w.now))
    }

    /// The worker is free: it takes the next queued job; a draining
    /// instance with nothing left stops.
    pub fn next_job(&mut self, i: u32, w: &mut World) {
        self.start_queued(i, w);
        self.finish_draining(i, w);
        self.settle(w);
    }

    /// Starts queued work while the instance has free workers; a job whose
    /// client gave up is dropped, one that waited past its limit is shed.
    pub(super) fn start_queued(&mut self, i: u32, w: &mut World) {
        loop {
            let inst = &mut self.instances[i as usize];
            if inst.queue.is_empty() {
                return;
            }
            let Some(slot) = inst.free_slot() else {
                return;
            };
            let queue = &w.params.services[inst.service as usize].queue;
            let Some(job) = inst.queue.take(w.now, queue) else {
                return;
            };
            let expired = WaitQueue::expired(&job, w.now, queue);
            if job.deadline <= w.now {
                self.cancelled(i, job, w);
            } else if expired {
                self.shed(i, slot, job, w);
            } else {
                self.start_job(i, slot, job, w);
            }
        }
    }

    /// Instance `i` sheds `job`, which waited past its queue-time limit:
    /// the worker answers it 503 at once instead of running it (as an
    /// event now: the verb that freed the worker may be deep inside
    /// another). A shed health check is a failed one; a shed request's
    /// token was never executed.
    fn shed(&mut self, i: u32, slot: u16, job: Job, w: &mut World) {
        if job.is_probe() {
            self.probe_ended(i, job.arrived, false, w);
            return;
        }
        if w.params.traffic.kinds[job.kind as usize].mutating {
            if let Some(s) = self.token_store(i, w.params.idempotency) {
                s.forget(job.token);
            }
        }
        let answer = self.job_message(i, slot, job, Leg::InstanceToLb, Status::Rejected, w.now);
        w.queue.push(w.now, Event::Shed(answer));
    }

    /// A propagated deadline passed while the job of `attempt` may still
    /// wait on the database in `slot` of instance `i`: the instance stops
    /// it.
    pub fn deadline_passed(&mut self, i: u32, slot: u16, attempt: Handle, w: &mut World) {
        let held = self.instances[i as usize].slots.get(slot as usize);
        if held.is_some_and(|j| j.is_some_and(|j| j.attempt == attempt)) {
            self.stop_job(i, slot, w);
            self.settle(w);
        }
    }

    /// The instance stops the job in `slot`: its client gave up. The worker
    /// is free and takes its next job; nothing answers.
    fn stop_job(&mut self, i: u32, slot: u16, w: &mut World) {
        if let Some(job) = self.instances[i as usize].release(w.now, slot) {
            self.cancelled(i, job, w);
        }
        self.next_job(i, w);
    }

    /// Instance `i` drops `job` unfinished: its load balancer no longer
    /// waits for it (unless it had closed it already), and its token was
    /// never executed.
    fn cancelled(&mut self, i: u32, job: Job, w: &mut World) {
        self.abandon(i, &job, w);
        w.metrics.cancelled();
    }

    /// Work on instance `i` ends unanswered (cancelled, or lost with the
    /// instance): its token no longer stands for work under way, so a
    /// retry of it may run. Returns whether its load balancer still holds
    /// the connection to answer on (not if it closed it on idle timeout).
    pub(super) fn abandon(&mut self, i: u32, job: &Job, w: &World) -> bool {
        let inst = &mut self.instances[i as usize];
        let open = !inst.reopen(job.attempt);
        if open {
            inst.outstanding = inst.outstanding.saturating_sub(1);
        }
        let mutating = w.params.traffic.kinds[job.kind as usize].mutating;
        if let Some(store) = self
            .token_store(i, w.params.idempotency)
            .filter(|_| mutating)
        {
            store.forget(job.token);
        }
        open
    }

    /// A mutating request's work on instance `i` ended with `status`: with
    /// a 200 it executed (the cart changed, the card was charged). Records
    /// its token, and returns whether the execution was a duplicate.
    fn executed(&mut self, i: u32, job: Job, status: Status, w: &mut World) -> bool {
        let now = w.now;
        let ok = status == Status::Ok;
        if let Some(store) = self.token_store(i, w.params.idempotency) {
            if ok {
                store.complete(job.token, now);
            } else {
                store.forget(job.token);
            }
        }
        // Without retries every request executes at most once.
        let duplicate =
            ok && w.params.retry.max_attempts > 1 && self.executions.executed(job.token, now);
        if ok {
            w.trace(job.attempt, || Step::Executed { duplicate });
        }
        if duplicate {
            w.metrics.duplicate();
            let kind = w.params.traffic.kinds[job.kind as usize].kind;
            let request = RequestId(job.token as u64);
            w.note(Note::Duplicate { request, kind });
        }
        duplicate
    }

    /// An answer from an instance reached its load balancer, which stops
    /// counting it as outstanding (and, with outlier detection, counts a
    /// 5xx against it). A refused connection is answered 502 and changes
    /// nothing else: an Application Load Balancer has no passive health
    /// checking.
    /// Returns false when the load balancer had closed the connection on
    /// its idle timeout: then the answer is dropped.
    pub fn answered(&mut self, msg: &Message, w: &mut World) -> bool {
        if !self.addressee(msg) {
            return true;
        }
        let inst = &mut self.instances[msg.instance as usize];
        if !inst.closed.is_empty() && inst.reopen(msg.attempt) {
            return false;
        }
        inst.outstanding = inst.outstanding.saturating_sub(1);
        self.observe_answer(msg.instance, msg.status.is_server_error(), w);
        true
    }

    /// A message between the load balancer and an instance was lost: the
    /// load balancer stops waiting for it.
    pub fn lost_between_balancer_and_instance(&mut self, msg: &Message) {
        if self.addressee(msg) {
            let inst = &mut self.instances[msg.instance as usize];
            if inst.closed.is_empty() || !inst.reopen(msg.attempt) {
                inst.outstanding = inst.outstanding.saturating_sub(1);
            }
        }
    }

    /// The load balancer's idle timeout ran out for an attempt the client
    /// still waits for: it closes the connection (and will drop the
    /// instance's answer) and answers the client 504 itself. The instance
    /// does not know and keeps working on it.
    pub fn close_idle(&mut self, i: u32, target: u32, attempt: Handle, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.id.0 == target && inst.holds(attempt) {
            inst.outstanding = inst.outstanding.saturating_sub(1);
            inst.closed.push(attempt);
            self.observe_answer(i, true, w);
        }
    }

    /// The load balancer gave up connecting to a target whose host is down
    /// (it answers the client 504).
    pub fn connect_timed_out(&mut self, i: u32, target: u32, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        if inst.id.0 == target {
            inst.outstanding = inst.outstanding.saturating_sub(1);
            self.observe_answer(i, true, w);
        }
    }

    /// A database call or its answer was lost: the worker waits for it
    /// until the client's timeout, then answers 504.
    pub fn database_call_lost(&mut self, msg: &Message, w: &mut World) {
        let deadline = (msg.sent_at + w.params.timeout_ns).max(w.now);
        w.queue.push_timer(
            deadline,
            Timer::DbCall {
                instance: msg.instance,
                slot: msg.slot,
                gen: msg.gen,
            },
        );
    }
}

/// An instance answers: `msg` goes back over its hop to the load balancer.
fn reply(msg: &mut Message, status: Status) -> bool {
    msg.leg = Leg::InstanceToLb;
    msg.status = status;
    true
}
