//! Idempotency tokens, Stripe style. Every attempt of a logical request
//! carries its `RequestId` as the token. A service that keeps a
//! `TokenStore` answers a repeat of a token it executed with the stored
//! result instead of executing again, and a repeat that arrives while the
//! first is still executing with a 409 conflict. The store lives in an
//! instance's memory (lost when it crashes or is replaced) or beside the
//! database (shared by all instances).
//!
//! `Executions` is the simulator's ground truth, which no real service has:
//! every execution of a mutating request, so that a second one is counted as
//! a duplicate whatever the services believed.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// Records a store keeps at most; the oldest go first. Tokens are request
/// numbers, so the smallest key is the oldest request. At 100 mutating
/// requests/s this is over a quarter of an hour, far longer than any retry
/// waits, and it bounds a 24-hour run's memory.
pub const TOKEN_STORE_CAPACITY: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Record {
    Executing,
    /// Executed successfully at this time (ns); the stored answer is a 200.
    Done(u64),
}

/// What a service does with an arriving token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenLookup {
    /// Unknown (or expired): execute it, now recorded as executing.
    Execute,
    /// Executed before: answer with the stored result.
    Replay,
    /// Still executing: answer 409.
    Conflict,
}

#[derive(Clone, Default)]
pub(crate) struct TokenStore {
    records: BTreeMap<u32, Record>,
}

impl TokenStore {
    /// Looks `token` up at `now`, recording it as executing if it is new.
    pub fn check(&mut self, token: u32, now: u64, retention_ns: u64) -> TokenLookup {
        match self.records.get(&token) {
            Some(Record::Executing) => TokenLookup::Conflict,
            Some(&Record::Done(at)) if now.saturating_sub(at) <= retention_ns => {
                TokenLookup::Replay
            }
            _ => {
                self.records.insert(token, Record::Executing);
                TokenLookup::Execute
            }
        }
    }

    /// The execution succeeded: keep its result.
    pub fn complete(&mut self, token: u32, now: u64) {
        self.records.insert(token, Record::Done(now));
    }

    /// The execution failed or was lost: a retry may execute.
    pub fn forget(&mut self, token: u32) {
        if self.records.get(&token) == Some(&Record::Executing) {
            self.records.remove(&token);
        }
    }

    /// The memory is gone (the instance crashed or restarted).
    pub fn clear(&mut self) {
        self.records.clear();
    }

    /// Drops expired records from the oldest end and keeps the capacity.
    pub fn prune(&mut self, now: u64, retention_ns: u64) {
        while let Some((_, &r)) = self.records.first_key_value() {
            let expired = matches!(r, Record::Done(at) if now.saturating_sub(at) > retention_ns);
            if !(expired || self.records.len() > TOKEN_STORE_CAPACITY) {
                break;
            }
            self.records.pop_first();
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }
}

/// Ground truth: mutating requests that executed, by token, with the time
/// of their first execution. Only kept while the client may retry.
#[derive(Clone, Default)]
pub(crate) struct Executions {
    first: BTreeMap<u32, u64>,
}

/// Executions are remembered this long (and at most this many): a
/// duplicate needs a resend, and no retry waits anywhere near an hour.
const EXECUTIONS_HORIZON_NS: u64 = 3600 * 1_000_000_000;

impl Executions {
    /// Records an execution; true if the token had executed before.
    pub fn executed(&mut self, token: u32, now: u64) -> bool {
        match self.first.entry(token) {
            Entry::Occupied(_) => true,
            Entry::Vacant(v) => {
                v.insert(now);
                false
            }
        }
    }

    pub fn prune(&mut self, now: u64) {
        while let Some((_, &at)) = self.first.first_key_value() {
            let old = now.saturating_sub(at) > EXECUTIONS_HORIZON_NS;
            if !(old || self.first.len() > TOKEN_STORE_CAPACITY) {
                break;
            }
            self.first.pop_first();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_replays_conflicts_and_forgets() {
        let mut s = TokenStore::default();
        assert_eq!(s.check(7, 0, 100), TokenLookup::Execute);
        assert_eq!(s.check(7, 1, 100), TokenLookup::Conflict);
        s.complete(7, 10);
        assert_eq!(s.check(7, 50, 100), TokenLookup::Replay);
        assert_eq!(s.check(7, 200, 100), TokenLookup::Execute, "expired");
        s.forget(7);
        assert_eq!(s.check(7, 201, 100), TokenLookup::Execute);
        s.complete(7, 201);
        s.complete(8, 500);
        s.prune(400, 100);
        assert_eq!(s.len(), 1, "7 expired, 8 kept");
        s.clear();
        assert_eq!(s.len(), 0);
    }

    #[test]
    fn ground_truth_counts_repeats() {
        let mut e = Executions::default();
        assert!(!e.executed(1, 5));
        assert!(e.executed(1, 9));
        assert!(!e.executed(2, 9));
        e.prune(EXECUTIONS_HORIZON_NS + 6);
        assert!(!e.executed(1, EXECUTIONS_HORIZON_NS + 7), "pruned");
    }
}
