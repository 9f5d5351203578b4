//! `Scenario::set` and `Scenario::get`: one field by its dotted path,
//! generically, through a JSON value tree. No per-field code: a field added
//! to the scenario is settable and readable at once, by the UI, the CLI's
//! `--set` and URLs.
//!
//! Path segments name table keys; inside an array of tables a segment picks
//! the element whose `name` (services) or `kind` (the traffic mix) equals it,
//! or a 0-based index (`faults.0.at_s`). A name or kind that two elements
//! share picks neither: they go by their index.

use super::*;
use serde_json::Value;

impl Scenario {
    /// Sets the field at `path` (e.g. `"services.cart.instances"`) from
    /// `value` written as JSON (`3`, `0.25`, `true`, `"x"`, `{"kind": "constant"}`);
    /// a value that is not valid JSON is taken as a bare string (`home_to_uq`).
    /// (The CLI's `--set` also takes TOML inline tables and converts them.)
    /// The scenario is left unchanged unless the result is valid.
    pub fn set(&mut self, path: &str, value: &str) -> Result<(), ScenarioError> {
        let updated = self.with(path, parse_value(value))?;
        updated.validate().map_err(ScenarioError::Invalid)?;
        *self = updated;
        Ok(())
    }

    /// The value of the field at `path`, written the way `set` takes it
    /// (`3`, `0.25`, `true`, a bare name such as `home_to_uq`, JSON for a
    /// table), so `set(path, &get(path)?)` leaves the scenario as it was.
    /// What it reads is `Readings::get`'s; a reader of many fields of one
    /// scenario takes its `readings` once instead.
    pub fn get(&self, path: &str) -> Result<String, ScenarioError> {
        self.readings().get(path)
    }

    /// The scenario's fields, readable by path, from one serialisation: a
    /// panel of controls reads dozens of fields after each change, and
    /// `get` per field would serialise the whole scenario for each.
    pub fn readings(&self) -> Readings {
        Readings { tree: self.tree() }
    }

    /// The scenario with the field at `path` replaced by `new` (or added, for
    /// an optional field left out), not validated.
    fn with(&self, path: &str, new: Value) -> Result<Scenario, ScenarioError> {
        let tree = self.tree().map_err(|message| unwritable(path, message))?;
        replaced(tree, path, new)
    }

    /// The scenario as a JSON value tree, or why it cannot be written so.
    fn tree(&self) -> Result<Value, String> {
        serde_json::to_value(self).map_err(|e| e.to_string())
    }
}

/// The error of a field read or set in a scenario that could not be
/// written as a value tree.
fn unwritable(path: &str, message: String) -> ScenarioError {
    ScenarioError::BadValue {
        path: path.to_string(),
        message,
    }
}

/// The scenario of value tree `tree` with the field at `path` replaced by
/// `new` (or added, for an optional field left out), not validated.
fn replaced(mut tree: Value, path: &str, new: Value) -> Result<Scenario, ScenarioError> {
    let (parent_path, key) = split(path)?;
    let (_, pointer) = walk(&tree, parent_path).map_err(|m| unknown(path, m))?;
    let parent = tree
        .pointer_mut(&pointer)
        .ok_or_else(|| unknown(path, no_field(parent_path)))?;
    let existed = match parent {
        Value::Object(t) => t.insert(key.to_string(), new).is_some(),
        Value::Array(items) => match position(items, key) {
            Some(i) => {
                items[i] = new;
                true
            }
            None => return Err(unknown(path, no_element(key, items))),
        },
        _ => return Err(unknown(path, no_field(key))),
    };
    tables::from_value(tree).map_err(|e| {
        if existed {
            ScenarioError::BadValue {
                path: path.to_string(),
                message: e.to_string(),
            }
        } else {
            unknown(path, e.to_string())
        }
    })
}

/// A scenario's fields by path (`Scenario::readings`).
#[derive(Clone, PartialEq, Debug)]
pub struct Readings {
    /// The scenario as a JSON value tree, or why it could not be written so.
    tree: Result<Value, String>,
}

impl Readings {
    /// The value of the field at `path`, written the way `Scenario::set`
    /// takes it.
    ///
    /// It reads what the model uses. An optional field left out reads as
    /// `null` (which `set` takes to leave it out), except a group's limits:
    /// `min_instances` and `max_instances` left out are its desired capacity,
    /// `instances`, and read as that number (setting that number back pins
    /// the limit, which then no longer follows `instances`); and a mix
    /// entry's `writes`, which reads as whether its kind changes state.
    pub fn get(&self, path: &str) -> Result<String, ScenarioError> {
        let (parent_path, key) = split(path)?;
        let tree = self
            .tree
            .as_ref()
            .map_err(|message| unwritable(path, message.clone()))?;
        let (parent, _) = walk(tree, parent_path).map_err(|m| unknown(path, m))?;
        let found = match parent {
            Value::Object(t) => t.get(key).cloned().or_else(|| left_out(t, key)),
            Value::Array(items) => position(items, key).and_then(|i| items.get(i)).cloned(),
            _ => None,
        };
        match found {
            Some(v) => Ok(text(&v)),
            // Not in the tree: an optional field left out, if serde takes a
            // null there (it leaves the field out again), else no field.
            None => replaced(tree.clone(), path, Value::Null).map(|_| "null".to_string()),
        }
    }
}

/// What an optional field left out of table `t` means to the model, where
/// that is another field's value: a service's limit is its `instances`
/// (`Service::min`, `max`); whether a mix entry's calls write is whether
/// its kind changes state (`MixEntry::writes`).
fn left_out(t: &serde_json::Map<String, Value>, key: &str) -> Option<Value> {
    match key {
        "min_instances" | "max_instances" => t.get("instances").cloned(),
        "writes" => {
            let kind: RequestKind = serde_json::from_value(t.get("kind")?.clone()).ok()?;
            Some(Value::Bool(kind.is_mutating()))
        }
        _ => None,
    }
}

impl Scenario {
    /// Where `self` differs from `base`, as `(path, value)` pairs that `set`
    /// takes: applying them to `base` in order gives `self` back. It is how a
    /// view is written into a shareable URL: a preset plus what changed.
    /// Array elements are named the way `set` reads them (by a `name`/`kind`
    /// no other element shares, else by index); an array whose length or order changed, or a table
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
            let names = element_names(n);
            if element_names(b) != names {
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

/// How a path names each element of an array: by its `name` or `kind`
/// (services, the traffic mix), unless another element shares it, it reads
/// as an index or it has a dot; else by its index (two faults of one kind are `faults.0` and
/// `faults.1`).
fn element_names(items: &[Value]) -> Vec<String> {
    fn label(v: &Value) -> Option<&str> {
        ["name", "kind"]
            .iter()
            .find_map(|k| v.get(k).and_then(Value::as_str))
    }
    let unique = |l: &str| items.iter().filter(|v| label(v) == Some(l)).count() == 1;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match label(v) {
            // A name with a dot (an instance type, `t3.small`) cannot be a
            // path segment: such an element goes by its index.
            Some(l) if unique(l) && l.parse::<usize>().is_err() && !l.contains('.') => {
                l.to_string()
            }
            _ => i.to_string(),
        })
        .collect()
}

/// A value as `set` reads it back: a bare word for a string that would not
/// read as JSON (`exponential`, not `"exponential"`), JSON otherwise.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) if serde_json::from_str::<Value>(s).is_err() && s.trim() == s => s.clone(),
        _ => v.to_string(),
    }
}

/// The path of the table or array holding the field `path` names (`""` for
/// the scenario itself), and the field's key in it.
fn split(path: &str) -> Result<(&str, &str), ScenarioError> {
    match path.rsplit_once('.').unwrap_or(("", path)) {
        (_, "") => Err(unknown(
            path,
            "a path names a field, e.g. `traffic.rate_rps`".into(),
        )),
        split => Ok(split),
    }
}

/// The node at `path` (`""` is the whole tree) and its JSON pointer (RFC
/// 6901, for `Value::pointer_mut`), or what is wrong with the path.
fn walk<'a>(mut node: &'a Value, path: &str) -> Result<(&'a Value, String), String> {
    let mut pointer = String::new();
    for seg in path.split('.').filter(|_| !path.is_empty()) {
        node = match node {
            Value::Array(items) => {
                let i = position(items, seg).ok_or_else(|| no_element(seg, items))?;
                pointer += &format!("/{i}");
                &items[i]
            }
            _ => {
                pointer += &format!("/{}", seg.replace('~', "~0").replace('/', "~1"));
                node.get(seg).ok_or_else(|| no_field(seg))?
            }
        };
    }
    Ok((node, pointer))
}

/// Which array element a path segment names: by index, or by the name
/// `element_names` gives it.
fn position(items: &[Value], seg: &str) -> Option<usize> {
    match seg.parse::<usize>() {
        Ok(i) => (i < items.len()).then_some(i),
        Err(_) => element_names(items).iter().position(|n| n == seg),
    }
}

fn unknown(path: &str, message: String) -> ScenarioError {
    ScenarioError::UnknownPath {
        path: path.to_string(),
        message,
    }
}

fn no_field(key: &str) -> String {
    format!("there is no `{key}` there")
}

fn no_element(seg: &str, items: &[Value]) -> String {
    format!(
        "there is no element `{seg}` among [{}]",
        element_names(items).join(", ")
    )
}

/// A number as a person or a link writes it ("0.5", ".5", "+2", "-1e3"),
/// read by the same JSON reader as every value `set` takes, so the page
/// and the scenario agree on it to the bit; `None` if it is not one.
/// (std's float parser would also put its correctly rounding tables,
/// about 8 KB gzipped, into the browser build.)
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let (sign, digits) = t.strip_prefix('-').map_or(("", t), |d| ("-", d));
    // JSON wants a digit on both sides of the point.
    let lead = if digits.starts_with('.') { "0" } else { "" };
    let trail = if digits.ends_with('.') { "0" } else { "" };
    serde_json::from_str::<f64>(&format!("{sign}{lead}{digits}{trail}")).ok()
}

fn parse_value(value: &str) -> Value {
    let value = value.trim();
    serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::{element_names, parse_number};

    /// The forms people type read as std reads them, to the bit, for the
    /// numbers the settings take (short decimals, exponents); what is not
    /// a number is `None`.
    #[test]
    fn numbers_read_as_std_reads_them() {
        for text in [
            "0.5", ".5", "+2", "-1e3", "5.", "20.025", "0.662", "249.296", "0.0038", "1e-9", " 7 ",
            "-.25", "3600000", "0.1", "0.3",
        ] {
            let std: f64 = text.trim().parse().unwrap();
            assert_eq!(
                parse_number(text).map(f64::to_bits),
                Some(std.to_bits()),
                "{text}"
            );
        }
        for text in ["", "abc", "1,5", "--1", "0x10", "NaN", "inf", "1e999"] {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }
    use crate::presets;
    use crate::scenario::{Balancer, Latency, LatencyPreset, ScenarioError, Shape};
    use serde_json::Value;

    #[test]
    fn get_after_set_reads_what_was_set() {
        let mut s = presets::get("baseline").unwrap();
        for (path, value) in [
            ("services.cart.instances", "5"),
            ("network.client_to_lb.response_loss", "0.25"),
            ("traffic.rate_rps", "120.5"),
            ("services.cart.balancer", "power_of_two"),
            ("client.retry.backoff", "constant"),
            ("client.idempotency", "shared"),
            ("services.cart.health_check.enabled", "true"),
            ("client.retry.on_503", "false"),
            ("network.lb_to_instance.latency", "home_to_uq"),
            ("network.client_to_lb.latency", "12.5"),
            ("traffic.mix.browse.payload", "composite"),
            ("traffic.mix.checkout.response_payload", "2000"),
            ("services.cart.min_instances", "1"),
            (
                "traffic.shape",
                r#"{"at_s":10.0,"factor":2.0,"kind":"step"}"#,
            ),
        ] {
            s.set(path, value)
                .unwrap_or_else(|e| panic!("{path}={value}: {e}"));
            assert_eq!(s.get(path).as_deref(), Ok(value), "{path}");
        }
        // Left out, whether a kind writes follows whether it changes state.
        assert_eq!(s.get("traffic.mix.browse.writes").as_deref(), Ok("false"));
        assert_eq!(s.get("traffic.mix.checkout.writes").as_deref(), Ok("true"));
        s.set("traffic.mix.browse.writes", "true").unwrap();
        assert_eq!(s.get("traffic.mix.browse.writes").as_deref(), Ok("true"));
        // A number that was written as an integer reads as the float it is.
        s.set("traffic.rate_rps", "120").unwrap();
        assert_eq!(s.get("traffic.rate_rps").as_deref(), Ok("120.0"));
    }

    /// `set(path, get(path))` changes nothing, for every field and table of
    /// every preset.
    #[test]
    fn setting_what_get_reads_changes_nothing() {
        fn paths(v: &Value, path: String, out: &mut Vec<String>) {
            let child = |seg: &str| {
                if path.is_empty() {
                    seg.to_string()
                } else {
                    format!("{path}.{seg}")
                }
            };
            match v {
                Value::Object(t) => t.iter().for_each(|(k, v)| paths(v, child(k), out)),
                Value::Array(items) => items
                    .iter()
                    .zip(element_names(items))
                    .for_each(|(v, name)| paths(v, child(&name), out)),
                _ => {}
            }
            if !path.is_empty() {
                out.push(path);
            }
        }
        for name in presets::names() {
            let s = presets::get(name).unwrap();
            let mut all = Vec::new();
            paths(&serde_json::to_value(&s).unwrap(), String::new(), &mut all);
            assert!(all.len() > 50, "{name}: {} paths", all.len());
            for path in all {
                let value = s.get(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
                let mut again = s.clone();
                again
                    .set(&path, &value)
                    .unwrap_or_else(|e| panic!("{name}: {path}={value}: {e}"));
                assert_eq!(again, s, "{name}: {path}={value}");
            }
        }
    }

    #[test]
    fn get_reads_what_the_model_uses_for_a_field_left_out() {
        let mut s = presets::get("backoff-jitter").unwrap();
        // A group's limits default to its desired capacity.
        let browse = s.service_index("browse").unwrap();
        assert_eq!(s.services[browse].min_instances, None);
        let instances = s.services[browse].instances.to_string();
        assert_eq!(
            s.get("services.browse.min_instances"),
            Ok(instances.clone())
        );
        assert_eq!(s.get("services.browse.max_instances"), Ok(instances));
        // Other optional fields left out read as null, which leaves them out.
        assert_eq!(s.faults[0].instance, None);
        assert_eq!(s.get("faults.crash.instance").as_deref(), Ok("null"));
        let before = s.clone();
        s.set("faults.crash.instance", "null").unwrap();
        assert_eq!(s, before);
        assert_eq!(s.get("faults.0.repair_after_s").as_deref(), Ok("60.0"));
    }

    #[test]
    fn get_names_what_is_wrong_with_a_path() {
        let s = presets::get("baseline").unwrap();
        let message = |path: &str| match s.get(path) {
            Err(e @ ScenarioError::UnknownPath { .. }) => e.to_string(),
            other => panic!("{path}: {other:?}"),
        };
        let wrong = message("services.kart.instances");
        assert!(
            wrong.ends_with("there is no element `kart` among [browse, cart, checkout]"),
            "{wrong}"
        );
        let wrong = message("network.nowhere.latency");
        assert!(
            wrong.ends_with("network.nowhere.latency: there is no `nowhere` there"),
            "{wrong}"
        );
        let wrong = message("services.cart.colour");
        assert!(wrong.contains("unknown field `colour`"), "{wrong}");
        let wrong = message("client.timeout_ms.seconds");
        assert!(wrong.ends_with("there is no `seconds` there"), "{wrong}");
        let wrong = message("faults.3.at_s");
        assert!(
            wrong.ends_with("there is no element `3` among []"),
            "{wrong}"
        );
        for path in ["", "traffic.", "nothing"] {
            message(path);
        }
    }

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

    /// Two faults of one kind are named by their index, so a link that
    /// changes the second one changes the second one.
    #[test]
    fn elements_that_share_a_kind_go_by_their_index() {
        let mut base = presets::get("backoff-jitter").unwrap();
        let fault = base.get("faults.crash").unwrap();
        base.set("faults", &format!("[{fault}, {fault}]")).unwrap();
        let mut s = base.clone();
        s.set("faults.1.at_s", "90").unwrap();
        let changes = s.changes_from(&base);
        assert_eq!(changes, [("faults.1.at_s".to_string(), "90.0".to_string())]);
        let mut rebuilt = base.clone();
        for (path, value) in changes {
            rebuilt.set(&path, &value).unwrap();
        }
        assert_eq!(rebuilt, s);
        let wrong = s.get("faults.crash.at_s").unwrap_err().to_string();
        assert!(
            wrong.ends_with("there is no element `crash` among [0, 1]"),
            "{wrong}"
        );
    }

    #[test]
    fn bad_paths_and_values_are_errors_and_leave_it_unchanged() {
        let mut s = presets::get("baseline").unwrap();
        let before = s.clone();
        assert!(matches!(
            s.set("network.nowhere.loss", "1"),
            Err(ScenarioError::UnknownPath { .. })
        ));
        assert!(matches!(
            s.set("services.cart.colour", "1"),
            Err(ScenarioError::UnknownPath { .. })
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
