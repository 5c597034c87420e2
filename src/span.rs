//! Where something is in a mapping's source text, as byte offsets. Below
//! both the syntax tree, whose every node carries one, and diagnostics,
//! whose labels point with one (line and column are computed only when a
//! diagnostic is rendered); it is public as [`crate::syntax::Span`].

/// A byte range in a mapping's source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}
