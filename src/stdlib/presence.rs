//! Missing, null and empty: three different things, and the functions that
//! tell them apart.

use super::signature::{Absent, Example, Ty};
use super::{builtin, many, one};
use crate::value::Value;

builtin!(
    Presence,
    COALESCE,
    "coalesce",
    &[many("values", Ty::ANY)],
    Ty::ANY,
    Absent::Accept,
    "The first value that is neither missing nor null (`a ?? b` is the same as `coalesce(a, b)`).",
    &[Example {
        call: r#"coalesce(null, "", "x")"#,
        result: r#""""#
    }],
    |args| {
        for i in 0..args.len() {
            if !matches!(args.get(i), Value::Missing | Value::Null) {
                return Ok(args.take(i));
            }
        }
        Ok(Value::Missing)
    }
);

builtin!(
    Presence,
    EXISTS,
    "exists",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value present in the input? `null` exists; a missing path does not.",
    &[
        Example {
            call: "exists(null)",
            result: "true"
        },
        Example {
            call: "exists(.nope)",
            result: "false"
        }
    ],
    |args| Ok(Value::Bool(!args.get(0).is_missing()))
);

builtin!(
    Presence,
    IS_NULL,
    "is_null",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value JSON `null`? (Missing is not null.)",
    &[
        Example {
            call: "is_null(null)",
            result: "true"
        },
        Example {
            call: "is_null(.nope)",
            result: "false"
        }
    ],
    |args| Ok(Value::Bool(args.get(0).is_null()))
);

builtin!(
    Presence,
    IS_BLANK,
    "is_blank",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value missing, null, or a string of only whitespace?",
    &[
        Example {
            call: r#"is_blank("  ")"#,
            result: "true"
        },
        Example {
            call: r#"is_blank("a")"#,
            result: "false"
        }
    ],
    |args| {
        let v = args.get(0);
        Ok(Value::Bool(v.is_missing() || v.is_null() || v.is_blank()))
    }
);

builtin!(
    Presence,
    IS_EMPTY,
    "is_empty",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value missing, null, a blank string, an empty list or an empty object?",
    &[
        Example {
            call: "is_empty([])",
            result: "true"
        },
        Example {
            call: "is_empty(0)",
            result: "false"
        }
    ],
    |args| Ok(Value::Bool(args.get(0).is_empty()))
);

builtin!(
    Presence,
    NONEMPTY,
    "nonempty",
    &[one("value", Ty::ANY)],
    Ty::ANY,
    Absent::Accept,
    "The value, or missing when it is empty (null, a blank string, an empty list or object), so that the field's missing policy applies.",
    &[
        Example {
            call: r#"nonempty("  ")"#,
            result: "(missing)"
        },
        Example {
            call: r#"nonempty("a")"#,
            result: r#""a""#
        }
    ],
    |args| Ok(if args.get(0).is_empty() {
        Value::Missing
    } else {
        args.take(0)
    })
);
