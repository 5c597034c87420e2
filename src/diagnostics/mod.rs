//! Diagnostics as plain data, one registry of codes, one renderer.
//!
//! Every problem mapc reports, from a syntax error to a record that fails at
//! run time, is a [`Diagnostic`]: a stable [`Code`], a severity, a message,
//! labelled spans in a source file and notes. [`render`] turns it into the
//! rustc-like text the CLI prints; the library itself never prints.

mod allow;
mod codes;
mod json;
mod render;
mod shorten;

pub use allow::remove_allowed;
pub use codes::Code;
pub use render::{line_col, render, render_all};
pub use shorten::{shorten, shorten_message};

use crate::span::Span;
use std::sync::Arc;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something to look at; the mapping still compiles.
    Warning,
    /// The mapping (or the record) cannot be used.
    Error,
}

/// A source text with the name it is reported under.
#[derive(Debug)]
pub struct SourceFile {
    /// The name in diagnostics: a path, or `<mapping>`.
    pub name: String,
    /// The text.
    pub text: String,
    /// Where each line starts, computed at the first diagnostic that needs
    /// a line number: each is then a binary search, not a scan from the
    /// start of the file (thousands of diagnostics in a long file).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceFile {}

impl SourceFile {
    /// A named source text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        })
    }

    /// The 1-based line and column (in characters) of a byte offset, as
    /// [`line_col`] gives, from an index of the lines built once.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text.as_str();
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = starts.partition_point(|&s| s <= offset);
        let line_start = starts[line - 1];
        (line, text[line_start..offset].chars().count() + 1)
    }
}

/// A span in a particular file, with a message under it.
#[derive(Clone, Debug)]
pub struct Label {
    /// The file the span is in.
    pub file: Arc<SourceFile>,
    /// The offending text.
    pub span: Span,
    /// Written under it (may be empty).
    pub message: String,
}

/// One problem, as data.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The stable code (`E202`).
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One line, lowercase, no trailing period.
    pub message: String,
    /// The primary label first.
    pub labels: Vec<Label>,
    /// `= note: ...` lines.
    pub notes: Vec<String>,
    /// `= help: ...` lines.
    pub help: Vec<String>,
}

impl Diagnostic {
    /// An error with `code` and `message`.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            // a value quoted in a message is shortened: a 50 MB string
            // must not be repeated whole in stderr or a JSON diagnostic
            message: shorten_message(&message.into()),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    /// A warning with `code` and `message`.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Adds a label.
    pub fn with_label(
        mut self,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file: Arc::clone(file),
            span,
            message: shorten_message(&message.into()),
        });
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(shorten_message(&note.into()));
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(shorten_message(&help.into()));
        self
    }

    /// Is this an error (rather than a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary label's file, line and column (1-based), if it has one.
    pub fn location(&self) -> Option<(&str, usize, usize)> {
        let label = self.labels.first()?;
        let (line, col) = label.file.line_col(label.span.start);
        Some((label.file.name.as_str(), line, col))
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&render(self))
    }
}

/// Suggests the closest of `candidates` to `name`, for "did you mean" help.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let mut best: Option<(usize, &str)> = None;
    let name_chars = name.chars().count();
    let name_lower = name.to_lowercase();
    for candidate in candidates {
        // the edit distance is at least the difference in length: a name
        // far longer than every candidate (a 1 MB "time zone" from a
        // record) is no typo of one, and costs nothing to rule out
        let candidate_chars = candidate.chars().count();
        if name_chars.abs_diff(candidate_chars) > name_chars.max(candidate_chars) / 3 {
            continue;
        }
        // a difference in case only is the best suggestion there is
        let distance = if name_lower == candidate.to_lowercase() {
            0
        } else {
            edit_distance(name, candidate)
        };
        // one edit in three characters; none in very short names (`BR` is
        // not a typo of `FR`), and replacing every character is not a typo
        let limit = name.chars().count().max(candidate.chars().count()) / 3;
        let related = distance < name.chars().count().min(candidate.chars().count());
        if distance <= limit && related && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring characters counts as one
/// edit (optimal string alignment), so `trmi` is one edit from `trim`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // three rows: two rows back (for transpositions), previous, current
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("trmi", ["trim", "lower"]), Some("trim"));
        assert_eq!(
            did_you_mean("to_moeny", ["to_money", "to_number"]),
            Some("to_money")
        );
        assert_eq!(did_you_mean("zzz", ["trim", "lower"]), None);
        assert_eq!(did_you_mean("BR", ["FR", "DE"]), None);
        assert_eq!(did_you_mean("Paid", ["paid"]), Some("paid"));
        assert_eq!(did_you_mean("z", ["a", "b"]), None);
        assert_eq!(did_you_mean("ab", ["abc"]), Some("abc"));
    }
}
