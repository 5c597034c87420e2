//! The runtime value of a running mapping ([`Value`]) and its exact number
//! ([`Num`]).
//!
//! A module of its own below `program`, `eval` and `stdlib`, which all use
//! values, so that no stage imports a later one (`eval` runs what
//! `program` holds and calls `stdlib`; `stdlib` and `program` only need
//! values). `crate::eval` re-exports these under their old paths.

pub(crate) mod number;
mod runtime;

pub(crate) use number::Num;
pub use runtime::MAX_INPUT_DEPTH;
pub(crate) use runtime::{Value, too_deep};
