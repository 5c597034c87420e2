//! The one way a value or a piece of text is cut for a message: a 50 MB
//! string from a record must not be repeated whole in stderr, a JSON
//! diagnostic or a reject entry's message (the reject entry keeps the
//! record's raw bytes whole; only what is *shown* is cut).

/// `text` cut to at most `max` characters, the last of them `…`, with the
/// whole length said when anything was cut: `"aaaa…" (1000000 characters)`
/// reads as `aaaa… (1000000 characters)`. Text of `max` characters or fewer
/// is returned as it is.
pub fn shorten(text: &str, max: usize) -> String {
    // a quick answer for short text, without counting characters
    if text.len() <= max {
        return text.to_string();
    }
    let mut chars = text.char_indices();
    let Some((cut, _)) = chars.nth(max.saturating_sub(1)) else {
        return text.to_string();
    };
    if chars.next().is_none() {
        return text.to_string();
    }
    let total = text.chars().count();
    format!("{}… ({total} characters)", &text[..cut])
}

/// The longest a quoted part of a message (between backticks or double
/// quotes), or a word of it, is shown; longer ones are cut, and say how
/// long they were.
const MAX_QUOTED: usize = 100;
/// The longest a whole message is shown.
const MAX_MESSAGE: usize = 2_000;

/// `message` with each long quoted part cut to [`MAX_QUOTED`] characters
/// and its length given: `` `xxxx…` (1000000 characters) ``; each long
/// unquoted word (a number, say) cut the same way; then the whole cut to
/// [`MAX_MESSAGE`] characters. Every message, note and help line of a
/// diagnostic or a runtime error goes through this.
pub fn shorten_message(message: &str) -> String {
    if message.len() <= MAX_QUOTED {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE + 64));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open] as char;
        push_words(&mut out, &rest[..open]);
        out.push(quote);
        let inner = &rest[open + 1..];
        let close = inner.find(quote).unwrap_or(inner.len());
        let quoted = &inner[..close];
        if quoted.len() > MAX_QUOTED && quoted.chars().nth(MAX_QUOTED).is_some() {
            let count = quoted.chars().count();
            out.extend(quoted.chars().take(MAX_QUOTED - 1));
            out.push('…');
            if close < inner.len() {
                out.push(quote);
            }
            out.push_str(&format!(" ({count} characters)"));
        } else {
            out.push_str(quoted);
            if close < inner.len() {
                out.push(quote);
            }
        }
        rest = inner.get(close + 1..).unwrap_or("");
    }
    push_words(&mut out, rest);
    if out.len() > MAX_MESSAGE && out.chars().nth(MAX_MESSAGE).is_some() {
        let total = out.chars().count();
        let cut: String = out.chars().take(MAX_MESSAGE).collect();
        return format!("{cut}… (message cut: {total} characters)");
    }
    out
}

/// Appends `text` (outside quotes) with each word longer than
/// [`MAX_QUOTED`] characters shortened.
fn push_words(out: &mut String, text: &str) {
    if text.len() <= MAX_QUOTED {
        out.push_str(text);
        return;
    }
    let mut word_start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(start) = word_start.take() {
                out.push_str(&shorten(&text[start..i], MAX_QUOTED));
            }
            if i < text.len() {
                out.push(c);
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{shorten, shorten_message};

    #[test]
    fn messages_cut_quoted_parts_and_long_words() {
        let long = "9".repeat(5_000);
        let message = format!("number {long} has more digits than `{long}` allows");
        let short = shorten_message(&message);
        assert!(short.len() < 300, "{short}");
        assert!(short.starts_with("number 999"), "{short}");
        assert!(
            short.contains("(5000 characters) has more digits than `999"),
            "{short}"
        );
        assert!(short.ends_with("` (5000 characters) allows"), "{short}");
        assert_eq!(shorten_message("a short `one`"), "a short `one`");
        let spaced = format!("{} end", "ab ".repeat(1_000));
        assert!(shorten_message(&spaced).contains("(message cut: "));
    }

    #[test]
    fn short_text_is_kept() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("ééé", 3), "ééé");
    }

    #[test]
    fn long_text_is_cut_and_counted() {
        assert_eq!(shorten("abcdef", 4), "abc… (6 characters)");
        assert_eq!(shorten("éééééé", 4), "ééé… (6 characters)");
        let long = "x".repeat(1_000_000);
        assert!(shorten(&long, 100).len() < 130);
    }
}
