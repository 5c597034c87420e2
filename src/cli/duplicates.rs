//! Keys given twice in a JSON document's records. serde_json keeps the
//! last of two equal keys without a word; mapc rejects such a record
//! (E411), as it does on an NDJSON line, rather than guess which value the
//! producer meant.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// The first key given twice in each record of a document: one entry per
/// element of a top-level array, or one for any other document.
pub(crate) fn per_record(text: &[u8]) -> Vec<Option<String>> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    // the document parsed already; should this pass fail, it finds nothing
    Records.deserialize(&mut deserializer).unwrap_or_default()
}

struct Records;

impl<'de> DeserializeSeed<'de> for Records {
    type Value = Vec<Option<String>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records {
    type Value = Vec<Option<String>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = Vec::new();
        while let Some(duplicate) = seq.next_element_seed(FirstDuplicate)? {
            found.push(duplicate);
        }
        Ok(found)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        FirstDuplicate.visit_map(map).map(|d| vec![d])
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(vec![None])
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(vec![None])
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(vec![None])
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(vec![None])
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(vec![None])
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(vec![None])
    }
}

/// One value: the first key given twice in any object in it.
#[derive(Clone, Copy)]
struct FirstDuplicate;

impl<'de> DeserializeSeed<'de> for FirstDuplicate {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FirstDuplicate {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut first = None;
        while let Some(found) = seq.next_element_seed(FirstDuplicate)? {
            first = first.or(found);
        }
        Ok(first)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut keys = HashSet::new();
        let mut first = None;
        while let Some(key) = map.next_key::<String>()? {
            let found = map.next_value_seed(FirstDuplicate)?;
            if first.is_none() && !keys.insert(key.clone()) {
                first = Some(key);
            }
            first = first.or(found);
        }
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::per_record;

    #[test]
    fn each_record_of_an_array_is_checked_apart() {
        let found = per_record(br#"[{"a": 1}, {"a": 1, "a": 2}, {"b": {"c": 1, "c": 2}}, 5]"#);
        assert_eq!(
            found,
            [None, Some("a".to_string()), Some("c".to_string()), None]
        );
        assert_eq!(
            per_record(br#"{"id": 1, "\u0069d": 2}"#),
            [Some("id".to_string())]
        );
        assert_eq!(per_record(br#"{"n": 1.50}"#), [None]);
    }
}
