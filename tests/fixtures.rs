//! Fixture folders with insta snapshots, one case per file.
//!
//! - `fixtures/parse/*.map`: the S-expression print of the syntax tree, then
//!   the rendered syntax diagnostics, if any.
//! - `fixtures/check/*.map`: compiled with `base_dir` = that folder; the
//!   snapshot is every rendered diagnostic. Cases named `err_*` must fail to
//!   compile; any other case must compile (its snapshot then holds the
//!   warnings, if any).
//! - `fixtures/apply/*.test`: a case describes itself in one file:
//!
//!   ```text
//!   # what the case shows (comments are part of the mapping)
//!   <the mapping, from the first line>
//!   --- params
//!   {"tenant": "acme"}
//!   --- input
//!   {"id": 1}
//!   --- input
//!   {"id": 2}
//!   ```
//!
//!   The mapping runs from the first line to the first `--- ` line, so line
//!   numbers in diagnostics are those of the fixture file. `--- params` (at
//!   most one) is a JSON object of parameter values; each `--- input` is one
//!   JSON record (at least one). Imports and CSV files are read relative to
//!   `fixtures/apply/`. The snapshot holds, per input record, its output as
//!   pretty JSON or its rendered runtime errors. In a case named `err_*`
//!   every record must fail; in any other case every record must succeed.

mod common;

use mapc::diagnostics::render_all;
use mapc::syntax;
use mapc::{Env, Mapping, Options, Outcome};
use std::path::{Path, PathBuf};

fn case_name(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

/// Rendered diagnostics never end a line with spaces (snapshots stay stable).
fn assert_no_trailing_whitespace(name: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        assert_eq!(
            line,
            line.trim_end(),
            "{name}: line {} of the output ends with whitespace",
            i + 1
        );
    }
}

fn fixture_dir(kind: &str) -> PathBuf {
    // integration tests run in the package root; relative paths keep the
    // names in diagnostics stable across machines
    PathBuf::from("tests/fixtures").join(kind)
}

#[test]
fn parse_fixtures() {
    insta::glob!("fixtures/parse/*.map", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let file = mapc::diagnostics::SourceFile::new(file_name(path), text);
        let (ast, diagnostics) = syntax::parse(&file);
        let mut out = ast.to_string();
        if !diagnostics.is_empty() {
            out.push_str("\n--- diagnostics\n");
            out.push_str(&render_all(&diagnostics));
        }
        assert_no_trailing_whitespace(&file_name(path), &out);
        insta::assert_snapshot!(out);
    });
}

#[test]
fn check_fixtures() {
    insta::glob!("fixtures/check/*.map", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let options = Options {
            base_dir: Some(fixture_dir("check")),
            ..Default::default()
        };
        let name = case_name(path);
        let out = match Mapping::compile_with(&file_name(path), &text, &options) {
            Ok(mapping) => {
                assert!(
                    !name.starts_with("err_"),
                    "{name}: an error case compiled without errors"
                );
                if mapping.warnings().is_empty() {
                    "(compiles, no diagnostics)\n".to_string()
                } else {
                    render_all(mapping.warnings())
                }
            }
            Err(mapc::CompileError::Invalid(diagnostics)) => {
                assert!(
                    name.starts_with("err_"),
                    "{name} does not compile:\n{}",
                    render_all(&diagnostics)
                );
                render_all(&diagnostics)
            }
            Err(other) => panic!("{name}: {other}"),
        };
        assert_no_trailing_whitespace(&file_name(path), &out);
        insta::assert_snapshot!(out);
    });
}

/// An apply fixture, split into its sections.
struct ApplyCase {
    mapping: String,
    params: Option<mapc::json::Value>,
    inputs: Vec<mapc::json::Value>,
}

fn split_apply_case(name: &str, text: &str) -> ApplyCase {
    let mut mapping = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("--- ") {
            sections.push((header.trim().to_string(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
        } else {
            mapping.push_str(line);
        }
    }
    let mut case = ApplyCase {
        mapping,
        params: None,
        inputs: Vec::new(),
    };
    for (header, body) in sections {
        let json: mapc::json::Value = mapc::parse_json(&body)
            .unwrap_or_else(|e| panic!("{name}: section `--- {header}` is not JSON: {e}"));
        match header.as_str() {
            "input" => case.inputs.push(json),
            "params" => {
                assert!(case.params.is_none(), "{name}: two `--- params` sections");
                case.params = Some(json);
            }
            other => panic!("{name}: unknown section `--- {other}`"),
        }
    }
    assert!(!case.inputs.is_empty(), "{name}: no `--- input` section");
    case
}

#[test]
fn apply_fixtures() {
    insta::glob!("fixtures/apply/*.test", |path| {
        let name = case_name(path);
        let text = std::fs::read_to_string(path).unwrap();
        let case = split_apply_case(&name, &text);
        let options = Options {
            base_dir: Some(fixture_dir("apply")),
            ..Default::default()
        };
        let mapping = Mapping::compile_with(&file_name(path), &case.mapping, &options)
            .unwrap_or_else(|e| panic!("{name} does not compile:\n{e}"));
        let mut env = Env::new();
        if let Some(params) = &case.params {
            let object = params
                .as_object()
                .unwrap_or_else(|| panic!("{name}: params must be an object"));
            for (key, value) in object {
                env.set_param(key.clone(), value.clone());
            }
        }
        let mut out = String::new();
        for (i, input) in case.inputs.iter().enumerate() {
            if case.inputs.len() > 1 {
                out.push_str(&format!("--- record {}\n", i + 1));
            }
            common::assert_apply_to_agrees(
                &format!("{name}, record {}", i + 1),
                &mapping,
                &env,
                input,
            );
            match mapping.apply_all_with(input, &env) {
                Ok(Outcome::Skipped) => {
                    // `apply`, which gives one value, says so with E422
                    out.push_str("(skipped; `apply` says:)\n");
                    let error = mapping
                        .apply_with(input, &env)
                        .expect_err("`apply` of a skipped record is an error");
                    let diagnostics: Vec<_> =
                        error.errors.iter().map(|e| e.to_diagnostic(None)).collect();
                    out.push_str(&render_all(&diagnostics));
                }
                Ok(Outcome::Mapped(records)) if records.is_empty() => {
                    out.push_str("(no target records)\n");
                }
                Ok(Outcome::Mapped(records)) => {
                    assert!(
                        !name.starts_with("err_"),
                        "{name}: record {} should fail but gave {records:?}",
                        i + 1
                    );
                    // a mapping that emits shows each of its records
                    for (r, json) in records.iter().enumerate() {
                        if mapping.emits() {
                            out.push_str(&format!("--- target record {}\n", r + 1));
                        }
                        out.push_str(&mapc::json::to_string_pretty(json).unwrap());
                        out.push('\n');
                    }
                }
                Err(error) => {
                    let diagnostics: Vec<_> =
                        error.errors.iter().map(|e| e.to_diagnostic(None)).collect();
                    let rendered = render_all(&diagnostics);
                    assert!(
                        name.starts_with("err_"),
                        "{name}: record {} failed:\n{rendered}",
                        i + 1
                    );
                    out.push_str(&rendered);
                }
            }
        }
        assert_no_trailing_whitespace(&file_name(path), &out);
        insta::assert_snapshot!(out);
    });
}

/// Every diagnostic code has a fixture whose snapshot shows it (as an error
/// or a warning), except the
/// ones listed here with the reason.
#[test]
fn every_code_has_a_fixture() {
    const WITHOUT_FIXTURE: &[(&str, &str)] = &[
        (
            "E330",
            "only a value built in code nests that deep (serde_json refuses such text): tests/hostile.rs",
        ),
        (
            "E332",
            "the default budget takes seconds to spend; tests/hostile.rs and the CLI case hostile_budget_stream_goes_on set a small one",
        ),
    ];
    let mut shown = String::new();
    for entry in std::fs::read_dir("tests/snapshots").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "snap") {
            shown.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    // the CLI's fixtures (`tests/cli/<case>/snapshot.snap`) count too: the
    // checks against a sample or schema are options of `mapc check`
    for entry in std::fs::read_dir("tests/cli").unwrap() {
        let path = entry.unwrap().path().join("snapshot.snap");
        if let Ok(text) = std::fs::read_to_string(&path) {
            shown.push_str(&text);
        }
    }
    let mut missing = Vec::new();
    for code in mapc::Code::ALL {
        let code = code.as_str();
        let listed = WITHOUT_FIXTURE.iter().any(|(c, _)| *c == code);
        let found = shown.contains(&format!("error[{code}]"))
            || shown.contains(&format!("warning[{code}]"));
        if found == listed {
            missing.push(if found {
                format!("{code} has a fixture now: take it off WITHOUT_FIXTURE")
            } else {
                format!("{code} has no fixture")
            });
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
