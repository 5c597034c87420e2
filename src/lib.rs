//! mapc: executable field mappings.
//!
//! A mapping says, one target field per line, where each field of the
//! target record comes from and how it is transformed. mapc checks it once
//! and applies it to every record:
//!
//! ```
//! use mapc::{Env, Mapping};
//! use mapc::json::json;
//!
//! let mapping = Mapping::compile(r#"
//!     param tenant: string
//!     id       = .id                       required
//!     email    = .customer.email | trim | lower
//!     amount   = .amount_cents / 100
//!     tenant   = $tenant
//! "#)?;
//!
//! let record = json!({"id": "ch_1", "customer": {"email": " Ada@Example.COM "}, "amount_cents": 1999});
//! let env = Env::new().with_param("tenant", "acme");
//! let out = mapping.apply_with(&record, &env)?;
//! assert_eq!(out, json!({"id": "ch_1", "email": "ada@example.com", "amount": 19.99, "tenant": "acme"}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pipeline is visible in the modules: [`syntax`] (text → tree),
//! `check` (tree → checked program, every problem at once), `eval` (program
//! × record → output), [`stdlib`] (the built-in functions, one table) and
//! [`diagnostics`] (errors as data, one renderer). The library never prints
//! and never exits; the `mapc` binary does that.
//!
//! The authoring tools build on the same stages: [`format()`] prints a
//! mapping in its canonical layout, comments kept; [`Mapping::describe`]
//! gives the field-level mapping table of an integration spec
//! ([`describe`], as Markdown, JSON or HTML); [`Mapping::schema`] gives
//! the JSON Schema of the target record ([`schema`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
pub mod describe;
pub mod diagnostics;
mod env;
mod eval;
pub mod format;
pub mod json;
mod mapping;
pub mod outline;
mod program;
mod projection;
pub mod reject;
pub mod reverse;
pub mod schema;
mod stack;
pub mod stdlib;
pub mod syntax;
pub mod testing;
mod value;

pub use check::Options;
pub use chrono_tz::Tz;
pub use describe::Description;
pub use diagnostics::{Code, Diagnostic, Severity};
pub use env::{Budget, Env};
pub use eval::{ApplyError, MAX_INPUT_DEPTH, Outcome, RuntimeError};
pub use format::format;
pub use mapping::{
    Bound, CompileError, FieldCount, FieldCounts, MAX_MAPPING_BYTES, Mapping, ParamInfo, Record,
    parse_json, parse_json_allowing_repeated_keys,
};
