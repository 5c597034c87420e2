//! Stage 2: syntax tree → checked [`Program`], with every problem at once.
//!
//! The checker resolves names (variables, parameters, tables, defs and
//! built-in functions), checks argument counts and the types it can know,
//! loads imports and CSV tables, finds target fields written twice and
//! recursive defs, and lowers the tree to the program the evaluator runs.
//! It reports all problems it finds rather than stopping at the first.

mod calls;
mod constants;
mod constraints;
mod csv_text;
mod data;
mod expr;
mod growth;
mod recursion;
pub(crate) use expr::infer;
mod modules;
pub(crate) use modules::param_type_accepts;
mod paths;
mod replacement;
mod reverse_rules;
mod statements;
mod tables;
mod targets;
mod warnings;

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::program::{self, Loc, Program};
use crate::syntax::{self, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a mapping's imports and CSV files are read from.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The directory relative to which `import` and `from csv` paths are
    /// resolved; `None` forbids both. Files are read only from it (and the
    /// folders below it) and from `allowed_dirs`: a path that leads
    /// elsewhere is error E230.
    pub base_dir: Option<PathBuf>,
    /// Folders besides `base_dir` that imports and CSV tables may be read
    /// from (`mapc --allow-path DIR`).
    pub allowed_dirs: Vec<PathBuf>,
}

impl Options {
    /// Allows imports and CSV tables from `dir` (and the folders below
    /// it) besides the mapping's own folder.
    ///
    /// ```
    /// let options = mapc::Options::default().allow_dir("/srv/shared-tables");
    /// assert_eq!(options.allowed_dirs.len(), 1);
    /// ```
    #[must_use]
    pub fn allow_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.allowed_dirs.push(dir.into());
        self
    }
}

/// The largest CSV table file read (128 MiB); a larger one is error E209.
pub const MAX_CSV_BYTES: u64 = 128 << 20;

/// Reads at most `limit` bytes of a file: a larger file (or a device that
/// never ends, `/dev/zero`) is an error after `limit + 1` bytes, never an
/// allocation without bound.
pub(crate) fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "the file is larger than the limit of {limit} bytes"
        )));
    }
    Ok(bytes)
}

/// [`read_limited`] as UTF-8 text.
pub(crate) fn read_text_limited(path: &Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read_limited(path, limit)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// The result of checking: a program and its warnings, or every diagnostic.
pub(crate) fn check(
    file: Arc<SourceFile>,
    options: &Options,
) -> Result<(Program, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_nested(file, options, 0)
}

/// [`check`], for a `reverse` block `depth` blocks deep (0: the mapping).
fn check_nested(
    file: Arc<SourceFile>,
    options: &Options,
    depth: usize,
) -> Result<(Program, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut checker = Checker::new();
    checker.roots = paths::roots(options);
    let root = checker.add_file(Arc::clone(&file));
    let (ast, syntax_errors) = syntax::parse(&file);
    checker.diagnostics.extend(syntax_errors);
    let module = checker.module(root, &ast, options.base_dir.clone(), true);
    let top = checker.top_level(&module, &ast);
    // warnings only for a mapping without errors: an error's cascade
    // (`$tenat` unknown, so `tenant` unused) would only repeat it
    if !checker.diagnostics.iter().any(Diagnostic::is_error) {
        checker.warnings(root, &ast);
        checker.growth_warnings(root, &ast);
    }
    checker.check_recursion();
    checker.check_def_depth();
    let reverse = reverse_rules::check(&file, &ast, depth);
    checker.diagnostics.extend(reverse);
    // errors before warnings; syntax errors first (a check error may
    // follow from one); then in reading order, file by file
    let files = &checker.files;
    checker.diagnostics.sort_by_key(|d| {
        let at = d.labels.first().map(|label| {
            let file = files.iter().position(|f| Arc::ptr_eq(f, &label.file));
            (file.unwrap_or(usize::MAX), label.span.start)
        });
        (
            d.severity == crate::diagnostics::Severity::Warning,
            !d.code.as_str().starts_with("E1"),
            at,
        )
    });
    if checker.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(checker.diagnostics);
    }
    let program = Program {
        body: top.body,
        guards: top.guards,
        emits: top.emits,
        header: top.header,
        tables: checker.tables,
        defs: checker.defs.into_iter().map(|d| d.compiled).collect(),
        params: checker.params.into_iter().map(|p| p.decl).collect(),
        policy: checker.policy,
        slots: checker.slots,
        files: checker.files,
        default_zone: checker.default_zone,
        patterns: checker.patterns,
    };
    Ok((
        program,
        crate::diagnostics::remove_allowed(checker.diagnostics),
    ))
}

/// A def while checking: its compiled body and the defs it calls.
struct DefEntry {
    compiled: program::Def,
    /// The parameters' names, known before the body is checked.
    param_names: Vec<String>,
    loc: Loc,
    calls: Vec<(usize, Loc)>,
}

struct ParamEntry {
    decl: program::ParamDecl,
}

/// The names one file can see: its own tables and defs and those it imports.
#[derive(Default)]
struct Module {
    file: u32,
    tables: HashMap<String, usize>,
    defs: HashMap<String, usize>,
}

struct Checker {
    files: Vec<Arc<SourceFile>>,
    diagnostics: Vec<Diagnostic>,
    tables: Vec<program::Table>,
    defs: Vec<DefEntry>,
    params: Vec<ParamEntry>,
    policy: program::Policy,
    slots: usize,
    /// What the checker knows of each slot's type (a `let`'s value, a `for`
    /// index), so types flow through names.
    slot_types: Vec<crate::stdlib::Ty>,
    /// What the uses of a def parameter's slot need it to be (`x * 2`: a
    /// number), so a call with a value that can never be that is an error.
    slot_needs: Vec<Option<crate::stdlib::Ty>>,
    /// Canonical paths of the modules being loaded (import cycle detection)
    /// and of those already loaded.
    loading: Vec<PathBuf>,
    loaded: HashMap<PathBuf, Module>,
    /// The first key of every target written, for help on a rule that
    /// tries to read another rule's output.
    target_names: std::collections::HashSet<String>,
    /// Loaded modules whose text has syntax errors.
    broken: Vec<PathBuf>,
    /// The main file's constant `let`s, which defs see.
    constants: Vec<constants::ConstantLet>,
    /// The main file's top-level `let`s that read the record (for help:
    /// a def cannot see them).
    record_lets: Vec<String>,
    /// Constant `let`s moved before every rule, because a def reads one.
    hoisted: Vec<program::Statement>,
    /// The first call that can read the environment's default time zone.
    default_zone: Option<(&'static str, Loc)>,
    /// The folders imports and CSV tables may be read from.
    roots: Vec<PathBuf>,
    /// The constant patterns, compiled once (see [`crate::stdlib::Patterns`]).
    patterns: crate::stdlib::Patterns,
}

impl Checker {
    fn new() -> Self {
        Checker {
            files: Vec::new(),
            diagnostics: Vec::new(),
            tables: Vec::new(),
            defs: Vec::new(),
            params: Vec::new(),
            policy: program::Policy::default(),
            slots: 0,
            slot_types: Vec::new(),
            slot_needs: Vec::new(),
            loading: Vec::new(),
            loaded: HashMap::new(),
            target_names: std::collections::HashSet::new(),
            broken: Vec::new(),
            constants: Vec::new(),
            hoisted: Vec::new(),
            record_lets: Vec::new(),
            default_zone: None,
            roots: Vec::new(),
            patterns: crate::stdlib::Patterns::default(),
        }
    }

    fn add_file(&mut self, file: Arc<SourceFile>) -> u32 {
        self.files.push(file);
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    fn file(&self, id: u32) -> &Arc<SourceFile> {
        &self.files[id as usize]
    }

    fn loc(&self, file: u32, span: Span) -> Loc {
        Loc { file, span }
    }

    /// An error with its primary label.
    fn error(
        &mut self,
        code: Code,
        loc: Loc,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        let file = Arc::clone(self.file(loc.file));
        self.diagnostics
            .push(Diagnostic::error(code, message).with_label(&file, loc.span, label));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// A slot whose value's types are known.
    fn new_typed_slot(&mut self, ty: crate::stdlib::Ty) -> usize {
        let slot = self.new_slot();
        self.slot_types[slot] = ty;
        slot
    }

    fn new_slot(&mut self) -> usize {
        self.slots += 1;
        self.slot_types.push(crate::stdlib::Ty::ANY);
        self.slot_needs.push(None);
        self.slots - 1
    }
}
