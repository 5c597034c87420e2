//! A projected record: the parts of one JSON text that a mapping reads,
//! borrowing the text wherever it can.

use crate::json::{Map, Number, Value as Json};
use std::borrow::Cow;

/// One value of a projected record. Strings without escapes and number
/// texts borrow from the record's JSON text. Objects and arrays hold only
/// what the mapping reads below them, unless they are kept whole.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tree<'t> {
    Null,
    Bool(bool),
    /// A number's JSON text, exactly as written.
    Number(Cow<'t, str>),
    String(Cow<'t, str>),
    /// An array of which each element holds only what is read of it.
    Array(Vec<Tree<'t>>),
    /// An object with only the keys that are read, in input order (a
    /// repeated key keeps its first place and its last value).
    Object(Vec<(Cow<'t, str>, Tree<'t>)>),
    /// An object or array used whole by the mapping.
    Whole(Json),
}

impl Tree<'_> {
    /// The projected value as JSON.
    pub(crate) fn to_json(&self) -> Json {
        match self {
            Tree::Null => Json::Null,
            Tree::Bool(b) => Json::Bool(*b),
            Tree::Number(text) => {
                Json::Number(Number::from_string_unchecked(text.clone().into_owned()))
            }
            Tree::String(s) => Json::String(s.clone().into_owned()),
            Tree::Array(items) => Json::Array(items.iter().map(Tree::to_json).collect()),
            Tree::Object(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key.clone().into_owned(), value.to_json());
                }
                Json::Object(map)
            }
            Tree::Whole(json) => json.clone(),
        }
    }
}
