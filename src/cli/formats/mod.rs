//! Record formats. An input format is a [`RecordReader`]: it cuts the
//! input into records, each with its position (line, index, byte offset)
//! and its raw bytes; an output format is a [`RecordWriter`]: it turns a
//! mapped record into bytes. The stream, the reject file and the figures
//! only see these two traits, never the format they carry.
//!
//! | format   | reader                         | writer                           |
//! |----------|--------------------------------|----------------------------------|
//! | `json`   | an array, streamed element by element | an array, one element per record |
//! | `ndjson` | one record per line            | one record per line              |
//! | `csv`    | one record per row             | one row per record               |
//! | `xml`    | the elements at `--records`    | one element per record           |

pub(crate) mod csv;
pub(crate) mod json;
pub(crate) mod ndjson;
pub(crate) mod options;
pub(crate) mod xml;

use mapc::json::Value as Json;
use mapc::{ApplyError, BoundMapping, Code, FieldCounts, Outcome, Record};
use std::io::{self, BufRead, BufReader, Read};

/// The formats `--from` and `--to` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One JSON document: an object, or an array of records
    Json,
    /// One JSON record per line
    Ndjson,
    /// Comma-separated values with a header row (RFC 4180)
    Csv,
    /// XML, records at the path given with `--records`
    Xml,
}

impl Format {
    /// The format a file name says: `.json`, `.ndjson`/`.jsonl`, `.csv`,
    /// `.xml`.
    pub(crate) fn from_path(path: &std::path::Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }
}

/// How reports and reject entries name a record: by the line where it
/// starts (NDJSON, CSV, XML) or by its index (the elements of a JSON
/// array).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Line,
    Index,
}

impl Unit {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Unit::Line => "line",
            Unit::Index => "index",
        }
    }
}

/// A run of records read together, handed to a worker as one piece of
/// work: their raw bytes back to back, and where each starts.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    /// The chunk's place in the stream (0, 1, 2, ...).
    pub(crate) seq: u64,
    pub(crate) bytes: Vec<u8>,
    pub(crate) records: Vec<RawRecord>,
    /// The input had nothing more buffered when the chunk was cut (input
    /// arriving slowly, through a pipe): its output is flushed at once.
    pub(crate) drained: bool,
}

impl Chunk {
    /// Adds the record whose raw bytes are `bytes[start..]`, the last ones
    /// appended, as the reader read it.
    pub(crate) fn push(&mut self, at: RecordStart, cut_from: Option<u64>, content: Content) {
        self.records.push(RawRecord {
            line: at.line,
            index: at.index,
            offset: at.offset,
            start: at.start,
            end: self.bytes.len(),
            cut_from,
            content,
        });
    }

    pub(crate) fn new(seq: u64, bytes: usize, records: usize) -> Chunk {
        Chunk {
            seq,
            bytes: Vec::with_capacity(bytes),
            records: Vec::with_capacity(records),
            drained: false,
        }
    }

    /// A record's raw bytes.
    pub(crate) fn raw(&self, record: &RawRecord) -> &[u8] {
        &self.bytes[record.start..record.end]
    }
}

/// One record as read: where it is, its raw bytes in the chunk (the line
/// ending after it not included), and what the reader made of it.
#[derive(Clone, Debug)]
pub(crate) struct RawRecord {
    /// The 1-based line where the record starts.
    pub(crate) line: u64,
    /// The record's 0-based place among the records.
    pub(crate) index: u64,
    /// The byte offset in the input where the record starts.
    pub(crate) offset: u64,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The record's real length, when its raw bytes were cut to the limit.
    pub(crate) cut_from: Option<u64>,
    pub(crate) content: Content,
}

/// Where a record starts: its line, its place, its byte offset in the
/// input and in the chunk's bytes.
pub(crate) struct RecordStart {
    pub(crate) line: u64,
    pub(crate) index: u64,
    pub(crate) offset: u64,
    pub(crate) start: usize,
}

impl RawRecord {
    /// The number that names the record in `unit`.
    pub(crate) fn number(&self, unit: Unit) -> u64 {
        match unit {
            Unit::Line => self.line,
            Unit::Index => self.index,
        }
    }
}

/// What a reader made of a record.
#[derive(Clone, Debug)]
pub(crate) enum Content {
    /// The raw bytes are one JSON value's text, parsed by the worker.
    JsonText,
    /// The reader built the record (a CSV row, an XML element).
    Value(Json),
    /// The record is bad as input: wrong number of cells, not in the
    /// declared encoding, too long.
    Invalid(InputProblem),
}

/// Why a record is bad as input.
#[derive(Clone, Debug)]
pub(crate) struct InputProblem {
    pub(crate) code: Code,
    pub(crate) message: String,
    /// The 1-based column (byte) in the raw bytes, when known.
    pub(crate) column: Option<usize>,
}

impl InputProblem {
    /// A record longer than `--max-line-bytes` (E-limit); `what` names the
    /// format's record ("input line", "row", "array element", "record").
    pub(crate) fn too_long(what: &str, length: u64, limit: usize) -> InputProblem {
        InputProblem {
            code: Code::Limit,
            message: format!(
                "{what} is {length} bytes; the limit is {limit} bytes (`--max-line-bytes`)"
            ),
            column: None,
        }
    }
}

/// An input format: cuts the input into records, which
/// [`RecordReader::fill_chunk`] gathers into chunks.
pub(crate) trait RecordReader: Send {
    /// Reads the next record into `chunk` (a blank NDJSON line adds none);
    /// `false` at the end of the input.
    ///
    /// # Errors
    /// The input cannot be read.
    fn read_record(&mut self, chunk: &mut Chunk) -> io::Result<bool>;

    /// Whether the input has nothing more buffered, so that reading on
    /// would wait for more.
    fn drained(&self) -> bool;

    /// How the format's records are named.
    fn unit(&self) -> Unit;

    /// The chunk numbered `seq`: records until it holds [`CHUNK_RECORDS`]
    /// or [`CHUNK_BYTES`], or until the input has nothing more buffered
    /// (then marked `drained`, so records arriving slowly go out at once);
    /// `None` at the end.
    ///
    /// # Errors
    /// The input cannot be read.
    fn fill_chunk(&mut self, seq: u64) -> io::Result<Option<Chunk>> {
        let mut chunk = Chunk::new(seq, CHUNK_BYTES + CHUNK_BYTES / 4, CHUNK_RECORDS);
        while chunk.records.len() < CHUNK_RECORDS && chunk.bytes.len() < CHUNK_BYTES {
            if !chunk.records.is_empty() && self.drained() {
                // reading on would wait for more input: hand on what we have
                chunk.drained = true;
                break;
            }
            if !self.read_record(&mut chunk)? {
                break;
            }
        }
        Ok((!chunk.records.is_empty()).then_some(chunk))
    }
}

/// A chunk is handed on when it holds this many records or bytes, or when
/// the input has nothing more buffered.
pub(crate) const CHUNK_RECORDS: usize = 256;
pub(crate) const CHUNK_BYTES: usize = 256 << 10;

/// The input, buffered; readers look at the buffer to tell whether more
/// input is at hand without waiting for it.
pub(crate) type Input = BufReader<Box<dyn Read + Send>>;

/// Fills the buffer, retrying when interrupted.
pub(crate) fn fill(reader: &mut Input) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(reader.buffer())
}

/// A record, as a worker hands it to a writer.
pub(crate) enum Mappable<'a, 't> {
    /// JSON text read with [`mapc::Mapping::read`].
    Read(&'a Record<'t>),
    /// A value a reader built.
    Value(&'a Json),
}

/// Why a record could not be written.
pub(crate) enum WriteError {
    /// The mapping failed.
    Apply(ApplyError),
    /// The mapped record does not fit the output format (a list in a CSV
    /// cell, a key that is no XML name).
    Encode {
        code: Code,
        message: String,
        target: Option<String>,
    },
}

impl From<ApplyError> for WriteError {
    fn from(error: ApplyError) -> WriteError {
        WriteError::Apply(error)
    }
}

/// An output format. Workers call [`RecordWriter::record`] on many threads
/// at once; the sink writes `begin` before everything and `end` after.
pub(crate) trait RecordWriter: Send + Sync {
    /// Bytes before the first record: a CSV header, an XML root.
    fn begin(&self) -> Vec<u8>;

    /// Maps `record` and appends its target records to `out`: none when a
    /// guard skips it, several when the mapping emits. On an error nothing
    /// is appended.
    ///
    /// # Errors
    /// The mapping fails, or its result does not fit the format.
    fn record(
        &self,
        bound: &BoundMapping,
        record: Mappable<'_, '_>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<Written>, WriteError>;

    /// How many bytes to drop before the first record's output (the
    /// separator a JSON array writes before every record).
    fn first_skip(&self) -> usize {
        0
    }

    /// Bytes after the last record (`written`: how many there were).
    fn end(&self, written: u64) -> Vec<u8>;
}

/// What a writer wrote for one input record: how many target records
/// (`emit` gives several), and the size in bytes of the largest (for
/// `--max-output-bytes`, which holds for each output record).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Written {
    pub(crate) records: usize,
    pub(crate) largest: usize,
}

impl Written {
    /// Counts one more target record of `size` bytes.
    pub(crate) fn add(&mut self, size: usize) {
        self.records += 1;
        self.largest = self.largest.max(size);
    }
}

/// Maps a record to its target records' JSON values, for the writers that
/// encode values; `Skipped` when a guard leaves it out.
pub(crate) fn mapped_values(
    bound: &BoundMapping,
    record: Mappable<'_, '_>,
    counts: Option<&mut FieldCounts>,
) -> Result<Outcome<Vec<Json>>, ApplyError> {
    match (record, counts) {
        (Mappable::Read(record), None) => bound.apply_record_all(record),
        (Mappable::Read(record), Some(counts)) => {
            bound.apply_all_counting(&record.to_json(), counts)
        }
        (Mappable::Value(value), None) => bound.apply_all(value),
        (Mappable::Value(value), Some(counts)) => bound.apply_all_counting(value, counts),
    }
}
