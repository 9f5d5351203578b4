//! How the scenario's tagged tables (`Shape` by `kind`, `ServiceTime` by
//! `distribution`) are read: each as one flat table whose tag says which of
//! its fields apply. serde's internally tagged enums buffer every value
//! before they look at the tag, which cost the browser build kilobytes of
//! code; reading straight into the fields and checking them costs little,
//! with errors as clear. They are written as serde's tagged tables still.

use super::{ServiceTime, Shape};
use serde::Deserialize;

/// The fields a table of `kind` has, and which of them were given.
struct Table<'a> {
    kind: &'a str,
    fields: &'a [&'a str],
}

impl Table<'_> {
    /// Every given field must belong to the kind.
    fn only(&self, given: &[(&str, bool)]) -> Result<(), String> {
        match given
            .iter()
            .find(|(name, set)| *set && !self.fields.contains(name))
        {
            Some((name, _)) => Err(format!(
                "a {} has no field `{name}`; it has {}",
                self.kind,
                self.list()
            )),
            None => Ok(()),
        }
    }

    /// A field the kind needs.
    fn need(&self, value: Option<f64>, name: &str) -> Result<f64, String> {
        value.ok_or_else(|| format!("a {} needs `{name}`: {}", self.kind, self.list()))
    }

    fn list(&self) -> String {
        if self.fields.is_empty() {
            "no other fields".into()
        } else {
            self.fields.join(", ")
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ShapeFields {
    kind: ShapeKind,
    at_s: Option<f64>,
    factor: Option<f64>,
    start_s: Option<f64>,
    end_s: Option<f64>,
    duration_s: Option<f64>,
    period_s: Option<f64>,
    amplitude: Option<f64>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ShapeKind {
    Constant,
    Step,
    Ramp,
    Spike,
    Periodic,
}

impl TryFrom<ShapeFields> for Shape {
    type Error = String;

    fn try_from(f: ShapeFields) -> Result<Shape, String> {
        let t = match f.kind {
            ShapeKind::Constant => Table {
                kind: "constant shape",
                fields: &[],
            },
            ShapeKind::Step => Table {
                kind: "step shape",
                fields: &["at_s", "factor"],
            },
            ShapeKind::Ramp => Table {
                kind: "ramp shape",
                fields: &["start_s", "end_s", "factor"],
            },
            ShapeKind::Spike => Table {
                kind: "spike shape",
                fields: &["at_s", "duration_s", "factor"],
            },
            ShapeKind::Periodic => Table {
                kind: "periodic shape",
                fields: &["period_s", "amplitude"],
            },
        };
        t.only(&[
            ("at_s", f.at_s.is_some()),
            ("factor", f.factor.is_some()),
            ("start_s", f.start_s.is_some()),
            ("end_s", f.end_s.is_some()),
            ("duration_s", f.duration_s.is_some()),
            ("period_s", f.period_s.is_some()),
            ("amplitude", f.amplitude.is_some()),
        ])?;
        Ok(match f.kind {
            ShapeKind::Constant => Shape::Constant,
            ShapeKind::Step => Shape::Step {
                at_s: t.need(f.at_s, "at_s")?,
                factor: t.need(f.factor, "factor")?,
            },
            ShapeKind::Ramp => Shape::Ramp {
                start_s: t.need(f.start_s, "start_s")?,
                end_s: t.need(f.end_s, "end_s")?,
                factor: t.need(f.factor, "factor")?,
            },
            ShapeKind::Spike => Shape::Spike {
                at_s: t.need(f.at_s, "at_s")?,
                duration_s: t.need(f.duration_s, "duration_s")?,
                factor: t.need(f.factor, "factor")?,
            },
            ShapeKind::Periodic => Shape::Periodic {
                period_s: t.need(f.period_s, "period_s")?,
                amplitude: t.need(f.amplitude, "amplitude")?,
            },
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServiceTimeFields {
    distribution: Distribution,
    mean_ms: f64,
    sigma: Option<f64>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Distribution {
    Exponential,
    #[serde(rename = "lognormal")]
    LogNormal,
    Constant,
}

impl TryFrom<ServiceTimeFields> for ServiceTime {
    type Error = String;

    fn try_from(f: ServiceTimeFields) -> Result<ServiceTime, String> {
        let mean_ms = f.mean_ms;
        let t = match f.distribution {
            Distribution::Exponential => Table {
                kind: "exponential service time",
                fields: &["mean_ms"],
            },
            Distribution::LogNormal => Table {
                kind: "lognormal service time",
                fields: &["mean_ms", "sigma"],
            },
            Distribution::Constant => Table {
                kind: "constant service time",
                fields: &["mean_ms"],
            },
        };
        t.only(&[("sigma", f.sigma.is_some())])?;
        Ok(match f.distribution {
            Distribution::Exponential => ServiceTime::Exponential { mean_ms },
            Distribution::LogNormal => ServiceTime::LogNormal {
                mean_ms,
                sigma: t.need(f.sigma, "sigma")?,
            },
            Distribution::Constant => ServiceTime::Constant { mean_ms },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    fn read<T: DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str::<T>(json).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_kind_as_it_was_written() {
        for shape in [
            Shape::Constant,
            Shape::Step {
                at_s: 1.0,
                factor: 2.0,
            },
            Shape::Ramp {
                start_s: 1.0,
                end_s: 5.0,
                factor: 3.0,
            },
            Shape::Spike {
                at_s: 1.0,
                duration_s: 2.0,
                factor: 4.0,
            },
            Shape::Periodic {
                period_s: 60.0,
                amplitude: 0.5,
            },
        ] {
            let json = serde_json::to_string(&shape).unwrap();
            assert_eq!(read::<Shape>(&json), Ok(shape), "{json}");
        }
        for time in [
            ServiceTime::Exponential { mean_ms: 2.0 },
            ServiceTime::LogNormal {
                mean_ms: 2.0,
                sigma: 0.5,
            },
            ServiceTime::Constant { mean_ms: 2.0 },
        ] {
            let json = serde_json::to_string(&time).unwrap();
            assert_eq!(read::<ServiceTime>(&json), Ok(time), "{json}");
        }
    }

    #[test]
    fn says_what_is_missing_or_out_of_place() {
        let err = |r: Result<Shape, String>| r.unwrap_err();
        let missing = err(read(r#"{"kind":"step","at_s":3}"#));
        assert!(
            missing.contains("a step shape needs `factor`: at_s, factor"),
            "{missing}"
        );
        let extra = err(read(r#"{"kind":"constant","factor":2}"#));
        assert!(
            extra.contains("a constant shape has no field `factor`; it has no other fields"),
            "{extra}"
        );
        let unknown = err(read(r#"{"kind":"wobble"}"#));
        assert!(unknown.contains("unknown variant `wobble`"), "{unknown}");
        let typo = err(read(r#"{"kind":"step","at":3,"factor":2}"#));
        assert!(typo.contains("unknown field `at`"), "{typo}");
        let sigma = read::<ServiceTime>(r#"{"distribution":"lognormal","mean_ms":2}"#).unwrap_err();
        assert!(
            sigma.contains("a lognormal service time needs `sigma`"),
            "{sigma}"
        );
        let stray = read::<ServiceTime>(r#"{"distribution":"constant","mean_ms":2,"sigma":1}"#)
            .unwrap_err();
        assert!(
            stray.contains("a constant service time has no field `sigma`"),
            "{stray}"
        );
    }
}
