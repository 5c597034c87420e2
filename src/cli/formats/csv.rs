//! CSV (RFC 4180): rows in, one record per row keyed by the header's
//! column names; rows out, one column per target field.
//!
//! Reading: the delimiter and quote are options; a quoted cell may hold
//! the delimiter, doubled quotes and line breaks (such a row is one
//! record, named by the line where it starts). Every cell reads as a
//! string, an empty cell as the empty string `""` (so `policy blank =
//! missing` treats it as missing). A row with more or fewer cells than
//! the header is rejected (E430), never shifted; a row that is not valid
//! UTF-8 is rejected (E431) with its raw bytes. Without a header, the
//! columns are named `col1`, `col2`, ... and every row must have as many
//! cells as the first. Other encodings (`--encoding windows-1252`,
//! `iso-8859-1`, any WHATWG label) are decoded to UTF-8 first; the reject
//! file then holds the decoded row.

use super::{
    Chunk, Content, Input, InputProblem, Mappable, RecordReader, RecordStart, RecordWriter, Unit,
    WriteError, Written, fill, mapped_values,
};
use csv_core::ReadRecordResult;
use mapc::describe::Shape;
use mapc::json::{Map, Value as Json};
use mapc::{BoundMapping, Code, FieldCounts, Mapping, Outcome};
use std::io::{self, BufRead};

/// How CSV is read and written.
#[derive(Clone, Debug)]
pub(crate) struct CsvOptions {
    pub(crate) delimiter: u8,
    pub(crate) quote: u8,
    /// The first row names the columns.
    pub(crate) header: bool,
    /// Output rows end in `\r\n` (RFC 4180) rather than `\n`.
    pub(crate) crlf: bool,
    /// Output cells starting with `=`, `+`, `-`, `@`, tab or carriage
    /// return get a leading `'`, so a spreadsheet shows them as text.
    pub(crate) neutralise_formulas: bool,
}

/// Where the next record came from.
struct RawRow {
    line: u64,
    offset: u64,
    start: usize,
    length: u64,
    cells: usize,
}

/// Reads CSV rows as records.
pub(crate) struct CsvReader {
    reader: Input,
    parser: csv_core::Reader,
    /// The column names.
    columns: Vec<String>,
    /// How many cells every row must have (`None` until the first row,
    /// without a header).
    width: Option<usize>,
    /// The cells of the row being read, and where each ends.
    cells: Vec<u8>,
    ends: Vec<usize>,
    line: u64,
    index: u64,
    max_record: usize,
    bytes_read: u64,
    header: bool,
    delimiter: u8,
    quote: u8,
}

/// Where a row's bytes are, as far as quoting goes: enough to tell that a
/// line break ends the row (and is not inside a quoted cell) without
/// waiting for the next row, as csv-core does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    CellStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: its end, or the first of two.
    QuoteInQuoted,
}

impl Quoting {
    fn next(self, byte: u8, delimiter: u8, quote: u8) -> Quoting {
        match self {
            Quoting::CellStart if byte == quote => Quoting::Quoted,
            Quoting::Quoted if byte == quote => Quoting::QuoteInQuoted,
            Quoting::Quoted => Quoting::Quoted,
            Quoting::QuoteInQuoted if byte == quote => Quoting::Quoted,
            _ if byte == delimiter || byte == b'\n' || byte == b'\r' => Quoting::CellStart,
            _ => Quoting::Unquoted,
        }
    }
}

impl CsvReader {
    /// Opens a CSV input and, with a header, reads it.
    ///
    /// # Errors
    /// The input cannot be read (`Err(Ok(..))`), or the header is bad:
    /// not UTF-8, a name given twice (`Err(Err(message))`).
    pub(crate) fn open(
        reader: Input,
        options: &CsvOptions,
        max_record: usize,
    ) -> Result<CsvReader, Result<io::Error, String>> {
        let parser = csv_core::ReaderBuilder::new()
            .delimiter(options.delimiter)
            .quote(options.quote)
            .build();
        let mut csv = CsvReader {
            reader,
            parser,
            columns: Vec::new(),
            width: None,
            cells: vec![0; 1024],
            ends: vec![0; 64],
            line: 1,
            index: 0,
            max_record,
            bytes_read: 0,
            header: options.header,
            delimiter: options.delimiter,
            quote: options.quote,
        };
        if options.header {
            let mut scratch = Vec::new();
            match csv.read_row(&mut scratch).map_err(Ok)? {
                None => csv.width = Some(0),
                Some(row) => {
                    let mut columns = Vec::with_capacity(row.cells);
                    for i in 0..row.cells {
                        let cell = csv.cell(i);
                        let name = std::str::from_utf8(cell).map_err(|_| {
                            Err(format!(
                                "the header's column {} is not valid UTF-8 (is the file in another encoding? see `--encoding`)",
                                i + 1
                            ))
                        })?;
                        if columns.iter().any(|c| c == name) {
                            return Err(Err(format!(
                                "the header names column `{name}` twice (columns {} and {})",
                                columns.iter().position(|c| c == name).unwrap_or(0) + 1,
                                i + 1
                            )));
                        }
                        columns.push(name.to_string());
                    }
                    csv.width = Some(columns.len());
                    csv.columns = columns;
                }
            }
        }
        Ok(csv)
    }

    /// Cell `i` of the row just read.
    fn cell(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.cells[start..self.ends[i]]
    }

    /// Reads one row: its raw bytes go to `out` (at most `max_record` of
    /// them, without the blank lines before it and the line ending after
    /// it), its cells to `self.cells`.
    fn read_row(&mut self, out: &mut Vec<u8>) -> io::Result<Option<RawRow>> {
        let start = out.len();
        let first_line = self.line;
        let first_offset = self.bytes_read;
        let (mut cells_len, mut ends_len) = (0usize, 0usize);
        let mut length = 0u64;
        let mut overflow = false;
        let mut quoting = Quoting::CellStart;
        let mut finishing = false;
        loop {
            let max = self.max_record;
            let available = if finishing {
                &[][..]
            } else {
                fill(&mut self.reader)?
            };
            let (result, used, written, ended) = self.parser.read_record(
                available,
                &mut self.cells[cells_len..],
                &mut self.ends[ends_len..],
            );
            // keep the raw bytes, up to the limit (plus room for the blank
            // lines and line ending trimmed below)
            let room = (max + 4).saturating_sub(out.len() - start);
            out.extend_from_slice(&available[..used.min(room)]);
            self.line += memchr::memchr_iter(b'\n', &available[..used]).count() as u64;
            for &byte in &available[..used] {
                quoting = quoting.next(byte, self.delimiter, self.quote);
            }
            let ends_line = available[..used].last() == Some(&b'\n');
            self.reader.consume(used);
            self.bytes_read += used as u64;
            length += used as u64;
            cells_len += written;
            ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => {
                    // csv-core ends a row when it sees what follows; when
                    // nothing follows yet (a pipe), a line break outside
                    // quotes ends it now
                    if ends_line
                        && quoting == Quoting::CellStart
                        && self.reader.buffer().is_empty()
                        && out[start..].iter().any(|b| !matches!(b, b'\r' | b'\n'))
                    {
                        finishing = true;
                    }
                }
                ReadRecordResult::OutputFull => {
                    if self.cells.len() >= max {
                        // a row past the limit: its cells are not kept
                        overflow = true;
                        cells_len = 0;
                    } else {
                        self.cells.resize(self.cells.len() * 2, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= max {
                        overflow = true;
                        ends_len = 0;
                    } else {
                        self.ends.resize(self.ends.len() * 2, 0);
                    }
                }
                ReadRecordResult::Record => {
                    if finishing {
                        // the row was ended as if the input had: go on
                        self.parser.reset();
                    }
                    // csv-core ends a row at its `\r`: take the `\n` of a
                    // `\r\n` with it, when it is here, so that what is left
                    // buffered is the next row
                    if out.last() == Some(&b'\r') && self.reader.buffer().first() == Some(&b'\n') {
                        self.reader.consume(1);
                        self.bytes_read += 1;
                        self.line += 1;
                        out.push(b'\n');
                    }
                    break;
                }
                ReadRecordResult::End if finishing => {
                    // only blank lines so far: wait for the row
                    self.parser.reset();
                    finishing = false;
                }
                ReadRecordResult::End => {
                    out.truncate(start);
                    return Ok(None);
                }
            }
        }
        // blank lines before the row, a byte order mark, the line ending
        let raw = &out[start..];
        let mut skip = 0;
        let mut blank_lines = 0;
        if first_offset == 0 && raw.starts_with(b"\xEF\xBB\xBF") {
            skip = 3;
        }
        while skip < raw.len() && matches!(raw[skip], b'\r' | b'\n') {
            if raw[skip] == b'\n' {
                blank_lines += 1;
            }
            skip += 1;
        }
        let mut end = raw.len();
        while end > skip && matches!(raw[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
        let trailing = raw.len() - end;
        out.copy_within(start + skip..start + end, start);
        out.truncate(start + end - skip);
        if overflow {
            ends_len = 0;
        }
        let row_length = length - skip as u64 - trailing as u64;
        if out.len() - start > self.max_record {
            out.truncate(start + self.max_record);
        }
        Ok(Some(RawRow {
            line: first_line + blank_lines,
            offset: first_offset + skip as u64,
            start,
            length: if overflow {
                row_length.max(self.max_record as u64 + 1)
            } else {
                row_length
            },
            cells: ends_len,
        }))
    }

    /// What the row just read makes: a record, or why it is bad.
    fn content(&mut self, row: &RawRow) -> Content {
        let bad = |code, message| {
            Content::Invalid(InputProblem {
                code,
                message,
                column: None,
            })
        };
        if row.length > self.max_record as u64 {
            return Content::Invalid(InputProblem::too_long("row", row.length, self.max_record));
        }
        let width = *self.width.get_or_insert(row.cells);
        if self.columns.len() < width {
            self.columns = (1..=width).map(|i| format!("col{i}")).collect();
        }
        if row.cells != width {
            let what = if self.header {
                "the header"
            } else {
                "the first row"
            };
            let cells = |n: usize| if n == 1 { "cell" } else { "cells" };
            return bad(
                Code::CsvWidth,
                format!(
                    "row has {} {}; {what} has {width} {}",
                    row.cells,
                    cells(row.cells),
                    cells(width)
                ),
            );
        }
        let mut record = Map::with_capacity(width);
        for i in 0..width {
            match std::str::from_utf8(self.cell(i)) {
                Ok(text) => {
                    record.insert(self.columns[i].clone(), Json::String(text.to_string()));
                }
                Err(e) => {
                    return bad(
                        Code::InputEncoding,
                        format!(
                            "cell {} (`{}`) is not valid UTF-8 at byte {} (is the file in another encoding? see `--encoding`)",
                            i + 1,
                            self.columns[i],
                            e.valid_up_to() + 1
                        ),
                    );
                }
            }
        }
        Content::Value(Json::Object(record))
    }
}

impl RecordReader for CsvReader {
    fn read_record(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        let Some(row) = self.read_row(&mut chunk.bytes)? else {
            return Ok(false);
        };
        let content = self.content(&row);
        let at = RecordStart {
            line: row.line,
            index: self.index,
            offset: row.offset,
            start: row.start,
        };
        let cut_from = (row.length > self.max_record as u64).then_some(row.length);
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

/// One output column: a target field that holds one value, and its path.
#[derive(Clone, Debug)]
struct Column {
    /// The header: the path's keys joined with `.` (`customer.email`).
    name: String,
    keys: Vec<String>,
}

/// A target field that cannot be a CSV cell: a list, or a value the
/// checker knows is a list or an object.
#[derive(Debug)]
pub(crate) struct NotACell {
    pub(crate) field: String,
    pub(crate) what: &'static str,
    pub(crate) transformation: String,
}

/// Writes one row per record: the header is the mapping's target fields
/// in order, nested fields named by their path joined with `.`
/// (`customer.email`).
pub(crate) struct CsvWriter {
    columns: Vec<Column>,
    options: CsvOptions,
}

impl CsvWriter {
    /// The writer for `mapping`'s target fields.
    ///
    /// # Errors
    /// Every target field that the checker knows cannot be one cell.
    pub(crate) fn new(mapping: &Mapping, options: CsvOptions) -> Result<CsvWriter, Vec<NotACell>> {
        let description = mapping.describe();
        let mut columns = Vec::new();
        let mut problems = Vec::new();
        // the rules' fields, then those of the records `emit` gives (their
        // keys under `emit`), each column once
        let rules = description.fields.iter().map(|f| (f, 0));
        let emitted = description.emitted.iter().map(|f| (f, 1));
        for (field, skip) in rules.chain(emitted) {
            let path = field.path();
            let keys = field.keys.get(skip..).unwrap_or_default();
            if keys.is_empty() {
                continue;
            }
            let name = keys
                .iter()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            if columns.iter().any(|c: &Column| c.name == name) {
                continue;
            }
            if keys.iter().any(|k| k.each) {
                // inside a list: reported with the list itself
                continue;
            }
            let what = match field.shape {
                Shape::Object => continue,
                Shape::List => Some("a list"),
                Shape::Value => {
                    let can_be = |t: &str| field.types.contains(&t);
                    let only_containers = !field.types.is_empty()
                        && field
                            .types
                            .iter()
                            .all(|t| matches!(*t, "array" | "object" | "null"));
                    if only_containers && can_be("array") {
                        Some("a list")
                    } else if only_containers && can_be("object") {
                        Some("an object")
                    } else {
                        None
                    }
                }
            };
            match what {
                Some(what) => problems.push(NotACell {
                    field: path,
                    what,
                    transformation: field.transformation.clone(),
                }),
                None => columns.push(Column {
                    name,
                    keys: keys.iter().map(|k| k.name.clone()).collect(),
                }),
            }
        }
        if problems.is_empty() {
            Ok(CsvWriter { columns, options })
        } else {
            Err(problems)
        }
    }

    fn row<'a>(&self, cells: impl IntoIterator<Item = &'a [u8]>, out: &mut Vec<u8>) {
        let mut writer = ::csv::WriterBuilder::new()
            .delimiter(self.options.delimiter)
            .quote(self.options.quote)
            .terminator(if self.options.crlf {
                ::csv::Terminator::CRLF
            } else {
                ::csv::Terminator::Any(b'\n')
            })
            .buffer_capacity(256)
            .from_writer(std::mem::take(out));
        // writing to a Vec cannot fail
        let _ = writer.write_record(cells);
        if let Ok(bytes) = writer.into_inner() {
            *out = bytes;
        }
    }

    /// The text of one cell, or why the value is not one.
    fn cell(&self, column: &Column, value: Option<&Json>) -> Result<String, WriteError> {
        let text = match value {
            None | Some(Json::Null) => String::new(),
            Some(Json::String(s)) => s.clone(),
            Some(Json::Bool(b)) => b.to_string(),
            Some(Json::Number(n)) => n.to_string(),
            Some(other) => {
                let what = if other.is_array() {
                    "a list"
                } else {
                    "an object"
                };
                return Err(WriteError::Encode {
                    code: Code::NotACell,
                    message: format!(
                        "target field `{}` is {what}, which a CSV cell cannot hold (encode it in the mapping, with `join` or `to_json`)",
                        column.name
                    ),
                    target: Some(column.name.clone()),
                });
            }
        };
        if self.options.neutralise_formulas && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            return Ok(format!("'{text}"));
        }
        Ok(text)
    }
}

/// The value at `keys` in `record`.
fn lookup<'a>(record: &'a Json, keys: &[String]) -> Option<&'a Json> {
    keys.iter().try_fold(record, |value, key| match value {
        Json::Object(map) => map.get(key),
        _ => None,
    })
}

/// The first key path in `value` that no column holds.
fn stray(value: &Json, columns: &[Column], prefix: &mut Vec<String>) -> Option<String> {
    let Json::Object(map) = value else {
        return None;
    };
    for (key, inner) in map {
        prefix.push(key.clone());
        let is_column = columns.iter().any(|c| c.keys == *prefix);
        let is_parent = columns
            .iter()
            .any(|c| c.keys.len() > prefix.len() && c.keys.starts_with(prefix));
        let found = if is_column {
            None
        } else if is_parent {
            stray(inner, columns, prefix)
        } else {
            Some(prefix.join("."))
        };
        prefix.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

impl RecordWriter for CsvWriter {
    fn begin(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.options.header && !self.columns.is_empty() {
            self.row(self.columns.iter().map(|c| c.name.as_bytes()), &mut out);
        }
        out
    }

    fn record(
        &self,
        bound: &BoundMapping,
        record: Mappable<'_, '_>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<Written>, WriteError> {
        let Outcome::Mapped(values) = mapped_values(bound, record, counts)? else {
            return Ok(Outcome::Skipped);
        };
        // every row is checked before any is written: a record fails whole
        let mut rows = Vec::with_capacity(values.len());
        for value in &values {
            if let Some(field) = stray(value, &self.columns, &mut Vec::new()) {
                return Err(WriteError::Encode {
                    code: Code::NotACell,
                    message: format!(
                        "target field `{field}` has no CSV column (the columns are the mapping's target fields)"
                    ),
                    target: Some(field),
                });
            }
            let mut cells = Vec::with_capacity(self.columns.len());
            for column in &self.columns {
                cells.push(self.cell(column, lookup(value, &column.keys))?);
            }
            rows.push(cells);
        }
        let mut written = Written::default();
        for cells in &rows {
            let start = out.len();
            self.row(cells.iter().map(String::as_bytes), out);
            written.add(out.len() - start);
        }
        Ok(Outcome::Mapped(written))
    }

    fn end(&self, _written: u64) -> Vec<u8> {
        Vec::new()
    }
}
