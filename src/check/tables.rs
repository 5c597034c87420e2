//! Lookup tables: inline entries and CSV files, compiled to a hash index.

use super::Checker;
use crate::diagnostics::{Code, did_you_mean};
use crate::json::Value as Json;
use crate::program::{self, Loc};
use crate::syntax;
use std::path::Path;

impl Checker {
    pub(super) fn table(
        &mut self,
        file: u32,
        table: &syntax::Table,
        base_dir: Option<&Path>,
    ) -> Option<program::Table> {
        let mut ignore_case = false;
        let mut supplied = false;
        for option in &table.options {
            match option.name.as_str() {
                "ignore_case" => ignore_case = true,
                "supplied" => supplied = true,
                // read by `mapc reverse`: each value maps back to its first key
                "reverse_first" => {}
                other => {
                    let loc = self.loc(file, option.span);
                    let suggestion =
                        did_you_mean(other, ["ignore_case", "supplied", "reverse_first"]);
                    let d = self.error(
                        Code::InvalidOption,
                        loc,
                        format!("unknown table option `{other}`"),
                        "",
                    );
                    d.help.push(
                        suggestion.map_or(
                            "the table options are `ignore_case`, `supplied` and `reverse_first`"
                                .to_string(),
                            |s| format!("did you mean `{s}`?"),
                        ),
                    );
                }
            }
        }
        let mut compiled = program::Table::new(
            table.name.name.clone(),
            ignore_case,
            table.csv.as_ref().map(|c| program::CsvSource {
                path: c.path.value.clone(),
                key: c.key.value.clone(),
                value: c.value.value.clone(),
            }),
        );
        if supplied {
            compiled.supplied = Some(self.loc(file, table.name.span));
            // only a fallback may be written: the entries come at apply time
            let written = table.csv.as_ref().map(|c| c.span).or_else(|| {
                table
                    .entries
                    .iter()
                    .find(|e| !e.keys.is_empty())
                    .map(|e| e.span)
            });
            if let Some(span) = written {
                let loc = self.loc(file, span);
                let d = self.error(
                    Code::SuppliedTableEntries,
                    loc,
                    format!(
                        "table `{}` is supplied at apply time: its entries cannot be written here",
                        table.name.name
                    ),
                    "",
                );
                d.help.push(
                    "only a fallback (`_ => value`) may be written; the entries come from `--table NAME=FILE` or `Env::with_table`".to_string(),
                );
            }
        }
        if let Some(csv) = &table.csv {
            let rows = self.csv_rows(file, csv, base_dir)?;
            for (line, key, value) in rows {
                let loc = self.loc(file, csv.path.span);
                self.add_entry(
                    &mut compiled,
                    Json::String(key),
                    Json::String(value),
                    loc,
                    &format!("line {line} of the CSV file"),
                );
            }
        }
        for entry in &table.entries {
            if entry.keys.is_empty() {
                if compiled.fallback.is_some() {
                    let loc = self.loc(file, entry.span);
                    self.error(
                        Code::DuplicateKey,
                        loc,
                        format!("table `{}` has two `_` fallbacks", table.name.name),
                        "",
                    );
                }
                compiled.fallback = Some(entry.value.value.clone());
                continue;
            }
            for key in &entry.keys {
                let loc = self.loc(file, key.span);
                self.add_entry(
                    &mut compiled,
                    key.value.clone(),
                    entry.value.value.clone(),
                    loc,
                    "",
                );
            }
        }
        Some(compiled)
    }

    fn add_entry(
        &mut self,
        table: &mut program::Table,
        key: Json,
        value: Json,
        loc: Loc,
        origin: &str,
    ) {
        let existing = match table.insert(key.clone(), value.clone()) {
            Ok(existing) => existing.cloned(),
            Err(()) => {
                self.error(
                    Code::InvalidOption,
                    loc,
                    format!("a table key must be a string, number, boolean or null, not {key}"),
                    "",
                );
                return;
            }
        };
        match existing {
            Some(existing) if existing != value => {
                let d = self.error(
                    Code::DuplicateKey,
                    loc,
                    format!(
                        "key {key} of table `{}` has two values: {existing} and {value}",
                        table.name
                    ),
                    origin,
                );
                if table.ignore_case {
                    d.notes.push(
                        "the table ignores case, so keys that differ only in case are the same key"
                            .into(),
                    );
                }
            }
            Some(_) => {
                let file = std::sync::Arc::clone(self.file(loc.file));
                let mut d = crate::diagnostics::Diagnostic::warning(
                    Code::RepeatedKey,
                    format!("key {key} of table `{}` is listed twice", table.name),
                )
                .with_label(&file, loc.span, "listed again here")
                .with_help("remove the repeated key");
                if table.ignore_case {
                    d = d.with_note(
                        "the table ignores case, so keys that differ only in case are the same key",
                    );
                }
                self.diagnostics.push(d);
            }
            None => {}
        }
    }

    /// The (line, key, value) rows of a CSV table.
    fn csv_rows(
        &mut self,
        file: u32,
        csv: &syntax::CsvSource,
        base_dir: Option<&Path>,
    ) -> Option<Vec<(u64, String, String)>> {
        let loc = self.loc(file, csv.path.span);
        let path = self.resolve_path(base_dir, &csv.path.value, loc, "CSV file")?;
        let bytes = match super::read_limited(&path, super::MAX_CSV_BYTES) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.error(
                    Code::CsvTable,
                    loc,
                    format!("cannot read `{}`: {error}", path.display()),
                    "",
                );
                return None;
            }
        };
        if let Some(line) = super::csv_text::unclosed_quote(&bytes) {
            self.error(
                Code::CsvTable,
                loc,
                format!(
                    "`{}`: the quote opened on line {line} is never closed",
                    csv.path.value
                ),
                "",
            )
            .help
            .push("close the quoted field; a quote inside one is written twice (`\"\"`)".into());
            return None;
        }
        let mut reader = ::csv::ReaderBuilder::new()
            .trim(::csv::Trim::All)
            .from_reader(bytes.as_slice());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(error) => {
                self.error(
                    Code::CsvTable,
                    loc,
                    format!("cannot read the header of `{}`: {error}", path.display()),
                    "",
                );
                return None;
            }
        };
        if headers.is_empty() {
            self.error(
                Code::CsvTable,
                loc,
                format!("`{}` is empty: it has no header row", csv.path.value),
                "",
            )
            .help
            .push(format!(
                "the first line names the columns, such as `{},{}`",
                csv.key.value, csv.value.value
            ));
            return None;
        }
        let column = |name: &syntax::Text, this: &mut Self| -> Option<usize> {
            let found = headers.iter().position(|h| h == name.value);
            if found.is_none() {
                let loc = this.loc(file, name.span);
                let suggestion = did_you_mean(&name.value, headers.iter());
                let d = this.error(
                    Code::CsvTable,
                    loc,
                    format!("`{}` has no column `{}`", csv.path.value, name.value),
                    "",
                );
                d.notes.push(format!(
                    "the columns are {}",
                    headers.iter().collect::<Vec<_>>().join(", ")
                ));
                if let Some(s) = suggestion {
                    d.help.push(format!("did you mean `{s}`?"));
                }
            }
            found
        };
        let key_column = column(&csv.key, self);
        let value_column = column(&csv.value, self);
        let (key_column, value_column) = (key_column?, value_column?);
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(record) => {
                    let line = record.position().map_or(0, ::csv::Position::line);
                    let key = record.get(key_column).unwrap_or_default().to_string();
                    let value = record.get(value_column).unwrap_or_default().to_string();
                    rows.push((line, key, value));
                }
                Err(error) => {
                    self.error(
                        Code::CsvTable,
                        loc,
                        format!("`{}`: {error}", csv.path.value),
                        "",
                    );
                    return None;
                }
            }
        }
        Some(rows)
    }
}
