//! Built-in scenarios: the data files in `sim/scenarios/`, embedded at
//! build time by `build.rs`, so a lecturer adds one by adding a file. Each
//! is embedded twice: as its TOML text (for the CLI's `show`) and as JSON,
//! which is what `get` reads, so the browser build needs no TOML parser.

use crate::scenario::Scenario;

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// Names of the built-in scenarios, in file-name order.
pub fn names() -> Vec<&'static str> {
    NAMES.to_vec()
}

/// The TOML text of a preset.
pub fn toml(name: &str) -> Option<&'static str> {
    toml_text(name)
}

/// A preset, parsed. `None` for an unknown name (every built-in preset
/// parses and validates; a test makes sure).
pub fn get(name: &str) -> Option<Scenario> {
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
