//! The arguments of `mapc apply` checked before the first record: the
//! values clap reads (`--param`, `--jobs`, `--now`, `--time-zone`), the
//! parameters against the mapping's declarations, and every file the run
//! writes.

use super::Args;
use crate::cli::input::Source;
use crate::cli::stream::OnError;
use crate::cli::targets::{self, Target};
use crate::cli::{Exit, Failure};
use mapc::json::Value as Json;
use mapc::{BoundMapping, Env, Mapping};

/// `name=value`, split at the first `=`.
pub(super) fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("expected `name=value`, found `{text}`")),
    }
}

/// The most `--jobs`: each thread holds up to four chunks of 256 KiB in
/// flight, and more threads than cores only wait.
const MAX_JOBS: usize = 256;

/// `--jobs N`: from 1 to [`MAX_JOBS`].
pub(super) fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=MAX_JOBS) => Ok(n),
        _ => Err(format!(
            "expected a number of threads from 1 to {MAX_JOBS}, found `{text}`"
        )),
    }
}

/// `--now 2024-05-01T12:00:00Z`
pub(super) fn parse_now(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!("`{text}` is not an RFC 3339 date and time such as `2024-05-01T12:00:00Z`: {e}")
    })
}

/// Every file the run writes, checked before the first record: not a
/// folder, not the input or the mapping, not another output.
pub(super) fn check_targets(args: &Args, source: &Source) -> Result<(), Failure> {
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
pub(super) fn environment(mapping: &Mapping, args: &Args) -> Result<Env, Failure> {
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

pub(super) fn bind(mapping: &Mapping, env: &Env) -> Result<BoundMapping, Failure> {
    // `environment` checked the parameters already
    mapping
        .bind(env)
        .map_err(|e| Failure::usage(format_args!("{e}")))
}

/// `--time-zone Europe/Berlin`
pub(super) fn parse_zone(text: &str) -> Result<mapc::Tz, String> {
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
