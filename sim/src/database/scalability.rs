//! The Universal Scalability Law (N. Gunther, "Guerrilla Capacity
//! Planning"): how a database server's throughput depends on the queries it
//! runs at once. With n running, each takes 1 + σ(n − 1) + κn(n − 1) times
//! as long as it would alone, σ contention (work that serialises, such as
//! locks) and κ coherency (crosstalk between connections); so throughput
//! X(n) = n / (S (1 + σ(n − 1) + κn(n − 1))) rises, peaks at
//! n* = √((1 − σ)/κ) and falls beyond it.

/// How many times longer each of `n` queries running at once takes.
pub(super) fn slowdown(contention: f64, coherency: f64, n: u32) -> f64 {
    let n = n as f64;
    1.0 + contention * (n - 1.0) + coherency * n * (n - 1.0)
}

/// Queries a second `n` busy connections complete, S = `mean_s` the time
/// in seconds of one query alone.
pub(super) fn throughput(mean_s: f64, contention: f64, coherency: f64, n: u32) -> f64 {
    n as f64 / (mean_s * slowdown(contention, coherency, n))
}

impl crate::scenario::Database {
    /// Queries a second one server completes with `n` connections all
    /// busy.
    pub fn throughput(&self, n: u32) -> f64 {
        let mean_s = self.service_time.mean_ms() / 1e3;
        throughput(mean_s, self.contention, self.coherency, n)
    }

    /// The connection count with the highest throughput, n* rounded to the
    /// better of its neighbours; `None` without coherency, where
    /// throughput never falls.
    pub fn peak_connections(&self) -> Option<u32> {
        if self.coherency <= 0.0 || self.contention >= 1.0 {
            return None;
        }
        let star = libm::sqrt((1.0 - self.contention) / self.coherency);
        let low = (libm::floor(star) as u32).max(1);
        Some(if self.throughput(low + 1) > self.throughput(low) {
            low + 1
        } else {
            low
        })
    }
}
