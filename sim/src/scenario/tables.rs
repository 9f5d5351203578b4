//! Reads the scenario from a JSON value tree with every table written as
//! a table. serde_json's own reader also takes an array for a table (its
//! fields in order), which makes each struct's deserialiser carry a second,
//! field-by-position reader: most of the scenario's reading code in the
//! browser build. Here an array where a table belongs is refused, as a
//! table where a number belongs is; everything else reads as through
//! `serde_json::from_value`, with the same errors.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::{map, Error, Map, Value};

/// A `T` read from `value`, tables only as tables.
pub(super) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(Tables(value))
}

struct Tables(Value);

/// Values that hold no table, read by serde_json's own reader.
macro_rules! forward_to_value {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Tables {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(m) => visit_map(m, visitor),
            Value::Array(a) => visit_seq(a, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(m) => visit_map(m, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(a) => visit_seq(a, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // The scenario's enums are names (`scenario::named`) or flat tables
        // read as structs (`flat_tables`): no variant holds a table.
        self.0.deserialize_enum(name, variants, visitor)
    }

    forward_to_value! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier deserialize_ignored_any
    }

    // The scenario has no unit structs or tuples.
    serde::forward_to_deserialize_any! { unit_struct tuple tuple_struct }
}

/// What a value is, in serde_json's words for it. (Its own reader of a
/// table or an array is not called even to refuse a value: that would
/// bring back the reading of tables from arrays.)
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => de::Unexpected::Unsigned(u),
            (None, Some(i)) => de::Unexpected::Signed(i),
            (None, None) => de::Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// As serde_json's reader of a table: every entry must be taken.
fn visit_map<'de, V: Visitor<'de>>(m: Map<String, Value>, visitor: V) -> Result<V::Value, Error> {
    let len = m.len();
    let mut entries = Entries {
        iter: m.into_iter(),
        value: None,
    };
    let read = visitor.visit_map(&mut entries)?;
    match entries.iter.len() {
        0 => Ok(read),
        _ => Err(de::Error::invalid_length(len, &"fewer elements in map")),
    }
}

/// As serde_json's reader of an array: every element must be taken.
fn visit_seq<'de, V: Visitor<'de>>(a: Vec<Value>, visitor: V) -> Result<V::Value, Error> {
    let len = a.len();
    let mut items = Items(a.into_iter());
    let read = visitor.visit_seq(&mut items)?;
    match items.0.len() {
        0 => Ok(read),
        _ => Err(de::Error::invalid_length(len, &"fewer elements in array")),
    }
}

struct Entries {
    iter: map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Tables(value)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Tables(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::scenario::Scenario;
    use serde_json::json;

    /// Every preset reads as through serde_json, and so does a wrong value
    /// anywhere, with the same error; a table written as an array, which
    /// serde_json takes, is refused.
    #[test]
    fn reads_as_serde_json_does_but_tables_only_as_tables() {
        let read = |v: &Value| {
            let ours = from_value::<Scenario>(v.clone()).map_err(|e| e.to_string());
            let theirs = serde_json::from_value::<Scenario>(v.clone()).map_err(|e| e.to_string());
            (ours, theirs)
        };
        for name in presets::names() {
            let v = serde_json::to_value(presets::get(name).unwrap()).unwrap();
            let (ours, theirs) = read(&v);
            assert_eq!(ours, theirs, "{name}");
        }
        let base = serde_json::to_value(presets::get("flash-sale-autoscaling").unwrap()).unwrap();
        let with = |parent: &str, key: &str, x: Value| {
            let mut v = base.clone();
            let table = v.pointer_mut(parent).unwrap().as_object_mut().unwrap();
            table.insert(key.to_string(), x);
            v
        };
        for (parent, key, x) in [
            ("", "seed", json!(-1)),
            ("", "duration_s", json!("long")),
            ("", "nope", json!(1)),
            ("", "client", json!(5)),
            ("", "faults", json!({"a": 1})),
            ("/client", "timeout_ms", json!(null)),
            ("/client/retry", "backoff", json!(3)),
            ("/client/retry", "jitter", json!({"full": null})),
            ("/client/retry", "jitter", json!("fuller")),
            ("/services/0", "instances", json!(1.5)),
            ("/services/0", "max_instances", json!(null)),
            (
                "/services/0/scaling",
                "steps",
                json!([{"above": 70, "change": "1"}]),
            ),
            ("/traffic", "shape", json!({"kind": "step"})),
            ("/traffic", "mix", json!("browse")),
            ("/network/client_to_lb", "latency", json!(true)),
            ("/traffic/mix/0", "payload", json!(-3)),
        ] {
            let (ours, theirs) = read(&with(parent, key, x));
            assert_eq!(ours, theirs, "{parent}/{key}");
        }
        let v = with("", "client", json!([5000.0]));
        assert!(read(&v).1.is_ok(), "serde_json takes a table as an array");
        assert_eq!(
            read(&v).0.unwrap_err(),
            "invalid type: sequence, expected struct Client"
        );
    }
}
