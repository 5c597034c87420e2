//! What is settled once every field is known: two fields writing back one
//! source path, a currency read from another target field; and how paths
//! are written in the derived mapping.

use super::analysis::{CURRENCY, HOLE, SEPARATOR, dotted_source};
use super::{Construct, Field, Kind};
use crate::json::Value as Json;

/// Two fields that write back the same source path (or one inside the
/// other) cannot both: the exact one wins, then the first written; the
/// others are reported as not invertible.
pub(crate) fn settle_shared_paths(fields: &mut [Field]) {
    let mut order: Vec<usize> = (0..fields.len()).collect();
    order.sort_by_key(|&i| (fields[i].kind, i));
    let mut taken: Vec<(Vec<String>, String)> = Vec::new();
    for i in order {
        if !fields[i].kind.writes_back() {
            continue;
        }
        // a derived reverse writes its source path, an explicit one every
        // path its rules write
        let paths: Vec<Vec<String>> = fields[i]
            .source
            .iter()
            .chain(&fields[i].writes)
            .cloned()
            .collect();
        let overlap = paths.iter().find_map(|source| {
            taken
                .iter()
                .find(|(path, _)| {
                    let n = path.len().min(source.len());
                    path[..n] == source[..n]
                })
                .map(|(_, by)| (source.clone(), by.clone()))
        });
        if let Some((source, by)) = overlap {
            fields[i].why = format!(
                "not invertible: `{}` is written back from `{by}`",
                dotted(&source)
            );
            fields[i].kind = Kind::None;
            fields[i].source = None;
            fields[i].writes.clear();
            fields[i].constructs.push(Construct::Unknown);
        } else {
            let target = fields[i].target.clone();
            taken.extend(paths.into_iter().map(|p| (p, target.clone())));
        }
    }
}

/// Replaces each currency placeholder with the target field that copies
/// that source path exactly; a field with none does not map back.
pub(crate) fn resolve_currencies(fields: &mut [Field]) {
    let copies: Vec<(Vec<String>, Vec<String>)> = fields
        .iter()
        .filter(|f| f.kind == Kind::Exact && f.inverse == HOLE && f.elements.is_empty())
        .filter_map(|f| Some((f.source.clone()?, f.target_path.clone())))
        .collect();
    for field in fields.iter_mut() {
        for element in &mut field.elements {
            if element.inverse.contains(CURRENCY) {
                not_invertible(element, "a currency read in a `for` body".to_string());
            }
        }
        let Some(start) = field.inverse.find(CURRENCY) else {
            continue;
        };
        let rest = &field.inverse[start + CURRENCY.len()..];
        let Some(end) = rest.find(CURRENCY) else {
            continue;
        };
        let path: Vec<String> = rest[..end].split(SEPARATOR).map(str::to_string).collect();
        match copies.iter().find(|(source, _)| *source == path) {
            Some((_, target)) => {
                let read: Vec<String> = target.iter().map(|k| quote_key(k)).collect();
                let placeholder = format!("{CURRENCY}{}{CURRENCY}", path.join(SEPARATOR));
                field.inverse = field
                    .inverse
                    .replace(&placeholder, &format!(".{}", read.join(".")));
                field.reads.push(target.clone());
                field
                    .why
                    .push_str(&format!("; the currency from `{}`", dotted(target)));
            }
            None => not_invertible(
                field,
                format!(
                    "the currency `{}` is not copied to a target field",
                    dotted_source(&path)
                ),
            ),
        }
    }
}

fn not_invertible(field: &mut Field, why: String) {
    field.kind = Kind::None;
    field.why = format!("not invertible: {why}");
    field.source = None;
    field.constructs.push(Construct::Unknown);
}

pub(crate) fn dotted(path: &[String]) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    path.iter()
        .map(|k| quote_key(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// A key as a path segment: bare when it is a plain name, else quoted.
pub(crate) fn quote_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&key);
    if plain {
        key.to_string()
    } else {
        Json::String(key.to_string()).to_string()
    }
}

const KEYWORDS: &[&str] = &[
    "let", "if", "then", "else", "for", "in", "where", "match", "and", "or", "not", "true",
    "false", "null", "def", "table", "param", "policy", "import", "from", "required", "optional",
    "nullable", "default", "when",
];
