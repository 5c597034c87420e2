//! `mapc check MAPPING...`: compile each mapping and show every diagnostic,
//! optionally against a sample or schema of the source and a schema of the
//! target.

use super::Exit;
use super::emit::raise;
use super::report::{Reporter, io_message, json_message};
use mapc::json::{Value as Json, json};
use mapc::{CompileError, Diagnostic, Mapping};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The arguments of `mapc check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mapping files, or folders searched for `*.map` files (as `mapc test`
    /// and `mapc fmt` search them)
    #[arg(required = true)]
    mappings: Vec<PathBuf>,
    /// A sample source record, or a JSON Schema of the source: warn about
    /// source paths that cannot exist there (W207)
    #[arg(long, value_name = "SAMPLE_OR_SCHEMA")]
    source: Option<PathBuf>,
    /// A JSON Schema of the target record: warn about required fields never
    /// written (W208) and fields written that it does not have (W209)
    #[arg(long, value_name = "SCHEMA")]
    target: Option<PathBuf>,
    /// `text` (rendered diagnostics on stderr) or `json` (one document on
    /// stdout, for editors and CI)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Treat warnings as errors: a mapping with warnings is invalid (exit 3)
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// What checking one mapping found.
enum Verdict {
    Checked {
        valid: bool,
        diagnostics: Vec<Diagnostic>,
    },
    Unreadable(String),
}

/// Runs `mapc check`.
pub(crate) fn run(args: &Args) -> Exit {
    let mut reporter = Reporter::default();
    let mut data = Vec::new();
    for (path, is_source) in [(&args.source, true), (&args.target, false)] {
        let Some(path) = path else { continue };
        match read_json(path, is_source) {
            Ok(values) => data.push((is_source, values, path.display().to_string())),
            Err(message) => {
                reporter.line(&format!("error: {message}"));
                return Exit::Usage;
            }
        }
    }
    let mut exit = Exit::Success;
    let mut paths = Vec::new();
    for path in &args.mappings {
        if !path.is_dir() {
            // a file that cannot be read is reported with the others
            paths.push(path.clone());
            continue;
        }
        match super::emit::mapping_files(std::slice::from_ref(path)) {
            Ok(found) if found.is_empty() => {
                reporter.line(&format!(
                    "error: no mapping files (`*.map`) in `{}`",
                    path.display()
                ));
                raise(&mut exit, Exit::Usage);
            }
            Ok(found) => paths.extend(found),
            Err(failure) => {
                reporter.line(failure.report.trim_end());
                raise(&mut exit, Exit::Usage);
            }
        }
    }
    let mut results = Vec::new();
    for path in &paths {
        let verdict = check_one(path, &data, args.deny_warnings);
        match &verdict {
            Verdict::Checked { valid: false, .. } => raise(&mut exit, Exit::InvalidMapping),
            Verdict::Checked { .. } => {}
            Verdict::Unreadable(_) => raise(&mut exit, Exit::Usage),
        }
        if args.format == Format::Text {
            report_text(&mut reporter, path, &verdict, args.deny_warnings);
        }
        results.push((path, verdict));
    }
    if args.format == Format::Json {
        let mappings: Vec<Json> = results
            .iter()
            .map(|(path, verdict)| report_json(path, verdict))
            .collect();
        let document = json!({ "mappings": mappings });
        let text = mapc::json::to_string_pretty(&document).unwrap_or_else(|_| document.to_string());
        status(&text);
    }
    exit
}

/// The JSON document at `path`; for a source sample, also the lines of an
/// NDJSON file (every line is a sample).
fn read_json(path: &Path, lines_allowed: bool) -> Result<Vec<Json>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {}", path.display(), io_message(&e)))?;
    let whole = mapc::json::from_str(&text);
    if whole.is_err() && lines_allowed && text.lines().filter(|l| !l.trim().is_empty()).count() > 1
    {
        // an NDJSON sample: every line at once
        let mut lines = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: Json = mapc::json::from_str(line).map_err(|e| {
                format!(
                    "`{}` is neither JSON nor NDJSON: line {}: {} at column {}",
                    path.display(),
                    n + 1,
                    json_message(&e),
                    e.column()
                )
            })?;
            lines.push(value);
        }
        return Ok(lines);
    }
    whole.map(|v| vec![v]).map_err(|e| {
        format!(
            "`{}` is not valid JSON: {} at line {} column {}",
            path.display(),
            json_message(&e),
            e.line(),
            e.column()
        )
    })
}

fn check_one(path: &Path, data: &[(bool, Vec<Json>, String)], deny_warnings: bool) -> Verdict {
    match Mapping::from_file_with(path, &super::mapping_options()) {
        Ok(mapping) => {
            let mut diagnostics = mapping.warnings().to_vec();
            for (is_source, values, name) in data {
                diagnostics.extend(if *is_source {
                    mapping.check_source_samples(values.clone(), name)
                } else {
                    values
                        .iter()
                        .flat_map(|v| mapping.check_target(v, name))
                        .collect()
                });
            }
            Verdict::Checked {
                valid: !deny_warnings || diagnostics.is_empty(),
                diagnostics,
            }
        }
        Err(CompileError::Invalid(diagnostics)) => Verdict::Checked {
            valid: false,
            diagnostics,
        },
        Err(CompileError::Read { error, .. }) => Verdict::Unreadable(format!(
            "cannot read `{}`: {}",
            path.display(),
            io_message(&error)
        )),
        Err(other) => Verdict::Unreadable(other.to_string()),
    }
}

fn report_text(reporter: &mut Reporter, path: &Path, verdict: &Verdict, deny_warnings: bool) {
    let shown = path.display();
    match verdict {
        Verdict::Checked { valid, diagnostics } => {
            for diagnostic in diagnostics {
                reporter.diagnostic(diagnostic);
            }
            let verdict = if *valid { "ok" } else { "invalid" };
            let denied = deny_warnings && diagnostics.iter().any(|d| !d.is_error());
            status(&format!(
                "{verdict}: {shown}{}",
                counts(diagnostics, denied)
            ));
        }
        Verdict::Unreadable(message) => reporter.line(&format!("error: {message}")),
    }
}

fn report_json(path: &Path, verdict: &Verdict) -> Json {
    match verdict {
        Verdict::Checked { valid, diagnostics } => json!({
            "path": path.display().to_string(),
            "status": if *valid { "ok" } else { "invalid" },
            "errors": diagnostics.iter().filter(|d| d.is_error()).count(),
            "warnings": diagnostics.iter().filter(|d| !d.is_error()).count(),
            "diagnostics": diagnostics.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
        }),
        Verdict::Unreadable(message) => json!({
            "path": path.display().to_string(),
            "status": "unreadable",
            "message": message,
        }),
    }
}

/// One status line on stdout (a closed stdout is not worth a failure).
fn status(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// ` (2 errors, 1 warning)`, or nothing when there are none.
/// With `denied`, the warnings are said to be denied: ` (1 warning, denied)`.
fn counts(diagnostics: &[Diagnostic], denied: bool) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let mut parts = Vec::new();
    for (n, noun) in [(errors, "error"), (warnings, "warning")] {
        match n {
            0 => {}
            1 => parts.push(format!("1 {noun}")),
            n => parts.push(format!("{n} {noun}s")),
        }
    }
    if denied {
        parts.push("denied".to_string());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}
