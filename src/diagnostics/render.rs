//! The one renderer: rustc-like plain text, no colour, no trailing spaces.

use super::{Diagnostic, Severity};
use std::fmt::Write;

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The longest source line shown under a diagnostic, in characters.
const MAX_LINE: usize = 200;

/// A line longer than [`MAX_LINE`] (a long literal, a minified mapping)
/// shown as a window around the label's column, cut with `…` on either
/// side; the column and the number of `^` marks moved and cut to match.
fn window(line: &str, col: usize, marks: usize) -> (String, usize, usize) {
    let count = line.chars().count();
    if count <= MAX_LINE {
        return (line.to_string(), col, marks);
    }
    let from = col.saturating_sub(1).saturating_sub(40).min(count);
    let mut shown = String::new();
    let mut col = col - from;
    if from > 0 {
        shown.push('…');
        col += 1;
    }
    shown.extend(line.chars().skip(from).take(MAX_LINE));
    if from + MAX_LINE < count {
        shown.push('…');
    }
    let room = (from + MAX_LINE + 1).saturating_sub(col + from - usize::from(from > 0));
    (shown, col, marks.min(room.max(1)))
}

/// Renders one diagnostic.
pub fn render(diagnostic: &Diagnostic) -> String {
    let mut out = String::new();
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(
        out,
        "{severity}[{}]: {}",
        diagnostic.code.as_str(),
        diagnostic.message
    );

    // the gutter is as wide as the largest line number shown
    let width = diagnostic
        .labels
        .iter()
        .map(|l| l.file.line_col(l.span.start).0.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    for (i, label) in diagnostic.labels.iter().enumerate() {
        let text = &label.file.text;
        let (line, col) = label.file.line_col(label.span.start);
        let arrow = if i == 0 { "-->" } else { ":::" };
        let _ = writeln!(out, "{pad}{arrow} {}:{line}:{col}", label.file.name);
        let line_start = label.span.start.min(text.len());
        let line_start = text[..floor_char_boundary(text, line_start)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let source_line: String = text[line_start..line_end]
            .trim_end_matches('\r')
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let end = floor_char_boundary(text, label.span.end.clamp(label.span.start, line_end));
        let start = floor_char_boundary(text, label.span.start.min(line_end));
        let marks = text[start..end].chars().count().max(1);
        let (source_line, col, marks) = window(&source_line, col, marks);
        let _ = writeln!(out, "{pad} |");
        let shown = format!("{line:>width$} | {source_line}");
        let _ = writeln!(out, "{}", shown.trim_end());
        let mut under = format!("{pad} | {}{}", " ".repeat(col - 1), "^".repeat(marks));
        if !label.message.is_empty() {
            under.push(' ');
            under.push_str(&label.message);
        }
        let _ = writeln!(out, "{}", under.trim_end());
    }
    if !diagnostic.labels.is_empty()
        && (!diagnostic.notes.is_empty() || !diagnostic.help.is_empty())
    {
        let _ = writeln!(out, "{pad} |");
    }
    for note in &diagnostic.notes {
        let _ = writeln!(out, "{pad} = note: {note}");
    }
    for help in &diagnostic.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out
}

/// Renders several diagnostics, separated by blank lines.
pub fn render_all<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) -> String {
    diagnostics
        .into_iter()
        .map(render)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = .x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // `=` after the two-byte `é`
        assert_eq!(line_col(text, 10), (2, 4));
    }
}
