//! The event queue: a binary heap ordered by (time, sequence number), so
//! events at the same instant run in the order they were scheduled, on
//! every target.
//!
//! Timeouts get side lanes. Nearly every attempt schedules one and nearly
//! none fire, and with a fixed timeout their deadlines come in order, so a
//! FIFO holds them at O(1) instead of O(log n). A deadline earlier than its
//! FIFO's last (the timeout was shortened live) goes to the heap instead; all
//! are merged by the same (time, sequence) key, so order is unchanged. The
//! clients' attempt timeouts have a lane of their own whose entries hold
//! the attempt's slot and their key as the distance from the key before
//! (8 bytes, not 40; the attempt remembers its timer's sequence number, so
//! slot and key name it exactly): with an hour's timeout the lane holds
//! every attempt of the last hour, answered or not (a stale timeout is
//! dropped when it is popped), and its memory is what such a run writes
//! most.
//! The open-loop arrival chain has one arrival pending at a time, and it
//! waits in a place of its own (a restarted chain's first arrival goes to
//! the heap while the old chain's is still pending).
//!
//! The earliest key outside the heap is kept up to date as the lanes and
//! the arrival change, so finding the next event is one compare of it with
//! the heap's root.

use super::{AttemptTimer, Event, Gen, Timer};
use std::collections::VecDeque;

/// A heap entry: the order key and where the event waits. Events live in a
/// side table so the heap moves 24-byte entries, not 64-byte ones.
#[derive(Clone, Copy, Debug)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
}

/// (time, seq) as one number: one compare orders two keys, with no branch
/// on whether the times tie.
#[inline(always)]
fn order(time: u64, seq: u64) -> u128 {
    (time as u128) << 64 | seq as u128
}

impl Key {
    #[inline(always)]
    fn order(&self) -> u128 {
        order(self.time, self.seq)
    }
}

/// A binary min-heap of keys by (time, seq) whose root may be left vacant.
///
/// In a discrete-event simulation nearly every pop is followed by a push
/// (handling an event schedules the next one), so `pop` leaves the root
/// empty and the next `push` sifts its key down from there: one sift per
/// pop-and-push instead of two. Every other access fills the hole first.
#[derive(Clone, Default)]
struct Heap {
    keys: Vec<Key>,
    /// `keys[0]` is vacant (its value is stale).
    vacant_root: bool,
}

impl Heap {
    #[inline]
    fn len(&self) -> usize {
        self.keys.len() - self.vacant_root as usize
    }

    /// Adds a key, passed as its fields: they stay in registers, where a
    /// `Key` the caller had just written would be read back from memory.
    #[inline]
    fn push(&mut self, time: u64, seq: u64, slot: u32) {
        if self.vacant_root {
            self.vacant_root = false;
            self.sift_down_from_root(time, seq, slot);
        } else {
            self.sift_up(time, seq, slot);
        }
    }

    /// The earliest key, filling a vacant root first.
    #[inline]
    fn peek(&mut self) -> Option<&Key> {
        if self.vacant_root {
            self.fill_root();
        }
        self.keys.first()
    }

    /// Takes the earliest key and leaves its place vacant.
    #[inline]
    fn pop(&mut self) -> Option<Key> {
        let key = *self.peek()?;
        self.vacant_root = true;
        Some(key)
    }

    /// Moves the last key into the vacant root and sifts it down.
    #[cold]
    fn fill_root(&mut self) {
        self.vacant_root = false;
        let last = self
            .keys
            .pop()
            .expect("a vacant root is a slot of the heap");
        if !self.keys.is_empty() {
            self.sift_down_from_root(last.time, last.seq, last.slot);
        }
    }

    /// Puts the key where the root was, moving smaller children up.
    fn sift_down_from_root(&mut self, time: u64, seq: u64, slot: u32) {
        let key = Key { time, seq, slot };
        let keys = &mut self.keys[..];
        let n = keys.len();
        let order = key.order();
        let mut hole = 0;
        // While both children exist: the smaller one by arithmetic, not a
        // branch (which of two keys is smaller is a coin toss to the CPU).
        while 2 * hole + 2 < n {
            let left = 2 * hole + 1;
            let child = left + (keys[left + 1].order() < keys[left].order()) as usize;
            if order <= keys[child].order() {
                keys[hole] = key;
                return;
            }
            keys[hole] = keys[child];
            hole = child;
        }
        // A last, lone left child.
        let left = 2 * hole + 1;
        if left < n && keys[left].order() < order {
            keys[hole] = keys[left];
            hole = left;
        }
        keys[hole] = key;
    }

    /// Appends the key and moves it up to its place.
    fn sift_up(&mut self, time: u64, seq: u64, slot: u32) {
        let key = Key { time, seq, slot };
        self.keys.push(key);
        let keys = &mut self.keys[..];
        let order = key.order();
        let mut hole = keys.len() - 1;
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if keys[parent].order() <= order {
                break;
            }
            keys[hole] = keys[parent];
            hole = parent;
        }
        keys[hole] = key;
    }

    /// Every key held, in no particular order.
    fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys[self.vacant_root as usize..].iter()
    }
}

/// Timers whose deadlines come in order, oldest first, each with its
/// (time, seq) key.
#[derive(Clone)]
struct Lane<T>(VecDeque<(u64, u64, T)>);

impl<T: Copy> Lane<T> {
    /// Whether a deadline at `time` keeps the lane in order.
    #[inline]
    fn takes(&self, time: u64) -> bool {
        self.0.back().is_none_or(|&(last, _, _)| time >= last)
    }

    #[inline]
    fn front_order(&self) -> Option<u128> {
        self.0.front().map(|&(time, seq, _)| order(time, seq))
    }
}

impl<T> Default for Lane<T> {
    fn default() -> Self {
        Lane(VecDeque::new())
    }
}

/// The attempt timeouts, oldest first. An entry holds its key as the
/// distance from the key of the entry before it, so it takes 8 bytes; the
/// keys of the front and the back are kept whole. A timeout too far from
/// the back for an entry, or of an attempt in a slot past 65,535, goes to
/// the heap instead.
#[derive(Clone, Default)]
struct TimeoutLane {
    entries: VecDeque<Timeout>,
    /// The (time, seq) keys of the front and the back entry, when there
    /// is one.
    front: (u64, u64),
    back: (u64, u64),
}

#[derive(Clone, Copy)]
struct Timeout {
    /// Time and sequence number after the entry before.
    time: u32,
    seq: u16,
    /// The attempt's slot in the clients' table.
    slot: u16,
}

impl TimeoutLane {
    /// Whether the timeout at (`time`, `seq`) of the attempt in `slot`
    /// keeps the lane in order and fits an entry.
    #[inline]
    fn takes(&self, time: u64, seq: u64, slot: u32) -> bool {
        slot <= u16::MAX as u32
            && (self.entries.is_empty()
                || (time >= self.back.0
                    && time - self.back.0 <= u32::MAX as u64
                    && seq - self.back.1 <= u16::MAX as u64))
    }

    /// Appends a timeout the lane `takes`.
    #[inline]
    fn push(&mut self, time: u64, seq: u64, slot: u32) {
        if self.entries.is_empty() {
            self.front = (time, seq);
            self.back = (time, seq);
        }
        let (dt, dseq) = (time - self.back.0, seq - self.back.1);
        self.back = (time, seq);
        self.entries.push_back(Timeout {
            time: dt as u32,
            seq: dseq as u16,
            slot: slot as u16,
        });
    }

    /// Takes the front timeout: its time and timer.
    #[inline]
    fn pop(&mut self) -> Option<(u64, AttemptTimer)> {
        let Timeout { slot, .. } = self.entries.pop_front()?;
        let (time, seq) = self.front;
        if let Some(next) = self.entries.front() {
            self.front = (time + next.time as u64, seq + next.seq as u64);
        }
        let slot = slot as u32;
        Some((time, AttemptTimer { slot, seq }))
    }

    #[inline]
    fn front_order(&self) -> Option<u128> {
        (!self.entries.is_empty()).then(|| order(self.front.0, self.front.1))
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Where the next event waits.
#[derive(Clone, Copy, Default)]
enum Next {
    #[default]
    Heap,
    Arrival,
    Timeouts,
    Timers,
}

/// No key: later than every key (a key's sequence number never reaches
/// `u64::MAX`).
const NONE: u128 = u128::MAX;

#[derive(Clone)]
pub(crate) struct EventQueue {
    heap: Heap,
    /// The heap's events, by `Key::slot`; `free` lists slots to reuse.
    events: Vec<Event>,
    free: Vec<u32>,
    /// The open-loop arrival pending (`Event::Arrival`), with its key and
    /// its chain's generation.
    arrival: Option<(u64, u64, Gen)>,
    /// The clients' per-attempt timeouts (`Event::AttemptTimeout`).
    timeouts: TimeoutLane,
    /// Every other timer.
    timers: Lane<Timer>,
    /// The earliest key of the two timer lanes (`NONE` when both are
    /// empty) and its lane.
    timers_first: (u128, Next),
    /// The earliest key of the timer lanes and the arrival, and where.
    lanes_first: (u128, Next),
    seq: u64,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            heap: Heap::default(),
            events: Vec::new(),
            free: Vec::new(),
            arrival: None,
            timeouts: TimeoutLane::default(),
            timers: Lane::default(),
            timers_first: (NONE, Next::Heap),
            lanes_first: (NONE, Next::Heap),
            seq: 0,
        }
    }
}

impl EventQueue {
    /// Schedules `event` at `time`. Inlined into every caller so the event
    /// is built straight into its slot: a copy of an event the caller has
    /// just written field by field stalls the CPU's store forwarding.
    #[inline(always)]
    pub fn push(&mut self, time: u64, event: Event) {
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                // A new slot, overwritten at once.
                self.events.push(Event::Tick);
                (self.events.len() - 1) as u32
            }
        };
        // One store of the event: with two (one per branch) it would be
        // built on the stack first and copied from there.
        self.events[slot as usize] = event;
        self.heap.push(time, self.seq, slot);
    }

    /// Schedules the open-loop arrival of chain `gen`: in its own place,
    /// or in the heap if another (a restarted chain's old one) waits there.
    #[inline]
    pub fn push_arrival(&mut self, time: u64, gen: Gen) {
        if self.arrival.is_none() {
            self.seq += 1;
            self.arrival = Some((time, self.seq, gen));
            let key = order(time, self.seq);
            if key < self.lanes_first.0 {
                self.lanes_first = (key, Next::Arrival);
            }
        } else {
            self.push(time, Event::Arrival { gen });
        }
    }

    /// Schedules the timeout of the attempt in `slot` and returns its
    /// timer's sequence number: in its lane if its deadline keeps the lane
    /// in order and fits an entry, otherwise in the heap. The lane's case
    /// is inlined natively where attempts are sent.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    pub fn push_timeout(&mut self, time: u64, slot: u32) -> u64 {
        let seq = self.seq + 1;
        if self.timeouts.takes(time, seq, slot) {
            self.seq = seq;
            self.timeouts.push(time, seq, slot);
            self.lane_pushed(time, Next::Timeouts);
        } else {
            // `push` gives the event the same number.
            self.push(time, Event::AttemptTimeout(AttemptTimer { slot, seq }));
        }
        seq
    }

    /// Schedules a timer: in its lane if its deadline keeps the lane in
    /// order, otherwise in the heap.
    #[inline]
    pub fn push_timer(&mut self, time: u64, timer: Timer) {
        if self.timers.takes(time) {
            self.seq += 1;
            self.timers.0.push_back((time, self.seq, timer));
            self.lane_pushed(time, Next::Timers);
        } else {
            self.push(time, Event::Timer(timer));
        }
    }

    /// A key with the latest sequence number went to the back of a timer
    /// lane: it is the earliest only if it is earlier than all before.
    #[inline]
    fn lane_pushed(&mut self, time: u64, lane: Next) {
        let key = order(time, self.seq);
        if key < self.timers_first.0 {
            self.timers_first = (key, lane);
        }
        if key < self.lanes_first.0 {
            self.lanes_first = (key, lane);
        }
    }

    /// The front of a timer lane was taken: finds their earliest key again.
    #[inline]
    fn lane_popped(&mut self) {
        let timeouts = self.timeouts.front_order().unwrap_or(NONE);
        let timers = self.timers.front_order().unwrap_or(NONE);
        self.timers_first = if timers < timeouts {
            (timers, Next::Timers)
        } else {
            (timeouts, Next::Timeouts)
        };
        self.outside_heap_changed();
    }

    /// The arrival or the timer lanes' earliest changed: finds the earliest
    /// key outside the heap again.
    #[inline]
    fn outside_heap_changed(&mut self) {
        self.lanes_first = match self.arrival {
            Some((time, seq, _)) if order(time, seq) < self.timers_first.0 => {
                (order(time, seq), Next::Arrival)
            }
            _ => self.timers_first,
        };
    }

    /// Which of the heap and the lanes holds the earliest key, and the key.
    #[inline]
    fn next(&mut self) -> Option<(u128, Next)> {
        let lanes = self.lanes_first;
        match self.heap.peek() {
            Some(k) if k.order() < lanes.0 => Some((k.order(), Next::Heap)),
            _ if lanes.0 != NONE => Some(lanes),
            _ => None,
        }
    }

    /// Time of the next event, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<u64> {
        self.next().map(|(key, _)| (key >> 64) as u64)
    }

    /// Takes the next event if it is due by `time`: one look at the heap
    /// and the lanes serves both the question and the taking.
    #[inline]
    pub fn pop_due(&mut self, time: u64) -> Option<(u64, Event)> {
        let (key, next) = self.next()?;
        if (key >> 64) as u64 > time {
            return None;
        }
        match next {
            Next::Heap => {
                let key = self.heap.pop()?;
                self.free.push(key.slot);
                Some((key.time, self.events[key.slot as usize]))
            }
            Next::Arrival => {
                let (time, _, gen) = self.arrival.take()?;
                self.lanes_first = self.timers_first;
                Some((time, Event::Arrival { gen }))
            }
            Next::Timeouts => {
                let (time, timer) = self.timeouts.pop()?;
                self.lane_popped();
                Some((time, Event::AttemptTimeout(timer)))
            }
            Next::Timers => {
                let (time, _, timer) = self.timers.0.pop_front()?;
                self.lane_popped();
                Some((time, Event::Timer(timer)))
            }
        }
    }

    /// Every event waiting in the heap with its time, in no particular
    /// order (the view's in-flight messages are read from here rather than
    /// tracked twice).
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Event)> {
        self.heap
            .iter()
            .map(|k| (k.time, &self.events[k.slot as usize]))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
            + self.arrival.is_some() as usize
            + self.timeouts.len()
            + self.timers.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_break_by_schedule_order_across_both_lanes() {
        let mut q = EventQueue::default();
        q.push(10, Event::Tick);
        q.push_timeout(10, 1);
        q.push(5, Event::UserReady { user: 7 });
        q.push_timeout(3, 2); // earlier than the FIFO's last: goes to the heap
        q.push(10, Event::UserReady { user: 8 });
        let mut order = Vec::new();
        while let Some((t, e)) = q.pop_due(u64::MAX) {
            order.push((t, format!("{e:?}")));
        }
        let times: Vec<u64> = order.iter().map(|o| o.0).collect();
        assert_eq!(times, vec![3, 5, 10, 10, 10]);
        assert!(order[2].1.contains("Tick"));
        assert!(order[3].1.contains("slot: 1"));
        assert!(order[4].1.contains("user: 8"));
    }

    /// Whatever the interleaving of pushes and pops (a pop leaves the root
    /// vacant; a push or a peek fills it), events come out in (time,
    /// schedule order), as a sort of everything pushed gives them.
    #[test]
    fn any_interleaving_pops_in_time_then_schedule_order() {
        let mut rng = crate::rng::Stream::derive(3, crate::rng::Purpose::Mix, "queue", 0);
        let mut q = EventQueue::default();
        // Users, (from TIMEOUT on) attempt timeouts, each with the number
        // `push_timeout` gave it, and (from TIMER on) other timers waiting.
        const TIMEOUT: u32 = 1 << 20;
        const TIMER: u32 = 1 << 21;
        let mut pending: Vec<(u64, u32)> = Vec::new();
        let mut numbers = std::collections::HashMap::new();
        let mut now = 0;
        for user in 0..20_000u32 {
            let time = now + rng.below(50) as u64;
            q.push(time, Event::UserReady { user });
            pending.push((time, user));
            if rng.below(3) == 0 {
                // Now and then a deadline too far from the lane's last for
                // an entry, or an attempt in a slot past an entry's: it goes
                // to the heap.
                let far = if rng.below(50) == 0 { 5_000_000_000 } else { 0 };
                let slot = if rng.below(50) == 0 {
                    user + 70_000
                } else {
                    user
                };
                let seq = q.push_timeout(time + 100 + far, slot);
                numbers.insert(slot, seq);
                pending.push((time + 100 + far, TIMEOUT + slot));
            }
            if rng.below(5) == 0 {
                let timer = Timer::DbCall {
                    instance: user,
                    slot: 0,
                    gen: Gen::default(),
                };
                let at = time + rng.below(200) as u64;
                q.push_timer(at, timer);
                pending.push((at, TIMER + user));
            }
            if rng.below(4) == 0 {
                q.push_arrival(time + rng.below(80) as u64, Gen::default());
            }
            for _ in 0..rng.below(3) {
                let Some((t, e)) = q.pop_due(u64::MAX) else {
                    break;
                };
                now = t;
                let id = match e {
                    Event::UserReady { user } => user,
                    Event::AttemptTimeout(t) => {
                        assert_eq!(numbers.get(&t.slot), Some(&t.seq), "the timer's number");
                        TIMEOUT + t.slot
                    }
                    Event::Timer(Timer::DbCall { instance, .. }) => TIMER + instance,
                    _ => continue,
                };
                // The earliest pending, the first scheduled among ties.
                let first = pending
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, p)| p.0)
                    .map(|(k, _)| k)
                    .expect("pending");
                assert_eq!(pending.remove(first), (t, id));
            }
            assert_eq!(
                q.len(),
                q.iter().count()
                    + q.arrival.is_some() as usize
                    + q.timeouts.len()
                    + q.timers.0.len()
            );
            assert_eq!(q.lanes_first.0, {
                let arrival = q.arrival.map(|(time, seq, _)| order(time, seq));
                let fronts = [arrival, q.timeouts.front_order(), q.timers.front_order()];
                fronts.into_iter().flatten().min().unwrap_or(NONE)
            });
        }
    }
}
