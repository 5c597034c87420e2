//! `mapc apply MAPPING [INPUT]`: map one object, an array of them, or an
//! NDJSON stream, reporting each bad record and going on with the others.

use super::input::{Chunk, NdjsonReader, Source};
use super::output::Output;
use super::progress::Progress;
use super::report::{Reporter, invalid_json};
use super::stream::{Mapped, OnError, Settings, Totals, Worker, parse_on_error};
use super::{Exit, Failure, load_mapping};
use mapc::{Bound, Env, Mapping, Outcome};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::time::Instant;

/// The arguments of `mapc apply`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The mapping file (`*.map`)
    mapping: PathBuf,
    /// The input file; `-` or nothing reads stdin. `*.ndjson` and `*.jsonl`
    /// files are read as NDJSON
    input: Option<PathBuf>,
    /// Write the output to FILE (put in place only when the run ends)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Pretty-print the JSON output (not allowed with NDJSON)
    #[arg(long)]
    pretty: bool,
    /// Read the input as NDJSON, one record per line (needed for stdin)
    #[arg(long)]
    ndjson: bool,
    /// Set a parameter of the mapping; its declared type says how VALUE is
    /// read (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// The IANA time zone in which times without an offset are read when
    /// the mapping names none (the machine's own zone is never used)
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    time_zone: Option<mapc::Tz>,
    /// What to do with a record that fails: `skip` reports it on stderr,
    /// leaves it out and goes on (exit 1 at the end), `fail` reports it and
    /// stops (nothing after it is written; an `--output` file is not
    /// created), `reject=FILE` writes it to FILE (NDJSON: line, original
    /// input, every error) and goes on
    #[arg(long, value_name = "POLICY", default_value = "skip", value_parser = parse_on_error)]
    on_error: OnError,
    /// Map NDJSON on N threads, output still in input order [default: the
    /// number of cores]
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Write the run's figures to FILE as JSON: counts, rejects by code and
    /// by target field, records per second, null and defaulted fields
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// No progress bar, and no summary when no record failed
    #[arg(short, long)]
    quiet: bool,
    /// Reject NDJSON lines longer than this (error E312)
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    max_line_bytes: usize,
    /// Reject records whose output is longer than this (error E331; the
    /// writing stops as soon as it passes)
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    max_output_bytes: usize,
    /// Reject records that take more evaluation steps than this (error E332)
    #[arg(long, value_name = "STEPS", default_value_t = mapc::Budget::default().steps)]
    max_steps: u64,
    /// Reject records whose mapping builds more bytes of values than this (error E332)
    #[arg(long, value_name = "BYTES", default_value_t = mapc::Budget::default().bytes)]
    max_record_bytes: u64,
    /// Map target records back to source records with the mapping's
    /// derived reverse (see `mapc reverse`)
    #[arg(long)]
    reverse: bool,
    /// With `--reverse`: write each target record into its original source
    /// record from FILE (a JSON object or array), paired by `--key`
    #[arg(long, value_name = "FILE", requires = "reverse", requires = "key")]
    onto: Option<PathBuf>,
    /// With `--onto`: the target field whose value pairs a target record
    /// with its original (read from the original at the source path the
    /// field maps back to)
    #[arg(long, value_name = "FIELD", requires = "onto")]
    key: Option<String>,
    /// With `--onto`: the target records of the last sync (paired by
    /// `--key`); a field changed on both sides since then is a conflict
    /// (E462), resolved by `--on-conflict`
    #[arg(long, value_name = "FILE", requires = "onto")]
    previous: Option<PathBuf>,
    /// With `--previous`: `STRATEGY` for every field or `FIELD=STRATEGY`
    /// for one (repeatable); STRATEGY is `reject` (the default: the record
    /// is rejected with both values), `target` (the target wins) or
    /// `source` (the original is kept)
    #[arg(long, value_name = "[FIELD=]STRATEGY", requires = "previous")]
    on_conflict: Vec<String>,
}

/// `name=value`, split at the first `=`.
fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("expected `name=value`, found `{text}`")),
    }
}

/// Runs `mapc apply`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let mapping = load_mapping(&args.mapping)?;
    let mut budget = mapc::Budget::default();
    budget.steps = args.max_steps;
    budget.bytes = args.max_record_bytes;
    budget.output_bytes = args.max_output_bytes as u64;
    let env = environment(&mapping, &args.params, args.time_zone)?.with_budget(budget);
    if args.reverse {
        return super::reverse::apply_back(&super::reverse::Back {
            mapping: &mapping,
            env: &env,
            targets: args.input.as_deref(),
            onto: args.onto.as_deref(),
            key: args.key.as_deref(),
            output: args.output.as_deref(),
            pretty: args.pretty,
            previous: args.previous.as_deref(),
            on_conflict: &args.on_conflict,
            on_error: &args.on_error,
        });
    }
    let source = Source::new(args.input.as_deref());
    let ndjson = args.ndjson || source.looks_like_ndjson();
    if ndjson && args.pretty {
        return Err(Failure::usage(
            "`--pretty` cannot be used with NDJSON (each record must stay on one line)",
        ));
    }
    if args.jobs == Some(0) {
        return Err(Failure::usage("`--jobs` must be at least 1"));
    }
    let mut reporter = Reporter::default();
    if ndjson {
        apply_ndjson(&mapping, &env, &source, args, &mut reporter)
    } else {
        apply_document(&mapping, &env, &source, args, &mut reporter)
    }
}

/// The parameters, each typed by the mapping's declaration, checked once
/// before the first record.
fn environment(
    mapping: &Mapping,
    params: &[(String, String)],
    time_zone: Option<mapc::Tz>,
) -> Result<Env, Failure> {
    let declared = mapping.params();
    // the real clock: the library itself never reads it
    let mut env = Env::new().with_now(chrono::Utc::now().fixed_offset());
    if let Some(zone) = time_zone {
        env = env.with_time_zone(zone);
    }
    for (i, (name, text)) in params.iter().enumerate() {
        if params[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(Failure::usage(format_args!(
                "`--param {name}` is given more than once"
            )));
        }
        let ty = declared.iter().find(|p| p.name == *name).map(|p| p.ty);
        env.set_param(name.clone(), param_value(ty, text));
    }
    if let Err(error) = mapping.check_env(&env) {
        let mut errors = error.errors;
        // unknown names come from a hash map: sort for a stable report
        errors.sort_by_key(|e| (e.span.start, e.message.clone()));
        let report = errors
            .iter()
            .map(|e| {
                let mut diagnostic = e.to_diagnostic(None);
                if e.span.start == e.span.end {
                    // an undeclared parameter has no place in the mapping
                    diagnostic.labels.clear();
                }
                mapc::diagnostics::render(&diagnostic)
            })
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Failure {
            exit: Exit::Usage,
            report,
        });
    }
    Ok(env)
}

/// A `--param` value read as its declared type. Text that does not fit the
/// type is passed on as a string, so that the library's check reports it
/// with the declaration.
fn param_value(ty: Option<&str>, text: &str) -> Json {
    let as_string = || Json::String(text.to_string());
    match ty {
        Some("string") => as_string(),
        Some("number") => text
            .parse::<serde_json::Number>()
            .map_or_else(|_| as_string(), Json::Number),
        Some("bool") => match text {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            _ => as_string(),
        },
        // `any`, or not declared (the check reports that)
        _ => serde_json::from_str(text).unwrap_or_else(|_| as_string()),
    }
}

/// One JSON document: an object (or any single value) or an array of
/// records. A document that is not valid JSON is error E400, exit 1.
fn apply_document(
    mapping: &Mapping,
    env: &Env,
    source: &Source,
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
    let bytes = source.read_all()?;
    // numbers keep their text as written (serde_json alone re-spells `1E3`)
    let parsed = match std::str::from_utf8(&bytes) {
        Ok(text) => mapc::parse_json(text),
        Err(_) => serde_json::from_slice(&bytes),
    };
    let document: Json = match parsed {
        Ok(document) => document,
        Err(error) => {
            let context = format!("{source}, line {}, column {}", error.line(), error.column());
            reporter.diagnostic(&invalid_json(&error, &context));
            return Ok(Exit::RecordsFailed);
        }
    };
    drop(bytes);
    let mut mapped = Records::new(args.pretty);
    match document {
        Json::Array(records) => {
            let mut totals = Totals::default();
            for (index, record) in records.iter().enumerate() {
                totals.read += 1;
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
            if let Some(path) = &args.stats {
                let elapsed = started.elapsed().as_secs_f64();
                super::stats::write(path, &totals, elapsed, 1)?;
            }
            if totals.stopped_at.is_none() {
                mapped.finish(output, true)?;
                if let Some(rejects) = rejects {
                    rejects.finish()?;
                }
            }
            Ok(summary(
                reporter,
                &totals,
                args.quiet,
                "index",
                mapping.emits(),
            ))
        }
        record => match mapped.add(&bound, &record) {
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
    }
}

/// A reject-file line for a record of a JSON document: its index and the
/// record itself, with every error.
fn document_reject(index: usize, record: &Json, error: &mapc::ApplyError) -> Json {
    let errors = mapc::reject::apply_error_entries(error);
    serde_json::json!({"index": index, "record": record, "errors": Json::Array(errors)})
}

fn bind<'a>(mapping: &'a Mapping, env: &'a Env) -> Result<Bound<'a>, Failure> {
    // `environment` checked the parameters already
    mapping
        .bind(env)
        .map_err(|e| Failure::usage(format_args!("{e}")))
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
        bound: &Bound<'_>,
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

/// NDJSON, streamed in chunks of lines, in constant memory: one line in,
/// one line out, in input order, on `--jobs` threads. A line that is not
/// UTF-8 or not JSON is a failed record like any other.
fn apply_ndjson(
    mapping: &Mapping,
    env: &Env,
    source: &Source,
    args: &Args,
    reporter: &mut Reporter,
) -> Result<Exit, Failure> {
    let started = Instant::now();
    let settings = Settings {
        on_error: args.on_error.clone(),
        max_output: args.max_output_bytes,
        max_line: args.max_line_bytes,
        count_fields: args.stats.is_some(),
        source: source.to_string(),
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let mut reader = NdjsonReader::new(source.open()?, settings.max_line);
    let mut sink = Sink {
        output: Output::open(args.output.as_deref(), false)?,
        rejects: match &args.on_error {
            OnError::Reject(path) => Some(Output::open(Some(path), false)?),
            _ => None,
        },
        totals: Totals::default(),
        reporter,
        progress: Progress::new(args.quiet, source.len()),
    };
    let bound = bind(mapping, env)?;
    if jobs <= 1 {
        let worker = Worker {
            mapping,
            bound,
            settings: &settings,
        };
        while let Some(chunk) = reader.next_chunk().map_err(|e| source.read_failure(&e))? {
            let mut mapped = worker.map_chunk(&chunk);
            if sink.take(&mut mapped)? {
                break;
            }
        }
    } else {
        run_parallel(&mut reader, &mut sink, mapping, &bound, &settings, jobs).map_err(
            |e| match e {
                Stop::Read(e) => source.read_failure(&e),
                Stop::Write(failure) => failure,
            },
        )?;
    }
    let Sink {
        output,
        rejects,
        totals,
        reporter,
        progress,
    } = sink;
    progress.finish();
    if totals.stopped_at.is_none() {
        output.finish()?;
    }
    if let Some(rejects) = rejects {
        rejects.finish()?;
    }
    if let Some(path) = &args.stats {
        let elapsed = started.elapsed().as_secs_f64();
        super::stats::write(path, &totals, elapsed, jobs)?;
    }
    Ok(summary(
        reporter,
        &totals,
        args.quiet,
        "line",
        mapping.emits(),
    ))
}

/// Where mapped chunks go, in order: the output, the reject file, stderr,
/// the figures and the progress bar.
struct Sink<'r> {
    output: Output,
    rejects: Option<Output>,
    totals: Totals,
    reporter: &'r mut Reporter,
    progress: Progress,
}

impl Sink<'_> {
    /// Writes one chunk's results; `true` when the run must stop.
    fn take(&mut self, mapped: &mut Mapped) -> Result<bool, Failure> {
        self.output.write_bytes(&mapped.output)?;
        for failed in &mapped.failed {
            match self.rejects.as_mut() {
                Some(rejects) => rejects.write_bytes(&failed.reject)?,
                None => self.reporter.text(&failed.report),
            }
        }
        self.totals.add(mapped);
        self.progress
            .update(self.totals.read, self.totals.bytes, self.totals.rejected);
        Ok(mapped.stop)
    }
}

enum Stop {
    Read(io::Error),
    Write(Failure),
}

/// A reader thread cuts the input into chunks, `jobs` workers map them, and
/// this thread writes them back in order. At most `4 × jobs` chunks are in
/// flight at once (a ticket per chunk), so memory stays bounded however
/// long the stream and however slow one chunk is.
fn run_parallel(
    reader: &mut NdjsonReader,
    sink: &mut Sink<'_>,
    mapping: &Mapping,
    bound: &Bound<'_>,
    settings: &Settings,
    jobs: usize,
) -> Result<(), Stop> {
    let in_flight = 4 * jobs;
    let (tickets_tx, tickets_rx) = crossbeam_channel::bounded::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = tickets_tx.send(());
    }
    let (work_tx, work_rx) = crossbeam_channel::bounded::<Chunk>(in_flight);
    let (done_tx, done_rx) = crossbeam_channel::bounded::<Result<Mapped, io::Error>>(in_flight);
    std::thread::scope(|scope| {
        // owned here, so that returning early drops them: the reader stops
        // waiting for a ticket, the workers stop sending
        let (tickets_tx, done_rx) = (tickets_tx, done_rx);
        let read_done = done_tx.clone();
        scope.spawn(move || {
            while tickets_rx.recv().is_ok() {
                match reader.next_chunk() {
                    Ok(Some(chunk)) => {
                        if work_tx.send(chunk).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = read_done.send(Err(e));
                        break;
                    }
                }
            }
        });
        for _ in 0..jobs {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let bound = bound.clone();
            scope.spawn(move || {
                let worker = Worker {
                    mapping,
                    bound,
                    settings,
                };
                for chunk in work_rx {
                    if done_tx.send(Ok(worker.map_chunk(&chunk))).is_err() {
                        break;
                    }
                }
            });
        }
        drop((work_rx, done_tx));
        // everything below ends by dropping `done_rx` and `tickets_tx`,
        // which stops the reader and the workers
        let mut pending: BTreeMap<u64, Mapped> = BTreeMap::new();
        let mut next = 0;
        for message in done_rx {
            let mapped = message.map_err(Stop::Read)?;
            pending.insert(mapped.seq, mapped);
            while let Some(mut mapped) = pending.remove(&next) {
                next += 1;
                if sink.take(&mut mapped).map_err(Stop::Write)? {
                    return Ok(());
                }
                let _ = tickets_tx.send(());
            }
        }
        Ok(())
    })
}

/// The exit code of a run over many records, with the summary on stderr:
/// always for NDJSON; for a JSON array when a record failed.
fn summary(reporter: &mut Reporter, totals: &Totals, quiet: bool, unit: &str, emits: bool) -> Exit {
    let exit = if totals.rejected == 0 {
        Exit::Success
    } else {
        Exit::RecordsFailed
    };
    let always = unit == "line" && !quiet;
    if exit == Exit::Success && !always {
        return exit;
    }
    let mut text = totals.summary(emits);
    if unit == "index" {
        text = text.replace("stopped at line", "stopped at index");
    }
    let prefix = if exit == Exit::Success {
        "summary"
    } else {
        "error"
    };
    reporter.line(&format!("{prefix}: {text}"));
    exit
}

/// `--time-zone Europe/Berlin`
fn parse_zone(text: &str) -> Result<mapc::Tz, String> {
    text.parse::<mapc::Tz>()
        .map_err(|_| format!("`{text}` is not an IANA time zone such as `Europe/Berlin` or `UTC`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_typed_by_their_declaration() {
        assert_eq!(param_value(Some("string"), "12"), Json::String("12".into()));
        assert_eq!(param_value(Some("number"), "12.50").to_string(), "12.50");
        assert_eq!(param_value(Some("number"), "x"), Json::String("x".into()));
        assert_eq!(param_value(Some("bool"), "true"), Json::Bool(true));
        assert_eq!(param_value(Some("bool"), "yes"), Json::String("yes".into()));
        assert_eq!(param_value(Some("any"), "[1]").to_string(), "[1]");
        assert_eq!(param_value(Some("any"), "a b"), Json::String("a b".into()));
    }

    #[test]
    fn params_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_param("q=a=b"),
            Ok(("q".to_string(), "a=b".to_string()))
        );
        assert!(parse_param("novalue").is_err());
        assert!(parse_param("=x").is_err());
    }
}
