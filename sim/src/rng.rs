//! Random streams. Every purpose (arrivals, one link, one instance's service
//! times, its faults, …) draws from its own PCG stream derived from the
//! scenario seed and a stable key, so changing one parameter never reshuffles
//! unrelated randomness. All maths goes through `libm`, whose results are the
//! same bit for bit on every target, unlike the platform's `ln`/`exp`;
//! exponential and normal variates come from `crate::ziggurat`.

use crate::ziggurat::{exponential_tail, normal_tail, Ziggurat};
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
    /// Random outages of availability zones (per zone).
    Zones,
    /// Random failures of the database's primary.
    DatabaseFaults,
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

    /// Exponential with the given mean (the ziggurat method).
    #[inline]
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        let z = Ziggurat::exponential();
        let mut next = || self.0.next_u64();
        mean * z.sample(&mut next, false, |x| libm::exp(-x), exponential_tail)
    }

    /// Standard normal (the ziggurat method).
    #[inline]
    pub(crate) fn normal(&mut self) -> f64 {
        let z = Ziggurat::normal();
        let mut next = || self.0.next_u64();
        z.sample(&mut next, true, |x| libm::exp(-0.5 * x * x), normal_tail)
    }

    /// Log-normal whose underlying normal has mean `mu` and deviation
    /// `sigma`: e^(μ + σZ). For a given mean, μ = `lognormal_mu(mean, σ)`.
    #[inline]
    pub(crate) fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        libm::exp(mu + sigma * self.normal())
    }
}

/// The μ that gives a log-normal of shape σ the given mean:
/// E[e^(μ + σZ)] = e^(μ + σ²/2), so μ = ln(mean) − σ²/2.
pub(crate) fn lognormal_mu(mean: f64, sigma: f64) -> f64 {
    libm::log(mean) - sigma * sigma / 2.0
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

    /// Kolmogorov–Smirnov distance between `n` draws and the CDF `cdf`.
    fn ks(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
        xs.sort_by(f64::total_cmp);
        let n = xs.len() as f64;
        xs.iter()
            .enumerate()
            .map(|(k, &x)| {
                let f = cdf(x);
                (f - k as f64 / n).abs().max((k as f64 + 1.0) / n - f)
            })
            .fold(0.0, f64::max)
    }

    /// KS critical value at α = 0.001 for large n: 1.949 / √n.
    fn ks_critical(n: usize) -> f64 {
        1.949 / (n as f64).sqrt()
    }

    #[test]
    fn exponential_draws_follow_the_exponential_law() {
        let mut s = Stream::derive(1, Purpose::ServiceTime, "x", 0);
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|_| s.exponential(2.0)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        // Mean 2, variance 4; 3 standard errors of the mean: 3 × 2 / √n.
        assert!((mean - 2.0).abs() < 3.0 * 2.0 / (n as f64).sqrt(), "{mean}");
        assert!((var - 4.0).abs() < 0.05, "{var}");
        // The tail beyond r = 7.697 (in units of the mean) is e^−7.697 ≈ 4.5e−4
        // of the draws: it is exercised, and its share is right.
        let tail = xs
            .iter()
            .filter(|&&x| x > 2.0 * 7.697_117_470_131_05)
            .count();
        let expected = n as f64 * libm::exp(-7.697_117_470_131_05);
        assert!(
            (tail as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{tail}"
        );
        let d = ks(xs, |x| 1.0 - libm::exp(-x / 2.0));
        assert!(d < ks_critical(n), "KS {d}");
    }

    #[test]
    fn normal_draws_follow_the_normal_law() {
        let mut s = Stream::derive(2, Purpose::ServiceTime, "x", 0);
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|_| s.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        assert!(mean.abs() < 3.0 / (n as f64).sqrt(), "{mean}");
        // Both tails beyond r = 3.654 hold 2.58e−4 of the draws.
        let tail = xs
            .iter()
            .filter(|x| x.abs() > 3.654_152_885_361_009)
            .count();
        let expected = n as f64 * libm::erfc(3.654_152_885_361_009 / core::f64::consts::SQRT_2);
        assert!(
            (tail as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{tail}"
        );
        let d = ks(xs, |x| 0.5 * libm::erfc(-x / core::f64::consts::SQRT_2));
        assert!(d < ks_critical(n), "KS {d}");
    }

    #[test]
    fn lognormal_has_the_mean_asked_for() {
        let mut s = Stream::derive(1, Purpose::ServiceTime, "x", 0);
        let n = 400_000;
        let mu = lognormal_mu(3.0, 0.5);
        let ln: f64 = (0..n).map(|_| s.lognormal(mu, 0.5)).sum::<f64>() / n as f64;
        // Its standard deviation is 3·√(e^0.25 − 1) ≈ 1.60; 4 standard errors.
        assert!((ln - 3.0).abs() < 4.0 * 1.60 / (n as f64).sqrt(), "{ln}");
        assert!((0..1000).all(|_| s.below(3) < 3));
    }
}
