//! Lookup tables, types and control.

use super::args::FnError;
use super::signature::{Absent, Category, Example, Function, Implementation, Ty};
use super::{builtin, one};
use crate::diagnostics::Code;
use crate::value::Value;

pub(crate) static LOOKUP: Function = Function {
    name: "lookup",
    category: Category::Lookup,
    params: &[one("value", Ty::SCALAR), one("table", Ty::TABLE)],
    returns: Ty::ANY,
    absent: Absent::Propagate,
    doc: "The table's value for the key; the table's `_` fallback when the key is not there, and an error naming the value and the known keys when there is no fallback.",
    examples: &[Example {
        call: r#"lookup("paid", example_status)"#,
        result: r#""PAID""#,
    }],
    implementation: Implementation::Lookup,
};

builtin!(
    Control,
    FAIL,
    "fail",
    &[one("message", Ty::STRING)],
    Ty::ANY,
    Absent::Accept,
    "Rejects the record with this message (error E310), as in `_ => fail(\"unknown plan\")`.",
    &[Example {
        call: r#"fail("unknown plan")"#,
        result: "error[E310]"
    }],
    |args| {
        let message = match args.get(0) {
            Value::String(s) => s.to_string(),
            other => other.describe(),
        };
        Err(FnError::new(Code::Fail, message))
    }
);

builtin!(
    Control,
    TYPE_OF,
    "type_of",
    &[one("value", Ty::ANY)],
    Ty::STRING,
    Absent::Accept,
    "The value's type: `string`, `number`, `boolean`, `null`, `list`, `object` or `missing`.",
    &[
        Example {
            call: "type_of(1.5)",
            result: r#""number""#
        },
        Example {
            call: "type_of(.nope)",
            result: r#""missing""#
        }
    ],
    |args| Ok(Value::String(std::borrow::Cow::Borrowed(
        args.get(0).type_name()
    )))
);
