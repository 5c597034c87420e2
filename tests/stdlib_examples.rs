//! Every example of every built-in runs as a test: the call is compiled as
//! `x = <call>` and applied to `{}` in a pinned environment ("now" is
//! `mapc::stdlib::EXAMPLE_NOW`, the default zone `EXAMPLE_TIME_ZONE`), and
//! the output is compared with the example's result, digit for digit.

use mapc::json::json;
use mapc::stdlib::FUNCTIONS;
use mapc::{Env, Mapping};

const PRELUDE: &str = "table example_status { \"paid\" => \"PAID\" }\npolicy missing = omit\n";

/// The environment every example runs in.
pub fn pinned_env() -> Env {
    let now = chrono::DateTime::parse_from_rfc3339(mapc::stdlib::EXAMPLE_NOW).expect("pinned now");
    let zone: mapc::Tz = mapc::stdlib::EXAMPLE_TIME_ZONE
        .parse()
        .expect("pinned zone");
    Env::new().with_now(now).with_time_zone(zone)
}

/// What an example gives: JSON text, `(missing)`, `error[E3xx]`, or
/// `error[E217]` for a constant setting that `mapc check` refuses.
fn run(call: &str) -> String {
    let source = format!("{PRELUDE}x = {call}\n");
    let mapping = match Mapping::compile(&source) {
        Ok(m) => m,
        Err(e) => {
            let codes: Vec<String> = e
                .diagnostics()
                .iter()
                .map(|d| format!("error[{}]", d.code.as_str()))
                .collect();
            return codes.join(", ");
        }
    };
    match mapping.apply_with(&json!({}), &pinned_env()) {
        Ok(out) => match out.get("x") {
            Some(v) => v.to_string(),
            None => "(missing)".into(),
        },
        Err(e) => {
            let codes: Vec<String> = e
                .errors
                .iter()
                .map(|r| format!("error[{}]", r.code.as_str()))
                .collect();
            codes.join(", ")
        }
    }
}

#[test]
fn every_builtin_has_an_example_and_every_example_holds() {
    let mut failures = Vec::new();
    for function in FUNCTIONS {
        if function.examples.is_empty() {
            failures.push(format!("{}: no example", function.name));
        }
        if function.doc.trim().is_empty() {
            failures.push(format!("{}: no doc line", function.name));
        }
        for example in function.examples {
            let got = run(example.call);
            let expected = match example.result {
                r if r == "(missing)" || r.starts_with("error[") => r.to_string(),
                r => match mapc::json::from_str(r) {
                    Ok(j) => j.to_string(),
                    Err(e) => format!("bad expected JSON {r}: {e}"),
                },
            };
            if got != expected {
                failures.push(format!(
                    "{}: `{}`\n    expected {expected}\n    got      {got}",
                    function.name, example.call
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn function_names_are_unique() {
    let mut names: Vec<&str> = mapc::stdlib::FUNCTIONS.iter().map(|f| f.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "a built-in is listed twice");
}
