//! `--stats FILE`: the run's figures as JSON, for monitoring (error rate,
//! throughput, fields that came out null or defaulted).

use super::Failure;
use super::report::io_message;
use super::stream::Totals;
use mapc::json::{Map, Value as Json, json};
use std::path::Path;

/// The figures of a run, as written to the stats file.
pub(crate) fn figures(totals: &Totals, elapsed: f64, jobs: usize) -> Json {
    let per_second = |n: u64| {
        if elapsed > 0.0 {
            (n as f64 / elapsed).round()
        } else {
            0.0
        }
    };
    let error_rate = if totals.read == 0 {
        0.0
    } else {
        totals.rejected as f64 / totals.read as f64
    };
    let by_code: Map<String, Json> = totals
        .by_code
        .iter()
        .map(|(code, n)| (code.as_str().to_string(), json!(n)))
        .collect();
    let by_target: Map<String, Json> = totals
        .by_target
        .iter()
        .map(|(target, n)| (target.clone(), json!(n)))
        .collect();
    let fields: Map<String, Json> = totals
        .fields
        .fields
        .iter()
        .map(|(field, count)| {
            let defaulted = count.defaulted;
            (
                field.clone(),
                json!({"null": count.null, "defaulted": defaulted, "omitted": count.omitted}),
            )
        })
        .collect();
    json!({
        "records": {
            "read": totals.read,
            "written": totals.written,
            "rejected": totals.rejected,
            "skipped": totals.skipped,
            "output": totals.output_records,
            "not_written": totals.not_written,
        },
        "error_rate": error_rate,
        "rejected_by_code": by_code,
        "rejected_by_target": by_target,
        "stopped_at_line": totals.stopped_at,
        "bytes_read": totals.bytes,
        "elapsed_seconds": elapsed,
        "records_per_second": per_second(totals.read),
        "bytes_per_second": per_second(totals.bytes),
        "jobs": jobs,
        "fields": fields,
    })
}

/// Writes the figures to `path`.
///
/// # Errors
/// The file cannot be written.
pub(crate) fn write(
    path: &Path,
    totals: &Totals,
    elapsed: f64,
    jobs: usize,
) -> Result<(), Failure> {
    let mut text = mapc::json::to_string_pretty(&figures(totals, elapsed, jobs))
        .unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    std::fs::write(path, text).map_err(|e| {
        Failure::usage(format_args!(
            "cannot write `{}`: {}",
            path.display(),
            io_message(&e)
        ))
    })
}
