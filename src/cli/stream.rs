//! The NDJSON pipeline of `mapc apply`: lines are read as bytes in chunks,
//! mapped (on `--jobs` threads), and written in input order. Every line
//! read ends up written, rejected or skipped (by a `skip` or `keep`
//! guard): read = written + rejected + skipped. A written record may give
//! several output lines (`emit`): those are counted as `output`.

use super::formats::{
    Chunk, Content, InputProblem, Mappable, RawRecord, RecordWriter, Unit, WriteError,
};
use super::report::json_message;
use base64::Engine as _;
use mapc::diagnostics::render;
use mapc::{ApplyError, Bound, Code, Diagnostic, FieldCounts, Mapping, Outcome};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// What to do with a record that fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OnError {
    /// Report it on stderr and stop the run (the default).
    Fail,
    /// Report it on stderr and go on.
    Skip,
    /// Write it to this NDJSON file (not to stderr) and go on.
    Reject(std::path::PathBuf),
}

/// `fail`, `skip` or `reject=FILE`.
pub(crate) fn parse_on_error(text: &str) -> Result<OnError, String> {
    match text {
        "fail" => Ok(OnError::Fail),
        "skip" => Ok(OnError::Skip),
        _ => match text.strip_prefix("reject=") {
            Some(path) if !path.is_empty() => Ok(OnError::Reject(path.into())),
            _ => Err(format!(
                "expected `fail`, `skip` or `reject=FILE`, found `{text}`"
            )),
        },
    }
}

/// How records are mapped, the same on every thread.
pub(crate) struct Settings {
    pub(crate) on_error: OnError,
    /// The largest output record, in bytes.
    pub(crate) max_output: usize,
    /// Count null and defaulted fields (for `--stats`).
    pub(crate) count_fields: bool,
    /// The input's name in reports: `` `orders.ndjson` `` or `stdin`.
    pub(crate) source: String,
    /// How records are named: by line or by index.
    pub(crate) unit: Unit,
    /// The output format.
    pub(crate) writer: Box<dyn RecordWriter>,
}

/// One failed record, ready to report.
#[derive(Debug)]
pub(crate) struct Failed {
    /// Its line or index (as `Settings::unit` says).
    pub(crate) line: u64,
    /// Each of its errors' code and target field.
    pub(crate) errors: Vec<(Code, Option<String>)>,
    /// The rendered diagnostics for stderr (`fail` and `skip`).
    pub(crate) report: String,
    /// The reject-file line, newline included (`reject=FILE`).
    pub(crate) reject: Vec<u8>,
}

/// What became of one chunk.
#[derive(Debug, Default)]
pub(crate) struct Mapped {
    pub(crate) seq: u64,
    /// The output records.
    pub(crate) output: Vec<u8>,
    pub(crate) read: u64,
    pub(crate) written: u64,
    pub(crate) skipped: u64,
    /// Output records (more than `written` when the mapping emits).
    pub(crate) output_records: u64,
    /// Input bytes of the chunk (for the progress figures).
    pub(crate) bytes: u64,
    pub(crate) failed: Vec<Failed>,
    /// `--on-error fail` met a failure: the run stops after this chunk.
    pub(crate) stop: bool,
    /// The input was drained: flush the output after this chunk.
    pub(crate) flush: bool,
    pub(crate) fields: FieldCounts,
}

/// Why one record failed.
enum Problem {
    /// The record itself: not UTF-8, not JSON, too long, a bad row.
    Input(InputProblem),
    /// The mapping.
    Apply(ApplyError),
    /// The output format cannot hold the result, or the output limit.
    Output {
        code: Code,
        message: String,
        target: Option<String>,
    },
}

/// Maps chunks of records; one per thread.
pub(crate) struct Worker<'a> {
    pub(crate) mapping: &'a Mapping,
    pub(crate) bound: Bound<'a>,
    pub(crate) settings: &'a Settings,
}

impl Worker<'_> {
    /// Maps every record of `chunk`, or, with `--on-error fail`, up to and
    /// including the first that fails.
    pub(crate) fn map_chunk(&self, chunk: &Chunk) -> Mapped {
        let mut done = Mapped {
            seq: chunk.seq,
            output: Vec::with_capacity(chunk.bytes.len() / 2),
            flush: chunk.drained,
            ..Mapped::default()
        };
        for record in &chunk.records {
            done.read += 1;
            done.bytes += (record.end - record.start) as u64 + 1;
            let raw = chunk.raw(record);
            let mark = done.output.len();
            match self.map_record(raw, record, &mut done.output, &mut done.fields) {
                Ok(Outcome::Mapped(records)) => {
                    done.written += 1;
                    done.output_records += records as u64;
                }
                Ok(Outcome::Skipped) => done.skipped += 1,
                Err(problem) => {
                    done.output.truncate(mark);
                    done.failed.push(self.failed(record, raw, problem));
                    if self.settings.on_error == OnError::Fail {
                        done.stop = true;
                        break;
                    }
                }
            }
        }
        done
    }

    /// Maps one record, appending its target records to `out` (none when
    /// a guard skips it, several when the mapping emits).
    fn map_record(
        &self,
        raw: &[u8],
        record: &RawRecord,
        out: &mut Vec<u8>,
        fields: &mut FieldCounts,
    ) -> Result<Outcome<usize>, Problem> {
        let counts = self.settings.count_fields.then_some(fields);
        let written = match &record.content {
            Content::Invalid(problem) => return Err(Problem::Input(problem.clone())),
            Content::Value(value) => {
                self.settings
                    .writer
                    .record(&self.bound, Mappable::Value(value), counts, out)
            }
            Content::JsonText => {
                // a byte order mark may open the stream
                let text = match record.offset {
                    0 => raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw),
                    _ => raw,
                };
                let text = std::str::from_utf8(text.trim_ascii()).map_err(|e| {
                    Problem::Input(InputProblem {
                        code: Code::InvalidJson,
                        message: "input is not valid UTF-8".to_string(),
                        column: Some(e.valid_up_to() + 1),
                    })
                })?;
                let read = self.mapping.read(text).map_err(|e| {
                    Problem::Input(InputProblem {
                        code: Code::InvalidJson,
                        message: format!("input is not valid JSON: {}", json_message(&e)),
                        column: Some(e.column()),
                    })
                })?;
                match self
                    .settings
                    .writer
                    .record(&self.bound, Mappable::Read(&read), counts, out)
                {
                    Err(WriteError::Apply(error)) => {
                        Err(WriteError::Apply(self.full_report(text, error)))
                    }
                    written => written,
                }
            }
        };
        let outcome = written.map_err(|e| match e {
            WriteError::Apply(error) => Problem::Apply(error),
            WriteError::Encode {
                code,
                message,
                target,
            } => Problem::Output {
                code,
                message,
                target,
            },
        })?;
        let Outcome::Mapped(written) = outcome else {
            return Ok(Outcome::Skipped);
        };
        let size = written.largest;
        if size > self.settings.max_output {
            return Err(Problem::Output {
                code: Code::Limit,
                message: format!(
                    "output record is {size} bytes; the limit is {} bytes (`--max-output-bytes`)",
                    self.settings.max_output
                ),
                target: None,
            });
        }
        Ok(Outcome::Mapped(written.records))
    }

    /// A failed record's errors as the whole record gives them: the fast
    /// read keeps only the keys the mapping reads, so a message that lists
    /// the keys a record has ("did you mean `email`?") needs the rest.
    /// Records fail rarely; this costs nothing on the others.
    fn full_report(&self, text: &str, projected: ApplyError) -> ApplyError {
        match serde_json::from_str::<Json>(text) {
            Ok(whole) => match self.bound.apply_all(&whole) {
                Err(error) if error.errors.len() == projected.errors.len() => error,
                _ => projected,
            },
            Err(_) => projected,
        }
    }

    fn failed(&self, record: &RawRecord, raw: &[u8], problem: Problem) -> Failed {
        let unit = self.settings.unit;
        let number = record.number(unit);
        let context = match unit {
            Unit::Line => format!("record on line {number} of {}", self.settings.source),
            Unit::Index => format!("record at index {number} of {}", self.settings.source),
        };
        let mut errors = Vec::new();
        let mut diagnostics = Vec::new();
        let mut entries = Vec::new();
        match problem {
            Problem::Input(InputProblem {
                code,
                message,
                column,
            }) => {
                errors.push((code, None));
                let (message, note) = match column {
                    Some(column) => (
                        format!("{message} at column {column}"),
                        format!("{context}, column {column}"),
                    ),
                    None => (message.clone(), context),
                };
                entries.push(error_entry(code, &message, None, None));
                let shown = message.split(" at column ").next().unwrap_or_default();
                diagnostics.push(Diagnostic::error(code, shown).with_note(note));
            }
            Problem::Output {
                code,
                message,
                target,
            } => {
                errors.push((code, target.clone()));
                entries.push(error_entry(code, &message, target.as_deref(), None));
                diagnostics.push(Diagnostic::error(code, message).with_note(context));
            }
            Problem::Apply(error) => {
                for e in &error.errors {
                    errors.push((e.code, e.target.clone()));
                    entries.push(error_entry(
                        e.code,
                        &e.message,
                        e.target.as_deref(),
                        e.source_path.as_deref(),
                    ));
                    diagnostics.push(e.to_diagnostic(Some(&context)));
                }
            }
        }
        let rejecting = matches!(self.settings.on_error, OnError::Reject(_));
        let report = if rejecting {
            String::new()
        } else {
            diagnostics
                .iter()
                .map(render)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let reject = if rejecting {
            reject_line(unit, record, raw, entries)
        } else {
            Vec::new()
        };
        Failed {
            line: number,
            errors,
            report,
            reject,
        }
    }
}

fn error_entry(code: Code, message: &str, target: Option<&str>, source: Option<&str>) -> Json {
    let text = |s: Option<&str>| s.map_or(Json::Null, |s| Json::String(s.to_string()));
    let mut entry = Map::new();
    entry.insert("code".into(), Json::String(code.as_str().into()));
    entry.insert("message".into(), Json::String(message.into()));
    entry.insert("target".into(), text(target));
    entry.insert("source".into(), text(source));
    Json::Object(entry)
}

/// One line of the reject file: `{"line": 3, "input": "...", "errors":
/// [...]}`. The record's raw bytes are carried byte for byte (without the
/// line ending after it; a `\r` stays): as a JSON string when they are
/// UTF-8, otherwise in `input_base64` (standard alphabet, padded). A record
/// cut at the length limit also has `input_bytes`, its real length. An
/// element of a JSON array is named by its `index` (from 0) instead of
/// its `line`, and carried as its text, like any other record.
fn reject_line(unit: Unit, record: &RawRecord, raw: &[u8], errors: Vec<Json>) -> Vec<u8> {
    let mut entry = Map::new();
    entry.insert(unit.name().into(), Json::from(record.number(unit)));
    match std::str::from_utf8(raw) {
        Ok(text) => entry.insert("input".into(), Json::String(text.into())),
        Err(_) => entry.insert(
            "input_base64".into(),
            Json::String(base64::engine::general_purpose::STANDARD.encode(raw)),
        ),
    };
    if let Some(length) = record.cut_from {
        entry.insert("input_bytes".into(), Json::from(length));
    }
    entry.insert("errors".into(), Json::Array(errors));
    let mut out = Json::Object(entry).to_string().into_bytes();
    out.push(b'\n');
    out
}

/// The run's figures, added up chunk by chunk.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub(crate) read: u64,
    pub(crate) written: u64,
    pub(crate) rejected: u64,
    /// Left out by a `skip` or `keep` guard: not failures.
    pub(crate) skipped: u64,
    /// Output records: `written`, or more when the mapping emits.
    pub(crate) output_records: u64,
    pub(crate) bytes: u64,
    /// Rejected records per code (a record counts once per code it has).
    pub(crate) by_code: BTreeMap<Code, u64>,
    /// Rejected records per target field (`(none)`: no target field).
    pub(crate) by_target: BTreeMap<String, u64>,
    pub(crate) fields: FieldCounts,
    /// The line (or index) where `--on-error fail` stopped the run.
    pub(crate) stopped_at: Option<u64>,
}

impl Totals {
    pub(crate) fn add(&mut self, mapped: &mut Mapped) {
        self.read += mapped.read;
        self.written += mapped.written;
        self.skipped += mapped.skipped;
        self.output_records += mapped.output_records;
        self.bytes += mapped.bytes;
        for failed in &mapped.failed {
            self.add_failed(&failed.errors);
        }
        if mapped.stop {
            self.stopped_at = mapped.failed.last().map(|f| f.line);
        }
        self.fields.merge(std::mem::take(&mut mapped.fields));
    }

    /// Counts one rejected record with its errors' codes and targets.
    pub(crate) fn add_failed(&mut self, errors: &[(Code, Option<String>)]) {
        self.rejected += 1;
        {
            let failed = errors;
            let mut codes: Vec<Code> = failed.iter().map(|(c, _)| *c).collect();
            codes.sort();
            codes.dedup();
            for code in codes {
                *self.by_code.entry(code).or_default() += 1;
            }
            let mut targets: Vec<&str> = failed
                .iter()
                .map(|(_, t)| t.as_deref().unwrap_or("(none)"))
                .collect();
            targets.sort_unstable();
            targets.dedup();
            for target in targets {
                *self.by_target.entry(target.to_string()).or_default() += 1;
            }
        }
    }

    /// `4 records read, 2 written, 2 rejected (E300: 1, E400: 1)`; with
    /// `, 1 skipped` when a guard skipped any, and `(7 output records)`
    /// when the mapping emits.
    pub(crate) fn summary(&self, emits: bool) -> String {
        let noun = if self.read == 1 { "record" } else { "records" };
        let mut text = format!("{} {noun} read, {} written", self.read, self.written);
        if emits {
            let noun = if self.output_records == 1 {
                "record"
            } else {
                "records"
            };
            text.push_str(&format!(" ({} output {noun})", self.output_records));
        }
        text.push_str(&format!(", {} rejected", self.rejected));
        if self.skipped > 0 {
            text.push_str(&format!(", {} skipped", self.skipped));
        }
        if !self.by_code.is_empty() {
            let codes: Vec<String> = self
                .by_code
                .iter()
                .map(|(code, n)| format!("{}: {n}", code.as_str()))
                .collect();
            text.push_str(&format!(" ({})", codes.join(", ")));
        }
        if let Some(line) = self.stopped_at {
            text.push_str(&format!(
                "; stopped at line {line} (`--on-error fail`; `skip` or `reject=FILE` go on)"
            ));
        }
        text
    }
}
