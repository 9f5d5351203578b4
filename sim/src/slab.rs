//! A generational slab: Vec-indexed storage with a free list, so the hot path
//! never allocates once warm, and a stale handle (a timer for an attempt that
//! already finished) is recognised instead of hitting a reused slot.

/// Index plus generation of a slab entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Handle {
    pub index: u32,
    pub gen: u32,
}

#[derive(Clone)]
pub(crate) struct Slab<T> {
    entries: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Slab<T> {
    pub fn new() -> Slab<T> {
        Slab {
            entries: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }

    pub fn insert(&mut self, value: T) -> Handle {
        self.live += 1;
        if let Some(index) = self.free.pop() {
            let e = &mut self.entries[index as usize];
            e.0 = e.0.wrapping_add(1);
            e.1 = Some(value);
            Handle { index, gen: e.0 }
        } else {
            self.entries.push((0, Some(value)));
            Handle {
                index: (self.entries.len() - 1) as u32,
                gen: 0,
            }
        }
    }

    /// The slot the next `insert` fills (for a value that names its own
    /// slot elsewhere, such as an attempt's timer).
    #[inline]
    pub fn next_slot(&self) -> u32 {
        match self.free.last() {
            Some(&index) => index,
            None => self.entries.len() as u32,
        }
    }

    /// The entry held in slot `index`, whichever its generation, with its
    /// handle.
    #[inline]
    pub fn at(&self, index: u32) -> Option<(Handle, &T)> {
        match self.entries.get(index as usize) {
            Some((gen, Some(v))) => Some((Handle { index, gen: *gen }, v)),
            _ => None,
        }
    }

    #[inline]
    pub fn get(&self, h: Handle) -> Option<&T> {
        match self.entries.get(h.index as usize) {
            Some((gen, Some(v))) if *gen == h.gen => Some(v),
            _ => None,
        }
    }

    #[inline]
    pub fn get_mut(&mut self, h: Handle) -> Option<&mut T> {
        match self.entries.get_mut(h.index as usize) {
            Some((gen, Some(v))) if *gen == h.gen => Some(v),
            _ => None,
        }
    }

    pub fn remove(&mut self, h: Handle) -> Option<T> {
        let e = self.entries.get_mut(h.index as usize)?;
        if e.0 != h.gen {
            return None;
        }
        let v = e.1.take()?;
        self.free.push(h.index);
        self.live -= 1;
        Some(v)
    }

    /// Entries currently held.
    pub fn len(&self) -> usize {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_handles_miss_reused_slots() {
        let mut s = Slab::new();
        let a = s.insert(1);
        assert_eq!(s.remove(a), Some(1));
        let b = s.insert(2);
        assert_eq!(a.index, b.index);
        assert_eq!(s.get(a), None);
        assert_eq!(s.remove(a), None);
        assert_eq!(s.get(b), Some(&2));
        assert_eq!(s.at(a.index), Some((b, &2)));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn the_next_slot_is_the_one_insert_fills() {
        let mut s = Slab::new();
        for value in 0..4 {
            let slot = s.next_slot();
            assert_eq!(s.insert(value).index, slot);
        }
        let freed = s.at(1).map(|(h, _)| h).expect("held");
        s.remove(freed);
        assert_eq!(s.next_slot(), 1);
        assert_eq!(s.insert(9).index, 1);
        assert_eq!(s.next_slot(), 4);
        assert_eq!(s.at(4), None);
    }
}
