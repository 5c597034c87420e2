//! Deep recursion without stack overflow.
//!
//! Parsing bounds how deeply a mapping nests ([`crate::syntax::MAX_NESTING`]),
//! and checking how deeply defs call defs (`MAX_DEF_DEPTH`); within those
//! limits, evaluation through a chain of defs can still nest a few thousand
//! calls deep. The recursive stages call [`guard`], which continues on a new
//! stack segment on the heap when little of the thread's stack is left (as
//! rustc does, with the same crate), so the limits hold on a 2 MiB thread.

/// When less than this much stack is left, the next call gets a new segment.
const RED_ZONE: usize = 128 * 1024;
/// The size of a new segment.
const SEGMENT: usize = 2 * 1024 * 1024;

/// Runs `f`, on a fresh stack segment if the current one is nearly used up.
#[inline]
pub(crate) fn guard<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
