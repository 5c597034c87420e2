//! The fast projected parse: one pass over a record's JSON text that builds
//! a [`Tree`] of only what a [`Need`] asks for, and checks the rest for
//! syntax without building it.
//!
//! It accepts exactly the texts serde_json accepts (a differential test
//! holds it to that), and keeps every number's text as written, which
//! serde_json does not (it re-spells an exponent). It never explains a
//! rejection: the caller then parses the text with serde_json, which names
//! the problem and its column, so there is one source of JSON error
//! messages.

use super::Need;
use super::tree::Tree;
use crate::json::{Map, Number, Value as Json};
use std::borrow::Cow;

/// serde_json's nesting limit: the 128th level of objects and arrays is
/// refused, where it is built and where it is skipped alike.
const MAX_DEPTH: usize = 128;

/// The text is not valid JSON (or not what this parser can vouch for).
#[derive(Debug)]
pub(crate) struct Rejected;

type Result<T> = std::result::Result<T, Rejected>;

/// Parses one JSON text, keeping only what `need` asks for.
pub(crate) fn project<'t>(text: &'t str, need: &Need) -> Result<Tree<'t>> {
    scan(text, need, false)
}

/// Parses one JSON text whole, where an object may give a key twice (it
/// keeps its first place and its last value, as serde_json's own parse
/// does), for a caller that finds repeated keys itself.
pub(crate) fn whole_allowing_repeats(text: &str) -> Result<Json> {
    match scan(text, &Need::All, true)? {
        Tree::Whole(json) => Ok(json),
        tree => Ok(tree.to_json()),
    }
}

fn scan<'t>(text: &'t str, need: &Need, repeats_allowed: bool) -> Result<Tree<'t>> {
    let mut scanner = Scanner {
        repeats_allowed,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        frames: Vec::new(),
        keys: Vec::new(),
        key_starts: Vec::new(),
    };
    scanner.whitespace();
    let tree = scanner.value(need)?;
    scanner.whitespace();
    if scanner.pos == scanner.bytes.len() {
        Ok(tree)
    } else {
        Err(Rejected)
    }
}

struct Scanner<'t> {
    /// Whether a whole value's object may give a key twice.
    repeats_allowed: bool,
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// Objects and arrays being built around the current position.
    depth: usize,
    /// Objects (`{`) and arrays (`[`) being skipped around it.
    frames: Vec<u8>,
    /// The keys of the objects open around the position, built or
    /// skipped, to refuse an object with a key twice (as the fallback
    /// parse does, which then names it).
    keys: Vec<Cow<'t, str>>,
    /// Where each skipped object's keys start in `keys`.
    key_starts: Vec<usize>,
}

/// Whether `keys` (one object's) are all different. Sorts them.
fn all_different(keys: &mut [Cow<'_, str>]) -> bool {
    if keys.len() <= 32 {
        // few keys, found fastest by comparison (most differ in length)
        return keys
            .iter()
            .enumerate()
            .all(|(i, key)| !keys[..i].contains(key));
    }
    keys.sort_unstable();
    keys.windows(2).all(|pair| pair[0] != pair[1])
}

impl<'t> Scanner<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Rejected)
        }
    }

    fn value(&mut self, need: &Need) -> Result<Tree<'t>> {
        match (self.peek(), need) {
            (Some(b'{'), Need::Fields(fields)) => self.object(fields),
            (Some(b'['), Need::Fields(_)) => self.array(need),
            (Some(b'{' | b'['), Need::All) => self.whole().map(Tree::Whole),
            (Some(b'"'), _) => self.string().map(Tree::String),
            (Some(b't'), _) => self.literal(b"true").map(|()| Tree::Bool(true)),
            (Some(b'f'), _) => self.literal(b"false").map(|()| Tree::Bool(false)),
            (Some(b'n'), _) => self.literal(b"null").map(|()| Tree::Null),
            (Some(b'-' | b'0'..=b'9'), _) => self.number().map(Tree::Number),
            _ => Err(Rejected),
        }
    }

    /// A whole value as JSON, its numbers' texts as written (which
    /// serde_json's own parse would re-spell).
    fn whole(&mut self) -> Result<Json> {
        match self.peek() {
            Some(b'{') => {
                let mut map = Map::new();
                let mut more = self.open(b'}')?;
                while more {
                    if self.peek() != Some(b'"') {
                        return Err(Rejected);
                    }
                    let key = self.string()?;
                    self.whitespace();
                    self.expect(b':')?;
                    self.whitespace();
                    let value = self.whole()?;
                    // a key twice is refused, as where it is skipped (or,
                    // where allowed, keeps its first place and last value)
                    if map.insert(key.into_owned(), value).is_some() && !self.repeats_allowed {
                        return Err(Rejected);
                    }
                    more = self.comma_or_close(b'}')?;
                }
                Ok(Json::Object(map))
            }
            Some(b'[') => {
                let mut items = Vec::new();
                let mut more = self.open(b']')?;
                while more {
                    items.push(self.whole()?);
                    more = self.comma_or_close(b']')?;
                }
                Ok(Json::Array(items))
            }
            Some(b'"') => Ok(Json::String(self.string()?.into_owned())),
            Some(b't') => self.literal(b"true").map(|()| Json::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Json::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|()| Json::Null),
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number()?.into_owned();
                Ok(Json::Number(Number::from_string_unchecked(text)))
            }
            _ => Err(Rejected),
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        // serde_json refuses the 128th level
        if self.depth >= MAX_DEPTH {
            Err(Rejected)
        } else {
            Ok(())
        }
    }

    fn object(&mut self, fields: &[(Box<str>, Need)]) -> Result<Tree<'t>> {
        let mut entries: Vec<(Cow<'t, str>, Tree<'t>)> = Vec::new();
        let keys_start = self.keys.len();
        let mut more = self.open(b'}')?;
        while more {
            if self.peek() != Some(b'"') {
                return Err(Rejected);
            }
            let key = self.string()?;
            self.keys.push(key.clone());
            self.whitespace();
            self.expect(b':')?;
            self.whitespace();
            match Need::field(fields, &key) {
                Some(need) => {
                    let value = self.value(need)?;
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(entry) => entry.1 = value,
                        None => entries.push((key, value)),
                    }
                }
                None => {
                    self.skip()?;
                }
            }
            more = self.comma_or_close(b'}')?;
        }
        if !all_different(&mut self.keys[keys_start..]) {
            return Err(Rejected);
        }
        self.keys.truncate(keys_start);
        Ok(Tree::Object(entries))
    }

    fn array(&mut self, need: &Need) -> Result<Tree<'t>> {
        let mut items = Vec::new();
        let mut more = self.open(b']')?;
        while more {
            items.push(self.value(need)?);
            more = self.comma_or_close(b']')?;
        }
        Ok(Tree::Array(items))
    }

    /// Enters the object or array that opens here: `true` when an element
    /// follows, `false` when it closes at once (`{}`, `[]`).
    fn open(&mut self, close: u8) -> Result<bool> {
        self.enter()?;
        self.pos += 1;
        self.whitespace();
        if self.peek() == Some(close) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// After an element: `true` at a comma (another element follows),
    /// `false` at the closing bracket (which leaves the object or array).
    fn comma_or_close(&mut self, close: u8) -> Result<bool> {
        self.whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.whitespace();
                Ok(true)
            }
            Some(byte) if byte == close => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            _ => Err(Rejected),
        }
    }

    /// Skips one value, checking its syntax, its keys (none twice in an
    /// object) and its depth (counted from the record's top, so that the
    /// limit holds on the whole record), and says how deeply it nests.
    /// Iterative, so a deep value cannot overflow the stack.
    fn skip(&mut self) -> Result<usize> {
        let base = self.frames.len();
        let mut deepest = 0;
        loop {
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if self.depth + self.frames.len() - base + 1 >= MAX_DEPTH {
                        return Err(Rejected);
                    }
                    self.pos += 1;
                    self.whitespace();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        deepest = deepest.max(self.frames.len() - base + 1);
                    } else {
                        self.frames.push(open);
                        deepest = deepest.max(self.frames.len() - base);
                        if open == b'{' {
                            self.key_starts.push(self.keys.len());
                            self.key()?;
                        }
                        continue;
                    }
                }
                Some(b'"') => self.skip_string()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                _ => return Err(Rejected),
            }
            // after a value: close what ends here, or go on to the next one
            loop {
                let Some(&frame) = self.frames.get(base..).and_then(<[u8]>::last) else {
                    return Ok(deepest);
                };
                self.whitespace();
                match (self.peek(), frame) {
                    (Some(b','), _) => {
                        self.pos += 1;
                        self.whitespace();
                        if frame == b'{' {
                            self.key()?;
                        }
                        break;
                    }
                    (Some(b'}'), b'{') => {
                        self.pos += 1;
                        self.frames.pop();
                        let start = self.key_starts.pop().unwrap_or(self.keys.len());
                        if !all_different(&mut self.keys[start..]) {
                            return Err(Rejected);
                        }
                        self.keys.truncate(start);
                    }
                    (Some(b']'), b'[') => {
                        self.pos += 1;
                        self.frames.pop();
                    }
                    _ => return Err(Rejected),
                }
            }
        }
    }

    /// A skipped object's key (kept in `keys`) and its colon.
    fn key(&mut self) -> Result<()> {
        if self.peek() != Some(b'"') {
            return Err(Rejected);
        }
        let start = self.pos;
        self.skip_string()?;
        let raw = &self.text[start + 1..self.pos - 1];
        if raw.contains('\\') {
            // an escaped key: compared as it reads (`"\u0069d"` is `"id"`)
            self.pos = start;
            let key = self.string()?;
            self.keys.push(key);
        } else {
            self.keys.push(Cow::Borrowed(raw));
        }
        self.whitespace();
        self.expect(b':')?;
        self.whitespace();
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Rejected)
        }
    }

    /// A number, exactly as written (`1E5` stays `1E5`; serde_json would
    /// keep `1e+5`), so that a number copied to the output keeps its bytes.
    fn number(&mut self) -> Result<Cow<'t, str>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            // one leading zero only: `01` is not a number
            Some(b'0') if !matches!(self.bytes.get(self.pos + 1), Some(b'0'..=b'9')) => {
                self.pos += 1;
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Rejected),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Rejected);
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'-' | b'+') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Rejected);
            }
            self.digits();
        }
        Ok(Cow::Borrowed(&self.text[start..self.pos]))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Moves to the next `"`, `\` or control character in a string, and
    /// returns it.
    fn next_special(&mut self) -> Result<u8> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let bytes = self.bytes;
        let mut i = self.pos;
        while let Some(chunk) = bytes.get(i..i + 8) {
            let Ok(word) = <[u8; 8]>::try_from(chunk) else {
                break;
            };
            let x = u64::from_le_bytes(word);
            // per byte: below 0x20, or zero in x ^ '"' or in x ^ '\\'; the
            // lowest flagged byte is exact (a borrow only runs upwards)
            let quote = x ^ (ONES * u64::from(b'"'));
            let backslash = x ^ (ONES * u64::from(b'\\'));
            let control = x.wrapping_sub(ONES * 0x20) & !x;
            let quote = quote.wrapping_sub(ONES) & !quote;
            let backslash = backslash.wrapping_sub(ONES) & !backslash;
            let found = (control | quote | backslash) & HIGH;
            if found != 0 {
                self.pos = i + (found.trailing_zeros() / 8) as usize;
                return Ok(bytes[self.pos]);
            }
            i += 8;
        }
        while let Some(&b) = bytes.get(i) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                self.pos = i;
                return Ok(b);
            }
            i += 1;
        }
        Err(Rejected)
    }

    /// A string's content, borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'t, str>> {
        self.pos += 1;
        let start = self.pos;
        match self.next_special()? {
            b'"' => {
                let text = &self.text[start..self.pos];
                self.pos += 1;
                return Ok(Cow::Borrowed(text));
            }
            b'\\' => {}
            _ => return Err(Rejected),
        }
        let mut owned = String::from(&self.text[start..self.pos]);
        loop {
            // at a backslash
            self.pos += 1;
            let escape = self.peek().ok_or(Rejected)?;
            self.pos += 1;
            match escape {
                b'"' => owned.push('"'),
                b'\\' => owned.push('\\'),
                b'/' => owned.push('/'),
                b'b' => owned.push('\u{8}'),
                b'f' => owned.push('\u{c}'),
                b'n' => owned.push('\n'),
                b'r' => owned.push('\r'),
                b't' => owned.push('\t'),
                b'u' => owned.push(self.unicode_escape()?),
                _ => return Err(Rejected),
            }
            let from = self.pos;
            let special = self.next_special()?;
            owned.push_str(&self.text[from..self.pos]);
            match special {
                b'"' => {
                    self.pos += 1;
                    return Ok(Cow::Owned(owned));
                }
                b'\\' => {}
                _ => return Err(Rejected),
            }
        }
    }

    /// The character of `\uXXXX` (after the `u`), with its low surrogate
    /// when it is a high one. A lone surrogate is rejected, as serde_json
    /// rejects it in a string it builds.
    fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err(Rejected);
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(Rejected);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(Rejected),
            _ => first,
        };
        char::from_u32(code).ok_or(Rejected)
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or(Rejected)?;
        let mut code = 0;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or(Rejected)?;
            code = code * 16 + v;
        }
        self.pos += 4;
        Ok(code)
    }

    /// Skips a string, checking its escapes (any `\uXXXX` is accepted
    /// here, as serde_json accepts it in a string it skips).
    fn skip_string(&mut self) -> Result<()> {
        self.pos += 1;
        loop {
            match self.next_special()? {
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1;
                        }
                        Some(b'u') => {
                            // checked as in a string that is built: a lone
                            // surrogate is refused wherever it is
                            self.pos += 1;
                            self.unicode_escape()?;
                        }
                        _ => return Err(Rejected),
                    }
                }
                _ => return Err(Rejected),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The scanner against serde_json: on any text, either both accept it
    //! and build the same projected value (the scanner's numbers read as
    //! serde_json reads them; their exact texts are tested apart), or both
    //! reject it.

    use super::super::{Need, parse::parse, serde_spelling};
    use super::project;
    use proptest::prelude::*;

    fn keys() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a", "b", "id", "é", "a\\\"b", "\\u0061", ""])
            .prop_map(str::to_string)
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "null",
            "true",
            "false",
            "0",
            "-0",
            "12",
            "-3.50",
            "1e5",
            "1E5",
            "1e+5",
            "2.5E-3",
            "123456789012345678901234567890",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "tru",
            "nul",
            "\"\"",
            "\"plain\"",
            "\"é ü 😀\"",
            "\"a\\nb\\t\\\"q\\\" \\\\ \\/\"",
            "\"\\u00e9\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "\"\\u12\"",
            "\"\\x\"",
            "\"tab\there\"",
            "\"long string of more than eight bytes, with a \\\" in it\"",
        ])
        .prop_map(str::to_string)
    }

    fn json() -> impl Strategy<Value = String> {
        scalar().prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec(
                    (keys(), inner, prop::sample::select(vec!["", " ", "\n\t"])),
                    0..5
                )
                .prop_map(|entries| {
                    let body: Vec<String> = entries
                        .into_iter()
                        .map(|(k, v, ws)| format!("{ws}\"{k}\"{ws}:{ws}{v}{ws}"))
                        .collect();
                    format!("{{{}}}", body.join(","))
                }),
            ]
        })
    }

    fn need() -> impl Strategy<Value = Need> {
        let leaf = prop_oneof![Just(Need::All), Just(Need::nothing())];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop::collection::vec((keys(), inner), 0..3).prop_map(|fields| {
                let mut need = Need::nothing();
                for (key, below) in fields {
                    // keys as the mapping names them: without escapes
                    let key = key.replace("\\\"", "\"").replace("\\u0061", "a");
                    need.add(&[key.into()], below);
                }
                need
            })
        })
    }

    /// A text, sometimes damaged: a byte cut out, inserted or the end cut.
    fn text() -> impl Strategy<Value = String> {
        (
            json(),
            0..4usize,
            any::<prop::sample::Index>(),
            prop::sample::select(vec![",", "]", "}", "\"", "\\", ":", " ", "0", "\u{1}"]),
        )
            .prop_map(|(text, damage, at, insert)| {
                let mut at = at.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match damage {
                    1 => format!("{}{}", &text[..at], insert) + &text[at..],
                    2 => text[..at].to_string(),
                    3 => {
                        let mut end = at + 1;
                        while end < text.len() && !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text[..at].to_string() + text.get(end..).unwrap_or("")
                    }
                    _ => text,
                }
            })
    }

    fn agree(text: &str, need: &Need) -> Result<(), TestCaseError> {
        let fast = project(text, need);
        let serde = parse(text, need);
        match (fast, serde) {
            (Ok(tree), Ok(json)) => {
                prop_assert_eq!(serde_spelling(tree.to_json()), json, "text {:?}", text)
            }
            (Err(_), Err(_)) => {}
            // by design: mapc reads a number of any size as its text, where
            // serde_json without `arbitrary_precision` refuses one no `f64`
            // holds (the error path then names the record's real fault:
            // `error_of`)
            (Ok(_), Err(serde)) if serde.to_string().starts_with("number out of range") => {}
            (fast, serde) => prop_assert!(
                false,
                "text {text:?}: the scanner says {:?}, serde_json says {:?}",
                fast.map(|t| t.to_json()),
                serde
            ),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn agrees_with_serde_json(text in text(), need in need()) {
            agree(&text, &need)?;
        }
    }

    #[test]
    fn numbers_keep_their_text() {
        for text in ["1E5", "1e5", "-2.5E-3", "1e+5", "2.50", "-0"] {
            let tree = project(text, &Need::All).expect("a number");
            assert_eq!(tree.to_json().to_string(), text);
            // inside a value kept whole too
            let whole = format!("{{\"a\": [{text}, {{\"b\": {text}}}]}}");
            let tree = project(&whole, &Need::All).expect("an object");
            let compact = format!("{{\"a\":[{text},{{\"b\":{text}}}]}}");
            assert_eq!(tree.to_json().to_string(), compact);
            agree(text, &Need::All).expect("serde_json agrees");
        }
    }

    #[test]
    fn nesting_is_limited_where_built_and_where_skipped() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let need = Need::nothing();
        for n in [1, 126, 127, 128, 129, 5000] {
            agree(&deep(n), &need).expect("agrees");
            agree(&deep(n), &Need::All).expect("agrees");
            // the record is a level itself
            let skipped = format!("{{\"skipped\": {}}}", deep(n));
            assert_eq!(
                project(&skipped, &need).is_ok(),
                n < 127,
                "{n} levels skipped"
            );
            agree(&skipped, &need).expect("agrees");
        }
    }

    #[test]
    fn a_key_twice_is_refused_where_built_and_where_skipped() {
        let need = Need::Fields(vec![("id".into(), Need::All)]);
        for text in [
            r#"{"id": 1, "id": 2}"#,
            r#"{"x": {"a": 1, "a": 2}}"#,
            r#"{"id": {"a": 1, "b": {}, "a": 2}}"#,
            r#"{"x": {"id": 1, "\u0069d": 2}}"#,
        ] {
            assert!(project(text, &need).is_err(), "{text}");
            agree(text, &need).expect("agrees");
        }
        // a wide object's keys are sorted rather than compared pair by pair
        let wide = |last: &str| {
            let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
            format!("{{\"x\": {{{}, \"{last}\": 0}}}}", keys.join(", "))
        };
        assert!(project(&wide("k17"), &need).is_err());
        agree(&wide("k17"), &need).expect("agrees");
        assert!(project(&wide("k40"), &need).is_ok());
        let fine = r#"{"id": 1, "x": {"id": 2, "y": {"id": 3}}, "z": [{"a": 1}, {"a": 2}]}"#;
        assert!(project(fine, &need).is_ok());
        agree(fine, &need).expect("agrees");
    }
}
