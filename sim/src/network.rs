//! Network hops. A hop decides, when a message is sent, when it arrives and
//! whether it is lost (and so where it disappears: half-way), from its own
//! random stream. With a bandwidth, each direction is one shared pipe:
//! messages queue to be put on the wire, so big payloads delay everyone.

use crate::params::LinkParams;
use crate::rng::{Purpose, Stream};

/// The names of the hops, in `Scenario::network` order.
pub const HOPS: [&str; 3] = ["client_to_lb", "lb_to_instance", "instance_to_db"];

pub(crate) struct Link {
    pub params: LinkParams,
    rng: Stream,
    /// When each direction's pipe is free again: [request, response].
    busy_until: [u64; 2],
    /// Bytes sent, both directions.
    pub bytes: u64,
    /// Messages on the wire now.
    pub in_flight: u32,
}

/// When a message sent now ends its journey, and whether it arrives.
pub(crate) struct Flight {
    pub at: u64,
    pub lost: bool,
}

impl Link {
    pub fn new(seed: u64, hop: usize, params: LinkParams) -> Link {
        Link {
            params,
            rng: Stream::derive(seed, Purpose::Link, HOPS[hop], 0),
            busy_until: [0; 2],
            bytes: 0,
            in_flight: 0,
        }
    }

    #[inline]
    pub fn send(&mut self, now: u64, response: bool, bytes: u64) -> Flight {
        let dir = response as usize;
        let p = &self.params;
        self.bytes += bytes;
        let mut start = now;
        if p.ns_per_byte > 0.0 {
            start = now.max(self.busy_until[dir]);
            self.busy_until[dir] = start + (bytes as f64 * p.ns_per_byte) as u64;
            start = self.busy_until[dir];
        }
        let mut arrive = start + p.base_ns;
        if p.jitter_mean_ns > 0.0 {
            arrive += self.rng.exponential(p.jitter_mean_ns) as u64;
        }
        if self.rng.chance(p.loss[dir]) {
            Flight {
                at: now + (arrive - now) / 2,
                lost: true,
            }
        } else {
            Flight {
                at: arrive,
                lost: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(bw: f64) -> LinkParams {
        LinkParams {
            base_ns: 1_000,
            jitter_mean_ns: 0.0,
            loss: [0.0, 1.0],
            ns_per_byte: bw,
        }
    }

    #[test]
    fn latency_loss_and_bandwidth() {
        let mut l = Link::new(1, 0, params(0.0));
        let f = l.send(500, false, 100);
        assert_eq!((f.at, f.lost), (1_500, false));
        let f = l.send(500, true, 100);
        assert_eq!((f.at, f.lost), (1_000, true), "lost half-way");
        // 8 ns per byte: the second message waits for the first to be sent.
        let mut l = Link::new(1, 0, params(8.0));
        assert_eq!(l.send(0, false, 100).at, 800 + 1_000);
        assert_eq!(l.send(0, false, 100).at, 1_600 + 1_000);
    }
}
