//! Rejects (dead-letter entries): what is kept of a record that failed, so
//! that no record is lost. The `mapc apply --on-error reject=FILE` file,
//! the Python package's batch rejects and its Spark rejects all use these
//! functions, so they say the same thing in the same shape:
//!
//! ```json
//! {"line": 3, "input": "{\"id\": 1}", "errors": [{"code": "E300", "message": "...", "target": "email", "source": "$.email"}]}
//! ```
//!
//! ```
//! use mapc::{Mapping, reject};
//! let mapping = Mapping::compile("id = .id required").unwrap();
//! let error = reject::read_line(&mapping, b"{\"id\": 1,").unwrap_err();
//! let entry = reject::entry(7, b"{\"id\": 1,", None, vec![error.entry()]);
//! assert_eq!(entry["line"], 7);
//! assert_eq!(entry["errors"][0]["code"], "E400");
//! assert_eq!(entry["errors"][0]["message"], "input is not valid JSON: EOF while parsing a value at column 9");
//! ```

use crate::diagnostics::Code;
use crate::eval::ApplyError;
use crate::json::{Map, Value as Json};
use crate::mapping::{Mapping, Record};
use base64::Engine as _;

/// Why an input line is not a record: not UTF-8, or not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputError {
    /// The stable code (`E400`).
    pub code: Code,
    /// What is wrong, without the position: `input is not valid JSON: expected `:``.
    pub message: String,
    /// The 1-based column (in bytes) where the text went wrong.
    pub column: Option<usize>,
}

impl InputError {
    /// An input error with this code, message and column.
    pub fn new(code: Code, message: impl Into<String>, column: Option<usize>) -> Self {
        InputError {
            code,
            message: crate::diagnostics::shorten_message(&message.into()),
            column,
        }
    }

    /// The message with its column: `input is not valid JSON: expected `:` at column 6`.
    pub fn message_with_column(&self) -> String {
        match self.column {
            Some(column) => format!("{} at column {column}", self.message),
            None => self.message.clone(),
        }
    }

    /// The error as an entry of a reject's `errors` (see [`error_entry`]).
    pub fn entry(&self) -> Json {
        error_entry(self.code, &self.message_with_column(), None, None)
    }

    /// The error as a reject entry without its record: `{"errors":
    /// [...]}` ([`crate::RecordError::to_json`] adds the record).
    pub fn to_json(&self) -> Json {
        errors_entry(vec![self.entry()])
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message_with_column())
    }
}

impl std::error::Error for InputError {}

/// Reads one line of NDJSON (without its `\n`) as a record for
/// [`BoundMapping::apply_record_to`](crate::BoundMapping::apply_record_to): ASCII
/// whitespace around the text is ignored, the text must be UTF-8 and one
/// JSON value.
///
/// # Errors
/// The line is not UTF-8 or not JSON (E400), with the column.
pub fn read_line<'t>(mapping: &Mapping, text: &'t [u8]) -> Result<Record<'t>, InputError> {
    let text = std::str::from_utf8(text.trim_ascii()).map_err(|e| InputError {
        code: Code::InvalidJson,
        message: "input is not valid UTF-8".to_string(),
        column: Some(e.valid_up_to() + 1),
    })?;
    mapping.read(text).map_err(|e| InputError {
        // valid JSON syntax that mapc refuses: an object with a key twice
        code: if e.is_data() {
            Code::DuplicateInputKey
        } else {
            Code::InvalidJson
        },
        message: crate::diagnostics::shorten_message(&if e.is_data() {
            let message = json_message(&e);
            match message.strip_prefix("duplicate key ") {
                Some(key) => format!("input record has the key {key} twice"),
                None => format!("input record is refused: {message}"),
            }
        } else {
            format!("input is not valid JSON: {}", json_message(&e))
        }),
        column: Some(e.column()),
    })
}

/// A failed record's errors as the whole record gives them. The fast read
/// ([`Mapping::read`]) keeps only the keys the mapping reads, so a message
/// that lists the keys a record has ("did you mean `email`?") needs the
/// rest: the record is read again whole, only when it failed.
pub fn full_report(bound: &crate::BoundMapping, text: &str, projected: ApplyError) -> ApplyError {
    match crate::parse_json(text) {
        Ok(whole) => match bound.apply_all(&whole) {
            Err(error) if error.errors.len() == projected.errors.len() => error,
            _ => projected,
        },
        Err(_) => projected,
    }
}

/// A JSON parse error's message without its ` at line 1 column 5` suffix
/// (mapc says the position its own way).
pub fn json_message(error: &crate::json::Error) -> String {
    error.message().to_string()
}

/// One entry of a reject's `errors`: `{"code", "message", "target",
/// "source"}`, `target` and `source` `null` when the error has none.
pub fn error_entry(code: Code, message: &str, target: Option<&str>, source: Option<&str>) -> Json {
    // what is shown is shortened (the entry's `input` keeps the record whole)
    let text = |s: Option<&str>| {
        s.map_or(Json::Null, |s| {
            Json::String(crate::diagnostics::shorten_message(s))
        })
    };
    let mut entry = Map::new();
    entry.insert("code".into(), Json::String(code.as_str().into()));
    entry.insert(
        "message".into(),
        Json::String(crate::diagnostics::shorten_message(message)),
    );
    entry.insert("target".into(), text(target));
    entry.insert("source".into(), text(source));
    Json::Object(entry)
}

/// Every error of a record that did not map, as entries of a reject's
/// `errors`, in the order they were found.
pub fn apply_error_entries(error: &ApplyError) -> Vec<Json> {
    error
        .errors
        .iter()
        .map(|e| {
            error_entry(
                e.code,
                &e.message,
                e.target.as_deref(),
                e.source_path.as_deref(),
            )
        })
        .collect()
}

/// A reject for an input line: `{"line": 3, "input": "...", "errors":
/// [...]}`. The line is carried byte for byte (without its `\n`; a `\r`
/// stays): as a JSON string when it is UTF-8, otherwise in `input_base64`
/// (standard alphabet, padded). A line cut at a length limit also has
/// `input_bytes`, its real length.
pub fn entry(line: u64, text: &[u8], cut_from: Option<u64>, errors: Vec<Json>) -> Json {
    build_entry(Some(("line", line)), Carried::Text(text), cut_from, errors)
}

/// The record a reject carries: its text, or its value.
pub(crate) enum Carried<'r> {
    Text(&'r [u8]),
    Value(&'r Json),
    /// None: an error of a record the caller holds.
    Nothing,
}

/// The one place a reject entry is built: `line` or `index` (when known),
/// the record (`input`, `input_base64` or `record`), `input_bytes` (a
/// record cut at a length limit), then `errors`.
pub(crate) fn build_entry(
    position: Option<(&str, u64)>,
    record: Carried<'_>,
    cut_from: Option<u64>,
    errors: Vec<Json>,
) -> Json {
    let mut entry = Map::new();
    if let Some((name, number)) = position {
        entry.insert(name.into(), Json::from(number));
    }
    match record {
        Carried::Text(text) => match std::str::from_utf8(text) {
            Ok(text) => entry.insert("input".into(), Json::String(text.into())),
            Err(_) => entry.insert(
                "input_base64".into(),
                Json::String(base64::engine::general_purpose::STANDARD.encode(text)),
            ),
        },
        Carried::Value(value) => entry.insert("record".into(), value.clone()),
        Carried::Nothing => None,
    };
    if let Some(length) = cut_from {
        entry.insert("input_bytes".into(), Json::from(length));
    }
    entry.insert("errors".into(), Json::Array(errors));
    Json::Object(entry)
}

/// A reject entry without its record: `{"errors": [...]}`.
pub(crate) fn errors_entry(errors: Vec<Json>) -> Json {
    build_entry(None, Carried::Nothing, None, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_messages_lose_the_position() {
        let error = crate::json::from_str("{\"a\" 1}").unwrap_err();
        assert_eq!(json_message(&error), "expected `:`");
    }

    #[test]
    fn a_line_that_is_not_utf8_is_kept_in_base64() {
        let mapping = Mapping::compile("id = .id").unwrap();
        let error = read_line(&mapping, b"{\"id\": \"\xff\"}").unwrap_err();
        assert_eq!(
            error.message_with_column(),
            "input is not valid UTF-8 at column 9"
        );
        let entry = entry(2, b"{\"id\": \"\xff\"}", None, vec![error.entry()]);
        assert_eq!(entry["input_base64"], "eyJpZCI6ICL/In0=");
        assert!(entry.get("input").is_none());
    }
}
