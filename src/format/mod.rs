//! `mapc fmt`: the canonical layout of a mapping file.
//!
//! [`format()`] parses the text, refuses text with syntax errors, and prints
//! the tree back in one canonical style:
//!
//! - two-space indentation inside blocks, one rule per line;
//! - in a run of consecutive rules (not broken by a blank line, a comment on
//!   its own line or a multi-line rule) the `=` signs, the options and the
//!   end-of-line comments are aligned like the columns of a mapping table;
//!   table entries and the arms of a multi-line `match` align on `=>`;
//! - spaces around binary operators, `|`, `=` and `=>`; strings re-escaped
//!   canonically; numbers as written;
//! - parentheses only where precedence needs them, and the author's own;
//! - at most one blank line in a row; no trailing whitespace; one final
//!   newline.
//!
//! Line breaks inside an expression are the author's: where a rule's or a
//! `let`'s value was broken over several lines before an operator (`|`,
//! `??`, `+`, ...), before an `else`, or after a comma of a list, call or
//! object, it is broken there again, the next line indented to where the
//! broken expression starts; elsewhere it is joined. (A statement that
//! takes lines of its own, a block or a `for`, keeps each of its
//! expressions on one line.)
//!
//! Comments are not in the syntax tree. A scanner finds them, and each is
//! put back by position: a comment on its own line stays before the item,
//! statement, table entry or match arm that follows it; a comment at the end
//! of a line stays at the end of that construct's line (of that line of a
//! broken expression); comments at the end of a block stay before its
//! closing brace. A comment that cannot stay where it was (inside an
//! expression that is joined onto one line) moves to its own line before
//! the statement.
//!
//! ```
//! let formatted = mapc::format("id=.id   required\ncustomer_email = .email|trim # raw\n").unwrap();
//! assert_eq!(formatted, "id             = .id  required\ncustomer_email = .email | trim  # raw\n");
//! ```

mod comments;
pub(crate) use comments::code_end;
mod expr;
mod layout;
mod statements;

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::syntax;
use comments::{Comment, Comments};
use layout::{Entry, render};

/// Formats mapping source text canonically. Formatting is idempotent:
/// `format(format(x)) == format(x)`, and the result parses to the same tree.
///
/// # Errors
/// The syntax errors of `source`, as diagnostics: text that does not parse
/// is not formatted.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    format_named("<mapping>", source)
}

/// [`format()`], with syntax errors reported under `name` (a file path).
///
/// # Errors
/// The syntax errors of `source`, as diagnostics.
pub fn format_named(name: &str, source: &str) -> Result<String, Vec<Diagnostic>> {
    // a byte order mark is accepted, and not written back
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let file = SourceFile::new(name, source);
    let (ast, errors) = syntax::parse(&file);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut printer = Printer {
        source,
        comments: Comments::new(source),
        hoisted: Vec::new(),
        flat: true,
    };
    let entries = printer.items(&ast);
    let lines = render(&entries, "");
    let mut out = lines.join("\n");
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

/// The comments found in mapping source text, in order, as written (from
/// `#` to the end of the line, trailing whitespace removed). The formatter
/// keeps every one of them.
pub fn comments(source: &str) -> Vec<String> {
    comments::scan(source).into_iter().map(|(_, t)| t).collect()
}

/// The comments of `source` with the byte offset of each `#`.
pub(crate) fn comments_at(source: &str) -> Vec<(usize, String)> {
    comments::scan(source)
}

/// Can `name` be written as a key (a target, a field) without quotes?
pub(crate) fn is_plain_key(name: &str) -> bool {
    expr::is_plain(name)
}

struct Printer<'s> {
    source: &'s str,
    comments: Comments<'s>,
    /// Comments found inside the statement being printed, where they cannot
    /// stay; they are put on their own lines before it.
    hoisted: Vec<Comment>,
    /// No line breaks inside expressions: set except while printing the
    /// value of a rule or `let` that takes no lines of its own.
    flat: bool,
}

impl Printer<'_> {
    /// Before a construct at `pos`: the comments on their own lines before
    /// it, and the blank lines that separate them (one at most).
    fn leading(&mut self, entries: &mut Vec<Entry>, pos: usize) {
        for comment in self.comments.before(pos) {
            self.blank(entries, comment.start);
            entries.push(Entry::Comment(comment.text));
        }
        self.blank(entries, pos);
    }

    fn blank(&self, entries: &mut Vec<Entry>, pos: usize) {
        let after_blank = matches!(entries.last(), None | Some(Entry::Blank));
        if !after_blank && self.comments.blank_before(pos) {
            entries.push(Entry::Blank);
        }
    }

    /// Comments found inside a construct (those still untaken before `end`
    /// join them), on their own lines.
    fn push_hoisted(&mut self, entries: &mut Vec<Entry>, mut hoisted: Vec<Comment>, end: usize) {
        hoisted.extend(self.comments.before(end));
        for comment in hoisted {
            entries.push(Entry::Comment(comment.text));
        }
    }

    /// The comments left before a closing brace at `close`.
    fn closing(&mut self, entries: &mut Vec<Entry>, close: usize) {
        for comment in self.comments.before(close) {
            self.blank(entries, comment.start);
            entries.push(Entry::Comment(comment.text));
        }
    }
}
