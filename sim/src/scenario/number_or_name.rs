//! Fields that take either a number or a name (`latency = 20.0` or
//! `latency = "home_to_uq"`). Hand-written deserialisation so a wrong value
//! gets an error that lists what is allowed, which serde's untagged enums
//! cannot do.

use super::{Latency, LatencyPreset, Payload, PayloadName};
use core::fmt;
use core::marker::PhantomData;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

trait NumberOrName: Sized {
    const EXPECTING: &'static str;
    fn number(x: f64) -> Option<Self>;
    fn name(s: &str) -> Option<Self>;
}

struct V<T>(PhantomData<T>);

impl<T: NumberOrName> Visitor<'_> for V<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<T, E> {
        T::number(x).ok_or_else(|| E::custom(format!("{x} is not {}", T::EXPECTING)))
    }
    fn visit_i64<E: de::Error>(self, x: i64) -> Result<T, E> {
        self.visit_f64(x as f64)
    }
    fn visit_u64<E: de::Error>(self, x: u64) -> Result<T, E> {
        self.visit_f64(x as f64)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
        T::name(s).ok_or_else(|| E::custom(format!("\"{s}\" is not {}", T::EXPECTING)))
    }
}

impl NumberOrName for Latency {
    const EXPECTING: &'static str =
        "a latency in milliseconds, or \"ec2_to_ec2\", \"home_to_uq\" or \"home_to_us_east_1\"";
    fn number(x: f64) -> Option<Self> {
        Some(Latency::Ms(x))
    }
    fn name(s: &str) -> Option<Self> {
        LatencyPreset::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .map(Latency::Preset)
    }
}

impl NumberOrName for Payload {
    const EXPECTING: &'static str = "a size in bytes (a whole number), or \"id\" or \"composite\"";
    fn number(x: f64) -> Option<Self> {
        (x >= 0.0 && x.fract() == 0.0 && x <= u64::MAX as f64).then_some(Payload::Bytes(x as u64))
    }
    fn name(s: &str) -> Option<Self> {
        PayloadName::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .map(Payload::Named)
    }
}

impl<'de> Deserialize<'de> for Latency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(V(PhantomData))
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(V(PhantomData))
    }
}
