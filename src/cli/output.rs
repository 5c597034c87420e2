//! Where mapped records go: stdout; a device or FIFO, written through; or
//! a regular file, written under a temporary name in its folder and
//! renamed into place (with the permissions the old file had) only when
//! the run finishes, so a failed run never leaves a half-written file. A
//! symbolic link is followed: the file it points to is replaced, the link
//! stays.

use super::Failure;
use super::cleanup;
use super::report::io_message;
use mapc::json::Value as Json;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The output of `mapc apply`.
pub(crate) struct Output {
    writer: Option<Box<dyn Write>>,
    kind: Kind,
    pretty: bool,
}

enum Kind {
    /// Stdout: written as the run goes.
    Stdout,
    /// A device, FIFO or socket (`/dev/null`, `/dev/stdout`): written
    /// through as the run goes, never replaced.
    Special(PathBuf),
    /// A regular file: the temporary path written, the path shown, the
    /// final path (symbolic links resolved) and the old file's permissions.
    File {
        temp: PathBuf,
        shown: PathBuf,
        path: PathBuf,
        keep: Option<fs::Permissions>,
    },
    /// Finished or dropped.
    Done,
}

/// A write that failed part-way: how many of the bytes given reached the
/// output, and the failure to report.
pub(crate) struct Broken {
    pub(crate) accepted: usize,
    pub(crate) failure: Failure,
}

impl Output {
    /// Stdout (`None` or `-`), a device or FIFO opened for writing, or a
    /// temporary file next to the file `path` names.
    ///
    /// # Errors
    /// The file cannot be opened or created.
    pub(crate) fn open(path: Option<&Path>, pretty: bool) -> Result<Output, Failure> {
        let Some(shown) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output {
                writer: Some(Box::new(io::stdout().lock())),
                kind: Kind::Stdout,
                pretty,
            });
        };
        // `metadata` follows symbolic links: what is written is what the
        // link points to
        let existing = fs::metadata(shown).ok();
        if let Some(metadata) = existing.as_ref().filter(|m| !m.is_file()) {
            if metadata.is_dir() {
                return Err(write_failure(shown, &io::Error::other("it is a folder")));
            }
            let file = OpenOptions::new()
                .write(true)
                .open(shown)
                .map_err(|e| write_failure(shown, &e))?;
            return Ok(Output {
                writer: Some(Box::new(file)),
                kind: Kind::Special(shown.to_path_buf()),
                pretty,
            });
        }
        let path = match existing {
            Some(_) => fs::canonicalize(shown).map_err(|e| write_failure(shown, &e))?,
            None => shown.to_path_buf(),
        };
        let name = path.file_name().ok_or_else(|| {
            Failure::usage(format_args!(
                "cannot write `{}`: not a file name",
                shown.display()
            ))
        })?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = path.with_file_name(temp_name);
        cleanup::register(&temp);
        let file = File::create(&temp).map_err(|e| {
            cleanup::forget(&temp);
            write_failure(shown, &e)
        })?;
        Ok(Output {
            writer: Some(Box::new(BufWriter::with_capacity(1 << 16, file))),
            kind: Kind::File {
                temp,
                shown: shown.to_path_buf(),
                path,
                keep: existing.map(|m| m.permissions()),
            },
            pretty,
        })
    }

    /// Whether what is written goes out at once (stdout, a device, a
    /// FIFO), rather than into a file put in place at the end.
    pub(crate) fn streams(&self) -> bool {
        matches!(self.kind, Kind::Stdout | Kind::Special(_))
    }

    /// The output's name in messages: `` `out.ndjson` `` or `stdout`.
    pub(crate) fn name(&self) -> String {
        match &self.kind {
            Kind::Stdout | Kind::Done => "stdout".to_string(),
            Kind::Special(path) | Kind::File { shown: path, .. } => {
                format!("`{}`", path.display())
            }
        }
    }

    /// Writes one JSON value and a newline.
    ///
    /// # Errors
    /// The output cannot be written.
    pub(crate) fn write(&mut self, value: &Json) -> Result<(), Failure> {
        let mut text = if self.pretty {
            mapc::json::to_vec_pretty(value)
        } else {
            mapc::json::to_vec(value)
        }
        .unwrap_or_default();
        text.push(b'\n');
        self.write_bytes(&text)
    }

    /// Writes bytes as they are (whole lines, already serialised).
    ///
    /// # Errors
    /// The output cannot be written.
    pub(crate) fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.write_counted(bytes).map_err(|broken| broken.failure)
    }

    /// Writes bytes as they are; when that fails, says how many of them
    /// reached the output (for stdout, a device or a FIFO: the records
    /// before that point were written).
    ///
    /// # Errors
    /// The output cannot be written.
    pub(crate) fn write_counted(&mut self, bytes: &[u8]) -> Result<(), Broken> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let mut done = 0;
        while done < bytes.len() {
            match writer.write(&bytes[done..]) {
                Ok(0) => {
                    let error = io::Error::from(io::ErrorKind::WriteZero);
                    return Err(self.broken(done, &error));
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.broken(done, &e)),
            }
        }
        Ok(())
    }

    fn broken(&mut self, accepted: usize, error: &io::Error) -> Broken {
        // nothing more is written after a failure
        self.writer = None;
        Broken {
            accepted,
            failure: self.failure(error),
        }
    }

    /// Hands what is buffered on to the file or pipe, so a reader sees
    /// the records written so far.
    ///
    /// # Errors
    /// The output cannot be written.
    pub(crate) fn flush(&mut self) -> Result<(), Failure> {
        let result = match self.writer.as_mut() {
            Some(writer) => writer.flush(),
            None => Ok(()),
        };
        result.map_err(|e| self.failure(&e))
    }

    /// Flushes the output and, for a file, moves it into place.
    ///
    /// # Errors
    /// The output cannot be written or renamed.
    pub(crate) fn finish(mut self) -> Result<(), Failure> {
        if let Some(mut writer) = self.writer.take() {
            writer.flush().map_err(|e| self.failure(&e))?;
        }
        if let Kind::File {
            temp,
            shown,
            path,
            keep,
        } = std::mem::replace(&mut self.kind, Kind::Done)
        {
            let placed = match keep {
                Some(permissions) => fs::set_permissions(&temp, permissions),
                None => Ok(()),
            }
            .and_then(|()| fs::rename(&temp, &path));
            if let Err(e) = placed {
                let _ = fs::remove_file(&temp);
                cleanup::forget(&temp);
                return Err(write_failure(&shown, &e));
            }
            cleanup::forget(&temp);
        }
        Ok(())
    }

    fn failure(&self, error: &io::Error) -> Failure {
        match &self.kind {
            Kind::Special(path) | Kind::File { shown: path, .. } => write_failure(path, error),
            // the reader went away (`mapc apply ... | head`): stop quietly
            Kind::Stdout | Kind::Done if error.kind() == io::ErrorKind::BrokenPipe => Failure {
                exit: super::Exit::Usage,
                report: String::new(),
            },
            Kind::Stdout | Kind::Done => Failure::usage(format_args!(
                "cannot write to stdout: {}",
                io_message(error)
            )),
        }
    }
}

impl Drop for Output {
    /// An output that was not finished leaves no file behind.
    fn drop(&mut self) {
        self.writer.take();
        if let Kind::File { temp, .. } = std::mem::replace(&mut self.kind, Kind::Done) {
            let _ = fs::remove_file(&temp);
            cleanup::forget(&temp);
        }
    }
}

fn write_failure(path: &Path, error: &io::Error) -> Failure {
    Failure::usage(format_args!(
        "cannot write `{}`: {}",
        path.display(),
        io_message(error)
    ))
}
