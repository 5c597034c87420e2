//! `mapc test`: test cases that live beside the mapping.
//!
//! For `orders.map`, the folder `orders.tests/` holds one folder per case:
//!
//! ```text
//! orders.map
//! orders.tests/<case>/input.json            the input record
//! orders.tests/<case>/expected.json         the expected output record, or
//! orders.tests/<case>/expected_error.json   the expected errors: [{"code": "E302", "target": "status"}]
//! orders.tests/<case>/params.json           optional: {"tenant_id": "acme"}
//! orders.tests/<case>/now.txt               optional: "now", RFC 3339 (2026-11-23T10:00:00Z);
//!                                           without it, the caller's clock (`mapc test`: the real one)
//! orders.tests/<case>/ignore.json           optional: paths not compared, ["$.imported_at", "$.lines[*].id"]
//! orders.tests/<case>/round_trip.json       optional: `true` checks the lens laws on the case
//!                                           (GetPut, and PutGet with the other cases; see [`round_trips`])
//! ```
//!
//! A case passes when the record maps and the output equals `expected.json`
//! field by field, or when the record fails with exactly the errors listed
//! in `expected_error.json`: each listed error matches one reported error
//! with its code and target field (`target` left out matches any field),
//! and an error that is not listed fails the case too. A case with neither
//! file fails until [`bless`] writes one. Numbers compare by their exact
//! text (`12.50` is not `12.5`); object keys compare as sets.
//!
//! This module finds and runs cases and returns what happened as data; it
//! never prints. `mapc test` and the crate's own test suite both use it.
//!
//! ```
//! use mapc::testing::{diff, JsonPath};
//! use mapc::json::json;
//! let ignore = [JsonPath::parse("$.at").unwrap()];
//! let differences = diff(&json!({"a": 1, "at": 1}), &json!({"a": 2, "at": 2}), &ignore);
//! assert_eq!(differences[0].to_string(), "$.a: expected 1, got 2");
//! ```

mod diff;
mod laws;

pub use diff::{Difference, JsonPath, Step, diff};
pub use laws::{RoundTripFailure, asks_for_round_trip, round_trips};

use crate::env::Env;
use crate::eval::{ApplyError, RuntimeError};
use crate::json::{Value as Json, json};
use crate::mapping::Mapping;
use chrono::{DateTime, FixedOffset};
use std::fmt;
use std::path::{Path, PathBuf};

/// A mapping file and the folders of its cases.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TestFile {
    /// `mappings/stripe_charge/charge.map`.
    pub mapping: PathBuf,
    /// `mappings/stripe_charge/charge.tests/<case>`, sorted; empty when the
    /// mapping has no `.tests` folder.
    pub cases: Vec<PathBuf>,
}

/// The `.tests` folder of a mapping: `orders.tests` for `orders.map`.
pub fn tests_dir(mapping: &Path) -> PathBuf {
    let stem = mapping
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    mapping.with_file_name(format!("{stem}.tests"))
}

/// Every mapping under `paths` (files as given, folders searched for
/// `*.map` recursively, in name order, skipping hidden folders and
/// `target`), each with its cases. A path that is a mapping's `.tests`
/// folder, or one case folder in it, runs just those cases.
///
/// # Errors
/// A path that does not exist, or a folder that cannot be listed.
pub fn discover(paths: &[PathBuf]) -> std::io::Result<Vec<TestFile>> {
    let mut mappings = Vec::new();
    let mut single = Vec::new();
    for path in paths {
        if let Some(file) = case_folder(path)? {
            single.push(file);
        } else if path.is_dir() {
            find_mappings(path, &mut mappings)?;
        } else if path.is_file() {
            mappings.push(path.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{}` does not exist", path.display()),
            ));
        }
    }
    let mut found: Vec<TestFile> = mappings
        .into_iter()
        .map(|mapping| {
            // `orders.map`, not `./orders.map`, when searching `.`
            let mapping = mapping
                .strip_prefix(".")
                .map_or_else(|_| mapping.clone(), Path::to_path_buf);
            let dir = tests_dir(&mapping);
            let cases = if dir.is_dir() {
                sorted(&dir)?.into_iter().filter(|p| p.is_dir()).collect()
            } else {
                Vec::new()
            };
            Ok(TestFile { mapping, cases })
        })
        .collect::<std::io::Result<_>>()?;
    // cases of one mapping named one by one run as one mapping
    for file in single {
        match found.iter_mut().find(|f| f.mapping == file.mapping) {
            Some(earlier) => {
                for case in file.cases {
                    if !earlier.cases.contains(&case) {
                        earlier.cases.push(case);
                    }
                }
            }
            None => found.push(file),
        }
    }
    Ok(found)
}

/// `orders.tests` (every case of `orders.map`) or `orders.tests/<case>`
/// (that case only), when `path` is such a folder.
fn case_folder(path: &Path) -> std::io::Result<Option<TestFile>> {
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    if !path.is_dir() {
        return Ok(None);
    }
    let mapping_of = |tests: &Path| -> Option<PathBuf> {
        let stem = name_of(tests)?.strip_suffix(".tests")?.to_string();
        let mapping = tests.with_file_name(format!("{stem}.map"));
        mapping.is_file().then_some(mapping)
    };
    if let Some(mapping) = mapping_of(path) {
        let cases = sorted(path)?.into_iter().filter(|p| p.is_dir()).collect();
        return Ok(Some(TestFile { mapping, cases }));
    }
    if let Some(mapping) = path.parent().and_then(mapping_of) {
        return Ok(Some(TestFile {
            mapping,
            cases: vec![path.to_path_buf()],
        }));
    }
    Ok(None)
}

fn sorted(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

fn find_mappings(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for path in sorted(dir)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && !name.ends_with(".tests") {
                find_mappings(&path, found)?;
            }
        } else if path.extension().is_some_and(|e| e == "map") {
            found.push(path);
        }
    }
    Ok(())
}

/// An error a case expects: its code and, if given, its target field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExpectedError {
    /// `E302`.
    pub code: String,
    /// `status`, `lines[1].sku`; `None` matches any.
    pub target: Option<String>,
}

impl fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Some(target) => write!(f, "{} at `{target}`", self.code),
            None => f.write_str(&self.code),
        }
    }
}

/// What a case expects.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Expectation {
    /// The output record (`expected.json`).
    Output(Json),
    /// The errors (`expected_error.json`).
    Errors(Vec<ExpectedError>),
}

/// A case, read from its folder.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Case {
    /// The folder.
    pub dir: PathBuf,
    /// The input record.
    pub input: Json,
    /// Parameters and "now".
    pub env: Env,
    /// What it expects; `None` before it is blessed.
    pub expectation: Option<Expectation>,
    /// Paths not compared.
    pub ignore: Vec<JsonPath>,
}

fn read_json(path: &Path) -> Result<Json, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    crate::parse_json(&text).map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))
}

fn read_optional(path: &Path) -> Result<Option<Json>, String> {
    if path.exists() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

impl Case {
    /// Reads the case in `dir`.
    ///
    /// # Errors
    /// A file of the case is missing, unreadable or malformed: the message
    /// names it.
    pub fn load(dir: &Path, now: Option<DateTime<FixedOffset>>) -> Result<Case, String> {
        let input = read_json(&dir.join("input.json"))?;
        let mut env = Env::new();
        let params = dir.join("params.json");
        match read_optional(&params)? {
            None => {}
            Some(Json::Object(map)) => {
                for (name, value) in map {
                    env.set_param(name, value);
                }
            }
            Some(_) => return Err(format!("`{}` must hold a JSON object", params.display())),
        }
        let now_file = dir.join("now.txt");
        if now_file.exists() {
            let text = std::fs::read_to_string(&now_file)
                .map_err(|e| format!("cannot read `{}`: {e}", now_file.display()))?;
            let time = DateTime::parse_from_rfc3339(text.trim())
                .map_err(|e| format!("`{}` is not an RFC 3339 time: {e}", now_file.display()))?;
            env = env.with_now(time);
        } else if let Some(now) = now {
            env = env.with_now(now);
        }
        let ignore_file = dir.join("ignore.json");
        let ignore = match read_optional(&ignore_file)? {
            None => Vec::new(),
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Json::String(text) => JsonPath::parse(text)
                        .map_err(|e| format!("`{}`: {e}", ignore_file.display())),
                    _ => Err(format!(
                        "`{}` must hold a list of JSON paths (strings)",
                        ignore_file.display()
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(format!(
                    "`{}` must hold a list of JSON paths",
                    ignore_file.display()
                ));
            }
        };
        let expected = read_optional(&dir.join("expected.json"))?;
        let errors_file = dir.join("expected_error.json");
        let errors = read_optional(&errors_file)?;
        let expectation = match (expected, errors) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "`{}` has both `expected.json` and `expected_error.json`: keep one",
                    dir.display()
                ));
            }
            (Some(output), None) => Some(Expectation::Output(output)),
            (None, Some(errors)) => Some(Expectation::Errors(
                expected_errors(&errors)
                    .map_err(|e| format!("`{}`: {e}", errors_file.display()))?,
            )),
            (None, None) => None,
        };
        Ok(Case {
            dir: dir.to_path_buf(),
            input,
            env,
            expectation,
            ignore,
        })
    }
}

/// `{"code": "E302", "target": "status"}` or a list of them.
fn expected_errors(value: &Json) -> Result<Vec<ExpectedError>, String> {
    let items = match value {
        Json::Array(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    items
        .iter()
        .map(|item| {
            let code = item.get("code").and_then(Json::as_str).ok_or(
                "each expected error needs a `code`, as in {\"code\": \"E302\", \"target\": \"status\"}",
            )?;
            let target = match item.get("target") {
                None | Some(Json::Null) => None,
                Some(Json::String(t)) => Some(t.clone()),
                Some(_) => return Err("`target` must be a string".to_string()),
            };
            Ok(ExpectedError {
                code: code.to_string(),
                target,
            })
        })
        .collect()
}

/// Why a case failed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CaseFailure {
    /// A file of the case is missing or malformed.
    BadCase(String),
    /// Neither `expected.json` nor `expected_error.json`.
    NoExpectation,
    /// The output differs from `expected.json`.
    Differences(Vec<Difference>),
    /// An output was expected; the record failed.
    RecordFailed(Vec<RuntimeError>),
    /// Errors were expected; the record was mapped.
    RecordMapped(Vec<ExpectedError>),
    /// The record failed, with other errors than expected.
    OtherErrors {
        /// Expected, not reported.
        missing: Vec<ExpectedError>,
        /// Reported, not expected.
        unexpected: Vec<RuntimeError>,
    },
}

fn error_line(e: &RuntimeError) -> String {
    let (line, col) = e.line_col();
    match &e.target {
        Some(target) => format!(
            "{} at `{target}`: {} ({}:{line}:{col})",
            e.code.as_str(),
            e.message,
            e.file.name
        ),
        None => format!(
            "{}: {} ({}:{line}:{col})",
            e.code.as_str(),
            e.message,
            e.file.name
        ),
    }
}

impl CaseFailure {
    /// The failure in lines of text, for a report: one line per field that
    /// differs or per error.
    pub fn lines(&self) -> Vec<String> {
        match self {
            CaseFailure::BadCase(message) => vec![message.clone()],
            CaseFailure::NoExpectation => vec![
                "no `expected.json` or `expected_error.json`: run `mapc test --bless` to write one"
                    .to_string(),
            ],
            CaseFailure::Differences(differences) => {
                differences.iter().map(ToString::to_string).collect()
            }
            CaseFailure::RecordFailed(errors) => errors
                .iter()
                .map(|e| format!("the record failed: {}", error_line(e)))
                .collect(),
            CaseFailure::RecordMapped(expected) => expected
                .iter()
                .map(|e| format!("expected error {e}, but the record was mapped"))
                .collect(),
            CaseFailure::OtherErrors {
                missing,
                unexpected,
            } => missing
                .iter()
                .map(|e| format!("expected error {e}, not reported"))
                .chain(
                    unexpected
                        .iter()
                        .map(|e| format!("unexpected error {}", error_line(e))),
                )
                .collect(),
        }
    }
}

/// What one case did.
#[derive(Debug)]
#[non_exhaustive]
pub struct CaseResult {
    /// The case's folder.
    pub dir: PathBuf,
    /// What the mapping gave, when the case could be read.
    pub actual: Option<Result<Json, ApplyError>>,
    /// Why it failed; `None` when it passed.
    pub failure: Option<CaseFailure>,
}

impl CaseResult {
    /// Did the case pass?
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// The case's name: its folder's name.
    pub fn name(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Runs the case in `dir` with `mapping`. "Now" is the case's `now.txt`,
/// or else `now` (the caller's clock: the library reads none), or else not
/// set (a mapping that calls `now()` then fails with E319).
pub fn run_case(mapping: &Mapping, dir: &Path, now: Option<DateTime<FixedOffset>>) -> CaseResult {
    let case = match Case::load(dir, now) {
        Ok(case) => case,
        Err(message) => {
            return CaseResult {
                dir: dir.to_path_buf(),
                actual: None,
                failure: Some(CaseFailure::BadCase(message)),
            };
        }
    };
    let actual = mapping.apply_with(&case.input, &case.env);
    let failure = judge(&case, &actual);
    CaseResult {
        dir: dir.to_path_buf(),
        actual: Some(actual),
        failure,
    }
}

fn judge(case: &Case, actual: &Result<Json, ApplyError>) -> Option<CaseFailure> {
    match (&case.expectation, actual) {
        (None, _) => Some(CaseFailure::NoExpectation),
        (Some(Expectation::Output(expected)), Ok(output)) => {
            let differences = diff(expected, output, &case.ignore);
            (!differences.is_empty()).then_some(CaseFailure::Differences(differences))
        }
        (Some(Expectation::Output(_)), Err(error)) => {
            Some(CaseFailure::RecordFailed(error.errors.clone()))
        }
        (Some(Expectation::Errors(expected)), Ok(_)) => {
            Some(CaseFailure::RecordMapped(expected.clone()))
        }
        (Some(Expectation::Errors(expected)), Err(error)) => {
            let mut unexpected: Vec<RuntimeError> = error.errors.clone();
            let mut missing = Vec::new();
            // those naming a target first, so that one naming none does not
            // take the error another one names
            let targeted = expected.iter().filter(|e| e.target.is_some());
            for e in targeted.chain(expected.iter().filter(|e| e.target.is_none())) {
                let found = unexpected.iter().position(|r| {
                    r.code.as_str() == e.code
                        && e.target
                            .as_ref()
                            .is_none_or(|t| r.target.as_ref() == Some(t))
                });
                match found {
                    Some(i) => {
                        unexpected.remove(i);
                    }
                    None => missing.push(e.clone()),
                }
            }
            (!missing.is_empty() || !unexpected.is_empty()).then_some(CaseFailure::OtherErrors {
                missing,
                unexpected,
            })
        }
    }
}

/// The expectation file text for an outcome: `expected.json` (pretty,
/// keys in output order) for a mapped record, `expected_error.json` (the
/// code and target of every error) for a failed one.
pub fn expectation_file(actual: &Result<Json, ApplyError>) -> (&'static str, String) {
    let (name, value) = match actual {
        Ok(output) => ("expected.json", output.clone()),
        Err(error) => {
            let errors: Vec<Json> = error
                .errors
                .iter()
                .map(|e| match &e.target {
                    Some(target) => json!({"code": e.code.as_str(), "target": target}),
                    None => json!({"code": e.code.as_str()}),
                })
                .collect();
            ("expected_error.json", Json::Array(errors))
        }
    };
    let mut text = crate::json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    (name, text)
}

/// Writes what the case gave as its new expectation (the other kind of
/// expectation file is removed). Returns the file written.
///
/// # Errors
/// The file cannot be written or the old one removed.
pub fn bless(dir: &Path, actual: &Result<Json, ApplyError>) -> std::io::Result<PathBuf> {
    let (name, text) = expectation_file(actual);
    let other = if name == "expected.json" {
        "expected_error.json"
    } else {
        "expected.json"
    };
    let stale = dir.join(other);
    if stale.exists() {
        std::fs::remove_file(stale)?;
    }
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    fn case(expectation: Option<Expectation>) -> Case {
        Case {
            dir: PathBuf::from("orders.tests/one"),
            input: json!({}),
            env: Env::new(),
            expectation,
            ignore: Vec::new(),
        }
    }

    fn expected(code: &str, target: Option<&str>) -> ExpectedError {
        ExpectedError {
            code: code.into(),
            target: target.map(Into::into),
        }
    }

    #[test]
    fn errors_match_by_code_and_target_and_extra_errors_fail() {
        let mapping = Mapping::compile("id = .id required\nname = .name required").unwrap();
        let actual = mapping.apply(&json!({}));
        let both = case(Some(Expectation::Errors(vec![
            expected("E300", None),
            expected("E300", Some("id")),
        ])));
        assert!(judge(&both, &actual).is_none());
        let one = case(Some(Expectation::Errors(vec![expected(
            "E300",
            Some("id"),
        )])));
        let failure = judge(&one, &actual).unwrap();
        assert_eq!(
            failure.lines()[0],
            "unexpected error E300 at `name`: required field `name` has no value: `$.name` is \
             missing (<mapping>:2:1)"
        );
        let other = case(Some(Expectation::Errors(vec![expected(
            "E302",
            Some("id"),
        )])));
        assert_eq!(
            judge(&other, &actual).unwrap().lines()[0],
            "expected error E302 at `id`, not reported"
        );
    }

    #[test]
    fn expectation_files_hold_output_or_errors() {
        let mapping = Mapping::compile("id = .id required\ntotal = 12.50").unwrap();
        let (name, text) = expectation_file(&mapping.apply(&json!({"id": 1})));
        assert_eq!(name, "expected.json");
        assert_eq!(text, "{\n  \"id\": 1,\n  \"total\": 12.50\n}\n");
        let (name, text) = expectation_file(&mapping.apply(&json!({})));
        assert_eq!(name, "expected_error.json");
        assert_eq!(
            text,
            "[\n  {\n    \"code\": \"E300\",\n    \"target\": \"id\"\n  }\n]\n"
        );
        assert_eq!(
            expected_errors(&json!({"code": "E302"})).unwrap(),
            [expected("E302", None)]
        );
        assert!(expected_errors(&json!({"target": "x"})).is_err());
    }
}
