//! A run with its past: the simulation now, copies of it taken as it went
//! (checkpoints) and the changes a person made, with their times. Any
//! earlier moment can be shown again by replaying from the nearest
//! checkpoint, and playing on from there reaches the same future, because
//! the recorded changes are made again at their times. A change made in
//! the past starts another future: what was recorded after it is dropped.
//!
//! Checkpoints are taken every `FIRST_SPACING_S` simulated seconds; when
//! more than `MAX_CHECKPOINTS` are held, every other one is dropped and the
//! spacing doubles, so memory stays bounded however long the run, and a
//! jump replays at most one spacing of simulated time.

use crate::{Change, ScenarioError, SimDuration, SimTime, Simulation, TraceTarget};

/// Simulated seconds between checkpoints at first.
const FIRST_SPACING_S: u64 = 10;
/// Checkpoints held at most.
const MAX_CHECKPOINTS: usize = 64;

/// The simulation at one moment, and how many recorded changes it has made.
#[derive(Clone)]
struct Checkpoint {
    sim: Simulation,
    changes_made: usize,
}

#[derive(Clone)]
pub struct Timeline {
    sim: Simulation,
    /// Recorded changes the simulation has made so far.
    changes_made: usize,
    changes: Vec<(SimTime, Change)>,
    /// In time order; the first is time 0.
    checkpoints: Vec<Checkpoint>,
    spacing: SimDuration,
    /// The furthest moment the run has reached.
    frontier: SimTime,
}

impl Timeline {
    pub fn new(sim: Simulation) -> Timeline {
        Timeline {
            checkpoints: vec![Checkpoint {
                sim: sim.clone(),
                changes_made: 0,
            }],
            frontier: sim.now(),
            sim,
            changes_made: 0,
            changes: Vec::new(),
            spacing: SimDuration::from_secs(FIRST_SPACING_S),
        }
    }

    /// The simulation as it is at the moment shown.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The furthest moment the run has reached: a rewind can go back to any
    /// moment from 0 to it, and forward again.
    pub fn frontier(&self) -> SimTime {
        self.frontier
    }

    /// How many of the recorded changes the simulation has made: it grows
    /// when playing on past a change made before a rewind.
    pub fn changes_made(&self) -> usize {
        self.changes_made
    }

    /// Checkpoints held now, and the simulated time between them.
    pub fn checkpoints(&self) -> (usize, SimDuration) {
        (self.checkpoints.len(), self.spacing)
    }

    /// Advances towards `target`, making each recorded change at its time
    /// and taking checkpoints as it goes, running at most `max_events`
    /// events in one stretch. Returns whether `target` was reached (as
    /// `Simulation::advance_to_bounded`).
    pub fn advance(&mut self, target: SimTime, max_events: u64) -> bool {
        loop {
            let change_at = self
                .changes
                .get(self.changes_made)
                .map(|(at, _)| *at)
                .filter(|at| *at <= target);
            let checkpoint_at = self.latest_checkpoint().plus(self.spacing);
            let stop = target.min(checkpoint_at).min(change_at.unwrap_or(target));
            let reached = self.sim.advance_to_bounded(stop, max_events);
            self.frontier = self.frontier.max(self.sim.now());
            if !reached {
                return false;
            }
            if stop == checkpoint_at {
                self.keep_checkpoint();
            }
            if change_at == Some(stop) {
                let change = self.changes[self.changes_made].1.clone();
                // It was accepted when first made, from this same state.
                let _ = self.sim.apply(change);
                self.changes_made += 1;
            } else if stop == target {
                return true;
            }
        }
    }

    /// Makes a change now and records it. A change before the frontier
    /// starts another future: the changes and checkpoints recorded after
    /// now are dropped, and now becomes the frontier.
    pub fn apply(&mut self, change: Change) -> Result<(), ScenarioError> {
        self.sim.apply(change.clone())?;
        let now = self.sim.now();
        self.changes.truncate(self.changes_made);
        let made = self.changes_made;
        self.checkpoints
            .retain(|c| c.sim.now() <= now && c.changes_made <= made);
        self.frontier = now;
        self.changes.push((now, change));
        self.changes_made += 1;
        Ok(())
    }

    /// Shows the run at `t`, from 0 to the frontier, replaying from the
    /// last checkpoint at or before `t` when that is nearer than now (back
    /// in time always is), making the recorded changes at their times.
    pub fn seek(&mut self, t: SimTime) {
        let t = t.min(self.frontier);
        let from = self.checkpoints.iter().rev().find(|c| c.sim.now() <= t);
        if let Some(from) = from.filter(|c| t < self.sim.now() || c.sim.now() > self.sim.now()) {
            self.sim = from.sim.clone();
            self.changes_made = from.changes_made;
        }
        self.advance(t, u64::MAX);
    }

    /// Starts tracing the request `target` names (`None`: stops). A
    /// request created before now is traced from its start: the run is
    /// replayed from the last checkpoint before it was created, traced,
    /// back to now (the same run, so the same moment). The trace lives in
    /// the simulation: a checkpoint taken before it began has none, so
    /// seeking back before then ends it.
    pub fn trace(&mut self, target: Option<TraceTarget>) {
        let Some(target) = target else {
            self.sim.stop_tracing();
            return;
        };
        let now = self.sim.now();
        if let TraceTarget::Request { id } = target {
            let before = self
                .checkpoints
                .iter()
                .rev()
                .find(|c| c.sim.requests_created() < id.0)
                .filter(|_| self.sim.requests_created() >= id.0);
            if let Some(before) = before {
                self.sim = before.sim.clone();
                self.changes_made = before.changes_made;
                self.sim.trace(target);
                self.advance(now, u64::MAX);
                return;
            }
        }
        self.sim.trace(target);
    }

    /// When the latest checkpoint was taken.
    fn latest_checkpoint(&self) -> SimTime {
        self.checkpoints.last().map_or(SimTime(0), |c| c.sim.now())
    }

    /// Takes a checkpoint now, thinning them out when there are too many.
    fn keep_checkpoint(&mut self) {
        self.checkpoints.push(Checkpoint {
            sim: self.sim.clone(),
            changes_made: self.changes_made,
        });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            let mut k = 0;
            self.checkpoints.retain(|_| {
                k += 1;
                k % 2 == 1
            });
            self.spacing = SimDuration(self.spacing.0 * 2);
        }
    }
}
