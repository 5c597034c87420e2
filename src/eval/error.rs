//! Runtime errors as data: what failed, in which record, for which target
//! field, at which source path, with which value, and where in the mapping.

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::json::Value as Json;
use crate::syntax::Span;
use std::fmt;
use std::sync::Arc;

/// The largest offending value (as JSON text) an error keeps whole for
/// [`RuntimeError::value_json`]: a 50 MB string is not copied into every
/// error that quotes it.
const MAX_VALUE_JSON_BYTES: usize = 64 << 10;

/// One error of one record.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RuntimeError {
    /// The stable code (`E302`).
    pub code: Code,
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// The target field being written: `lines[2].sku`.
    pub target: Option<String>,
    /// Where the offending value was read in the input: `$.line_items[2].price`.
    pub source_path: Option<String>,
    /// The offending value, shortened for a message (JSON text, cut at 60
    /// characters); [`RuntimeError::value_json`] gives it as JSON.
    pub value: Option<String>,
    /// The offending value as JSON, when it was kept (see
    /// [`RuntimeError::value_json`]).
    pub(crate) value_json: Option<Json>,
    /// A likely fix.
    pub help: Option<String>,
    /// More context: the `let` or def the error happened in.
    pub notes: Vec<String>,
    /// The mapping file.
    pub file: Arc<SourceFile>,
    /// The offending text in the mapping.
    pub span: Span,
}

impl RuntimeError {
    /// The offending value as JSON: the value itself, not its shortened
    /// text ([`RuntimeError::value`]); numbers keep their digits. `None`
    /// when the error names no value, when the value is missing (no such
    /// path), or when its JSON text is longer than 64 KiB (then only the
    /// shortened text is kept).
    ///
    /// ```
    /// # use mapc::Mapping;
    /// # use mapc::json::json;
    /// let mapping = Mapping::compile("amount = .amount / 100")?;
    /// let error = mapping.apply(&json!({"amount": "12.50"})).unwrap_err();
    /// assert_eq!(error.errors[0].value_json(), Some(json!("12.50")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn value_json(&self) -> Option<Json> {
        if let Some(json) = &self.value_json {
            return Some(json.clone());
        }
        // a short value's text is its whole JSON (a cut one ends in `…`)
        let text = self.value.as_deref()?;
        crate::parse_json(text).ok()
    }

    /// Sets the offending value: its shortened text and its JSON.
    pub(crate) fn set_value(&mut self, value: &super::Value<'_>) {
        let (text, json) = value.describe_with_json(MAX_VALUE_JSON_BYTES);
        self.value = Some(text);
        self.value_json = json;
    }

    /// Keeps `value` as the offending value's JSON when the error's text
    /// is that value's (a built-in's error names its argument by text).
    pub(crate) fn keep_value_json(&mut self, value: &super::Value<'_>) {
        let (text, json) = value.describe_with_json(MAX_VALUE_JSON_BYTES);
        if self.value.as_deref() == Some(text.as_str()) {
            self.value_json = json;
        }
    }

    /// The error as an entry of a reject's `errors`: `{"code", "message",
    /// "target", "source"}` (`null` when the error has none), as
    /// [`reject::error_entry`](crate::reject::error_entry) builds it for
    /// `mapc apply`'s reject file.
    ///
    /// ```
    /// # use mapc::Mapping;
    /// # use mapc::json::json;
    /// let mapping = Mapping::compile("id = .id required")?;
    /// let error = mapping.apply(&json!({})).unwrap_err();
    /// assert_eq!(error.errors[0].to_json(), json!({
    ///     "code": "E300",
    ///     "message": "required field `id` has no value: `$.id` is missing",
    ///     "target": "id",
    ///     "source": "$.id",
    /// }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> Json {
        crate::reject::error_entry(
            self.code,
            &self.message,
            self.target.as_deref(),
            self.source_path.as_deref(),
        )
    }

    /// The 1-based line and column in the mapping.
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.span.start)
    }

    /// The error as a diagnostic, for rendering. `record` names the record
    /// ("record 3", "line 17") when the caller knows it.
    pub fn to_diagnostic(&self, record: Option<&str>) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, self.message.clone());
        // an error of the input itself (a record that is not an object)
        // has no place in the mapping
        if self.code != Code::NotAnObject {
            d = d.with_label(&self.file, self.span, "");
        }
        let mut context = Vec::new();
        if let Some(record) = record {
            context.push(record.to_string());
        }
        if let Some(target) = &self.target {
            context.push(format!("target field `{target}`"));
        }
        if !context.is_empty() {
            d.notes.push(context.join(", "));
        }
        match (&self.source_path, &self.value) {
            (Some(path), Some(value)) if value == "(missing)" => {
                d.notes.push(format!("source `{path}` is missing"));
            }
            (Some(path), Some(value)) => d.notes.push(format!("source `{path}` is {value}")),
            (Some(path), None) => d.notes.push(format!("source `{path}`")),
            (None, Some(value)) => d.notes.push(format!("value {value}")),
            (None, None) => {}
        }
        d.notes.extend(self.notes.iter().cloned());
        if let Some(help) = &self.help {
            d.help.push(help.clone());
        }
        d
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        write!(
            f,
            "{}: {} at {}:{line}:{col}",
            self.code.as_str(),
            self.message,
            self.file.name
        )?;
        if let Some(target) = &self.target {
            write!(f, ", target `{target}`")?;
        }
        if let Some(path) = &self.source_path {
            write!(f, ", source `{path}`")?;
        }
        if let Some(value) = &self.value {
            write!(f, ", value {value}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuntimeError {}

/// Why a record could not be mapped: every error found in it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApplyError {
    /// At least one.
    pub errors: Vec<RuntimeError>,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApplyError {}

impl ApplyError {
    /// The errors as a reject entry without its record: `{"errors":
    /// [...]}`, each as [`RuntimeError::to_json`] gives it. A
    /// [`RecordError`](crate::RecordError) (what [`BoundMapping::map`](crate::BoundMapping::map)
    /// and [`BoundMapping::map_json`](crate::BoundMapping::map_json) give)
    /// adds the record itself.
    pub fn to_json(&self) -> Json {
        crate::reject::errors_entry(crate::reject::apply_error_entries(self))
    }

    /// The codes of the errors, in the order they were found.
    pub fn codes(&self) -> Vec<Code> {
        self.errors.iter().map(|e| e.code).collect()
    }
}
