//! A service's load balancer: picks a target among the instances it
//! considers in service (or, failing open, among all registered ones).
//! Without health checks it cannot tell a crashed or hung instance from a
//! healthy one, and keeps sending it work.

use super::instance::{Instance, InstanceId, Lifecycle};
use crate::rng::{Purpose, Stream};
use crate::scenario::Balancer as Algorithm;

#[derive(Clone)]
pub(super) struct Balancer {
    algorithm: Algorithm,
    /// Instance slots of the current targets, in slot order.
    targets: Vec<u32>,
    /// No target is healthy, so `targets` are all the registered ones.
    open: bool,
    /// With no load balancer: the fixed address every client uses (slot
    /// and instance id). Once given out it does not follow a replacement:
    /// when that instance is terminated the address is dead.
    fixed: Option<(u32, InstanceId)>,
    cursor: usize,
    rng: Stream,
}

impl Balancer {
    pub fn new(seed: u64, service_name: &str, algorithm: Algorithm) -> Balancer {
        Balancer {
            algorithm,
            targets: Vec::new(),
            open: false,
            fixed: None,
            cursor: 0,
            rng: Stream::derive(seed, Purpose::Balancer, service_name, 0),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Switches the algorithm. Switching the load balancer off hands
    /// clients the address of the oldest instance there is now (once the
    /// targets are next refreshed).
    pub fn set_algorithm(&mut self, algorithm: Algorithm) {
        if algorithm == Algorithm::None && self.algorithm != algorithm {
            self.fixed = None;
        }
        self.algorithm = algorithm;
    }

    /// The targets to route to; `open` when they are every registered
    /// instance because none is healthy.
    pub fn set_targets(&mut self, targets: Vec<u32>, open: bool) {
        self.targets = targets;
        self.open = open;
    }

    pub fn failing_open(&self) -> bool {
        self.open
    }

    pub fn has_targets(&self) -> bool {
        !self.targets.is_empty()
    }

    /// Gives clients without a load balancer this address, unless they
    /// already have one (they keep it, dead or alive: Fallacy 5).
    pub fn hand_out_address(&mut self, oldest: Option<(u32, InstanceId)>) {
        if self.fixed.is_none() {
            self.fixed = oldest;
        }
    }

    /// Moves the rotating cursor on among `n` targets: (cursor + 1) mod n,
    /// with no division while the cursor is in range (it is unless the
    /// targets shrank).
    #[inline]
    fn next_cursor(&mut self, n: usize) -> usize {
        let next = self.cursor + 1;
        self.cursor = match next {
            _ if next < n => next,
            _ if next == n => 0,
            _ => next % n,
        };
        self.cursor
    }

    /// The instance for the next request, or `None` (a fast 503).
    #[inline]
    pub fn route(&mut self, instances: &[Instance]) -> Option<u32> {
        let n = self.targets.len();
        let load = |i: u32| instances[i as usize].outstanding;
        let pick = match self.algorithm {
            Algorithm::None => {
                return self.fixed.and_then(|(i, id)| {
                    let inst = &instances[i as usize];
                    (inst.id == id && inst.lifecycle != Lifecycle::Terminated).then_some(i)
                })
            }
            _ if n == 0 => return None,
            Algorithm::RoundRobin => {
                let k = self.next_cursor(n);
                self.targets[k]
            }
            Algorithm::Random => self.targets[self.rng.below(n)],
            Algorithm::LeastOutstanding => {
                // Start the scan at a rotating position so ties spread out.
                let start = self.next_cursor(n);
                let mut best = self.targets[start];
                for k in 1..n {
                    // start + k < 2n: one subtraction wraps it.
                    let j = start + k;
                    let t = self.targets[if j < n { j } else { j - n }];
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

#[cfg(test)]
mod tests {
    use super::*;

    fn instances(outstanding: &[u32]) -> Vec<Instance> {
        outstanding
            .iter()
            .enumerate()
            .map(|(k, &o)| {
                let mut i = Instance::new(
                    1,
                    InstanceId(k as u32 + 1),
                    0,
                    "s",
                    k as u32,
                    1,
                    0,
                    Lifecycle::InService,
                );
                i.outstanding = o;
                i
            })
            .collect()
    }

    fn picks(algorithm: Algorithm, outstanding: &[u32], n: usize) -> Vec<usize> {
        let inst = instances(outstanding);
        let mut lb = Balancer::new(1, "s", algorithm);
        lb.targets = (0..inst.len() as u32).collect();
        lb.fixed = Some((0, inst[0].id));
        let mut counts = vec![0; inst.len()];
        for _ in 0..n {
            counts[lb.route(&inst).unwrap() as usize] += 1;
        }
        counts
    }

    #[test]
    fn algorithms_spread_as_they_should() {
        assert_eq!(
            picks(Algorithm::RoundRobin, &[0, 0, 0], 300),
            vec![100, 100, 100]
        );
        assert_eq!(
            picks(Algorithm::LeastOutstanding, &[5, 1, 3], 10),
            vec![0, 10, 0]
        );
        assert_eq!(picks(Algorithm::None, &[0, 0, 0], 10), vec![10, 0, 0]);
        let random = picks(Algorithm::Random, &[0, 0, 0], 3000);
        assert!(
            random.iter().all(|&c| (900..1100).contains(&c)),
            "{random:?}"
        );
        // Two random choices: the busiest target only wins against itself.
        let p2c = picks(Algorithm::PowerOfTwo, &[9, 0, 0], 3000);
        assert!((250..420).contains(&p2c[0]), "{p2c:?}");
    }

    #[test]
    fn a_fixed_address_does_not_follow_a_replacement() {
        let mut inst = instances(&[0, 0]);
        let mut lb = Balancer::new(1, "s", Algorithm::None);
        lb.fixed = Some((0, inst[0].id));
        assert_eq!(lb.route(&inst), Some(0));
        // The slot is reused by a new instance at a new address.
        inst[0].id = InstanceId(9);
        assert_eq!(lb.route(&inst), None);
    }

    #[test]
    fn no_targets_no_route() {
        let inst = instances(&[0]);
        let mut lb = Balancer::new(1, "s", Algorithm::RoundRobin);
        assert_eq!(lb.route(&inst), None);
    }
}
