//! JSON: an array of records, read element by element without holding the
//! array (constant memory, however long), and written as an array.

use super::{
    Chunk, Content, Input, InputProblem, Mappable, RecordReader, RecordStart, RecordWriter, Unit,
    WriteError, Written, fill,
};
use mapc::{BoundMapping, Code, FieldCounts, Outcome};
use std::io::{self, BufRead};

/// Where the reader is in the array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Open,
    /// Before an element (`first`: right after the `[`).
    BeforeElement {
        first: bool,
    },
    /// After the closing `]`.
    After,
    Done,
}

/// Reads the elements of one top-level JSON array as records. Each
/// element's bytes are found by a small scanner that follows strings and
/// nesting (the parse itself is the worker's), so an element that is not
/// valid JSON fails alone (E400) and the next one is read as usual. An
/// element longer than `max_record` bytes is kept cut to that length and
/// rejected (E312). An array that ends early (a truncated file) rejects
/// its last element; text after the `]` is a rejected record too.
pub(crate) struct ArrayReader {
    reader: Input,
    state: State,
    line: u64,
    index: u64,
    max_record: usize,
    bytes_read: u64,
}

impl ArrayReader {
    /// `reader` must start (after white space) with `[`; `skipped` is
    /// the white space already taken from it.
    pub(crate) fn new(reader: Input, skipped: &[u8], max_record: usize) -> ArrayReader {
        ArrayReader {
            reader,
            state: State::Open,
            line: 1 + memchr::memchr_iter(b'\n', skipped).count() as u64,
            index: 0,
            max_record,
            bytes_read: skipped.len() as u64,
        }
    }

    /// Skips white space (and a byte order mark at the start); returns the
    /// next byte without taking it, `None` at the end.
    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            let at_start = self.bytes_read == 0;
            let available = fill(&mut self.reader)?;
            if available.is_empty() {
                return Ok(None);
            }
            if at_start && available.starts_with(b"\xEF\xBB\xBF") {
                self.reader.consume(3);
                self.bytes_read += 3;
                continue;
            }
            let mut used = 0;
            let mut lines = 0;
            let mut next = None;
            for &byte in available {
                match byte {
                    b'\n' => lines += 1,
                    b' ' | b'\t' | b'\r' => {}
                    _ => {
                        next = Some(byte);
                        break;
                    }
                }
                used += 1;
            }
            self.reader.consume(used);
            self.bytes_read += used as u64;
            self.line += lines;
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Skips the white space already buffered, without waiting for more
    /// input, so that an empty buffer means "the next record has not come".
    fn skip_buffered_space(&mut self) {
        let buffer = self.reader.buffer();
        let used = buffer
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(buffer.len());
        let lines = memchr::memchr_iter(b'\n', &buffer[..used]).count() as u64;
        self.reader.consume(used);
        self.bytes_read += used as u64;
        self.line += lines;
    }

    fn take_byte(&mut self) {
        self.reader.consume(1);
        self.bytes_read += 1;
    }

    /// Reads one element's bytes into `chunk`: up to a `,` or `]` outside
    /// strings and brackets. Returns its whole length and whether the
    /// input ended inside it.
    fn scan_element(&mut self, out: &mut Vec<u8>) -> io::Result<(u64, bool)> {
        let start = out.len();
        let mut length = 0u64;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let max = self.max_record;
            let available = fill(&mut self.reader)?;
            if available.is_empty() {
                self.state = State::Done;
                return Ok((length, true));
            }
            let mut used = 0;
            let mut lines = 0;
            let mut end = None;
            for &byte in available {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if byte == b'\\' {
                        escaped = true;
                    } else if byte == b'"' {
                        in_string = false;
                    }
                } else {
                    match byte {
                        b'"' => in_string = true,
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' if depth > 0 => depth -= 1,
                        b',' | b']' if depth == 0 => {
                            end = Some(byte);
                            break;
                        }
                        _ => {}
                    }
                }
                if byte == b'\n' {
                    lines += 1;
                }
                used += 1;
            }
            let room = max.saturating_sub(out.len() - start);
            out.extend_from_slice(&available[..used.min(room)]);
            length += used as u64;
            self.line += lines;
            self.reader.consume(used);
            self.bytes_read += used as u64;
            if let Some(byte) = end {
                self.take_byte();
                self.state = if byte == b',' {
                    State::BeforeElement { first: false }
                } else {
                    State::After
                };
                self.skip_buffered_space();
                return Ok((length, false));
            }
        }
    }

    /// Reads the rest of the input as one record (text after the `]`).
    fn scan_rest(&mut self, out: &mut Vec<u8>) -> io::Result<u64> {
        let start = out.len();
        let mut length = 0u64;
        loop {
            let max = self.max_record;
            let available = fill(&mut self.reader)?;
            if available.is_empty() {
                return Ok(length);
            }
            let used = available.len();
            let room = max.saturating_sub(out.len() - start);
            out.extend_from_slice(&available[..used.min(room)]);
            length += used as u64;
            self.reader.consume(used);
            self.bytes_read += used as u64;
        }
    }

    /// Reads the next record into `chunk`; `false` at the end.
    fn next_record(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        loop {
            match self.state {
                State::Done => return Ok(false),
                State::Open => {
                    if self.skip_space()? == Some(b'[') {
                        self.take_byte();
                    }
                    self.state = State::BeforeElement { first: true };
                }
                State::BeforeElement { first } => {
                    let line = self.line;
                    let offset = self.bytes_read;
                    let next = self.skip_space()?;
                    let (line, offset) = if next.is_some() {
                        (self.line, self.bytes_read)
                    } else {
                        (line, offset)
                    };
                    let problem = |message: &str| {
                        Content::Invalid(InputProblem {
                            code: Code::InvalidJson,
                            message: message.to_string(),
                            column: None,
                        })
                    };
                    let start = chunk.bytes.len();
                    let (content, cut_from) = match next {
                        None => {
                            self.state = State::Done;
                            (problem("input ends before the array's closing `]`"), None)
                        }
                        Some(b']') if first => {
                            self.take_byte();
                            self.state = State::After;
                            continue;
                        }
                        Some(b']') => {
                            self.take_byte();
                            self.state = State::After;
                            (problem("input is not valid JSON: trailing comma"), None)
                        }
                        Some(_) => {
                            let (length, ended) = self.scan_element(&mut chunk.bytes)?;
                            while chunk.bytes.len() > start
                                && chunk.bytes.last().is_some_and(u8::is_ascii_whitespace)
                            {
                                chunk.bytes.pop();
                            }
                            if length > self.max_record as u64 {
                                let content = Content::Invalid(InputProblem::too_long(
                                    "array element",
                                    length,
                                    self.max_record,
                                ));
                                (content, Some(length))
                            } else if ended {
                                (problem("input ends before the array's closing `]`"), None)
                            } else {
                                (Content::JsonText, None)
                            }
                        }
                    };
                    let at = RecordStart {
                        line,
                        index: self.index,
                        offset,
                        start,
                    };
                    chunk.push(at, cut_from, content);
                    self.index += 1;
                    return Ok(true);
                }
                State::After => {
                    if self.skip_space()?.is_none() {
                        self.state = State::Done;
                        return Ok(false);
                    }
                    let (line, offset) = (self.line, self.bytes_read);
                    let start = chunk.bytes.len();
                    let length = self.scan_rest(&mut chunk.bytes)?;
                    self.state = State::Done;
                    let at = RecordStart {
                        line,
                        index: self.index,
                        offset,
                        start,
                    };
                    let cut_from = (length > self.max_record as u64).then_some(length);
                    let content = Content::Invalid(InputProblem {
                        code: Code::InvalidJson,
                        message: "input is not valid JSON: text after the array's closing `]`"
                            .to_string(),
                        column: None,
                    });
                    chunk.push(at, cut_from, content);
                    self.index += 1;
                    return Ok(true);
                }
            }
        }
    }
}

impl RecordReader for ArrayReader {
    fn read_record(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        self.next_record(chunk)
    }

    fn drained(&self) -> bool {
        self.reader.buffer().is_empty()
    }

    fn unit(&self) -> Unit {
        Unit::Index
    }
}

/// Maps a record to compact JSON text, appended to `out`: its target
/// records, `separator` between two.
pub(crate) fn write_compact(
    bound: &BoundMapping,
    record: Mappable<'_, '_>,
    counts: Option<&mut FieldCounts>,
    separator: u8,
    out: &mut Vec<u8>,
) -> Result<Outcome<Written>, WriteError> {
    let start = out.len();
    // compact JSON has no raw newline (a string escapes it): each newline
    // is a separator, so the records' sizes can be measured before the
    // newlines become `separator`
    let outcome = match record {
        Mappable::Read(record) => bound.apply_record_all_to(record, counts, b'\n', out)?,
        Mappable::Value(value) => bound.apply_all_to(value, counts, b'\n', out)?,
    };
    let Outcome::Mapped(records) = outcome else {
        return Ok(Outcome::Skipped);
    };
    let mut written = Written::default();
    if records > 0 {
        for record in out[start..].split(|b| *b == b'\n') {
            written.add(record.len());
        }
    }
    if separator != b'\n' {
        for byte in &mut out[start..] {
            if *byte == b'\n' {
                *byte = separator;
            }
        }
    }
    Ok(Outcome::Mapped(written))
}

/// Writes the records as one JSON array: `[`, the records separated by
/// `,`, `]` and a newline; `[]` when there is none.
pub(crate) struct ArrayWriter;

impl RecordWriter for ArrayWriter {
    fn begin(&self) -> Vec<u8> {
        b"[".to_vec()
    }

    fn record(
        &self,
        bound: &BoundMapping,
        record: Mappable<'_, '_>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<Written>, WriteError> {
        let mark = out.len();
        out.push(b',');
        let outcome =
            write_compact(bound, record, counts, b',', out).inspect_err(|_| out.truncate(mark))?;
        if !matches!(outcome, Outcome::Mapped(written) if written.records > 0) {
            // skipped, or no target record: no separator either
            out.truncate(mark);
        }
        Ok(outcome)
    }

    fn first_skip(&self) -> usize {
        1
    }

    fn end(&self, _written: u64) -> Vec<u8> {
        b"]\n".to_vec()
    }
}
