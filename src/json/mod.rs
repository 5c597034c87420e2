//! mapc's JSON: a value type whose numbers keep their text and whose
//! objects keep their key order, with its parser and writer.
//!
//! mapc needs both: money never passes through `f64` (a decimal is read
//! from the number's text, `2.50` is written back as `2.50`, `1E-2` as
//! `1E-2`), and an output's fields come out in the mapping's order. These
//! types give mapc both without serde_json's `arbitrary_precision` and
//! `preserve_order` features, which Cargo would turn on for every crate of
//! a service that depends on mapc (its own `serde_json::Map`s would become
//! insertion-ordered and its numbers change representation).
//!
//! The names follow serde_json's: [`Value`], [`Map`], [`Number`],
//! [`json!`](crate::json::json), [`from_str`], [`to_string`],
//! [`to_writer`], … A host that holds a `serde_json::Value` converts with
//! `Value::from(host_value)` and `serde_json::Value::try_from(value)` (see
//! [`Value::to_serde_json`] for what happens to numbers), or goes through
//! serde ([`Value`] implements `Serialize` and `Deserialize`).
//!
//! ```
//! use mapc::json::{self, json};
//!
//! let value = json::from_str(r#"{"z": 1, "amount": 2.50, "a": 1E-2}"#)?;
//! assert_eq!(value["amount"].as_number().unwrap().as_str(), "2.50");
//! assert_eq!(value.to_string(), r#"{"z":1,"amount":2.50,"a":1E-2}"#);
//! assert_eq!(json!({"id": 1, "tags": ["a"]}).to_string(), r#"{"id":1,"tags":["a"]}"#);
//! # Ok::<(), json::Error>(())
//! ```

mod error;
mod macros;
mod map;
mod number;
mod serde;
mod value;

pub use crate::__mapc_json as json;
pub use error::{Category, Error};
pub use map::Map;
pub use number::Number;
pub(crate) use number::is_json_number;
pub(crate) use serde::serialize_number_text;
pub use value::{Index, Value};

use ::serde::Serialize;
use std::io;

/// Parses one JSON text into a [`Value`], every number's text kept as
/// written. As serde_json's `from_str`, an object that gives a key twice
/// keeps the key's first place and its last value; [`crate::parse_json`]
/// refuses it instead.
///
/// # Errors
/// The text is not one JSON value; the error names the line and column.
pub fn from_str(text: &str) -> Result<Value, Error> {
    crate::projection::read_allowing_repeated_keys(text)
}

/// [`from_str`] for bytes, which must be UTF-8.
///
/// # Errors
/// The bytes are not UTF-8 or not one JSON value.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => from_str(text),
        Err(_) => Err(
            match ::serde_json::from_slice::<::serde_json::Value>(bytes) {
                Err(error) => Error::from(error),
                Ok(_) => Error::syntax("invalid unicode code point", 0, 0),
            },
        ),
    }
}

/// The value as compact JSON text (no spaces), numbers written as their
/// text. Takes anything serde serialises, as serde_json's function does.
///
/// # Errors
/// Only when `value`'s own `Serialize` fails (never for a [`Value`]).
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> Result<String, Error> {
    ::serde_json::to_string(value).map_err(Error::from)
}

/// The value as JSON text indented by two spaces.
///
/// # Errors
/// Only when `value`'s own `Serialize` fails (never for a [`Value`]).
pub fn to_string_pretty<T: ?Sized + Serialize>(value: &T) -> Result<String, Error> {
    ::serde_json::to_string_pretty(value).map_err(Error::from)
}

/// The value as compact JSON bytes.
///
/// # Errors
/// Only when `value`'s own `Serialize` fails (never for a [`Value`]).
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    ::serde_json::to_vec(value).map_err(Error::from)
}

/// The value as JSON bytes indented by two spaces.
///
/// # Errors
/// Only when `value`'s own `Serialize` fails (never for a [`Value`]).
pub fn to_vec_pretty<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    ::serde_json::to_vec_pretty(value).map_err(Error::from)
}

/// Writes the value as compact JSON.
///
/// # Errors
/// Writing fails, or `value`'s own `Serialize` does.
pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(writer: W, value: &T) -> Result<(), Error> {
    ::serde_json::to_writer(writer, value).map_err(Error::from)
}

/// Writes the value as JSON indented by two spaces.
///
/// # Errors
/// Writing fails, or `value`'s own `Serialize` does.
pub fn to_writer_pretty<W: io::Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> Result<(), Error> {
    ::serde_json::to_writer_pretty(writer, value).map_err(Error::from)
}

/// What [`json!`](crate::json::json) does with an interpolated expression.
#[doc(hidden)]
pub fn to_value<T: Clone + Into<Value>>(value: &T) -> Value {
    value.clone().into()
}

impl From<::serde_json::Value> for Value {
    /// A host's `serde_json::Value` as mapc's: keys in the host map's order
    /// (sorted, unless the host turned on `preserve_order`), each number as
    /// serde_json writes it (with serde_json's default features a
    /// non-integer was read as an `f64`: `2.50` arrives as `2.5`, and
    /// precision beyond an `f64`'s is already gone; parse the text with
    /// [`from_str`] to keep it).
    fn from(value: ::serde_json::Value) -> Value {
        use ::serde_json::Value as Host;
        match value {
            Host::Null => Value::Null,
            Host::Bool(b) => Value::Bool(b),
            Host::Number(n) => Value::Number(Number::from_string_unchecked(n.to_string())),
            Host::String(s) => Value::String(s),
            Host::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            Host::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (key, Value::from(value)))
                    .collect(),
            ),
        }
    }
}

impl Value {
    /// The value as a `serde_json::Value`, keys in order as far as the
    /// host's map keeps it (sorted with serde_json's default features).
    /// Numbers are read by serde_json's parser: with its default features
    /// an integer stays exact (within 64 bits) and any other number becomes
    /// the nearest `f64` (`2.50` becomes `2.5`); never use that for money.
    ///
    /// # Errors
    /// A number that serde_json cannot hold (`1e400` without
    /// `arbitrary_precision`).
    pub fn to_serde_json(&self) -> Result<::serde_json::Value, Error> {
        ::serde_json::to_value(self).map_err(Error::from)
    }
}

impl TryFrom<Value> for ::serde_json::Value {
    type Error = Error;

    /// See [`Value::to_serde_json`].
    fn try_from(value: Value) -> Result<Self, Error> {
        value.to_serde_json()
    }
}

#[cfg(test)]
mod tests;
