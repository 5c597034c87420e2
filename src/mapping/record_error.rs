//! A record that did not map, as data: the record itself and every error
//! found in it, in the shape of a reject-file entry.

use crate::diagnostics::Code;
use crate::eval::{ApplyError, RuntimeError};
use crate::json::Value as Json;
use crate::reject::{self, Carried, InputError};
use std::fmt;

/// Why one record did not map, with the record: what
/// [`BoundMapping::map_json`](crate::BoundMapping::map_json) and
/// [`BoundMapping::map`](crate::BoundMapping::map) give. Every error has
/// its code, message, target field and source path (and, for an error of
/// the mapping, the offending value and the line and column in the
/// mapping); [`RecordError::to_json`] gives the entry `mapc apply` writes
/// to its reject file for it, so a service's dead-letter queue and mapc's
/// reject file say the same thing in the same shape.
///
/// ```
/// use mapc::{Code, Env, Mapping};
/// use mapc::json::json;
///
/// let bound = Mapping::compile("id = .id required\ntotal = .amount / 100")?.bind(&Env::new())?;
///
/// // a record whose fields fail: every error, each with its value as JSON
/// let error = bound.map_json(r#"{"amount": "12.50"}"#).unwrap_err();
/// assert_eq!(error.codes(), [Code::RequiredMissing, Code::TypeMismatch]);
/// assert_eq!(error.errors()[1].value_json(), Some(json!("12.50")));
/// assert_eq!(error.errors()[1].line_col(), (2, 9));
/// assert_eq!(error.at_line(17).to_json(), json!({
///     "line": 17,
///     "input": "{\"amount\": \"12.50\"}",
///     "errors": [
///         {"code": "E300", "message": "required field `id` has no value: `$.id` is missing", "target": "id", "source": "$.id"},
///         {"code": "E301", "message": "`/` needs numbers, found string \"12.50\"", "target": "total", "source": "$.amount"},
///     ],
/// }));
///
/// // a record that is not JSON (E400), and one that is not an object (E420)
/// let error = bound.map_json("{\"id\": 1,").unwrap_err();
/// assert_eq!(error.to_json()["errors"][0]["code"], "E400");
/// let error = bound.map(&json!([1, 2])).unwrap_err();
/// assert_eq!(error.to_json(), json!({
///     "record": [1, 2],
///     "errors": [{"code": "E420", "message": "the input record is a list, not an object", "target": null, "source": "$"}],
/// }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RecordError {
    inner: Box<Inner>,
}

#[derive(Clone, Debug)]
struct Inner {
    record: Record,
    reason: Reason,
    /// `("line", 7)` or `("index", 3)`, when the caller said.
    position: Option<(&'static str, u64)>,
}

#[derive(Clone, Debug)]
enum Record {
    Text(Vec<u8>),
    Value(Json),
}

#[derive(Clone, Debug)]
enum Reason {
    Input(InputError),
    Apply(ApplyError),
}

impl RecordError {
    pub(super) fn input(text: &[u8], error: InputError) -> Self {
        RecordError::new(Record::Text(text.to_vec()), Reason::Input(error))
    }

    pub(super) fn apply_text(text: &[u8], error: ApplyError) -> Self {
        RecordError::new(Record::Text(text.to_vec()), Reason::Apply(error))
    }

    pub(super) fn apply_value(record: &Json, error: ApplyError) -> Self {
        RecordError::new(Record::Value(record.clone()), Reason::Apply(error))
    }

    fn new(record: Record, reason: Reason) -> Self {
        RecordError {
            inner: Box::new(Inner {
                record,
                reason,
                position: None,
            }),
        }
    }

    /// The same error, naming the record by its 1-based line (as `mapc
    /// apply` names an NDJSON record): [`RecordError::to_json`] then has
    /// `line`.
    #[must_use]
    pub fn at_line(mut self, line: u64) -> Self {
        self.inner.position = Some(("line", line));
        self
    }

    /// The same error, naming the record by its 0-based index (as `mapc
    /// apply` names an element of a JSON array): [`RecordError::to_json`]
    /// then has `index`.
    #[must_use]
    pub fn at_index(mut self, index: u64) -> Self {
        self.inner.position = Some(("index", index));
        self
    }

    /// The codes of the errors, in the order they were found: one for a
    /// record that is not JSON (E400, E411), at least one otherwise.
    pub fn codes(&self) -> Vec<Code> {
        match &self.inner.reason {
            Reason::Input(error) => vec![error.code],
            Reason::Apply(error) => error.codes(),
        }
    }

    /// The errors of the mapping, in the order they were found, each with
    /// its target field, source path, offending value and place in the
    /// mapping. Empty when the record is not JSON (see
    /// [`RecordError::input_error`]).
    pub fn errors(&self) -> &[RuntimeError] {
        match &self.inner.reason {
            Reason::Input(_) => &[],
            Reason::Apply(error) => &error.errors,
        }
    }

    /// Why the record's text is not a record (not UTF-8 or not JSON:
    /// E400; a key twice: E411), when that is why.
    pub fn input_error(&self) -> Option<&InputError> {
        match &self.inner.reason {
            Reason::Input(error) => Some(error),
            Reason::Apply(_) => None,
        }
    }

    /// The record's text, byte for byte, when it was given as text.
    pub fn text(&self) -> Option<&[u8]> {
        match &self.inner.record {
            Record::Text(text) => Some(text),
            Record::Value(_) => None,
        }
    }

    /// The record, when it was given as a value.
    pub fn record(&self) -> Option<&Json> {
        match &self.inner.record {
            Record::Value(value) => Some(value),
            Record::Text(_) => None,
        }
    }

    /// The error as a reject-file entry, built by the same function as
    /// `mapc apply --on-error reject=FILE`'s ([`reject`](crate::reject)):
    /// `line` or `index` when set ([`RecordError::at_line`],
    /// [`RecordError::at_index`]); the record as `input` (its text, as a
    /// string), `input_base64` (text that is not UTF-8) or `record` (a
    /// value); and `errors`, each `{"code", "message", "target",
    /// "source"}`.
    pub fn to_json(&self) -> Json {
        let errors = match &self.inner.reason {
            Reason::Input(error) => vec![error.entry()],
            Reason::Apply(error) => reject::apply_error_entries(error),
        };
        let carried = match &self.inner.record {
            Record::Text(text) => Carried::Text(text),
            Record::Value(value) => Carried::Value(value),
        };
        reject::build_entry(self.inner.position, carried, None, errors)
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((name, number)) = self.inner.position {
            write!(f, "record at {name} {number}: ")?;
        }
        match &self.inner.reason {
            Reason::Input(error) => write!(
                f,
                "{}: {}",
                error.code.as_str(),
                error.message_with_column()
            ),
            Reason::Apply(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.reason {
            Reason::Input(_) => None,
            Reason::Apply(error) => Some(error),
        }
    }
}
