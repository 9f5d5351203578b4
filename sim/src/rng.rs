//! Random streams. Every purpose (arrivals, one link, one instance's service
//! times, its faults, …) draws from its own PCG stream derived from the
//! scenario seed and a stable key, so changing one parameter never reshuffles
//! unrelated randomness. All maths goes through `libm`, whose results are the
//! same bit for bit on every target, unlike the platform's `ln`/`exp`.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// One independent random stream.
#[derive(Clone, Debug)]
pub(crate) struct Stream(Pcg64Mcg);

/// What a stream is for; part of the key it is derived from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Purpose {
    Arrivals,
    Users,
    Mix,
    Link,
    Balancer,
    ServiceTime,
    Faults,
    Database,
    /// Retry jitter (one stream for all clients).
    Retry,
    /// When each instance's health checks start (per instance).
    HealthCheck,
}

impl Stream {
    /// The stream for `purpose`, told apart further by a name (e.g. a
    /// service's) and an ordinal (e.g. the instance's launch number in its
    /// service), never by positions that shift when other things change.
    pub(crate) fn derive(seed: u64, purpose: Purpose, name: &str, ordinal: u64) -> Stream {
        let mut h = crate::digest::Fnv::new();
        h.u64(seed);
        h.u64(purpose as u64);
        h.bytes(name.as_bytes());
        h.u64(ordinal);
        let mut sm = h.finish();
        let mut seed_bytes = [0u8; 16];
        seed_bytes[..8].copy_from_slice(&splitmix64(&mut sm).to_le_bytes());
        seed_bytes[8..].copy_from_slice(&splitmix64(&mut sm).to_le_bytes());
        Stream(Pcg64Mcg::from_seed(seed_bytes))
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) (n > 0), by Lemire's multiply-shift; the
    /// tiny bias for n ≪ 2^64 is irrelevant here and keeps it branch-free.
    #[inline]
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// True with probability `p`; draws nothing when the answer is certain,
    /// so a loss-free link costs no randomness.
    #[inline]
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.uniform() < p
        }
    }

    /// Exponential with the given mean, by inversion: −mean·ln(1 − u).
    #[inline]
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(1.0 - self.uniform())
    }

    /// Standard normal by Box–Muller (one of the pair; simpler than caching).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// Log-normal with the given mean and shape σ (of the underlying normal):
    /// μ = ln(mean) − σ²/2 makes the mean come out as asked.
    pub(crate) fn lognormal(&mut self, mean: f64, sigma: f64) -> f64 {
        let mu = libm::log(mean) - sigma * sigma / 2.0;
        libm::exp(mu + sigma * self.normal())
    }
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = Stream::derive(7, Purpose::Link, "client_to_lb", 0);
        let mut b = Stream::derive(7, Purpose::Link, "client_to_lb", 0);
        let mut c = Stream::derive(7, Purpose::Link, "lb_to_instance", 0);
        let xs: Vec<f64> = (0..5).map(|_| a.uniform()).collect();
        let ys: Vec<f64> = (0..5).map(|_| b.uniform()).collect();
        let zs: Vec<f64> = (0..5).map(|_| c.uniform()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn sample_means_match() {
        let mut s = Stream::derive(1, Purpose::ServiceTime, "x", 0);
        let n = 200_000;
        let exp: f64 = (0..n).map(|_| s.exponential(2.0)).sum::<f64>() / n as f64;
        let ln: f64 = (0..n).map(|_| s.lognormal(3.0, 0.5)).sum::<f64>() / n as f64;
        assert!((exp - 2.0).abs() < 0.03, "{exp}");
        assert!((ln - 3.0).abs() < 0.03, "{ln}");
        assert!((0..1000).all(|_| s.below(3) < 3));
    }
}
