//! What the one table of built-ins holds: a signature, a doc line and
//! runnable examples per function. The checker reads the signatures, `mapc
//! functions` prints the docs, and a test runs every example.

use super::args::{Args, FnError};
use crate::value::Value;
use std::fmt;

/// A set of value types, as a bit set (`STRING | NUMBER`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ty(pub(crate) u16);

impl Ty {
    /// Text.
    pub const STRING: Ty = Ty(1);
    /// An exact number.
    pub const NUMBER: Ty = Ty(2);
    /// `true` / `false`.
    pub const BOOL: Ty = Ty(4);
    /// JSON `null`.
    pub const NULL: Ty = Ty(8);
    /// A list.
    pub const LIST: Ty = Ty(16);
    /// An object.
    pub const OBJECT: Ty = Ty(32);
    /// Any value.
    pub const ANY: Ty = Ty(63);
    /// A lookup table's name (only as an argument).
    pub const TABLE: Ty = Ty(64);
    /// `x => expr` (only as an argument).
    pub const LAMBDA: Ty = Ty(128);
    /// A scalar: string, number or boolean.
    pub const SCALAR: Ty = Ty(1 | 2 | 4);

    /// The one type a JSON value has (literals in the checker, table
    /// values in the docs).
    pub(crate) fn of_json(value: &crate::json::Value) -> Ty {
        use crate::json::Value as Json;
        match value {
            Json::Null => Ty::NULL,
            Json::Bool(_) => Ty::BOOL,
            Json::Number(_) => Ty::NUMBER,
            Json::String(_) => Ty::STRING,
            Json::Array(_) => Ty::LIST,
            Json::Object(_) => Ty::OBJECT,
        }
    }

    /// Either type.
    pub const fn or(self, other: Ty) -> Ty {
        Ty(self.0 | other.0)
    }

    /// Do the two sets share a type?
    pub fn overlaps(self, other: Ty) -> bool {
        self.0 & other.0 != 0
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Ty::ANY {
            return f.write_str("any");
        }
        let names = [
            (Ty::STRING, "string"),
            (Ty::NUMBER, "number"),
            (Ty::BOOL, "bool"),
            (Ty::NULL, "null"),
            (Ty::LIST, "list"),
            (Ty::OBJECT, "object"),
            (Ty::TABLE, "table"),
            (Ty::LAMBDA, "x => expr"),
        ];
        let parts: Vec<&str> = names
            .iter()
            .filter(|(t, _)| self.0 & t.0 != 0)
            .map(|(_, n)| *n)
            .collect();
        f.write_str(&parts.join(" | "))
    }
}

/// How many values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Exactly one.
    One,
    /// Zero or one.
    Optional,
    /// Zero or more (last parameter only).
    Variadic,
}

/// One parameter of a built-in.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Its name (also usable as `name: value`).
    pub name: &'static str,
    /// The types it accepts.
    pub ty: Ty,
    /// How many values it takes.
    pub arity: Arity,
    /// For a setting (a rounding mode, a zone name, a unit, a currency, a
    /// format): the function the built-in reads it with at run time. The
    /// checker calls it on a constant argument, so a setting that would
    /// fail on every record fails `mapc check` instead.
    pub(crate) setting: Option<Setting>,
}

/// Reads argument `i` of a call the way the built-in does, keeping only the
/// verdict.
pub(crate) type Setting = fn(&mut super::args::Args<'_>, usize) -> Result<(), super::args::FnError>;

impl Param {
    /// The same parameter, read with `setting` (see [`Param::setting`]).
    pub(crate) const fn read_with(mut self, setting: Setting) -> Param {
        self.setting = Some(setting);
        self
    }

    /// Whether the checker validates a constant argument for this parameter.
    pub fn is_setting(&self) -> bool {
        self.setting.is_some()
    }
}

/// A runnable example: a call with literal arguments and what it gives.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// An expression, such as `trim("  a ")`.
    pub call: &'static str,
    /// Its value as JSON, `(missing)`, or `error[E308]`.
    pub result: &'static str,
}

/// How missing and null arguments are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absent {
    /// A missing or null first argument is the result, unchanged: no value
    /// in, no value out (the field's policy then decides).
    Propagate,
    /// The function looks at missing and null itself.
    Accept,
    /// Any argument that is missing or null (or blank under `policy blank
    /// = missing`) makes the result missing: every part is needed.
    PropagateAny,
}

/// The grouping used in docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Text.
    String,
    /// Numbers.
    Number,
    /// Money and human-written numbers.
    Money,
    /// Dates and times.
    Date,
    /// Booleans written many ways.
    Boolean,
    /// Units of measure.
    Units,
    /// Identifiers: UUIDs, e-mail, countries, currencies, phones.
    Identifier,
    /// Text hygiene for legacy targets, and regular expressions.
    Text,
    /// Deterministic keys: hashes, name-based UUIDs, base64.
    Hash,
    /// Lists.
    List,
    /// Objects.
    Object,
    /// Missing, null and empty values.
    Presence,
    /// Lookup tables.
    Lookup,
    /// Types and control.
    Control,
}

impl Category {
    /// The heading in docs.
    pub fn title(self) -> &'static str {
        match self {
            Category::String => "Strings",
            Category::Number => "Numbers",
            Category::Money => "Money and human-written numbers",
            Category::Date => "Dates and times",
            Category::Boolean => "Booleans",
            Category::Units => "Units of measure",
            Category::Identifier => "Identifiers",
            Category::Text => "Text hygiene and patterns",
            Category::Hash => "Hashes and encodings",
            Category::List => "Lists",
            Category::Object => "Objects",
            Category::Presence => "Missing, null and empty",
            Category::Lookup => "Lookup tables",
            Category::Control => "Types and control",
        }
    }
}

pub(crate) type PlainFn = for<'a> fn(&mut Args<'a>) -> Result<Value<'a>, FnError>;

/// What runs when the function is called.
#[derive(Clone, Copy)]
pub(crate) enum Implementation {
    /// An ordinary function of its arguments.
    Plain(PlainFn),
    /// A list function with a lambda, run by the evaluator.
    List(ListOp),
    /// `lookup(value, table)`, run by the evaluator.
    Lookup,
}

/// The list functions that take a lambda.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListOp {
    Map,
    Filter,
    Any,
    All,
    Find,
    SortBy,
    SumBy,
}

/// A built-in function.
pub struct Function {
    /// Its name.
    pub name: &'static str,
    /// Its group in the docs.
    pub category: Category,
    /// Its parameters.
    pub params: &'static [Param],
    /// The types it returns (besides missing and null).
    pub returns: Ty,
    /// How it treats a missing or null first argument.
    pub absent: Absent,
    /// One line of documentation.
    pub doc: &'static str,
    /// Runnable examples; every function has at least one.
    pub examples: &'static [Example],
    pub(crate) implementation: Implementation,
}

impl Function {
    /// `name(param: type, ...) -> type`
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| match p.arity {
                Arity::One => format!("{}: {}", p.name, p.ty),
                Arity::Optional => format!("{}?: {}", p.name, p.ty),
                Arity::Variadic => format!("...{}: {}", p.name, p.ty),
            })
            .collect();
        format!("{}({}) -> {}", self.name, params.join(", "), self.returns)
    }

    /// The fewest and most arguments (`None`: no limit).
    pub fn arity(&self) -> (usize, Option<usize>) {
        let min = self.params.iter().filter(|p| p.arity == Arity::One).count();
        let max = if self.params.iter().any(|p| p.arity == Arity::Variadic) {
            None
        } else {
            Some(self.params.len())
        };
        (min, max)
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.signature())
    }
}
