//! `mapc doc`: the field-level mapping table of an integration spec,
//! generated from the executable mapping so that the document never drifts
//! from the code.
//!
//! [`Mapping::describe`] walks the checked program and returns a
//! [`Description`]: plain data, one [`Field`] per target field in output
//! order (nested blocks, defs and `for` bodies flattened as `lines[].sku`
//! paths), then every lookup table. Renderers turn it into Markdown
//! ([`Description::to_markdown`]), JSON ([`Description::to_json`]) or a
//! standalone HTML page ([`Description::to_html`]); [`crate::schema`] turns
//! it into the JSON Schema of the target record.
//!
//! ```
//! let mapping = mapc::Mapping::compile(r#"
//!     id    = .id                     required
//!     email = .email | trim | lower   optional
//! "#)?;
//! let description = mapping.describe();
//! assert_eq!(description.fields[1].path(), "email");
//! assert_eq!(description.fields[1].sources, ["$.email"]);
//! assert_eq!(description.fields[1].transformation, "trim, then lower-case");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod html;
mod json;
mod markdown;
mod sources;
mod walk;
mod words;

use crate::json::Value as Json;
use crate::mapping::Mapping;

/// What a mapping produces, field by field, and the tables it uses.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Description {
    /// The mapping's name (its file, or `<mapping>`).
    pub name: String,
    /// The parameters it needs at apply time.
    pub params: Vec<ParamDoc>,
    /// The mapping-wide policies.
    pub policy: PolicyDoc,
    /// Every target field, in output order; containers before their fields.
    pub fields: Vec<Field>,
    /// The `reject`, `skip` and `keep` guards, in order.
    pub guards: Vec<GuardDoc>,
    /// The fields of the records `emit` adds, under `emit[]` (`emit[].sku`):
    /// not part of the rules' record (nor of its JSON Schema).
    pub emitted: Vec<Field>,
    /// Every lookup table, in declaration order.
    pub tables: Vec<TableDoc>,
}

/// A record-level guard.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GuardDoc {
    /// `reject`, `skip` or `keep`.
    pub action: &'static str,
    /// The reason a `reject` gives.
    pub reason: Option<String>,
    /// The condition, as written.
    pub condition: String,
    /// The input paths the condition reads.
    pub sources: Vec<String>,
}

impl GuardDoc {
    /// The guard in a sentence.
    pub fn sentence(&self) -> String {
        match (self.action, &self.reason) {
            ("reject", Some(reason)) => format!(
                "The record is rejected (E421, \"{reason}\") when `{}`.",
                self.condition
            ),
            ("keep", _) => format!(
                "Only records where `{}` are mapped; the others are skipped (not an error).",
                self.condition
            ),
            _ => format!(
                "The record is skipped (not an error) when `{}`.",
                self.condition
            ),
        }
    }
}

/// A declared parameter.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ParamDoc {
    /// Its name (written `$name`).
    pub name: String,
    /// `string`, `number`, `bool` or `any`.
    pub ty: &'static str,
    /// Its default, if it has one.
    pub default: Option<Json>,
}

/// The mapping-wide policies, in words the mapping itself uses.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PolicyDoc {
    /// A field with no value and no option of its own: `null`, `omit` or
    /// `error`.
    pub missing: Presence,
    /// Does a source `null` count as no value?
    pub null_is_missing: bool,
    /// Does a blank string count as no value?
    pub blank_is_missing: bool,
}

/// What happens to a field that has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The record fails.
    Required,
    /// The field is left out.
    Optional,
    /// The field is written as `null`.
    Nullable,
    /// The default (source text) is written.
    Default(String),
    /// There is always a value: the rule writes a constant or a parameter
    /// (bound before the first record).
    Always,
}

impl Presence {
    /// `required`, `optional`, `nullable` or `default`.
    pub fn keyword(&self) -> &'static str {
        match self {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::Nullable => "nullable",
            Presence::Default(_) => "default",
            Presence::Always => "always",
        }
    }
}

/// One key of a target path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathKey {
    /// The key.
    pub name: String,
    /// The value under it is a list, and the path goes on into each element
    /// (`lines[]`).
    pub each: bool,
}

/// What kind of value a field holds, as far as its structure goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A value computed by an expression.
    Value,
    /// An object whose fields are described next (a block or a def).
    Object,
    /// A list of objects whose fields are described next (`for`).
    List,
}

/// One target field: a row of the mapping table.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Field {
    /// The target path, outermost key first.
    pub keys: Vec<PathKey>,
    /// Value, object or list of objects.
    pub shape: Shape,
    /// The JSON types the field can hold when written (`string`, `number`,
    /// `boolean`, `null`, `array`, `object`); empty when unknown (a value
    /// copied from the input can be anything).
    pub types: Vec<&'static str>,
    /// The input paths (`$.customer.email`, `$.line_items[*].sku`) and
    /// parameters (`$tenant_id`) it reads.
    pub sources: Vec<String>,
    /// What is done to the value, in plain words.
    pub transformation: String,
    /// What happens when there is no value.
    pub presence: Presence,
    /// The presence comes from the mapping-wide `policy missing`, not from
    /// the rule.
    pub presence_from_policy: bool,
    /// The `when` condition, as written.
    pub when: Option<String>,
    /// The conditions of the `if` statements around the rule (`not (...)`
    /// in an `else`), as written.
    pub conditions: Vec<String>,
    /// The table, when the value is a direct lookup (so its values are the
    /// table's values).
    pub lookup: Option<String>,
    /// Other constraints, in words.
    pub constraints: Vec<String>,
    /// The most characters the value can have, when the mapping limits it.
    pub max_length: Option<u64>,
    /// What the rule's constraints (`max_length`, `matches`, `between`,
    /// `one_of`, `is`) and its value's built-in guarantee, as JSON Schema
    /// keywords (`minLength`, `pattern`, `minimum`, `enum`, `format`, ...).
    pub limits: crate::json::Map<String, crate::json::Value>,
    /// The comment lines right above the rule, as its description.
    pub comment: Option<String>,
    /// Every branch of the `if`s around the rule writes this field (as
    /// `if c { tax = 1 } else { tax = 0 }`), so it does not depend on them.
    pub in_every_branch: bool,
    /// The rule's conflict resolution strategy (`on_conflict`): `target`,
    /// `source` or `reject`.
    pub on_conflict: Option<&'static str>,
    /// The rule's own `reverse { ... }`, its rules joined with `; `.
    pub reverse: Option<String>,
}

impl Field {
    /// The target path as text: `lines[].sku`, keys that are not plain
    /// words quoted.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            if crate::format::is_plain_key(&key.name) {
                out.push_str(&key.name);
            } else {
                out.push_str(&format!("{:?}", key.name));
            }
            if key.each {
                out.push_str("[]");
            }
        }
        out
    }

    /// Is the field in every record the mapping writes (when the record
    /// does not fail)?
    pub fn always_written(&self) -> bool {
        self.when.is_none()
            && (self.conditions.is_empty() || self.in_every_branch)
            && !matches!(self.presence, Presence::Optional)
    }
}

/// A lookup table.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TableDoc {
    /// Its name.
    pub name: String,
    /// Keys match regardless of case.
    pub ignore_case: bool,
    /// `(path, key column, value column)` when loaded from a CSV file.
    pub csv: Option<(String, String, String)>,
    /// The entries, keys grouped by value, in declaration order.
    pub entries: Vec<TableRow>,
    /// The value for any other key (`_`), if any.
    pub fallback: Option<Json>,
    /// The entries come at apply time (`table name (supplied)`).
    pub supplied: bool,
}

impl TableDoc {
    /// Every value the table can give, fallback last, without repeats.
    pub fn values(&self) -> Vec<Json> {
        let mut out: Vec<Json> = Vec::new();
        for value in self
            .entries
            .iter()
            .map(|e| &e.value)
            .chain(self.fallback.as_ref())
        {
            if !out.contains(value) {
                out.push(value.clone());
            }
        }
        out
    }
}

/// Keys that give one value.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// The keys.
    pub keys: Vec<Json>,
    /// The value.
    pub value: Json,
}

impl Mapping {
    /// The mapping table of this mapping: every target field with its
    /// type, sources, transformation, presence and conditions, and every
    /// lookup table.
    pub fn describe(&self) -> Description {
        walk::describe(self.program())
    }
}

/// `text` as a Markdown code span: fenced with one more backtick than its
/// longest run of backticks, padded with a space when it starts or ends
/// with one (CommonMark), so a backtick in a value cannot break a table.
pub(crate) fn code(text: impl std::fmt::Display) -> String {
    let text = text.to_string();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty() {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(super::code("a.b"), "`a.b`");
        assert_eq!(super::code("a`b"), "`` a`b ``");
        assert_eq!(super::code("``x"), "``` ``x ```");
        assert_eq!(super::code(" x "), "`  x  `");
    }
}
