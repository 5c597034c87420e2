//! Runs every example of every built-in function in `mapc::stdlib::FUNCTIONS`.
//!
//! Each example is compiled as the one rule `x = <call>` (with a prelude
//! declaring the `example_status` table and `policy missing = omit`), applied
//! to `{}`, and compared with the example's `result`: JSON text, `(missing)`
//! for an absent field, or `error[E308]` for that error code. A built-in
//! without an example fails the test.

use mapc::Mapping;
use serde_json::{Value, json};

const PRELUDE: &str = "table example_status { \"paid\" => \"PAID\" }\npolicy missing = omit\n";

/// What the example gives, written like `Example::result`.
fn run(call: &str) -> Result<String, String> {
    let source = format!("{PRELUDE}x = {call}\n");
    let mapping = Mapping::compile(&source).map_err(|e| format!("does not compile:\n{e}"))?;
    match mapping.apply(&json!({})) {
        Ok(Value::Object(out)) => Ok(match out.get("x") {
            None => "(missing)".to_string(),
            Some(v) => v.to_string(),
        }),
        Ok(other) => Err(format!("output is not an object: {other}")),
        Err(e) => {
            let codes: Vec<String> = e
                .errors
                .iter()
                .map(|e| format!("error[{}]", e.code.as_str()))
                .collect();
            Ok(codes.join(", "))
        }
    }
}

/// Compares JSON results by value and text (so `3.00` is not `3`).
fn same(expected: &str, got: &str) -> bool {
    if expected == got {
        return true;
    }
    match (
        serde_json::from_str::<Value>(expected),
        serde_json::from_str::<Value>(got),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[test]
fn every_builtin_example_gives_its_result() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for function in mapc::stdlib::FUNCTIONS {
        if function.examples.is_empty() {
            failures.push(format!("`{}` has no example", function.name));
        }
        for example in function.examples {
            ran += 1;
            match run(example.call) {
                Ok(got) if same(example.result, &got) => {}
                Ok(got) => failures.push(format!(
                    "`{}`: expected {}, got {got}",
                    example.call, example.result
                )),
                Err(e) => failures.push(format!("`{}`: {e}", example.call)),
            }
        }
    }
    assert!(ran > 0, "no examples ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_builtin_has_a_doc_line() {
    for function in mapc::stdlib::FUNCTIONS {
        assert!(!function.doc.is_empty(), "`{}` has no doc", function.name);
    }
}

#[test]
fn function_names_are_unique() {
    let mut names: Vec<&str> = mapc::stdlib::FUNCTIONS.iter().map(|f| f.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "a built-in is listed twice");
}
