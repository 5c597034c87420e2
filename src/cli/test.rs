//! `mapc test [PATH...] [--bless]`: run the cases beside each mapping and
//! show, for a failing case, the fields that differ.

use super::emit::{raise, status};
use super::report::{Reporter, io_message};
use super::{Exit, Failure};
use mapc::testing::{self, CaseResult};
use mapc::{CompileError, Mapping};
use std::path::PathBuf;

/// The arguments of `mapc test`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mapping files, or folders searched for `*.map` files (default: the
    /// current folder)
    paths: Vec<PathBuf>,
    /// Write what each failing case gave as its expectation
    /// (`expected.json`, or `expected_error.json` for a failed record)
    #[arg(long)]
    bless: bool,
    /// Check the round trips on every case: GetPut `put(get(s), s) == s`
    /// on its input, and PutGet on the exact and explicit fields for its
    /// output written into each other case's input (a case asks for them
    /// alone with `round_trip.json` holding `true`)
    #[arg(long)]
    laws: bool,
}

/// Runs `mapc test`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let files = testing::discover(&paths)
        .map_err(|e| Failure::usage(format_args!("cannot find tests: {}", io_message(&e))))?;
    let mut reporter = Reporter::default();
    let mut exit = Exit::Success;
    // a blessed case failed and now has what it gave as its expectation:
    // counted apart, never as passed
    let (mut passed, mut failed, mut blessed) = (0usize, 0usize, 0usize);
    for file in &files {
        let shown = file.mapping.display();
        let mapping = match Mapping::from_file_with(&file.mapping, &super::mapping_options()) {
            Ok(mapping) => mapping,
            Err(error) => {
                match error {
                    CompileError::Invalid(diagnostics) => {
                        for diagnostic in &diagnostics {
                            reporter.diagnostic(diagnostic);
                        }
                        raise(&mut exit, Exit::InvalidMapping);
                    }
                    other => {
                        reporter.line(&format!("error: {other}"));
                        raise(&mut exit, Exit::Usage);
                    }
                }
                // every case of a mapping that does not compile fails
                let n = file.cases.len().max(1);
                failed += n;
                status(&format!("invalid: {shown} ({})", cases(n)));
                continue;
            }
        };
        if file.cases.is_empty() {
            status(&format!("ok: {shown} (no test cases)"));
            continue;
        }
        let mut lines = Vec::new();
        let (mut failures, mut rewritten) = (0, 0);
        // a case without `now.txt` runs at the real time, like `apply`
        let now = chrono::Utc::now().fixed_offset();
        // the round trips the cases ask for (all with `--laws`), by case
        let trips = testing::round_trips(&mapping, &file.cases, args.laws, Some(now));
        for dir in &file.cases {
            let result = testing::run_case(&mapping, dir, Some(now));
            let broken: Vec<&str> = trips
                .iter()
                .filter(|t| t.dir == *dir)
                .map(|t| t.message.as_str())
                .collect();
            if result.passed() && broken.is_empty() {
                passed += 1;
            } else if !result.passed() && args.bless && bless(&result, &mut lines, &mut exit) {
                rewritten += 1;
            } else {
                failures += 1;
                lines.push(format!("case failed: {}", result.dir.display()));
                if let Some(failure) = &result.failure {
                    lines.extend(failure.lines().iter().map(|l| format!("  {l}")));
                }
                lines.extend(broken.iter().map(|l| format!("  {l}")));
            }
        }
        failed += failures;
        blessed += rewritten;
        let n = cases(file.cases.len());
        let also = if rewritten > 0 {
            format!(", {rewritten} blessed")
        } else {
            String::new()
        };
        status(&match (failures, rewritten) {
            (0, 0) => format!("ok: {shown} ({n})"),
            (0, _) => format!("blessed: {shown} ({rewritten} of {n} failed and were blessed)"),
            _ => format!("failed: {shown} ({failures} of {n} failed{also})"),
        });
        for line in lines {
            status(&line);
        }
    }
    status(&if blessed > 0 {
        format!(
            "{passed} passed, {failed} failed, {blessed} blessed (they failed; their expectations are now what they gave)"
        )
    } else {
        format!("{passed} passed, {failed} failed")
    });
    if failed > 0 {
        raise(&mut exit, Exit::RecordsFailed);
    }
    Ok(exit)
}

/// Writes the case's new expectation; false when there is nothing to
/// write (the case's files are broken) or it cannot be written.
fn bless(result: &CaseResult, lines: &mut Vec<String>, exit: &mut Exit) -> bool {
    let Some(actual) = &result.actual else {
        return false;
    };
    match testing::bless(&result.dir, actual) {
        Ok(path) => {
            lines.push(format!("blessed: {}", path.display()));
            true
        }
        Err(e) => {
            lines.push(format!(
                "error: cannot bless `{}`: {}",
                result.dir.display(),
                io_message(&e)
            ));
            raise(exit, Exit::Usage);
            false
        }
    }
}

/// `1 case`, `3 cases`.
fn cases(n: usize) -> String {
    if n == 1 {
        "1 case".to_string()
    } else {
        format!("{n} cases")
    }
}
