//! The error of parsing or writing JSON.

use std::fmt;

/// JSON that could not be parsed (or a value that could not be written):
/// what is wrong, and where (line and column, both from 1; 0 when there is
/// no position, as for an I/O error).
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    message: Box<str>,
    line: usize,
    column: usize,
    category: Category,
}

/// What kind of problem an [`Error`] is (serde_json's categories).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Category {
    /// Writing or reading the bytes failed.
    Io,
    /// The text is not JSON.
    Syntax,
    /// Valid JSON that mapc refuses (an object that gives a key twice).
    Data,
    /// The text ends before the value does.
    Eof,
}

impl Error {
    pub(crate) fn syntax(message: &str, line: usize, column: usize) -> Error {
        Error {
            message: message.into(),
            line,
            column,
            category: Category::Syntax,
        }
    }

    /// What kind of problem this is.
    #[must_use]
    pub fn classify(&self) -> Category {
        self.category
    }

    /// Whether writing or reading the bytes failed.
    #[must_use]
    pub fn is_io(&self) -> bool {
        self.category == Category::Io
    }

    /// Whether the text is not JSON.
    #[must_use]
    pub fn is_syntax(&self) -> bool {
        self.category == Category::Syntax
    }

    /// Whether the text is valid JSON that mapc refuses (a key twice).
    #[must_use]
    pub fn is_data(&self) -> bool {
        self.category == Category::Data
    }

    /// Whether the text ends before the value does.
    #[must_use]
    pub fn is_eof(&self) -> bool {
        self.category == Category::Eof
    }

    /// What is wrong, without the position (`expected value`, `duplicate
    /// key `id``, `EOF while parsing an object`).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line of the problem, from 1 (0 when there is no position).
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the problem on its line, from 1 (0 when there is no
    /// position).
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Error {
        let (line, column) = (error.line(), error.column());
        let text = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = match text.strip_suffix(&suffix) {
            Some(message) if line > 0 => message.to_string(),
            _ => text,
        };
        let category = match error.classify() {
            serde_json::error::Category::Io => Category::Io,
            serde_json::error::Category::Syntax => Category::Syntax,
            serde_json::error::Category::Data => Category::Data,
            serde_json::error::Category::Eof => Category::Eof,
        };
        Error {
            message: message.into(),
            line,
            column,
            category,
        }
    }
}

impl fmt::Display for Error {
    /// As serde_json's: `expected value at line 1 column 5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "{} at line {} column {}",
                self.message, self.line, self.column
            )
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Error({:?}, line: {}, column: {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for Error {}
