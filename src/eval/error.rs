//! Runtime errors as data: what failed, in which record, for which target
//! field, at which source path, with which value, and where in the mapping.

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::syntax::Span;
use std::fmt;
use std::sync::Arc;

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
    /// The offending value, shortened.
    pub value: Option<String>,
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
