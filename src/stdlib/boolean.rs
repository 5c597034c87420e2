//! Booleans from the spellings people and legacy systems use, and back to
//! the spelling a target wants.

use super::args::FnError;
use super::signature::{Absent, Example, Ty};
use super::{builtin, one};
use crate::diagnostics::Code;
use crate::value::Value;

/// The accepted spellings (compared trimmed and case-insensitively).
const TRUE_WORDS: &[&str] = &["true", "yes", "y", "on", "1"];
const FALSE_WORDS: &[&str] = &["false", "no", "n", "off", "0"];

builtin!(
    Boolean,
    PARSE_BOOL,
    "parse_bool",
    &[one("value", Ty::SCALAR)],
    Ty::BOOL,
    Absent::Propagate,
    "A boolean from true/false, yes/no, y/n, on/off, 1/0 (strings trimmed, any case; the numbers 1 and 0; booleans as they are); anything else, the empty string included, is an error (E314).",
    &[
        Example {
            call: r#"parse_bool(" Yes ")"#,
            result: "true"
        },
        Example {
            call: r#"parse_bool("N")"#,
            result: "false"
        },
        Example {
            call: r#"parse_bool("OFF")"#,
            result: "false"
        },
        Example {
            call: "parse_bool(1)",
            result: "true"
        },
        Example {
            call: r#"parse_bool("2")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"parse_bool("")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let word = match args.get(0) {
            Value::Bool(b) => return Ok(Value::Bool(*b)),
            Value::Number(n) => n.text().into_owned(),
            _ => args.str(0)?.trim().to_lowercase(),
        };
        if TRUE_WORDS.contains(&word.as_str()) {
            Ok(Value::Bool(true))
        } else if FALSE_WORDS.contains(&word.as_str()) {
            Ok(Value::Bool(false))
        } else {
            Err(args
                .error(
                    0,
                    Code::Unparseable,
                    format!("{} is not a boolean", args.get(0).describe()),
                )
                .with_help(format!(
                    "accepted (any case): {} for true; {} for false",
                    TRUE_WORDS.join(", "),
                    FALSE_WORDS.join(", ")
                )))
        }
    }
);

builtin!(
    Boolean,
    FORMAT_BOOL,
    "format_bool",
    &[
        one("value", Ty::BOOL),
        one("if_true", Ty::SCALAR),
        one("if_false", Ty::SCALAR)
    ],
    Ty::SCALAR,
    Absent::Propagate,
    "The spelling a target wants for a boolean: `if_true` or `if_false` (strings, numbers or booleans, returned as given).",
    &[
        Example {
            call: r#"format_bool(true, "Y", "N")"#,
            result: r#""Y""#
        },
        Example {
            call: "format_bool(false, 1, 0)",
            result: "0"
        },
        Example {
            call: r#"format_bool(parse_bool("yes"), "on", "off")"#,
            result: r#""on""#
        },
    ],
    |args| match args.get(0) {
        Value::Bool(true) => Ok(args.take(1)),
        Value::Bool(false) => Ok(args.take(2)),
        _ => Err::<Value<'_>, FnError>(args.type_error(0, "a boolean (read it with `parse_bool`)")),
    }
);
