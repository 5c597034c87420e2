//! `mapc apply MAPPING [INPUT]`: map one object, an array of them, or an
//! NDJSON stream, reporting each bad record and going on with the others.

use super::formats::options::FormatArgs;
use super::formats::{Chunk, Format, RecordReader, RecordWriter, Unit, fill};
use super::input::Source;
use super::output::Output;
use super::progress::Progress;
use super::report::{Reporter, invalid_json};
use super::stream::{Mapped, OnError, Settings, Totals, Worker, parse_on_error};
use super::targets::{self, Target};
use super::{Exit, Failure, load_mapping};
use mapc::json::Value as Json;
use mapc::{Bound, Env, Mapping, Outcome};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
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
    /// Read the input as NDJSON, one record per line (the same as
    /// `--from ndjson`)
    #[arg(long)]
    ndjson: bool,
    #[command(flatten)]
    formats: FormatArgs,
    #[command(flatten)]
    reference: super::reference::ReferenceArgs,
    /// Pin "now" (RFC 3339, `2024-05-01T12:00:00Z`) for `now()` and
    /// relative dates, so a run can be replayed exactly [default: the
    /// clock]
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<chrono::DateTime<chrono::FixedOffset>>,
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
    /// Map NDJSON on N threads (1 to 256), output still in input order
    /// [default: the number of cores]
    #[arg(short, long, value_name = "N", value_parser = parse_jobs)]
    jobs: Option<usize>,
    /// Write the run's figures to FILE as JSON: counts, rejects by code and
    /// by target field, records per second, null and defaulted fields
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// No progress bar, and no summary when no record failed
    #[arg(short, long)]
    quiet: bool,
    /// Reject NDJSON lines, CSV rows, array elements and XML records
    /// longer than this (error E312)
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

/// The most `--jobs`: each thread holds up to four chunks of 256 KiB in
/// flight, and more threads than cores only wait.
const MAX_JOBS: usize = 256;

/// `--jobs N`: from 1 to [`MAX_JOBS`].
fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=MAX_JOBS) => Ok(n),
        _ => Err(format!(
            "expected a number of threads from 1 to {MAX_JOBS}, found `{text}`"
        )),
    }
}

/// Runs `mapc apply`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let mapping = load_mapping(&args.mapping)?;
    let mut budget = mapc::Budget::default();
    budget.steps = args.max_steps;
    budget.bytes = args.max_record_bytes;
    budget.output_bytes = args.max_output_bytes as u64;
    let env = environment(&mapping, args)?.with_budget(budget);
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
    check_targets(args, &source)?;
    let from = args.formats.input_format(&source, args.ndjson);
    let to = args.formats.output_format(from, args.output.as_deref());
    if args.pretty && (from == Format::Ndjson || to == Format::Ndjson) {
        return Err(Failure::usage(
            "`--pretty` cannot be used with NDJSON (each record must stay on one line)",
        ));
    }
    if args.pretty && (from != Format::Json || to != Format::Json) {
        return Err(Failure::usage("`--pretty` needs JSON input and output"));
    }
    let mut reporter = Reporter::default();
    if from == Format::Json {
        // an array is streamed; one object (or `--pretty`) is read whole
        let mut input = source.open()?;
        let (first, skipped) = first_byte(&mut input).map_err(|e| source.read_failure(&e))?;
        if first != Some(b'[') || args.pretty {
            if to != Format::Json {
                return Err(Failure::usage(format_args!(
                    "{source} is one JSON document, not an array of records: it can only be written as JSON"
                )));
            }
            let mut bytes = skipped;
            input
                .read_to_end(&mut bytes)
                .map_err(|e| source.read_failure(&e))?;
            return apply_document(&mapping, &env, &source, bytes, args, &mut reporter);
        }
        let writer = args.formats.writer(to, &mapping)?;
        let reader = Box::new(super::formats::json::ArrayReader::new(
            input,
            &skipped,
            args.max_line_bytes,
        ));
        return apply_records(&mapping, &env, &source, reader, writer, args, &mut reporter);
    }
    let writer = args.formats.writer(to, &mapping)?;
    let reader = args
        .formats
        .reader(from, &source, &mapping, args.max_line_bytes)?;
    apply_records(&mapping, &env, &source, reader, writer, args, &mut reporter)
}

/// The first byte after white space (and a byte order mark), not taken;
/// the white space before it is taken only when the buffer holds nothing
/// else, and returned.
fn first_byte(input: &mut super::formats::Input) -> io::Result<(Option<u8>, Vec<u8>)> {
    let mut skipped = Vec::new();
    loop {
        let buffer = fill(input)?;
        if buffer.is_empty() {
            return Ok((None, skipped));
        }
        let start = if skipped.is_empty() && buffer.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        match buffer[start..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
        {
            Some(at) => return Ok((Some(buffer[start + at]), skipped)),
            None => {
                skipped.extend_from_slice(buffer);
                let length = buffer.len();
                input.consume(length);
            }
        }
    }
}

/// `--now 2024-05-01T12:00:00Z`
fn parse_now(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!("`{text}` is not an RFC 3339 date and time such as `2024-05-01T12:00:00Z`: {e}")
    })
}

/// Every file the run writes, checked before the first record: not a
/// folder, not the input or the mapping, not another output.
fn check_targets(args: &Args, source: &Source) -> Result<(), Failure> {
    let mut inputs = vec![("mapping", args.mapping.as_path())];
    if let Source::File(path) = source {
        inputs.push(("input file", path.as_path()));
    }
    let mut outputs = Vec::new();
    if let Some(path) = &args.output {
        outputs.push(Target { option: "-o", path });
    }
    if let OnError::Reject(path) = &args.on_error {
        outputs.push(Target {
            option: "reject=",
            path,
        });
    }
    if let Some(path) = &args.stats {
        outputs.push(Target {
            option: "--stats",
            path,
        });
    }
    targets::check(&inputs, &outputs)
}

/// The parameters, each typed by the mapping's declaration, checked once
/// before the first record.
fn environment(mapping: &Mapping, args: &Args) -> Result<Env, Failure> {
    let (params, time_zone, now) = (&args.params, args.time_zone, args.now);
    let declared = mapping.params();
    // `--now`, or the real clock: the library itself never reads it
    let now = now.unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let mut env = Env::new().with_now(now);
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
    args.reference.load(&mut env, params)?;
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
            .parse::<mapc::json::Number>()
            .map_or_else(|_| as_string(), Json::Number),
        Some("bool") => match text {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            _ => as_string(),
        },
        // `any`, or not declared (the check reports that)
        _ => mapc::json::from_str(text).unwrap_or_else(|_| as_string()),
    }
}

/// One JSON document: an object (or any single value) or, with
/// `--pretty`, an array of records. A document that is not valid JSON is
/// error E400, exit 1.
fn apply_document(
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
    let duplicates = super::duplicates::per_record(bytes);
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
                failures.extend(super::stats::write(path, &totals, elapsed, 1).err());
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

/// Records streamed in chunks, in constant memory, whatever their format:
/// one record in, one out, in input order, on `--jobs` threads. A record
/// that is bad as input (not JSON, a row of the wrong width) is a failed
/// record like any other.
fn apply_records(
    mapping: &Mapping,
    env: &Env,
    source: &Source,
    mut reader: Box<dyn RecordReader>,
    writer: Box<dyn RecordWriter>,
    args: &Args,
    reporter: &mut Reporter,
) -> Result<Exit, Failure> {
    let started = Instant::now();
    let unit = reader.unit();
    let settings = Settings {
        on_error: args.on_error.clone(),
        max_output: args.max_output_bytes,
        count_fields: args.stats.is_some(),
        source: source.to_string(),
        unit,
        writer,
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let mut sink = Sink {
        output: Output::open(args.output.as_deref(), false)?,
        rejects: match &args.on_error {
            OnError::Reject(path) => Some(Output::open(Some(path), false)?),
            _ => None,
        },
        totals: Totals::default(),
        reporter,
        progress: Progress::new(args.quiet, source.len()),
        failure: None,
        source: source.to_string(),
        writer: settings.writer.as_ref(),
        first: true,
        unit,
        held: None,
    };
    let bound = bind(mapping, env)?;
    // a document (a JSON array, XML) streamed to stdout, a device or a FIFO
    // under `--on-error fail` is held until the run ends: a run that stops
    // writes nothing rather than a document left open
    let document = !settings.writer.end(0).is_empty();
    if document && args.on_error == OnError::Fail && sink.output.streams() {
        sink.held = Some(settings.writer.begin());
    } else {
        sink.output.write_bytes(&settings.writer.begin())?;
    }
    if jobs <= 1 {
        let worker = Worker {
            mapping,
            bound,
            settings: &settings,
        };
        while let Some(chunk) = reader.next_chunk().map_err(|e| source.read_failure(&e))? {
            let mut mapped = worker.map_chunk(chunk);
            if sink.take(&mut mapped)? {
                break;
            }
        }
    } else {
        run_parallel(reader.as_mut(), &mut sink, mapping, &bound, &settings, jobs).map_err(
            |e| match e {
                Stop::Read(e) => source.read_failure(&e),
                Stop::Write(failure) => failure,
            },
        )?;
    }
    let Sink {
        mut output,
        rejects,
        mut totals,
        reporter,
        progress,
        failure,
        held,
        ..
    } = sink;
    progress.finish();
    // the rejects first: they are kept even when the output fails
    let mut failures = Vec::new();
    // the output's closing (an array's `]`; nothing for NDJSON), after
    // what was held
    let mut failure = failure;
    let holding = held.is_some();
    if failure.is_none() && totals.stopped_at.is_none() {
        let mut tail = held.unwrap_or_default();
        tail.extend(settings.writer.end(totals.output_records));
        failure = output.write_bytes(&tail).err();
        if failure.is_some() && holding {
            totals.lose_written(format!("{} could not be written", output.name()));
        }
    } else if holding && totals.written > 0 {
        totals.lose_written("a document is written only when the run ends, and it stopped".into());
    }
    if let Some(rejects) = rejects {
        failures.extend(rejects.finish().err());
    }
    let (name, streams) = (output.name(), output.streams());
    let placed = match failure {
        Some(failure) => {
            failures.insert(0, failure);
            false
        }
        None if totals.stopped_at.is_none() => match output.finish() {
            Ok(()) => true,
            Err(failure) => {
                failures.insert(0, failure);
                false
            }
        },
        None => false,
    };
    // a file is put in place whole or not at all; what went to stdout, a
    // device or a FIFO is out there already
    if !placed && !streams && totals.written > 0 {
        let because = if totals.stopped_at.is_some() {
            format!("{name} was not created: the run stopped")
        } else {
            format!("{name} was not created: it could not be written")
        };
        totals.lose_written(because);
    }
    if let Some(path) = &args.stats {
        let elapsed = started.elapsed().as_secs_f64();
        failures.extend(super::stats::write(path, &totals, elapsed, jobs).err());
    }
    Ok(conclude(
        reporter,
        &totals,
        &failures,
        args.quiet,
        unit.name(),
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
    /// The output failed: the run stops, and this is reported at the end.
    failure: Option<Failure>,
    /// The input's name in reports.
    source: String,
    writer: &'r dyn RecordWriter,
    /// No record has been written yet.
    first: bool,
    /// How records are named in reports: by line or by index.
    unit: Unit,
    /// The output held until the run ends (a document under `--on-error
    /// fail`), or `None`: written as it comes.
    held: Option<Vec<u8>>,
}

impl Sink<'_> {
    /// Writes one chunk's results; `true` when the run must stop. When the
    /// input had nothing more at hand, the output is flushed, so records
    /// arriving slowly (a pipe) come out as they are mapped. When the
    /// output fails, the records it did not take go to the reject file
    /// (E410), or are counted as not written, and the run stops after
    /// this chunk.
    fn take(&mut self, mapped: &mut Mapped) -> Result<bool, Failure> {
        let mut stop = mapped.stop;
        // the first record written leaves out its separator (an array's `,`)
        let mut skip = 0;
        if self.first && !mapped.output.is_empty() {
            skip = self.writer.first_skip().min(mapped.output.len());
            self.first = false;
        }
        if let Some(held) = self.held.as_mut() {
            held.extend_from_slice(&mapped.output[skip..]);
        } else if let Err(broken) = self.output.write_counted(&mapped.output[skip..]) {
            let accepted = if self.output.streams() {
                skip + broken.accepted
            } else {
                0
            };
            let message = match broken.failure.report.trim_end() {
                "" => "the reader of stdout went away".to_string(),
                report => report.trim_start_matches("error: ").to_string(),
            };
            let rejecting = self.rejects.is_some();
            self.totals.output_failed_at =
                mapped.output_failed(accepted, &message, rejecting, &self.source, self.unit);
            self.failure = Some(broken.failure);
            stop = true;
        }
        for failed in &mapped.failed {
            match self.rejects.as_mut() {
                Some(rejects) => rejects.write_bytes(&failed.reject)?,
                None => self.reporter.text(&failed.report),
            }
        }
        if mapped.flush {
            self.output.flush()?;
            if let Some(rejects) = self.rejects.as_mut() {
                rejects.flush()?;
            }
        }
        self.totals.add(mapped);
        self.progress
            .update(self.totals.read, self.totals.bytes, self.totals.rejected);
        Ok(stop)
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
    reader: &mut dyn RecordReader,
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
                    if done_tx.send(Ok(worker.map_chunk(chunk))).is_err() {
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

/// The exit code of a run over many records, with what went wrong writing
/// (`failures`) and the summary on stderr: the summary always for NDJSON;
/// for a JSON array when a record failed or an output could not be
/// written. A failed output is exit 2, whatever the records did.
fn conclude(
    reporter: &mut Reporter,
    totals: &Totals,
    failures: &[Failure],
    quiet: bool,
    unit: &str,
    emits: bool,
) -> Exit {
    for failure in failures {
        let report = failure.report.trim_end();
        if !report.is_empty() {
            reporter.line(report);
        }
    }
    let exit = summary(reporter, totals, quiet, unit, !failures.is_empty(), emits);
    if failures.is_empty() {
        exit
    } else {
        Exit::Usage
    }
}

/// The exit code of a run over many records, with the summary on stderr:
/// always for NDJSON (unless `quiet`) and when `force`d; otherwise when a
/// record failed or was not written.
fn summary(
    reporter: &mut Reporter,
    totals: &Totals,
    quiet: bool,
    unit: &str,
    force: bool,
    emits: bool,
) -> Exit {
    let exit = if totals.rejected == 0 && totals.not_written == 0 {
        Exit::Success
    } else {
        Exit::RecordsFailed
    };
    let always = force || (unit == Unit::Line.name() && !quiet);
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
