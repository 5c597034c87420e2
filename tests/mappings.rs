//! The shipped example mappings, run against their example records.
//!
//! Layout (read by this test and, later, by `mapc test`):
//!
//! ```text
//! mappings/<example>/<name>.map
//! mappings/<example>/<name>.tests/<case>/input.json    one input record
//! mappings/<example>/<name>.tests/<case>/params.json   optional: {"tenant_id": "acme"}
//! ```
//!
//! Every `mappings/*/*.map` must compile without errors or warnings (a file
//! with no `.tests` folder, such as `mappings/shared/*.map`, is a library of
//! tables and defs that others import). Every case is applied and snapshotted
//! with insta, one snapshot per case named `<example>__<name>__<case>`: the
//! pretty output record, or — for a case named `err_*`, which must fail —
//! the rendered errors. A case named otherwise must succeed, and an `err_*`
//! case must fail.
//!
//! Mapping paths are relative to the crate root, so rendered errors read
//! `mappings/stripe_charge/charge.map:12:3` on every machine.
//!
//! Create or update snapshots with `INSTA_UPDATE=always cargo test --test mappings`,
//! then read every one: a snapshot is an expectation.

use mapc::{Env, Mapping};
use serde_json::Value;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// A mapping file and its case folders.
struct Example {
    /// `stripe_charge`
    example: String,
    /// `charge`
    name: String,
    /// `mappings/stripe_charge/charge.map`, relative to the crate root.
    map: PathBuf,
    /// `mappings/stripe_charge/charge.tests/<case>`, sorted.
    cases: Vec<PathBuf>,
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list `{}`: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("a UTF-8 file name")
        .to_string()
}

/// Every `mappings/*/*.map`, with its cases.
fn discover() -> Vec<Example> {
    // relative paths keep rendered errors stable across machines
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("crate root");
    let mut found = Vec::new();
    for folder in sorted_entries(Path::new("mappings")) {
        if !folder.is_dir() {
            continue;
        }
        for map in sorted_entries(&folder) {
            if map.extension().is_none_or(|e| e != "map") {
                continue;
            }
            let name = map
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a UTF-8 file name")
                .to_string();
            let tests = folder.join(format!("{name}.tests"));
            let cases = if tests.is_dir() {
                sorted_entries(&tests)
                    .into_iter()
                    .filter(|p| p.is_dir())
                    .collect()
            } else {
                Vec::new()
            };
            found.push(Example {
                example: file_name(&folder),
                name,
                map,
                cases,
            });
        }
    }
    found
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{}`: {e}", path.display()))
}

fn compile(map: &Path) -> Mapping {
    let mapping = Mapping::from_file(map)
        .unwrap_or_else(|e| panic!("`{}` does not compile:\n{e}", map.display()));
    let warnings: Vec<String> = mapping
        .warnings()
        .iter()
        .map(mapc::diagnostics::render)
        .collect();
    assert!(
        warnings.is_empty(),
        "`{}` compiles with warnings:\n{}",
        map.display(),
        warnings.join("\n")
    );
    mapping
}

/// The environment of a case: its `params.json`, if any.
fn env_of(case: &Path) -> Env {
    let params = case.join("params.json");
    let mut env = Env::new();
    if params.exists() {
        let Value::Object(params) = read_json(&params) else {
            panic!("`{}` must hold a JSON object", params.display());
        };
        for (name, value) in params {
            env.set_param(name, value);
        }
    }
    env
}

/// Applies the mapping to the case's record: the snapshot text, and whether
/// the record failed.
fn run_case(mapping: &Mapping, case: &Path) -> (String, bool) {
    let input = read_json(&case.join("input.json"));
    match mapping.apply_with(&input, &env_of(case)) {
        Ok(output) => {
            let mut text = serde_json::to_string_pretty(&output).expect("output serialises");
            text.push('\n');
            (text, false)
        }
        Err(error) => {
            let rendered: Vec<String> = error
                .errors
                .iter()
                .map(|e| mapc::diagnostics::render(&e.to_diagnostic(None)))
                .collect();
            (rendered.join("\n"), true)
        }
    }
}

#[test]
fn example_mappings_compile() {
    let examples = discover();
    assert!(
        examples.iter().filter(|e| !e.cases.is_empty()).count() >= 4,
        "expected at least four example mappings with cases"
    );
    for example in &examples {
        compile(&example.map);
    }
}

#[test]
fn example_mappings_match_their_snapshots() {
    let mut failures = Vec::new();
    let mut count = 0;
    for example in discover() {
        if example.cases.is_empty() {
            continue;
        }
        let mapping = compile(&example.map);
        for case in &example.cases {
            count += 1;
            let case_name = file_name(case);
            let snapshot = format!("{}__{}__{case_name}", example.example, example.name);
            let result = catch_unwind(AssertUnwindSafe(|| {
                let (text, failed) = run_case(&mapping, case);
                let expect_failure = case_name.starts_with("err_");
                assert_eq!(
                    failed,
                    expect_failure,
                    "`{}`: {}\n{text}",
                    case.display(),
                    if expect_failure {
                        "an `err_*` case must fail, but the record was mapped"
                    } else {
                        "the record failed; name the case `err_*` if that is expected"
                    }
                );
                insta::with_settings!({
                    description => case.display().to_string(),
                    omit_expression => true,
                    prepend_module_to_snapshot => false,
                }, {
                    insta::assert_snapshot!(snapshot.as_str(), text);
                });
            }));
            if result.is_err() {
                failures.push(case.display().to_string());
            }
        }
    }
    assert!(count > 0, "no test cases found under mappings/");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
