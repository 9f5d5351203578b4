//! Where logical requests come from: open-loop Poisson arrivals whose rate
//! follows the load shape (candidates at the shape's peak rate, thinned to
//! the rate at their time), and a closed population of users who each send
//! a request, wait for its outcome, think, and send the next.

use super::Clients;
use crate::engine::{Event, Gen, Message};
use crate::params::TrafficParams;
use crate::request::Source;
use crate::rng::{Purpose, Stream};
use crate::scenario::Shape;
use crate::time::SimTime;
use crate::world::World;

#[derive(Clone)]
pub(super) struct Traffic {
    arrival_rng: Stream,
    /// The open-loop arrival chain; a rate change restarts it.
    arrivals: Gen,
    user_rng: Stream,
    mix_rng: Stream,
    /// Whether each user of the closed population has a pending action.
    users_active: Vec<bool>,
}

impl Traffic {
    pub fn new(seed: u64) -> Traffic {
        Traffic {
            arrival_rng: Stream::derive(seed, Purpose::Arrivals, "", 0),
            arrivals: Gen::default(),
            user_rng: Stream::derive(seed, Purpose::Users, "", 0),
            mix_rng: Stream::derive(seed, Purpose::Mix, "", 0),
            users_active: Vec::new(),
        }
    }

    /// The kind of the next request, drawn from the mix. A mix of one kind
    /// needs no draw: the list of kinds is fixed for the run, and the mix's
    /// stream serves nothing else.
    #[inline]
    pub fn pick_kind(&mut self, t: &TrafficParams) -> usize {
        if t.kinds.len() == 1 {
            return 0;
        }
        t.pick(self.mix_rng.uniform())
    }

    /// Schedules the next open-loop candidate arrival at the shape's peak
    /// rate; `Clients::on_arrival` thins it to the rate at its time.
    fn schedule_arrival(&mut self, w: &mut World) {
        let t = &w.params.traffic;
        if t.peak_rps > 0.0 {
            let gap = self.arrival_rng.exponential(t.gap_mean_ns) as u64;
            let gen = self.arrivals;
            w.queue.push_arrival(w.now + gap, gen);
        }
    }

    /// Gives every user of the closed population below the current count a
    /// pending action (new users start with a think time).
    fn start_users(&mut self, w: &mut World) {
        let n = w.params.traffic.users as usize;
        if self.users_active.len() < n {
            self.users_active.resize(n, false);
        }
        for u in 0..n {
            if !self.users_active[u] {
                self.users_active[u] = true;
                self.think(u as u32, w);
            }
        }
    }

    /// A user thinks before its next request; a user beyond a population
    /// that shrank leaves instead.
    pub fn think(&mut self, user: u32, w: &mut World) {
        let t = &w.params.traffic;
        if user < t.users {
            let think = self.user_rng.exponential(t.think_mean_ns) as u64;
            w.queue.push(w.now + think, Event::UserReady { user });
        } else {
            self.users_active[user as usize] = false;
        }
    }
}

impl Clients {
    /// Starts the open-loop arrivals and the closed population.
    pub fn start(&mut self, w: &mut World) {
        self.traffic.schedule_arrival(w);
        self.traffic.start_users(w);
    }

    /// Whether an arrival of chain `gen` is still current.
    pub fn arrivals_current(&self, gen: Gen) -> bool {
        self.traffic.arrivals == gen
    }

    /// An open-loop candidate arrives: the first attempt of a new request
    /// to send, if the shape's rate now accepts it.
    pub fn on_arrival(&mut self, w: &mut World) -> Option<Message> {
        self.traffic.schedule_arrival(w);
        let t = &w.params.traffic;
        let accept = matches!(t.shape, Shape::Constant)
            || self.traffic.arrival_rng.uniform() * t.peak_rps < t.rate_at(SimTime(w.now));
        if accept {
            self.new_request(Source::Open, w)
        } else {
            None
        }
    }

    /// A user finished thinking: the first attempt of its next request, or
    /// nothing if the population shrank below it (it leaves).
    pub fn on_user_ready(&mut self, user: u32, w: &mut World) -> Option<Message> {
        if user < w.params.traffic.users {
            self.new_request(Source::User(user), w)
        } else {
            self.traffic.users_active[user as usize] = false;
            None
        }
    }

    /// The open-loop rate or shape changed: arrivals restart from now.
    pub fn restart_arrivals(&mut self, w: &mut World) {
        self.traffic.arrivals.bump();
        self.traffic.schedule_arrival(w);
    }

    /// The closed population changed size.
    pub fn resize_population(&mut self, w: &mut World) {
        self.traffic.start_users(w);
    }
}
