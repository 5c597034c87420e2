//! A cheap scan of an item's nesting before pest parses it.
//!
//! pest's parser, and every stage after it (the tree builder, the checker,
//! the formatter, the docs, the evaluator), recurse once per level of
//! nesting. The scan bounds that depth, so that a hostile mapping (5,000
//! nested `if` blocks, 20,000 `(`) is a clear error and never a stack
//! overflow, on a 2 MiB thread as on the main one.
//!
//! It counts what can nest: brackets (`(`, `[`, `{`) and the `if`, `for`
//! and `match` keywords, which nest without brackets
//! (`if .a then if .b then ...`, `else if` chains). A keyword's level ends
//! where its expression must have ended: at a `,`, `=` or `=>` at the same
//! bracket level, or at a block's `}` followed by something that cannot
//! continue an expression (the next statement). The count is an upper bound
//! of the nesting pest sees; it runs in one pass over the item.

/// How deeply a mapping may nest: brackets, blocks, and `if`, `for` and
/// `match` (each arm of an `else if` chain counts as a level).
pub const MAX_NESTING: usize = 128;

/// The byte offset in `text` where the item starting at `start` nests more
/// than [`MAX_NESTING`] levels; `None` when it does not. `text` ends where
/// the item ends (or where pest found an error in it).
pub(super) fn too_deep(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // keywords open at each bracket level (index 0: outside every bracket)
    let mut open: Vec<usize> = vec![0];
    let mut keywords = 0usize;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'#' => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'(' | b'[' | b'{' => {
                open.push(0);
                if open.len() - 1 + keywords > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => {
                if open.len() > 1 {
                    keywords -= open.pop().unwrap_or(0);
                }
                if b == b'}' && ends_statement(&text[i + 1..]) {
                    let top = open.last_mut().expect("never empty");
                    keywords -= *top;
                    *top = 0;
                }
            }
            b',' => reset(&mut open, &mut keywords),
            b'=' => {
                let before = if i > 0 { bytes[i - 1] } else { b' ' };
                let after = bytes.get(i + 1).copied().unwrap_or(b' ');
                if after == b'>' || (after != b'=' && !matches!(before, b'=' | b'!' | b'<' | b'>'))
                {
                    reset(&mut open, &mut keywords);
                }
                if after == b'=' || after == b'>' {
                    i += 1;
                }
            }
            b'.' | b'$' => {
                // `.if`, `$for`: a field or a parameter, not a keyword
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let begin = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &text[begin..i];
                if matches!(word, "if" | "for" | "match") {
                    *open.last_mut().expect("never empty") += 1;
                    keywords += 1;
                    if open.len() - 1 + keywords > MAX_NESTING {
                        return Some(begin);
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A `,`, `=` or `=>`: the expressions before it at this level are done.
fn reset(open: &mut [usize], keywords: &mut usize) {
    if let Some(top) = open.last_mut() {
        *keywords -= *top;
        *top = 0;
    }
}

/// Does the text after a `}` start a new statement (a target, `let`, `if`)
/// rather than continue an expression (an operator, an accessor, `else`,
/// `then`, `and`, ...)?
fn ends_statement(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if first == '"' {
        return true;
    }
    if !(first.is_ascii_alphabetic() || first == '_') {
        return false;
    }
    let word: &str = rest
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    !matches!(word, "then" | "else" | "in" | "where" | "and" | "or")
}

/// Where the brackets opened from `start` on are all closed again (strings
/// and comments skipped): past a nested-too-deeply item, where the parser
/// resumes. The end of `text` when they never close.
pub(super) fn brackets_closed(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut open = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'(' | b'[' | b'{' => open += 1,
            b')' | b']' | b'}' => {
                open = open.saturating_sub(1);
                if open == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::{MAX_NESTING, too_deep};

    #[test]
    fn counts_brackets_and_keywords_up_to_the_limit() {
        let ok = format!(
            "x = {}1{}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert_eq!(too_deep(&ok, 0), None);
        let deep = format!(
            "x = {}1{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        assert_eq!(too_deep(&deep, 0), Some(4 + MAX_NESTING));
        let ifs = format!("x = {}1", "if .a then ".repeat(MAX_NESTING + 1));
        assert!(too_deep(&ifs, 0).is_some());
    }

    #[test]
    fn siblings_do_not_add_up() {
        let statements = "if .a { x = 1 }\n".repeat(1_000);
        assert_eq!(too_deep(&format!("def f() {{\n{statements}}}"), 0), None);
        let rules = "  y = if .a then 1 else if .b then 2 else 3\n".repeat(1_000);
        assert_eq!(too_deep(&format!("def f() {{\n{rules}}}"), 0), None);
        let list = format!("x = [{}]", "if .a then 1 else 2, ".repeat(1_000));
        assert_eq!(too_deep(&list, 0), None);
        let strings = format!("x = \"{}\"", "((((if".repeat(1_000));
        assert_eq!(too_deep(&strings, 0), None);
    }

    #[test]
    fn the_scan_starts_with_the_item() {
        let text = format!("a = 1\nb = {}", "(".repeat(MAX_NESTING + 1));
        assert_eq!(too_deep(&text[..5], 0), None);
        assert!(too_deep(&text, 6).is_some());
    }
}
