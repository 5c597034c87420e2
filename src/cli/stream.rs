//! The NDJSON pipeline of `mapc apply`: lines are read as bytes in chunks,
//! mapped (on `--jobs` threads), and written in input order. Every line
//! read ends up written, rejected or skipped (by a `skip` or `keep`
//! guard): read = written + rejected + skipped. A written record may give
//! several output lines (`emit`): those are counted as `output`.

use super::formats::{
    Chunk, Content, InputProblem, Mappable, RawRecord, RecordWriter, Unit, WriteError,
};
use mapc::diagnostics::render;
use mapc::json::Value as Json;
use mapc::reject::{self, InputError};
use mapc::{ApplyError, BoundMapping, Code, Diagnostic, FieldCounts, Mapping, Outcome};
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
    /// The lines read, kept to reject a record whose output fails.
    pub(crate) input: Chunk,
    /// Each written record's place in `input.records`, where its output
    /// ends in `output`, and how many output records it has.
    pub(crate) lines: Vec<(usize, usize, u64)>,
}

impl Mapped {
    /// The output failed after `accepted` bytes of this chunk's output:
    /// the records whose line did not reach it whole fail with E410 (and
    /// `message`): into the reject file when `rejecting`, otherwise
    /// reported on stderr together, in one diagnostic naming their lines
    /// (or indexes, as `unit` says). Returns the first such line.
    pub(crate) fn output_failed(
        &mut self,
        accepted: usize,
        message: &str,
        rejecting: bool,
        source: &str,
        unit: Unit,
    ) -> Option<u64> {
        let kept = self
            .lines
            .iter()
            .take_while(|(_, end, _)| *end <= accepted)
            .count();
        let lost: Vec<(usize, usize, u64)> = self.lines.drain(kept..).collect();
        let number = |index: usize| self.input.records[index].number(unit);
        let first = lost.first().map(|(index, _, _)| number(*index));
        self.written -= lost.len() as u64;
        self.output_records -= lost.iter().map(|(_, _, records)| records).sum::<u64>();
        self.output.truncate(accepted);
        let mut report = match (lost.first(), lost.last()) {
            (Some((first, _, _)), Some((last, _, _))) if !rejecting => {
                let (first, last) = (number(*first), number(*last));
                let (n, lines) = if first == last {
                    (String::from("a record"), format!("{} {first}", unit.name()))
                } else {
                    let units = match unit {
                        Unit::Line => "lines",
                        Unit::Index => "indexes",
                    };
                    (
                        format!("{} records", lost.len()),
                        format!("{units} {first} to {last}"),
                    )
                };
                let diagnostic = Diagnostic::error(
                    Code::OutputFailed,
                    format!("{n} mapped but not written: {message}"),
                )
                .with_note(format!("the records on {lines} of {source}"))
                .with_help("nothing after them was read: run those lines again");
                render(&diagnostic)
            }
            _ => String::new(),
        };
        for (index, _, _) in lost {
            let record = &self.input.records[index];
            let message = format!("the record was mapped but not written: {message}");
            let entry = reject::error_entry(Code::OutputFailed, &message, None, None);
            self.failed.push(Failed {
                line: record.number(unit),
                errors: vec![(Code::OutputFailed, None)],
                report: std::mem::take(&mut report),
                reject: if rejecting {
                    reject_line(unit, record, self.input.raw(record), vec![entry])
                } else {
                    Vec::new()
                },
            });
        }
        self.failed.sort_by_key(|f| f.line);
        first
    }
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
    pub(crate) bound: BoundMapping,
    pub(crate) settings: &'a Settings,
}

impl Worker<'_> {
    /// Maps every record of `chunk`, or, with `--on-error fail`, up to and
    /// including the first that fails.
    pub(crate) fn map_chunk(&self, chunk: Chunk) -> Mapped {
        let mut done = Mapped {
            seq: chunk.seq,
            output: Vec::with_capacity(chunk.bytes.len() / 2),
            flush: chunk.drained,
            ..Mapped::default()
        };
        self.map_records(&chunk, &mut done);
        done.input = chunk;
        done
    }

    fn map_records(&self, chunk: &Chunk, done: &mut Mapped) {
        for (index, record) in chunk.records.iter().enumerate() {
            done.read += 1;
            done.bytes += (record.end - record.start) as u64 + 1;
            let raw = chunk.raw(record);
            let mark = done.output.len();
            match self.map_record(raw, record, &mut done.output, &mut done.fields) {
                Ok(Outcome::Mapped(records)) => {
                    done.written += 1;
                    done.output_records += records as u64;
                    done.lines.push((index, done.output.len(), records as u64));
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
                // not UTF-8, not JSON (E400), a key twice (E411)
                let read = reject::read_line(self.mapping, text).map_err(|e| {
                    Problem::Input(InputProblem {
                        code: e.code,
                        message: e.message,
                        column: e.column,
                    })
                })?;
                // `read_line` read the text as UTF-8 already
                let text = std::str::from_utf8(text.trim_ascii()).unwrap_or_default();
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

    fn full_report(&self, text: &str, projected: ApplyError) -> ApplyError {
        reject::full_report(&self.bound, text, projected)
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
            Problem::Input(problem) => {
                let input = InputError::new(problem.code, problem.message, problem.column);
                errors.push((input.code, None));
                entries.push(input.entry());
                let note = match input.column {
                    Some(column) => format!("{context}, column {column}"),
                    None => context,
                };
                diagnostics.push(Diagnostic::error(input.code, input.message).with_note(note));
            }
            Problem::Output {
                code,
                message,
                target,
            } => {
                errors.push((code, target.clone()));
                entries.push(reject::error_entry(code, &message, target.as_deref(), None));
                diagnostics.push(Diagnostic::error(code, message).with_note(context));
            }
            Problem::Apply(error) => {
                entries = reject::apply_error_entries(&error);
                for e in &error.errors {
                    errors.push((e.code, e.target.clone()));
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

/// One line of the reject file: the library's reject entry
/// ([`reject::entry`]) and a `\n`. An element of a JSON array is named by
/// its `index` (from 0) instead of its `line`, and carried as its text,
/// like any other record.
fn reject_line(unit: Unit, record: &RawRecord, raw: &[u8], errors: Vec<Json>) -> Vec<u8> {
    let mut entry = reject::entry(record.number(unit), raw, record.cut_from, errors);
    if let (Unit::Index, Json::Object(fields)) = (unit, &mut entry) {
        *fields = std::mem::take(fields)
            .into_iter()
            .map(|(key, value)| match key.as_str() {
                "line" => (unit.name().to_string(), value),
                _ => (key, value),
            })
            .collect();
    }
    let mut out = entry.to_string().into_bytes();
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
    /// Records mapped that are not in the output and not rejected: the
    /// output failed, or was not created because the run stopped.
    pub(crate) not_written: u64,
    /// Why `not_written` records are not written: `` `out.ndjson` was not
    /// created ``.
    pub(crate) not_written_because: Option<String>,
    /// The first line (or index) the output failed to take; nothing after
    /// it was read.
    pub(crate) output_failed_at: Option<u64>,
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

    /// Nothing written reached its place (the output file was not
    /// created): every record counted as written is not written.
    pub(crate) fn lose_written(&mut self, because: String) {
        self.not_written += std::mem::take(&mut self.written);
        self.output_records = 0;
        self.not_written_because = Some(because);
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
        if self.not_written > 0 || self.not_written_because.is_some() {
            text.push_str(&format!(", {} mapped but not written", self.not_written));
            if let Some(because) = &self.not_written_because {
                text.push_str(&format!(" ({because})"));
            }
        }
        if let Some(line) = self.output_failed_at {
            text.push_str(&format!(
                "; stopped at line {line}: the output failed (nothing after it was read)"
            ));
        }
        if let Some(line) = self.stopped_at {
            text.push_str(&format!(
                "; stopped at line {line} (`--on-error fail`; `skip` or `reject=FILE` go on)"
            ));
        }
        text
    }
}
