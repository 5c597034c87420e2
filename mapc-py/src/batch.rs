//! Mapping many records of JSON text at once, on several threads, without
//! the GIL: a list of lines, NDJSON bytes, or an Arrow string column.
//! Lines are read and rejected with the library's `reject` functions, so
//! a reject here says what the CLI's reject file says.

use mapc::json::Value as Json;
use mapc::reject::{self, InputError};
use mapc::{BoundMapping, Mapping};
use pyo3::PyResult;
use pyo3::exceptions::PyValueError;

/// Below this many lines per thread, more threads cost more than they save.
const LINES_PER_JOB: usize = 256;

/// The number of threads: as asked, or one per core.
pub(crate) fn jobs(asked: Option<usize>) -> PyResult<usize> {
    match asked {
        Some(0) => Err(PyValueError::new_err("`jobs` must be at least 1")),
        Some(jobs) => Ok(jobs),
        None => Ok(std::thread::available_parallelism().map_or(1, usize::from)),
    }
}

/// Lines to map: each with its 1-based number and its text.
pub(crate) struct Lines<'t> {
    pub(crate) lines: Vec<(u64, &'t [u8])>,
}

/// NDJSON split into lines as `mapc apply` reads it: numbered from 1,
/// blank lines skipped (but counted), a byte order mark opening the text
/// dropped, the `\n` not part of the line (a `\r` before it is).
pub(crate) fn split_ndjson(bytes: &[u8]) -> Lines<'_> {
    let mut lines = Vec::new();
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if body.is_empty() {
        return Lines { lines };
    }
    for (index, line) in body.split(|&b| b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let text = match number {
            1 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line),
            _ => line,
        };
        if text.trim_ascii().is_empty() {
            continue;
        }
        lines.push((number, text));
    }
    Lines { lines }
}

/// Maps one line of JSON text; the output's compact JSON text.
pub(crate) fn map_one(
    mapping: &Mapping,
    bound: &BoundMapping,
    text: &[u8],
) -> Result<Vec<u8>, Rejected> {
    let mut out = Vec::new();
    map_into(mapping, bound, text, &mut out)?;
    Ok(out)
}

/// Why a line did not map.
pub(crate) enum Rejected {
    Input(InputError),
    Apply(mapc::ApplyError),
}

impl Rejected {
    /// The reject entry's `errors`.
    fn entries(&self) -> Vec<Json> {
        match self {
            Rejected::Input(error) => vec![error.entry()],
            Rejected::Apply(error) => reject::apply_error_entries(error),
        }
    }
}

fn map_into(
    mapping: &Mapping,
    bound: &BoundMapping,
    text: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Rejected> {
    let record = reject::read_line(mapping, text).map_err(Rejected::Input)?;
    let mark = out.len();
    bound.apply_record_to(&record, None, out).map_err(|e| {
        out.truncate(mark);
        // the fast read keeps only what the mapping reads: the errors of a
        // failed record come from the whole record, as the CLI gives them
        let text = std::str::from_utf8(text.trim_ascii()).unwrap_or_default();
        Rejected::Apply(reject::full_report(bound, text, e))
    })
}

/// The result of mapping lines: the outputs back to back (each followed by
/// `\n` when asked), where each line's output ends, and the rejects.
#[derive(Default)]
pub(crate) struct Mapped {
    pub(crate) out: Vec<u8>,
    /// For each line, the end of its output in `out` (a rejected line's
    /// output is empty: it ends where the one before it ends).
    ends: Vec<usize>,
    /// Each rejected line's index and errors, in order.
    pub(crate) rejects: Vec<(usize, Vec<Json>)>,
    newlines: bool,
}

impl Mapped {
    /// The output of line `index`, `None` when it was rejected.
    pub(crate) fn output(&self, index: usize) -> Option<&[u8]> {
        if self
            .rejects
            .binary_search_by_key(&index, |(i, _)| *i)
            .is_ok()
        {
            return None;
        }
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        let end = self.ends[index];
        let end = if self.newlines { end - 1 } else { end };
        Some(&self.out[start..end])
    }

    fn append(&mut self, mut other: Mapped) {
        let base = self.out.len();
        let lines = self.ends.len();
        self.out.append(&mut other.out);
        self.ends.extend(other.ends.iter().map(|end| end + base));
        self.rejects
            .extend(other.rejects.into_iter().map(|(i, e)| (i + lines, e)));
    }
}

/// Maps `lines` on `jobs` threads (each a contiguous part, so the outputs
/// stay in input order).
pub(crate) fn map_lines(
    mapping: &Mapping,
    bound: &BoundMapping,
    lines: &Lines<'_>,
    jobs: usize,
    newlines: bool,
) -> Result<Mapped, String> {
    let texts: Vec<&[u8]> = lines.lines.iter().map(|(_, text)| *text).collect();
    map_texts(mapping, bound, &texts, jobs, newlines)
}

fn map_texts(
    mapping: &Mapping,
    bound: &BoundMapping,
    texts: &[&[u8]],
    jobs: usize,
    newlines: bool,
) -> Result<Mapped, String> {
    let jobs = jobs.min(texts.len().div_ceil(LINES_PER_JOB)).max(1);
    if jobs == 1 {
        return Ok(map_part(mapping, bound, texts, newlines));
    }
    let size = texts.len().div_ceil(jobs);
    // a thread that died would lose its records: that fails the batch
    let parts: Vec<Mapped> = std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(size)
            .map(|part| scope.spawn(move || map_part(mapping, bound, part, newlines)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join())
            .collect::<Result<_, _>>()
    })
    .map_err(|_| "a mapping thread stopped unexpectedly; the batch is not mapped".to_string())?;
    let mut all = Mapped {
        newlines,
        ..Mapped::default()
    };
    for part in parts {
        all.append(part);
    }
    Ok(all)
}

fn map_part(mapping: &Mapping, bound: &BoundMapping, texts: &[&[u8]], newlines: bool) -> Mapped {
    let mut done = Mapped {
        out: Vec::with_capacity(texts.iter().map(|t| t.len()).sum::<usize>() / 2),
        ends: Vec::with_capacity(texts.len()),
        rejects: Vec::new(),
        newlines,
    };
    for (index, text) in texts.iter().enumerate() {
        match map_into(mapping, bound, text, &mut done.out) {
            Ok(()) => {
                if newlines {
                    done.out.push(b'\n');
                }
            }
            Err(rejected) => done.rejects.push((index, rejected.entries())),
        }
        done.ends.push(done.out.len());
    }
    done
}

/// An Arrow string or large string array, as its buffers.
pub(crate) struct ArrowStrings<'b> {
    offsets: &'b [u8],
    data: &'b [u8],
    width: usize,
    start: usize,
    length: usize,
    validity: Option<&'b [u8]>,
}

impl<'b> ArrowStrings<'b> {
    pub(crate) fn new(
        offsets: &'b [u8],
        data: &'b [u8],
        width: usize,
        start: usize,
        length: usize,
        validity: Option<&'b [u8]>,
    ) -> Result<Self, String> {
        if width != 4 && width != 8 {
            return Err(format!("offsets are 4 or 8 bytes wide, not {width}"));
        }
        let needed = (start + length + 1) * width;
        if offsets.len() < needed {
            return Err(format!(
                "the offsets buffer holds {} bytes; {length} values from {start} need {needed}",
                offsets.len()
            ));
        }
        if let Some(bits) = validity
            && bits.len() * 8 < start + length
        {
            return Err("the validity bitmap is shorter than the array".to_string());
        }
        Ok(ArrowStrings {
            offsets,
            data,
            width,
            start,
            length,
            validity,
        })
    }

    fn offset(&self, at: usize) -> usize {
        let bytes = &self.offsets[at * self.width..(at + 1) * self.width];
        let value = if self.width == 4 {
            i64::from(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        } else {
            i64::from_le_bytes([
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            ])
        };
        usize::try_from(value).unwrap_or(0)
    }

    /// Value `index`, `None` when null (or out of the data buffer).
    fn value(&self, index: usize) -> Option<&'b [u8]> {
        let at = self.start + index;
        if let Some(bits) = self.validity
            && bits[at / 8] & (1 << (at % 8)) == 0
        {
            return None;
        }
        self.data.get(self.offset(at)..self.offset(at + 1))
    }
}

/// The Arrow buffers of the mapped column and the errors column (large
/// strings: 8-byte offsets), and how many values were rejected.
pub(crate) struct ArrowMapped {
    pub(crate) out_offsets: Vec<u8>,
    pub(crate) out_data: Vec<u8>,
    pub(crate) out_valid: Vec<u8>,
    pub(crate) err_offsets: Vec<u8>,
    pub(crate) err_data: Vec<u8>,
    pub(crate) err_valid: Vec<u8>,
    pub(crate) rejected: usize,
}

/// Maps every value of `column` on this thread (Spark runs one task per
/// core already): the output where it maps, else the errors, as the JSON
/// text of a reject entry's `errors`. A null value is rejected (E400).
pub(crate) fn map_arrow(
    mapping: &Mapping,
    bound: &BoundMapping,
    column: &ArrowStrings<'_>,
) -> ArrowMapped {
    let bitmap = vec![0u8; column.length.div_ceil(8)];
    let mut arrays = ArrowMapped {
        out_offsets: Vec::with_capacity((column.length + 1) * 8),
        out_data: Vec::with_capacity(column.data.len() / 2),
        out_valid: bitmap.clone(),
        err_offsets: Vec::with_capacity((column.length + 1) * 8),
        err_data: Vec::new(),
        err_valid: bitmap,
        rejected: 0,
    };
    arrays.out_offsets.extend_from_slice(&0i64.to_le_bytes());
    arrays.err_offsets.extend_from_slice(&0i64.to_le_bytes());
    for index in 0..column.length {
        let result = match column.value(index) {
            Some(text) => map_into(mapping, bound, text, &mut arrays.out_data),
            None => Err(Rejected::Input(InputError::new(
                mapc::Code::InvalidJson,
                "input is null, not JSON text",
                None,
            ))),
        };
        match result {
            Ok(()) => arrays.out_valid[index / 8] |= 1 << (index % 8),
            Err(rejected) => {
                arrays.rejected += 1;
                arrays.err_valid[index / 8] |= 1 << (index % 8);
                let errors = Json::Array(rejected.entries()).to_string();
                arrays.err_data.extend_from_slice(errors.as_bytes());
            }
        }
        arrays
            .out_offsets
            .extend_from_slice(&(arrays.out_data.len() as i64).to_le_bytes());
        arrays
            .err_offsets
            .extend_from_slice(&(arrays.err_data.len() as i64).to_le_bytes());
    }
    arrays
}
