//! Helpers shared by the conversion test files.

use mapc::{Env, Mapping};
use serde_json::Value as Json;

/// Applies `source` to `record` in `env`: the output as compact JSON text, or
/// the errors as `E3xx: message` lines.
pub fn map_in(env: &Env, source: &str, record: Json) -> String {
    let mapping = Mapping::compile(source).unwrap_or_else(|e| panic!("{e}"));
    match mapping.apply_with(&record, env) {
        Ok(out) => out.to_string(),
        Err(e) => e
            .errors
            .iter()
            .map(|r| format!("{}: {}", r.code.as_str(), r.message))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// [`map_in`] with an empty environment.
#[allow(dead_code)]
pub fn map(source: &str, record: Json) -> String {
    map_in(&Env::new(), source, record)
}
