//! Diagnostics as JSON, for editors and CI (`mapc check --format json`).

use super::{Diagnostic, Label, Severity};
use crate::json::{Value as Json, json};

fn label_json(label: &Label) -> Json {
    let (line, column) = label.file.line_col(label.span.start);
    let (end_line, end_column) = label.file.line_col(label.span.end);
    json!({
        "file": label.file.name,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "message": label.message,
    })
}

impl Diagnostic {
    /// The diagnostic as a JSON object: `code`, `severity` (`error` or
    /// `warning`), `message`, the primary location (`file`, `line`,
    /// `column`, `end_line`, `end_column`, 1-based, columns in characters,
    /// the end exclusive; `null` when there is no label), every `labels`
    /// entry with its own location and message, `notes` and `help`.
    ///
    /// ```
    /// let error = mapc::Mapping::compile("email = .email | trmi").unwrap_err();
    /// let json = error.diagnostics()[0].to_json();
    /// assert_eq!(json["code"], "E200");
    /// assert_eq!(json["column"], 18);
    /// assert_eq!(json["help"][0], "did you mean `trim`?");
    /// ```
    pub fn to_json(&self) -> Json {
        let labels: Vec<Json> = self.labels.iter().map(label_json).collect();
        let primary = labels.first().cloned().unwrap_or(Json::Null);
        let at = |key: &str| primary.get(key).cloned().unwrap_or(Json::Null);
        json!({
            "code": self.code.as_str(),
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "message": self.message,
            "file": at("file"),
            "line": at("line"),
            "column": at("column"),
            "end_line": at("end_line"),
            "end_column": at("end_column"),
            "labels": labels,
            "notes": self.notes,
            "help": self.help,
        })
    }
}
