//! The NDJSON pipeline of `mapc apply`: lines are read as bytes in chunks,
//! mapped (on `--jobs` threads), and written in input order. Every line
//! read ends up written, rejected or skipped (by a `skip` or `keep`
//! guard): read = written + rejected + skipped. A written record may give
//! several output lines (`emit`): those are counted as `output`.

use super::input::{Chunk, RawLine};
use mapc::diagnostics::render;
use mapc::reject::{self, InputError};
use mapc::{ApplyError, Bound, Code, Diagnostic, FieldCounts, Mapping, Outcome};
use serde_json::Value as Json;
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
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) on_error: OnError,
    /// The largest output record, in bytes.
    pub(crate) max_output: usize,
    /// The longest input line, in bytes.
    pub(crate) max_line: usize,
    /// Count null and defaulted fields (for `--stats`).
    pub(crate) count_fields: bool,
    /// The input's name in reports: `` `orders.ndjson` `` or `stdin`.
    pub(crate) source: String,
}

/// One failed record, ready to report.
#[derive(Debug)]
pub(crate) struct Failed {
    /// Its 1-based line.
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
    /// The output lines.
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
    pub(crate) fields: FieldCounts,
}

/// Why one record failed.
enum Problem {
    /// The line itself: not UTF-8, not JSON, too long.
    Input(InputError),
    /// The mapping, or the output limit.
    Apply(ApplyError),
    Output(String),
}

/// Maps chunks of lines; one per thread.
pub(crate) struct Worker<'a> {
    pub(crate) mapping: &'a Mapping,
    pub(crate) bound: Bound<'a>,
    pub(crate) settings: &'a Settings,
}

impl Worker<'_> {
    /// Maps every line of `chunk`, or, with `--on-error fail`, up to and
    /// including the first that fails.
    pub(crate) fn map_chunk(&self, chunk: &Chunk) -> Mapped {
        let mut done = Mapped {
            seq: chunk.seq,
            output: Vec::with_capacity(chunk.bytes.len() / 2),
            ..Mapped::default()
        };
        for line in &chunk.lines {
            done.read += 1;
            done.bytes += (line.end - line.start) as u64 + 1;
            let text = chunk.line(line);
            let mark = done.output.len();
            match self.map_line(text, line, &mut done.output, &mut done.fields) {
                Ok(Outcome::Mapped(records)) => {
                    if records > 0 {
                        done.output.push(b'\n');
                    }
                    done.written += 1;
                    done.output_records += records as u64;
                }
                Ok(Outcome::Skipped) => done.skipped += 1,
                Err(problem) => {
                    done.output.truncate(mark);
                    done.failed.push(self.failed(line, text, problem));
                    if self.settings.on_error == OnError::Fail {
                        done.stop = true;
                        break;
                    }
                }
            }
        }
        done
    }

    /// Maps one line, appending its output lines (no newline after the
    /// last) to `out`.
    fn map_line(
        &self,
        text: &[u8],
        line: &RawLine,
        out: &mut Vec<u8>,
        fields: &mut FieldCounts,
    ) -> Result<Outcome<usize>, Problem> {
        if let Some(length) = line.cut_from {
            return Err(Problem::Input(InputError::new(
                Code::Limit,
                format!(
                    "input line is {length} bytes; the limit is {} bytes (`--max-line-bytes`)",
                    self.settings.max_line
                ),
                None,
            )));
        }
        // a byte order mark may open the stream
        let text = match line.number {
            1 => text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text),
            _ => text,
        };
        let record = reject::read_line(self.mapping, text).map_err(Problem::Input)?;
        let start = out.len();
        let counts = self.settings.count_fields.then_some(fields);
        let outcome = match self.bound.apply_record_all_to(&record, counts, b'\n', out) {
            Ok(outcome) => outcome,
            Err(error) => {
                // `read_line` read the text as UTF-8 already
                let text = std::str::from_utf8(text.trim_ascii()).unwrap_or_default();
                return Err(Problem::Apply(self.full_report(text, error)));
            }
        };
        let longest = out[start..]
            .split(|b| *b == b'\n')
            .map(<[u8]>::len)
            .max()
            .unwrap_or(0);
        if longest > self.settings.max_output {
            return Err(Problem::Output(format!(
                "output record is {longest} bytes; the limit is {} bytes (`--max-output-bytes`)",
                self.settings.max_output
            )));
        }
        Ok(outcome)
    }

    fn full_report(&self, text: &str, projected: ApplyError) -> ApplyError {
        reject::full_report(&self.bound, text, projected)
    }

    fn failed(&self, line: &RawLine, text: &[u8], problem: Problem) -> Failed {
        let context = format!("record on line {} of {}", line.number, self.settings.source);
        let mut errors = Vec::new();
        let mut diagnostics = Vec::new();
        let mut entries = Vec::new();
        match problem {
            Problem::Input(input) => {
                errors.push((input.code, None));
                entries.push(input.entry());
                let note = match input.column {
                    Some(column) => format!("{context}, column {column}"),
                    None => context,
                };
                diagnostics.push(Diagnostic::error(input.code, input.message).with_note(note));
            }
            Problem::Output(message) => {
                errors.push((Code::Limit, None));
                entries.push(reject::error_entry(Code::Limit, &message, None, None));
                diagnostics.push(Diagnostic::error(Code::Limit, message).with_note(context));
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
            reject_line(line.number, text, line.cut_from, entries)
        } else {
            Vec::new()
        };
        Failed {
            line: line.number,
            errors,
            report,
            reject,
        }
    }
}

/// One line of the reject file: the library's reject entry and a `\n`.
fn reject_line(number: u64, text: &[u8], cut_from: Option<u64>, errors: Vec<Json>) -> Vec<u8> {
    let mut out = reject::entry(number, text, cut_from, errors)
        .to_string()
        .into_bytes();
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
    /// The line where `--on-error fail` stopped the run.
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
