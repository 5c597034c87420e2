//! Text as people read it: user-perceived characters (extended grapheme
//! clusters, UAX #29, from `unicode-segmentation`), titlecase mappings
//! (`unicode-case-mapping`, Unicode 16 data: `ǆ` → `ǅ`, `ß` → `Ss`) and
//! caseless keys (full case folding from `caseless`, canonical
//! equivalence from `unicode-normalization`).
//!
//! `length`, `substring`, `truncate`, `pad_start`/`pad_end`, `check_length`
//! and the `max_length`/`min_length` constraints all count with
//! [`count`], so an emoji with a skin tone, a flag or `e` + a combining
//! accent is one character everywhere.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// The number of user-perceived characters (extended grapheme clusters).
pub(crate) fn count(text: &str) -> usize {
    // ASCII without `\r` (which joins a following `\n`) is one per byte
    if text.is_ascii() && !text.contains('\r') {
        return text.len();
    }
    text.graphemes(true).count()
}

/// The byte offset after the first `n` user-perceived characters (the
/// text's length when it has fewer).
pub(crate) fn offset_of(text: &str, n: usize) -> usize {
    if text.is_ascii() && !text.contains('\r') {
        return n.min(text.len());
    }
    text.grapheme_indices(true)
        .nth(n)
        .map_or(text.len(), |(at, _)| at)
}

/// The longest start of `text` of at most `max` bytes that does not cut a
/// user-perceived character.
pub(crate) fn prefix_within_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = 0;
    for (at, grapheme) in text.grapheme_indices(true) {
        if at + grapheme.len() > max {
            break;
        }
        end = at + grapheme.len();
    }
    &text[..end]
}

/// Title case: in each word the first letter or digit takes its titlecase
/// mapping (`ǆ` → `ǅ`, `ß` → `Ss`, `ﬁ` → `Fi`) and the rest is lower-cased
/// with Unicode's rules (a final sigma becomes `ς`). A word starts after
/// whitespace and after any of the characters `after`.
pub(crate) fn title(text: &str, after: &str) -> String {
    let boundary = |c: char| c.is_whitespace() || after.contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // the boundary characters before the word, as they are
        let word_at = rest.find(|c: char| !boundary(c)).unwrap_or(rest.len());
        out.push_str(&rest[..word_at]);
        rest = &rest[word_at..];
        let word_end = rest.find(boundary).unwrap_or(rest.len());
        title_word(&rest[..word_end], &mut out);
        rest = &rest[word_end..];
    }
    out
}

fn title_word(word: &str, out: &mut String) {
    // punctuation before the first letter or digit (`(ada`, `"o`) stays
    let Some((at, first)) = word.char_indices().find(|(_, c)| c.is_alphanumeric()) else {
        out.push_str(&word.to_lowercase());
        return;
    };
    out.push_str(&word[..at].to_lowercase());
    match unicode_case_mapping::to_titlecase(first) {
        [0, _, _] => out.push(first),
        mapped => out.extend(
            mapped
                .into_iter()
                .take_while(|&c| c != 0)
                .filter_map(char::from_u32),
        ),
    }
    // lower-case the rest in the word's context, so that a final sigma is
    // seen as final; the first letter's own lower-case is cut off again
    let rest = &word[at..];
    let lowered = rest.to_lowercase();
    let first_lowered: String = first.to_lowercase().collect();
    out.push_str(lowered.strip_prefix(&first_lowered).unwrap_or(&lowered));
}

/// The key under which a case-insensitive table finds a string: canonical
/// caseless matching (Unicode D145: NFD, full case folding, NFD), so
/// `STRASSE` finds `straße` and a decomposed `é` finds a composed one.
pub(crate) fn caseless_key(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let decomposed: String = text.nfd().collect();
    caseless::default_case_fold_str(&decomposed).nfd().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_a_reader_sees() {
        for (text, n) in [
            ("", 0),
            ("Größe", 5),
            ("e\u{301}", 1),
            ("👍🏽", 1),
            ("🇩🇪🇫🇷", 2),
            ("👩‍👩‍👧", 1),
            ("a\r\nb", 3),
        ] {
            assert_eq!(count(text), n, "{text:?}");
        }
        assert_eq!(offset_of("e\u{301}x", 1), 3);
        assert_eq!(offset_of("ab", 5), 2);
        assert_eq!(prefix_within_bytes("e\u{301}x", 2), "");
        assert_eq!(prefix_within_bytes("Größe", 3), "Gr");
    }

    #[test]
    fn titles_with_titlecase_mappings() {
        for (text, after, titled) in [
            ("ǆemal ǉubović", "", "ǅemal ǈubović"),
            ("ßtraße", "", "Sstraße"),
            ("mary-jane O'NEIL", "-'’", "Mary-Jane O'Neil"),
            ("o’brien st. john", "'’", "O’Brien St. John"),
            ("dr.who", "'’", "Dr.who"),
            ("dr.who", ".", "Dr.Who"),
            ("ΟΔΥΣΣΕΥΣ", "", "Οδυσσευς"),
            ("(ada) 3rd", "", "(Ada) 3rd"),
            ("ﬁsh", "", "Fish"),
            ("  two  spaces ", "", "  Two  Spaces "),
        ] {
            assert_eq!(title(text, after), titled, "{text:?}");
        }
    }

    #[test]
    fn folds_case_fully_and_canonically() {
        assert_eq!(caseless_key("STRASSE"), caseless_key("straße"));
        assert_eq!(caseless_key("Cafe\u{301}"), caseless_key("CAFÉ"));
        assert_ne!(caseless_key("strase"), caseless_key("straße"));
        assert_eq!(caseless_key("ABC"), "abc");
    }
}
