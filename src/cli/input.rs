//! Where records come from: a file or stdin, read whole (one JSON object)
//! or record by record (see `formats`).

use super::Failure;
use super::formats::{Format, Input};
use super::report::io_message;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
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

    /// The format the file name says (`None` for stdin).
    pub(crate) fn format(&self) -> Option<Format> {
        match self {
            Source::Stdin => None,
            Source::File(path) => Format::from_path(path),
        }
    }

    /// Opens the input, buffered; with an `encoding` other than UTF-8 it
    /// reads as UTF-8, decoded.
    pub(crate) fn open_as(
        &self,
        encoding: Option<&'static encoding_rs::Encoding>,
    ) -> Result<Input, Failure> {
        let raw: Box<dyn Read + Send> = match self {
            Source::Stdin => Box::new(io::stdin()),
            Source::File(path) => Box::new(File::open(path).map_err(|e| self.read_failure(&e))?),
        };
        let raw = match encoding.filter(|e| *e != encoding_rs::UTF_8) {
            Some(encoding) => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .build(raw),
            ),
            None => raw,
        };
        Ok(BufReader::with_capacity(1 << 18, raw))
    }

    /// Opens the input, buffered.
    pub(crate) fn open(&self) -> Result<Input, Failure> {
        self.open_as(None)
    }

    /// The input's size in bytes, when it is a file (for the progress bar).
    pub(crate) fn len(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }

    /// The whole input, for the paths that read a document at once
    /// (`apply --reverse`).
    pub(crate) fn read_all(&self) -> Result<Vec<u8>, Failure> {
        use std::io::Read as _;
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
