//! `mapc reverse MAPPING`: the invertibility table and the derived reverse
//! mapping; and `mapc apply --reverse`: target records mapped back, or
//! written into their originals (`--onto ORIGINALS --key FIELD`).

use super::input::Source;
use super::output::Output;
use super::{Exit, Failure, load_mapping, report};
use mapc::reverse::{self, Reverse};
use mapc::{Env, Mapping};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// The arguments of `mapc reverse`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The mapping file (`*.map`)
    mapping: PathBuf,
    /// `text` (one line per field) or `json`
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Write the derived reverse mapping to FILE (`-`: stdout, instead of
    /// the table)
    #[arg(long, value_name = "FILE")]
    emit: Option<PathBuf>,
}

/// Runs `mapc reverse`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let mapping = load_mapping(&args.mapping)?;
    let analysis = reverse::analyse(&mapping);
    if let Some(emit) = &args.emit {
        let name = args
            .mapping
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let text = analysis.reverse_mapping(&name);
        if emit == Path::new("-") {
            print!("{text}");
            return Ok(Exit::Success);
        }
        std::fs::write(emit, text).map_err(|e| {
            Failure::usage(format_args!(
                "cannot write `{}`: {}",
                emit.display(),
                report::io_message(&e)
            ))
        })?;
    }
    if args.format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&analysis.to_json()).unwrap_or_default()
        );
    } else {
        print!("{}", analysis.to_text());
    }
    Ok(Exit::Success)
}

/// What `mapc apply --reverse` was asked to do.
pub(crate) struct Back<'a> {
    pub mapping: &'a Mapping,
    pub env: &'a Env,
    pub targets: Option<&'a Path>,
    pub onto: Option<&'a Path>,
    pub key: Option<&'a str>,
    pub output: Option<&'a Path>,
    pub pretty: bool,
}

fn records(path: Option<&Path>) -> Result<(Vec<Json>, bool), Failure> {
    let source = Source::new(path);
    let bytes = source.read_all()?;
    let name = path.map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    match serde_json::from_slice::<Json>(&bytes) {
        Ok(Json::Array(items)) => Ok((items, true)),
        Ok(one) => Ok((vec![one], false)),
        Err(e) => Err(Failure::usage(format_args!(
            "`{name}` is not a JSON object or array: {e}"
        ))),
    }
}

/// Runs `mapc apply --reverse`.
pub(crate) fn apply_back(back: &Back<'_>) -> Result<Exit, Failure> {
    let reverse = Reverse::new(back.mapping).map_err(|e| Failure {
        exit: Exit::InvalidMapping,
        report: format!(
            "error: the derived reverse mapping does not compile (a bug in mapc)\n{e}\n"
        ),
    })?;
    let (targets, array) = records(back.targets)?;
    let originals = match back.onto {
        Some(path) => Some(records(Some(path))?.0),
        None => None,
    };
    // where the key is in a target and in an original
    let key_paths = match back.key {
        Some(key) => {
            let field = reverse
                .analysis()
                .fields
                .iter()
                .find(|f| f.target == key)
                .filter(|f| f.kind.writes_back())
                .ok_or_else(|| {
                    Failure::usage(format_args!(
                        "`--key {key}`: no target field `{key}` that maps back to the source"
                    ))
                })?;
            Some((
                field.target_path.clone(),
                field.source.clone().unwrap_or_default(),
            ))
        }
        None => None,
    };
    let mut out = Vec::new();
    let mut errors = String::new();
    for (i, target) in targets.iter().enumerate() {
        let result = match (&originals, &key_paths) {
            (Some(originals), Some((in_target, in_source))) => {
                let key = lookup(target, in_target);
                let original =
                    key.and_then(|k| originals.iter().find(|o| lookup(o, in_source) == Some(k)));
                match original {
                    Some(original) => reverse
                        .put(back.env, target, original)
                        .map_err(|e| format!("error[E461]: target record {}: {e}\n", i + 1)),
                    None => Err(format!(
                        "error[E460]: target record {}: no original with `{}` = {}\n",
                        i + 1,
                        back.key.unwrap_or_default(),
                        key.map_or_else(|| "(missing)".to_string(), Json::to_string)
                    )),
                }
            }
            _ => reverse
                .get_back(target)
                .map_err(|e| format!("error[E461]: target record {}: {e}\n", i + 1)),
        };
        match result {
            Ok(record) => out.push(record),
            Err(e) => errors.push_str(&e),
        }
    }
    let mut output = Output::open(back.output, back.pretty)?;
    if array {
        output.write(&Json::Array(out))?;
    } else if let Some(one) = out.into_iter().next() {
        output.write(&one)?;
    }
    output.finish()?;
    if errors.is_empty() {
        Ok(Exit::Success)
    } else {
        report::eprint(&errors);
        Ok(Exit::RecordsFailed)
    }
}

fn lookup<'j>(json: &'j Json, path: &[String]) -> Option<&'j Json> {
    path.iter().try_fold(json, |j, k| j.as_object()?.get(k))
}
