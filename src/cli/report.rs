//! Rendering what went wrong to stderr: diagnostics from the library, bad
//! input JSON, and I/O errors worded for people.

use mapc::diagnostics::render;
use mapc::{ApplyError, Code, Diagnostic};
use std::io::{self, Write};

/// Writes already-rendered text to stderr; a closed stderr is ignored
/// (there is nowhere left to report it).
pub(crate) fn eprint(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// An I/O error's message without the platform's `(os error 2)` suffix:
/// `No such file or directory`.
pub(crate) fn io_message(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// Writes diagnostics to stderr as they come, a blank line between two.
#[derive(Debug, Default)]
pub(crate) struct Reporter {
    written: usize,
}

impl Reporter {
    /// Reports one diagnostic.
    pub(crate) fn diagnostic(&mut self, diagnostic: &Diagnostic) {
        let mut text = String::new();
        if self.written > 0 {
            text.push('\n');
        }
        text.push_str(&render(diagnostic));
        eprint(&text);
        self.written += 1;
    }

    /// Reports every error of a record; `record` names it for the reader.
    pub(crate) fn apply_error(&mut self, error: &ApplyError, record: Option<&str>) {
        for e in &error.errors {
            self.diagnostic(&e.to_diagnostic(record));
        }
    }

    /// Reports already-rendered diagnostics (nothing when empty).
    pub(crate) fn text(&mut self, rendered: &str) {
        if rendered.is_empty() {
            return;
        }
        let separator = if self.written > 0 { "\n" } else { "" };
        eprint(&format!("{separator}{rendered}"));
        self.written += 1;
    }

    /// Reports a line of text (a summary) after the diagnostics.
    pub(crate) fn line(&mut self, text: &str) {
        let separator = if self.written > 0 { "\n" } else { "" };
        eprint(&format!("{separator}{text}\n"));
        self.written += 1;
    }
}

/// Error E400 for input that is not valid JSON. `context` says where the
/// text came from (a file, or a line of it); the position is serde_json's.
pub(crate) fn invalid_json(error: &mapc::json::Error, context: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidJson,
        format!("input is not valid JSON: {}", json_message(error)),
    )
    .with_note(context.to_string())
}

pub(crate) use mapc::reject::json_message;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_messages_lose_the_os_error_number() {
        let error = io::Error::from_raw_os_error(2);
        assert_eq!(io_message(&error), "No such file or directory");
    }
}
