//! One JSON document read whole: an object (or any single value) or,
//! with `--pretty`, an array of records.

use super::Args;
use super::arguments::bind;
use super::summary::conclude;
use crate::cli::input::Source;
use crate::cli::output::Output;
use crate::cli::report::{Reporter, invalid_json};
use crate::cli::stream::{OnError, Totals};
use crate::cli::{Exit, Failure};
use mapc::json::Value as Json;
use mapc::{BoundMapping, Env, Mapping, Outcome};
use std::time::Instant;

/// One JSON document: an object (or any single value) or, with
/// `--pretty`, an array of records. A document that is not valid JSON is
/// error E400, exit 1.
pub(super) fn apply_document(
    mapping: &Mapping,
    env: &Env,
    source: &Source,
    bytes: Vec<u8>,
    args: &Args,
    reporter: &mut Reporter,
) -> Result<Exit, Failure> {
    let started = Instant::now();
    let bound = bind(mapping, env)?;
    let output = Output::open(args.output.as_deref(), args.pretty)?;
    let mut rejects = match &args.on_error {
        OnError::Reject(path) => Some(Output::open(Some(path), false)?),
        _ => None,
    };
    // a byte order mark may open the document, as it may an NDJSON stream
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // numbers keep their text as written (serde_json alone re-spells `1E3`);
    // a record with a key twice is rejected below, on its own (E411)
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => mapc::parse_json_allowing_repeated_keys(text),
        Err(_) => mapc::json::from_slice(bytes),
    };
    let document: Json = match parsed {
        Ok(document) => document,
        Err(error) => {
            let context = format!("{source}, line {}, column {}", error.line(), error.column());
            reporter.diagnostic(&invalid_json(&error, &context));
            return Ok(Exit::RecordsFailed);
        }
    };
    let duplicates = crate::cli::duplicates::per_record(bytes);
    // a record with a key twice fails like one the mapping fails on
    let twice = |index: usize| {
        duplicates.get(index).cloned().flatten().map(|key| {
            let message = format!("input record has the key `{key}` twice");
            mapc::Diagnostic::error(mapc::Code::DuplicateInputKey, message)
        })
    };
    let mut mapped = Records::new(args.pretty);
    match document {
        Json::Array(records) => {
            let mut totals = Totals::default();
            for (index, record) in records.iter().enumerate() {
                totals.read += 1;
                if let Some(diagnostic) = twice(index) {
                    totals.add_failed(&[(diagnostic.code, None)]);
                    if let Some(rejects) = rejects.as_mut() {
                        rejects.write(&input_reject(index, record, &diagnostic))?;
                        continue;
                    }
                    let context = format!("record at index {index} of {source}");
                    reporter.diagnostic(&diagnostic.with_note(context));
                    if args.on_error == OnError::Fail {
                        totals.stopped_at = Some(index as u64);
                        break;
                    }
                    continue;
                }
                match mapped.add(&bound, record) {
                    Ok(Outcome::Mapped(records)) => {
                        totals.written += 1;
                        totals.output_records += records as u64;
                    }
                    Ok(Outcome::Skipped) => totals.skipped += 1,
                    Err(error) => {
                        let errors: Vec<_> = error
                            .errors
                            .iter()
                            .map(|e| (e.code, e.target.clone()))
                            .collect();
                        totals.add_failed(&errors);
                        if let Some(rejects) = rejects.as_mut() {
                            rejects.write(&document_reject(index, record, &error))?;
                            continue;
                        }
                        let context = format!("record at index {index} of {source}");
                        reporter.apply_error(&error, Some(&context));
                        if args.on_error == OnError::Fail {
                            totals.stopped_at = Some(index as u64);
                            break;
                        }
                    }
                }
            }
            // the rejects first: they are kept even when the output fails
            let mut failures = Vec::new();
            if let Some(rejects) = rejects {
                failures.extend(rejects.finish().err());
            }
            let name = output.name();
            if totals.stopped_at.is_some() {
                // the array is written whole or not at all
                drop(output);
                if totals.written > 0 {
                    totals.lose_written(
                        "the array is written only when the run ends, and it stopped".into(),
                    );
                }
            } else if let Err(failure) = mapped.finish(output, true) {
                totals.lose_written(format!("{name} could not be written"));
                failures.push(failure);
            }
            if let Some(path) = &args.stats {
                let elapsed = started.elapsed().as_secs_f64();
                failures.extend(crate::cli::stats::write(path, &totals, elapsed, 1).err());
            }
            Ok(conclude(
                reporter,
                &totals,
                &failures,
                args.quiet,
                "index",
                mapping.emits(),
            ))
        }
        record => match twice(0) {
            Some(diagnostic) => {
                if let Some(mut rejects) = rejects {
                    rejects.write(&input_reject(0, &record, &diagnostic))?;
                    rejects.finish()?;
                } else {
                    reporter.diagnostic(&diagnostic.with_note(format!("the record in {source}")));
                }
                Ok(Exit::RecordsFailed)
            }
            None => match mapped.add(&bound, &record) {
                Ok(Outcome::Mapped(_)) => {
                    // several target records (`emit`) are written as an array
                    mapped.finish(output, mapping.emits())?;
                    Ok(Exit::Success)
                }
                Ok(Outcome::Skipped) => {
                    // nothing to write: `output` is dropped and leaves no file
                    if !args.quiet {
                        reporter.line(&format!(
                            "summary: the record in {source} is skipped by a guard"
                        ));
                    }
                    Ok(Exit::Success)
                }
                Err(error) => {
                    if let Some(mut rejects) = rejects {
                        rejects.write(&document_reject(0, &record, &error))?;
                        rejects.finish()?;
                    } else {
                        // nothing to write: `output` is dropped and leaves no file
                        reporter.apply_error(&error, Some(&format!("the record in {source}")));
                    }
                    Ok(Exit::RecordsFailed)
                }
            },
        },
    }
}

/// A reject-file line for a record of a JSON document: its index and the
/// record itself, with every error.
fn document_reject(index: usize, record: &Json, error: &mapc::ApplyError) -> Json {
    let errors = mapc::reject::apply_error_entries(error);
    mapc::json::json!({"index": index, "record": record, "errors": Json::Array(errors)})
}

/// A reject-file line for a record of a JSON document that failed before
/// mapping (a key given twice): its index, the record as read, the error.
fn input_reject(index: usize, record: &Json, diagnostic: &mapc::Diagnostic) -> Json {
    mapc::json::json!({
        "index": index,
        "record": record,
        "errors": [{
            "code": diagnostic.code.as_str(),
            "message": diagnostic.message,
            "target": null,
            "source": null,
        }],
    })
}

/// The mapped records of a JSON document: with `--pretty` their values,
/// printed when the run ends; otherwise their compact JSON text, written
/// as each record maps, without building the values.
enum Records {
    Values(Vec<Json>),
    Text(Vec<u8>),
}

impl Records {
    fn new(pretty: bool) -> Records {
        if pretty {
            Records::Values(Vec::new())
        } else {
            Records::Text(Vec::new())
        }
    }

    /// Maps `record` and adds its target records (as text, after a comma
    /// when they are not the first).
    fn add(
        &mut self,
        bound: &BoundMapping,
        record: &Json,
    ) -> Result<Outcome<usize>, mapc::ApplyError> {
        match self {
            Records::Values(values) => Ok(match bound.apply_all(record)? {
                Outcome::Mapped(records) => {
                    let n = records.len();
                    values.extend(records);
                    Outcome::Mapped(n)
                }
                _ => Outcome::Skipped,
            }),
            Records::Text(text) => {
                let mark = text.len();
                if mark > 0 {
                    text.push(b',');
                }
                let outcome = bound
                    .apply_all_to(record, None, b',', text)
                    .inspect_err(|_| text.truncate(mark))?;
                if text.len() == mark + 1 {
                    // skipped, or no records: no comma either
                    text.truncate(mark);
                }
                Ok(outcome)
            }
        }
    }

    /// Writes the records as one JSON array, or (not `array`) the one
    /// record, and a newline.
    fn finish(self, mut output: Output, array: bool) -> Result<(), Failure> {
        match self {
            Records::Values(mut values) => {
                let value = if array {
                    Json::Array(values)
                } else {
                    values.pop().unwrap_or_default()
                };
                output.write(&value)?;
            }
            Records::Text(text) => {
                if array {
                    output.write_bytes(b"[")?;
                    output.write_bytes(&text)?;
                    output.write_bytes(b"]\n")?;
                } else {
                    output.write_bytes(&text)?;
                    output.write_bytes(b"\n")?;
                }
            }
        }
        output.finish()
    }
}
