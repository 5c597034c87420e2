//! The checked, immutable form of a mapping that the evaluator runs.
//!
//! Names are resolved (variables to frame slots, functions to table
//! entries, tables and defs to indices), paths are split into steps, and
//! pipes are calls. Nothing is looked up by name or parsed per record.

use crate::diagnostics::SourceFile;
use crate::json::Value as Json;
use crate::stdlib::{Function, ListOp, Ty};
use crate::syntax::{BinaryOp, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// Where a node came from: a file of the program and a span in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Loc {
    pub file: u32,
    pub span: Span,
}

#[derive(Debug)]
pub(crate) struct Program {
    /// The top-level statements: they build the output record.
    pub body: Block,
    /// `reject`, `skip` and `keep` guards, in order: they run before the
    /// rules.
    pub guards: Vec<Guard>,
    /// `emit` statements, in order: more records after the rules' one.
    pub emits: Vec<Emit>,
    /// Whether the rules build a record of their own: a mapping of
    /// `emit`s only writes just what they emit.
    pub header: bool,
    pub tables: Vec<Table>,
    pub defs: Vec<Def>,
    pub params: Vec<ParamDecl>,
    pub policy: Policy,
    /// Frame size: one slot per variable binding site.
    pub slots: usize,
    /// The main file first, then imported ones.
    pub files: Vec<Arc<SourceFile>>,
    /// The first call that can read the environment's default time zone
    /// (the built-in's name and the call), for [`crate::Mapping::check_env`].
    pub default_zone: Option<(&'static str, Loc)>,
    /// The constant patterns of `matches`, `regex_replace` and
    /// `regex_extract` calls, compiled once.
    pub patterns: crate::stdlib::Patterns,
}

/// Mapping-wide policies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// What a field with no value and no option of its own does.
    pub missing: Absent,
    /// Does a source `null` count as no value?
    pub null_is_missing: bool,
    /// Does a blank string count as no value?
    pub blank_is_missing: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            missing: Absent::Null,
            null_is_missing: true,
            blank_is_missing: false,
        }
    }
}

/// What a rule does when its value is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Absent {
    /// The record fails.
    Error,
    /// The field is left out.
    Omit,
    /// The field is written as `null`.
    Null,
}

#[derive(Debug)]
pub(crate) struct ParamDecl {
    pub name: String,
    pub ty: ParamType,
    pub default: Option<Json>,
    /// Where it is declared (an imported file may declare parameters too).
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamType {
    String,
    Number,
    Bool,
    Any,
}

impl ParamType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Number => "number",
            ParamType::Bool => "bool",
            ParamType::Any => "any",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Table {
    pub name: String,
    pub ignore_case: bool,
    /// Keys in declaration order, for error messages.
    pub keys: Vec<Json>,
    /// String keys (lower-cased when the table ignores case) → value: a
    /// lookup of a string borrows it, no key is built per record.
    strings: HashMap<String, Json>,
    /// Numbers (by value), booleans and null, by [`scalar_key`] → value.
    others: HashMap<String, Json>,
    pub fallback: Option<Json>,
    /// `from csv "path" key "k" value "v"`, for docs.
    pub csv: Option<CsvSource>,
    /// String keys that read as numbers, by normalised value: a lookup miss
    /// of a number says "the table has this key as a string" without a pass
    /// over every key.
    numeric_strings: std::collections::HashSet<String>,
    /// Lower-cased string key → the key, built at the first miss that needs
    /// it (a big table's "did you mean").
    folded: std::sync::OnceLock<HashMap<String, String>>,
    /// `table name (supplied)`: the entries come with the environment at
    /// apply time; where the table is declared.
    pub supplied: Option<Loc>,
}

/// Where a table's CSV entries came from.
#[derive(Debug, Clone)]
pub(crate) struct CsvSource {
    pub path: String,
    pub key: String,
    pub value: String,
}

#[derive(Debug)]
pub(crate) struct Def {
    pub name: String,
    pub params: Vec<usize>,
    pub body: DefBody,
}

/// What a call of a def gives.
#[derive(Debug)]
pub(crate) enum DefBody {
    /// The object a block builds.
    Block(Block),
    /// The value of an expression.
    Value(Node),
}

/// A record-level guard: `reject "reason" if cond`, `skip if cond`,
/// `keep if cond`.
#[derive(Debug)]
pub(crate) struct Guard {
    pub action: GuardAction,
    pub condition: Node,
    /// The whole guard.
    pub loc: Loc,
}

/// What a guard does when it fires.
#[derive(Debug)]
pub(crate) enum GuardAction {
    /// The record fails with this reason.
    Reject(String),
    /// The record is skipped when the condition holds.
    Skip,
    /// The record is skipped unless the condition holds.
    Keep,
}

/// `emit value`: every object of the value is one more target record.
#[derive(Debug)]
pub(crate) struct Emit {
    pub value: Node,
}

#[derive(Debug, Default)]
pub(crate) struct Block {
    pub statements: Vec<Statement>,
}

#[derive(Debug)]
pub(crate) enum Statement {
    Let {
        /// The name, for the note on an error inside the value.
        name: Box<str>,
        /// The whole `let`.
        loc: Loc,
        slot: usize,
        value: Node,
    },
    If {
        condition: Node,
        then: Block,
        otherwise: Block,
    },
    Rule(Box<Rule>),
}

#[derive(Debug)]
pub(crate) struct Rule {
    /// The target path's keys.
    pub target: Vec<Box<str>>,
    pub loc: Loc,
    pub value: Node,
    /// `None`: the mapping-wide `policy missing`.
    pub absent: Option<Absent>,
    pub default: Option<Node>,
    pub when: Option<Node>,
    /// What the written value must meet (`max_length 80`, ...).
    pub constraints: Vec<Constraint>,
    /// `on_conflict`: what `apply --reverse --previous` does when the
    /// field changed on both sides since the last sync.
    pub on_conflict: Option<Strategy>,
    /// The rule's own `reverse { ... }`, as written (for `mapc doc`).
    pub reverse: Option<String>,
}

/// What to do with a field changed on both sides since the last sync
/// (`apply --reverse --previous`): the rule option `on_conflict`, the
/// command line's `--on-conflict`, or
/// [`reverse::Sync`](crate::reverse::Sync).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Strategy {
    /// Report a conflict; the record is not written back (the default:
    /// nothing is overwritten silently).
    #[default]
    Reject,
    /// The target's value is written back.
    TargetWins,
    /// The original's value is kept.
    SourceWins,
}

impl Strategy {
    /// The words the mapping and the command line use, in order.
    pub const NAMES: [&'static str; 3] = ["target", "source", "reject"];

    /// `reject`, `target` or `source`.
    pub fn parse(text: &str) -> Option<Strategy> {
        match text {
            "reject" => Some(Strategy::Reject),
            "target" => Some(Strategy::TargetWins),
            "source" => Some(Strategy::SourceWins),
            _ => None,
        }
    }

    /// The word for it: `reject`, `target` or `source`.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Reject => "reject",
            Strategy::TargetWins => "target",
            Strategy::SourceWins => "source",
        }
    }
}

/// A checked constraint on a rule's written value.
#[derive(Debug)]
pub(crate) struct Constraint {
    pub check: Check,
    /// As written, for messages: `between 0 and 100`.
    pub text: String,
    pub loc: Loc,
}

#[derive(Debug)]
pub(crate) enum Check {
    MaxLength(usize),
    MinLength(usize),
    MaxBytes(usize),
    Matches(regex::Regex),
    Between(rust_decimal::Decimal, rust_decimal::Decimal),
    OneOf(Vec<Json>),
    Is(TypeCheck),
}

/// The types `is` and the type tests (`is_integer`, `assert_type`, ...)
/// can check. What each accepts is in [`TypeCheck::describe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TypeCheck {
    String,
    Number,
    Integer,
    Whole,
    Bool,
    List,
    Object,
    Date,
    DateTime,
}

impl TypeCheck {
    /// Every type, by name (`boolean` is another name for `bool`).
    pub(crate) const ALL: &'static [(&'static str, TypeCheck)] = &[
        ("string", TypeCheck::String),
        ("number", TypeCheck::Number),
        ("integer", TypeCheck::Integer),
        ("whole", TypeCheck::Whole),
        ("bool", TypeCheck::Bool),
        ("boolean", TypeCheck::Bool),
        ("list", TypeCheck::List),
        ("object", TypeCheck::Object),
        ("date", TypeCheck::Date),
        ("datetime", TypeCheck::DateTime),
    ];

    /// The type called `name`.
    pub(crate) fn named(name: &str) -> Option<TypeCheck> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The names, for help texts: `string, number, ...`.
    pub(crate) fn names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
        names.join(", ")
    }

    /// The value type a value of this type has.
    pub(crate) fn value_type(self) -> crate::stdlib::Ty {
        use crate::stdlib::Ty;
        match self {
            TypeCheck::String | TypeCheck::Date | TypeCheck::DateTime => Ty::STRING,
            TypeCheck::Number | TypeCheck::Integer | TypeCheck::Whole => Ty::NUMBER,
            TypeCheck::Bool => Ty::BOOL,
            TypeCheck::List => Ty::LIST,
            TypeCheck::Object => Ty::OBJECT,
        }
    }

    /// What the type accepts, in words (for messages and docs).
    pub(crate) fn describe(self) -> &'static str {
        match self {
            TypeCheck::String => "a string",
            TypeCheck::Number => "a number",
            TypeCheck::Integer => {
                "an integer as written (digits with an optional `-`: no fraction, no exponent)"
            }
            TypeCheck::Whole => "a whole number (no fractional part: `2`, `2.0` and `1e3` count)",
            TypeCheck::Bool => "a boolean",
            TypeCheck::List => "a list",
            TypeCheck::Object => "an object",
            TypeCheck::Date => "a YYYY-MM-DD date string",
            TypeCheck::DateTime => "an RFC 3339 date-time string",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub loc: Loc,
}

#[derive(Debug)]
pub(crate) enum Step {
    Field(Box<str>),
    Index(i64),
    All,
}

#[derive(Debug)]
pub(crate) enum NodeKind {
    Const(Json),
    Root,
    Local(usize),
    Param(usize),
    Get(Box<Node>, Vec<Step>),
    List(Vec<Node>),
    Object(Vec<(Box<str>, Node)>),
    Block(Block),
    Call(&'static Function, Vec<Node>),
    ListCall {
        op: ListOp,
        list: Box<Node>,
        slot: usize,
        body: Box<Node>,
    },
    Lookup {
        table: usize,
        value: Box<Node>,
    },
    DefCall {
        def: usize,
        args: Vec<Node>,
        /// What the call gives: an object for a block def, anything for a
        /// value def.
        returns: Ty,
    },
    Neg(Box<Node>),
    Not(Box<Node>),
    Binary(BinaryOp, Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Option<Box<Node>>),
    Match {
        subject: Box<Node>,
        arms: Vec<(Vec<Json>, Node)>,
        fallback: Option<Box<Node>>,
    },
    For {
        item: usize,
        index: Option<usize>,
        list: Box<Node>,
        filter: Option<Box<Node>>,
        body: Block,
    },
}

impl Table {
    /// An empty table.
    pub(crate) fn new(name: String, ignore_case: bool, csv: Option<CsvSource>) -> Self {
        Table {
            name,
            ignore_case,
            keys: Vec::new(),
            strings: HashMap::new(),
            others: HashMap::new(),
            fallback: None,
            csv,
            numeric_strings: std::collections::HashSet::new(),
            folded: std::sync::OnceLock::new(),
            supplied: None,
        }
    }

    /// Is `d` a string key's value as a number (`"12"` for 12)?
    pub(crate) fn has_numeric_string(&self, d: rust_decimal::Decimal) -> bool {
        self.numeric_strings.contains(&d.normalize().to_string())
    }

    /// The string key that equals `s` but for case, if any.
    pub(crate) fn same_but_case(&self, s: &str) -> Option<&str> {
        let folded = self.folded.get_or_init(|| {
            let mut map = HashMap::new();
            for key in self.keys.iter().filter_map(Json::as_str) {
                map.entry(key.to_lowercase())
                    .or_insert_with(|| key.to_string());
            }
            map
        });
        folded.get(&s.to_lowercase()).map(String::as_str)
    }

    /// Can `value` be a key (a string, number, boolean or null)?
    pub(crate) fn can_hold(value: &crate::value::Value<'_>) -> bool {
        use crate::value::Value;
        matches!(
            value,
            Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null
        )
    }

    /// The value for a key; `None` when it is not there (or not a scalar).
    pub(crate) fn get(&self, key: &crate::value::Value<'_>) -> Option<&Json> {
        use crate::value::Value;
        match key {
            Value::String(s) if self.ignore_case => {
                self.strings.get(&crate::stdlib::unicode::caseless_key(s))
            }
            Value::String(s) => self.strings.get(s.as_ref()),
            other => self.others.get(&scalar_key(other)?),
        }
    }

    /// Adds a key, unless it is there already: then the value it has.
    /// `Err` when the key is not a scalar.
    pub(crate) fn insert(&mut self, key: Json, value: Json) -> Result<Option<&Json>, ()> {
        use crate::value::Value;
        let (map, normalised) = match Value::from_json(&key) {
            Value::String(s) if self.ignore_case => {
                (&mut self.strings, crate::stdlib::unicode::caseless_key(&s))
            }
            Value::String(s) => (&mut self.strings, s.into_owned()),
            other => (&mut self.others, scalar_key(&other).ok_or(())?),
        };
        if map.contains_key(&normalised) {
            return Ok(map.get(&normalised));
        }
        map.insert(normalised, value);
        if let Some(d) = key
            .as_str()
            .and_then(|k| crate::value::number::parse_decimal(k.trim()))
        {
            self.numeric_strings.insert(d.normalize().to_string());
        }
        self.keys.push(key);
        Ok(None)
    }

    /// Every value of the table (without the fallback).
    pub(crate) fn values(&self) -> impl Iterator<Item = &Json> {
        self.strings.values().chain(self.others.values())
    }
}

/// The key a table uses for a non-string scalar: numbers by value, so that
/// `1.0` and `1` are the same key.
fn scalar_key(value: &crate::value::Value<'_>) -> Option<String> {
    use crate::value::Value;
    Some(match value {
        Value::Number(n) => match n.to_decimal() {
            Some(d) => format!("n:{}", d.normalize()),
            None => format!("n:{}", n.text()),
        },
        Value::Bool(b) => format!("b:{b}"),
        Value::Null => "null".to_string(),
        _ => return None,
    })
}
