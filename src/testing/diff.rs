//! A structural diff of two JSON values, field by field, each difference
//! named by its JSON path (`$.lines[1].total`).
//!
//! Numbers compare by their exact text: `12.50` and `12.5` differ, because
//! the receiving system may well care (a fixed number of decimals for an
//! amount). Object keys compare as sets: their order is not a difference.

use crate::json::Value as Json;
use std::fmt;

/// One step of a JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object key.
    Key(String),
    /// A list index.
    Index(usize),
    /// Any list index (`[*]`), in an ignore pattern only.
    Any,
}

/// A JSON path: `$`, then steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonPath(pub Vec<Step>);

impl JsonPath {
    fn child(&self, step: Step) -> JsonPath {
        let mut steps = self.0.clone();
        steps.push(step);
        JsonPath(steps)
    }

    /// Parses `$.a.b[1]`, `$.lines[*].id`, `$["Lead Source"]`.
    ///
    /// # Errors
    /// Text that is not such a path, with the reason.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let rest = text
            .strip_prefix('$')
            .ok_or_else(|| format!("`{text}` does not start with `$`"))?;
        let mut steps = Vec::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '.' => {
                    let mut key = String::new();
                    while let Some(&c) = chars.peek() {
                        if c == '.' || c == '[' {
                            break;
                        }
                        key.push(c);
                        chars.next();
                    }
                    if key.is_empty() {
                        return Err(format!("`{text}` has an empty key"));
                    }
                    steps.push(Step::Key(key));
                }
                '[' => {
                    let mut inner = String::new();
                    let mut quoted = false;
                    loop {
                        match chars.next() {
                            None => return Err(format!("`{text}` has an unclosed `[`")),
                            Some('"') => {
                                quoted = !quoted;
                                inner.push('"');
                            }
                            Some('\\') if quoted => {
                                inner.push('\\');
                                inner.extend(chars.next());
                            }
                            Some(']') if !quoted => break,
                            Some(c) => inner.push(c),
                        }
                    }
                    let step = if inner == "*" {
                        Step::Any
                    } else if inner.starts_with('"') {
                        let key: String = serde_json::from_str(&inner)
                            .map_err(|_| format!("`{text}` has a bad quoted key"))?;
                        Step::Key(key)
                    } else {
                        Step::Index(
                            inner
                                .parse()
                                .map_err(|_| format!("`{text}` has a bad index `{inner}`"))?,
                        )
                    };
                    steps.push(step);
                }
                _ => return Err(format!("`{text}`: expected `.` or `[` before `{c}`")),
            }
        }
        Ok(JsonPath(steps))
    }

    /// Does this pattern (which may hold `[*]`) cover `path`: is `path` the
    /// pattern's path or inside it?
    pub fn covers(&self, path: &JsonPath) -> bool {
        self.0.len() <= path.0.len()
            && self.0.iter().zip(&path.0).all(|(p, s)| match (p, s) {
                (Step::Any, Step::Index(_)) => true,
                (p, s) => p == s,
            })
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.0 {
            match step {
                Step::Key(key) if is_plain(key) => write!(f, ".{key}")?,
                Step::Key(key) => write!(f, "[{}]", Json::String(key.clone()))?,
                Step::Index(i) => write!(f, "[{i}]")?,
                Step::Any => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

/// `12.50` and `12.5`: equal as numbers, different as text.
fn same_number(a: &str, b: &str) -> bool {
    use std::str::FromStr;
    let number = |t: &str| {
        rust_decimal::Decimal::from_str(t).or_else(|_| rust_decimal::Decimal::from_scientific(t))
    };
    matches!((number(a), number(b)), (Ok(x), Ok(y)) if x == y)
}

fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// One difference between the expected and the actual value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// Where.
    pub path: JsonPath,
    /// The expected value as compact JSON, `None` when the field should
    /// not be there.
    pub expected: Option<String>,
    /// The actual value as compact JSON, `None` when the field is not there.
    pub actual: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "nothing".to_string());
        write!(
            f,
            "{}: expected {}, got {}",
            self.path,
            show(&self.expected),
            show(&self.actual)
        )?;
        if let (Some(e), Some(a)) = (&self.expected, &self.actual)
            && same_number(e, a)
        {
            f.write_str(" (the same number written differently: numbers compare by their text)")?;
        }
        Ok(())
    }
}

/// Every difference between `expected` and `actual`, in the expected
/// value's order, except those under a path that `ignore` covers.
pub fn diff(expected: &Json, actual: &Json, ignore: &[JsonPath]) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(
        &JsonPath::default(),
        Some(expected),
        Some(actual),
        ignore,
        &mut out,
    );
    out
}

fn compact(value: &Json) -> String {
    crate::json::to_string(value).unwrap_or_else(|_| value.to_string())
}

fn walk(
    path: &JsonPath,
    expected: Option<&Json>,
    actual: Option<&Json>,
    ignore: &[JsonPath],
    out: &mut Vec<Difference>,
) {
    if ignore.iter().any(|p| p.covers(path)) {
        return;
    }
    match (expected, actual) {
        (Some(Json::Object(e)), Some(Json::Object(a))) => {
            for (key, value) in e {
                walk(
                    &path.child(Step::Key(key.clone())),
                    Some(value),
                    a.get(key),
                    ignore,
                    out,
                );
            }
            for (key, value) in a {
                if !e.contains_key(key) {
                    walk(
                        &path.child(Step::Key(key.clone())),
                        None,
                        Some(value),
                        ignore,
                        out,
                    );
                }
            }
        }
        (Some(Json::Array(e)), Some(Json::Array(a))) => {
            for i in 0..e.len().max(a.len()) {
                walk(&path.child(Step::Index(i)), e.get(i), a.get(i), ignore, out);
            }
        }
        // with `arbitrary_precision`, a number's text is kept: compare it
        (Some(e), Some(a)) if compact(e) == compact(a) => {}
        (None, None) => {}
        (e, a) => out.push(Difference {
            path: path.clone(),
            expected: e.map(compact),
            actual: a.map(compact),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    fn shown(e: &Json, a: &Json, ignore: &[&str]) -> Vec<String> {
        let ignore: Vec<JsonPath> = ignore.iter().map(|p| JsonPath::parse(p).unwrap()).collect();
        diff(e, a, &ignore)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn numbers_compare_by_their_text() {
        let e: Json =
            crate::json::from_str(r#"{"lines": [{"total": 1}, {"total": 12.50}]}"#).unwrap();
        let a: Json =
            crate::json::from_str(r#"{"lines": [{"total": 1}, {"total": 12.5}]}"#).unwrap();
        assert_eq!(
            shown(&e, &a, &[]),
            [
                "$.lines[1].total: expected 12.50, got 12.5 (the same number written differently: \
              numbers compare by their text)"
            ]
        );
    }

    #[test]
    fn missing_extra_and_ignored_fields() {
        let e = json!({"a": 1, "b": {"c": "x"}, "at": "2026"});
        let a = json!({"b": {"c": "y", "Lead Source": null}, "at": "2027"});
        assert_eq!(
            shown(&e, &a, &["$.at"]),
            [
                "$.a: expected 1, got nothing",
                "$.b.c: expected \"x\", got \"y\"",
                "$.b[\"Lead Source\"]: expected nothing, got null",
            ]
        );
    }

    #[test]
    fn paths_parse_and_cover() {
        let p = JsonPath::parse("$.lines[*].id").unwrap();
        assert!(p.covers(&JsonPath::parse("$.lines[3].id").unwrap()));
        assert!(!p.covers(&JsonPath::parse("$.lines[3].sku").unwrap()));
        assert_eq!(
            JsonPath::parse("$[\"a b\"][2]").unwrap().to_string(),
            "$[\"a b\"][2]"
        );
        assert!(JsonPath::parse("lines").is_err());
        assert!(JsonPath::parse("$.a[x]").is_err());
    }
}
