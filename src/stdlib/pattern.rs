//! Regular expressions (the `regex` crate: linear time in the input, no
//! backtracking, so no pattern can hang a record) and length and range
//! constraints that fail the record with the value and the limit.

use super::args::{Args, FnError};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::Code;
use crate::value::Value;
use regex::Regex;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

/// Patterns computed from the record are kept per thread, so one that
/// repeats is compiled once, not once per record.
const CACHE_LIMIT: usize = 256;
/// The largest compiled pattern accepted (bytes of automaton).
const SIZE_LIMIT: usize = 1 << 20;

thread_local! {
    static CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// The patterns a mapping writes as constants (`matches(.sku, "^A")`),
/// compiled once, when the mapping is checked, and kept in its program:
/// every record on every thread uses them as they are, however many there
/// are (a cache per thread thrashed above 256 patterns).
#[derive(Debug, Default)]
pub(crate) struct Patterns(HashMap<Box<str>, Regex>);

impl Patterns {
    /// Compiles a constant pattern and keeps it; an invalid one is left
    /// out (the checker reports it, with the built-in's own message).
    pub(crate) fn compile(&mut self, pattern: &str) {
        if self.0.contains_key(pattern) {
            return;
        }
        if let Ok(compiled) = build(pattern) {
            self.0.insert(pattern.into(), compiled);
        }
    }

    /// The compiled pattern, when it is one of the constants.
    pub(crate) fn get(&self, pattern: &str) -> Option<&Regex> {
        self.0.get(pattern)
    }
}

/// The built-ins whose second argument is a pattern.
pub(crate) const PATTERN_READERS: &[&str] = &["matches", "regex_replace", "regex_extract"];

#[cfg(test)]
thread_local! {
    /// How many patterns this thread has compiled (for the tests).
    static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    #[cfg(test)]
    BUILT.with(|built| built.set(built.get() + 1));
    regex::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
}

/// The regular expression in argument `i`: one of the program's constant
/// patterns, or compiled (and cached on this thread).
pub(crate) fn regex<'a>(args: &Args<'a>, i: usize) -> Result<Cow<'a, Regex>, FnError> {
    let pattern = args.str(i)?;
    if let Some(found) = args.patterns.get(pattern) {
        return Ok(Cow::Borrowed(found));
    }
    if let Some(found) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(Cow::Owned(found));
    }
    let compiled = build(pattern).map_err(|e| {
        let why = e.to_string();
        let last = why.lines().last().unwrap_or("").trim().to_string();
        args.error(
            i,
            Code::InvalidArgument,
            format!("invalid regular expression: {last}"),
        )
        .with_help(
            "the syntax is the `regex` crate's (RE2-like): no look-around, no backreferences",
        )
    })?;
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
    });
    Ok(Cow::Owned(compiled))
}

builtin!(
    Text,
    MATCHES,
    "matches",
    &[
        one("text", Ty::STRING),
        one("pattern", Ty::STRING).read_with(|a, i| regex(a, i).map(drop))
    ],
    Ty::BOOL,
    Absent::Propagate,
    "Whether a regular expression matches anywhere in the text (anchor it with `^...$` for the whole text); linear-time `regex` syntax.",
    &[
        Example {
            call: r#"matches("SKU-12345", "^SKU-[0-9]{5}$")"#,
            result: "true"
        },
        Example {
            call: r#"matches("sku-1", "(?i)^SKU-\\d+$")"#,
            result: "true"
        },
        Example {
            call: r#"matches("x", "(a")"#,
            result: "error[E217]"
        },
    ],
    |args| {
        let re = regex(args, 1)?;
        Ok(Value::Bool(re.is_match(args.str(0)?)))
    }
);

builtin!(
    Text,
    REGEX_REPLACE,
    "regex_replace",
    &[
        one("text", Ty::STRING),
        one("pattern", Ty::STRING).read_with(|a, i| regex(a, i).map(drop)),
        one("replacement", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "Replaces every match of a regular expression; `$1` or `${name}` in the replacement insert groups (`$$` is a dollar sign; `$1x` names a group `1x`, so write `${1}x`, and a constant replacement naming a group the pattern lacks is error E231).",
    &[Example {
        call: r#"regex_replace("+1 (415) 555-0100", "[^0-9+]", "")"#,
        result: r#""+14155550100""#
    }],
    |args| {
        let re = regex(args, 1)?;
        let out = re.replace_all(args.str(0)?, args.str(2)?).into_owned();
        Ok(Value::string(out))
    }
);

builtin!(
    Text,
    REGEX_EXTRACT,
    "regex_extract",
    &[
        one("text", Ty::STRING),
        one("pattern", Ty::STRING).read_with(|a, i| regex(a, i).map(drop)),
        opt("group", Ty::NUMBER.or(Ty::STRING))
    ],
    Ty::STRING,
    Absent::Propagate,
    "The first match of a regular expression, or of its group (by number or name); missing when nothing matches or the group took no part.",
    &[
        Example {
            call: r##"regex_extract("Order #A-1042 shipped", "#([A-Z]-\\d+)", 1)"##,
            result: r#""A-1042""#
        },
        Example {
            call: r##"regex_extract("no order", "#(\\d+)")"##,
            result: "(missing)"
        },
    ],
    |args| {
        let re = regex(args, 1)?;
        let text = args.str(0)?;
        let Some(captures) = re.captures(text) else {
            return Ok(Value::Missing);
        };
        let found = match args.get(2) {
            Value::Missing | Value::Null => captures.get(0),
            Value::String(name) => {
                if !re.capture_names().any(|n| n == Some(name.as_ref())) {
                    return Err(args.error(
                        2,
                        Code::InvalidArgument,
                        format!("the pattern has no group `{name}`"),
                    ));
                }
                captures.name(name)
            }
            _ => {
                let group = args.count(2)?;
                if group >= re.captures_len() {
                    return Err(args.error(
                        2,
                        Code::InvalidArgument,
                        format!("the pattern has {} groups", re.captures_len() - 1),
                    ));
                }
                captures.get(group)
            }
        };
        Ok(found.map_or(Value::Missing, |m| Value::string(m.as_str())))
    }
);

builtin!(
    Text,
    CHECK_LENGTH,
    "check_length",
    &[
        one("value", Ty::STRING.or(Ty::LIST)),
        one("min", Ty::NUMBER),
        one("max", Ty::NUMBER)
    ],
    Ty::STRING.or(Ty::LIST),
    Absent::Propagate,
    "The value unchanged when its length (user-perceived characters of a string, as `length` counts them; elements of a list) is from `min` to `max`; otherwise the record fails with E321 naming the length and the limits.",
    &[
        Example {
            call: r#"check_length("DE", 2, 2)"#,
            result: r#""DE""#
        },
        Example {
            call: r#"check_length("Größe", 1, 4)"#,
            result: "error[E321]"
        },
    ],
    |args| {
        let (min, max) = (args.count(1)?, args.count(2)?);
        let length = match args.get(0) {
            Value::String(s) => super::unicode::count(s),
            _ => {
                let items = args.list(0)?;
                let n = items.len();
                args.values[0] = Value::List(items);
                n
            }
        };
        if (min..=max).contains(&length) {
            Ok(args.take(0))
        } else {
            Err(args.error(
                0,
                Code::Constraint,
                format!("length {length} is outside {min} to {max}"),
            ))
        }
    }
);

builtin!(
    Text,
    CHECK_RANGE,
    "check_range",
    &[
        one("number", Ty::NUMBER),
        opt("min", Ty::NUMBER),
        opt("max", Ty::NUMBER)
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "The number unchanged when it is from `min` to `max` (inclusive; either may be null for no limit); otherwise the record fails with E321 naming the value and the limits.",
    &[
        Example {
            call: "check_range(42, 0, 100)",
            result: "42"
        },
        Example {
            call: "check_range(-0.01, 0)",
            result: "error[E321]"
        },
    ],
    |args| {
        let value = args.decimal(0)?;
        let bound = |i: usize| match args.get(i) {
            Value::Missing | Value::Null => Ok(None),
            _ => args.decimal(i).map(Some),
        };
        let (min, max) = (bound(1)?, bound(2)?);
        let below = min.is_some_and(|m| value < m);
        let above = max.is_some_and(|m| value > m);
        if below || above {
            let limit = match (min, max) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => String::new(),
            };
            return Err(args.error(
                0,
                Code::Constraint,
                format!("{value} is outside the range {limit}"),
            ));
        }
        Ok(args.take(0))
    }
);

#[cfg(test)]
mod tests {
    use super::BUILT;
    use crate::json::json;
    use crate::{Env, Mapping};

    fn built() -> usize {
        BUILT.with(std::cell::Cell::get)
    }

    /// Issue 10: each constant pattern is compiled once, when the mapping
    /// is checked (the check of its syntax, E217, and of a replacement's
    /// groups, E231, included), and never again per record.
    #[test]
    fn a_constant_pattern_is_compiled_once_when_checked() {
        let text: String = (0..300)
            .map(|i| {
                format!(
                    "m{i} = matches(.s, \"^a{i}$\")\nr{i} = regex_replace(.s, \"^(a){i}$\", \"<$1>\")\n"
                )
            })
            .collect();
        let start = built();
        let mapping = Mapping::compile(&text).expect("compiles");
        assert_eq!(built() - start, 600, "each pattern once");
        let env = Env::default();
        let bound = mapping.bind(&env).expect("binds");
        for k in 0..3 {
            let out = bound.apply(&json!({"s": format!("a{k}")})).expect("maps");
            assert_eq!(out[format!("m{k}")], json!(true));
            assert_eq!(out[format!("r{k}")], json!("<a>"));
            assert_eq!(out["m299"], json!(false));
        }
        assert_eq!(built() - start, 600, "none again per record");
    }

    /// A pattern read from the record is compiled when first used and
    /// cached on the thread; an invalid constant one is still E217.
    #[test]
    fn a_computed_pattern_is_compiled_when_used() {
        let mapping = Mapping::compile("m = matches(.s, .p)").expect("compiles");
        let env = Env::default();
        let bound = mapping.bind(&env).expect("binds");
        let start = built();
        for _ in 0..3 {
            let out = bound.apply(&json!({"s": "ab", "p": "^a"})).expect("maps");
            assert_eq!(out["m"], json!(true));
        }
        assert_eq!(built() - start, 1);
        let error = Mapping::compile("m = matches(.s, \"(a\")").expect_err("E217");
        assert!(error.to_string().contains("error[E217]"), "{error}");
    }
}
