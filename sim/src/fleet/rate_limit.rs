//! A rate limit in front of a service, as Amazon API Gateway throttles
//! ("Throttle requests to your REST APIs for better throughput in API
//! Gateway"): a token bucket where a token counts for a request. The burst
//! is the bucket's size; it refills at the steady-state rate; a request
//! that finds no whole token is answered 429 Too Many Requests at once. So
//! over any T seconds it admits at most burst + rate × T requests.

/// A token bucket; it starts full.
#[derive(Clone)]
pub(super) struct RateLimit {
    rate_rps: f64,
    burst: u32,
    tokens: f64,
    /// When `tokens` was last brought up to date, in ns.
    at: u64,
}

impl RateLimit {
    pub fn new(rate_rps: f64, burst: u32, now: u64) -> RateLimit {
        RateLimit {
            rate_rps,
            burst,
            tokens: burst as f64,
            at: now,
        }
    }

    /// Whether a request arriving at `now` is let through: it takes a token
    /// if there is a whole one.
    pub fn admit(&mut self, now: u64) -> bool {
        self.tokens = self.tokens_at(now);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// The tokens in the bucket at `now`: refilled at the rate since the
    /// last request, never above the burst.
    pub fn tokens_at(&self, now: u64) -> f64 {
        let refill = now.saturating_sub(self.at) as f64 * self.rate_rps / 1e9;
        (self.tokens + refill).min(self.burst as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offered more than the rate, evenly, a bucket admits its burst and
    /// then the rate: burst + rate × T over T seconds.
    #[test]
    fn admits_the_burst_then_the_rate() {
        let (rate, burst, offered, secs) = (200.0, 50, 1000u64, 10u64);
        let mut limit = RateLimit::new(rate, burst, 0);
        let step = 1_000_000_000 / offered;
        let admitted = (0..offered * secs)
            .filter(|k| limit.admit(k * step))
            .count() as f64;
        let bound = burst as f64 + rate * secs as f64;
        assert!(
            admitted <= bound && admitted >= bound - 1.0,
            "{admitted} vs {bound}"
        );
    }

    /// Offered less than the rate, nothing is throttled.
    #[test]
    fn below_the_rate_nothing_is_throttled() {
        let mut limit = RateLimit::new(200.0, 1, 0);
        assert!((0..2000u64).all(|k| limit.admit(k * 10_000_000)));
    }
}
