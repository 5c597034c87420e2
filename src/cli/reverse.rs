//! `mapc reverse MAPPING`: the invertibility table and the derived reverse
//! mapping; and `mapc apply --reverse`: target records mapped back, or
//! written into their originals (`--onto ORIGINALS --key FIELD`).

use super::input::Source;
use super::output::Output;
use super::stream::OnError;
use super::{Exit, Failure, load_mapping, report};
use mapc::json::Value as Json;
use mapc::reverse::{self, PutError, Reverse, Strategy, Sync};
use mapc::{Env, Mapping};
use std::collections::HashMap;
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
    /// Check the lens laws on the mapping's test cases (`NAME.tests/*/`):
    /// GetPut for each input that maps, PutGet on the exact fields for each
    /// case's output written into each other case's input; exit 1 when one
    /// does not hold
    #[arg(long)]
    laws: bool,
}

/// The mapping's reverse: E283 for a mapping that `emit`s (exit 3, as a
/// mapping that does not compile), else the derived mapping.
fn compile_reverse(mapping: &Mapping) -> Result<Reverse, Failure> {
    if let Some(refused) = reverse::refusal(mapping) {
        return Err(Failure {
            exit: Exit::InvalidMapping,
            report: mapc::diagnostics::render_all(&[refused]),
        });
    }
    Reverse::new(mapping).map_err(|e| Failure {
        exit: Exit::InvalidMapping,
        report: format!(
            "error: the derived reverse mapping does not compile (a bug in mapc)\n{e}\n"
        ),
    })
}

/// Runs `mapc reverse`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let mapping = load_mapping(&args.mapping)?;
    if let Some(refused) = reverse::refusal(&mapping) {
        return Err(Failure {
            exit: Exit::InvalidMapping,
            report: mapc::diagnostics::render_all(&[refused]),
        });
    }
    if args.laws {
        return laws(&args.mapping, &mapping);
    }
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
            mapc::json::to_string_pretty(&analysis.to_json()).unwrap_or_default()
        );
    } else {
        print!("{}", analysis.to_text());
    }
    Ok(Exit::Success)
}

/// `mapc reverse --laws`: the laws on the mapping's own test cases.
fn laws(path: &Path, mapping: &Mapping) -> Result<Exit, Failure> {
    let reverse = compile_reverse(mapping)?;
    let dir = mapc::testing::tests_dir(path);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| {
            Failure::usage(format_args!(
                "cannot list `{}`: {}",
                dir.display(),
                report::io_message(&e)
            ))
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.json").exists())
        .collect();
    dirs.sort();
    let mut cases = Vec::new();
    for d in dirs {
        let case = mapc::testing::Case::load(&d, None).map_err(Failure::usage)?;
        let name = d
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        cases.push(reverse::LawCase {
            name,
            source: case.input,
            env: case.env,
        });
    }
    let (mapped, failures) = reverse::check_laws(&reverse, &cases);
    for failure in &failures {
        println!("{failure}");
    }
    println!(
        "{mapped} of {} cases mapped; {} law failures",
        cases.len(),
        failures.len()
    );
    Ok(if failures.is_empty() {
        Exit::Success
    } else {
        Exit::RecordsFailed
    })
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
    pub previous: Option<&'a Path>,
    pub on_conflict: &'a [String],
    pub on_error: &'a OnError,
}

/// `--on-conflict` values: the default strategy (for the fields the
/// mapping gives no `on_conflict`) and per-field ones (over the
/// mapping's). A field must be one that maps back: a misspelt name would
/// otherwise change nothing, silently.
fn strategies(
    values: &[String],
    reverse: &Reverse,
) -> Result<(Strategy, Vec<(String, Strategy)>), Failure> {
    let mut default = Strategy::Reject;
    let mut fields = Vec::new();
    for value in values {
        let (field, name) = match value.split_once('=') {
            Some((f, s)) => (Some(f), s),
            None => (None, value.as_str()),
        };
        let strategy = Strategy::parse(name).ok_or_else(|| {
            Failure::usage(format_args!(
                "`--on-conflict {value}`: the strategies are `reject`, `target` and `source`"
            ))
        })?;
        let fields_back = || {
            reverse
                .analysis()
                .fields
                .iter()
                .filter(|f| f.kind.writes_back())
                .map(|f| f.target.as_str())
        };
        if let Some(f) = field
            && !fields_back().any(|t| t == f)
        {
            let hint = match mapc::diagnostics::did_you_mean(f, fields_back()) {
                Some(near) => format!(" (did you mean `{near}`?)"),
                None => String::new(),
            };
            return Err(Failure::usage(format_args!(
                "`--on-conflict {value}`: no target field `{f}` that maps back to the source{hint}"
            )));
        }
        match field {
            Some(f) => fields.push((f.to_string(), strategy)),
            None => default = strategy,
        }
    }
    Ok((default, fields))
}

/// How the records came: one object, an array, or NDJSON lines; the
/// output has the same shape.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    One,
    Array,
    Lines,
}

/// The records of a file (or stdin): a JSON object, an array, or NDJSON.
fn records(path: Option<&Path>) -> Result<(Vec<Json>, Shape), Failure> {
    let source = Source::new(path);
    let bytes = source.read_all()?;
    let name = path.map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    match mapc::json::from_slice(&bytes) {
        Ok(Json::Array(items)) => Ok((items, Shape::Array)),
        Ok(one) => Ok((vec![one], Shape::One)),
        Err(whole) => {
            let mut items = Vec::new();
            for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let item = mapc::json::from_slice(line).map_err(|e| {
                    Failure::usage(format_args!(
                        "`{name}` is not a JSON object, array or NDJSON: {whole}; line {}: {e}",
                        n + 1
                    ))
                })?;
                items.push(item);
            }
            Ok((items, Shape::Lines))
        }
    }
}

/// Runs `mapc apply --reverse`.
pub(crate) fn apply_back(back: &Back<'_>) -> Result<Exit, Failure> {
    let reverse = compile_reverse(back.mapping)?;
    let (targets, shape) = records(back.targets)?;
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
    let previous = match back.previous {
        Some(path) => Some(records(Some(path))?.0),
        None => None,
    };
    let (default, fields) = strategies(back.on_conflict, &reverse)?;
    // an original is found by its key as the forward mapping writes it (so
    // that a key the mapping lowercases still pairs), or as it is in the
    // original when the original does not map; the first of equal keys
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut previous_by_key: HashMap<String, usize> = HashMap::new();
    if let (Some(originals), Some((in_target, in_source))) = (&originals, &key_paths) {
        for (i, original) in originals.iter().enumerate() {
            let image = back.mapping.apply_with(original, back.env).ok();
            let key = image
                .as_ref()
                .and_then(|img| lookup(img, in_target))
                .or_else(|| lookup(original, in_source));
            if let Some(key) = key {
                by_key.entry(key.to_string()).or_insert(i);
            }
        }
        for (i, p) in previous.iter().flatten().enumerate() {
            if let Some(key) = lookup(p, in_target) {
                previous_by_key.entry(key.to_string()).or_insert(i);
            }
        }
    }
    let mut out = Vec::new();
    let mut errors = String::new();
    let mut rejects = String::new();
    for (i, target) in targets.iter().enumerate() {
        let result = match (&originals, &key_paths) {
            (Some(originals), Some((in_target, _))) => {
                let key = lookup(target, in_target);
                let original = key
                    .and_then(|k| by_key.get(&k.to_string()))
                    .map(|&i| &originals[i]);
                let sync = Sync {
                    previous: key
                        .and_then(|k| previous_by_key.get(&k.to_string()))
                        .and_then(|&i| previous.as_ref()?.get(i)),
                    default,
                    fields: fields.clone(),
                };
                match original {
                    Some(original) => {
                        reverse
                            .sync(back.env, target, original, &sync)
                            .map_err(|e| {
                                let code = if matches!(e, PutError::Conflict(_)) {
                                    "E462"
                                } else {
                                    "E461"
                                };
                                rejects.push_str(&reject_line(i + 1, target, code, &e));
                                rejects.push('\n');
                                format!("error[{code}]: target record {}: {e}\n", i + 1)
                            })
                    }
                    None => {
                        let message = format!(
                            "no original with `{}` = {}",
                            back.key.unwrap_or_default(),
                            key.map_or_else(|| "(missing)".to_string(), Json::to_string)
                        );
                        rejects.push_str(
                            &mapc::json::json!({
                                "record": i + 1,
                                "target": target,
                                "errors": [{"code": "E460", "message": message}],
                            })
                            .to_string(),
                        );
                        rejects.push('\n');
                        Err(format!("error[E460]: target record {}: {message}\n", i + 1))
                    }
                }
            }
            _ => reverse.get_back(target).map_err(|e| {
                rejects.push_str(&reject_line(i + 1, target, "E461", &e));
                rejects.push('\n');
                format!("error[E461]: target record {}: {e}\n", i + 1)
            }),
        };
        match result {
            Ok(record) => out.push(record),
            Err(e) => errors.push_str(&e),
        }
    }
    let mut output = Output::open(back.output, back.pretty && shape != Shape::Lines)?;
    match shape {
        Shape::Array => output.write(&Json::Array(out))?,
        Shape::One | Shape::Lines => {
            for record in &out {
                output.write(record)?;
            }
        }
    }
    output.finish()?;
    if errors.is_empty() {
        return Ok(Exit::Success);
    }
    match back.on_error {
        OnError::Reject(path) => {
            let count = rejects.lines().count();
            std::fs::write(path, rejects).map_err(|e| {
                Failure::usage(format_args!(
                    "cannot write `{}`: {}",
                    path.display(),
                    report::io_message(&e)
                ))
            })?;
            report::eprint(&format!(
                "{count} of {} target records rejected: see `{}`\n",
                targets.len(),
                path.display()
            ));
        }
        OnError::Fail | OnError::Skip => report::eprint(&errors),
    }
    Ok(Exit::RecordsFailed)
}

/// One line of the reject file: the record's number, the target record and
/// its errors (a conflict with the previous, source and target values).
fn reject_line(record: usize, target: &Json, code: &str, error: &PutError) -> String {
    let errors: Vec<Json> = match error {
        PutError::Conflict(conflicts) => conflicts
            .iter()
            .map(|c| {
                mapc::json::json!({
                    "code": code,
                    "field": c.target,
                    "previous": c.previous,
                    "source_value": c.source_value,
                    "target_value": c.target_value,
                })
            })
            .collect(),
        other => vec![mapc::json::json!({"code": code, "message": other.to_string()})],
    };
    mapc::json::json!({"record": record, "target": target, "errors": errors}).to_string()
}

fn lookup<'j>(json: &'j Json, path: &[String]) -> Option<&'j Json> {
    path.iter().try_fold(json, |j, k| j.as_object()?.get(k))
}
