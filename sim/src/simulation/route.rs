//! The request path: client → internet → load balancer → instance
//! (→ database → instance) → load balancer → internet → client. A message
//! a part sends goes onto its hop; when it arrives (at once, or as a
//! `Deliver` event) it is handed to the part at the end of its leg.

use super::Simulation;
use crate::engine::{Leg, Message};
use crate::fleet::Worked;
use crate::request::{Observed, Status};
use crate::scenario::{Balancer as Algorithm, Cancellation};

impl Simulation {
    /// Puts a message on its hop; one that arrives at once is delivered now.
    ///
    /// Messages travel by reference along the path: the owners change them
    /// in place (a copy of a message just partly rewritten stalls the CPU's
    /// store forwarding, which showed as a third of the request path's time).
    pub(super) fn send(&mut self, msg: &mut Message) {
        self.forward(msg);
    }

    /// `send`, inlined where a part passes a message on along the path.
    // Inlined natively for speed; the browser's build keeps one copy, for size.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    pub(super) fn forward(&mut self, msg: &mut Message) {
        // The database's primary is in the first zone.
        let cross_zone = self.world.params.zones > 1
            && msg.leg.hop() == 2
            && self.fleets.zone_of(msg.instance) != 0;
        if self.network.send(msg, cross_zone, &mut self.world) {
            self.world.trace_hop(msg);
            self.deliver(msg);
        }
    }

    /// Sends every message, in order.
    pub(super) fn send_all(&mut self, messages: Vec<Message>) {
        for mut msg in messages {
            self.send(&mut msg);
        }
    }

    /// Sends the message, if there is one. It is sent where it was
    /// returned: moving it out of the `Option` first would copy it.
    #[inline]
    pub(super) fn send_some(&mut self, message: &mut Option<Message>) {
        if let Some(msg) = message {
            self.send(msg);
        }
    }

    /// A message reaches the end of its leg.
    pub(super) fn deliver(&mut self, msg: &mut Message) {
        let w = &mut self.world;
        match msg.leg {
            Leg::ClientToLb => {
                self.fleets.route(msg, w);
                self.forward(msg);
            }
            Leg::LbToInstance => {
                let deadline = self.deadline(msg, Cancellation::LoadBalancer);
                if self.fleets.at_instance(msg, deadline, &mut self.world) {
                    self.forward(msg);
                }
            }
            Leg::InstanceToDb => {
                let deadline = self.deadline(msg, Cancellation::Deadline);
                if self.database.arrive(msg, deadline, &mut self.world) {
                    self.forward(msg);
                }
            }
            Leg::DbToInstance => {
                if self.fleets.holds(msg) {
                    self.finish_job(msg.instance, msg.slot, msg.status);
                }
            }
            Leg::InstanceToLb => {
                if self.fleets.answered(msg, w) {
                    msg.leg = Leg::LbToClient;
                    self.forward(msg);
                }
            }
            Leg::LbToClient => self
                .clients
                .observe(msg.attempt, Observed::Response(msg.status), w),
        }
    }

    /// The deadline a part down the path learns for `msg`'s attempt, when
    /// cancellation reaches it (`u64::MAX`: never). The load balancer
    /// passes a closed connection to the instance; only a propagated
    /// deadline also reaches the database.
    #[inline]
    fn deadline(&self, msg: &Message, reaches: Cancellation) -> u64 {
        let p = &self.world.params;
        let passed_on = match p.cancellation {
            Cancellation::None => false,
            Cancellation::LoadBalancer => {
                reaches == Cancellation::LoadBalancer
                    && p.services[msg.service as usize].balancer != Algorithm::None
            }
            Cancellation::Deadline => true,
        };
        if passed_on {
            self.clients.deadline(msg.attempt)
        } else {
            u64::MAX
        }
    }

    /// A message disappears: the simulator records where, the client will
    /// only see a timeout.
    pub(super) fn on_lost(&mut self, msg: Message) {
        let w = &mut self.world;
        self.clients.lost(&msg, w);
        match msg.leg {
            Leg::LbToInstance | Leg::InstanceToLb => {
                self.fleets.lost_between_balancer_and_instance(&msg)
            }
            // The instance waits for the database until its own timeout.
            Leg::InstanceToDb | Leg::DbToInstance => self.fleets.database_call_lost(&msg, w),
            Leg::ClientToLb | Leg::LbToClient => {}
        }
    }

    /// A worker finished its own computing.
    pub(super) fn on_work_done(&mut self, i: u32, slot: u16) {
        match &mut self.fleets.work_done(i, slot, &mut self.world) {
            Some(Worked::Query(query)) => self.send(query),
            Some(Worked::Done) => self.finish_job(i, slot, Status::Ok),
            None => {}
        }
    }

    /// The worker in `slot` of instance `i` is done: it answers, then takes
    /// the next job.
    pub(super) fn finish_job(&mut self, i: u32, slot: u16, status: Status) {
        if let Some(answer) = &mut self.fleets.finish_job(i, slot, status, &mut self.world) {
            if !self.clients.has_attempt(answer.attempt) {
                self.world.metrics.wasted();
            }
            self.forward(answer);
            self.fleets.next_job(i, &mut self.world);
        }
    }
}
