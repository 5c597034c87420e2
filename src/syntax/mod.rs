//! Stage 1: text → syntax tree.
//!
//! [`parse`] reads a mapping one top-level item at a time with the pest
//! grammar in `grammar/mapc.pest`. A syntax error does not end the parse:
//! it is reported and the parser resumes at the next item that starts a line,
//! so one run reports every broken item.

mod ast;
mod depth;
mod errors;
mod expressions;
mod items;
mod literals;
mod parser;
mod rule_names;
mod sexpr;

pub use ast::*;
pub use depth::MAX_NESTING;

use crate::diagnostics::{Diagnostic, SourceFile};
use std::sync::Arc;

/// Parses a mapping file. Returns the items that parsed and a diagnostic for
/// every syntax error; the tree is complete when there are none.
pub fn parse(file: &Arc<SourceFile>) -> (Ast, Vec<Diagnostic>) {
    parser::parse_file(file)
}
