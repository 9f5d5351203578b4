//! FNV-1a, 64-bit: a tiny, stable hash for seeding streams and for the run
//! digest, identical on every target (unlike `std`'s randomised hasher).

pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    pub(crate) fn u64(&mut self, x: u64) {
        self.bytes(&x.to_le_bytes());
    }
    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}
