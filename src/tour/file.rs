//! The tour file, `tour.toml`, as data: the lecture's steps, each a preset
//! and settings, a question asked before the run, the run, the figures
//! revealed after it (each pinned over many seeds, `tour::pins`) and what
//! to try next. `build.rs` reads the TOML into these types (so a
//! lecturer's mistake fails the build with the TOML's line and the rule it
//! broke) and writes them out as Rust statics, which the page includes:
//! no TOML parser and no deserialising in the wasm (reading the tour as
//! JSON cost 12 KB of gzipped wasm). Texts and lists are `Cow`s: owned
//! when read from the file, borrowed from the statics.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub type Text = Cow<'static, str>;
pub type List<T> = Cow<'static, [T]>;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: Text,
    /// The setup, in the lecture's terms, before anything runs.
    pub body: Text,
    /// The preset the step starts from, with settings on top (short
    /// names as in links, or scenario paths).
    pub preset: Text,
    #[serde(default, deserialize_with = "pairs")]
    pub settings: List<(Text, Text)>,
    /// Asked before the run.
    pub question: Question,
    /// How long the run lasts (simulated seconds) and how fast it plays.
    pub run_s: f64,
    pub speed: f64,
    /// Settings of a second run, B, beside the first (compare mode) when
    /// the lesson is a comparison; its figures have `run = "b"`.
    #[serde(default, deserialize_with = "pairs")]
    pub compare: List<(Text, Text)>,
    /// A kind of request to trace during the run (`add_to_cart`, …; "any"
    /// for any kind): the first that goes wrong is shown under the diagram.
    #[serde(default)]
    pub trace: Option<Text>,
    /// Measured at the end of the run, and over seeds 1..=`seeds`.
    pub figure: List<Figure>,
    /// After the run: what the figures mean, and where the model simplifies.
    pub reveal: Text,
    #[serde(default, rename = "try")]
    pub try_this: List<Try>,
    /// Diagram parts to highlight: clients, internet, balancer, header,
    /// group, instances, database.
    pub highlight: List<Text>,
    #[serde(default)]
    pub terms: List<Term>,
    /// The two charts beside the diagram (names as in `charts=` links).
    pub charts: List<Text>,
}

/// One question: a number to guess with a slider (`guess`), or whether
/// the second figure (run B) is higher, lower or about the same as the
/// first (`choices`, in that order), which the figures' intervals answer.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: Text,
    #[serde(default)]
    pub guess: Option<GuessRange>,
    #[serde(default)]
    pub choices: Option<[Text; 3]>,
}

/// The slider a guess is made with, in the first figure's unit.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuessRange {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

/// A figure of a run: `of` names a number of the run's summary or a ratio
/// of two (`Simulation::figure`), read in run A (or B); `mean` ± `ci95` is its
/// 95 % interval over seeds 1..=`seeds`, written with `decimals` decimals,
/// which a test recomputes; `theory` is what a formula says, if any.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub label: Text,
    pub of: Text,
    #[serde(default)]
    pub run: Run,
    pub mean: f64,
    pub ci95: f64,
    pub decimals: u8,
    pub seeds: u64,
    #[serde(default)]
    pub theory: Option<f64>,
    /// The rule the theory comes from, e.g. "1 − pⁿ, p = 0.2".
    #[serde(default)]
    pub rule: Text,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Run {
    #[default]
    A,
    B,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Try {
    pub text: Text,
    /// The control put beside it (a setting's short name).
    #[serde(default)]
    pub setting: Option<Text>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub name: Text,
    pub meaning: Text,
    pub highlight: List<Text>,
}

/// A TOML table of settings (`{ attempts = "1" }`), as (name, value) pairs.
fn pairs<'de, D: Deserializer<'de>>(d: D) -> Result<List<(Text, Text)>, D::Error> {
    let table = BTreeMap::<String, String>::deserialize(d)?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (Text::from(k), Text::from(v)))
        .collect::<Vec<_>>()
        .into())
}
