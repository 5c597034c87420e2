//! Text hygiene for legacy targets: Unicode NFC, control characters, ASCII
//! transliteration, HTML tags and escapes, byte-limited truncation.

use super::signature::{Absent, Example, Ty};
use super::{builtin, one};
use crate::value::Value;
use unicode_normalization::UnicodeNormalization;

builtin!(
    Text,
    NORMALIZE_NFC,
    "normalize_nfc",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The text in Unicode Normalization Form C (composed: `e` + combining acute becomes `é`), so equal-looking strings compare and count equal.",
    &[Example {
        call: "length(normalize_nfc(\"Cafe\\u{301}\"))",
        result: "4"
    }],
    |args| Ok(Value::string(args.str(0)?.nfc().collect::<String>()))
);

builtin!(
    Text,
    NORMALIZE_NFD,
    "normalize_nfd",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The text in Unicode Normalization Form D (decomposed: `é` becomes `e` + combining acute), for targets that store decomposed text.",
    &[Example {
        call: r#"normalize_nfd("é") == "e\u{301}""#,
        result: "true"
    }],
    |args| Ok(Value::string(args.str(0)?.nfd().collect::<String>()))
);

builtin!(
    Text,
    NORMALIZE_NFKC,
    "normalize_nfkc",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The text in Unicode Normalization Form KC: composed, and compatibility characters replaced by their plain form (`ﬁ` → `fi`, full-width `Ａ１` → `A1`, `²` → `2`, a no-break space → a space), for identifiers and matching.",
    &[Example {
        call: r#"normalize_nfkc("ﬁle Ａ１²")"#,
        result: r#""file A12""#
    }],
    |args| Ok(Value::string(args.str(0)?.nfkc().collect::<String>()))
);

builtin!(
    Text,
    BYTE_LENGTH,
    "byte_length",
    &[one("text", Ty::STRING)],
    Ty::NUMBER,
    Absent::Propagate,
    "The number of bytes of the text in UTF-8, for targets whose limits are in bytes (see `length` for characters, `truncate_bytes` to cut).",
    &[Example {
        call: r#"byte_length("Größe")"#,
        result: "7"
    }],
    |args| Ok(super::args::number(args.str(0)?.len().into()))
);

builtin!(
    Text,
    STRIP_CONTROL,
    "strip_control",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The text without control characters (Unicode Cc: C0, DEL and C1) other than tab, line feed and carriage return, and without zero-width and bidi format characters (U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+FEFF).",
    &[Example {
        call: "strip_control(\"a\\u{0}b\\u{7}\\tc\\u{feff}\")",
        result: r#""ab\tc""#
    }],
    |args| {
        let format_char = |c: char| matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}');
        Ok(Value::string(
            args.str(0)?
                .chars()
                .filter(|c| {
                    !((c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || format_char(*c))
                })
                .collect::<String>(),
        ))
    }
);

builtin!(
    Text,
    TO_ASCII,
    "to_ascii",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "ASCII transliteration for targets that take nothing else (`Größe` → `Grosse`, `Łódź` → `Lodz`, `北京` → `Bei Jing`), by the `deunicode` tables; characters with no transliteration become `?`.",
    &[
        Example {
            call: r#"to_ascii("Crème Brûlée, Größe ½")"#,
            result: r#""Creme Brulee, Grosse 1/2""#
        },
        Example {
            call: r#"to_ascii("Łódź")"#,
            result: r#""Lodz""#
        },
    ],
    |args| {
        Ok(Value::string(deunicode::deunicode_with_tofu(
            args.str(0)?,
            "?",
        )))
    }
);

/// Text without tags, comments, scripts and styles; entities decoded;
/// every tag becomes a space (so `<br>` and block ends separate words);
/// runs of whitespace become one. The HTML5 tokenizer of `html5gum` reads
/// the markup as a browser does (quoted attributes may hold `>`, all named
/// entities), in one pass: linear in the text's length.
fn strip_tags(html: &str) -> String {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let mut emitter = DefaultEmitter::default();
    // `<script>` and `<style>` hold raw text, not markup
    emitter.naively_switch_states(true);
    let mut out = String::with_capacity(html.len());
    let mut in_raw_text = false;
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                in_raw_text =
                    matches!(tag.name.as_slice(), b"script" | b"style") && !tag.self_closing;
                out.push(' ');
            }
            Token::EndTag(_) => {
                in_raw_text = false;
                out.push(' ');
            }
            Token::String(text) if !in_raw_text => out.push_str(&String::from_utf8_lossy(&text)),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

builtin!(
    Text,
    STRIP_HTML,
    "strip_html",
    &[one("html", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Plain text from HTML: tags and comments removed (with `<script>` and `<style>` content), entities decoded (every HTML5 named entity, and numeric ones), attributes skipped even when a quoted value holds `>`, whitespace collapsed to single spaces. Not a sanitiser for output back into HTML: use `escape_html` for that.",
    &[Example {
        call: r#"strip_html("<p>Fish &amp; <b>Chips</b></p><script>x()</script><br/>&#8364;5")"#,
        result: r#""Fish & Chips €5""#
    }],
    |args| Ok(Value::string(strip_tags(args.str(0)?)))
);

builtin!(
    Text,
    ESCAPE_HTML,
    "escape_html",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The text with `&`, `<`, `>`, `\"` and `'` written as HTML entities, safe inside HTML text and quoted attributes.",
    &[Example {
        call: r#"escape_html("<a href='x'>Tom & \"Jerry\"</a>")"#,
        result: r#""&lt;a href=&#39;x&#39;&gt;Tom &amp; &quot;Jerry&quot;&lt;/a&gt;""#
    }],
    |args| {
        let mut out = String::new();
        for c in args.str(0)?.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        Ok(Value::string(out))
    }
);

builtin!(
    Text,
    TRUNCATE_BYTES,
    "truncate_bytes",
    &[one("text", Ty::STRING), one("max_bytes", Ty::NUMBER)],
    Ty::STRING,
    Absent::Propagate,
    "Cuts text to at most `max_bytes` bytes of UTF-8, for byte-limited fields, never inside a user-perceived character (see `truncate` for a limit in characters, `byte_length` to measure).",
    &[
        Example {
            call: r#"truncate_bytes("Größe", 3)"#,
            result: r#""Gr""#
        },
        Example {
            call: "truncate_bytes(\"Cafe\\u{301}\", 4)",
            result: r#""Caf""#
        }
    ],
    |args| {
        let max = args.count(1)?;
        let text = args.str(0)?;
        Ok(Value::string(super::unicode::prefix_within_bytes(
            text, max,
        )))
    }
);
