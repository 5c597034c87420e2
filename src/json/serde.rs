//! serde's `Serialize` and `Deserialize` for [`Value`] and [`Number`], so a
//! host converts mapc's values to and from its own types.
//!
//! A number is serialised as serde_json's raw value: serde_json writes its
//! text byte for byte (`2.50` stays `2.50`). This needs only serde_json's
//! additive `raw_value` feature, which adds the `RawValue` type and changes
//! nothing else (a host's `serde_json::Value`, `Map` and `Number` behave as
//! without it); mapc does not need `arbitrary_precision` or
//! `preserve_order`, which would change the host's own JSON. Another
//! serialiser sees a number as serde_json's raw-value struct holding its
//! text: convert through serde_json, or read [`Number::as_str`].
//!
//! Deserialising from serde_json (`serde_json::from_str`,
//! or `serde_json::from_value` of a host's `serde_json::Value`) asks for the
//! raw text and parses it with mapc's own parser, so numbers keep their text
//! as serde_json passes it on (from a host's `serde_json::Value`, a number is
//! what that value kept: `2.5` for `2.50`, as serde_json's default parse
//! reads it). From another format, a number is read as the format gives it
//! (an `f64` as its shortest text).

use super::{Map, Number, Value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};
use std::fmt;

/// serde_json's marker for a raw JSON text (its `raw_value` feature).
pub(crate) const RAW_TOKEN: &str = "$serde_json::private::RawValue";

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_number_text(self.as_str(), serializer)
    }
}

/// Serialises a JSON number's text exactly (see the module docs).
pub(crate) fn serialize_number_text<S: Serializer>(
    text: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut raw = serializer.serialize_struct(RAW_TOKEN, 1)?;
    raw.serialize_field(RAW_TOKEN, text)?;
    raw.end()
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => items.serialize(serializer),
            Value::Object(map) => map.serialize(serializer),
        }
    }
}

impl Serialize for Map<String, Value> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            out.serialize_entry(key, value)?;
        }
        out.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        // serde_json answers this with the value's raw text; other formats
        // treat it as a newtype and give the value itself
        deserializer.deserialize_newtype_struct(RAW_TOKEN, ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Number, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => Ok(n),
            other => Err(de::Error::custom(format_args!(
                "expected a number, found {other}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Map<String, Value> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(map) => Ok(map),
            other => Err(de::Error::custom(format_args!(
                "expected an object, found {other}"
            ))),
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let Some(first) = access.next_key::<String>()? else {
            return Ok(Value::Object(map));
        };
        if first == RAW_TOKEN {
            // serde_json's raw text of the whole value
            let text: std::borrow::Cow<'de, str> = access.next_value::<RawText<'de>>()?.0;
            return super::from_str(&text).map_err(de::Error::custom);
        }
        map.insert(first, access.next_value()?);
        while let Some((key, value)) = access.next_entry()? {
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// A raw JSON text, borrowed where serde_json lends it.
struct RawText<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = RawText<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a raw JSON text")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<RawText<'de>, E> {
                Ok(RawText(std::borrow::Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<RawText<'de>, E> {
                Ok(RawText(std::borrow::Cow::Owned(v.to_string())))
            }

            fn visit_string<E>(self, v: String) -> Result<RawText<'de>, E> {
                Ok(RawText(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Text)
    }
}
