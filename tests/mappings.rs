//! The shipped example mappings, run through the same code path as
//! `mapc test mappings/` (the library's `mapc::testing`).
//!
//! Layout (see `mapc::testing`):
//!
//! ```text
//! mappings/<example>/<name>.map
//! mappings/<example>/<name>.tests/<case>/input.json            one input record
//! mappings/<example>/<name>.tests/<case>/expected.json         the expected output, or
//! mappings/<example>/<name>.tests/<case>/expected_error.json   the expected errors (code, target)
//! mappings/<example>/<name>.tests/<case>/params.json           optional: {"tenant_id": "acme"}
//! ```
//!
//! Every `mappings/**/*.map` must compile without errors or warnings (a file
//! with no `.tests` folder is a library of
//! tables and defs that others import). Every case must pass. For a case
//! that expects errors, the rendered errors are also snapshotted with insta
//! (`<example>__<name>__<case>`), so the wording of runtime errors on real
//! payloads is reviewed too.
//!
//! Mapping paths are relative to the crate root, so rendered errors read
//! `mappings/stripe_charge/charge.map:12:3` on every machine.
//!
//! After a deliberate change, `cargo run -- test --bless mappings` rewrites
//! the expectations; read the diff: an expectation is a promise.

mod common;

use mapc::Mapping;
use mapc::testing::{self, Case, TestFile};
use std::path::{Path, PathBuf};

fn discover() -> Vec<TestFile> {
    // relative paths keep rendered errors stable across machines
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("crate root");
    testing::discover(&[PathBuf::from("mappings")]).expect("mappings/ can be listed")
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .expect("a file name")
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

#[test]
fn example_mappings_compile() {
    let files = discover();
    assert!(
        files.iter().filter(|f| !f.cases.is_empty()).count() >= 4,
        "expected at least four example mappings with cases"
    );
    for file in &files {
        compile(&file.mapping);
    }
}

#[test]
fn example_cases_pass() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in discover() {
        let mapping = compile(&file.mapping);
        for dir in &file.cases {
            count += 1;
            // the shipped cases keep the naming rule: `err_*` expects errors
            let expects_errors = dir.join("expected_error.json").exists();
            assert_eq!(
                name_of(dir).starts_with("err_"),
                expects_errors,
                "`{}`: a case named `err_*` has `expected_error.json`, any other `expected.json`",
                dir.display()
            );
            // as `mapc test` does: the real clock unless the case pins it
            let now = chrono::Utc::now().fixed_offset();
            let result = testing::run_case(&mapping, dir, Some(now));
            // the CLI writes records with `apply_to`: the same bytes
            if let Ok(case) = Case::load(dir, Some(now)) {
                let name = dir.display().to_string();
                common::assert_apply_to_agrees(&name, &mapping, &case.env, &case.input);
            }
            if let Some(failure) = &result.failure {
                failures.push(format!(
                    "{}\n    {}",
                    dir.display(),
                    failure.lines().join("\n    ")
                ));
            }
            // the rendered errors of a failing record, reviewed as text
            if let Some(Err(error)) = &result.actual {
                let rendered: Vec<String> = error
                    .errors
                    .iter()
                    .map(|e| mapc::diagnostics::render(&e.to_diagnostic(None)))
                    .collect();
                let example = name_of(file.mapping.parent().expect("a folder"));
                let stem = file
                    .mapping
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .expect("a file stem");
                let snapshot = format!("{example}__{stem}__{}", name_of(dir));
                insta::with_settings!({
                    description => dir.display().to_string(),
                    omit_expression => true,
                    prepend_module_to_snapshot => false,
                }, {
                    insta::assert_snapshot!(snapshot.as_str(), rendered.join("\n"));
                });
            }
        }
    }
    assert!(count > 0, "no test cases found under mappings/");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed (`mapc test mappings` shows the same):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
