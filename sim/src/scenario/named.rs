//! How the scenario's named choices (`balancer = "round_robin"`) are read
//! and written: by each enum's `ALL` and `as_str`, so the names the UI
//! offers are by construction the ones serde takes, through one reading
//! routine for every enum. serde's derive would repeat its enum-reading code
//! for each of them in the browser build. It reads what the derive reads
//! (a name, or a table whose one key is a name and whose value is empty),
//! with the same errors.

use super::{
    Backoff, Balancer, Cancellation, FaultKind, HealthCheckType, Idempotency, Jitter,
    LatencyPreset, Metric, OtherChange, PayloadName, Policy, QueueOrder, RequestKind, Throttle,
};
use core::fmt;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, VariantAccess, Visitor};

/// An enum of unit variants, written as their names.
trait Named: Copy + 'static {
    /// Every variant (the enum's `ALL`).
    const ALL: &'static [Self];
    /// Their names, in the same order (each one's `as_str`).
    const NAMES: &'static [&'static str];
}

/// Reads a `T` by the index of its name.
fn deserialize<'de, D: Deserializer<'de>, T: Named>(
    d: D,
    enum_name: &'static str,
) -> Result<T, D::Error> {
    let names = T::NAMES;
    let i = d.deserialize_enum(enum_name, names, Index { enum_name, names })?;
    Ok(T::ALL[i])
}

/// The variant a value names, as an index into `names`.
struct Index {
    enum_name: &'static str,
    names: &'static [&'static str],
}

impl<'de> Visitor<'de> for Index {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.enum_name)
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (i, variant) = data.variant_seed(Variant(self.names))?;
        variant.unit_variant()?;
        Ok(i)
    }
}

/// A variant's name, read as its index in the list.
struct Variant(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Variant {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Variant {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == s)
            .ok_or_else(|| E::unknown_variant(s, self.0))
    }
}

macro_rules! named {
    ($($t:ident),* $(,)?) => {$(
        impl Named for $t {
            const ALL: &'static [Self] = &$t::ALL;
            const NAMES: &'static [&'static str] = &{
                let mut names = [""; $t::ALL.len()];
                let mut i = 0;
                while i < names.len() {
                    names[i] = $t::ALL[i].as_str();
                    i += 1;
                }
                names
            };
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize(d, stringify!($t))
            }
        }
    )*};
}

named!(
    RequestKind,
    PayloadName,
    Cancellation,
    LatencyPreset,
    QueueOrder,
    Balancer,
    Throttle,
    Backoff,
    Jitter,
    Idempotency,
    Policy,
    HealthCheckType,
    Metric,
    OtherChange,
    FaultKind,
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    /// serde's derive of `Balancer`, to compare with.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Derived {
        RoundRobin,
        Random,
        LeastOutstanding,
        PowerOfTwo,
        None,
    }

    #[derive(Deserialize)]
    struct Field<T> {
        b: T,
    }

    /// What each reads (as the name it writes back) or the error it gives,
    /// from JSON values and from TOML text.
    #[test]
    fn reads_and_writes_what_the_derive_does() {
        fn json<T: Serialize + for<'de> Deserialize<'de>>(v: &serde_json::Value) -> String {
            match serde_json::from_value::<T>(v.clone()) {
                Ok(t) => serde_json::to_string(&t).unwrap(),
                Err(e) => e.to_string(),
            }
        }
        fn toml<T: Serialize + for<'de> Deserialize<'de>>(text: &str) -> String {
            match toml::from_str::<Field<T>>(text) {
                Ok(f) => toml::Value::try_from(&f.b).unwrap().to_string(),
                Err(e) => e.to_string(),
            }
        }
        for v in [
            json!("round_robin"),
            json!("none"),
            json!("power_of_two"),
            json!("Random"),
            json!(""),
            json!(2),
            json!(null),
            json!(true),
            json!({"random": null}),
            json!({"random": 1}),
            json!({"nope": null}),
            json!({"random": null, "none": null}),
            json!({}),
            json!(["random"]),
        ] {
            assert_eq!(json::<Balancer>(&v), json::<Derived>(&v), "{v}");
        }
        for text in [
            "b = \"least_outstanding\"",
            "b = \"nope\"",
            "b = 3",
            "b = { random = 1 }",
            "b = {}",
            "b = [\"random\"]",
        ] {
            assert_eq!(toml::<Balancer>(text), toml::<Derived>(text), "{text}");
        }
    }
}
