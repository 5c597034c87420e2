//! Both directions from one mapping: which target fields map back to the
//! source, the derived reverse mapping, and the lens `put` that writes an
//! edited target record back into its original source record.
//!
//! ```
//! use mapc::{Env, Mapping};
//! use mapc::json::json;
//!
//! let mapping = Mapping::compile(r#"
//!     name  = .customer.name | trim
//!     cents = .amount | to_minor_units("EUR")
//!     kind  = "customer"
//! "#)?;
//! let reverse = mapc::reverse::Reverse::new(&mapping)?;
//! let original = json!({"id": 7, "customer": {"name": "Ada "}, "amount": 12.5});
//! let target = json!({"name": "Ada", "cents": 1999, "kind": "customer"});
//! let back = reverse.put(&Env::new(), &target, &original)?;
//! // `name` is unchanged in the target: the original keeps its spaces;
//! // `cents` changed: it is written back; `id` is not mapped: kept.
//! assert_eq!(back, json!({"id": 7, "customer": {"name": "Ada "}, "amount": 19.99}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The laws (Foster and Pierce's lenses): `put(get(s), s) == s` (GetPut)
//! and, on the fields that write back exactly, `get(put(v, s)) == v`
//! (PutGet). A lossy field keeps the original's value when the forward
//! image of the original already equals the target's value.

mod analysis;
mod constructs;
mod derive;
mod fields;
mod laws;
mod put;

pub use constructs::Construct;
pub use laws::{LawCase, LawFailure, check_laws};
pub use put::{Conflict, PutError, Strategy, Sync};

use crate::json::{Value as Json, json};
use crate::mapping::{CompileError, Mapping};

/// How a target field maps back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// By the rule's own `reverse { ... }`, written by the author: the
    /// law tests check it as they check exact fields.
    Explicit,
    /// Back to the same source value.
    Exact,
    /// Back to a source value whose image is the target value, but not
    /// necessarily the original one (case, spaces, rounding lost).
    Lossy,
    /// A constant or a parameter: nothing to write back.
    Dropped,
    /// Not invertible.
    None,
}

impl Kind {
    /// `explicit`, `exact`, `lossy`, `dropped` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Explicit => "explicit",
            Kind::Exact => "exact",
            Kind::Lossy => "lossy",
            Kind::Dropped => "dropped",
            Kind::None => "none",
        }
    }

    /// Explicit, exact or lossy: the field writes a source value back.
    pub fn writes_back(self) -> bool {
        matches!(self, Kind::Explicit | Kind::Exact | Kind::Lossy)
    }

    /// Explicit or exact: PutGet is expected to hold (the law tests check
    /// it).
    pub fn is_exact(self) -> bool {
        matches!(self, Kind::Explicit | Kind::Exact)
    }
}

/// One target field of the invertibility table.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Field {
    /// The target path as written, keys joined with dots.
    pub target: String,
    /// The target path's keys.
    pub target_path: Vec<String>,
    /// How it maps back.
    pub kind: Kind,
    /// The source path it writes back to, when it does.
    pub source: Option<Vec<String>>,
    /// Why, in words.
    pub why: String,
    /// The constructs met on the way from source to target.
    pub constructs: Vec<Construct>,
    /// The rule's line and column in the mapping.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// For a `for` loop: the fields of one element (paths relative to the
    /// element).
    pub elements: Vec<Field>,
    /// The inverse, a mapc expression with a hole for the target's value.
    pub(crate) inverse: String,
    /// For a `for` loop: the loop variable's name.
    pub(crate) item: String,
    /// Other target fields the inverse reads (a currency).
    pub(crate) reads: Vec<Vec<String>>,
    /// The rule's `on_conflict` strategy, if it has one.
    pub on_conflict: Option<Strategy>,
    /// For a rule with its own `reverse { ... }`: the source paths its
    /// rules write (and `source` is `None`).
    pub writes: Vec<Vec<String>>,
    /// For a `for` loop with `key FIELD`: the element field (a path in
    /// the element) that pairs a target element with its original.
    pub pair_key: Option<Vec<String>>,
}

/// A lookup table whose values map back to more than one key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AmbiguousTable {
    /// The table.
    pub table: String,
    /// Each value with every key that maps to it, in declaration order.
    pub values: Vec<(Json, Vec<Json>)>,
}

/// The invertibility table of a mapping.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Analysis {
    /// One row per target field, in the mapping's order.
    pub fields: Vec<Field>,
    /// The lookup tables with ambiguous values.
    pub ambiguous: Vec<AmbiguousTable>,
    tables: Vec<analysis::ReverseTable>,
}

impl Analysis {
    /// The table as text: one line per field.
    pub fn to_text(&self) -> String {
        let width = self
            .fields
            .iter()
            .map(|f| f.target.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for f in &self.fields {
            let strategy = f
                .on_conflict
                .map_or_else(String::new, |s| format!(" (on conflict: {})", s.name()));
            out.push_str(&format!(
                "{:width$}  {:8}  {:7}  {}{strategy}\n",
                f.target,
                f.kind.name(),
                format!("{}:{}", f.line, f.column),
                f.why
            ));
            for e in &f.elements {
                out.push_str(&format!(
                    "  {}[].{}  {}  {}\n",
                    f.target,
                    e.target,
                    e.kind.name(),
                    e.why
                ));
            }
        }
        for t in &self.ambiguous {
            for (value, keys) in &t.values {
                let keys: Vec<String> = keys.iter().map(Json::to_string).collect();
                out.push_str(&format!(
                    "table `{}`: {value} comes from {} keys: {}\n",
                    t.table,
                    keys.len(),
                    keys.join(", ")
                ));
            }
        }
        out
    }

    /// The table as JSON.
    pub fn to_json(&self) -> Json {
        json!({
            "fields": self.fields.iter().map(|f| {
                let mut row = json!({
                "target": f.target,
                "kind": f.kind.name(),
                "source": f.source.as_ref().map(|s| format!(".{}", fields::dotted(s))),
                "why": f.why,
                "line": f.line,
                "column": f.column,
                "elements": f.elements.iter().map(|e| json!({
                    "target": e.target,
                    "kind": e.kind.name(),
                    "source": e.source.as_ref().map(|s| format!(".{}", fields::dotted(s))),
                    "why": e.why,
                })).collect::<Vec<_>>(),
                });
                // only where the mapping gives one
                if let Some(strategy) = f.on_conflict {
                    row["on_conflict"] = json!(strategy.name());
                }
                row
            }).collect::<Vec<_>>(),
            "ambiguous": self.ambiguous.iter().map(|t| json!({
                "table": t.table,
                "values": t.values.iter().map(|(v, k)| json!({"value": v, "keys": k})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The derived reverse mapping as `.map` text; `name` is named in
    /// its header comment.
    pub fn reverse_mapping(&self, name: &str) -> String {
        derive::text(self, name)
    }
}

/// The invertibility table of the language, as Markdown: one row per
/// [`Construct`], from the same rows the analysis reads (the README shows
/// it).
pub fn table_markdown() -> String {
    let mut out = String::from("| construct | maps back | the reverse |\n|---|---|---|\n");
    for c in Construct::ALL {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            c.example(),
            c.kind().name(),
            c.reverse()
        ));
    }
    out
}

/// Classifies every target field of `mapping`.
pub fn analyse(mapping: &Mapping) -> Analysis {
    let found = analysis::analyse(mapping.program());
    Analysis {
        fields: found.fields,
        ambiguous: found
            .ambiguous
            .into_iter()
            .map(|(table, values)| AmbiguousTable { table, values })
            .collect(),
        tables: found.tables,
    }
}

/// A mapping with its reverse: compile once, map back many records.
#[derive(Clone, Debug)]
pub struct Reverse {
    forward: Mapping,
    analysis: Analysis,
    derived: Mapping,
}

/// Why `mapping` cannot be mapped back at all: it `emit`s (E283), so one
/// source record gives several target records, and which of them goes back
/// where is not known. `None` when it can be.
pub fn refusal(mapping: &Mapping) -> Option<crate::Diagnostic> {
    let program = mapping.program();
    let emit = program.emits.first()?;
    let mut diagnostic = crate::Diagnostic::error(
        crate::Code::ReverseEmits,
        "this mapping `emit`s more target records per source record: it does not map back",
    );
    if let Some(file) = program.files.get(emit.value.loc.file as usize) {
        diagnostic = diagnostic.with_label(file, emit.value.loc.span, "emits target records");
    }
    diagnostic.notes.push(
        "a source record gives the rules' record and the emitted ones; which of them a \
         target record is, and where its fields go back, is not known"
            .into(),
    );
    diagnostic.help.push(
        "map the emitted records back with a mapping of their own, or write the reverse \
         as a mapping from the target records"
            .into(),
    );
    Some(diagnostic)
}

impl Reverse {
    /// Analyses `mapping` and compiles its derived reverse mapping.
    ///
    /// # Errors
    /// The mapping `emit`s ([`refusal`]: E283), or the derived mapping
    /// does not compile (a bug in mapc: please report it with the
    /// mapping).
    pub fn new(mapping: &Mapping) -> Result<Reverse, CompileError> {
        if let Some(refused) = refusal(mapping) {
            return Err(CompileError::Invalid(vec![refused]));
        }
        let analysis = analyse(mapping);
        let derived = Mapping::compile(&analysis.reverse_mapping("<mapping>"))?;
        Ok(Reverse {
            forward: mapping.clone(),
            analysis,
            derived,
        })
    }

    /// The invertibility table.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Maps a target record back to the source fields it determines.
    ///
    /// # Errors
    /// The reverse fails on this record (a value no table key maps to, a
    /// text that is not a number, ...).
    pub fn get_back(&self, target: &Json) -> Result<Json, PutError> {
        self.derived.apply(target).map_err(|error| {
            let message = self.explain(&error);
            PutError::Reverse(error, message)
        })
    }

    /// An error of the derived mapping in the forward mapping's words.
    fn explain(&self, error: &crate::ApplyError) -> String {
        let mut parts = Vec::new();
        for e in &error.errors {
            let field = self.analysis.fields.iter().find(|f| {
                f.kind.writes_back()
                    && (f.source.as_ref().map(|s| s.join(".")) == e.target
                        || f.writes.iter().any(|w| Some(w.join(".")) == e.target))
            });
            let value = e.value.as_deref().unwrap_or("(none)");
            parts.push(match field {
                Some(f) => format!(
                    "{}: target field `{}` (line {}:{}) = {value} does not map back to `.{}`: {}",
                    e.code.as_str(),
                    f.target,
                    f.line,
                    f.column,
                    f.source
                        .as_deref()
                        .map(fields::dotted)
                        .unwrap_or_else(|| e.target.clone().unwrap_or_default()),
                    e.message
                ),
                None => format!("{}: {}", e.code.as_str(), e.message),
            });
        }
        parts.join("; ")
    }

    /// Writes `target` back into `original` (the lens `put`).
    ///
    /// # Errors
    /// See [`Reverse::get_back`].
    pub fn put(&self, env: &crate::Env, target: &Json, original: &Json) -> Result<Json, PutError> {
        put::put(self, env, target, original, &Sync::default())
    }

    /// [`Reverse::put`] with the last sync's target record: a field
    /// changed on both sides since then (the original's forward image and
    /// the new target both differ from the previous target, and from each
    /// other) is resolved by its [`Strategy`]: the target wins, the source
    /// wins, or the record is rejected with every such field.
    ///
    /// # Errors
    /// See [`Reverse::get_back`]; [`PutError::Conflict`] for the fields
    /// whose strategy is `reject`.
    pub fn sync(
        &self,
        env: &crate::Env,
        target: &Json,
        original: &Json,
        sync: &Sync<'_>,
    ) -> Result<Json, PutError> {
        put::put(self, env, target, original, sync)
    }
}

/// Writes `target` back into `original` with `mapping`'s reverse.
///
/// # Errors
/// The derived mapping does not compile, or the reverse fails on this
/// record.
pub fn put(
    mapping: &Mapping,
    env: &crate::Env,
    target: &Json,
    original: &Json,
) -> Result<Json, PutError> {
    Reverse::new(mapping)
        .map_err(|e| PutError::Derive(e.to_string()))?
        .put(env, target, original)
}
