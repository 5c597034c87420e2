//! `POST /run`: what `mapc check` and `mapc apply` say about the page's
//! mapping and sample, as one JSON answer.

use mapc::diagnostics::render;
use mapc::json::{Value as Json, json};
use mapc::{Diagnostic, Env, Mapping, Options};
use std::path::Path;

/// A diagnostic for the page: its JSON form (code, severity, message,
/// line, column, help, ...) and its rendering as the CLI prints it.
fn problem(diagnostic: &Diagnostic) -> Json {
    let mut json = diagnostic.to_json();
    json["rendered"] = Json::String(render(diagnostic));
    json
}

/// The records of a sample: one JSON object, an array of them, or NDJSON.
fn records(sample: &str) -> Result<(Vec<Json>, bool), String> {
    if sample.trim().is_empty() {
        return Ok((Vec::new(), false));
    }
    match mapc::json::from_str(sample) {
        Ok(Json::Array(items)) => Ok((items, true)),
        Ok(one) => Ok((vec![one], false)),
        Err(whole) => {
            let mut out = Vec::new();
            for (i, line) in sample.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match mapc::json::from_str(line) {
                    Ok(record) => out.push(record),
                    // one line that is not JSON: the text is not NDJSON either
                    Err(_) if out.is_empty() && i == 0 => {
                        return Err(format!(
                            "the sample is not JSON: {whole} (line {}, column {})",
                            whole.line(),
                            whole.column()
                        ));
                    }
                    Err(e) => return Err(format!("sample line {} is not JSON: {e}", i + 1)),
                }
            }
            Ok((out, true))
        }
    }
}

/// Checks `text` (reported under the mapping's path, imports read beside
/// it) and applies it to every record of `sample`.
pub(super) fn run(path: Option<&Path>, text: &str, sample: &str, params: &str) -> Json {
    let name = path.map_or_else(|| "playground.map".to_string(), |p| p.display().to_string());
    let options = Options {
        base_dir: path.and_then(Path::parent).map(Path::to_path_buf),
        ..Options::default()
    };
    let mapping = match Mapping::compile_with(&name, text, &options) {
        Ok(mapping) => mapping,
        Err(error) => {
            return json!({
                "valid": false,
                "problems": error.diagnostics().iter().map(problem).collect::<Vec<_>>(),
            });
        }
    };
    let mut problems: Vec<Json> = mapping.warnings().iter().map(problem).collect();
    let doc = mapping.describe();
    let mut answer = json!({
        "valid": true,
        "doc": doc.to_html(),
        "schema": mapc::json::to_string_pretty(&mapping.schema()).unwrap_or_default(),
    });
    let mut env = Env::new().with_now(chrono::Utc::now().fixed_offset());
    if !params.trim().is_empty() {
        match mapc::json::from_str(params) {
            Ok(Json::Object(values)) => {
                for (key, value) in values {
                    env.set_param(key, value);
                }
            }
            _ => answer["input_error"] = json!("the parameters are not a JSON object"),
        }
    }
    match records(sample) {
        Err(message) => answer["input_error"] = json!(message),
        Ok((records, many)) => {
            let mut outputs = Vec::new();
            for (i, record) in records.iter().enumerate() {
                match mapping.apply_with(record, &env) {
                    Ok(out) => outputs.push(out),
                    Err(error) => {
                        let which = format!("record {}", i + 1);
                        for e in &error.errors {
                            problems.push(problem(&e.to_diagnostic(Some(&which))));
                        }
                        outputs.push(Json::Null);
                    }
                }
            }
            let shown = if many {
                Json::Array(outputs)
            } else {
                outputs.pop().unwrap_or(Json::Null)
            };
            answer["output"] = json!(mapc::json::to_string_pretty(&shown).unwrap_or_default());
        }
    }
    answer["problems"] = Json::Array(problems);
    answer
}
