//! List functions. Those that take a lambda (`map`, `filter`, ...) are run by
//! the evaluator; their entries here give the signature, doc and examples.

use super::args::{FnError, number};
use super::signature::{Absent, Category, Example, Function, Implementation, ListOp, Ty};
use super::{builtin, one};
use crate::diagnostics::Code;
use crate::value::Value;
use rust_decimal::Decimal;

builtin!(
    List,
    COUNT,
    "count",
    &[one("list", Ty::LIST)],
    Ty::NUMBER,
    Absent::Propagate,
    "The number of elements.",
    &[Example {
        call: "count([1, 2, 3])",
        result: "3"
    }],
    |args| Ok(number(Decimal::from(args.list(0)?.len())))
);

builtin!(
    List,
    FIRST,
    "first",
    &[one("list", Ty::LIST)],
    Ty::ANY,
    Absent::Propagate,
    "The first element; missing when the list is empty.",
    &[
        Example {
            call: r#"first(["a", "b"])"#,
            result: r#""a""#
        },
        Example {
            call: "first([])",
            result: "(missing)"
        }
    ],
    |args| Ok(args.list(0)?.into_iter().next().unwrap_or_default())
);

builtin!(
    List,
    LAST,
    "last",
    &[one("list", Ty::LIST)],
    Ty::ANY,
    Absent::Propagate,
    "The last element; missing when the list is empty.",
    &[Example {
        call: r#"last(["a", "b"])"#,
        result: r#""b""#
    }],
    |args| Ok(args.list(0)?.pop().unwrap_or_default())
);

builtin!(
    List,
    SUM,
    "sum",
    &[one("list", Ty::LIST)],
    Ty::NUMBER,
    Absent::Propagate,
    "The exact sum of the numbers in a list; missing and null elements are skipped, overflow is an error.",
    &[
        Example {
            call: "sum([0.1, 0.2, null])",
            result: "0.3"
        },
        Example {
            call: "sum([])",
            result: "0"
        }
    ],
    |args| {
        let mut total = Decimal::ZERO;
        for item in args.list(0)? {
            match item {
                Value::Missing | Value::Null => {}
                Value::Number(n) => {
                    let d = n.to_decimal().ok_or_else(|| {
                        FnError::new(
                            Code::NumberRange,
                            format!(
                                "number `{}` has more digits than exact arithmetic allows (28)",
                                n.text()
                            ),
                        )
                    })?;
                    total = crate::value::number::exact_add(total, d).ok_or_else(|| {
                        FnError::new(
                            Code::Overflow,
                            "the sum overflows exact arithmetic (28 digits)",
                        )
                    })?;
                }
                other => {
                    return Err(FnError::new(
                        Code::TypeMismatch,
                        format!(
                            "cannot sum a {} element `{}`",
                            other.type_name(),
                            other.describe()
                        ),
                    ));
                }
            }
        }
        Ok(number(total))
    }
);

builtin!(
    List,
    FLATTEN,
    "flatten",
    &[one("list", Ty::LIST)],
    Ty::LIST,
    Absent::Propagate,
    "Splices the elements of nested lists into one list (one level).",
    &[Example {
        call: "flatten([[1, 2], 3, [[4]]])",
        result: "[1,2,3,[4]]"
    }],
    |args| {
        let mut out = Vec::new();
        for item in args.list(0)? {
            match item.into_elements() {
                Ok(inner) => out.extend(inner),
                Err(scalar) => out.push(scalar),
            }
        }
        Ok(Value::List(out))
    }
);

builtin!(
    List,
    COMPACT,
    "compact",
    &[one("list", Ty::LIST)],
    Ty::LIST,
    Absent::Propagate,
    "The list without its missing, null and blank-string elements.",
    &[Example {
        call: r#"compact(["a", null, " ", "b"])"#,
        result: r#"["a","b"]"#
    }],
    |args| Ok(Value::List(
        args.list(0)?
            .into_iter()
            .filter(|v| !(v.is_missing() || v.is_null() || v.is_blank()))
            .collect()
    ))
);

builtin!(
    List,
    UNIQUE,
    "unique",
    &[one("list", Ty::LIST)],
    Ty::LIST,
    Absent::Propagate,
    "The list without repeated elements, first occurrences kept in order.",
    &[Example {
        call: r#"unique(["b", "a", "b"])"#,
        result: r#"["b","a"]"#
    }],
    |args| {
        // a hash of each element's equality key: linear, not a comparison
        // of every element with every one kept (20,000 numbers took 12 s)
        let mut out: Vec<Value<'_>> = Vec::new();
        let mut seen: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for item in args.list(0)? {
            let mut key = String::new();
            item.equality_key(&mut key);
            let kept = seen.entry(key).or_default();
            if !kept.iter().any(|&i| out[i].equals(&item)) {
                kept.push(out.len());
                out.push(item);
            }
        }
        Ok(Value::List(out))
    }
);

builtin!(
    List,
    REVERSE,
    "reverse",
    &[one("list", Ty::LIST)],
    Ty::LIST,
    Absent::Propagate,
    "The list in reverse order.",
    &[Example {
        call: "reverse([1, 2, 3])",
        result: "[3,2,1]"
    }],
    |args| {
        let mut items = args.list(0)?;
        items.reverse();
        Ok(Value::List(items))
    }
);

builtin!(
    List,
    SORT,
    "sort",
    &[one("list", Ty::LIST)],
    Ty::LIST,
    Absent::Propagate,
    "Sorts numbers (by value) or strings (by code point); mixed lists are an error.",
    &[Example {
        call: "sort([10, 9.5, 2])",
        result: "[2,9.5,10]"
    }],
    |args| sort_values(args.list(0)?).map(Value::List)
);

/// Sorts values that are all numbers or all strings; stable.
pub(crate) fn sort_values(items: Vec<Value<'_>>) -> Result<Vec<Value<'_>>, FnError> {
    let mut keyed: Vec<(Value<'_>, Value<'_>)> =
        items.into_iter().map(|v| (v.clone(), v)).collect();
    sort_keyed(&mut keyed)?;
    Ok(keyed.into_iter().map(|(_, v)| v).collect())
}

/// Sorts `(key, value)` pairs by key; keys must be all numbers or all strings.
pub(crate) fn sort_keyed(items: &mut [(Value<'_>, Value<'_>)]) -> Result<(), FnError> {
    for window in items.windows(2) {
        if window[0].0.compare(&window[1].0).is_none() {
            // a number a decimal cannot hold is out of range, not unorderable
            for (key, _) in window {
                if let Value::Number(n) = key
                    && n.to_decimal().is_none()
                {
                    return Err(FnError::new(
                        Code::NumberRange,
                        format!(
                            "number `{}` has more digits than exact arithmetic allows (28)",
                            n.text()
                        ),
                    ));
                }
            }
            return Err(FnError::new(
                Code::TypeMismatch,
                format!(
                    "cannot order {} `{}` and {} `{}`",
                    window[0].0.type_name(),
                    window[0].0.describe(),
                    window[1].0.type_name(),
                    window[1].0.describe()
                ),
            ));
        }
    }
    items.sort_by(|a, b| a.0.compare(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    Ok(())
}

macro_rules! list_op {
    ($name:ident, $fname:literal, $op:expr, $returns:expr, $doc:literal, $examples:expr) => {
        pub(crate) static $name: Function = Function {
            name: $fname,
            category: Category::List,
            params: &[one("list", Ty::LIST), one("function", Ty::LAMBDA)],
            returns: $returns,
            absent: Absent::Propagate,
            doc: $doc,
            examples: $examples,
            implementation: Implementation::List($op),
        };
    };
}

list_op!(
    MAP,
    "map",
    ListOp::Map,
    Ty::LIST,
    "Applies the function to each element; elements for which it gives missing are left out.",
    &[Example {
        call: "map([1, 2], x => x * 10)",
        result: "[10,20]"
    }]
);
list_op!(
    FILTER,
    "filter",
    ListOp::Filter,
    Ty::LIST,
    "The elements for which the condition is true.",
    &[Example {
        call: "filter([1, 5, 10], x => x > 2)",
        result: "[5,10]"
    }]
);
list_op!(
    ANY,
    "any",
    ListOp::Any,
    Ty::BOOL,
    "Is the condition true for at least one element?",
    &[Example {
        call: r#"any(["a", "b"], x => x == "b")"#,
        result: "true"
    }]
);
list_op!(
    ALL,
    "all",
    ListOp::All,
    Ty::BOOL,
    "Is the condition true for every element (and so for an empty list)?",
    &[Example {
        call: "all([1, 2], x => x > 1)",
        result: "false"
    }]
);
list_op!(
    FIND,
    "find",
    ListOp::Find,
    Ty::ANY,
    "The first element for which the condition is true; missing if none.",
    &[Example {
        call: r#"find([{"t": "home"}, {"t": "work"}], x => x.t == "work")"#,
        result: r#"{"t":"work"}"#
    }]
);
list_op!(
    SORT_BY,
    "sort_by",
    ListOp::SortBy,
    Ty::LIST,
    "Sorts by the key the function gives (all numbers or all strings); stable.",
    &[Example {
        call: r#"sort_by([{"n": 2}, {"n": 1}], x => x.n)"#,
        result: r#"[{"n":1},{"n":2}]"#
    }]
);
list_op!(
    SUM_BY,
    "sum_by",
    ListOp::SumBy,
    Ty::NUMBER,
    "The exact sum of the numbers the function gives for each element; missing and null are skipped.",
    &[Example {
        call: r#"sum_by([{"qty": 2, "price": 1.25}, {"qty": 1, "price": 0.5}], x => x.qty * x.price)"#,
        result: "3.00"
    }]
);
