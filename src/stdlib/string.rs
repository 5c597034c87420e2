//! Text functions. Lengths and positions count characters (Unicode scalar
//! values), so nothing ever splits a UTF-8 character.

use super::args::{Args, FnError};
use super::signature::{Absent, Example, Ty};
use super::{builtin, many, one, opt};
use crate::diagnostics::Code;
use crate::value::Value;

builtin!(
    String,
    CONCAT,
    "concat",
    &[many("parts", Ty::SCALAR)],
    Ty::STRING,
    Absent::Accept,
    "Joins strings, numbers and booleans with nothing between; missing and null parts are skipped, and if every part is, the result is missing (`concat_all` instead gives no value when any part has none).",
    &[
        Example {
            call: r#"concat("INV-", 1001)"#,
            result: r#""INV-1001""#
        },
        Example {
            call: r#"concat("a", null, "b")"#,
            result: r#""ab""#
        },
        Example {
            call: r#"concat(null, null)"#,
            result: "(missing)"
        },
    ],
    join_parts
);

/// `concat`'s joining, shared with `concat_all` (which never passes it a
/// missing or null part).
fn join_parts<'a>(args: &mut Args<'a>) -> Result<Value<'a>, FnError> {
    let mut out = String::new();
    let mut any = false;
    for i in 0..args.len() {
        match args.get(i) {
            Value::Missing | Value::Null => {}
            Value::String(s) => {
                out.push_str(s);
                any = true;
            }
            Value::Number(n) => {
                out.push_str(&n.text());
                any = true;
            }
            Value::Bool(b) => {
                out.push_str(if *b { "true" } else { "false" });
                any = true;
            }
            _ => return Err(args.type_error(i, "a string, number or boolean")),
        }
    }
    Ok(if any {
        Value::string(out)
    } else {
        Value::Missing
    })
}

builtin!(
    String,
    CONCAT_ALL,
    "concat_all",
    &[many("parts", Ty::SCALAR)],
    Ty::STRING,
    Absent::PropagateAny,
    "Joins strings, numbers and booleans like `concat`, but every part is needed: when any part is missing or null (or blank under `policy blank = missing`) the result is missing, so that `required` or `default` catches it instead of a half-built `\"SO-\"`.",
    &[
        Example {
            call: r#"concat_all("SO-", 1001)"#,
            result: r#""SO-1001""#
        },
        Example {
            call: r#"concat_all("SO-", .nope)"#,
            result: "(missing)"
        },
        Example {
            call: r#"concat_all("SO-", null)"#,
            result: "(missing)"
        },
    ],
    join_parts
);

builtin!(
    String,
    JOIN,
    "join",
    &[one("list", Ty::LIST), one("separator", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Joins the strings and numbers of a list with a separator; missing, null and empty-string elements are skipped, and if every element is, the result is missing.",
    &[
        Example {
            call: r#"join(["Main St 1", null, "", "Springfield"], ", ")"#,
            result: r#""Main St 1, Springfield""#
        },
        Example {
            call: r#"join([null, ""], ", ")"#,
            result: "(missing)"
        },
    ],
    |args| {
        let separator = args.str(1)?.to_string();
        let items = args.list(0)?;
        let mut parts: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Missing | Value::Null => {}
                Value::String(s) if s.is_empty() => {}
                Value::String(s) => parts.push(s.into_owned()),
                Value::Number(n) => parts.push(n.text().into_owned()),
                Value::Bool(b) => parts.push(b.to_string()),
                other => {
                    return Err(FnError::new(
                        Code::TypeMismatch,
                        format!(
                            "cannot join a {} element `{}`",
                            other.type_name(),
                            other.describe()
                        ),
                    ));
                }
            }
        }
        Ok(if parts.is_empty() {
            Value::Missing
        } else {
            Value::string(parts.join(&separator))
        })
    }
);

builtin!(
    String,
    TRIM,
    "trim",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Removes whitespace (Unicode) from both ends.",
    &[Example {
        call: r#"trim("  Ada  ")"#,
        result: r#""Ada""#
    }],
    |args| {
        let s = args.take_string(0)?;
        Ok(match s {
            std::borrow::Cow::Borrowed(b) => Value::String(std::borrow::Cow::Borrowed(b.trim())),
            std::borrow::Cow::Owned(o) => Value::string(o.trim()),
        })
    }
);

builtin!(
    String,
    TRIM_START,
    "trim_start",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Removes whitespace from the start.",
    &[Example {
        call: r#"trim_start("  Ada  ")"#,
        result: r#""Ada  ""#
    }],
    |args| Ok(Value::string(args.str(0)?.trim_start()))
);

builtin!(
    String,
    TRIM_END,
    "trim_end",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Removes whitespace from the end.",
    &[Example {
        call: r#"trim_end("  Ada  ")"#,
        result: r#""  Ada""#
    }],
    |args| Ok(Value::string(args.str(0)?.trim_end()))
);

builtin!(
    String,
    LOWER,
    "lower",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Lower-cases, with Unicode case rules (a final sigma becomes `ς`).",
    &[
        Example {
            call: r#"lower("ÅSA@Example.COM")"#,
            result: r#""åsa@example.com""#
        },
        Example {
            call: r#"lower("ΟΔΥΣΣΕΥΣ")"#,
            result: r#""οδυσσευς""#
        }
    ],
    |args| Ok(Value::string(args.str(0)?.to_lowercase()))
);

builtin!(
    String,
    UPPER,
    "upper",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Upper-cases, with Unicode case rules (`ß` becomes `SS`).",
    &[
        Example {
            call: r#"upper("usd")"#,
            result: r#""USD""#
        },
        Example {
            call: r#"upper("straße")"#,
            result: r#""STRASSE""#
        }
    ],
    |args| Ok(Value::string(args.str(0)?.to_uppercase()))
);

builtin!(
    String,
    TITLE,
    "title",
    &[one("text", Ty::STRING), opt("after", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Title case: the first letter of each word takes its Unicode titlecase form (`ǆ` → `ǅ`, `ß` → `Ss`) and the rest is lower-cased (a final sigma becomes `ς`). A word starts after whitespace and after each character of `after` (default `-.`; for names `-'’`, so `O'NEIL` is `O'Neil` and `st.` stays `St.`).",
    &[
        Example {
            call: r#"title("mary-jane O'NEIL")"#,
            result: r#""Mary-Jane O'neil""#
        },
        Example {
            call: r#"title("mary-jane O'NEIL", after: "-'’")"#,
            result: r#""Mary-Jane O'Neil""#
        },
        Example {
            call: r#"title("ǆemal ǉubović")"#,
            result: r#""ǅemal ǈubović""#
        },
        Example {
            call: r#"title("ßtrand")"#,
            result: r#""Sstrand""#
        }
    ],
    |args| {
        let after = args.opt_str(1)?.unwrap_or("-.");
        Ok(Value::string(super::unicode::title(args.str(0)?, after)))
    }
);

builtin!(
    String,
    REPLACE,
    "replace",
    &[
        one("text", Ty::STRING),
        one("from", Ty::STRING),
        one("to", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "Replaces every occurrence of `from` (plain text, not a pattern) with `to`.",
    &[Example {
        call: r#"replace("+1 (555) 010-9999", " ", "")"#,
        result: r#""+1(555)010-9999""#
    }],
    |args| {
        let from = args.str(1)?;
        if from.is_empty() {
            return Err(args.error(1, Code::InvalidArgument, "the text to replace is empty"));
        }
        Ok(Value::string(args.str(0)?.replace(from, args.str(2)?)))
    }
);

builtin!(
    String,
    SPLIT,
    "split",
    &[one("text", Ty::STRING), one("separator", Ty::STRING)],
    Ty::LIST,
    Absent::Propagate,
    "Splits text at every separator into a list of strings.",
    &[Example {
        call: r#"split("a,b,,c", ",")"#,
        result: r#"["a","b","","c"]"#
    }],
    |args| {
        let separator = args.str(1)?;
        if separator.is_empty() {
            return Err(args.error(1, Code::InvalidArgument, "the separator is empty"));
        }
        Ok(Value::List(
            args.str(0)?.split(separator).map(Value::string).collect(),
        ))
    }
);

builtin!(
    String,
    SUBSTRING,
    "substring",
    &[
        one("text", Ty::STRING),
        one("start", Ty::NUMBER),
        opt("length", Ty::NUMBER)
    ],
    Ty::STRING,
    Absent::Propagate,
    "The characters from `start` (0-based) on, at most `length` of them, counted as user-perceived characters (an emoji with a skin tone, a flag, `e` + a combining accent is one); past the end gives less, never an error.",
    &[
        Example {
            call: r#"substring("2026-11-23", 5, 2)"#,
            result: r#""11""#
        },
        Example {
            call: r#"substring("héllo", 1)"#,
            result: r#""éllo""#
        },
        Example {
            call: "substring(\"👍🏽 ok\", 0, 1)",
            result: "\"👍🏽\""
        }
    ],
    |args| {
        let start = args.count(1)?;
        let length = args.opt_count(2)?.unwrap_or(usize::MAX);
        let text = args.str(0)?;
        let from = super::unicode::offset_of(text, start);
        let rest = &text[from..];
        Ok(Value::string(
            &rest[..super::unicode::offset_of(rest, length)],
        ))
    }
);

builtin!(
    String,
    TRUNCATE,
    "truncate",
    &[
        one("text", Ty::STRING),
        one("max", Ty::NUMBER),
        opt("suffix", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "Cuts text to at most `max` user-perceived characters, never inside one (an emoji with a skin tone, a flag, `e` + a combining accent is one); when cut, `suffix` (counted in `max`) marks the cut.",
    &[
        Example {
            call: r#"truncate("Größenwahn", 5)"#,
            result: r#""Größe""#
        },
        Example {
            call: r#"truncate("A long company name", 10, "…")"#,
            result: r#""A long co…""#
        },
        Example {
            call: r#"truncate("short", 10, "…")"#,
            result: r#""short""#
        },
        Example {
            call: "truncate(\"Cafe\\u{301}s\", 4)",
            result: "\"Cafe\\u0301\""
        },
    ],
    |args| {
        let max = args.count(1)?;
        let suffix = args.opt_str(2)?.unwrap_or("");
        let text = args.str(0)?;
        if super::unicode::count(text) <= max {
            return Ok(Value::string(text));
        }
        let suffix_len = super::unicode::count(suffix);
        if suffix_len > max {
            return Err(args.error(
                2,
                Code::InvalidArgument,
                format!("the suffix is longer than {max} characters"),
            ));
        }
        let mut out = text[..super::unicode::offset_of(text, max - suffix_len)].to_string();
        out.push_str(suffix);
        Ok(Value::string(out))
    }
);

/// The widest `pad_start` and `pad_end` pad to, in characters (16 Mi): a
/// width read from a record must not allocate terabytes.
pub(crate) const MAX_PAD_WIDTH: usize = 1 << 24;

fn pad(args: &mut Args<'_>, at_start: bool) -> Result<String, FnError> {
    let width = args.count(1)?;
    if width > MAX_PAD_WIDTH {
        return Err(args.error(
            1,
            Code::SizeLimit,
            format!("the width {width} is more than the limit of {MAX_PAD_WIDTH} characters"),
        ));
    }
    let fill = args.opt_str(2)?.unwrap_or(" ");
    let mut fill_chars = fill.chars();
    let (Some(fill), None) = (fill_chars.next(), fill_chars.next()) else {
        return Err(args.error(
            2,
            Code::InvalidArgument,
            "the fill must be exactly one character",
        ));
    };
    let (text, number) = match args.get(0) {
        Value::Number(n) => (n.text().into_owned(), true),
        _ => (args.str(0)?.to_string(), false),
    };
    let missing = width.saturating_sub(super::unicode::count(&text));
    let padding: String = std::iter::repeat_n(fill, missing).collect();
    Ok(match text.strip_prefix('-') {
        // zeros go after a number's sign: -42 is -00042, not 000-42
        Some(digits) if at_start && number && fill.is_ascii_digit() => {
            format!("-{padding}{digits}")
        }
        _ if at_start => padding + &text,
        _ => text + &padding,
    })
}

builtin!(
    String,
    PAD_START,
    "pad_start",
    &[
        one("text", Ty::STRING.or(Ty::NUMBER)),
        one("width", Ty::NUMBER),
        opt("fill", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "Pads text (or a number's digits) at the start with `fill` (default a space) to `width` user-perceived characters; longer text is left as it is. A negative number padded with a digit keeps its sign first (`-00042`).",
    &[
        Example {
            call: r#"pad_start(42, 6, "0")"#,
            result: r#""000042""#
        },
        Example {
            call: r#"pad_start(-42, 6, "0")"#,
            result: r#""-00042""#
        },
        Example {
            call: "pad_start(-42, 6)",
            result: r#""   -42""#
        }
    ],
    |args| pad(args, true).map(Value::string)
);

builtin!(
    String,
    PAD_END,
    "pad_end",
    &[
        one("text", Ty::STRING.or(Ty::NUMBER)),
        one("width", Ty::NUMBER),
        opt("fill", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "Pads text at the end with `fill` (default a space) to `width` user-perceived characters.",
    &[Example {
        call: r#"pad_end("AB", 4, ".")"#,
        result: r#""AB..""#
    }],
    |args| pad(args, false).map(Value::string)
);

builtin!(
    String,
    STARTS_WITH,
    "starts_with",
    &[one("text", Ty::STRING), one("prefix", Ty::STRING)],
    Ty::BOOL,
    Absent::Propagate,
    "Does the text start with the prefix?",
    &[Example {
        call: r#"starts_with("cus_123", "cus_")"#,
        result: "true"
    }],
    |args| Ok(Value::Bool(args.str(0)?.starts_with(args.str(1)?)))
);

builtin!(
    String,
    ENDS_WITH,
    "ends_with",
    &[one("text", Ty::STRING), one("suffix", Ty::STRING)],
    Ty::BOOL,
    Absent::Propagate,
    "Does the text end with the suffix?",
    &[Example {
        call: r#"ends_with("report.csv", ".csv")"#,
        result: "true"
    }],
    |args| Ok(Value::Bool(args.str(0)?.ends_with(args.str(1)?)))
);

builtin!(
    String,
    TO_STRING,
    "to_string",
    &[one("value", Ty::ANY)],
    Ty::STRING,
    Absent::Propagate,
    "Text for a value: a string as it is, a number with its exact digits, `true`/`false`, a list or object as compact JSON.",
    &[
        Example {
            call: "to_string(12.50)",
            result: r#""12.50""#
        },
        Example {
            call: "to_string(true)",
            result: r#""true""#
        }
    ],
    |args| {
        Ok(match args.take(0) {
            Value::String(s) => Value::String(s),
            Value::Number(n) => Value::string(n.text().into_owned()),
            Value::Bool(b) => Value::string(b.to_string()),
            other => Value::string(other.into_json().map(|j| j.to_string()).unwrap_or_default()),
        })
    }
);

builtin!(
    String,
    LENGTH,
    "length",
    &[one("value", Ty::STRING.or(Ty::LIST))],
    Ty::NUMBER,
    Absent::Propagate,
    "The number of user-perceived characters in a string (an emoji with a skin tone, a flag, `e` + a combining accent each count 1), or of elements in a list.",
    &[
        Example {
            call: r#"length("Größe")"#,
            result: "5"
        },
        Example {
            call: "length(\"👍🏽🇩🇪e\\u{301}\")",
            result: "3"
        },
        Example {
            call: "length([1, 2])",
            result: "2"
        }
    ],
    |args| {
        let n = match args.get(0) {
            Value::String(s) => super::unicode::count(s),
            _ => args.list(0)?.len(),
        };
        Ok(crate::stdlib::args::number(n.into()))
    }
);

builtin!(
    String,
    CONTAINS,
    "contains",
    &[
        one("haystack", Ty::STRING.or(Ty::LIST)),
        one("needle", Ty::ANY)
    ],
    Ty::BOOL,
    Absent::Propagate,
    "Does the string contain the text, or the list the element?",
    &[
        Example {
            call: r#"contains("ACME Corp", "Corp")"#,
            result: "true"
        },
        Example {
            call: r#"contains(["a", "b"], "c")"#,
            result: "false"
        }
    ],
    |args| {
        if let Value::String(s) = args.get(0) {
            return Ok(Value::Bool(s.contains(args.str(1)?)));
        }
        let needle = args.take(1);
        Ok(Value::Bool(args.list(0)?.iter().any(|v| v.equals(&needle))))
    }
);
