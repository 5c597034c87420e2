//! Where imports and CSV tables may be read from: the mapping's own folder
//! (and below it) and the folders allowed besides it
//! ([`Options::allow_dir`], `mapc --allow-path DIR`). A path that leads
//! elsewhere, by `..`, an absolute path or a symbolic link, is error E230,
//! and the file is never opened, so no line of it can show up in a
//! diagnostic. An imported file has the main file's size limit.

use super::{Checker, Options};
use crate::diagnostics::Code;
use crate::mapping::MAX_MAPPING_BYTES;
use crate::program::Loc;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The folders a mapping may read from, with symbolic links resolved. An
/// empty path (the folder of `m.map`) is the current folder; a folder
/// that does not exist allows nothing (it could not hold the file).
pub(super) fn roots(options: &Options) -> Vec<PathBuf> {
    options
        .base_dir
        .iter()
        .chain(&options.allowed_dirs)
        .filter_map(|dir| {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir.as_path()
            };
            std::fs::canonicalize(dir).ok()
        })
        .collect()
}

impl Checker {
    /// Resolves `path` relative to `base`, or reports why it cannot be
    /// read: there is no folder, or it leads outside the allowed ones.
    pub(super) fn resolve_path(
        &mut self,
        base: Option<&Path>,
        path: &str,
        loc: Loc,
        what: &str,
    ) -> Option<PathBuf> {
        let Some(dir) = base else {
            self.error(
                Code::Import,
                loc,
                format!("cannot read {what} `{path}`: this mapping has no directory"),
                "",
            )
            .help
            .push(
                "compile the mapping from a file (`Mapping::from_file`) or set `Options::base_dir`"
                    .into(),
            );
            return None;
        };
        let joined = dir.join(path);
        if self.inside_roots(&joined) {
            return Some(joined);
        }
        let diagnostic = self.error(
            Code::PathOutsideFolder,
            loc,
            format!("{what} `{path}` is outside the mapping's folder"),
            "not read",
        );
        diagnostic.notes.push(
            "imports and CSV tables are read from the mapping's folder and the folders below it"
                .into(),
        );
        diagnostic.help.push(
            "move the file there, or allow its folder: `--allow-path DIR` (CLI), \
             `Options::allow_dir` (library)"
                .into(),
        );
        None
    }

    /// Whether `path`, with symbolic links resolved, lies in an allowed
    /// folder. A file that does not exist is judged by its folder, so that
    /// it is reported as missing only where it may be read.
    fn inside_roots(&self, path: &Path) -> bool {
        let real = std::fs::canonicalize(path).ok().or_else(|| {
            let folder = std::fs::canonicalize(path.parent()?).ok()?;
            Some(folder.join(path.file_name()?))
        });
        real.is_some_and(|real| self.roots.iter().any(|root| real.starts_with(root)))
    }

    /// Reads an imported mapping: a regular file of at most
    /// [`MAX_MAPPING_BYTES`], without a byte order mark.
    pub(super) fn read_import(&mut self, path: &Path, loc: Loc) -> Option<String> {
        let shown = path.display();
        let read = || -> Result<String, String> {
            let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
            let metadata = file.metadata().map_err(|e| e.to_string())?;
            if !metadata.is_file() {
                return Err("it is not a regular file".into());
            }
            let mut text = String::new();
            let limit = u64::try_from(MAX_MAPPING_BYTES).unwrap_or(u64::MAX);
            file.take(limit + 1)
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            Ok(text)
        };
        match read() {
            Ok(text) if text.len() > MAX_MAPPING_BYTES => {
                self.error(
                    Code::Limit,
                    loc,
                    format!(
                        "`{shown}` is larger than the limit: the limit is \
                         {MAX_MAPPING_BYTES} bytes, as for the main mapping"
                    ),
                    "imported here",
                );
                None
            }
            Ok(text) => Some(match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            }),
            Err(error) => {
                self.error(
                    Code::Import,
                    loc,
                    format!("cannot read `{shown}`: {error}"),
                    "imported here",
                );
                None
            }
        }
    }
}
