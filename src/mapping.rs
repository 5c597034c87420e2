//! The public face of the pipeline: compile once, apply to every record.

use crate::check::{self, Options};
use crate::diagnostics::{Code, Diagnostic, SourceFile, render_all};
use crate::env::Env;
use crate::eval::{self, ApplyError, FieldEvent, Outcome, RuntimeError, Value};
use crate::json::Value as Json;
use crate::program::{ParamType, Program};
use crate::projection::{self, Need, Tree};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
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

/// One record's JSON text as [`Mapping::read`] read it: only the parts
/// the mapping reads, borrowing the text.
#[derive(Clone, Debug)]
pub struct Record<'t> {
    tree: Tree<'t>,
}

impl Record<'_> {
    /// The parts of the record that were read, as JSON.
    #[must_use]
    pub fn to_json(&self) -> Json {
        self.tree.to_json()
    }
}

/// Why a mapping did not compile.
#[derive(Debug)]
#[non_exhaustive]
pub enum CompileError {
    /// The mapping file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The mapping has errors (and perhaps warnings): all of them.
    Invalid(Vec<Diagnostic>),
}

impl CompileError {
    /// The diagnostics, when the mapping was read but is invalid.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            CompileError::Invalid(d) => d,
            CompileError::Read { .. } => &[],
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Read { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            CompileError::Invalid(diagnostics) => f.write_str(render_all(diagnostics).trim_end()),
        }
    }
}

impl std::error::Error for CompileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CompileError::Read { error, .. } => Some(error),
            CompileError::Invalid(_) => None,
        }
    }
}

/// The largest mapping source [`Mapping::compile`] accepts (1 MiB); a
/// larger one is error E312.
pub const MAX_MAPPING_BYTES: usize = 1 << 20;

/// A mapping with its parameters bound (see [`Mapping::bind`]), ready to
/// map many records. `Send + Sync`: one per thread or shared.
#[derive(Clone, Debug)]
pub struct Bound<'a> {
    program: &'a Program,
    params: Vec<Value<'a>>,
    /// The entries of the `supplied` tables, built once from the `Env`.
    supplied: Arc<[Option<crate::program::Table>]>,
    ambient: crate::env::Ambient,
}

impl Bound<'_> {
    /// Maps one record; the same result as [`Mapping::apply_with`]: the
    /// target record, or, for a mapping with `emit`, the array of its
    /// target records.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); error E422
    /// when a `skip` or `keep` guard leaves the record out (use
    /// [`Bound::apply_all`] to tell that apart).
    pub fn apply(&self, record: &Json) -> Result<Json, ApplyError> {
        let outcome = self.apply_all(record)?;
        single(self.program, outcome, || {
            self.skipping_guard(Value::from_json(record))
        })
    }

    fn skipping_guard<'r>(&'r self, root: Value<'r>) -> Option<usize> {
        eval::skipping_guard(
            self.program,
            root,
            self.params.clone(),
            &self.supplied,
            self.ambient,
        )
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
        eval::apply(
            self.program,
            root(self.program, record)?,
            self.params.clone(),
            &self.supplied,
            self.ambient,
            None,
        )
    }

    /// Maps one record like [`Bound::apply_all`] and, when it maps, adds to
    /// `counts` which target fields were written as null, from their
    /// default, or left out.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); `counts` is
    /// then left as it was.
    pub fn apply_all_counting(
        &self,
        record: &Json,
        counts: &mut FieldCounts,
    ) -> Result<Outcome<Vec<Json>>, ApplyError> {
        let mut events = Vec::new();
        let outcome = eval::apply(
            self.program,
            root(self.program, record)?,
            self.params.clone(),
            &self.supplied,
            self.ambient,
            Some(&mut events),
        )?;
        counts.add(events);
        Ok(outcome)
    }

    /// Maps one record like [`Bound::apply`] and, when it maps, adds to
    /// `counts` which target fields were written as null, from their
    /// default, or left out.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]); `counts` is
    /// then left as it was.
    pub fn apply_counting(
        &self,
        record: &Json,
        counts: &mut FieldCounts,
    ) -> Result<Json, ApplyError> {
        let mut events = Vec::new();
        let outcome = eval::apply(
            self.program,
            root(self.program, record)?,
            self.params.clone(),
            &self.supplied,
            self.ambient,
            Some(&mut events),
        )?;
        let json = single(self.program, outcome, || {
            self.skipping_guard(Value::from_json(record))
        })?;
        counts.add(events);
        Ok(json)
    }

    /// Maps a record read with [`Mapping::read`] to all its target
    /// records: the same result as [`Bound::apply_all`] gives for the whole
    /// record, with less work.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]).
    pub fn apply_record_all(&self, record: &Record<'_>) -> Result<Outcome<Vec<Json>>, ApplyError> {
        eval::apply(
            self.program,
            Value::from_tree(&record.tree),
            self.params.clone(),
            &self.supplied,
            self.ambient,
            None,
        )
    }

    /// Maps a record read with [`Mapping::read`]: the same result as
    /// [`Bound::apply`] gives for the whole record, with less work.
    ///
    /// # Errors
    /// Every error found in the record (see [`ApplyError`]).
    pub fn apply_record(&self, record: &Record<'_>) -> Result<Json, ApplyError> {
        let outcome = eval::apply(
            self.program,
            Value::from_tree(&record.tree),
            self.params.clone(),
            &self.supplied,
            self.ambient,
            None,
        )?;
        single(self.program, outcome, || {
            self.skipping_guard(Value::from_tree(&record.tree))
        })
    }

    /// Maps one record and appends its output to `out` as compact JSON
    /// text, without a newline: the bytes `mapc::json::to_writer` writes
    /// for [`Bound::apply`]'s result, written without building that value.
    /// With `counts`, adds to them as [`Bound::apply_counting`] does.
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
        self.write_single(root(self.program, record)?, counts, out)
    }

    /// Maps a record read with [`Mapping::read`] and appends its output to
    /// `out` like [`Bound::apply_to`].
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
    /// target records (see [`Bound::apply_all`]) to `out` as compact JSON,
    /// `separator` between two (`b'\n'` for NDJSON, `b','` inside an
    /// array), none after the last: the fastest way from JSON text to JSON
    /// text, and what `mapc apply` does for every NDJSON line. Gives how
    /// many records were written, or `Outcome::Skipped`.
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
        self.write_all(Value::from_tree(&record.tree), counts, separator, out)
    }

    /// Maps one record like [`Bound::apply_record_all_to`], from its value.
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
        self.write_all(root(self.program, record)?, counts, separator, out)
    }

    fn write_all<'r>(
        &'r self,
        root: Value<'r>,
        counts: Option<&mut FieldCounts>,
        separator: u8,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<usize>, ApplyError> {
        let mut events = Vec::new();
        let outcome = eval::apply_to(
            self.program,
            root,
            self.params.clone(),
            &self.supplied,
            self.ambient,
            counts.is_some().then_some(&mut events),
            separator,
            out,
        )?;
        if let Some(counts) = counts {
            counts.add(events);
        }
        Ok(outcome)
    }

    /// What [`Bound::apply`] gives, as text: one object, or an array for a
    /// mapping with `emit`.
    fn write_single<'r>(
        &'r self,
        root: Value<'r>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<(), ApplyError> {
        let array = !self.program.emits.is_empty();
        let start = out.len();
        if array {
            out.push(b'[');
        }
        let mut events = Vec::new();
        let outcome = eval::apply_to(
            self.program,
            root.clone(),
            self.params.clone(),
            &self.supplied,
            self.ambient,
            counts.is_some().then_some(&mut events),
            b',',
            out,
        );
        match outcome {
            Ok(Outcome::Mapped(_)) => {}
            Ok(Outcome::Skipped) => {
                out.truncate(start);
                return Err(skipped(self.program, self.skipping_guard(root)));
            }
            Err(error) => {
                out.truncate(start);
                return Err(error);
            }
        }
        if array {
            out.push(b']');
        }
        if let Some(counts) = counts {
            counts.add(events);
        }
        Ok(())
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

/// The one JSON value [`Bound::apply`] gives for an outcome.
fn single(
    program: &Program,
    outcome: Outcome<Vec<Json>>,
    guard: impl FnOnce() -> Option<usize>,
) -> Result<Json, ApplyError> {
    match outcome {
        Outcome::Skipped => Err(skipped(program, guard())),
        Outcome::Mapped(records) if program.emits.is_empty() => {
            Ok(records.into_iter().next().unwrap_or_default())
        }
        Outcome::Mapped(records) => Ok(Json::Array(records)),
    }
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

/// Per target field, how often it got no value from its source, over the
/// records mapped with [`Bound::apply_counting`]. Fields inside a list are
/// named with `[]`: `lines[].sku`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldCounts {
    /// By target path, in order.
    pub fields: BTreeMap<String, FieldCount>,
}

impl FieldCounts {
    /// Counts one record's field events.
    fn add(&mut self, events: Vec<(String, FieldEvent)>) {
        for (field, event) in events {
            let count = self.fields.entry(field).or_default();
            match event {
                FieldEvent::Null => count.null += 1,
                FieldEvent::Defaulted => count.defaulted += 1,
                FieldEvent::Omitted => count.omitted += 1,
            }
        }
    }

    /// Adds another set of counts (from another thread) to these.
    pub fn merge(&mut self, other: FieldCounts) {
        for (field, count) in other.fields {
            let mine = self.fields.entry(field).or_default();
            mine.null += count.null;
            mine.defaulted += count.defaulted;
            mine.omitted += count.omitted;
        }
    }
}

/// How often one target field got no value from its source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldCount {
    /// Written as `null`.
    pub null: u64,
    /// Written from its `default`.
    pub defaulted: u64,
    /// Left out.
    pub omitted: u64,
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
    /// Compiles mapping source text. Imports and CSV tables need a
    /// directory: use [`Mapping::from_file`] or [`Mapping::compile_with`].
    ///
    /// # Errors
    /// Every syntax and check error, as diagnostics.
    pub fn compile(source: &str) -> Result<Mapping, CompileError> {
        Mapping::compile_with("<mapping>", source, &Options::default())
    }

    /// Compiles source text reported under `name`, with imports and CSV
    /// files resolved against `options.base_dir`.
    ///
    /// # Errors
    /// Every syntax and check error, as diagnostics.
    pub fn compile_with(
        name: &str,
        source: &str,
        options: &Options,
    ) -> Result<Mapping, CompileError> {
        // a byte order mark may open the file (editors on Windows write one)
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        if source.len() > MAX_MAPPING_BYTES {
            return Err(CompileError::Invalid(vec![Diagnostic::error(
                Code::Limit,
                format!(
                    "mapping `{name}` is {} bytes; the limit is {MAX_MAPPING_BYTES} bytes",
                    source.len()
                ),
            )]));
        }
        let file = SourceFile::new(name, source);
        match check::check(file, options) {
            Ok((program, warnings)) => Ok(Mapping {
                need: Arc::new(projection::analyse(&program)),
                program: Arc::new(program),
                warnings: warnings.into(),
            }),
            Err(diagnostics) => Err(CompileError::Invalid(diagnostics)),
        }
    }

    /// Reads and compiles a mapping file; imports and CSV files are read
    /// relative to its directory.
    ///
    /// # Errors
    /// The file cannot be read, or the mapping is invalid.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Mapping, CompileError> {
        Mapping::from_file_with(path, &Options::default())
    }

    /// Reads and compiles a mapping file; imports and CSV files are read
    /// relative to its directory, from it and from `options.allowed_dirs`
    /// (`options.base_dir` is the file's directory, whatever it was).
    ///
    /// # Errors
    /// The file cannot be read, or the mapping is invalid.
    pub fn from_file_with(
        path: impl AsRef<Path>,
        options: &Options,
    ) -> Result<Mapping, CompileError> {
        let path = path.as_ref();
        let source = check::read_text_limited(path, MAX_MAPPING_BYTES as u64).map_err(|error| {
            CompileError::Read {
                path: path.to_path_buf(),
                error,
            }
        })?;
        let options = Options {
            base_dir: Some(
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ),
            allowed_dirs: options.allowed_dirs.clone(),
        };
        Mapping::compile_with(&path.display().to_string(), &source, &options)
    }

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

    /// Reads a record's JSON text for [`Bound::apply_record`], building
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

    /// Binds `env`'s parameters once, for applying the mapping to many
    /// records: [`Bound::apply`] does no parameter lookup per record.
    ///
    /// # Errors
    /// A parameter that is missing, unknown or of the wrong type.
    pub fn bind<'a>(&'a self, env: &'a Env) -> Result<Bound<'a>, ApplyError> {
        let params = self.bind_params(env);
        let supplied = self.bind_tables(env);
        match (params, supplied) {
            (Ok(params), Ok(supplied)) => Ok(Bound {
                program: &self.program,
                params,
                supplied: supplied.into(),
                ambient: env.ambient(),
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
    /// "now") from `env`: see [`Bound::apply_all`].
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
    /// record (it has `emit`): [`Bound::apply`] then gives an array.
    pub fn emits(&self) -> bool {
        !self.program.emits.is_empty()
    }

    /// Checks `env` once, so a caller can fail fast before the first
    /// record: its parameters against the declarations, and a default time
    /// zone when the mapping has a call that can read one (`today()`,
    /// `truncate_datetime` or `parse_datetime` without `zone:`, and
    /// `add_duration` by days or months without a zone). Applying without
    /// that zone fails only on the records that need it (E319).
    ///
    /// # Errors
    /// A parameter that is missing, unknown or of the wrong type; a default
    /// zone the mapping can need and `env` lacks (E319).
    pub fn check_env(&self, env: &Env) -> Result<(), ApplyError> {
        let params = self.bind(env).map(|_| ());
        let Some((name, loc)) = self
            .program
            .default_zone
            .filter(|_| env.time_zone().is_none())
        else {
            return params;
        };
        let zone = RuntimeError {
            code: Code::MissingEnvironment,
            message: format!(
                "`{name}` can read a time in the default time zone, and the environment has none"
            ),
            target: None,
            source_path: None,
            value: None,
            help: Some(
                "name the zone in the call, as in `zone: \"Europe/Berlin\"`, or set a default zone (CLI `--time-zone`, library `Env::with_time_zone`)".into(),
            ),
            file: Arc::clone(&self.program.files[loc.file as usize]),
            span: loc.span,
            notes: Vec::new(),
        };
        match params {
            Ok(()) => Err(ApplyError { errors: vec![zone] }),
            Err(mut error) => {
                error.errors.push(zone);
                Err(error)
            }
        }
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

    /// Builds the `supplied` tables from `env`, checked: each one given,
    /// no key twice, every key a scalar, no table the mapping does not
    /// declare supplied.
    fn bind_tables(&self, env: &Env) -> Result<Vec<Option<crate::program::Table>>, ApplyError> {
        let mut errors = Vec::new();
        let mut tables = Vec::with_capacity(self.program.tables.len());
        for declared in &self.program.tables {
            let Some(loc) = declared.supplied else {
                tables.push(None);
                continue;
            };
            let error = |message: String| RuntimeError {
                code: Code::TableValue,
                message,
                target: None,
                source_path: None,
                value: None,
                help: Some(
                    "supply it with `--table NAME=FILE` (CLI) or `Env::with_table` (library)"
                        .into(),
                ),
                notes: Vec::new(),
                file: Arc::clone(&self.program.files[loc.file as usize]),
                span: loc.span,
            };
            let Some(entries) = env.table(&declared.name) else {
                errors.push(error(format!(
                    "table `{}` is supplied at apply time and has no entries",
                    declared.name
                )));
                tables.push(None);
                continue;
            };
            let mut table =
                crate::program::Table::new(declared.name.clone(), declared.ignore_case, None);
            table.fallback = declared.fallback.clone();
            table.supplied = declared.supplied;
            for (key, value) in entries {
                match table.insert(key.clone(), value.clone()) {
                    Ok(None) => {}
                    Ok(Some(_)) => {
                        errors.push(error(format!(
                            "table `{}` is given key {key} twice",
                            declared.name
                        )));
                        break;
                    }
                    Err(()) => {
                        errors.push(error(format!(
                            "table `{}`: a key must be a string, number, boolean or null, not {key}",
                            declared.name
                        )));
                        break;
                    }
                }
            }
            tables.push(Some(table));
        }
        for name in env.tables() {
            let declared = self
                .program
                .tables
                .iter()
                .any(|t| t.name == name && t.supplied.is_some());
            if !declared {
                errors.push(RuntimeError {
                    code: Code::TableValue,
                    message: format!("the mapping has no supplied table `{name}`"),
                    target: None,
                    source_path: None,
                    value: None,
                    help: Some(
                        "declare it with `table NAME (supplied) {}` to take its entries at apply time"
                            .into(),
                    ),
                    notes: Vec::new(),
                    file: Arc::clone(&self.program.files[0]),
                    span: crate::syntax::Span::default(),
                });
            }
        }
        if errors.is_empty() {
            Ok(tables)
        } else {
            Err(ApplyError { errors })
        }
    }

    fn bind_params<'a>(&'a self, env: &'a Env) -> Result<Vec<Value<'a>>, ApplyError> {
        let mut errors = Vec::new();
        let mut values = Vec::with_capacity(self.program.params.len());
        for decl in &self.program.params {
            match env.param(&decl.name).or(decl.default.as_ref()) {
                Some(value) if eval::too_deep(value) => {
                    let mut error =
                        eval::too_deep_error(&self.program, &format!("parameter `${}`", decl.name));
                    error.file = Arc::clone(&self.program.files[decl.loc.file as usize]);
                    error.span = decl.loc.span;
                    errors.push(error);
                    values.push(Value::Missing);
                }
                Some(Json::Number(n))
                    if decl.ty == ParamType::Number
                        && crate::eval::number::parse_decimal(n.as_str()).is_none() =>
                {
                    // found now, not in every record that reads it
                    errors.push(self.param_error(format!(
                        "parameter `${}` is {n}, too large or too precise for exact \
                         arithmetic (at most 28 significant digits)",
                        decl.name
                    )));
                    values.push(Value::Missing);
                }
                Some(value) if crate::check::param_type_accepts(decl.ty, value) => {
                    values.push(Value::from_json(value))
                }
                Some(value) => {
                    errors.push(self.param_error(format!(
                        "parameter `${}` must be a {}, found {value}",
                        decl.name,
                        decl.ty.name()
                    )));
                    values.push(Value::Missing);
                }
                None => {
                    errors
                        .push(self.param_error(format!("parameter `${}` has no value", decl.name)));
                    values.push(Value::Missing);
                }
            }
        }
        for (name, _) in env.params() {
            if !self.program.params.iter().any(|p| p.name == name) {
                let mut error = self.param_error(format!("the mapping has no parameter `{name}`"));
                let declared: Vec<&str> = self
                    .program
                    .params
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                let suggestion = crate::diagnostics::did_you_mean(name, declared.iter().copied());
                // point at the declaration it was probably meant for, or at
                // the first one (not at the top of the file)
                if let Some(decl) = suggestion.or(declared.first().copied())
                    && let Some(decl) = self.program.params.iter().find(|p| p.name == decl)
                {
                    error.file = Arc::clone(&self.program.files[decl.loc.file as usize]);
                    error.span = decl.loc.span;
                }
                error.help = Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if declared.is_empty() => "the mapping declares no parameters".into(),
                    None => format!("declared parameters: {}", declared.join(", ")),
                });
                errors.push(error);
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(ApplyError { errors })
        }
    }

    fn param_error(&self, message: String) -> RuntimeError {
        // the declaration the message is about, in whichever file it is
        let decl = self
            .program
            .params
            .iter()
            .find(|p| message.contains(&format!("`${}`", p.name)));
        let file = Arc::clone(&self.program.files[decl.map_or(0, |d| d.loc.file as usize)]);
        let span = decl.map(|d| d.loc.span).unwrap_or_default();
        RuntimeError {
            code: Code::ParameterValue,
            message,
            target: None,
            source_path: None,
            value: None,
            help: Some(
                "pass it with `--param name=value` (CLI) or `Env::with_param` (library)".into(),
            ),
            notes: Vec::new(),
            file,
            span,
        }
    }
}

/// Parses one JSON text whole, as mapc reads input: every number keeps its
/// text exactly as written (`1E3` stays `1E3`, `2.50` stays `2.50`, where
/// serde_json's own parse would re-spell an exponent or read an `f64`). A
/// number copied from such a value to the output is written byte for byte
/// as it was read. An object that gives a key twice is refused (see
/// [`parse_json_allowing_repeated_keys`] and [`json::from_str`](crate::json::from_str)).
///
/// # Errors
/// The text is not one valid JSON value: a [`json::Error`](crate::json::Error)
/// that says what and names the line and column.
pub fn parse_json(text: &str) -> Result<Json, crate::json::Error> {
    projection::read(text, &Need::All).map(|tree| tree.to_json())
}

/// [`parse_json`] for a document whose records may give a key twice: such
/// an object keeps the key's first place and its last value (as serde_json
/// does), for a caller that finds and reports repeated keys itself (`mapc
/// apply` rejects each such record of an array with E411, and maps the
/// others). [`parse_json`] refuses a key twice.
///
/// ```
/// let json = mapc::parse_json_allowing_repeated_keys(r#"{"a": 1E3, "a": 2}"#).unwrap();
/// assert_eq!(json.to_string(), r#"{"a":2}"#);
/// assert!(mapc::parse_json(r#"{"a": 1, "a": 2}"#).is_err());
/// ```
///
/// # Errors
/// The text is not one valid JSON value (the error names the line and
/// column).
pub fn parse_json_allowing_repeated_keys(text: &str) -> Result<Json, crate::json::Error> {
    projection::read_allowing_repeated_keys(text)
}
