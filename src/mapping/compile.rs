//! Compiling: mapping text (or a file) → a checked [`Mapping`], or every
//! problem at once as a [`CompileError`].

use super::Mapping;
use crate::check::{self, Options};
use crate::diagnostics::{Code, Diagnostic, SourceFile, render_all};
use crate::projection;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a mapping did not compile. `Display` and `Debug` both render the
/// diagnostics as `mapc check` prints them (so `?` in a `main` that
/// returns `Result<(), Box<dyn Error>>` shows them, not a dump of the
/// mapping's text).
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

/// The rendered diagnostics (as `Display`), not the data structure: what
/// `fn main() -> Result<(), Box<dyn Error>>` prints for an error returned
/// with `?`.
impl fmt::Debug for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Read { path, error } => {
                write!(f, "cannot read `{}`: {error:?}", path.display())
            }
            CompileError::Invalid(diagnostics) => {
                writeln!(f, "the mapping does not compile:")?;
                f.write_str(render_all(diagnostics).trim_end())
            }
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
}
