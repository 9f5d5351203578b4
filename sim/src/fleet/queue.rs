//! An instance's queue: the requests, and its load balancer's health
//! checks, waiting for a free worker. It admits a job while it has room,
//! hands a free worker the next job in its order, and tells whether that
//! job waited past its limit: then it is shed, answered 503 at once (the
//! status a full queue gives) without being run, and the worker takes the
//! next one.
//!
//! Rules (`QueueParams`):
//! - FIFO: oldest first. With a queue-time limit, a job that waited longer
//!   is shed (Yanacek, "Using load shedding to avoid overload", Amazon
//!   Builders' Library: bound the time in queue, so no work is done for a
//!   client that has likely timed out).
//! - Adaptive LIFO with controlled delay, as in Maurer, "Fail at Scale"
//!   (ACM Queue 2015). Its CoDel variant sets each request's limit when it
//!   arrives: M (the target, 5 ms) if the queue was last empty more than
//!   N (the interval, 100 ms) ago, else N. Its adaptive LIFO serves in
//!   FIFO order normally and newest first "when a queue is starting to
//!   form", which is taken here to be the same condition: the queue has not
//!   been empty for the last N. A queue-time limit, if set, caps both.
//! - Health checks queue like any request (an ALB's probe is an HTTP
//!   request to the target), so they are shed like requests, and a shed
//!   probe, answered 503, is a failed check.
//!
//! Shedding takes a worker no time: the answer is sent at the moment the
//! worker takes the job.

use super::instance::Job;
use crate::params::QueueParams;
use crate::slab::Handle;
use std::collections::VecDeque;

#[derive(Clone, Default)]
pub(super) struct WaitQueue {
    jobs: VecDeque<Job>,
    /// While it holds jobs: when it was last empty (the arrival that found
    /// it empty). Meaningless while it is empty: it is empty now.
    last_empty: u64,
}

impl WaitQueue {
    #[inline]
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Whether it holds a job of `attempt`.
    pub fn holds(&self, attempt: Handle) -> bool {
        self.jobs.iter().any(|j| j.attempt == attempt)
    }

    /// Every job, leaving it empty.
    pub fn drain(&mut self) -> impl Iterator<Item = Job> + '_ {
        self.jobs.drain(..)
    }

    /// CoDel's overload: the queue has not been empty for longer than
    /// `interval_ns` ("the queue was last empty more than N ms ago").
    #[inline]
    fn overloaded(&self, now: u64, interval_ns: u64) -> bool {
        !self.jobs.is_empty() && now - self.last_empty > interval_ns
    }

    /// Takes `job`, arriving at `now`, if there is room; false when full
    /// (the instance answers 503). Under adaptive LIFO its limit is set now.
    #[inline]
    pub fn admit(&mut self, mut job: Job, now: u64, p: &QueueParams) -> bool {
        if self.jobs.len() >= p.capacity as usize {
            return false;
        }
        if let Some(codel) = p.codel {
            job.short_limit = self.overloaded(now, codel.interval_ns);
        }
        if self.jobs.is_empty() {
            self.last_empty = now;
        }
        self.jobs.push_back(job);
        true
    }

    /// The job a worker that is free at `now` takes: the oldest, or under
    /// adaptive LIFO while overloaded the newest.
    #[inline]
    pub fn take(&mut self, now: u64, p: &QueueParams) -> Option<Job> {
        match p.codel {
            Some(codel) if self.overloaded(now, codel.interval_ns) => self.jobs.pop_back(),
            _ => self.jobs.pop_front(),
        }
    }

    /// Whether `job`, taken at `now`, waited longer than its limit: the
    /// queue-time limit, and under adaptive LIFO its CoDel limit (M or N),
    /// whichever is smaller.
    #[inline]
    pub fn expired(job: &Job, now: u64, p: &QueueParams) -> bool {
        let limit = match p.codel {
            Some(codel) if job.short_limit => p.time_limit_ns.min(codel.target_ns),
            Some(codel) => p.time_limit_ns.min(codel.interval_ns),
            None => p.time_limit_ns,
        };
        now - job.arrived > limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Codel;

    const MS: u64 = 1_000_000;

    fn job(token: u32, arrived_ms: u64) -> Job {
        let mut j = Job::probe(arrived_ms * MS);
        j.token = token;
        j
    }

    fn lifo(interval_ms: u64, target_ms: u64) -> QueueParams {
        QueueParams {
            capacity: 100,
            time_limit_ns: u64::MAX,
            codel: Some(Codel {
                interval_ns: interval_ms * MS,
                target_ns: target_ms * MS,
            }),
        }
    }

    /// N = 100 ms, M = 5 ms. Jobs 1–3 arrive at 0, 10, 20 ms (the queue
    /// empty at 0: limit N); jobs 4 and 5 at 150 and 152 ms, 150 ms after
    /// the queue was last empty (> N: limit M). At 154 ms the queue has
    /// not been empty for 154 ms > N: newest first: 5 (waited 2 ms ≤ M),
    /// then 4 (4 ms ≤ M), then 3, which waited 134 ms > N: expired; and
    /// so on down to 1.
    #[test]
    fn overloaded_it_serves_the_newest_and_sheds_past_the_codel_limits() {
        let p = lifo(100, 5);
        let mut q = WaitQueue::default();
        for (token, at) in [(1, 0), (2, 10), (3, 20), (4, 150), (5, 152)] {
            assert!(q.admit(job(token, at), at * MS, &p));
        }
        let now = 154 * MS;
        let taken: Vec<(u32, bool)> = std::iter::from_fn(|| q.take(now, &p))
            .map(|j| (j.token, WaitQueue::expired(&j, now, &p)))
            .collect();
        assert_eq!(
            taken,
            [(5, false), (4, false), (3, true), (2, true), (1, true)]
        );
    }

    /// Before the queue has been non-empty for N it is FIFO, and a job's
    /// limit is N: at 90 ms job 1 (waited 90 ms) is taken first and runs.
    #[test]
    fn while_a_queue_is_young_it_is_fifo() {
        let p = lifo(100, 5);
        let mut q = WaitQueue::default();
        q.admit(job(1, 0), 0, &p);
        q.admit(job(2, 80), 80 * MS, &p);
        let first = q.take(90 * MS, &p).unwrap();
        assert_eq!(first.token, 1);
        assert!(!WaitQueue::expired(&first, 90 * MS, &p));
    }

    /// A queue-time limit caps the CoDel limits, and is FIFO's only one.
    #[test]
    fn a_queue_time_limit_caps_every_other() {
        let mut p = lifo(100, 5);
        p.time_limit_ns = 50 * MS;
        let j = job(1, 0);
        assert!(!WaitQueue::expired(&j, 50 * MS, &p));
        assert!(WaitQueue::expired(&j, 51 * MS, &p));
        p.codel = None;
        assert!(WaitQueue::expired(&j, 51 * MS, &p));
        p.time_limit_ns = u64::MAX;
        assert!(!WaitQueue::expired(&j, 1 << 62, &p));
    }
}
