//! NDJSON: one JSON record per line, read as bytes in chunks of whole
//! lines (in constant memory), written one line per record.

use super::{
    Chunk, Content, Input, InputProblem, Mappable, RecordReader, RecordStart, RecordWriter, Unit,
    WriteError, Written, fill,
};
use mapc::{BoundMapping, FieldCounts, Outcome};
use std::io::{self, BufRead};

/// Reads NDJSON as bytes, in chunks of whole lines. Blank lines are skipped
/// but counted; a UTF-8 byte order mark at the start of the stream is
/// dropped. A line longer than `max_line` bytes is kept cut to that length
/// (so memory stays bounded) and marked, to be rejected.
pub(crate) struct NdjsonReader {
    reader: Input,
    line: u64,
    index: u64,
    max_line: usize,
    /// Bytes read so far.
    bytes_read: u64,
}

impl NdjsonReader {
    pub(crate) fn new(reader: Input, max_line: usize) -> Self {
        NdjsonReader {
            reader,
            line: 0,
            index: 0,
            max_line,
            bytes_read: 0,
        }
    }

    /// Appends one line (with its `\n`, if any) to `out`, keeping at most
    /// `max_line` bytes of its text; returns the text's whole length (the
    /// `\n` not counted), `None` at the end.
    fn read_line(&mut self, out: &mut Vec<u8>) -> io::Result<Option<u64>> {
        let start = out.len();
        let mut length: u64 = 0;
        loop {
            let available = fill(&mut self.reader)?;
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

impl RecordReader for NdjsonReader {
    fn read_record(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        let start = chunk.bytes.len();
        let offset = self.bytes_read;
        let Some(length) = self.read_line(&mut chunk.bytes)? else {
            return Ok(false);
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
            // a blank line: counted, but no record
            chunk.bytes.truncate(start);
            return Ok(true);
        }
        let content = match cut_from {
            Some(length) => {
                Content::Invalid(InputProblem::too_long("input line", length, self.max_line))
            }
            None => Content::JsonText,
        };
        let at = RecordStart {
            line: self.line,
            index: self.index,
            offset,
            start,
        };
        chunk.push(at, cut_from, content);
        self.index += 1;
        Ok(true)
    }

    fn drained(&self) -> bool {
        self.reader.buffer().is_empty()
    }

    fn unit(&self) -> Unit {
        Unit::Line
    }
}

/// Writes one compact JSON record per line.
pub(crate) struct NdjsonWriter;

impl RecordWriter for NdjsonWriter {
    fn begin(&self) -> Vec<u8> {
        Vec::new()
    }

    fn record(
        &self,
        bound: &BoundMapping,
        record: Mappable<'_, '_>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<Written>, WriteError> {
        let outcome = super::json::write_compact(bound, record, counts, b'\n', out)?;
        if matches!(outcome, Outcome::Mapped(written) if written.records > 0) {
            out.push(b'\n');
        }
        Ok(outcome)
    }

    fn end(&self, _written: u64) -> Vec<u8> {
        Vec::new()
    }
}
