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
//! let bound = mapping.bind(&Env::new().with_param("tenant", "acme"))?;
//! let record = json!({"id": "ch_1", "customer": {"email": " Ada@Example.COM "}, "amount_cents": 1999});
//! assert_eq!(bound.map(&record)?, json!({"id": "ch_1", "email": "ada@example.com", "amount": 19.99, "tenant": "acme"}));
//! assert_eq!(
//!     bound.map_json(r#"{"id": "ch_2", "amount_cents": 5}"#)?,
//!     r#"{"id":"ch_2","email":null,"amount":0.05,"tenant":"acme"}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What an embedder needs
//!
//! | type | what it is |
//! |---|---|
//! | [`Mapping`] | a compiled mapping: [`Mapping::compile`], [`Mapping::from_file`]; checked, immutable, shared |
//! | [`Env`] | what a mapping may know besides the record: parameters, `supplied` tables, "now", the default zone |
//! | [`Budget`] | the work one record may cost (steps, bytes), in the `Env` |
//! | [`BoundMapping`] | a mapping with its `Env` bound once ([`Mapping::bind`]): owned, `Send + Sync + 'static`; [`BoundMapping::map_json`] maps text to text, [`BoundMapping::map`] a value to a value |
//! | [`RecordError`] | a record that did not map, with the record: every error, [`RecordError::to_json`] a reject-file entry |
//! | [`RuntimeError`] | one error of a record: code, target field, source path, value ([`RuntimeError::value_json`]), line and column in the mapping |
//! | [`ApplyError`] | every error of a record, without the record (the `apply*` methods) |
//! | [`CompileError`] | why a mapping did not compile: its [`Diagnostic`]s |
//! | [`Diagnostic`], [`Code`], [`Severity`] | a problem as data: a stable code (`E300`; `Display` and `Serialize`), message, labelled spans; rendered as `mapc check` prints it |
//! | [`FieldCounts`] | per target field, how often it was null, defaulted or left out |
//! | [`Outcome`] | mapped or skipped, from [`BoundMapping::apply_all`] |
//!
//! Depend on mapc with `default-features = false`: the `cli` feature (on by
//! default) is the `mapc` command and what only it uses.
//!
//! ## Compile from a file
//!
//! Imports and CSV tables are read relative to the mapping's file; a
//! mapping that does not compile gives every problem at once, and its
//! `Debug` (what `?` in `main` prints) is the rendered diagnostics.
//!
//! ```
//! use mapc::{Env, Mapping};
//!
//! let mapping = Mapping::from_file("mappings/stripe_charge/charge.map")?;
//! let env = Env::new()
//!     .with_param("tenant_id", "acme")
//!     .with_now(chrono::DateTime::parse_from_rfc3339("2026-03-29T10:00:00Z")?)
//!     .with_time_zone(mapc::Tz::Europe__Berlin);
//! let bound = mapping.bind(&env)?;
//! let line = r#"{"id": "ch_1", "object": "charge", "amount": 1999, "amount_refunded": 0, "currency": "usd",
//!               "status": "succeeded", "created": 1234567890, "livemode": false}"#;
//! let out: serde_json::Value = serde_json::from_str(&bound.map_json(line)?)?;
//! assert_eq!(out["tenant_id"], "acme");
//!
//! let error = Mapping::compile("email = .email | trmi").unwrap_err();
//! assert!(format!("{error:?}").contains("error[E200]: unknown function `trmi`"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map from several threads
//!
//! A [`BoundMapping`] is one `Arc`: keep it in the application's state and
//! clone it into every worker (or share a reference).
//!
//! ```
//! use mapc::{BoundMapping, Env, Mapping};
//! use std::sync::OnceLock;
//!
//! static ORDERS: OnceLock<BoundMapping> = OnceLock::new();
//!
//! fn orders() -> &'static BoundMapping {
//!     ORDERS.get_or_init(|| {
//!         let mapping = Mapping::compile("id = .id required\ntotal = .cents / 100").expect("a valid mapping");
//!         mapping.bind(&Env::new()).expect("no parameters to bind")
//!     })
//! }
//!
//! let workers: Vec<_> = (0..4)
//!     .map(|i| {
//!         let bound = orders().clone();
//!         std::thread::spawn(move || bound.map_json(format!(r#"{{"id": {i}, "cents": 250}}"#)))
//!     })
//!     .collect();
//! for (i, worker) in workers.into_iter().enumerate() {
//!     assert_eq!(worker.join().unwrap()?, format!(r#"{{"id":{i},"total":2.5}}"#));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors as data
//!
//! ```
//! use mapc::{Code, Env, Mapping};
//! use mapc::json::json;
//!
//! let bound = Mapping::compile("id = .id required\ntotal = .cents / 100")?.bind(&Env::new())?;
//! let error = bound.map_json(r#"{"cents": "2.50"}"#).unwrap_err();
//! assert_eq!(error.codes(), [Code::RequiredMissing, Code::TypeMismatch]);
//! let total = &error.errors()[1];
//! assert_eq!((total.target.as_deref(), total.source_path.as_deref()), (Some("total"), Some("$.cents")));
//! assert_eq!(total.value_json(), Some(json!("2.50")));
//! assert_eq!(total.line_col(), (2, 9));
//! // the entry `mapc apply --on-error reject=FILE` writes for the record
//! let entry = error.at_line(3).to_json();
//! assert_eq!(entry["line"], 3);
//! assert_eq!(entry["input"], r#"{"cents": "2.50"}"#);
//! assert_eq!(entry["errors"][1]["code"], "E301");
//! // a record that is not JSON is an error like any other
//! assert_eq!(bound.map_json("{\"cents\": ").unwrap_err().codes(), [Code::InvalidJson]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Field counts
//!
//! ```
//! use mapc::{Env, FieldCounts, Mapping};
//! use mapc::json::json;
//!
//! let bound = Mapping::compile("id = .id\nemail = .email optional\nplan = .plan default \"free\"")?
//!     .bind(&Env::new())?;
//! let mut counts = FieldCounts::default();
//! for record in [json!({"id": 1}), json!({"id": 2, "email": "a@b.c"})] {
//!     bound.apply_counting(&record, &mut counts)?;
//! }
//! assert_eq!((counts.fields["email"].omitted, counts.fields["plan"].defaulted), (1, 2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The pipeline, and what tool authors use
//!
//! The pipeline is visible in the modules: `syntax` (text → tree),
//! `check` (tree → checked program, every problem at once), `eval` (program
//! × record → output), `stdlib` (the built-in functions, one table) and
//! [`diagnostics`] (errors as data, one renderer). The library never prints
//! and never exits; the `mapc` binary does that.
//!
//! The authoring tools build on the same stages: [`format()`] prints a
//! mapping in its canonical layout, comments kept; [`Mapping::describe`]
//! gives the field-level mapping table of an integration spec
//! ([`describe`], as Markdown, JSON or HTML); [`Mapping::schema`] gives
//! the JSON Schema of the target record ([`schema`]); [`reverse`] derives
//! the mapping back; [`reject`] builds reject-file entries. The syntax
//! tree, the built-in table, the test runner (`mapc test`) and the outline
//! (for editors) are public for mapc's own command and language server and
//! hidden from these docs: they change with the language.

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
#[doc(hidden)]
pub mod outline;
mod program;
mod projection;
pub mod reject;
pub mod reverse;
pub mod schema;
mod span;
mod stack;
#[doc(hidden)]
pub mod stdlib;
#[doc(hidden)]
pub mod syntax;
#[doc(hidden)]
pub mod testing;
mod value;

pub use check::Options;
pub use chrono_tz::Tz;
pub use describe::Description;
#[doc(inline)]
pub use diagnostics::{Code, Diagnostic, Severity};
pub use env::{Budget, Env};
pub use eval::{ApplyError, MAX_INPUT_DEPTH, Outcome, RuntimeError};
pub use format::format;
pub use mapping::{
    BoundMapping, CompileError, FieldCount, FieldCounts, MAX_MAPPING_BYTES, Mapping, ParamInfo,
    Record, RecordError, parse_json, parse_json_allowing_repeated_keys,
};
