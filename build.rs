//! Reads the lecture tour, `tour.toml`, checks it (`problems`) and writes
//! it out as Rust statics (`Bake`) for `tour::steps`. A lecturer edits the
//! TOML; a mistake stops the build with the file's line and what was wrong.

#[path = "src/tour/file.rs"]
mod file;

use file::{Figure, GuessRange, List, Question, Run, Step, Term, Text, Try};
use serde::Deserialize;
use std::{env, fs, path::Path};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TourFile {
    step: Vec<Step>,
}

fn main() {
    println!("cargo:rerun-if-changed=tour.toml");
    let text = fs::read_to_string("tour.toml").expect("tour.toml is readable");
    let tour: TourFile = toml::from_str(&text).unwrap_or_else(|e| panic!("tour.toml: {e}"));
    let problems = problems(&tour);
    if !problems.is_empty() {
        panic!("tour.toml:\n  {}", problems.join("\n  "));
    }
    let steps: List<Step> = tour.step.into();
    let code = format!("pub static STEPS: &[Step] = &{};\n", slice(&steps));
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("tour.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}

/// A value written as the Rust expression that builds it in a static.
trait Bake {
    fn bake(&self) -> String;
}

fn slice<T: Bake + Clone>(items: &List<T>) -> String {
    let items: Vec<String> = items.iter().map(Bake::bake).collect();
    format!("[{}]", items.join(", "))
}

impl Bake for Text {
    fn bake(&self) -> String {
        format!("Cow::Borrowed({:?})", self.as_ref())
    }
}

impl Bake for f64 {
    fn bake(&self) -> String {
        format!("{self:?}")
    }
}

impl Bake for u64 {
    fn bake(&self) -> String {
        format!("{self}")
    }
}

impl Bake for u8 {
    fn bake(&self) -> String {
        format!("{self}")
    }
}

impl<T: Bake> Bake for Option<T> {
    fn bake(&self) -> String {
        self.as_ref()
            .map_or("None".into(), |t| format!("Some({})", t.bake()))
    }
}

impl<T: Bake + Clone> Bake for List<T> {
    fn bake(&self) -> String {
        format!("Cow::Borrowed(&{})", slice(self))
    }
}

impl<A: Bake, B: Bake> Bake for (A, B) {
    fn bake(&self) -> String {
        format!("({}, {})", self.0.bake(), self.1.bake())
    }
}

impl<T: Bake> Bake for [T; 3] {
    fn bake(&self) -> String {
        let items: Vec<String> = self.iter().map(Bake::bake).collect();
        format!("[{}]", items.join(", "))
    }
}

impl Bake for Run {
    fn bake(&self) -> String {
        format!("Run::{self:?}")
    }
}

impl Bake for Step {
    fn bake(&self) -> String {
        format!(
            "Step {{ title: {}, body: {}, preset: {}, settings: {}, question: {}, run_s: {}, \
             speed: {}, compare: {}, trace: {}, figure: {}, reveal: {}, try_this: {}, highlight: {}, \
             terms: {}, charts: {} }}",
            self.title.bake(),
            self.body.bake(),
            self.preset.bake(),
            self.settings.bake(),
            self.question.bake(),
            self.run_s.bake(),
            self.speed.bake(),
            self.compare.bake(),
            self.trace.bake(),
            self.figure.bake(),
            self.reveal.bake(),
            self.try_this.bake(),
            self.highlight.bake(),
            self.terms.bake(),
            self.charts.bake(),
        )
    }
}

impl Bake for Question {
    fn bake(&self) -> String {
        format!(
            "Question {{ ask: {}, guess: {}, choices: {} }}",
            self.ask.bake(),
            self.guess.bake(),
            self.choices.bake()
        )
    }
}

impl Bake for GuessRange {
    fn bake(&self) -> String {
        format!(
            "GuessRange {{ min: {}, max: {}, step: {} }}",
            self.min.bake(),
            self.max.bake(),
            self.step.bake()
        )
    }
}

impl Bake for Figure {
    fn bake(&self) -> String {
        format!(
            "Figure {{ label: {}, of: {}, run: {}, mean: {}, ci95: {}, decimals: {}, seeds: {}, \
             theory: {}, rule: {} }}",
            self.label.bake(),
            self.of.bake(),
            self.run.bake(),
            self.mean.bake(),
            self.ci95.bake(),
            self.decimals.bake(),
            self.seeds.bake(),
            self.theory.bake(),
            self.rule.bake()
        )
    }
}

impl Bake for Try {
    fn bake(&self) -> String {
        format!(
            "Try {{ text: {}, setting: {} }}",
            self.text.bake(),
            self.setting.bake()
        )
    }
}

impl Bake for Term {
    fn bake(&self) -> String {
        format!(
            "Term {{ name: {}, meaning: {}, highlight: {} }}",
            self.name.bake(),
            self.meaning.bake(),
            self.highlight.bake()
        )
    }
}

/// The rules a step keeps that the types alone do not: what a build
/// checks before embedding the file. Each problem names its step.
fn problems(tour: &TourFile) -> Vec<String> {
    let mut problems = Vec::new();
    if tour.step.is_empty() {
        problems.push("the tour has no [[step]]".to_string());
    }
    for (i, s) in tour.step.iter().enumerate() {
        let mut say = |what: String| problems.push(format!("step {} ({}): {what}", i + 1, s.title));
        let q = &s.question;
        match (&q.guess, &q.choices) {
            (Some(_), Some(_)) | (None, None) => {
                say("its question needs either guess = { min, max, step } or choices = [higher, lower, same]".into())
            }
            (Some(g), None) if !(g.min < g.max && g.step > 0.0 && g.step <= g.max - g.min) => {
                say(format!("guess: min {} must be below max {} and step {} within them", g.min, g.max, g.step))
            }
            (None, Some(_)) if s.figure.len() < 2 => {
                say("a choice compares the first two figures: give two".into())
            }
            _ => {}
        }
        if s.figure.is_empty() {
            say("no [[step.figure]]: what does the run show?".into());
        }
        if s.figure.iter().any(|f| f.run == Run::B) && s.compare.is_empty() {
            say("a figure of run b, but no compare = { … } settings for b".into());
        }
        for f in s.figure.iter() {
            if f.seeds < 2 || f.decimals > 6 || f.ci95.is_nan() || f.ci95 < 0.0 {
                say(format!(
                    "figure {}: seeds must be at least 2, decimals at most 6, ci95 not negative",
                    f.label
                ));
            }
        }
        if !(s.run_s > 0.0 && s.speed > 0.0 && s.speed <= 100.0) {
            say(format!(
                "run_s {} must be above 0 and speed {} within (0, 100]",
                s.run_s, s.speed
            ));
        }
        if s.charts.len() != 2 {
            say(format!("charts: name two, not {}", s.charts.len()));
        }
    }
    problems
}
