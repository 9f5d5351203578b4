//! The event queue: a binary heap ordered by (time, sequence number), so
//! events at the same instant run in the order they were scheduled, on
//! every target.
//!
//! Timeouts get a side lane. Nearly every attempt schedules one and nearly
//! none fire, and with a fixed timeout their deadlines come in order, so a
//! FIFO holds them at O(1) instead of O(log n). A deadline earlier than the
//! FIFO's last (the timeout was shortened live) goes to the heap instead; the
//! two are merged by the same (time, sequence) key, so order is unchanged.

use super::{Event, Timer};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// A heap entry: the order key and where the event waits. Events live in a
/// side table so the heap moves 24-byte entries, not 64-byte ones.
#[derive(Clone, Copy, Debug)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    /// Reversed: `BinaryHeap` is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

#[derive(Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Key>,
    /// The heap's events, by `Key::slot`; `free` lists slots to reuse.
    events: Vec<Event>,
    free: Vec<u32>,
    timers: VecDeque<(u64, u64, Timer)>,
    seq: u64,
}

impl EventQueue {
    #[inline]
    pub fn push(&mut self, time: u64, event: Event) {
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.events[slot as usize] = event;
                slot
            }
            None => {
                self.events.push(event);
                (self.events.len() - 1) as u32
            }
        };
        self.heap.push(Key {
            time,
            seq: self.seq,
            slot,
        });
    }

    #[inline]
    pub fn push_timer(&mut self, time: u64, timer: Timer) {
        match self.timers.back() {
            Some(&(last, _, _)) if time < last => self.push(time, Event::Timer(timer)),
            _ => {
                self.seq += 1;
                self.timers.push_back((time, self.seq, timer));
            }
        }
    }

    /// Time of the next event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<u64> {
        match (self.heap.peek(), self.timers.front()) {
            (Some(h), Some(t)) => Some(h.time.min(t.0)),
            (Some(h), None) => Some(h.time),
            (None, Some(t)) => Some(t.0),
            (None, None) => None,
        }
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(u64, Event)> {
        let timer_first = match (self.heap.peek(), self.timers.front()) {
            (Some(h), Some(t)) => (t.0, t.1) < (h.time, h.seq),
            (None, Some(_)) => true,
            _ => false,
        };
        if timer_first {
            self.timers
                .pop_front()
                .map(|(time, _, timer)| (time, Event::Timer(timer)))
        } else {
            let key = self.heap.pop()?;
            self.free.push(key.slot);
            Some((key.time, self.events[key.slot as usize]))
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
        self.heap.len() + self.timers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slab::Handle;

    fn timer(i: u32) -> Timer {
        Timer::Attempt(Handle { index: i, gen: 0 })
    }

    #[test]
    fn ties_break_by_schedule_order_across_both_lanes() {
        let mut q = EventQueue::default();
        q.push(10, Event::Tick);
        q.push_timer(10, timer(1));
        q.push(5, Event::UserReady { user: 7 });
        q.push_timer(3, timer(2)); // earlier than the FIFO's last: goes to the heap
        q.push(10, Event::UserReady { user: 8 });
        let mut order = Vec::new();
        while let Some((t, e)) = q.pop() {
            order.push((t, format!("{e:?}")));
        }
        let times: Vec<u64> = order.iter().map(|o| o.0).collect();
        assert_eq!(times, vec![3, 5, 10, 10, 10]);
        assert!(order[2].1.contains("Tick"));
        assert!(order[3].1.contains("index: 1"));
        assert!(order[4].1.contains("user: 8"));
    }
}
