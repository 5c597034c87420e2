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

#[cfg(test)]
mod tests {
    use super::shorten;

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
