//! Where records come from: a file or stdin, read whole (one JSON document)
//! or line by line (NDJSON, in constant memory).

use super::Failure;
use super::report::io_message;
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
    pub(crate) fn open(&self) -> Result<Box<dyn BufRead + Send>, Failure> {
        Ok(match self {
            Source::Stdin => Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
            Source::File(path) => {
                let file = File::open(path).map_err(|e| self.read_failure(&e))?;
                Box::new(BufReader::with_capacity(1 << 16, file))
            }
        })
    }

    /// The input's size in bytes, when it is a file (for the progress bar).
    pub(crate) fn len(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
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

/// A run of NDJSON lines read together, handed to a worker as one piece
/// of work: the bytes of its lines back to back, and where each starts.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    /// The chunk's place in the stream (0, 1, 2, ...).
    pub(crate) seq: u64,
    pub(crate) bytes: Vec<u8>,
    pub(crate) lines: Vec<RawLine>,
}

/// One non-blank line: its 1-based number, its bytes in the chunk (the
/// line ending `\n` not included; a `\r` before it is kept), and whether it
/// was longer than the limit (then only the first `max_line` bytes are
/// kept).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawLine {
    pub(crate) number: u64,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The line's real length, when it was cut to the limit.
    pub(crate) cut_from: Option<u64>,
}

impl Chunk {
    pub(crate) fn line(&self, line: &RawLine) -> &[u8] {
        &self.bytes[line.start..line.end]
    }
}

/// Reads NDJSON as bytes, in chunks of whole lines. Blank lines are skipped
/// but counted; a UTF-8 byte order mark at the start of the stream is
/// dropped. A line longer than `max_line` bytes is kept cut to that length
/// (so memory stays bounded) and marked, to be rejected.
pub(crate) struct NdjsonReader {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    seq: u64,
    max_line: usize,
    /// Bytes read so far.
    pub(crate) bytes_read: u64,
}

/// A chunk is handed on when it holds this many lines or bytes.
const CHUNK_LINES: usize = 256;
const CHUNK_BYTES: usize = 256 << 10;

impl NdjsonReader {
    pub(crate) fn new(reader: Box<dyn BufRead + Send>, max_line: usize) -> Self {
        NdjsonReader {
            reader,
            line: 0,
            seq: 0,
            max_line,
            bytes_read: 0,
        }
    }

    /// The next chunk of lines, `None` at the end.
    ///
    /// # Errors
    /// The input cannot be read.
    pub(crate) fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut chunk = Chunk {
            seq: self.seq,
            bytes: Vec::with_capacity(CHUNK_BYTES + CHUNK_BYTES / 4),
            lines: Vec::with_capacity(CHUNK_LINES),
        };
        while chunk.lines.len() < CHUNK_LINES && chunk.bytes.len() < CHUNK_BYTES {
            let start = chunk.bytes.len();
            let Some(length) = self.read_line(&mut chunk.bytes)? else {
                break;
            };
            self.line += 1;
            if chunk.bytes.last() == Some(&b'\n') {
                chunk.bytes.pop();
            }
            let cut_from = (length > self.max_line as u64).then_some(length);
            chunk.bytes.truncate(start + self.max_line);
            let mut text_start = start;
            if self.line == 1 && chunk.bytes[start..].starts_with(b"\xEF\xBB\xBF") {
                text_start += 3;
            }
            if cut_from.is_none() && chunk.bytes[text_start..].trim_ascii().is_empty() {
                chunk.bytes.truncate(start);
                continue;
            }
            chunk.lines.push(RawLine {
                number: self.line,
                start,
                end: chunk.bytes.len(),
                cut_from,
            });
        }
        if chunk.lines.is_empty() {
            return Ok(None);
        }
        self.seq += 1;
        Ok(Some(chunk))
    }

    /// Appends one line (with its `\n`, if any) to `out`, keeping at most
    /// `max_line` bytes of its text; returns the text's whole length (the
    /// `\n` not counted), `None` at the end.
    fn read_line(&mut self, out: &mut Vec<u8>) -> io::Result<Option<u64>> {
        let start = out.len();
        let mut length: u64 = 0;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok((length > 0).then_some(length));
            }
            let (used, done) = match memchr::memchr(b'\n', available) {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            let room = (self.max_line + 1).saturating_sub(out.len() - start);
            out.extend_from_slice(&available[..used.min(room)]);
            self.reader.consume(used);
            length += used as u64;
            self.bytes_read += used as u64;
            if done {
                return Ok(Some(length - 1));
            }
        }
    }
}
