//! The Markdown mapping table, and the rows and sections it shares with the
//! HTML page.

use super::{Description, Field, Presence, Shape, TableDoc};
use crate::json::Value as Json;
use std::fmt::Write;

/// The column headings of a field table.
pub(super) const HEADINGS: [&str; 8] = [
    "Target field",
    "Type",
    "Source",
    "Transformation",
    "Required",
    "Default",
    "Condition",
    "Constraints",
];

/// The column for the conflict resolution strategy (`on_conflict`), shown
/// only when a field of the mapping has one.
pub(super) const ON_CONFLICT: &str = "On conflict";

/// The column for a rule's own reverse (`reverse { ... }`), shown only when
/// a field of the mapping has one.
pub(super) const REVERSE: &str = "Reverse";

/// The column headings of the mapping's field tables: [`HEADINGS`], then
/// [`ON_CONFLICT`] and [`REVERSE`] when a field has one.
pub(super) fn headings(description: &Description) -> Vec<&'static str> {
    let (strategies, reverses) = extra_columns(description);
    let mut out = HEADINGS.to_vec();
    if strategies {
        out.push(ON_CONFLICT);
    }
    if reverses {
        out.push(REVERSE);
    }
    out
}

/// Does a field of the mapping name a conflict strategy, and does one
/// have its own reverse?
pub(super) fn extra_columns(description: &Description) -> (bool, bool) {
    let mut fields = description.fields.iter().chain(&description.emitted);
    let strategies = fields.clone().any(|f| f.on_conflict.is_some());
    (strategies, fields.any(|f| f.reverse.is_some()))
}

/// Does a field of the mapping name a conflict strategy?
pub(super) fn has_strategies(description: &Description) -> bool {
    extra_columns(description).0
}

/// A field's row: its [`cells`], and the columns of [`extra_columns`].
pub(super) fn row_cells(field: &Field, (strategies, reverses): (bool, bool)) -> Vec<String> {
    let mut out = cells(field).to_vec();
    if strategies {
        out.push(field.on_conflict.map(super::code).unwrap_or_default());
    }
    if reverses {
        out.push(field.reverse.as_ref().map(super::code).unwrap_or_default());
    }
    out
}

/// Fields grouped by the object they are written into.
pub(super) struct Section<'d> {
    /// `Target record`, or the container's path.
    pub title: String,
    /// What the container is, in words.
    pub note: Option<String>,
    /// Its fields, in output order.
    pub fields: Vec<&'d Field>,
}

/// The sections: the target record first, then one per nested object or
/// list of objects, in output order.
pub(super) fn sections(description: &Description) -> Vec<Section<'_>> {
    let mut sections = vec![Section {
        title: "Target record".to_string(),
        note: None,
        fields: Vec::new(),
    }];
    add_sections(&mut sections, &description.fields, 0);
    if !description.emitted.is_empty() {
        sections.push(Section {
            title: "Emitted records `emit[]`".to_string(),
            note: Some(
                "one more target record per object `emit` gives, after the target record".into(),
            ),
            fields: Vec::new(),
        });
        let base = sections.len() - 1;
        add_sections(&mut sections, &description.emitted, base);
    }
    sections.retain(|s| !s.fields.is_empty());
    sections
}

/// Adds `fields` to `sections[base]`, and a section per container.
fn add_sections<'d>(sections: &mut Vec<Section<'d>>, fields: &'d [Field], base: usize) {
    // (container index in `fields`, section index)
    let mut containers: Vec<(usize, usize)> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let parent = containers
            .iter()
            .rev()
            .find(|(c, _)| is_inside(&fields[*c], field))
            .map_or(base, |(_, s)| *s);
        sections[parent].fields.push(field);
        if field.shape != Shape::Value {
            let title = match field.shape {
                Shape::List => super::code(format!("{}[]", field.path())),
                _ => super::code(field.path()),
            };
            sections.push(Section {
                title,
                note: Some(field.transformation.replace(", fields below", "")),
                fields: Vec::new(),
            });
            containers.push((i, sections.len() - 1));
        }
    }
}

fn is_inside(container: &Field, field: &Field) -> bool {
    field.keys.len() > container.keys.len()
        && container
            .keys
            .iter()
            .zip(&field.keys)
            .all(|(a, b)| a.name == b.name)
}

/// The cells of a field's row, with `code` in backticks.
pub(super) fn cells(field: &Field) -> [String; 8] {
    let ty = match field.shape {
        Shape::List => "list of objects".to_string(),
        Shape::Object => "object".to_string(),
        Shape::Value if field.types.is_empty() => "any".to_string(),
        Shape::Value => field.types.join(" or "),
    };
    let sources: Vec<String> = field.sources.iter().map(super::code).collect();
    let mut required = field.presence.keyword().to_string();
    if field.presence_from_policy {
        required.push_str(" (policy)");
    }
    let default = match &field.presence {
        Presence::Default(text) => super::code(text),
        _ => String::new(),
    };
    let mut conditions: Vec<String> = field.conditions.iter().map(super::code).collect();
    if let Some(when) = &field.when {
        conditions.push(super::code(when));
    }
    let transformation = match &field.comment {
        Some(comment) => format!("{comment} — {}", field.transformation),
        None => field.transformation.clone(),
    };
    [
        super::code(field.path()),
        ty,
        sources.join(", "),
        transformation,
        required,
        default,
        conditions.join(" and "),
        field.constraints.join("; "),
    ]
}

/// The mapping-wide policies, in sentences.
pub(super) fn policy_sentences(description: &Description) -> Vec<String> {
    let policy = &description.policy;
    let missing = match policy.missing {
        Presence::Required => "the record fails (`policy missing = error`)",
        Presence::Optional => "the field is left out (`policy missing = omit`)",
        _ => "the field is written as null (`policy missing = null`)",
    };
    let mut out = vec![
        format!("A field with no value and no option of its own: {missing}."),
        if policy.null_is_missing {
            "A source `null` counts as no value (`policy null = missing`).".to_string()
        } else {
            "A source `null` is kept as `null` (`policy null = keep`).".to_string()
        },
        if policy.blank_is_missing {
            "A blank string counts as no value (`policy blank = missing`).".to_string()
        } else {
            "A blank string is kept (`policy blank = keep`).".to_string()
        },
    ];
    if has_strategies(description) {
        out.push(
            "A field changed on both sides since the last sync (`mapc apply --reverse --previous`) \
             follows its strategy in the column \"On conflict\": `target` writes the target's \
             value back, `source` keeps the original's, `reject` leaves the record out (E462); \
             a field without one is rejected unless `--on-conflict` says otherwise."
                .to_string(),
        );
    }
    out
}

/// How a table is defined, in a sentence.
pub(super) fn table_sentence(table: &TableDoc) -> String {
    let mut parts = Vec::new();
    if table.supplied {
        parts.push(
            "Its entries are supplied at apply time (`--table`, `Env::with_table`).".to_string(),
        );
    }
    if let Some((path, key, value)) = &table.csv {
        parts.push(format!(
            "Loaded from `{path}` (key column `{key}`, value column `{value}`)."
        ));
    }
    if table.ignore_case {
        parts.push("Keys match regardless of case.".to_string());
    }
    if table.fallback.is_none() {
        parts.push("A key not in the table fails the record (E302).".to_string());
    }
    parts.join(" ")
}

/// The rows of a table: keys, value; the fallback last.
pub(super) fn table_rows(table: &TableDoc) -> Vec<[String; 2]> {
    let mut rows: Vec<[String; 2]> = table
        .entries
        .iter()
        .map(|row| {
            let keys: Vec<String> = row.keys.iter().map(super::code).collect();
            [keys.join(", "), super::code(&row.value)]
        })
        .collect();
    if let Some(fallback) = &table.fallback {
        rows.push(["any other key".to_string(), super::code(fallback)]);
    }
    rows
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {} |", cell(c));
    }
    out.push('\n');
}

fn param_default(default: &Option<Json>) -> String {
    default.as_ref().map_or_else(String::new, super::code)
}

impl Description {
    /// The mapping table as Markdown: the parameters and policies, a table
    /// per target object, then every lookup table.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# Mapping `{}`\n\n", self.name);
        if !self.params.is_empty() {
            out.push_str("## Parameters\n\n| Parameter | Type | Default |\n|---|---|---|\n");
            for p in &self.params {
                row(
                    &mut out,
                    &[
                        format!("`${}`", p.name),
                        p.ty.to_string(),
                        param_default(&p.default),
                    ],
                );
            }
            out.push('\n');
        }
        out.push_str("## Policies\n\n");
        for sentence in policy_sentences(self) {
            let _ = writeln!(out, "- {sentence}");
        }
        if !self.guards.is_empty() {
            out.push_str("\n## Record-level rules\n\nChecked in this order, before any field:\n\n");
            for guard in &self.guards {
                let _ = writeln!(out, "- {}", guard.sentence());
            }
        }
        for section in sections(self) {
            let _ = write!(out, "\n## {}\n\n", section.title);
            if let Some(note) = &section.note {
                let _ = write!(out, "{}\n\n", capitalise(note));
            }
            let headings = headings(self);
            let extra = extra_columns(self);
            row(
                &mut out,
                &headings.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
            );
            row(
                &mut out,
                &headings
                    .iter()
                    .map(|_| "---".to_string())
                    .collect::<Vec<_>>(),
            );
            for field in section.fields {
                row(&mut out, &row_cells(field, extra));
            }
        }
        if !self.tables.is_empty() {
            out.push_str("\n## Lookup tables\n");
            for table in &self.tables {
                let _ = write!(out, "\n### `{}`\n\n", table.name);
                let sentence = table_sentence(table);
                if !sentence.is_empty() {
                    let _ = write!(out, "{sentence}\n\n");
                }
                out.push_str("| Key | Value |\n|---|---|\n");
                for r in table_rows(table) {
                    row(&mut out, &r);
                }
            }
        }
        out
    }
}

/// The first letter upper-cased.
pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
