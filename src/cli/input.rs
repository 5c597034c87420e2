//! Where records come from: a file or stdin, read whole (one JSON document)
//! or line by line (NDJSON, in constant memory).

use super::Failure;
use super::report::io_message;
use serde_json::Value as Json;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The input of `mapc apply`.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// `-` or no argument means stdin.
    pub(crate) fn new(path: Option<&Path>) -> Source {
        match path {
            None => Source::Stdin,
            Some(p) if p.as_os_str() == "-" => Source::Stdin,
            Some(p) => Source::File(p.to_path_buf()),
        }
    }

    /// Does the file name say NDJSON (`.ndjson`, `.jsonl`)?
    pub(crate) fn looks_like_ndjson(&self) -> bool {
        match self {
            Source::Stdin => false,
            Source::File(path) => path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl")
            }),
        }
    }

    /// Opens the input for reading line by line.
    pub(crate) fn open(&self) -> Result<Box<dyn BufRead>, Failure> {
        Ok(match self {
            Source::Stdin => Box::new(io::stdin().lock()),
            Source::File(path) => {
                let file = File::open(path).map_err(|e| self.read_failure(&e))?;
                Box::new(BufReader::new(file))
            }
        })
    }

    /// Reads the whole input.
    pub(crate) fn read_all(&self) -> Result<Vec<u8>, Failure> {
        let mut bytes = Vec::new();
        self.open()?
            .read_to_end(&mut bytes)
            .map_err(|e| self.read_failure(&e))?;
        Ok(bytes)
    }

    /// `cannot read `orders.json`: No such file or directory`
    pub(crate) fn read_failure(&self, error: &io::Error) -> Failure {
        Failure::usage(format_args!("cannot read {self}: {}", io_message(error)))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("stdin"),
            Source::File(path) => write!(f, "`{}`", path.display()),
        }
    }
}

/// One non-blank line of NDJSON: its 1-based number and the parsed record.
pub(crate) struct Line {
    pub(crate) number: usize,
    pub(crate) record: Result<Json, serde_json::Error>,
}

/// Reads NDJSON one line at a time into a reused buffer. Blank lines are
/// skipped but counted; a `\r` before the `\n` is tolerated.
pub(crate) struct NdjsonReader {
    reader: Box<dyn BufRead>,
    buffer: Vec<u8>,
    line: usize,
}

impl NdjsonReader {
    pub(crate) fn new(reader: Box<dyn BufRead>) -> Self {
        NdjsonReader {
            reader,
            buffer: Vec::new(),
            line: 0,
        }
    }

    /// The next non-blank line, `None` at the end.
    ///
    /// # Errors
    /// The input cannot be read.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            self.buffer.clear();
            if self.reader.read_until(b'\n', &mut self.buffer)? == 0 {
                return Ok(None);
            }
            self.line += 1;
            let text = self.buffer.trim_ascii();
            if text.is_empty() {
                continue;
            }
            return Ok(Some(Line {
                number: self.line,
                record: serde_json::from_slice(text),
            }));
        }
    }
}
