//! Epoch-seconds (de)serialisation of [`time::OffsetDateTime`] as a JSON number, millisecond
//! precision.

use serde::{Deserialize, Deserializer, Serializer, de::Error};
use time::OffsetDateTime;

pub fn to_f64(t: &OffsetDateTime) -> f64 {
    (t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0
}

pub fn from_f64(secs: f64) -> Option<OffsetDateTime> {
    if !secs.is_finite() {
        return None;
    }
    OffsetDateTime::from_unix_timestamp_nanos((secs * 1e9) as i128).ok()
}

pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(to_f64(t))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let secs = f64::deserialize(d)?;
    from_f64(secs).ok_or_else(|| D::Error::custom("timestamp out of range"))
}

/// The same for `Option<OffsetDateTime>` (use with `default` and `skip_serializing_if`).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_f64(to_f64(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<f64>::deserialize(d)? {
            Some(secs) => from_f64(secs)
                .map(Some)
                .ok_or_else(|| D::Error::custom("timestamp out of range")),
            None => Ok(None),
        }
    }
}
