//! The network: Sahara's three hops. A hop decides, when a message is
//! sent, when it arrives and whether it is lost (and so where it
//! disappears: half-way), from its own random stream. With a bandwidth,
//! each direction is one shared pipe: messages queue to be put on the wire,
//! so big payloads delay everyone. A message that arrives at once (a
//! zero-delay, loss-free hop) is handed back to be delivered without the
//! event queue, which keeps the theory models at two events per request.

use crate::digest::Fnv;
use crate::engine::{Event, Message};
use crate::params::LinkParams;
use crate::rng::{Purpose, Stream};
use crate::world::World;

/// The names of the hops, in `Scenario::network` order.
pub const HOPS: [&str; 3] = ["client_to_lb", "lb_to_instance", "instance_to_db"];

#[derive(Clone)]
pub(crate) struct Network {
    links: [Link; 3],
}

#[derive(Clone)]
struct Link {
    rng: Stream,
    /// When each direction's pipe is free again: [request, response].
    busy_until: [u64; 2],
    /// Bytes sent: [requests, responses].
    bytes: [u64; 2],
    /// Of those, bytes that crossed from one availability zone to another.
    cross_zone_bytes: u64,
    /// Messages on the wire now.
    in_flight: u32,
}

/// When a message sent now ends its journey, and whether it arrives.
struct Flight {
    at: u64,
    lost: bool,
}

impl Network {
    pub fn new(seed: u64) -> Network {
        Network {
            links: [0, 1, 2].map(|hop| Link {
                rng: Stream::derive(seed, Purpose::Link, HOPS[hop], 0),
                busy_until: [0; 2],
                bytes: [0; 2],
                cross_zone_bytes: 0,
                in_flight: 0,
            }),
        }
    }

    /// Puts a message on its hop (`cross_zone` when its ends are in
    /// different availability zones). Returns true if it arrives at once
    /// (to be delivered now); otherwise its arrival, or the moment it is
    /// lost, is queued as a `Deliver` event.
    // Inlined natively for speed; the browser's build keeps one copy, for size.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub fn send(&mut self, msg: &mut Message, cross_zone: bool, w: &mut World) -> bool {
        let (hop, response) = (msg.leg.hop(), msg.leg.is_response());
        let bytes = w.params.traffic.kinds[msg.kind as usize].bytes(response);
        if !w.params.links[hop].instant[response as usize] || cross_zone {
            return self.send_on_link(msg, bytes, cross_zone, w);
        }
        // What `Link::send` would find: here now, never lost, nothing drawn.
        self.links[hop].bytes[response as usize] += bytes;
        msg.sent_at = w.now;
        msg.lost = false;
        true
    }

    /// `send` over a hop that may delay or lose the message, of `bytes`
    /// (out of line natively, where `send` is inlined).
    #[cfg_attr(not(target_family = "wasm"), inline(never))]
    fn send_on_link(
        &mut self,
        msg: &mut Message,
        bytes: u64,
        cross_zone: bool,
        w: &mut World,
    ) -> bool {
        let hop = msg.leg.hop();
        let response = msg.leg.is_response();
        let link = &mut self.links[hop];
        if cross_zone {
            link.cross_zone_bytes += bytes;
        }
        let flight = link.send(&w.params.links[hop], w.now, response, bytes);
        msg.sent_at = w.now;
        msg.lost = flight.lost;
        if !flight.lost && flight.at == w.now {
            true
        } else {
            link.in_flight += 1;
            w.queue.push(flight.at, Event::Deliver(*msg));
            false
        }
    }

    /// A message queued by `send` reached the end of its hop (or was lost).
    #[inline]
    pub fn landed(&mut self, msg: &Message) {
        self.links[msg.leg.hop()].in_flight -= 1;
    }

    /// Messages on the wire now, per hop.
    pub fn in_flight(&self, hop: usize) -> u32 {
        self.links[hop].in_flight
    }

    /// Bytes sent over a hop so far: [requests, responses].
    pub fn bytes(&self, hop: usize) -> [u64; 2] {
        self.links[hop].bytes
    }

    /// Bytes sent over a hop so far that crossed availability zones.
    pub fn cross_zone_bytes(&self, hop: usize) -> u64 {
        self.links[hop].cross_zone_bytes
    }

    pub fn digest_into(&self, h: &mut Fnv) {
        for l in &self.links {
            h.u64(l.bytes[0] + l.bytes[1]);
        }
    }
}

impl Link {
    #[inline]
    fn send(&mut self, p: &LinkParams, now: u64, response: bool, bytes: u64) -> Flight {
        let dir = response as usize;
        self.bytes[dir] += bytes;
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
            instant: [false; 2],
        }
    }

    fn link() -> Link {
        Network::new(1).links.into_iter().next().unwrap()
    }

    #[test]
    fn latency_loss_and_bandwidth() {
        let (mut l, p) = (link(), params(0.0));
        let f = l.send(&p, 500, false, 100);
        assert_eq!((f.at, f.lost), (1_500, false));
        let f = l.send(&p, 500, true, 100);
        assert_eq!((f.at, f.lost), (1_000, true), "lost half-way");
        // 8 ns per byte: the second message waits for the first to be sent.
        let (mut l, p) = (link(), params(8.0));
        assert_eq!(l.send(&p, 0, false, 100).at, 800 + 1_000);
        assert_eq!(l.send(&p, 0, false, 100).at, 1_600 + 1_000);
    }
}
