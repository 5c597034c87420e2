//! Writing a command's result to stdout or to `-o FILE`, and finding the
//! mapping files under the paths a command is given.

use super::report::io_message;
use super::{Exit, Failure};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `text` to `output`, or to stdout when there is none.
pub(crate) fn write_text(output: Option<&Path>, text: &str) -> Result<Exit, Failure> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            Failure::usage(format_args!(
                "cannot write `{}`: {}",
                path.display(),
                io_message(&e)
            ))
        })?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| {
                Failure::usage(format_args!("cannot write to stdout: {}", io_message(&e)))
            })?,
    }
    Ok(Exit::Success)
}

/// One line on stdout (a closed stdout is not worth a failure).
pub(crate) fn status(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The mapping files named by `paths`: a file as given, a folder searched
/// for `*.map` files (recursively, in name order; `target/` and hidden
/// folders are skipped).
///
/// # Errors
/// A path that does not exist or a folder that cannot be listed.
pub(crate) fn mapping_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(Failure::usage(format_args!(
                "cannot read `{}`: No such file or directory",
                path.display()
            )));
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::usage(format_args!(
            "cannot list `{}`: {}",
            dir.display(),
            io_message(&e)
        ))
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, found)?;
            }
        } else if path.extension().is_some_and(|e| e == "map") {
            // `orders.map`, not `./orders.map`, when searching `.`
            found.push(
                path.strip_prefix(".")
                    .map_or_else(|_| path.clone(), Path::to_path_buf),
            );
        }
    }
    Ok(())
}

/// Raises `exit` to `new` when `new` is worse: an unreadable file (2)
/// outranks an invalid mapping (3), which outranks a failed record, case or
/// unformatted file (1).
pub(crate) fn raise(exit: &mut Exit, new: Exit) {
    let rank = |e: Exit| match e {
        Exit::Success => 0,
        Exit::RecordsFailed => 1,
        Exit::InvalidMapping => 2,
        Exit::Usage => 3,
    };
    if rank(new) > rank(*exit) {
        *exit = new;
    }
}
