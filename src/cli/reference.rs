//! Reference data given at apply time: `--table NAME=FILE` fills a table
//! the mapping declares `supplied`, `--param-file NAME=FILE.json` sets a
//! parameter from a JSON file. Both are read once, before the first
//! record, and checked there; a missing or bad one stops the run (exit 2).
//!
//! A table file is CSV (`.csv`: a header, then one row per key; the first
//! column is the key; with two columns the value is the second cell, with
//! more it is an object of the other cells by their header names; every
//! cell a string) or JSON (`.json`: one object, its keys and values). A
//! key given twice is an error, with both places. Tables are held in
//! memory, in a hash map (lookups O(1)); a file may be at most
//! [`MAX_BYTES`] (256 MiB).

use super::Failure;
use super::report::{io_message, json_message};
use mapc::Env;
use mapc::json::{Map, Value as Json};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The largest table or parameter file, in bytes.
pub(crate) const MAX_BYTES: u64 = 256 << 20;

/// The reference-data options of `mapc apply`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ReferenceArgs {
    /// Fill the table NAME, declared `table NAME (supplied) {}`, from FILE:
    /// CSV (a header; the first column is the key, the second the value,
    /// or more columns an object) or a JSON object; read and checked once
    /// before the first record (repeatable)
    #[arg(long = "table", value_name = "NAME=FILE", value_parser = parse_named_file)]
    pub(crate) tables: Vec<(String, PathBuf)>,
    /// Set the parameter NAME to the JSON value in FILE (repeatable)
    #[arg(long = "param-file", value_name = "NAME=FILE", value_parser = parse_named_file)]
    pub(crate) param_files: Vec<(String, PathBuf)>,
}

fn parse_named_file(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_string(), PathBuf::from(path)))
        }
        _ => Err(format!("expected `NAME=FILE`, found `{text}`")),
    }
}

impl ReferenceArgs {
    /// Reads every table and parameter file into `env`.
    ///
    /// # Errors
    /// A file that cannot be read, is too large, is not valid CSV or JSON,
    /// or gives a key twice; a name given twice.
    pub(crate) fn load(&self, env: &mut Env, params: &[(String, String)]) -> Result<(), Failure> {
        for (i, (name, path)) in self.param_files.iter().enumerate() {
            if self.param_files[..i].iter().any(|(n, _)| n == name)
                || params.iter().any(|(n, _)| n == name)
            {
                return Err(Failure::usage(format_args!(
                    "parameter `{name}` is given more than once"
                )));
            }
            let bytes = read(path)?;
            let value: Json = mapc::json::from_slice(&bytes).map_err(|e| {
                Failure::usage(format_args!(
                    "`{}` is not valid JSON: {} at line {}, column {}",
                    path.display(),
                    json_message(&e),
                    e.line(),
                    e.column()
                ))
            })?;
            env.set_param(name.clone(), value);
        }
        for (i, (name, path)) in self.tables.iter().enumerate() {
            if self.tables[..i].iter().any(|(n, _)| n == name) {
                return Err(Failure::usage(format_args!(
                    "`--table {name}` is given more than once"
                )));
            }
            let entries = match path.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("csv") => csv_entries(path)?,
                Some(e) if e.eq_ignore_ascii_case("json") => json_entries(path)?,
                _ => {
                    return Err(Failure::usage(format_args!(
                        "table file `{}` must be `.csv` or `.json`",
                        path.display()
                    )));
                }
            };
            env.set_table(name.clone(), entries);
        }
        Ok(())
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let cannot = |message: String| {
        Failure::usage(format_args!("cannot read `{}`: {message}", path.display()))
    };
    let size = std::fs::metadata(path)
        .map_err(|e| cannot(io_message(&e)))?
        .len();
    if size > MAX_BYTES {
        return Err(cannot(format!(
            "it is {size} bytes; reference files are at most {MAX_BYTES} bytes"
        )));
    }
    std::fs::read(path).map_err(|e| cannot(io_message(&e)))
}

fn csv_entries(path: &Path) -> Result<Vec<(Json, Json)>, Failure> {
    let bytes = read(path)?;
    let bad = |message: String| Failure::usage(format_args!("`{}`: {message}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.len() < 2 {
        return Err(bad(
            "a table file needs a header with a key column and at least one value column".into(),
        ));
    }
    let mut entries = Vec::new();
    let mut seen = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(e.to_string()))?;
        let line = row.position().map_or(0, csv::Position::line);
        if row.len() != header.len() {
            return Err(bad(format!(
                "line {line} has {} cells; the header has {}",
                row.len(),
                header.len()
            )));
        }
        let key = row.get(0).unwrap_or_default();
        if let Some(first) = seen.insert(key.to_string(), line) {
            return Err(bad(format!(
                "key \"{key}\" is given twice, on line {first} and line {line}"
            )));
        }
        let value = if header.len() == 2 {
            Json::String(row.get(1).unwrap_or_default().to_string())
        } else {
            let mut object = Map::new();
            for (name, cell) in header.iter().zip(row.iter()).skip(1) {
                object.insert(name.clone(), Json::String(cell.to_string()));
            }
            Json::Object(object)
        };
        entries.push((Json::String(key.to_string()), value));
    }
    Ok(entries)
}

/// A JSON object's entries in order, keys given twice kept (serde_json
/// would keep only the last).
struct Entries(Vec<(String, Json)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entries, D::Error> {
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of keys and values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Json>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Entry)
    }
}

fn json_entries(path: &Path) -> Result<Vec<(Json, Json)>, Failure> {
    let bytes = read(path)?;
    let Entries(entries) = serde_json::from_slice(&bytes).map_err(|e| {
        let e = mapc::json::Error::from(e);
        Failure::usage(format_args!(
            "`{}` is not a JSON object of keys and values: {} at line {}, column {}",
            path.display(),
            json_message(&e),
            e.line(),
            e.column()
        ))
    })?;
    let mut seen = HashMap::new();
    for (i, (key, _)) in entries.iter().enumerate() {
        if let Some(first) = seen.insert(key.as_str(), i + 1) {
            return Err(Failure::usage(format_args!(
                "`{}`: key \"{key}\" is given twice, as entries {first} and {}",
                path.display(),
                i + 1
            )));
        }
    }
    Ok(entries
        .into_iter()
        .map(|(key, value)| (Json::String(key), value))
        .collect())
}
