//! serde_json's parse of a record, building only what a [`Need`] asks for
//! and skipping the rest (still checking that it is valid JSON, that no object has a key
//! twice, and that it nests no deeper than serde_json's limit, skipped
//! parts included). It names the error of a text the fast scanner
//! rejects, and is the scanner's reference in the differential tests; its
//! numbers are serde_json's (an `f64` for a fraction), never mapc's.

use super::Need;
use crate::json::{Map, Number, Value as Json};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

/// Parses one JSON text, keeping only what `need` asks for.
pub(crate) fn parse(text: &str, need: &Need) -> Result<Json, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Projected(need).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// serde_json's private marker for a number's text, should a build turn on
/// its `arbitrary_precision` (mapc does not, but a host that depends on
/// mapc may, and Cargo then turns it on for mapc too).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

#[derive(Clone, Copy)]
struct Projected<'n>(&'n Need);

impl<'de> DeserializeSeed<'de> for Projected<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        // a whole value too: serde_json's own `Value` would let the last of
        // two equal keys win without a word
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Projected<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        let mut keys = Keys::default();
        let mut first = true;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if first && key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return Ok(Json::Number(Number::from_string_unchecked(text)));
            }
            first = false;
            let need = match self.0 {
                Need::All => Some(&Need::All),
                Need::Fields(fields) => Need::field(fields, &key),
            };
            match need {
                Some(need) => {
                    let value = map.next_value_seed(Projected(need))?;
                    keys.add::<A::Error>(key.clone())?;
                    out.insert(key.into_owned(), value);
                }
                None => {
                    map.next_value_seed(Skipped)?;
                    keys.add::<A::Error>(key)?;
                }
            }
        }
        Ok(Json::Object(out))
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Owned(v)))
    }
}

/// The keys of one object so far, to refuse one given twice.
#[derive(Default)]
struct Keys<'de>(HashSet<Cow<'de, str>>);

impl<'de> Keys<'de> {
    fn add<E: serde::de::Error>(&mut self, key: Cow<'de, str>) -> Result<(), E> {
        if self.0.contains(&key) {
            return Err(E::custom(format_args!("duplicate key `{key}`")));
        }
        self.0.insert(key);
        Ok(())
    }
}

/// A value the mapping does not read: checked, not built. Unlike
/// `IgnoredAny`, it goes through serde_json's nesting limit and refuses
/// an object with a key twice.
#[derive(Clone, Copy)]
struct Skipped;

impl<'de> DeserializeSeed<'de> for Skipped {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skipped {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skipped)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Keys::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            map.next_value_seed(Skipped)?;
            keys.add::<A::Error>(key)?;
        }
        Ok(())
    }
}
