//! `Scenario::set`: change one field by its dotted path, generically, by a
//! round trip through a JSON value tree. No per-field code: a field added to
//! the scenario is settable at once, by the UI, the CLI's `--set` and URLs.
//!
//! Path segments name table keys; inside an array of tables a segment picks
//! the element whose `name` (services) or `kind` (the traffic mix) equals it,
//! or a 0-based index (`faults.0.at_s`).

use super::*;
use serde_json::Value;

impl Scenario {
    /// Sets the field at `path` (e.g. `"services.cart.instances"`) from
    /// `value` written as JSON (`3`, `0.25`, `true`, `"x"`, `{"kind": "constant"}`);
    /// a value that is not valid JSON is taken as a bare string (`home_to_uq`).
    /// (The CLI's `--set` also takes TOML inline tables and converts them.)
    /// The scenario is left unchanged unless the result is valid.
    pub fn set(&mut self, path: &str, value: &str) -> Result<(), ScenarioError> {
        let mut tree = serde_json::to_value(&*self).map_err(|e| ScenarioError::BadValue {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        let (parent_path, key) = match path.rsplit_once('.') {
            Some((p, k)) => (Some(p), k),
            None => (None, path),
        };
        if path.is_empty() || key.is_empty() {
            return Err(ScenarioError::UnknownPath(path.to_string()));
        }
        let parent = match parent_path {
            Some(p) => walk(&mut tree, p).ok_or_else(|| ScenarioError::UnknownPath(path.into()))?,
            None => &mut tree,
        };
        let new = parse_value(value);
        let existed = match parent {
            Value::Object(t) => t.insert(key.to_string(), new).is_some(),
            Value::Array(items) => {
                let slot = element(items, key)
                    .ok_or_else(|| ScenarioError::UnknownPath(path.to_string()))?;
                *slot = new;
                true
            }
            _ => return Err(ScenarioError::UnknownPath(path.to_string())),
        };
        let updated: Scenario = serde_json::from_value(tree).map_err(|e| {
            if existed {
                ScenarioError::BadValue {
                    path: path.to_string(),
                    message: e.to_string(),
                }
            } else {
                ScenarioError::UnknownPath(path.to_string())
            }
        })?;
        updated.validate().map_err(ScenarioError::Invalid)?;
        *self = updated;
        Ok(())
    }
}

impl Scenario {
    /// Where `self` differs from `base`, as `(path, value)` pairs that `set`
    /// takes: applying them to `base` in order gives `self` back. It is how a
    /// view is written into a shareable URL: a preset plus what changed.
    /// Array elements are named the way `set` reads them (by `name`/`kind`,
    /// else by index); an array whose length or order changed, or a table
    /// that became another variant, is given whole.
    pub fn changes_from(&self, base: &Scenario) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let (Ok(base), Ok(now)) = (serde_json::to_value(base), serde_json::to_value(self)) {
            diff(&base, &now, String::new(), &mut out);
        }
        out
    }
}

fn diff(base: &Value, now: &Value, path: String, out: &mut Vec<(String, String)>) {
    let child = |seg: &str| {
        if path.is_empty() {
            seg.to_string()
        } else {
            format!("{path}.{seg}")
        }
    };
    match (base, now) {
        _ if base == now => {}
        // Field by field, unless it became another variant of a tagged enum
        // (`kind`, `distribution`) or gained or lost an optional field: then
        // the table is given whole. (The root is always a plain table.)
        (Value::Object(b), Value::Object(n))
            if path.is_empty()
                || (b.keys().eq(n.keys()) && TAGS.iter().all(|t| b.get(*t) == n.get(*t))) =>
        {
            for (k, v) in n {
                match b.get(k) {
                    Some(bv) => diff(bv, v, child(k), out),
                    None => out.push((child(k), text(v))),
                }
            }
        }
        (Value::Array(b), Value::Array(n)) if b.len() == n.len() => {
            let names: Vec<String> = n
                .iter()
                .enumerate()
                .map(|(i, v)| element_name(v, i))
                .collect();
            let same_order = b
                .iter()
                .enumerate()
                .all(|(i, v)| element_name(v, i) == names[i]);
            if !same_order {
                return out.push((path, text(now)));
            }
            for ((bv, nv), name) in b.iter().zip(n).zip(&names) {
                diff(bv, nv, child(name), out);
            }
        }
        _ => out.push((path, text(now))),
    }
}

/// Fields that tell which variant of an enum a table is.
const TAGS: [&str; 2] = ["kind", "distribution"];

/// How `set` names an array element: its `name` or `kind`, else its index.
fn element_name(v: &Value, index: usize) -> String {
    ["name", "kind"]
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_str))
        .map_or_else(|| index.to_string(), str::to_string)
}

/// A value as `set` reads it back: a bare word for a string that would not
/// read as JSON (`exponential`, not `"exponential"`), JSON otherwise.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) if serde_json::from_str::<Value>(s).is_err() && s.trim() == s => s.clone(),
        _ => v.to_string(),
    }
}

fn walk<'a>(mut node: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    for seg in path.split('.') {
        node = match node {
            Value::Object(t) => t.get_mut(seg)?,
            Value::Array(items) => element(items, seg)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The array element a path segment names: by index, or by `name`/`kind`.
fn element<'a>(items: &'a mut [Value], seg: &str) -> Option<&'a mut Value> {
    if let Ok(i) = seg.parse::<usize>() {
        return items.get_mut(i);
    }
    items.iter_mut().find(|v| {
        ["name", "kind"]
            .iter()
            .any(|k| v.get(k).and_then(Value::as_str) == Some(seg))
    })
}

fn parse_value(value: &str) -> Value {
    let value = value.trim();
    serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()))
}

#[cfg(test)]
mod tests {
    use crate::presets;
    use crate::scenario::{Balancer, Latency, LatencyPreset, ScenarioError, Shape};

    #[test]
    fn sets_nested_fields_by_name() {
        let mut s = presets::get("baseline").unwrap();
        s.set("network.client_to_lb.response_loss", "0.25").unwrap();
        s.set("services.cart.instances", "5").unwrap();
        s.set("services.cart.balancer", "power_of_two").unwrap();
        s.set("traffic.rate_rps", "120").unwrap();
        s.set("traffic.mix.checkout.weight", "2.5").unwrap();
        s.set("network.lb_to_instance.latency", "home_to_uq")
            .unwrap();
        s.set(
            "traffic.shape",
            r#"{ "kind": "step", "at_s": 10, "factor": 2 }"#,
        )
        .unwrap();
        assert_eq!(s.network.client_to_lb.response_loss, 0.25);
        let cart = &s.services[s.service_index("cart").unwrap()];
        assert_eq!(cart.instances, 5);
        assert_eq!(cart.balancer, Balancer::PowerOfTwo);
        assert_eq!(s.traffic.rate_rps, 120.0);
        assert_eq!(
            s.network.lb_to_instance.latency,
            Latency::Preset(LatencyPreset::HomeToUq)
        );
        assert_eq!(
            s.traffic.shape,
            Shape::Step {
                at_s: 10.0,
                factor: 2.0
            }
        );
    }

    #[test]
    fn changes_from_gives_the_sets_that_rebuild_the_scenario() {
        let base = presets::get("baseline").unwrap();
        assert!(base.changes_from(&base).is_empty());
        let mut s = base.clone();
        s.set("network.client_to_lb.response_loss", "0.25").unwrap();
        s.set("services.cart.balancer", "power_of_two").unwrap();
        s.set("network.lb_to_instance.latency", "home_to_uq")
            .unwrap();
        let changes = s.changes_from(&base);
        assert_eq!(
            changes,
            [
                ("network.client_to_lb.response_loss", "0.25"),
                ("network.lb_to_instance.latency", "home_to_uq"),
                ("services.cart.balancer", "power_of_two"),
            ]
            .map(|(p, v)| (p.to_string(), v.to_string()))
        );
        // Another enum variant, and an optional field appearing: whole tables.
        s.set(
            "traffic.shape",
            r#"{ "kind": "step", "at_s": 10, "factor": 2 }"#,
        )
        .unwrap();
        s.set("services.cart.min_instances", "1").unwrap();
        let mut rebuilt = base.clone();
        for (path, value) in s.changes_from(&base) {
            rebuilt
                .set(&path, &value)
                .unwrap_or_else(|e| panic!("{path}={value}: {e}"));
        }
        assert_eq!(rebuilt, s);
    }

    #[test]
    fn bad_paths_and_values_are_errors_and_leave_it_unchanged() {
        let mut s = presets::get("baseline").unwrap();
        let before = s.clone();
        assert!(matches!(
            s.set("network.nowhere.loss", "1"),
            Err(ScenarioError::UnknownPath(_))
        ));
        assert!(matches!(
            s.set("services.cart.colour", "1"),
            Err(ScenarioError::UnknownPath(_))
        ));
        assert!(matches!(
            s.set("services.cart.instances", "many"),
            Err(ScenarioError::BadValue { .. })
        ));
        assert!(matches!(
            s.set("network.client_to_lb.request_loss", "2"),
            Err(ScenarioError::Invalid(_))
        ));
        assert!(s.set("", "1").is_err());
        assert_eq!(s, before);
    }
}
