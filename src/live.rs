//! The live simulation behind the page: one `Simulation`, advanced from the
//! render loop, and the signals the view reads. The view never touches the
//! simulation directly; it reads `snapshot` and calls `apply`.

use leptos::prelude::*;
use sahara_sim::{
    scenario::Readings, Change, LogEvent, Scenario, SimTime, Simulation, Snapshot, Timeline, Trace,
    TraceTarget,
};
use std::collections::VecDeque;

/// Events a frame may run at most. Enough for 100× speed of the busiest
/// preset on a laptop, small enough that one frame never blocks the page:
/// above it the simulation runs slower than asked and says so.
const EVENTS_PER_FRAME: u64 = 60_000;

/// Wall time one frame may cover at most (after a background tab wakes up).
const MAX_FRAME_S: f64 = 0.1;

/// The preset a visitor sees when the URL names none.
const FIRST_PRESET: &str = "baseline";

/// Ticker lines kept, and at most this many of one kind: a flood of one
/// kind (requests giving up in a retry storm) must not push the rare lines
/// (a fault, a change by someone else) out of sight within a second.
const TICKER_LINES: usize = 60;
const TICKER_LINES_PER_KIND: usize = 8;

/// Everything the view reads, as signals; `Copy`, so every component gets it.
#[derive(Clone, Copy)]
pub struct Live {
    /// The simulation with its past, for rewinding.
    run: StoredValue<Timeline, LocalStorage>,
    /// The preset the run started from (for "reset").
    preset: RwSignal<String>,
    /// A copy of the running scenario, refreshed on every change, for controls.
    pub scenario: RwSignal<Scenario>,
    /// Its fields by path, read once per change for all the controls.
    pub readings: Memo<Readings>,
    pub snapshot: RwSignal<Snapshot>,
    /// Bumped whenever a simulated second closes: charts recompute on it.
    pub second: RwSignal<u64>,
    /// The furthest simulated second reached: rewind goes from 0 to it.
    pub frontier_s: RwSignal<f64>,
    playing: RwSignal<bool>,
    /// Where playing pauses by itself (`play_until`), if anywhere.
    pause_at: StoredValue<Option<f64>>,
    /// Simulated seconds per wall second.
    speed: RwSignal<f64>,
    /// Whether the last frame could not reach the time it aimed for.
    pub lagging: RwSignal<bool>,
    /// The newest event-log lines, newest first.
    pub ticker: RwSignal<VecDeque<LogEvent>>,
    log_cursor: StoredValue<u64>,
    /// The last problem a change caused, in words, for the person who made it.
    error: RwSignal<Option<String>>,
    /// The trace of one request asked for, as far as it has got; it stays
    /// shown after a rewind to before it began, until another run starts.
    pub traced: RwSignal<Option<Trace>>,
    /// Compare mode: the other run, which follows this one.
    compared: RwSignal<Option<Compared>, LocalStorage>,
    /// On a compared run: the run it follows.
    leader: StoredValue<Option<Live>, LocalStorage>,
    /// The reactive owner of this run's signals, under which a compared
    /// run's own owner is made (weak: a run must not keep itself alive).
    owner: StoredValue<Option<WeakOwner>, LocalStorage>,
    /// The compared run that compare mode last ended, kept until the next
    /// one ends so that no view still reading it finds it disposed.
    retired: StoredValue<Option<Compared>, LocalStorage>,
}

/// The second run of compare mode (B): forked from the leader (A) with the
/// same seed at the same moment, it advances, rewinds and restarts with it
/// and takes every change made to it, except to the settings it is
/// compared on (`paths`), which are its own.
#[derive(Clone)]
struct Compared {
    live: Live,
    paths: Vec<String>,
    /// Owns B's signals and run: dropped, they are disposed.
    _owner: Owner,
}

impl Live {
    /// The page's run: the first preset at time 0, paused, until `start`
    /// is asked for another.
    pub fn new() -> Result<Live, String> {
        let scenario = load_preset(FIRST_PRESET)?;
        let sim = Simulation::new(scenario).map_err(join_errors)?;
        Ok(Live::of(FIRST_PRESET, Timeline::new(sim)))
    }

    /// A view of `run`, which started from the preset `preset`.
    fn of(preset: &str, run: Timeline) -> Live {
        let snapshot = run.sim().snapshot();
        let scenario = RwSignal::new(run.sim().scenario().clone());
        let live = Live {
            run: StoredValue::new_local(run),
            preset: RwSignal::new(preset.to_string()),
            scenario,
            readings: Memo::new(move |_| scenario.with(Scenario::readings)),
            snapshot: RwSignal::new(snapshot),
            second: RwSignal::new(0),
            frontier_s: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            pause_at: StoredValue::new(None),
            speed: RwSignal::new(1.0),
            lagging: RwSignal::new(false),
            ticker: RwSignal::new(VecDeque::new()),
            log_cursor: StoredValue::new(0),
            error: RwSignal::new(None),
            traced: RwSignal::new(None),
            compared: RwSignal::new_local(None),
            leader: StoredValue::new_local(None),
            owner: StoredValue::new_local(Owner::current().map(|o| o.downgrade())),
            retired: StoredValue::new_local(None),
        };
        // The launches so far in the ticker.
        live.publish(live.snapshot.get_untracked(), true);
        live
    }

    /// Compare mode: forks this run into a second one (B) at this moment,
    /// with the same seed and past, and `changes` made to it now (what it
    /// is compared on); from then on it follows this one. Returns what
    /// could not be used.
    pub fn compare(&self, changes: &[(String, String)]) -> Vec<String> {
        self.end_compare();
        let run = self.run.with_value(Clone::clone);
        let owner = match self.owner.get_value().and_then(|o| o.upgrade()) {
            Some(parent) => parent.child(),
            None => Owner::new(),
        };
        let b = owner.with(|| Live::of(&self.preset.get_untracked(), run));
        b.leader.set_value(Some(*self));
        let mut problems = Vec::new();
        let mut paths = Vec::new();
        for (path, value) in changes {
            match b.try_apply(Change::Set {
                path: path.clone(),
                value: value.clone(),
            }) {
                Ok(()) => paths.push(path.clone()),
                Err(e) => problems.push(format!("compare {path}={value} was ignored: {e}")),
            }
        }
        self.compared.set(Some(Compared {
            live: b,
            paths,
            _owner: owner,
        }));
        problems
    }

    /// The run this one is compared with, in compare mode.
    pub fn compared(&self) -> Option<Live> {
        self.compared.with(|c| c.as_ref().map(|c| c.live))
    }

    /// Leaves compare mode.
    pub fn end_compare(&self) {
        if self.compared.with_untracked(Option::is_some) {
            let ended = self.compared.try_update(Option::take).flatten();
            self.retired.set_value(ended);
        }
    }

    /// In compare mode, how the compared run differs from this one, as
    /// `set` pairs.
    pub fn compare_changes(&self) -> Vec<(String, String)> {
        let Some(b) = self.compared() else {
            return Vec::new();
        };
        let mine = self.scenario.get();
        b.scenario.with(|theirs| theirs.changes_from(&mine))
    }

    /// Runs `f` on the compared run, if there is one.
    fn follower(&self, f: impl FnOnce(Live)) {
        if let Some(b) = self.compared.with_untracked(|c| c.as_ref().map(|c| c.live)) {
            f(b);
        }
    }

    /// Starts a run from time 0, playing or paused as before: the preset
    /// `name` (the first one if it names none or an unknown one) with
    /// `changes` on top and, if given, another seed. The one way a run
    /// starts — a link, the scenario menu, a tour step, a new seed, reset.
    /// What could not be used is shown in the banner and returned.
    pub fn start(
        &self,
        name: Option<&str>,
        changes: &[(String, String)],
        seed: Option<u64>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let name = match name {
            Some(name) if sahara_sim::presets::get(name).is_some() => name,
            Some(name) => {
                problems.push(load_preset(name).err().unwrap_or_default());
                FIRST_PRESET
            }
            None => FIRST_PRESET,
        };
        match load_preset(name).and_then(|mut scenario| {
            for (path, value) in changes {
                if let Err(e) = scenario.set(path, value) {
                    problems.push(format!("{path}={value} was ignored: {e}"));
                }
            }
            if let Some(seed) = seed {
                scenario.seed = seed;
            }
            let sim = Simulation::new(scenario.clone()).map_err(join_errors)?;
            Ok((scenario, sim))
        }) {
            Ok((scenario, sim)) => {
                self.end_compare();
                self.pause_at.set_value(None);
                let snapshot = sim.snapshot();
                self.run.set_value(Timeline::new(sim));
                self.preset.set(name.to_string());
                self.log_cursor.set_value(0);
                self.ticker.update(|t| t.clear());
                self.scenario.set(scenario);
                self.traced.set(None);
                self.publish(snapshot, true);
            }
            Err(e) => problems.push(e),
        }
        self.report(
            (!problems.is_empty())
                .then(|| format!("Some settings could not be used: {}", problems.join("; "))),
        );
        problems
    }

    /// Back to time 0 with the settings as they are now.
    pub fn reset(&self) {
        let preset = self.preset.get_untracked();
        let changes = self.changes_untracked();
        let compared = self
            .compared
            .with_untracked(Option::is_some)
            .then(|| self.compare_changes_untracked());
        self.start(Some(&preset), &changes, None);
        if let Some(compared) = compared {
            self.compare(&compared);
        }
    }

    /// The same run from time 0 with another seed.
    pub fn reseed(&self, seed: u64) {
        let preset = self.preset.get_untracked();
        let changes = self.changes_untracked();
        self.start(Some(&preset), &changes, Some(seed));
    }

    pub fn playing(&self) -> Signal<bool> {
        self.playing.into()
    }

    /// Plays (`true`) or pauses.
    pub fn play(&self, on: bool) {
        self.playing.set(on);
    }

    /// Plays until simulated time `t_s` and pauses there exactly (a tour
    /// step's run); a new run forgets it.
    pub fn play_until(&self, t_s: f64) {
        self.pause_at.set_value(Some(t_s));
        self.play(true);
    }

    pub fn toggle_play(&self) {
        self.playing.update(|p| *p = !*p);
    }

    pub fn speed(&self) -> Signal<f64> {
        self.speed.into()
    }

    /// Simulated seconds per wall second, as the speed control allows.
    pub fn set_speed(&self, speed: f64) {
        self.speed.set(speed);
    }

    pub fn error(&self) -> Signal<Option<String>> {
        self.error.into()
    }

    /// Shows a problem in the banner (`None` clears it).
    pub fn report(&self, problem: Option<String>) {
        self.error.set(problem);
    }

    /// Advances the simulation by `wall_s` of real time at the current
    /// speed, within the frame's event budget, and publishes what changed.
    pub fn frame(&self, wall_s: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let dt = wall_s.clamp(0.0, MAX_FRAME_S) * self.speed.get_untracked();
        let now = self.run.with_value(|run| run.sim().now().as_secs_f64());
        let pause_at = self.pause_at.get_value().filter(|&t| now + dt >= t);
        let target = pause_at.unwrap_or(now + dt);
        if let Some(reached) = self.advance_to(SimTime::from_secs_f64(target), EVENTS_PER_FRAME) {
            self.lagging.set(!reached);
            if reached && pause_at.is_some() {
                self.pause_at.set_value(None);
                self.play(false);
            }
        }
    }

    /// Runs exactly one simulated `step_s` (the "step" button).
    pub fn step(&self, step_s: f64) {
        self.advance(step_s, u64::MAX);
    }

    /// Runs the simulation `dt_s` further within `max_events`, and publishes
    /// the snapshot, the scenario too if a recorded change was made again
    /// on the way (playing on after a rewind). Returns whether it got there.
    fn advance(&self, dt_s: f64, max_events: u64) -> Option<bool> {
        let now = self.run.with_value(|run| run.sim().now());
        self.advance_to(SimTime::from_secs_f64(now.as_secs_f64() + dt_s), max_events)
    }

    /// As `advance`, to a moment; the compared run goes there too.
    fn advance_to(&self, target: SimTime, max_events: u64) -> Option<bool> {
        self.follower(|b| {
            b.advance_to(target, max_events);
        });
        let (reached, snapshot, closed, scenario) = self.run.try_update_value(|run| {
            let last_second = |run: &Timeline| run.sim().metrics().latest().map(|s| s.t_s);
            let (second, changes) = (last_second(run), run.changes_made());
            let reached = run.advance(target, max_events);
            let scenario = (run.changes_made() != changes).then(|| run.sim().scenario().clone());
            (
                reached,
                run.sim().snapshot(),
                last_second(run) != second,
                scenario,
            )
        })?;
        if let Some(scenario) = scenario {
            self.scenario.set(scenario);
        }
        self.publish(snapshot, closed);
        Some(reached)
    }

    /// Pauses and moves one simulated second forward (`1`) or back (`-1`).
    pub fn shift(&self, by: i32) {
        self.play(false);
        let now = self.snapshot.with_untracked(|s| s.time.as_secs_f64());
        if by > 0 {
            self.step(f64::from(by));
        } else {
            self.seek(now + f64::from(by));
        }
    }

    /// Shows the run at `t_s` simulated seconds, from 0 to the furthest
    /// reached: back in time by replaying from the nearest checkpoint,
    /// forward by running on; playing goes on from there to the same
    /// future (the changes made later are made again at their times).
    pub fn seek(&self, t_s: f64) {
        self.follower(|b| b.seek(t_s));
        let snapshot = self.run.try_update_value(|run| {
            run.seek(SimTime::from_secs_f64(t_s.max(0.0)));
            (run.sim().scenario().clone(), run.sim().snapshot())
        });
        if let Some((scenario, snapshot)) = snapshot {
            // The ticker starts again from the log of the moment shown.
            self.log_cursor.set_value(0);
            self.ticker.update(|t| t.clear());
            if self.scenario.with_untracked(|s| *s != scenario) {
                self.scenario.set(scenario);
            }
            self.publish(snapshot, true);
        }
    }

    /// Traces the request `target` names from now on (`None`: stops and
    /// clears the trace shown).
    pub fn trace(&self, target: Option<TraceTarget>) {
        self.run.update_value(|run| run.trace(target));
        if target.is_none() {
            self.traced.set(None);
        }
        self.publish_trace();
    }

    /// Shows the trace under way, if the run has one and it moved on.
    fn publish_trace(&self) {
        if let Some(trace) = self.run.with_value(|run| run.sim().traced()) {
            if self
                .traced
                .with_untracked(|shown| shown.as_ref() != Some(&trace))
            {
                self.traced.set(Some(trace));
            }
        }
    }

    fn publish(&self, snapshot: Snapshot, closed_second: bool) {
        self.snapshot.set(snapshot);
        self.publish_trace();
        if closed_second {
            self.second.update(|s| *s += 1);
        }
        let cursor = self.log_cursor.get_value();
        let (lines, next, frontier) = self.run.with_value(|run| {
            let (lines, next) = run.sim().events_since(cursor);
            (lines, next, run.frontier().as_secs_f64())
        });
        if self.frontier_s.get_untracked() != frontier {
            self.frontier_s.set(frontier);
        }
        if !lines.is_empty() {
            self.ticker.update(|t| {
                for line in lines {
                    t.push_front(line);
                }
                let mut seen: Vec<(&'static str, usize)> = Vec::new();
                t.retain(|e| match seen.iter_mut().find(|(k, _)| *k == e.kind) {
                    Some((_, n)) => {
                        *n += 1;
                        *n <= TICKER_LINES_PER_KIND
                    }
                    None => {
                        seen.push((e.kind, 1));
                        true
                    }
                });
                t.truncate(TICKER_LINES);
            });
        }
        self.log_cursor.set_value(next);
    }

    /// Applies a change live; a refusal is shown, never panics. In compare
    /// mode the compared run takes it too, unless it is to a setting the
    /// runs are compared on; made to the compared run, it adds its setting
    /// to those.
    pub fn apply(&self, change: Change) {
        match self.try_apply(change.clone()) {
            Ok(()) => {
                self.report(None);
                let path = match &change {
                    Change::Set { path, .. } => Some(path.clone()),
                    _ => None,
                };
                if let (Some(leader), Some(path)) = (self.leader.get_value(), &path) {
                    leader.compared.update_untracked(|c| {
                        if let Some(c) = c.as_mut().filter(|c| !c.paths.contains(path)) {
                            c.paths.push(path.clone());
                        }
                    });
                }
                let ours = self.compared.with_untracked(|c| {
                    c.as_ref()
                        .map(|c| path.as_ref().is_some_and(|p| c.paths.contains(p)))
                });
                if ours == Some(false) {
                    self.follower(|b| {
                        let _ = b.try_apply(change);
                    });
                }
            }
            Err(e) => self.report(Some(e)),
        }
    }

    /// Applies a change and publishes the result, or says why not.
    fn try_apply(&self, change: Change) -> Result<(), String> {
        let result = self
            .run
            .try_update_value(|run| {
                run.apply(change)
                    .map(|_| (run.sim().scenario().clone(), run.sim().snapshot()))
            })
            .ok_or("the run is gone")?;
        let (scenario, snapshot) = result.map_err(|e| e.to_string())?;
        self.scenario.set(scenario);
        self.publish(snapshot, false);
        Ok(())
    }

    /// Sets one scenario parameter by its dotted path.
    pub fn set(&self, path: &str, value: impl ToString) {
        self.apply(Change::Set {
            path: path.to_string(),
            value: value.to_string(),
        });
    }

    pub fn preset(&self) -> Signal<String> {
        self.preset.into()
    }

    /// How the running scenario differs from its preset, as `set` pairs.
    pub fn changes(&self) -> Vec<(String, String)> {
        self.preset.track();
        self.scenario.track();
        self.changes_untracked()
    }

    fn compare_changes_untracked(&self) -> Vec<(String, String)> {
        untrack(|| self.compare_changes())
    }

    fn changes_untracked(&self) -> Vec<(String, String)> {
        let base = sahara_sim::presets::get(&self.preset.get_untracked());
        self.scenario
            .with_untracked(|s| base.map(|b| s.changes_from(&b)).unwrap_or_default())
    }

    /// `Simulation::digest` of the state now: equal to the CLI's `digest`
    /// for the same scenario, seed and time, which shows a run reproduces.
    /// Computed when asked for, not every frame.
    pub fn fingerprint(&self) -> u64 {
        self.run.with_value(|run| run.sim().digest())
    }

    /// Reads the simulation (for charts) without copying it.
    pub fn with_sim<R>(&self, f: impl FnOnce(&Simulation) -> R) -> R {
        self.run.with_value(|run| f(run.sim()))
    }
}

fn load_preset(name: &str) -> Result<Scenario, String> {
    sahara_sim::presets::get(name).ok_or_else(|| {
        format!(
            "there is no scenario called “{name}”; choose one of: {}",
            sahara_sim::presets::names().join(", ")
        )
    })
}

fn join_errors(errors: Vec<sahara_sim::ValidationError>) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
