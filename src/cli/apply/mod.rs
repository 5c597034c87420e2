//! `mapc apply MAPPING [INPUT]`: map one object, an array of them, or an
//! NDJSON stream, reporting each bad record and going on with the others.
//!
//! - [`arguments`]: what is checked before the first record (parameters,
//!   "now", the time zone, `--jobs`, every file the run writes);
//! - [`document`]: one JSON document read whole (an object, or an array
//!   with `--pretty`);
//! - [`run_loop`]: records streamed in chunks, whatever their format, on
//!   `--jobs` threads, into the output and the reject file;
//! - [`summary`]: the summary line and the exit code.

mod arguments;
mod document;
mod run_loop;
mod summary;

use super::formats::options::FormatArgs;
use super::formats::{Format, fill};
use super::input::Source;
use super::report::Reporter;
use super::stream::{OnError, parse_on_error};
use super::{Exit, Failure, load_mapping};
use arguments::{check_targets, environment, parse_jobs, parse_now, parse_param, parse_zone};
use document::apply_document;
use run_loop::apply_records;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;

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
    /// With `--previous`: `STRATEGY` for every field the mapping gives no
    /// `on_conflict`, or `FIELD=STRATEGY` for one field, over the
    /// mapping's (repeatable); STRATEGY is `reject` (the default: the
    /// record is rejected with both values), `target` (the target wins) or
    /// `source` (the original is kept)
    #[arg(long, value_name = "[FIELD=]STRATEGY", requires = "previous")]
    on_conflict: Vec<String>,
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
