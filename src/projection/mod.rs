//! Reading only what a mapping reads.
//!
//! A checked program knows every source path it can read. [`analyse`] turns
//! them into a [`Need`] tree at compile time; [`parse`] then reads a record's
//! JSON text into a [`Tree`] that holds only those paths (the
//! rest is skipped by the parser without building anything). Applying the
//! program to the projected record gives exactly what applying it to the
//! whole record gives: a value used as a whole (written to the output,
//! passed to a function, compared) is kept whole.

mod analysis;
mod parse;
mod scan;
mod tree;

use crate::json::{self, Value as Json};

pub(crate) use analysis::analyse;
pub(crate) use tree::Tree;

/// For the fuzz targets: do the scanner and serde_json give the same
/// verdict and the same projected value for `text`?
#[cfg(feature = "fuzzing")]
pub(crate) fn scanner_agrees(text: &str, need: &Need) -> Result<(), String> {
    match (scan::project(text, need), parse::parse(text, need)) {
        (Ok(tree), Ok(json)) if serde_spelling(tree.to_json()) == json => Ok(()),
        (Err(_), Err(_)) => Ok(()),
        // by design: mapc reads a number of any size as its text, where
        // serde_json without `arbitrary_precision` refuses one no `f64`
        // holds (`error_of` then names the record's real fault)
        (Ok(_), Err(serde)) if serde.to_string().starts_with("number out of range") => Ok(()),
        (fast, serde) => Err(format!(
            "the scanner gives {:?}, serde_json {serde:?}",
            fast.map(|tree| tree.to_json())
        )),
    }
}

/// `json` (the scanner's, numbers kept as written) with every number as
/// serde_json's own parse reads it, to compare the scanner with
/// [`parse::parse`]: an exponent re-spelled under `arbitrary_precision`,
/// otherwise an `f64` read by serde_json's float parser (which is not
/// always the nearest `f64`) unless the number is an integer. The scanner's
/// exact texts are tested on their own. A number serde_json cannot read
/// (`1e400` without `arbitrary_precision`) stays as it is, and then differs.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn serde_spelling(json: Json) -> Json {
    match json {
        Json::Number(n) => serde_json::from_str::<serde_json::Value>(n.as_str())
            .map_or(Json::Number(n), Json::from),
        Json::Array(items) => Json::Array(items.into_iter().map(serde_spelling).collect()),
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(key, value)| (key, serde_spelling(value)))
                .collect(),
        ),
        other => other,
    }
}

/// Parses one JSON text whole, its numbers as written, where an object
/// may give a key twice (its last value kept, as serde_json keeps it), for
/// a caller that reports repeated keys itself.
pub(crate) fn read_allowing_repeated_keys(text: &str) -> Result<Json, json::Error> {
    match scan::whole_allowing_repeats(text) {
        Ok(json) => Ok(json),
        Err(scan::Rejected) => Err(error_of(text, true)),
    }
}

/// Parses one JSON text, keeping only what `need` asks for. The fast
/// scanner reads every valid record; what it rejects is parsed again by
/// serde_json, which names the error and its position (one source of JSON
/// error messages).
pub(crate) fn read<'t>(text: &'t str, need: &Need) -> Result<Tree<'t>, json::Error> {
    match scan::project(text, need) {
        Ok(tree) => Ok(tree),
        Err(scan::Rejected) => Err(error_of(text, false)),
    }
}

/// What is wrong with a text the scanner rejected, as serde_json names it
/// (refusing a key twice unless `repeats_allowed`). The scanner accepts
/// exactly what serde_json accepts (a differential test holds it to that);
/// should the two ever disagree, the record is still refused, never read
/// differently.
///
/// One difference is by design: mapc reads a number of any size as its
/// text, where serde_json (without `arbitrary_precision`) refuses one an
/// `f64` cannot hold. Such a number is not what is wrong, so it is blanked
/// (`0` and spaces, every position kept) and the text asked again, a few
/// times at most, so that the real error (a key twice, a missing bracket)
/// is the one named, at its own line and column.
fn error_of(text: &str, repeats_allowed: bool) -> json::Error {
    const GIVE_UP_AFTER: usize = 16;
    let mut text = std::borrow::Cow::Borrowed(text);
    for _ in 0..GIVE_UP_AFTER {
        let named = if repeats_allowed {
            // serde_json's own value (not `IgnoredAny`, which skips nesting
            // without its depth limit): last value wins, as in the scanner
            serde_json::from_str::<serde_json::Value>(&text).err()
        } else {
            parse::parse(&text, &Need::All).err()
        };
        let Some(error) = named else { break };
        if !error.to_string().starts_with("number out of range") {
            return json::Error::from(error);
        }
        match blank_number_at(&text, error.line(), error.column()) {
            Some(blanked) => text = std::borrow::Cow::Owned(blanked),
            None => return json::Error::from(error),
        }
    }
    json::Error::syntax("JSON that mapc's parser cannot read", 1, 1)
}

/// `text` with the number at serde_json's `line` and `column` (1-based,
/// counted in bytes) replaced by `0` and spaces of the same length.
fn blank_number_at(text: &str, line: usize, column: usize) -> Option<String> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let bytes = text.as_bytes();
    let in_number = |b: u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
    // the column is inside the number or just past it
    let at = (line_start + column.max(1) - 1).min(bytes.len().checked_sub(1)?);
    let at = if in_number(bytes[at]) {
        at
    } else {
        at.checked_sub(1).filter(|&i| in_number(bytes[i]))?
    };
    let mut start = at;
    while start > 0 && in_number(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = at + 1;
    while end < bytes.len() && in_number(bytes[end]) {
        end += 1;
    }
    if !(bytes[start].is_ascii_digit() || bytes[start] == b'-') {
        return None;
    }
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..start]);
    blanked.push('0');
    blanked.extend(std::iter::repeat_n(' ', end - start - 1));
    blanked.push_str(&text[end..]);
    Some(blanked)
}

/// What of a JSON value the program needs. Arrays are transparent: the
/// need of an array is the need of each of its elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// The whole value.
    All,
    /// Only these keys of an object (and, below them, only what they need).
    /// An empty list keeps the value's shape (object, array, scalar) only.
    /// A list rather than a map: it is scanned for every key of a record,
    /// and a few keys are found fastest by comparison (most differ in
    /// length, which `==` on strings checks first).
    Fields(Vec<(Box<str>, Need)>),
}

impl Need {
    pub(crate) fn nothing() -> Need {
        Need::Fields(Vec::new())
    }

    /// The need of `key`, when this asks for fields and `key` is one.
    pub(crate) fn field<'n>(fields: &'n [(Box<str>, Need)], key: &str) -> Option<&'n Need> {
        fields
            .iter()
            .find(|(k, _)| k.as_ref() == key)
            .map(|(_, need)| need)
    }

    /// The need of `key`, added as nothing when it is not there yet.
    fn entry<'s>(fields: &'s mut Vec<(Box<str>, Need)>, key: &str) -> &'s mut Need {
        let at = match fields.iter().position(|(k, _)| k.as_ref() == key) {
            Some(at) => at,
            None => {
                fields.push((key.into(), Need::nothing()));
                fields.len() - 1
            }
        };
        &mut fields[at].1
    }

    /// Marks `path` (object keys from here) as needed, with `leaf` below it.
    pub(crate) fn add(&mut self, path: &[Box<str>], leaf: Need) {
        let Need::Fields(fields) = self else {
            return;
        };
        match path.split_first() {
            None => match leaf {
                Need::All => *self = Need::All,
                Need::Fields(more) => {
                    for (key, need) in more {
                        Need::entry(fields, &key).merge(need);
                    }
                }
            },
            Some((key, rest)) => Need::entry(fields, key).add(rest, leaf),
        }
    }

    fn merge(&mut self, other: Need) {
        match other {
            Need::All => *self = Need::All,
            Need::Fields(_) => self.add(&[], other),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Mapping;
    use crate::json::json;

    fn projected(mapping: &str, input: crate::json::Value) -> crate::json::Value {
        let mapping = Mapping::compile(mapping).expect("compiles");
        mapping.parse_record(&input.to_string()).expect("parses")
    }

    #[test]
    fn keeps_only_the_paths_read() {
        let input = json!({
            "x": {"y": {"deep": [1, 2]}, "z": 1},
            "customer": {"email": "a@b.c", "name": "A", "address": {"city": "X"}},
            "items": [{"sku": "A", "price": 1}, {"sku": "B", "price": 2}],
            "unused": {"big": [1, 2, 3]},
            "n": 12345678901234567890u64
        });
        let mapping =
            "a = .x.y\nlet c = .customer\nb = c.email\nl = for i in .items { s = i.sku }\nn = .n";
        assert_eq!(
            projected(mapping, input),
            json!({
                "x": {"y": {"deep": [1, 2]}},
                "customer": {"email": "a@b.c"},
                "items": [{"sku": "A"}, {"sku": "B"}],
                "n": 12345678901234567890u64
            })
        );
    }

    #[test]
    fn a_value_used_whole_is_kept_whole() {
        let input = json!({"customer": {"email": "a@b.c", "name": "A"}, "other": 1});
        // the variable is written to the output as a whole
        let mapping = "let c = .customer\ncustomer = c\nemail = c.email";
        assert_eq!(
            projected(mapping, input),
            json!({"customer": {"email": "a@b.c", "name": "A"}})
        );
    }

    #[test]
    fn def_parameters_learn_paths_from_every_call() {
        let input = json!({
            "billing": {"city": "B", "zip": "1", "extra": true},
            "shipping": {"city": "S", "zip": "2", "extra": true}
        });
        let mapping = "def address(a) { city = a.city }\nbilling = address(.billing)\nshipping = address(.shipping)";
        assert_eq!(
            projected(mapping, input),
            json!({"billing": {"city": "B"}, "shipping": {"city": "S"}})
        );
    }

    #[test]
    fn the_root_used_whole_keeps_everything() {
        let input = json!({"a": 1, "b": {"c": 2}});
        assert_eq!(projected("all = .", input.clone()), input);
        assert_eq!(projected("k = keys(.)", input.clone()), input);
    }

    #[test]
    fn invalid_json_is_still_an_error_where_it_is_skipped() {
        let mapping = Mapping::compile("a = .a").expect("compiles");
        assert!(
            mapping
                .parse_record(r#"{"a": 1, "skipped": [1, 2,]}"#)
                .is_err()
        );
        assert!(mapping.parse_record(r#"{"a": 1} trailing"#).is_err());
    }
}
