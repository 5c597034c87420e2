//! Comments are not in the syntax tree: a small scanner finds them in the
//! source, and the printer takes each one exactly once, by byte position.

use crate::syntax::Span;

/// One `# ...` comment.
#[derive(Clone, Debug)]
pub(super) struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// The text from `#` to the end of the line, trailing whitespace removed.
    pub text: String,
}

/// Every comment of a source text, in order, each taken at most once.
pub(super) struct Comments<'s> {
    source: &'s str,
    all: Vec<Comment>,
    taken: Vec<bool>,
}

/// The comments of `source`: a `#` outside a string literal starts a comment
/// that runs to the end of the line; strings are double-quoted with
/// backslash escapes.
pub(crate) fn scan(source: &str) -> Vec<(usize, String)> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'#' => {
                let end = source[i..].find('\n').map_or(source.len(), |n| i + n);
                out.push((i, source[i..end].trim_end().to_string()));
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

impl<'s> Comments<'s> {
    pub fn new(source: &'s str) -> Self {
        let all: Vec<Comment> = scan(source)
            .into_iter()
            .map(|(start, text)| Comment { start, text })
            .collect();
        let taken = vec![false; all.len()];
        Comments { source, all, taken }
    }

    /// Takes every comment that starts before `pos`.
    pub fn before(&mut self, pos: usize) -> Vec<Comment> {
        let mut out = Vec::new();
        for (i, c) in self.all.iter().enumerate() {
            if c.start >= pos {
                break;
            }
            if !self.taken[i] {
                self.taken[i] = true;
                out.push(c.clone());
            }
        }
        out
    }

    /// Takes the comment that follows `pos` on the same line with only
    /// whitespace between, if there is one.
    pub fn trailing(&mut self, pos: usize) -> Option<String> {
        let i = self
            .all
            .iter()
            .enumerate()
            .find(|(i, c)| c.start >= pos && !self.taken[*i])
            .map(|(i, _)| i)?;
        let between = self.source.get(pos..self.all[i].start)?;
        if between.chars().all(|c| c == ' ' || c == '\t') {
            self.taken[i] = true;
            Some(self.all[i].text.clone())
        } else {
            None
        }
    }

    /// See [`code_end`].
    pub fn code_end(&self, span: Span) -> usize {
        code_end(self.source, span)
    }

    /// Is there an empty line between `pos` and the code or comment before it?
    pub fn blank_before(&self, pos: usize) -> bool {
        let head = self.source.get(..pos).unwrap_or(self.source);
        let gap = head.len() - head.trim_end_matches([' ', '\t', '\r', '\n']).len();
        head[head.len() - gap..].matches('\n').count() >= 2
    }
}

/// The end of the last code (not whitespace, not a comment) in `span`:
/// pest spans of rules that end in an optional part run on over the
/// whitespace and comments after them.
pub(crate) fn code_end(source: &str, span: Span) -> usize {
    let bytes = source.as_bytes();
    let end = span.end.min(bytes.len());
    let mut i = span.start.min(end);
    let mut last = i;
    let mut in_string = false;
    while i < end {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
            i += 1;
            last = i.min(end);
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'#' => {
                i = source[i..].find('\n').map_or(end, |n| i + n);
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        i += 1;
        last = i;
    }
    last
}
