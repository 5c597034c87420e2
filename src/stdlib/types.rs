//! Type tests and assertions on any value: `is_integer(x)` in a condition,
//! `x | assert_type("integer")` inside an expression. They share one
//! definition of each type with the `is TYPE` rule constraint
//! ([`TypeCheck::accepts`]), so the three can never disagree.

use super::args::{Args, FnError};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one};
use crate::diagnostics::Code;
use crate::program::TypeCheck;
use crate::value::Value;

fn test<'a>(args: &Args<'a>, ty: TypeCheck) -> Result<Value<'a>, FnError> {
    Ok(Value::Bool(ty.accepts(args.get(0))))
}

builtin!(
    Control,
    IS_STRING,
    "is_string",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value a string? Missing and null are not.",
    &[
        Example {
            call: r#"is_string("42")"#,
            result: "true"
        },
        Example {
            call: "is_string(42)",
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::String)
);

builtin!(
    Control,
    IS_NUMBER,
    "is_number",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value a number (any JSON number)? A string of digits is not.",
    &[
        Example {
            call: "is_number(1e3)",
            result: "true"
        },
        Example {
            call: r#"is_number("42")"#,
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::Number)
);

builtin!(
    Control,
    IS_INTEGER,
    "is_integer",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value a JSON integer as written: digits with an optional `-`, no fraction and no exponent (`2` is, `2.0` and `1e3` are not; a computed number counts as it would be written)? The test `parse_integer` applies to a number.",
    &[
        Example {
            call: "is_integer(-42)",
            result: "true"
        },
        Example {
            call: "is_integer(2.0)",
            result: "false"
        },
        Example {
            call: "is_integer(1e3)",
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::Integer)
);

builtin!(
    Control,
    IS_WHOLE,
    "is_whole",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value a whole number: a number with no fractional part, however written (`2`, `2.0`, `1e3` and `1.5e1` are; `2.5` is not)?",
    &[
        Example {
            call: "is_whole(2.0)",
            result: "true"
        },
        Example {
            call: "is_whole(1e3)",
            result: "true"
        },
        Example {
            call: "is_whole(2.5)",
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::Whole)
);

builtin!(
    Control,
    IS_BOOLEAN,
    "is_boolean",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value `true` or `false`? The string \"true\" is not (see `parse_bool`).",
    &[
        Example {
            call: "is_boolean(false)",
            result: "true"
        },
        Example {
            call: r#"is_boolean("true")"#,
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::Bool)
);

builtin!(
    Control,
    IS_LIST,
    "is_list",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value a list?",
    &[
        Example {
            call: "is_list([1])",
            result: "true"
        },
        Example {
            call: r#"is_list("a")"#,
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::List)
);

builtin!(
    Control,
    IS_OBJECT,
    "is_object",
    &[one("value", Ty::ANY)],
    Ty::BOOL,
    Absent::Accept,
    "Is the value an object? (Tells an expanded Stripe `customer` object from its id string.)",
    &[
        Example {
            call: r#"is_object({"id": "cus_1"})"#,
            result: "true"
        },
        Example {
            call: r#"is_object("cus_1")"#,
            result: "false"
        }
    ],
    |args| test(args, TypeCheck::Object)
);

builtin!(
    Control,
    ASSERT_TYPE,
    "assert_type",
    &[one("value", Ty::ANY), one("type", Ty::STRING)],
    Ty::ANY,
    Absent::Propagate,
    "The value, unchanged, if it has the type (string, number, integer, whole, boolean, list, object, date or datetime, each as for `is`); otherwise the record fails (E360) naming the value and the type. Missing and null go through, for the field's option to decide.",
    &[
        Example {
            call: r#"assert_type(12, "integer")"#,
            result: "12"
        },
        Example {
            call: r#"assert_type(12.5, "integer")"#,
            result: "error[E360]"
        },
        Example {
            call: r#"assert_type(.nope, "integer")"#,
            result: "(missing)"
        }
    ],
    |args| {
        let name = args.str(1)?;
        let Some(ty) = TypeCheck::named(name) else {
            return Err(args
                .error(1, Code::InvalidArgument, format!("unknown type `{name}`"))
                .with_help(format!("the types are {}", TypeCheck::names())));
        };
        if ty.accepts(args.get(0)) {
            return Ok(args.take(0));
        }
        let found = args.get(0);
        Err(args.error(
            0,
            Code::TypeAssertion,
            format!(
                "expected {}, found {} {}",
                ty.describe(),
                found.type_name(),
                found.describe()
            ),
        ))
    }
);
