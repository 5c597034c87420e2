//! The derived reverse mapping, as `.map` text: one rule per field that
//! writes back, from the target record to the source path.

use super::analysis::{HOLE, reverse_table_name};
use super::fields::{dotted, quote_key};
use super::{Analysis, Field};
use crate::json::Value as Json;
use std::fmt::Write;

/// The reverse mapping's text. It reads a target record and writes the
/// source fields the forward mapping reads; `mapc check` accepts it.
pub(crate) fn text(analysis: &Analysis, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# The reverse of {name}, derived by `mapc reverse`.");
    let _ = writeln!(
        out,
        "# It maps a target record back to the source fields the mapping reads."
    );
    for table in &analysis.tables {
        let _ = writeln!(out);
        let _ = writeln!(out, "table {} {{", reverse_table_name(&table.name));
        for (value, key) in &table.rows {
            let _ = writeln!(out, "  {} => {}", literal(value), literal(key));
        }
        let _ = writeln!(out, "}}");
    }
    let _ = writeln!(out);
    let any = rules(&mut out, &analysis.fields, ".");
    if !any {
        let _ = writeln!(out, "# no field can be mapped back");
    }
    // the canonical layout, so that `mapc fmt --check` accepts it as it is
    crate::format::format(&out).unwrap_or(out)
}

/// Writes a rule per field that writes back, reading the target from
/// `base` (`.` at the top, `item.` inside a loop). Whether one was written.
fn rules(out: &mut String, fields: &[Field], base: &str) -> bool {
    let mut any = false;
    for field in fields.iter().filter(|f| f.kind.writes_back()) {
        let keys: Vec<String> = field.target_path.iter().map(|k| quote_key(k)).collect();
        if !field.writes.is_empty() {
            // the author's own rules, run when the target has the field
            let _ = writeln!(out, "# explicit: {}", field.target);
            let _ = writeln!(
                out,
                "if exists({base}{}) {{\n{}\n}}",
                keys.join("."),
                field.inverse
            );
            any = true;
            continue;
        }
        let Some(source) = &field.source else {
            continue;
        };
        if source.is_empty() {
            continue;
        }
        let keys: Vec<String> = field.target_path.iter().map(|k| quote_key(k)).collect();
        let read = format!("{base}{}", keys.join("."));
        if !field.elements.is_empty() {
            let item = &field.item;
            let _ = writeln!(out, "{} = for {item} in {read} {{", dotted(source));
            rules(out, &field.elements, &format!("{item}."));
            let _ = writeln!(
                out,
                "}}  optional  # {}: {}, element by element",
                field.kind.name(),
                field.target
            );
            any = true;
            continue;
        }
        let value = field.inverse.replace(HOLE, &read);
        // written only when the target has the field (a conversion of a
        // missing value may still give one: `not`); a null goes back as null
        let _ = writeln!(
            out,
            "{} = {value}  nullable when exists({read})  # {}: {}",
            dotted(source),
            field.kind.name(),
            field.target
        );
        any = true;
    }
    any
}

fn literal(value: &Json) -> String {
    value.to_string()
}
