//! The NDJSON pipeline of `mapc apply`: lines are read as bytes in chunks,
//! mapped (on `--jobs` threads), and written in input order. Every line
//! read ends up either written or rejected: read = written + rejected.

use super::input::{Chunk, RawLine};
use super::report::json_message;
use base64::Engine as _;
use mapc::diagnostics::render;
use mapc::{ApplyError, Bound, Code, Diagnostic, FieldCounts, Mapping};
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
    /// Input bytes of the chunk (for the progress figures).
    pub(crate) bytes: u64,
    pub(crate) failed: Vec<Failed>,
    /// `--on-error fail` met a failure: the run stops after this chunk.
    pub(crate) stop: bool,
    pub(crate) fields: FieldCounts,
    /// The lines read, kept to reject a record whose output fails.
    pub(crate) input: Chunk,
    /// Each written record's line and where its output line ends (after
    /// its newline) in `output`.
    pub(crate) lines: Vec<(RawLine, usize)>,
}

impl Mapped {
    /// The output failed after `accepted` bytes of this chunk's output:
    /// the records whose line did not reach it whole fail with E410 (and
    /// `message`): into the reject file when `rejecting`, otherwise
    /// reported on stderr together, in one diagnostic naming their lines.
    /// Returns the first such line.
    pub(crate) fn output_failed(
        &mut self,
        accepted: usize,
        message: &str,
        rejecting: bool,
        source: &str,
    ) -> Option<u64> {
        let kept = self
            .lines
            .iter()
            .take_while(|(_, end)| *end <= accepted)
            .count();
        let lost: Vec<(RawLine, usize)> = self.lines.drain(kept..).collect();
        let first = lost.first().map(|(line, _)| line.number);
        self.written -= lost.len() as u64;
        self.output.truncate(accepted);
        let mut report = match (lost.first(), lost.last()) {
            (Some((first, _)), Some((last, _))) if !rejecting => {
                let (n, lines) = if first.number == last.number {
                    (String::from("a record"), format!("line {}", first.number))
                } else {
                    (
                        format!("{} records", lost.len()),
                        format!("lines {} to {}", first.number, last.number),
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
        for (line, _) in lost {
            let message = format!("the record was mapped but not written: {message}");
            let entry = error_entry(Code::OutputFailed, &message, None, None);
            self.failed.push(Failed {
                line: line.number,
                errors: vec![(Code::OutputFailed, None)],
                report: std::mem::take(&mut report),
                reject: if rejecting {
                    reject_line(line.number, self.input.line(&line), None, vec![entry])
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
    /// The line itself: not UTF-8, not JSON, too long.
    Input {
        code: Code,
        message: String,
        column: Option<usize>,
    },
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
    pub(crate) fn map_chunk(&self, chunk: Chunk) -> Mapped {
        let mut done = Mapped {
            seq: chunk.seq,
            output: Vec::with_capacity(chunk.bytes.len() / 2),
            ..Mapped::default()
        };
        self.map_lines(&chunk, &mut done);
        done.input = chunk;
        done
    }

    fn map_lines(&self, chunk: &Chunk, done: &mut Mapped) {
        for line in &chunk.lines {
            done.read += 1;
            done.bytes += (line.end - line.start) as u64 + 1;
            let text = chunk.line(line);
            let mark = done.output.len();
            match self.map_line(text, line, &mut done.output, &mut done.fields) {
                Ok(()) => {
                    done.output.push(b'\n');
                    done.written += 1;
                    done.lines.push((*line, done.output.len()));
                }
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
    }

    /// Maps one line, appending its output (no newline) to `out`.
    fn map_line(
        &self,
        text: &[u8],
        line: &RawLine,
        out: &mut Vec<u8>,
        fields: &mut FieldCounts,
    ) -> Result<(), Problem> {
        if let Some(length) = line.cut_from {
            return Err(Problem::Input {
                code: Code::Limit,
                message: format!(
                    "input line is {length} bytes; the limit is {} bytes (`--max-line-bytes`)",
                    self.settings.max_line
                ),
                column: None,
            });
        }
        // a byte order mark may open the stream
        let text = match line.number {
            1 => text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text),
            _ => text,
        };
        let text = std::str::from_utf8(text.trim_ascii()).map_err(|e| Problem::Input {
            code: Code::InvalidJson,
            message: "input is not valid UTF-8".to_string(),
            column: Some(e.valid_up_to() + 1),
        })?;
        let record = self.mapping.read(text).map_err(|e| Problem::Input {
            // valid JSON syntax that mapc refuses: an object with a key twice
            code: if e.is_data() {
                Code::DuplicateInputKey
            } else {
                Code::InvalidJson
            },
            message: if e.is_data() {
                let message = json_message(&e);
                match message.strip_prefix("duplicate key ") {
                    Some(key) => format!("input record has the key {key} twice"),
                    None => format!("input record is refused: {message}"),
                }
            } else {
                format!("input is not valid JSON: {}", json_message(&e))
            },
            column: Some(e.column()),
        })?;
        let start = out.len();
        let counts = self.settings.count_fields.then_some(fields);
        self.bound
            .apply_record_to(&record, counts, out)
            .map_err(Problem::Apply)?;
        let size = out.len() - start;
        if size > self.settings.max_output {
            return Err(Problem::Output(format!(
                "output record is {size} bytes; the limit is {} bytes (`--max-output-bytes`)",
                self.settings.max_output
            )));
        }
        Ok(())
    }

    fn failed(&self, line: &RawLine, text: &[u8], problem: Problem) -> Failed {
        let context = format!("record on line {} of {}", line.number, self.settings.source);
        let mut errors = Vec::new();
        let mut diagnostics = Vec::new();
        let mut entries = Vec::new();
        match problem {
            Problem::Input {
                code,
                message,
                column,
            } => {
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
            Problem::Output(message) => {
                errors.push((Code::Limit, None));
                entries.push(error_entry(Code::Limit, &message, None, None));
                diagnostics.push(Diagnostic::error(Code::Limit, message).with_note(context));
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

pub(crate) fn error_entry(
    code: Code,
    message: &str,
    target: Option<&str>,
    source: Option<&str>,
) -> Json {
    let text = |s: Option<&str>| s.map_or(Json::Null, |s| Json::String(s.to_string()));
    let mut entry = Map::new();
    entry.insert("code".into(), Json::String(code.as_str().into()));
    entry.insert("message".into(), Json::String(message.into()));
    entry.insert("target".into(), text(target));
    entry.insert("source".into(), text(source));
    Json::Object(entry)
}

/// One line of the reject file: `{"line": 3, "input": "...", "errors":
/// [...]}`. The input line is carried byte for byte (without its `\n`; a
/// `\r` stays): as a JSON string when it is UTF-8, otherwise in
/// `input_base64` (standard alphabet, padded). A line cut at the length
/// limit also has `input_bytes`, its real length.
pub(crate) fn reject_line(
    number: u64,
    text: &[u8],
    cut_from: Option<u64>,
    errors: Vec<Json>,
) -> Vec<u8> {
    let mut entry = Map::new();
    entry.insert("line".into(), Json::from(number));
    match std::str::from_utf8(text) {
        Ok(text) => entry.insert("input".into(), Json::String(text.into())),
        Err(_) => entry.insert(
            "input_base64".into(),
            Json::String(base64::engine::general_purpose::STANDARD.encode(text)),
        ),
    };
    if let Some(length) = cut_from {
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
    pub(crate) bytes: u64,
    /// Rejected records per code (a record counts once per code it has).
    pub(crate) by_code: BTreeMap<Code, u64>,
    /// Rejected records per target field (`(none)`: no target field).
    pub(crate) by_target: BTreeMap<String, u64>,
    pub(crate) fields: FieldCounts,
    /// The line where `--on-error fail` stopped the run.
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
        self.not_written_because = Some(because);
    }

    /// `4 records read, 2 written, 2 rejected (E300: 1, E400: 1)`
    pub(crate) fn summary(&self) -> String {
        let noun = if self.read == 1 { "record" } else { "records" };
        let mut text = format!(
            "{} {noun} read, {} written, {} rejected",
            self.read, self.written, self.rejected
        );
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
