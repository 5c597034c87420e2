//! The object a block writes. Its keys borrow from the program's rule
//! targets and its leaves are runtime values, so writing a field allocates
//! nothing and strings read from the input stay borrowed. The object is
//! then written straight to JSON text (the same bytes `serde_json` writes
//! for [`Object::into_json`]'s result), or converted for the library API.

use super::Value;
use crate::json::{Map, Value as Json};
use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};

/// An output object: fields in the order they were written.
#[derive(Debug, Default)]
pub(crate) struct Object<'a> {
    entries: Vec<(&'a str, Entry<'a>)>,
}

#[derive(Debug)]
enum Entry<'a> {
    /// A rule's value; never `Missing`.
    Value(Value<'a>),
    /// The parent of nested targets: `billing` for `billing.city`.
    Object(Object<'a>),
}

impl<'a> Object<'a> {
    pub(crate) fn with_capacity(capacity: usize) -> Object<'a> {
        Object {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Writes `value` at the nested `path`, creating the parent objects. A
    /// missing value writes nothing (not even the parents).
    ///
    /// The checker rejects two rules that can both run and write the same
    /// path, or one inside the other, so the last key is pushed without
    /// looking for it; only parents are looked for.
    pub(crate) fn insert(&mut self, path: &'a [Box<str>], value: Value<'a>) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        if value.is_missing() {
            return;
        }
        let mut object = self;
        for key in parents {
            let Some(child) = object.child(key) else {
                return;
            };
            object = child;
        }
        debug_assert!(
            !object.entries.iter().any(|(k, _)| *k == &**last),
            "target field `{last}` written twice"
        );
        object.entries.push((last, Entry::Value(value)));
    }

    /// The object at `key`: found among the entries (from the end: the
    /// rules writing one object are usually adjacent), or added. A value
    /// there is replaced by an empty object, keeping its place, so this
    /// never gives `None`.
    fn child(&mut self, key: &'a str) -> Option<&mut Object<'a>> {
        let index = match self.entries.iter().rposition(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                self.entries.push((key, Entry::Object(Object::default())));
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index].1;
        if let Entry::Value(_) = entry {
            *entry = Entry::Object(Object::default());
        }
        match entry {
            Entry::Object(object) => Some(object),
            Entry::Value(_) => None,
        }
    }

    /// The object as JSON.
    pub(crate) fn into_json(self) -> Json {
        let mut map = Map::with_capacity(self.entries.len());
        for (key, entry) in self.entries {
            let value = match entry {
                Entry::Value(value) => value.into_json(),
                Entry::Object(object) => Some(object.into_json()),
            };
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        }
        Json::Object(map)
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, entry) in &self.entries {
            match entry {
                Entry::Value(value) => map.serialize_entry(key, value)?,
                Entry::Object(object) => map.serialize_entry(key, object)?,
            }
        }
        map.end()
    }
}

/// A value as [`Value::into_json`] gives it: missing list elements left
/// out, numbers as their exact text. A missing value itself has no JSON
/// form and is an error.
impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Missing => Err(S::Error::custom("a missing value has no JSON form")),
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            // its text as it is, as `json::Number` serialises itself
            Value::Number(n) => crate::json::serialize_number_text(&n.text(), serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::List(items) => {
                let mut list = serializer.serialize_seq(None)?;
                for item in items.iter().filter(|item| !item.is_missing()) {
                    list.serialize_element(item)?;
                }
                list.end()
            }
            Value::Json(json) => json.serialize(serializer),
            // a value written out is read whole, so this does not occur;
            // if it did, what was read of it is written
            Value::Partial(tree) => tree.to_json().serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Num;
    use std::borrow::Cow;

    fn path(keys: &[&str]) -> Box<[Box<str>]> {
        keys.iter().map(|k| Box::from(*k)).collect()
    }

    /// The bytes written equal serde_json's for the converted value.
    fn same_bytes(object: Object<'_>) -> String {
        let text = crate::json::to_string(&object).expect("serialises");
        assert_eq!(text, object.into_json().to_string());
        text
    }

    #[test]
    fn nested_targets_share_their_parent() {
        let (a, b, c, d) = (
            path(&["billing", "city"]),
            path(&["id"]),
            path(&["billing", "zip"]),
            path(&["billing", "geo", "lat"]),
        );
        let mut object = Object::default();
        object.insert(&a, Value::string("Paris"));
        object.insert(&b, Value::Number(Num::Text(Cow::Borrowed("12.50"))));
        object.insert(&c, Value::Missing);
        object.insert(&d, Value::decimal(-rust_decimal::Decimal::new(0, 2)));
        assert_eq!(
            same_bytes(object),
            r#"{"billing":{"city":"Paris","geo":{"lat":0.00}},"id":12.50}"#
        );
    }

    #[test]
    fn a_value_where_a_parent_goes_becomes_the_parent_in_its_place() {
        // the checker rules this out for rules that can both run; the
        // object keeps `insert_path`'s old behaviour anyway
        let (a, b, c) = (path(&["a"]), path(&["b"]), path(&["a", "x"]));
        let mut object = Object::default();
        object.insert(&a, Value::string("replaced"));
        object.insert(&b, Value::Bool(true));
        object.insert(&c, Value::Null);
        assert_eq!(same_bytes(object), r#"{"a":{"x":null},"b":true}"#);
    }

    #[test]
    fn values_write_like_into_json() {
        let key = path(&["v"]);
        let json: Json =
            crate::json::from_str(r#"{"a":[1,{"b":"\u0000é\n"}],"n":1e400}"#).expect("valid JSON");
        let values = [
            Value::Null,
            Value::Bool(false),
            Value::string("tab\t\"quote\" \u{1f600} \u{7f}"),
            Value::List(vec![]),
            Value::List(vec![Value::Missing]),
            Value::List(vec![
                Value::Missing,
                Value::List(vec![Value::Missing, Value::Null]),
                Value::Number(Num::Text(Cow::Borrowed("12345678901234567890123"))),
                Value::Missing,
            ]),
            Value::Json(Cow::Borrowed(&json)),
            Value::Json(Cow::Owned(Json::Array(vec![]))),
            Value::Json(Cow::Owned(Json::Object(Map::new()))),
        ];
        for value in values {
            let mut object = Object::default();
            object.insert(&key, value);
            same_bytes(object);
        }
        assert_eq!(same_bytes(Object::default()), "{}");
    }

    #[test]
    fn a_missing_value_is_an_error() {
        assert!(crate::json::to_string(&Value::Missing).is_err());
    }
}
