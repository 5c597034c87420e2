//! Warnings allowed where the author says so, in a comment anyone reading
//! the mapping sees:
//!
//! ```text
//! # mapc: allow-file(W201)        every W201 in this file
//! # mapc: allow(W202)             the next line (or lines, through more comments)
//! let _spare = .x                 # mapc: allow(W202)   this line
//! ```
//!
//! Several codes are separated by commas: `allow(W202, W207)`. Only
//! warnings can be allowed; an error is never hidden.

use super::{Diagnostic, Severity, SourceFile};

/// The codes a comment line allows: `(file-wide, codes)`.
fn annotation(comment: &str) -> Option<(bool, Vec<&str>)> {
    let rest = comment.trim_start_matches('#').trim_start();
    let rest = rest.strip_prefix("mapc:")?.trim_start();
    let (file_wide, rest) = if let Some(r) = rest.strip_prefix("allow-file") {
        (true, r)
    } else {
        (false, rest.strip_prefix("allow")?)
    };
    let inside = rest.trim_start().strip_prefix('(')?;
    let inside = &inside[..inside.find(')')?];
    let codes = inside
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    Some((file_wide, codes))
}

/// The comment on a line, if any: from a `#` outside a string literal.
fn comment(line: &str) -> Option<&str> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(&line[i..]),
            _ => {}
        }
    }
    None
}

/// Is `code` allowed at byte `offset` of `file`?
fn allowed_at(file: &SourceFile, offset: usize, code: &str) -> bool {
    let text = &file.text;
    let lines: Vec<&str> = text.lines().collect();
    let allows = |line: &str, file_wide: bool| {
        comment(line)
            .and_then(annotation)
            .is_some_and(|(wide, codes)| wide == file_wide && codes.contains(&code))
    };
    if lines.iter().any(|l| allows(l, true)) {
        return true;
    }
    let offset = offset.min(text.len());
    let line = text[..offset].matches('\n').count();
    if lines.get(line).is_some_and(|l| allows(l, false)) {
        return true;
    }
    // the comment lines directly above
    let mut above = line;
    while above > 0 {
        above -= 1;
        let l = lines[above].trim_start();
        if !l.starts_with('#') {
            break;
        }
        if allows(l, false) {
            return true;
        }
    }
    false
}

/// Drops the warnings an annotation allows where they are reported.
pub fn remove_allowed(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| {
            d.severity != Severity::Warning
                || !d
                    .labels
                    .first()
                    .is_some_and(|l| allowed_at(&l.file, l.span.start, d.code.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_read_from_comments_only() {
        assert_eq!(
            comment(r##"x = "a # b" # mapc: allow(W202)"##),
            Some("# mapc: allow(W202)")
        );
        assert_eq!(comment(r#"x = "a # b""#), None);
        assert_eq!(
            annotation("# mapc: allow(W202, W207)"),
            Some((false, vec!["W202", "W207"]))
        );
        assert_eq!(
            annotation("# mapc: allow-file(W201)"),
            Some((true, vec!["W201"]))
        );
        assert_eq!(annotation("# allow(W201)"), None);
        assert_eq!(annotation("# mapc: allowed(W201"), None);
    }
}
