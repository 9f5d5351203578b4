//! Built-in scenarios: data files in `sim/scenarios/`, embedded at build
//! time, so a lecturer can add one without touching Rust (add the file and
//! one line below). `build.rs` also compiles each to JSON, which is what
//! `get` reads: the browser build then needs no TOML parser.

use crate::scenario::Scenario;

include!(concat!(env!("OUT_DIR"), "/presets_json.rs"));

const PRESETS: &[(&str, &str)] = &[
    ("baseline", include_str!("../scenarios/baseline.toml")),
    ("mm1", include_str!("../scenarios/mm1.toml")),
    ("mm4", include_str!("../scenarios/mm4.toml")),
    (
        "lost-request",
        include_str!("../scenarios/lost-request.toml"),
    ),
    (
        "lost-response",
        include_str!("../scenarios/lost-response.toml"),
    ),
    ("latency-ec2", include_str!("../scenarios/latency-ec2.toml")),
    (
        "latency-home-uq",
        include_str!("../scenarios/latency-home-uq.toml"),
    ),
    (
        "latency-home-us-east-1",
        include_str!("../scenarios/latency-home-us-east-1.toml"),
    ),
    (
        "stamp-coupling",
        include_str!("../scenarios/stamp-coupling.toml"),
    ),
    (
        "no-load-balancer",
        include_str!("../scenarios/no-load-balancer.toml"),
    ),
    ("flash-sale", include_str!("../scenarios/flash-sale.toml")),
    (
        "database-bottleneck",
        include_str!("../scenarios/database-bottleneck.toml"),
    ),
    ("spread-risk", include_str!("../scenarios/spread-risk.toml")),
    ("bench", include_str!("../scenarios/bench.toml")),
];

/// Names of the built-in scenarios, in display order.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.0).collect()
}

/// The TOML text of a preset.
pub fn toml(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|p| p.0 == name).map(|p| p.1)
}

/// A preset, parsed. `None` for an unknown name (every built-in preset
/// parses and validates; a test makes sure).
pub fn get(name: &str) -> Option<Scenario> {
    toml(name)?;
    json(name).and_then(|j| Scenario::from_json(j).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_validates_and_round_trips() {
        for name in names() {
            let text = toml(name).unwrap();
            let s = Scenario::from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                s.name, name,
                "the file's name field matches its preset name"
            );
            let again = Scenario::from_toml(&s.to_toml()).unwrap();
            assert_eq!(again, s, "{name} round-trips through to_toml");
            assert_eq!(
                get(name),
                Some(s),
                "{name}: the JSON build.rs made reads the same"
            );
        }
        assert!(get("nope").is_none());
    }
}
