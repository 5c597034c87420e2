//! Where `mapc apply` writes, checked before the first record is read: an
//! output that cannot be written must not be found only at the end, after
//! the records (and their rejects) are gone, and no output may overwrite
//! the input, the mapping or another output.

use super::Failure;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One file the run writes: the option that names it (`-o`, `reject=`,
/// `--stats`) and its path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    pub(crate) option: &'static str,
    pub(crate) path: &'a Path,
}

impl Target<'_> {
    /// `` `-o out.ndjson` ``, as the messages show it.
    fn named(&self) -> String {
        let path = self.path.display();
        match self.option {
            "reject=" => format!("`--on-error reject={path}`"),
            option => format!("`{option} {path}`"),
        }
    }
}

/// Checks every output target (stdout, `-`, is skipped): it is not a
/// folder, its folder exists, and it is neither one of `inputs` (the input
/// and mapping files) nor the same file as another target. Devices and
/// FIFOs (`/dev/null`, `/dev/stdout`) may be named more than once.
///
/// # Errors
/// The first target that breaks a rule, worded for the user.
pub(crate) fn check(inputs: &[(&str, &Path)], targets: &[Target<'_>]) -> Result<(), Failure> {
    let mut seen: Vec<(Identity, Target<'_>)> = Vec::new();
    for target in targets.iter().filter(|t| t.path.as_os_str() != "-") {
        let identity = identity(target)?;
        for (what, input) in inputs {
            if let Ok(input) = fs::metadata(input)
                && identity.is_file(&input)
            {
                return Err(Failure::usage(format_args!(
                    "{} is the {what}: writing it would destroy the {what}; choose another file",
                    target.named()
                )));
            }
        }
        if identity.shared() {
            continue;
        }
        if let Some((_, earlier)) = seen.iter().find(|(seen, _)| *seen == identity) {
            return Err(Failure::usage(format_args!(
                "{} is the same file as {}: each output needs a file of its own",
                target.named(),
                earlier.named()
            )));
        }
        seen.push((identity, *target));
    }
    Ok(())
}

/// What a target path names, to compare two of them.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// An existing regular file (symbolic links followed).
    File(FileId),
    /// A device, FIFO or socket: written through, never replaced.
    Special(FileId),
    /// A file still to be created: its folder's real path and its name.
    New(PathBuf),
}

impl Identity {
    /// Whether this is the existing file `metadata` describes.
    fn is_file(&self, metadata: &fs::Metadata) -> bool {
        match self {
            Identity::File(id) | Identity::Special(id) => *id == FileId::of(metadata),
            Identity::New(_) => false,
        }
    }

    /// Devices and FIFOs may be shared (`-o /dev/null` and
    /// `--stats /dev/null`).
    fn shared(&self) -> bool {
        matches!(self, Identity::Special(_))
    }
}

/// A file's device and inode: two paths (hard links, symbolic links,
/// `./a` and `a`) name the same file exactly when these agree.
#[derive(Debug, PartialEq, Eq)]
struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    #[cfg(unix)]
    fn of(metadata: &fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            device: metadata.dev(),
            inode: metadata.ino(),
        }
    }

    #[cfg(not(unix))]
    fn of(_: &fs::Metadata) -> FileId {
        // elsewhere only paths are compared (see `identity`)
        FileId {
            device: 0,
            inode: 0,
        }
    }
}

fn identity(target: &Target<'_>) -> Result<Identity, Failure> {
    let path = target.path;
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(Failure::usage(format_args!(
            "{} is a folder: name a file (in it, or elsewhere)",
            target.named()
        ))),
        Ok(metadata) if metadata.is_file() => Ok(Identity::File(FileId::of(&metadata))),
        Ok(metadata) => Ok(Identity::Special(FileId::of(&metadata))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let real = fs::canonicalize(folder).map_err(|_| {
                Failure::usage(format_args!(
                    "{}: the folder `{}` does not exist",
                    target.named(),
                    folder.display()
                ))
            })?;
            if !real.is_dir() {
                return Err(Failure::usage(format_args!(
                    "{}: `{}` is not a folder",
                    target.named(),
                    folder.display()
                )));
            }
            let name = path.file_name().ok_or_else(|| {
                Failure::usage(format_args!("{}: not a file name", target.named()))
            })?;
            Ok(Identity::New(real.join(name)))
        }
        Err(e) => Err(Failure::usage(format_args!(
            "{}: {}",
            target.named(),
            super::report::io_message(&e)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mapc-targets-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch");
        dir
    }

    fn target<'a>(option: &'static str, path: &'a Path) -> Target<'a> {
        Target { option, path }
    }

    #[test]
    fn a_new_file_twice_under_two_spellings_is_refused() {
        let dir = scratch("twice");
        let a = dir.join("out.ndjson");
        let b = dir.join(".").join("out.ndjson");
        let error = check(&[], &[target("-o", &a), target("reject=", &b)]).unwrap_err();
        assert!(
            error.report.contains("is the same file as `-o"),
            "{}",
            error.report
        );
        let c = dir.join("other.ndjson");
        assert!(check(&[], &[target("-o", &a), target("reject=", &c)]).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_to_the_input_is_the_input() {
        let dir = scratch("link");
        let input = dir.join("in.ndjson");
        fs::write(&input, "{}\n").expect("written");
        let link = dir.join("copy.ndjson");
        fs::hard_link(&input, &link).expect("linked");
        let error = check(&[("input file", &input)], &[target("--stats", &link)]).unwrap_err();
        assert!(
            error.report.contains("is the input file"),
            "{}",
            error.report
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn devices_may_be_named_twice() {
        let null = Path::new("/dev/null");
        assert!(check(&[], &[target("-o", null), target("--stats", null)]).is_ok());
    }
}
