//! The public face of the pipeline: compile once ([`Mapping`]), bind the
//! environment once ([`BoundMapping`]), map every record.
//!
//! * `compile`: text or a file → [`Mapping`], or a [`CompileError`].
//! * `bind`: [`Env`] → [`BoundMapping`], checked once.
//! * `bound`: mapping a record, text to text or value to value.
//! * `record_error`: a failed record as data ([`RecordError`]).
//! * `counts`: [`FieldCounts`].
//! * `json`: reading JSON text ([`parse_json`], [`Record`]).

mod bind;
mod bound;
mod compile;
mod counts;
mod json;
mod record_error;

pub use bound::BoundMapping;
pub use compile::{CompileError, MAX_MAPPING_BYTES};
pub use counts::{FieldCount, FieldCounts};
pub use json::{Record, parse_json, parse_json_allowing_repeated_keys};
pub use record_error::RecordError;

use crate::diagnostics::Diagnostic;
use crate::env::Env;
use crate::eval::{ApplyError, Outcome};
use crate::json::Value as Json;
use crate::program::Program;
use crate::projection::{self, Need};
use std::sync::Arc;

/// A compiled mapping: checked, immutable, `Send + Sync`, cheap to clone
/// and share across threads.
#[derive(Clone, Debug)]
pub struct Mapping {
    program: Arc<Program>,
    /// What of a record the program reads, for [`Mapping::parse_record`].
    need: Arc<Need>,
    warnings: Arc<[Diagnostic]>,
}

/// A parameter a mapping declares.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParamInfo {
    /// Its name (written `$name` in the mapping).
    pub name: String,
    /// `string`, `number`, `bool` or `any`.
    pub ty: &'static str,
    /// Whether it has a default (and so may be left out).
    pub has_default: bool,
}

impl Mapping {
    /// The checked program, for the tools that describe it.
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// Warnings found while compiling.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The parameters the mapping declares.
    pub fn params(&self) -> Vec<ParamInfo> {
        self.program
            .params
            .iter()
            .map(|p| ParamInfo {
                name: p.name.clone(),
                ty: p.ty.name(),
                has_default: p.default.is_some(),
            })
            .collect()
    }

    /// Parses a record's JSON text, keeping only the parts this mapping
    /// reads; the rest is checked for syntax and skipped without being
    /// built. [`Mapping::apply`] gives the same output for the result as for
    /// the whole record, faster.
    ///
    /// # Errors
    /// The text is not one valid JSON value.
    pub fn parse_record(&self, text: &str) -> Result<Json, crate::json::Error> {
        self.read(text).map(|record| record.to_json())
    }

    /// Reads a record's JSON text for [`BoundMapping::apply_record`], building
    /// only the parts this mapping reads (strings and numbers borrow the
    /// text); the rest is checked for syntax and skipped. The fastest way
    /// to map JSON text.
    ///
    /// # Errors
    /// The text is not one valid JSON value.
    pub fn read<'t>(&self, text: &'t str) -> Result<Record<'t>, crate::json::Error> {
        projection::read(text, &self.need).map(|tree| Record { tree })
    }

    /// For the fuzz targets only (feature `fuzzing`): whether the fast
    /// projected parse behind [`Mapping::read`] agrees with serde_json on
    /// `text`, about validity and about the value read.
    ///
    /// # Errors
    /// How the two disagree.
    #[cfg(feature = "fuzzing")]
    #[doc(hidden)]
    pub fn fuzz_scanner_agrees(&self, text: &str) -> Result<(), String> {
        projection::scanner_agrees(text, &self.need)
    }

    /// Maps one record with an empty environment.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]).
    pub fn apply(&self, record: &Json) -> Result<Json, ApplyError> {
        self.apply_with(record, &Env::default())
    }

    /// Maps one record with parameters (and "now") from `env`.
    ///
    /// # Errors
    /// Every error found in the record, or a parameter that is missing,
    /// unknown or of the wrong type.
    pub fn apply_with(&self, record: &Json, env: &Env) -> Result<Json, ApplyError> {
        self.bind(env)?.apply(record)
    }

    /// Maps one record to all its target records, with parameters (and
    /// "now") from `env`: see [`BoundMapping::apply_all`].
    ///
    /// # Errors
    /// Every error found in the record, or a parameter that is missing,
    /// unknown or of the wrong type, or a supplied table missing or invalid.
    pub fn apply_all_with(
        &self,
        record: &Json,
        env: &Env,
    ) -> Result<Outcome<Vec<Json>>, ApplyError> {
        self.bind(env)?.apply_all(record)
    }

    /// Whether the mapping can give several target records per input
    /// record (it has `emit`): [`BoundMapping::apply`] then gives an array.
    pub fn emits(&self) -> bool {
        !self.program.emits.is_empty()
    }

    /// The tables the mapping declares `supplied`, by name: what
    /// [`Env::with_table`] must give.
    pub fn supplied_tables(&self) -> Vec<String> {
        self.program
            .tables
            .iter()
            .filter(|t| t.supplied.is_some())
            .map(|t| t.name.clone())
            .collect()
    }
}
