//! `mapc apply MAPPING [INPUT]`: map one object, an array of them, or an
//! NDJSON stream, reporting each bad record and going on with the others.

use super::input::{NdjsonReader, Source};
use super::output::Output;
use super::report::{Reporter, invalid_json};
use super::{Exit, Failure, load_mapping};
use mapc::{Env, Mapping};
use serde_json::Value as Json;
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
    /// Read the input as NDJSON, one record per line (needed for stdin)
    #[arg(long)]
    ndjson: bool,
    /// Set a parameter of the mapping; its declared type says how VALUE is
    /// read (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
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
    let env = environment(&mapping, &args.params)?;
    let source = Source::new(args.input.as_deref());
    let ndjson = args.ndjson || source.looks_like_ndjson();
    if ndjson && args.pretty {
        return Err(Failure::usage(
            "`--pretty` cannot be used with NDJSON (each record must stay on one line)",
        ));
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
fn environment(mapping: &Mapping, params: &[(String, String)]) -> Result<Env, Failure> {
    let declared = mapping.params();
    let mut env = Env::new().with_now(chrono::Utc::now().fixed_offset());
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
    let output = Output::open(args.output.as_deref(), args.pretty)?;
    let bytes = source.read_all()?;
    let document: Json = match serde_json::from_slice(&bytes) {
        Ok(document) => document,
        Err(error) => {
            let context = format!("{source}, line {}, column {}", error.line(), error.column());
            reporter.diagnostic(&invalid_json(&error, &context));
            return Ok(Exit::RecordsFailed);
        }
    };
    drop(bytes);
    match document {
        Json::Array(records) => {
            let mut mapped = Vec::with_capacity(records.len());
            let mut failed = 0;
            for (index, record) in records.iter().enumerate() {
                match mapping.apply_with(record, env) {
                    Ok(value) => mapped.push(value),
                    Err(error) => {
                        failed += 1;
                        let context = format!("record at index {index} of {source}");
                        reporter.apply_error(&error, Some(&context));
                    }
                }
            }
            finish(output, &Json::Array(mapped))?;
            Ok(summary(reporter, failed, records.len()))
        }
        record => match mapping.apply_with(&record, env) {
            Ok(value) => {
                finish(output, &value)?;
                Ok(Exit::Success)
            }
            Err(error) => {
                // nothing to write: `output` is dropped and leaves no file
                reporter.apply_error(&error, Some(&format!("the record in {source}")));
                Ok(Exit::RecordsFailed)
            }
        },
    }
}

fn finish(mut output: Output, value: &Json) -> Result<(), Failure> {
    output.write(value)?;
    output.finish()
}

/// NDJSON, streamed: one line in, one line out, in constant memory. A line
/// that is not valid JSON is a failed record like any other.
fn apply_ndjson(
    mapping: &Mapping,
    env: &Env,
    source: &Source,
    args: &Args,
    reporter: &mut Reporter,
) -> Result<Exit, Failure> {
    let mut reader = NdjsonReader::new(source.open()?);
    let mut output = Output::open(args.output.as_deref(), false)?;
    let (mut total, mut failed) = (0, 0);
    while let Some(line) = reader.next_line().map_err(|e| source.read_failure(&e))? {
        total += 1;
        let context = || format!("record on line {} of {source}", line.number);
        let record = match line.record {
            Ok(record) => record,
            Err(error) => {
                failed += 1;
                let context = format!("{}, column {}", context(), error.column());
                reporter.diagnostic(&invalid_json(&error, &context));
                continue;
            }
        };
        match mapping.apply_with(&record, env) {
            Ok(value) => output.write(&value)?,
            Err(error) => {
                failed += 1;
                reporter.apply_error(&error, Some(&context()));
            }
        }
    }
    output.finish()?;
    Ok(summary(reporter, failed, total))
}

/// The exit code of a run over many records, with a closing line on stderr
/// when some failed.
fn summary(reporter: &mut Reporter, failed: usize, total: usize) -> Exit {
    if failed == 0 {
        return Exit::Success;
    }
    let noun = if total == 1 { "record" } else { "records" };
    reporter.line(&format!("error: {failed} of {total} {noun} failed"));
    Exit::RecordsFailed
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
