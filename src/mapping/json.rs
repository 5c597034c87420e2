//! JSON text in: records read whole ([`parse_json`]) or only in the parts
//! a mapping reads ([`Mapping::read`](super::Mapping::read) → [`Record`]).

use crate::json::Value as Json;
use crate::projection::{self, Need, Tree};

/// One record's JSON text as [`Mapping::read`](crate::Mapping::read) read it: only the parts
/// the mapping reads, borrowing the text.
#[derive(Clone, Debug)]
pub struct Record<'t> {
    pub(super) tree: Tree<'t>,
}

impl Record<'_> {
    /// The parts of the record that were read, as JSON.
    #[must_use]
    pub fn to_json(&self) -> Json {
        self.tree.to_json()
    }
}

/// Parses one JSON text whole, as mapc reads input: every number keeps its
/// text exactly as written (`1E3` stays `1E3`, `2.50` stays `2.50`, where
/// serde_json's own parse would re-spell an exponent or read an `f64`). A
/// number copied from such a value to the output is written byte for byte
/// as it was read. An object that gives a key twice is refused (see
/// [`parse_json_allowing_repeated_keys`] and [`json::from_str`](crate::json::from_str)).
///
/// # Errors
/// The text is not one valid JSON value: a [`json::Error`](crate::json::Error)
/// that says what and names the line and column.
pub fn parse_json(text: &str) -> Result<Json, crate::json::Error> {
    projection::read(text, &Need::All).map(|tree| tree.to_json())
}

/// [`parse_json`] for a document whose records may give a key twice: such
/// an object keeps the key's first place and its last value (as serde_json
/// does), for a caller that finds and reports repeated keys itself (`mapc
/// apply` rejects each such record of an array with E411, and maps the
/// others). [`parse_json`] refuses a key twice.
///
/// ```
/// let json = mapc::parse_json_allowing_repeated_keys(r#"{"a": 1E3, "a": 2}"#).unwrap();
/// assert_eq!(json.to_string(), r#"{"a":2}"#);
/// assert!(mapc::parse_json(r#"{"a": 1, "a": 2}"#).is_err());
/// ```
///
/// # Errors
/// The text is not one valid JSON value (the error names the line and
/// column).
pub fn parse_json_allowing_repeated_keys(text: &str) -> Result<Json, crate::json::Error> {
    projection::read_allowing_repeated_keys(text)
}
