//! The end of a run over many records: what went wrong writing, the
//! summary line on stderr, and the exit code.

use crate::cli::formats::Unit;
use crate::cli::report::Reporter;
use crate::cli::stream::Totals;
use crate::cli::{Exit, Failure};

/// The exit code of a run over many records, with what went wrong writing
/// (`failures`) and the summary on stderr: the summary always for NDJSON;
/// for a JSON array when a record failed or an output could not be
/// written. A failed output is exit 2, whatever the records did.
pub(super) fn conclude(
    reporter: &mut Reporter,
    totals: &Totals,
    failures: &[Failure],
    quiet: bool,
    unit: &str,
    emits: bool,
) -> Exit {
    for failure in failures {
        let report = failure.report.trim_end();
        if !report.is_empty() {
            reporter.line(report);
        }
    }
    let exit = summary(reporter, totals, quiet, unit, !failures.is_empty(), emits);
    if failures.is_empty() {
        exit
    } else {
        Exit::Usage
    }
}

/// The exit code of a run over many records, with the summary on stderr:
/// always for NDJSON (unless `quiet`) and when `force`d; otherwise when a
/// record failed or was not written.
fn summary(
    reporter: &mut Reporter,
    totals: &Totals,
    quiet: bool,
    unit: &str,
    force: bool,
    emits: bool,
) -> Exit {
    let exit = if totals.rejected == 0 && totals.not_written == 0 {
        Exit::Success
    } else {
        Exit::RecordsFailed
    };
    let always = force || (unit == Unit::Line.name() && !quiet);
    if exit == Exit::Success && !always {
        return exit;
    }
    let mut text = totals.summary(emits);
    if unit == "index" {
        text = text.replace("stopped at line", "stopped at index");
    }
    let prefix = if exit == Exit::Success {
        "summary"
    } else {
        "error"
    };
    reporter.line(&format!("{prefix}: {text}"));
    exit
}
