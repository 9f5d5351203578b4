//! A service's load balancer: picks a target among the instances it
//! considers in service. Without health checks (issue 4) it cannot tell a
//! crashed or hung instance from a healthy one, and keeps sending it work.

use crate::instance::Instance;
use crate::rng::{Purpose, Stream};
use crate::scenario::Balancer as Algorithm;

pub(crate) struct Balancer {
    pub algorithm: Algorithm,
    /// Instance slab indices of the current targets, in launch order.
    pub targets: Vec<u32>,
    /// With no load balancer: the fixed address every client uses.
    pub fixed: Option<u32>,
    cursor: usize,
    rng: Stream,
}

impl Balancer {
    pub fn new(seed: u64, service_name: &str, algorithm: Algorithm) -> Balancer {
        Balancer {
            algorithm,
            targets: Vec::new(),
            fixed: None,
            cursor: 0,
            rng: Stream::derive(seed, Purpose::Balancer, service_name, 0),
        }
    }

    /// The instance for the next request, or `None` (a fast 503).
    #[inline]
    pub fn route(&mut self, instances: &[Instance]) -> Option<u32> {
        let n = self.targets.len();
        if self.algorithm == Algorithm::None {
            return self.fixed.filter(|&i| {
                instances[i as usize]
                    .lifecycle
                    .ne(&crate::Lifecycle::Terminated)
            });
        }
        if n == 0 {
            return None;
        }
        let load = |i: u32| instances[i as usize].outstanding;
        let pick = match self.algorithm {
            Algorithm::RoundRobin | Algorithm::None => {
                self.cursor = (self.cursor + 1) % n;
                self.targets[self.cursor]
            }
            Algorithm::Random => self.targets[self.rng.below(n)],
            Algorithm::LeastOutstanding => {
                // Start the scan at a rotating position so ties spread out.
                self.cursor = (self.cursor + 1) % n;
                let mut best = self.targets[self.cursor];
                for k in 1..n {
                    let t = self.targets[(self.cursor + k) % n];
                    if load(t) < load(best) {
                        best = t;
                    }
                }
                best
            }
            Algorithm::PowerOfTwo => {
                let a = self.targets[self.rng.below(n)];
                let b = self.targets[self.rng.below(n)];
                if load(b) < load(a) {
                    b
                } else {
                    a
                }
            }
        };
        Some(pick)
    }
}
