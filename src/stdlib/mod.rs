//! The built-in functions: one table, grouped by domain in files.
//!
//! Each entry declares its name, parameters with types, return type, a doc
//! line and runnable examples ([`Function`]). The checker reads the
//! signatures, `mapc functions` prints the docs, and a test runs every
//! example.

pub(crate) mod args;
mod boolean;
mod control;
mod date;
pub(crate) use date::old_dst_name;
mod date_ops;
mod date_read;
mod default_zone;
pub(crate) use default_zone::{ArgShape, DEFAULT_ZONE_READERS, uses_default_zone};
mod hash;
mod identifiers;
mod list;
mod money;
mod number;
mod numeral;
mod object;
mod pattern;
mod percent;
mod presence;
mod reference;
mod signature;
mod string;
mod text;
mod types;
pub(crate) mod unicode;
mod units;
mod unix_time;

pub(crate) use list::sort_keyed;
pub(crate) use pattern::{PATTERN_READERS, Patterns};
pub use reference::reference_markdown;
pub use signature::{Absent, Arity, Category, Example, Function, Param, Ty};
pub(crate) use signature::{Implementation, ListOp};

/// The "now" every example runs with (RFC 3339).
pub const EXAMPLE_NOW: &str = "2026-03-29T00:30:00Z";
/// The default time zone every example runs with.
pub const EXAMPLE_TIME_ZONE: &str = "Europe/Berlin";

/// Every built-in function, grouped by category.
pub static FUNCTIONS: &[&Function] = &[
    &string::CONCAT,
    &string::CONCAT_ALL,
    &string::JOIN,
    &string::TRIM,
    &string::TRIM_START,
    &string::TRIM_END,
    &string::LOWER,
    &string::UPPER,
    &string::TITLE,
    &string::REPLACE,
    &string::SPLIT,
    &string::SUBSTRING,
    &string::TRUNCATE,
    &string::PAD_START,
    &string::PAD_END,
    &string::LENGTH,
    &string::CONTAINS,
    &string::STARTS_WITH,
    &string::ENDS_WITH,
    &string::TO_STRING,
    &number::TO_NUMBER,
    &number::ABS,
    &number::ROUND,
    &number::DIVIDE,
    &number::MIN,
    &number::MAX,
    &money::CURRENCY_EXPONENT,
    &money::FROM_MINOR_UNITS,
    &money::TO_MINOR_UNITS,
    &money::ROUND_MONEY,
    &money::PARSE_NUMBER,
    &money::PARSE_MONEY,
    &money::PARSE_INTEGER,
    &percent::TO_PERCENT,
    &percent::FROM_PERCENT,
    &percent::TO_BASIS_POINTS,
    &percent::FROM_BASIS_POINTS,
    &percent::PERCENT_OF,
    &percent::FORMAT_DECIMAL,
    &date::PARSE_DATETIME,
    &date::PARSE_DATE,
    &date::NOW,
    &date::TODAY,
    &date::TO_ZONE,
    &unix_time::FROM_UNIX,
    &unix_time::TO_UNIX,
    &date_ops::FORMAT_DATETIME,
    &date_ops::ADD_DURATION,
    &date_ops::TRUNCATE_DATETIME,
    &date_ops::DIFF_DATETIME,
    &date_ops::DAYS_BETWEEN,
    &boolean::PARSE_BOOL,
    &boolean::FORMAT_BOOL,
    &units::CONVERT_UNIT,
    &identifiers::NORMALIZE_UUID,
    &identifiers::IS_UUID,
    &identifiers::NORMALIZE_EMAIL,
    &identifiers::IS_EMAIL,
    &identifiers::COUNTRY_ALPHA2,
    &identifiers::COUNTRY_ALPHA3,
    &identifiers::COUNTRY_NAME,
    &identifiers::CURRENCY_CODE,
    &identifiers::NORMALIZE_PHONE,
    &text::NORMALIZE_NFC,
    &text::NORMALIZE_NFD,
    &text::NORMALIZE_NFKC,
    &text::BYTE_LENGTH,
    &text::STRIP_CONTROL,
    &text::TO_ASCII,
    &text::STRIP_HTML,
    &text::ESCAPE_HTML,
    &text::TRUNCATE_BYTES,
    &pattern::MATCHES,
    &pattern::REGEX_REPLACE,
    &pattern::REGEX_EXTRACT,
    &pattern::CHECK_LENGTH,
    &pattern::CHECK_RANGE,
    &hash::SHA256_HEX,
    &hash::UUID_V5,
    &hash::BASE64_ENCODE,
    &hash::BASE64_DECODE,
    &list::COUNT,
    &list::FIRST,
    &list::LAST,
    &list::SUM,
    &list::FLATTEN,
    &list::COMPACT,
    &list::UNIQUE,
    &list::REVERSE,
    &list::SORT,
    &list::MAP,
    &list::FILTER,
    &list::ANY,
    &list::ALL,
    &list::FIND,
    &list::SORT_BY,
    &list::SUM_BY,
    &object::KEYS,
    &object::VALUES,
    &object::MERGE,
    &object::GET,
    &object::FROM_ENTRIES,
    &presence::COALESCE,
    &presence::EXISTS,
    &presence::IS_NULL,
    &presence::IS_BLANK,
    &presence::IS_EMPTY,
    &presence::NONEMPTY,
    &control::LOOKUP,
    &control::FAIL,
    &control::TYPE_OF,
    &types::IS_STRING,
    &types::IS_NUMBER,
    &types::IS_INTEGER,
    &types::IS_WHOLE,
    &types::IS_BOOLEAN,
    &types::IS_LIST,
    &types::IS_OBJECT,
    &types::ASSERT_TYPE,
];

/// The built-in called `name`.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().copied().find(|f| f.name == name)
}

/// A parameter taking exactly one value.
pub(crate) const fn one(name: &'static str, ty: Ty) -> Param {
    Param {
        name,
        ty,
        arity: Arity::One,
        setting: None,
    }
}

/// A parameter that may be left out.
pub(crate) const fn opt(name: &'static str, ty: Ty) -> Param {
    Param {
        name,
        ty,
        arity: Arity::Optional,
        setting: None,
    }
}

/// A last parameter taking any number of values.
pub(crate) const fn many(name: &'static str, ty: Ty) -> Param {
    Param {
        name,
        ty,
        arity: Arity::Variadic,
        setting: None,
    }
}

/// Declares a built-in whose implementation is a plain function.
macro_rules! builtin {
    ($category:ident, $name:ident, $fname:literal, $params:expr, $returns:expr, $absent:expr, $doc:literal, $examples:expr, $imp:expr) => {
        pub(crate) static $name: $crate::stdlib::Function = $crate::stdlib::Function {
            name: $fname,
            category: $crate::stdlib::Category::$category,
            params: $params,
            returns: $returns,
            absent: $absent,
            doc: $doc,
            examples: $examples,
            implementation: $crate::stdlib::Implementation::Plain($imp),
        };
    };
}
pub(crate) use builtin;
