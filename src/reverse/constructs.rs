//! The rows of the invertibility table: every construct the analysis
//! meets, how it reverses and why. The README's table is printed from
//! these rows ([`super::table_markdown`]).

use super::Kind;

/// A construct of the language as far as reversing is concerned: one row
/// of the invertibility table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Construct {
    /// `a.b = .x.y`
    Copy,
    /// `status = "open"`
    Constant,
    /// `tenant = $tenant`
    Parameter,
    /// `from_minor_units` / `to_minor_units` with a constant currency or
    /// one the mapping copies to a target field.
    MinorUnits,
    /// `convert_unit(x, from, to)` without places.
    ConvertUnit,
    /// `convert_unit(x, from, to, places)`.
    ConvertUnitRounded,
    /// `to_zone(x, zone)`.
    ToZone,
    /// `format_datetime(x, format)` with a format that keeps the instant
    /// and its offset.
    DateFormatFull,
    /// A format or conversion that keeps the instant but not its offset
    /// (`to_unix`, `unix_s`, a `zone`).
    InstantKept,
    /// `format_datetime(x, "date")` or a pattern with a date and no time.
    DateOnly,
    /// `from_unix(x, unit)`.
    UnixTime,
    /// `split(x, sep)` / `join(x, sep)` with a constant separator.
    SplitJoin,
    /// `concat` of constant strings and one value.
    Concat,
    /// `to_number` / `to_string`.
    NumberText,
    /// `x + c`, `x - c`, `x / c` with a constant number.
    Arithmetic,
    /// `x * c` with a constant number.
    Multiply,
    /// `not x`, `-x`.
    Negation,
    /// `lookup(x, table)`, every value of the table from one key.
    LookupOneToOne,
    /// `lookup(x, table)` of a many-to-one table marked `reverse_first`.
    LookupMarked,
    /// `lookup(x, table)` of a many-to-one table without the mark.
    LookupAmbiguous,
    /// A table with `ignore_case`.
    IgnoreCase,
    /// A table with a fallback row `_ => value`.
    Fallback,
    /// `trim`, `lower`, `round`, `truncate`, ...
    LossyFunction,
    /// `x ?? c` or the rule option `default`.
    Default,
    /// The rule option `when`.
    When,
    /// `if c then f(x) else g(x)` over one source value.
    Conditional,
    /// A call of a value `def`: its body is analysed.
    ValueDef,
    /// `sum`, `count`, `first`, ...: many values to one.
    Aggregate,
    /// A `for` loop without `where` or an index: element by element.
    ForLoop,
    /// A `for` loop with `key FIELD`: elements paired by that field.
    ForKeyed,
    /// A `for` loop with `where`, an index, or reading outside its element.
    ForFiltered,
    /// A rule inside an `if` statement.
    IfStatement,
    /// Anything else: a function without a known inverse, an expression
    /// over several source values.
    Unknown,
    /// A rule with its own `reverse { ... }`.
    Explicit,
}

impl Construct {
    /// Every row, in the README's order.
    pub const ALL: &'static [Construct] = &[
        Construct::Copy,
        Construct::Constant,
        Construct::Parameter,
        Construct::MinorUnits,
        Construct::ConvertUnit,
        Construct::ConvertUnitRounded,
        Construct::ToZone,
        Construct::DateFormatFull,
        Construct::InstantKept,
        Construct::DateOnly,
        Construct::UnixTime,
        Construct::SplitJoin,
        Construct::Concat,
        Construct::NumberText,
        Construct::Arithmetic,
        Construct::Multiply,
        Construct::Negation,
        Construct::LookupOneToOne,
        Construct::LookupMarked,
        Construct::LookupAmbiguous,
        Construct::IgnoreCase,
        Construct::Fallback,
        Construct::LossyFunction,
        Construct::Default,
        Construct::When,
        Construct::Conditional,
        Construct::ValueDef,
        Construct::Aggregate,
        Construct::ForLoop,
        Construct::ForKeyed,
        Construct::ForFiltered,
        Construct::IfStatement,
        Construct::Unknown,
        Construct::Explicit,
    ];

    /// How it reverses.
    pub fn kind(self) -> Kind {
        use Construct::*;
        match self {
            Copy | MinorUnits | ConvertUnit | SplitJoin | Concat | NumberText | Arithmetic
            | Negation | LookupOneToOne | ValueDef | ForLoop | ForKeyed | DateFormatFull
            | UnixTime => Kind::Exact,
            Constant | Parameter => Kind::Dropped,
            ConvertUnitRounded | ToZone | InstantKept | DateOnly | Multiply | LookupMarked
            | IgnoreCase | Fallback | LossyFunction | Default | When | Conditional => Kind::Lossy,
            LookupAmbiguous | Aggregate | ForFiltered | IfStatement | Unknown => Kind::None,
            Explicit => Kind::Explicit,
        }
    }

    /// The construct as the author writes it.
    pub fn example(self) -> &'static str {
        use Construct::*;
        match self {
            Copy => "`a.b = .x.y` (copy or rename, nested paths, `let` names)",
            Constant => "`status = \"open\"`",
            Parameter => "`tenant = $tenant`",
            MinorUnits => "`from_minor_units(x, \"EUR\")`, `to_minor_units(x, .currency)`",
            ConvertUnit => "`convert_unit(x, \"lb\", \"kg\")`",
            ConvertUnitRounded => "`convert_unit(x, \"lb\", \"kg\", 2)`",
            ToZone => "`to_zone(x, \"Europe/Paris\")`",
            DateFormatFull => {
                "`format_datetime(x, \"%Y-%m-%dT%H:%M:%S%:z\")`, `\"rfc3339\"`, `\"rfc2822\"` (a date, a time to the second and an offset)"
            }
            InstantKept => {
                "`to_unix(x, \"s\")`, `format_datetime(x, \"unix_s\")`, `format_datetime(x, \"rfc3339\", \"Europe/Paris\")`"
            }
            DateOnly => "`format_datetime(x, \"date\")`, `format_datetime(x, \"%d.%m.%Y\")`",
            UnixTime => "`from_unix(x, \"s\")`",
            SplitJoin => "`split(x, \",\")`, `join(x, \",\")`",
            Concat => "`concat(\"SKU-\", x)`",
            NumberText => "`to_number(x)`, `to_string(x)`",
            Arithmetic => "`x + 1`, `x - 1`, `x / 100`",
            Multiply => "`x * 3`",
            Negation => "`not x`, `-x`",
            LookupOneToOne => {
                "`lookup(x, t)` or `match x { \"a\" => \"A\", ... }`, one key per value"
            }
            LookupMarked => "`lookup(x, t)`, several keys per value, `table t (reverse_first)`",
            LookupAmbiguous => "`lookup(x, t)`, several keys per value, unmarked",
            IgnoreCase => "`table t (ignore_case)`",
            Fallback => "a table's fallback row `_ => v`",
            LossyFunction => {
                "`trim`, `lower`, `upper`, `title`, `round`, `truncate`, `nonempty`, `normalize_email`, ..."
            }
            Default => "`x ?? \"n/a\"`, `default \"n/a\"`",
            When => "`when cond`",
            Conditional => "`if c then f(x) else x` (both branches from one value)",
            ValueDef => "a call of `def f(x) = ...`",
            Aggregate => "`sum`, `count`, `first`, `last`, `min`, `max`, ...",
            ForLoop => "`items = for x in .lines { ... }`",
            ForKeyed => "`items = for x in .lines { ... }  key sku`",
            ForFiltered => {
                "`for x in .lines where ...`, `for x, i in ...`, a body reading outside `x`"
            }
            IfStatement => "a rule inside `if cond { ... }`",
            Unknown => "any other function or expression",
            Explicit => {
                "`name = concat(.first, \" \", .last)  reverse { first = ...  last = ... }` (any rule)"
            }
        }
    }

    /// What the reverse does.
    pub fn reverse(self) -> &'static str {
        use Construct::*;
        match self {
            Copy => "copies the value back to the source path",
            Constant => "dropped: nothing to write back",
            Parameter => "dropped: nothing to write back",
            MinorUnits => {
                "the other of the two, same currency (a currency from the record is read from the target field that copies it; without one, not invertible)"
            }
            ConvertUnit => "`convert_unit` with the units swapped",
            ConvertUnitRounded => "units swapped; the rounded digits are lost",
            ToZone => {
                "the same instant, written in the target's zone (the original offset is lost)"
            }
            DateFormatFull => {
                "parsed back with the same format: the same instant and offset (exact when the source shows no finer digits than the format)"
            }
            InstantKept => {
                "the same instant, parsed back (`from_unix`, `parse_datetime`); the original offset is lost"
            }
            DateOnly => "the date alone, as `YYYY-MM-DD` (the time and offset are lost)",
            UnixTime => "`to_unix` with the same unit (a string of digits comes back as a number)",
            SplitJoin => {
                "the other of the two, same separator (exact when no element is empty or holds the separator)"
            }
            Concat => "the constants are cut off again",
            NumberText => "the other of the two (`to_string` assumes the source was a number)",
            Arithmetic => "the opposite operation",
            Multiply => "division, which may round",
            Negation => "the same operator",
            LookupOneToOne => "the reversed table",
            LookupMarked => "each value maps back to the first key written for it",
            LookupAmbiguous => "not invertible: the checker lists the ambiguous values",
            IgnoreCase => "the key as written in the table (the case typed is lost)",
            Fallback => {
                "the fallback value maps back to no key: the original is kept, else the record is rejected"
            }
            LossyFunction => "the target's value as it is",
            Default => "the target's value as it is (a default may come back as a value)",
            When => "written back only when the target has the field",
            Conditional => "the target's value as it is",
            ValueDef => "the reverse of its body",
            Aggregate => "not invertible: many values to one",
            ForLoop => {
                "element by element, paired by position; each element's fields as in this table (the field is as exact as its worst element field)"
            }
            ForKeyed => {
                "element by element, each target element paired with the original's element whose image has the same `sku` (not by position); an element with a new key is added as reversed, and the list is the target's, in its order"
            }
            ForFiltered => "not invertible: positions do not pair",
            IfStatement => "not invertible yet",
            Unknown => "not invertible: no known inverse",
            Explicit => {
                "the author's rules, over the derived reverse: they write source paths from the target record; the law tests check PutGet on them"
            }
        }
    }
}

/// Functions that keep the value's meaning but lose detail: the reverse
/// writes the target's value as it is.
pub(crate) const LOSSY: &[&str] = &[
    "trim",
    "trim_start",
    "trim_end",
    "lower",
    "upper",
    "title",
    "round",
    "round_money",
    "truncate",
    "truncate_bytes",
    "nonempty",
    "normalize_email",
    "normalize_phone",
    "normalize_uuid",
    "normalize_nfc",
    "strip_control",
    "to_ascii",
    "abs",
];

/// Functions that make one value of many.
pub(crate) const AGGREGATE: &[&str] = &[
    "sum", "sum_by", "count", "first", "last", "min", "max", "length", "unique", "compact",
    "flatten",
];
