//! The runtime value. Values read from the input borrow from it; values
//! built by the mapping own their data. `Missing` (no such path) is a value
//! of its own, distinct from JSON `null`.

use super::number::Num;
use crate::json::Value as Json;
use crate::projection::Tree;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A value while a mapping runs.
#[derive(Clone, Debug, Default)]
pub(crate) enum Value<'a> {
    /// The path does not exist in the input (or an `if` without `else`).
    #[default]
    Missing,
    /// JSON `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An exact number.
    Number(Num<'a>),
    /// A string.
    String(Cow<'a, str>),
    /// A list built by the mapping (elements may borrow from the input).
    List(Vec<Value<'a>>),
    /// A JSON array or object: from the input, or built by the mapping.
    Json(Cow<'a, Json>),
    /// An object or array of a projected record, holding only what the
    /// mapping reads of it (a value used whole is read whole, as
    /// [`Tree::Whole`]).
    Partial(&'a Tree<'a>),
}

impl<'a> Value<'a> {
    /// A value that borrows `json`.
    pub(crate) fn from_json(json: &'a Json) -> Value<'a> {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(Num::Text(Cow::Borrowed(n.as_str()))),
            Json::String(s) => Value::String(Cow::Borrowed(s)),
            Json::Array(_) | Json::Object(_) => Value::Json(Cow::Borrowed(json)),
        }
    }

    /// A value that borrows a projected record's `tree`.
    pub(crate) fn from_tree(tree: &'a Tree<'a>) -> Value<'a> {
        match tree {
            Tree::Null => Value::Null,
            Tree::Bool(b) => Value::Bool(*b),
            Tree::Number(text) => Value::Number(Num::Text(Cow::Borrowed(text))),
            Tree::String(s) => Value::String(Cow::Borrowed(s)),
            Tree::Whole(json) => Value::from_json(json),
            Tree::Array(_) | Tree::Object(_) => Value::Partial(tree),
        }
    }

    /// A value that owns `json`.
    pub(crate) fn from_json_owned(json: Json) -> Value<'a> {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(Num::Text(Cow::Owned(n.as_str().to_string()))),
            Json::String(s) => Value::String(Cow::Owned(s)),
            other => Value::Json(Cow::Owned(other)),
        }
    }

    pub(crate) fn string(s: impl Into<String>) -> Value<'a> {
        Value::String(Cow::Owned(s.into()))
    }

    pub(crate) fn decimal(d: rust_decimal::Decimal) -> Value<'a> {
        Value::Number(Num::Dec(d))
    }

    /// The value as JSON; `None` for `Missing`. Missing list elements and
    /// object fields are left out.
    pub(crate) fn into_json(self) -> Option<Json> {
        Some(match self {
            Value::Missing => return None,
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Number(n) => Json::Number(n.to_json()),
            Value::String(s) => Json::String(s.into_owned()),
            Value::List(items) => {
                Json::Array(items.into_iter().filter_map(Value::into_json).collect())
            }
            Value::Json(j) => j.into_owned(),
            Value::Partial(tree) => tree.to_json(),
        })
    }

    pub(crate) fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A string with nothing but whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        matches!(self, Value::String(s) if s.trim().is_empty())
    }

    /// Missing, null, a blank string, an empty list or object.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Value::Missing | Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Json(j) => match j.as_ref() {
                Json::Array(a) => a.is_empty(),
                Json::Object(o) => o.is_empty(),
                _ => false,
            },
            Value::Partial(Tree::Array(items)) => items.is_empty(),
            Value::Partial(Tree::Object(entries)) => entries.is_empty(),
            _ => false,
        }
    }

    /// The type's name, as in error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Missing => "missing",
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Json(j) => match j.as_ref() {
                Json::Array(_) => "list",
                _ => "object",
            },
            Value::Partial(Tree::Array(_)) => "list",
            Value::Partial(_) => "object",
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_list(&self) -> bool {
        match self {
            Value::List(_) | Value::Partial(Tree::Array(_)) => true,
            Value::Json(j) => j.is_array(),
            _ => false,
        }
    }

    /// `value.key`: `Ok(Missing)` when there is no such key, or when the
    /// value is missing or null; `Err` when it is not an object.
    pub(crate) fn field(&self, key: &str) -> Result<Value<'a>, ()> {
        match self {
            Value::Missing | Value::Null => Ok(Value::Missing),
            Value::Json(Cow::Borrowed(Json::Object(map))) => {
                Ok(get(map, key).map_or(Value::Missing, Value::from_json))
            }
            Value::Json(Cow::Owned(Json::Object(map))) => Ok(get(map, key)
                .cloned()
                .map_or(Value::Missing, Value::from_json_owned)),
            Value::Partial(Tree::Object(entries)) => Ok(entries
                .iter()
                .find(|(k, _)| k == key)
                .map_or(Value::Missing, |(_, v)| Value::from_tree(v))),
            _ => Err(()),
        }
    }

    /// An object's keys, in order; `None` for anything else, and for a
    /// projected record's object, which holds only the keys the mapping
    /// reads.
    pub(crate) fn keys(&self) -> Option<Vec<String>> {
        match self {
            Value::Json(json) => match json.as_ref() {
                Json::Object(map) => Some(map.keys().cloned().collect()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `value[index]` (negative counts from the end): `Ok(Missing)` when out
    /// of range; `Err` when the value is not a list.
    pub(crate) fn index(&self, index: i64) -> Result<Value<'a>, ()> {
        let position = |len: usize| -> Option<usize> {
            let len = i64::try_from(len).ok()?;
            let i = if index < 0 { len + index } else { index };
            if (0..len).contains(&i) {
                usize::try_from(i).ok()
            } else {
                None
            }
        };
        match self {
            Value::Missing | Value::Null => Ok(Value::Missing),
            Value::List(items) => {
                Ok(position(items.len()).map_or(Value::Missing, |i| items[i].clone()))
            }
            Value::Json(Cow::Borrowed(Json::Array(items))) => {
                Ok(position(items.len()).map_or(Value::Missing, |i| Value::from_json(&items[i])))
            }
            Value::Json(Cow::Owned(Json::Array(items))) => Ok(position(items.len())
                .map_or(Value::Missing, |i| Value::from_json_owned(items[i].clone()))),
            Value::Partial(Tree::Array(items)) => {
                Ok(position(items.len()).map_or(Value::Missing, |i| Value::from_tree(&items[i])))
            }
            _ => Err(()),
        }
    }

    /// The elements of a list; `Err` when the value is not a list.
    pub(crate) fn into_elements(self) -> Result<Vec<Value<'a>>, Value<'a>> {
        match self {
            Value::List(items) => Ok(items),
            Value::Json(Cow::Borrowed(Json::Array(items))) => {
                Ok(items.iter().map(Value::from_json).collect())
            }
            Value::Json(Cow::Owned(Json::Array(items))) => {
                Ok(items.into_iter().map(Value::from_json_owned).collect())
            }
            Value::Partial(Tree::Array(items)) => Ok(items.iter().map(Value::from_tree).collect()),
            other => Err(other),
        }
    }

    /// Structural equality; numbers compare by value (`1.0 == 1`).
    pub(crate) fn equals(&self, other: &Value<'_>) -> bool {
        match (self, other) {
            (Value::Missing, Value::Missing) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a.equals(b),
            (Value::String(a), Value::String(b)) => a == b,
            (a, b) if a.is_list() && b.is_list() => {
                let (Ok(a), Ok(b)) = (a.clone().into_elements(), b.clone().into_elements()) else {
                    return false;
                };
                a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.equals(y))
            }
            (Value::Json(a), Value::Json(b)) => json_equals(a, b),
            (Value::Partial(a), b) => b.equals(&Value::Json(Cow::Owned(a.to_json()))),
            (a, Value::Partial(b)) => a.equals(&Value::Json(Cow::Owned(b.to_json()))),
            _ => false,
        }
    }

    /// Does this value equal a constant from the mapping (a table key, a
    /// match pattern)? Strings compare case-insensitively when asked.
    pub(crate) fn equals_json(&self, constant: &Json, ignore_case: bool) -> bool {
        match (self, constant) {
            (Value::String(a), Json::String(b)) if ignore_case => {
                a.to_lowercase() == b.to_lowercase()
            }
            _ => self.equals(&Value::from_json(constant)),
        }
    }

    /// Order of two numbers or two strings; `None` for anything else.
    pub(crate) fn compare(&self, other: &Value<'_>) -> Option<Ordering> {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a.compare(b),
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// A short rendering for error messages: JSON, cut to 60 characters.
    pub(crate) fn describe(&self) -> String {
        self.describe_with_json(0).0
    }

    /// [`Value::describe`]'s text and the value as JSON when its JSON text
    /// is at most `max_json` bytes (never for a missing value).
    pub(crate) fn describe_with_json(&self, max_json: usize) -> (String, Option<Json>) {
        const MAX: usize = 60;
        let (text, json) = match self {
            Value::Missing => return ("(missing)".to_string(), None),
            Value::Number(n) => (
                n.text().into_owned(),
                Some(Json::Number(n.to_json())).filter(|_| max_json > 0),
            ),
            other => match other.clone().into_json() {
                Some(j) => (j.to_string(), Some(j)),
                None => return ("(missing)".to_string(), None),
            },
        };
        let json = json.filter(|_| text.len() <= max_json);
        let text = if text.chars().count() > MAX {
            let cut: String = text.chars().take(MAX - 1).collect();
            format!("{cut}…")
        } else {
            text
        };
        (text, json)
    }
}

/// A key of an object. Small objects (most of a projected record) are
/// scanned: comparing a few short keys is cheaper than hashing one.
fn get<'m>(map: &'m crate::json::Map<String, Json>, key: &str) -> Option<&'m Json> {
    const SCAN: usize = 8;
    if map.len() <= SCAN {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

fn json_equals(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            Num::Text(Cow::Borrowed(x.as_str())).equals(&Num::Text(Cow::Borrowed(y.as_str())))
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equals(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equals(v, w)))
        }
        _ => a == b,
    }
}

/// How deeply an input value (a record given as a `mapc::json::Value`, or a
/// parameter) may nest: serde_json's own limit when it parses text, so a
/// value read from text and one built in code are treated alike. Deeper
/// values are refused before anything recurses on them (cloning, writing
/// and comparing JSON all recurse).
pub const MAX_INPUT_DEPTH: usize = 127;

/// Does `json` nest more than [`MAX_INPUT_DEPTH`] arrays and objects?
/// Iterative: any depth is measured without recursion.
pub(crate) fn too_deep(json: &Json) -> bool {
    let mut stack: Vec<(&Json, usize)> = vec![(json, 0)];
    while let Some((value, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Json>> = match value {
            Json::Array(items) => Box::new(items.iter()),
            Json::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        if depth + 1 > MAX_INPUT_DEPTH {
            return true;
        }
        stack.extend(
            children
                .filter(|c| c.is_array() || c.is_object())
                .map(|c| (c, depth + 1)),
        );
    }
    false
}

impl Value<'_> {
    /// Appends a key that equal values share (as [`Value::equals`] sees
    /// them: numbers by value, lists element by element, objects whatever
    /// their key order), for hashing: `unique` finds repeats in linear time.
    pub(crate) fn equality_key(&self, out: &mut String) {
        crate::stack::guard(|| match self {
            Value::Missing => out.push('m'),
            Value::Null => out.push('z'),
            Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Value::Number(n) => number_key(n, out),
            Value::String(s) => string_key(s, out),
            Value::List(items) => {
                out.push('[');
                for item in items {
                    item.equality_key(out);
                }
                out.push(']');
            }
            Value::Json(json) => json_key(json, out),
            Value::Partial(tree) => json_key(&tree.to_json(), out),
        });
    }
}

fn number_key(n: &Num<'_>, out: &mut String) {
    use std::fmt::Write as _;
    match n.to_decimal() {
        Some(d) => {
            let _ = write!(out, "n{};", d.normalize());
        }
        None => {
            out.push('N');
            string_key(&n.text(), out);
        }
    }
}

fn string_key(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "s{}:", s.len());
    out.push_str(s);
}

fn json_key(json: &Json, out: &mut String) {
    crate::stack::guard(|| match json {
        Json::Null => out.push('z'),
        Json::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Json::Number(n) => number_key(&Num::Text(Cow::Borrowed(n.as_str())), out),
        Json::String(s) => string_key(s, out),
        Json::Array(items) => {
            out.push('[');
            for item in items {
                json_key(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (key, value) in entries {
                string_key(key, out);
                json_key(value, out);
            }
            out.push('}');
        }
    });
}
