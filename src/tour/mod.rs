//! The guided tour: the lecture's steps in its order, read from
//! `tour.toml` (`file`), and `Tour`, which step is shown and where the
//! student is in it: asked a question before anything runs, the run, then
//! the reveal — the figures measured in this run beside the same figures
//! over many seeds (pinned by `pins`), the theory and the student's guess.
//! The tour panel (`view::tour`) shows it and the URL's `step=` selects it.

pub mod file;
#[cfg(test)]
mod pins;

use crate::effect::effect;
use crate::focus::ChartName;
use crate::live::Live;
pub use file::{Figure, Run, Step};
use leptos::prelude::*;
use sahara_sim::scenario::RequestKind;
use sahara_sim::TraceTarget;

/// The tour's steps, as `build.rs` checked and wrote them.
pub fn steps() -> &'static [Step] {
    STEPS
}

mod baked {
    use super::file::*;
    use std::borrow::Cow;
    include!(concat!(env!("OUT_DIR"), "/tour.rs"));
}
use baked::STEPS;

/// Where the student is in a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    /// The question is shown; nothing has run.
    Ask,
    /// The step's run plays (and, for a comparison, its run B beside it).
    Running,
    /// The figures are shown, with the guess.
    Revealed,
}

/// A student's answer: a number on the question's slider, or a choice
/// (0 higher, 1 lower, 2 about the same).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Guess {
    Number(f64),
    Choice(usize),
}

/// Which tour step is shown (0-based; `None` when the tour is closed), and
/// the student's way through it.
#[derive(Clone, Copy)]
pub struct Tour {
    pub step: RwSignal<Option<usize>>,
    /// The term of the step the student picked, if any.
    pub term: RwSignal<Option<usize>>,
    phase: RwSignal<Phase>,
    /// The answer given before the run (`None`: skipped).
    guess: RwSignal<Option<Guess>>,
    /// The figures of this run at its end, in the step's order (`None`
    /// where it has no value, e.g. latency with nothing served).
    measured: RwSignal<Vec<Option<f64>>>,
}

impl Tour {
    pub fn new(step: Option<usize>) -> Tour {
        Tour {
            step: RwSignal::new(step.filter(|s| *s < steps().len())),
            term: RwSignal::new(None),
            phase: RwSignal::new(Phase::Ask),
            guess: RwSignal::new(None),
            measured: RwSignal::new(Vec::new()),
        }
    }

    /// The step shown, if any.
    pub fn current(self) -> Option<&'static Step> {
        self.step.get().and_then(|i| steps().get(i))
    }

    pub fn phase(self) -> Signal<Phase> {
        self.phase.into()
    }

    pub fn guess(self) -> Signal<Option<Guess>> {
        self.guess.into()
    }

    pub fn measured(self) -> Signal<Vec<Option<f64>>> {
        self.measured.into()
    }

    /// Shows step `index` and loads its scenario, paused, with its question
    /// asked: the lecturer can talk first.
    pub fn go(self, live: Live, index: usize) {
        let Some(step) = steps().get(index) else {
            return;
        };
        let problems = live.start(Some(&step.preset), &paths(&step.settings), None);
        if !problems.is_empty() {
            leptos::logging::warn!("tour step {}: {}", index + 1, problems.join("; "));
        }
        live.play(false);
        self.term.set(None);
        self.phase.set(Phase::Ask);
        self.guess.set(None);
        self.measured.set(Vec::new());
        self.step.set(Some(index));
    }

    /// Takes the answer (`None`: the student skipped the question) and runs
    /// the step from its start: with its run B beside it when it compares,
    /// at the step's speed, until `finish` reveals.
    pub fn run(self, live: Live, guess: Option<Guess>) {
        let Some(index) = self.step.get_untracked() else {
            return;
        };
        let Some(step) = steps().get(index) else {
            return;
        };
        self.go(live, index);
        self.guess.set(guess);
        if !step.compare.is_empty() {
            live.compare(&paths(&step.compare));
        }
        if let Some(kind) = step.trace.as_deref() {
            let kind = RequestKind::ALL.into_iter().find(|k| k.as_str() == kind);
            live.trace(Some(TraceTarget::NextTroubled { kind }));
        }
        live.set_speed(step.speed);
        live.play_until(step.run_s);
        self.phase.set(Phase::Running);
    }

    /// Ends the run at exactly the step's length (running on to it, or back
    /// if the student stepped past it), pauses and reveals this run's
    /// figures.
    pub fn finish(self, live: Live) {
        let Some(step) = self.current_untracked() else {
            return;
        };
        live.play(false);
        let now = live.snapshot.with_untracked(|s| s.time.as_secs_f64());
        if now < step.run_s {
            live.step(step.run_s - now);
        } else if now > step.run_s {
            live.seek(step.run_s);
        }
        let measured = step
            .figure
            .iter()
            .map(|f| {
                let run = match f.run {
                    Run::A => Some(live),
                    Run::B => live.compared(),
                };
                run.and_then(|r| r.with_sim(|sim| sim.figure(&f.of)))
            })
            .collect();
        self.measured.set(measured);
        self.phase.set(Phase::Revealed);
    }

    /// Reveals once the running step has played its length (where it
    /// pauses by itself), unless another scenario was started on the way:
    /// installed once by the page.
    pub fn reveal_when_done(self, live: Live) {
        // Only a running step follows the clock: otherwise the effect
        // reads nothing that changes every frame.
        effect(move || {
            if self.phase.get() != Phase::Running || live.playing().get() {
                return;
            }
            let t = live.snapshot.with(|s| s.time.as_secs_f64());
            let preset = live.preset().get();
            if self
                .current_untracked()
                .is_some_and(|s| t >= s.run_s && s.preset == preset)
            {
                self.finish(live);
            }
        });
    }

    fn current_untracked(self) -> Option<&'static Step> {
        self.step.get_untracked().and_then(|i| steps().get(i))
    }

    /// The next (`+1`) or previous (`-1`) step; opens the tour at its start.
    pub fn advance(self, live: Live, by: i32) {
        let next = match self.step.get_untracked() {
            Some(i) => (i as i32 + by).clamp(0, steps().len() as i32 - 1) as usize,
            None => 0,
        };
        if Some(next) != self.step.get_untracked() {
            self.go(live, next);
        }
    }

    /// The diagram parts to highlight, space-separated: the picked term's,
    /// else the current step's.
    pub fn highlight(self) -> String {
        let Some(step) = self.current() else {
            return String::new();
        };
        match self.term.get().and_then(|t| step.terms.get(t)) {
            Some(term) => term.highlight.join(" "),
            None => step.highlight.join(" "),
        }
    }

    /// The current step's two charts, if a step is shown.
    pub fn charts(self) -> Option<[ChartName; 2]> {
        self.current().map(charts_of)
    }
}

/// A step's two charts (`build.rs` checked there are two; a test that
/// each names a chart).
pub fn charts_of(step: &Step) -> [ChartName; 2] {
    let chart = |i: usize| {
        step.charts
            .get(i)
            .and_then(|c| ChartName::parse(c))
            .unwrap_or(ChartName::Load)
    };
    [chart(0), chart(1)]
}

/// Settings by short name or path, as scenario paths (what `Live` takes).
pub fn paths(settings: &[(file::Text, file::Text)]) -> Vec<(String, String)> {
    settings
        .iter()
        .map(|(key, value)| (crate::url_state::path_of(key), value.to_string()))
        .collect()
}

/// What the guess should have been for a choice: whether the second
/// figure's interval over seeds lies above the first's (0, higher), below
/// it (1, lower) or they overlap (2, about the same).
pub fn right_choice(first: &Figure, second: &Figure) -> usize {
    if second.mean - second.ci95 > first.mean + first.ci95 {
        0
    } else if second.mean + second.ci95 < first.mean - first.ci95 {
        1
    } else {
        2
    }
}

/// A figure with the precision it is pinned at: `0.81`, `11.2`, `861`.
pub fn format(value: f64, decimals: u8) -> String {
    format!("{value:.*}", decimals as usize)
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings;

    /// Sentences: ends of `.`, `!` or `?` followed by a space or the end
    /// (so "0.662" and "2^retry" are not ends).
    fn sentences(text: &str) -> usize {
        let chars: Vec<char> = text.chars().collect();
        (0..chars.len())
            .filter(|&i| {
                matches!(chars[i], '.' | '!' | '?')
                    && chars.get(i + 1).is_none_or(|c| c.is_whitespace())
            })
            .count()
    }

    /// The file parsed (an empty tour would mean it did not) and its steps
    /// stay short: a setup and a reveal of two to four sentences, at most
    /// two things to try.
    #[test]
    fn the_tour_file_has_its_steps_and_each_is_short() {
        assert!(steps().len() >= 10, "{} steps", steps().len());
        for s in steps() {
            for text in [&s.body, &s.reveal] {
                let n = sentences(text);
                assert!((1..=4).contains(&n), "{}: {n} sentences in {text}", s.title);
            }
            assert!(s.try_this.len() <= 2, "{}", s.title);
            assert!(!s.highlight.is_empty(), "{}", s.title);
        }
    }

    /// Every step loads as the panel loads it: the preset exists and every
    /// setting, its own and its run B's, applies to it (short names
    /// through the URL's `path_of`).
    #[test]
    fn every_step_loads() {
        for s in steps() {
            for (key, _) in s.settings.iter().chain(s.compare.iter()) {
                if let Some(setting) = settings::find(key) {
                    assert!(
                        !setting.group.per_service(),
                        "{}: {key} is per service; write its path",
                        s.title
                    );
                }
            }
            for run in [Run::A, Run::B] {
                if let Err(e) = pins::scenario(s, run) {
                    panic!("{}: {e}", s.title);
                }
            }
        }
    }

    /// Every control a step puts at hand exists, every chart it names, and
    /// the kind of request it traces.
    #[test]
    fn every_control_and_chart_a_step_names_is_real() {
        for s in steps() {
            for id in s.try_this.iter().filter_map(|t| t.setting.as_deref()) {
                assert!(settings::find(id).is_some(), "{}: no setting {id}", s.title);
            }
            for c in s.charts.iter() {
                assert!(ChartName::parse(c).is_some(), "{}: no chart {c}", s.title);
            }
            if let Some(kind) = s.trace.as_deref() {
                assert!(
                    kind == "any" || RequestKind::ALL.iter().any(|k| k.as_str() == kind),
                    "{}: no request kind {kind}",
                    s.title
                );
            }
        }
    }

    #[test]
    fn highlights_are_parts_of_the_diagram() {
        const PARTS: &[&str] = &[
            "clients",
            "internet",
            "balancer",
            "group",
            "instances",
            "database",
            "header",
        ];
        for s in steps() {
            for h in s
                .highlight
                .iter()
                .chain(s.terms.iter().flat_map(|t| t.highlight.iter()))
            {
                assert!(PARTS.contains(&h.as_ref()), "{}: {h}", s.title);
            }
        }
    }

    /// A choice is answered by the intervals: apart above, apart below, or
    /// overlapping.
    #[test]
    fn the_right_choice_is_read_from_the_intervals() {
        let figure = |mean, ci95| Figure {
            label: "".into(),
            of: "".into(),
            run: Run::A,
            mean,
            ci95,
            decimals: 0,
            seeds: 20,
            theory: None,
            rule: "".into(),
        };
        assert_eq!(right_choice(&figure(10.0, 1.0), &figure(12.5, 1.0)), 0);
        assert_eq!(right_choice(&figure(10.0, 1.0), &figure(7.5, 1.0)), 1);
        assert_eq!(right_choice(&figure(10.0, 1.0), &figure(11.5, 1.0)), 2);
    }
}
