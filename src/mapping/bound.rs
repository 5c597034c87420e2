//! The bound mapping: a [`Mapping`] with its environment bound once, owned,
//! and the ways to map a record with it.

use super::Mapping;
use super::counts::FieldCounts;
use super::json::Record;
use super::record_error::RecordError;
use crate::diagnostics::Code;
use crate::env::{Ambient, Env};
use crate::eval::{self, ApplyError, Bindings, Outcome, Output, RuntimeError, Value};
use crate::json::Value as Json;
use crate::program::{Program, Table};
use std::sync::Arc;

/// A mapping with its environment bound: parameter values, `supplied`
/// tables, "now", the default zone and the budget, checked once by
/// [`Mapping::bind`]. Owned and `'static`, `Send + Sync`, and cheap to
/// clone (one `Arc`): compile and bind at start-up, keep it in the
/// application's state (an `Arc`, a `static`, an axum `State`), and map
/// records with it from any number of threads.
///
/// Two ways to map a record, one for each shape it comes in:
///
/// * [`BoundMapping::map_json`]: JSON text in (an NDJSON line, a request
///   body), JSON text out. The fast path: only what the mapping reads is
///   parsed, and the output is written without building a value.
/// * [`BoundMapping::map`]: a `mapc::json::Value` in, a value out.
///
/// Both give the target record (an array of target records for a mapping
/// with `emit`), or a [`RecordError`] that carries the record and every
/// error found in it, as data ([`RecordError::to_json`] is a reject-file
/// entry).
///
/// ```
/// use mapc::{BoundMapping, Env, Mapping};
///
/// let mapping = Mapping::compile("param tenant: string\nid = .id required\ntenant = $tenant")?;
/// let bound: BoundMapping = mapping.bind(&Env::new().with_param("tenant", "acme"))?;
/// assert_eq!(bound.map_json(r#"{"id": 7}"#)?, r#"{"id":7,"tenant":"acme"}"#);
///
/// let error = bound.map_json(r#"{"name": "no id"}"#).unwrap_err();
/// assert_eq!(error.codes(), [mapc::Code::RequiredMissing]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # The advanced layer
/// The `apply*` methods are the building blocks of the two above and of
/// `mapc apply`: [`BoundMapping::apply_all`] tells a skipped record
/// (`Outcome::Skipped`) from a failed one and gives each target record of
/// an `emit` apart; the `*_counting` methods and the `counts` arguments add
/// [`FieldCounts`]; the `*_to` methods append JSON text to a buffer the
/// caller reuses; the `apply_record*` methods take a record read with
/// [`Mapping::read`]. Their errors are [`ApplyError`]s, without the record.
#[derive(Clone, Debug)]
pub struct BoundMapping {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    mapping: Mapping,
    /// The parameters' values, in declaration order, checked.
    params: Vec<Json>,
    /// The entries of the `supplied` tables, built once from the `Env`.
    supplied: Vec<Option<Table>>,
    ambient: Ambient,
}

impl Mapping {
    /// Binds `env` once, for mapping many records: its parameters (checked
    /// against the declarations, defaults filled in), its `supplied` tables
    /// (checked: error E382), "now", the default zone and the budget. The
    /// result owns what it needs (the `Env` can be dropped) and does no
    /// parameter lookup per record.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use mapc::{Env, Mapping};
    /// use mapc::json::json;
    ///
    /// let mapping = Mapping::compile(r#"
    ///     param tenant: string
    ///     tenant   = $tenant
    ///     received = now()
    ///     day      = today()
    /// "#)?;
    /// let env = Env::new()
    ///     .with_param("tenant", "acme")
    ///     .with_now(DateTime::parse_from_rfc3339("2026-03-29T23:30:00Z")?)
    ///     .with_time_zone("Europe/Berlin".parse()?);
    /// let bound = mapping.bind(&env)?;
    /// drop(env);
    /// assert_eq!(
    ///     bound.map(&json!({}))?,
    ///     json!({"tenant": "acme", "received": "2026-03-29T23:30:00Z", "day": "2026-03-30"})
    /// );
    ///
    /// // a parameter missing or of the wrong type is found here, once
    /// let error = mapping.bind(&Env::new().with_param("tenant", 42)).unwrap_err();
    /// assert_eq!(error.codes(), [mapc::Code::ParameterValue]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A parameter that is missing, unknown or of the wrong type (E380); a
    /// supplied table missing, unknown or invalid (E382): every one found.
    pub fn bind(&self, env: &Env) -> Result<BoundMapping, ApplyError> {
        let params = self.bind_params(env);
        let supplied = self.bind_tables(env);
        match (params, supplied) {
            (Ok(params), Ok(supplied)) => Ok(BoundMapping {
                inner: Arc::new(Inner {
                    mapping: self.clone(),
                    params,
                    supplied,
                    ambient: env.ambient(),
                }),
            }),
            (params, supplied) => Err(ApplyError {
                errors: params
                    .err()
                    .into_iter()
                    .chain(supplied.err())
                    .flat_map(|e| e.errors)
                    .collect(),
            }),
        }
    }
}

impl BoundMapping {
    /// The mapping this binds.
    pub fn mapping(&self) -> &Mapping {
        &self.inner.mapping
    }

    fn program(&self) -> &Program {
        &self.inner.mapping.program
    }

    fn bindings(&self) -> Bindings<'_> {
        Bindings {
            program: self.program(),
            params: &self.inner.params,
            supplied: &self.inner.supplied,
            ambient: self.inner.ambient,
        }
    }

    /// Maps one record's JSON text (an NDJSON line, a JSON document; ASCII
    /// whitespace around it is ignored) to its output as compact JSON text:
    /// the target record, or for a mapping with `emit` the array of its
    /// target records. The fastest way from text to text: only the parts
    /// of the record the mapping reads are parsed, and the output is
    /// written as it is built. The same output `mapc apply` writes for the
    /// line.
    ///
    /// ```
    /// # use mapc::{Env, Mapping};
    /// let bound = Mapping::compile("id = .id\nname = upper(.name)")?.bind(&Env::new())?;
    /// assert_eq!(bound.map_json(b"{\"id\": 7, \"name\": \"ada\", \"unread\": [1, 2]}\n")?, r#"{"id":7,"name":"ADA"}"#);
    /// // 20 digits and an exponent pass untouched
    /// assert_eq!(bound.map_json(r#"{"id": 98765432109876543210, "name": "x"}"#)?, r#"{"id":98765432109876543210,"name":"X"}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`RecordError`] with the text: the text is not UTF-8 or not JSON
    /// (E400), an object gives a key twice (E411), or the record fails
    /// (every error found in it; E420 when it is not an object, E421 when
    /// a `reject` guard rejects it, E422 when a `skip` or `keep` guard
    /// leaves it out).
    pub fn map_json(&self, text: impl AsRef<[u8]>) -> Result<String, RecordError> {
        let bytes = text.as_ref();
        let record = crate::reject::read_line(self.mapping(), bytes)
            .map_err(|error| RecordError::input(bytes, error))?;
        let mut out = Vec::new();
        match self.apply_record_to(&record, None, &mut out) {
            Ok(()) => Ok(String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
            Err(projected) => {
                // the whole record names what the projected read left out
                // ("did you mean `email`?")
                let text = std::str::from_utf8(bytes.trim_ascii()).unwrap_or_default();
                let error = crate::reject::full_report(self, text, projected);
                Err(RecordError::apply_text(bytes, error))
            }
        }
    }

    /// Maps one record given as a value to its output: the target record,
    /// or for a mapping with `emit` the array of its target records.
    ///
    /// ```
    /// # use mapc::{Env, Mapping};
    /// # use mapc::json::json;
    /// let bound = Mapping::compile("total = .amount_cents / 100")?.bind(&Env::new())?;
    /// assert_eq!(bound.map(&json!({"amount_cents": 1999}))?, json!({"total": 19.99}));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`RecordError`] with a copy of the record and every error found
    /// in it (E420 when it is not an object, E421 when a `reject` guard
    /// rejects it, E422 when a `skip` or `keep` guard leaves it out).
    pub fn map(&self, record: &Json) -> Result<Json, RecordError> {
        self.apply(record)
            .map_err(|error| RecordError::apply_value(record, error))
    }

    /// Maps one record: the target record, or for a mapping with `emit`
    /// the array of its target records ([`BoundMapping::map`] without the
    /// record in the error).
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); error E422
    /// when a `skip` or `keep` guard leaves the record out (use
    /// [`BoundMapping::apply_all`] to tell that apart).
    pub fn apply(&self, record: &Json) -> Result<Json, ApplyError> {
        self.apply_counting_opt(record, None)
    }

    /// Maps one record to all its target records: one for a mapping
    /// without `emit`; the rules' record (if the mapping has rules) and
    /// then each record `emit` gives, in order. `Outcome::Skipped` when a
    /// `skip` or `keep` guard leaves the record out.
    ///
    /// ```
    /// # use mapc::{Mapping, Outcome};
    /// # use mapc::json::json;
    /// let mapping = Mapping::compile(r#"
    ///     skip if .test
    ///     order = .id
    ///     emit for line in .lines { order = .id  sku = line.sku }
    /// "#)?;
    /// let env = mapc::Env::default();
    /// let bound = mapping.bind(&env)?;
    /// let order = json!({"id": 7, "lines": [{"sku": "A"}, {"sku": "B"}]});
    /// assert_eq!(
    ///     bound.apply_all(&order)?,
    ///     Outcome::Mapped(vec![
    ///         json!({"order": 7}),
    ///         json!({"order": 7, "sku": "A"}),
    ///         json!({"order": 7, "sku": "B"}),
    ///     ])
    /// );
    /// assert_eq!(bound.apply_all(&json!({"id": 8, "test": true}))?, Outcome::Skipped);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]): a record
    /// fails as a whole, none of its target records is given.
    pub fn apply_all(&self, record: &Json) -> Result<Outcome<Vec<Json>>, ApplyError> {
        self.values(root(self.program(), record)?, None)
    }

    /// Maps one record like [`BoundMapping::apply_all`] and, when it maps,
    /// adds to `counts` which target fields were written as null, from
    /// their default, or left out.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); `counts` is
    /// then left as it was.
    pub fn apply_all_counting(
        &self,
        record: &Json,
        counts: &mut FieldCounts,
    ) -> Result<Outcome<Vec<Json>>, ApplyError> {
        self.values(root(self.program(), record)?, Some(counts))
    }

    /// Maps one record like [`BoundMapping::apply`] and, when it maps, adds
    /// to `counts` which target fields were written as null, from their
    /// default, or left out.
    ///
    /// ```
    /// # use mapc::{Env, FieldCounts, Mapping};
    /// # use mapc::json::json;
    /// let mapping = Mapping::compile("id = .id\nemail = .email optional\nplan = .plan default \"free\"")?;
    /// let bound = mapping.bind(&Env::new())?;
    /// let mut counts = FieldCounts::default();
    /// for record in [json!({"id": 1}), json!({"id": 2, "email": "a@b.c"}), json!({"id": 3, "plan": "pro"})] {
    ///     bound.apply_counting(&record, &mut counts)?;
    /// }
    /// assert_eq!(counts.fields["email"].omitted, 2);
    /// assert_eq!(counts.fields["plan"].defaulted, 2);
    /// assert!(!counts.fields.contains_key("id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); `counts` is
    /// then left as it was.
    pub fn apply_counting(
        &self,
        record: &Json,
        counts: &mut FieldCounts,
    ) -> Result<Json, ApplyError> {
        self.apply_counting_opt(record, Some(counts))
    }

    fn apply_counting_opt(
        &self,
        record: &Json,
        counts: Option<&mut FieldCounts>,
    ) -> Result<Json, ApplyError> {
        let outcome = self.values(root(self.program(), record)?, counts)?;
        self.single(outcome, || {
            eval::skipping_guard(self.bindings(), Value::from_json(record))
        })
    }

    /// Maps a record read with [`Mapping::read`] to all its target
    /// records: the same result as [`BoundMapping::apply_all`] gives for
    /// the whole record, with less work.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]).
    pub fn apply_record_all(&self, record: &Record<'_>) -> Result<Outcome<Vec<Json>>, ApplyError> {
        self.values(Value::from_tree(&record.tree), None)
    }

    /// Maps a record read with [`Mapping::read`]: the same result as
    /// [`BoundMapping::apply`] gives for the whole record, with less work.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]).
    pub fn apply_record(&self, record: &Record<'_>) -> Result<Json, ApplyError> {
        let outcome = self.values(Value::from_tree(&record.tree), None)?;
        self.single(outcome, || {
            eval::skipping_guard(self.bindings(), Value::from_tree(&record.tree))
        })
    }

    /// Maps one record and appends its output to `out` as compact JSON
    /// text, without a newline: the bytes `mapc::json::to_writer` writes
    /// for [`BoundMapping::apply`]'s result, written without building that
    /// value. With `counts`, adds to them as [`BoundMapping::apply_counting`]
    /// does.
    ///
    /// ```
    /// # use mapc::{Env, Mapping};
    /// let mapping = Mapping::compile("id = .id\nname = upper(.name)").unwrap();
    /// let env = Env::default();
    /// let bound = mapping.bind(&env).unwrap();
    /// let mut out = Vec::new();
    /// bound.apply_to(&mapc::json::json!({"id": 7, "name": "ada"}), None, &mut out)?;
    /// assert_eq!(out, br#"{"id":7,"name":"ADA"}"#);
    /// # Ok::<(), mapc::ApplyError>(())
    /// ```
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); nothing is
    /// then appended to `out`, and `counts` is left as it was.
    pub fn apply_to(
        &self,
        record: &Json,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<(), ApplyError> {
        self.write_single(root(self.program(), record)?, counts, out)
    }

    /// Maps a record read with [`Mapping::read`] and appends its output to
    /// `out` like [`BoundMapping::apply_to`].
    ///
    /// ```
    /// # use mapc::{Env, Mapping};
    /// let mapping = Mapping::compile("id = .id\nname = upper(.name)").unwrap();
    /// let env = Env::default();
    /// let bound = mapping.bind(&env).unwrap();
    /// let record = mapping.read(r#"{"id": 7, "name": "ada", "unread": [1, 2]}"#).unwrap();
    /// let mut out = Vec::new();
    /// bound.apply_record_to(&record, None, &mut out)?;
    /// assert_eq!(out, br#"{"id":7,"name":"ADA"}"#);
    /// # Ok::<(), mapc::ApplyError>(())
    /// ```
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); nothing is
    /// then appended to `out`, and `counts` is left as it was.
    pub fn apply_record_to(
        &self,
        record: &Record<'_>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<(), ApplyError> {
        self.write_single(Value::from_tree(&record.tree), counts, out)
    }

    /// Maps a record read with [`Mapping::read`] and appends each of its
    /// target records (see [`BoundMapping::apply_all`]) to `out` as compact
    /// JSON, `separator` between two (`b'\n'` for NDJSON, `b','` inside an
    /// array), none after the last: what `mapc apply` does for every NDJSON
    /// line. Gives how many records were written, or `Outcome::Skipped`.
    ///
    /// ```
    /// # use mapc::{Env, Mapping, Outcome};
    /// let mapping = Mapping::compile("emit for l in .lines { sku = l.sku }").unwrap();
    /// let env = Env::default();
    /// let bound = mapping.bind(&env).unwrap();
    /// let record = mapping.read(r#"{"lines": [{"sku": "A"}, {"sku": "B"}]}"#).unwrap();
    /// let mut out = Vec::new();
    /// assert_eq!(bound.apply_record_all_to(&record, None, b'\n', &mut out)?, Outcome::Mapped(2));
    /// assert_eq!(out, b"{\"sku\":\"A\"}\n{\"sku\":\"B\"}");
    /// # Ok::<(), mapc::ApplyError>(())
    /// ```
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); nothing is
    /// then appended to `out`, and `counts` is left as it was.
    pub fn apply_record_all_to(
        &self,
        record: &Record<'_>,
        counts: Option<&mut FieldCounts>,
        separator: u8,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<usize>, ApplyError> {
        self.text(Value::from_tree(&record.tree), counts, separator, out)
    }

    /// Maps one record like [`BoundMapping::apply_record_all_to`], from its
    /// value.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); nothing is
    /// then appended to `out`, and `counts` is left as it was.
    pub fn apply_all_to(
        &self,
        record: &Json,
        counts: Option<&mut FieldCounts>,
        separator: u8,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<usize>, ApplyError> {
        self.text(root(self.program(), record)?, counts, separator, out)
    }

    /// Runs the record once: its target records as values.
    fn values<'r>(
        &'r self,
        root: Value<'r>,
        counts: Option<&mut FieldCounts>,
    ) -> Result<Outcome<Vec<Json>>, ApplyError> {
        let mut records = Vec::new();
        let outcome = self.run(root, counts, Output::Values(&mut records))?;
        Ok(match outcome {
            Outcome::Mapped(_) => Outcome::Mapped(records),
            Outcome::Skipped => Outcome::Skipped,
        })
    }

    /// Runs the record once: its target records appended to `out` as text.
    fn text<'r>(
        &'r self,
        root: Value<'r>,
        counts: Option<&mut FieldCounts>,
        separator: u8,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<usize>, ApplyError> {
        self.run(root, counts, Output::Text { out, separator })
    }

    /// The one place a record is run, its field events counted when asked.
    fn run<'r>(
        &'r self,
        root: Value<'r>,
        counts: Option<&mut FieldCounts>,
        output: Output<'_>,
    ) -> Result<Outcome<usize>, ApplyError> {
        let mut events = Vec::new();
        let outcome = eval::apply(
            self.bindings(),
            root,
            counts.is_some().then_some(&mut events),
            output,
        )?;
        if let Some(counts) = counts {
            counts.add(events);
        }
        Ok(outcome)
    }

    /// What [`BoundMapping::apply`] gives, as text: one object, or an array
    /// for a mapping with `emit`.
    fn write_single<'r>(
        &'r self,
        root: Value<'r>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<(), ApplyError> {
        let array = self.mapping().emits();
        let start = out.len();
        if array {
            out.push(b'[');
        }
        match self.text(root.clone(), counts, b',', out) {
            Ok(Outcome::Mapped(_)) => {}
            Ok(Outcome::Skipped) => {
                out.truncate(start);
                let guard = eval::skipping_guard(self.bindings(), root);
                return Err(skipped(self.program(), guard));
            }
            Err(error) => {
                out.truncate(start);
                return Err(error);
            }
        }
        if array {
            out.push(b']');
        }
        Ok(())
    }

    /// The one JSON value [`BoundMapping::apply`] gives for an outcome.
    fn single(
        &self,
        outcome: Outcome<Vec<Json>>,
        guard: impl FnOnce() -> Option<usize>,
    ) -> Result<Json, ApplyError> {
        match outcome {
            Outcome::Skipped => Err(skipped(self.program(), guard())),
            Outcome::Mapped(records) if !self.mapping().emits() => {
                Ok(records.into_iter().next().unwrap_or_default())
            }
            Outcome::Mapped(records) => Ok(Json::Array(records)),
        }
    }
}

/// The root value of a record given as JSON: refused when it nests more
/// deeply than [`eval::MAX_INPUT_DEPTH`] (a value built in code has no
/// parser's limit).
fn root<'r>(program: &Program, record: &'r Json) -> Result<Value<'r>, ApplyError> {
    if eval::too_deep(record) {
        return Err(ApplyError {
            errors: vec![eval::too_deep_error(program, "the record")],
        });
    }
    Ok(Value::from_json(record))
}

/// E422: a skipped record where one value was asked for.
fn skipped(program: &Program, guard: Option<usize>) -> ApplyError {
    let guard = guard.and_then(|i| program.guards.get(i));
    ApplyError {
        errors: vec![RuntimeError {
            code: Code::Skipped,
            message: "a `skip` or `keep` guard leaves this record out".into(),
            target: None,
            source_path: None,
            value: None,
            value_json: None,
            help: Some(
                "`apply` gives one value per record: use `apply_all`, which says `Outcome::Skipped`"
                    .into(),
            ),
            notes: Vec::new(),
            file: Arc::clone(&program.files[guard.map_or(0, |g| g.loc.file as usize)]),
            span: guard.map(|g| g.loc.span).unwrap_or_default(),
        }],
    }
}
