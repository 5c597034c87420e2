//! Where mapped records go: stdout, or a file that is written under a
//! temporary name in the same directory and renamed into place only when
//! the run finishes, so a failed run never leaves a half-written file.

use super::Failure;
use super::report::io_message;
use serde_json::Value as Json;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The output of `mapc apply`.
pub(crate) struct Output {
    writer: Option<BufWriter<Box<dyn Write>>>,
    /// For a file: the temporary path written and the final path.
    file: Option<(PathBuf, PathBuf)>,
    pretty: bool,
}

impl Output {
    /// Stdout (`None` or `-`), or a temporary file next to `path`.
    ///
    /// # Errors
    /// The temporary file cannot be created.
    pub(crate) fn open(path: Option<&Path>, pretty: bool) -> Result<Output, Failure> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output {
                writer: Some(BufWriter::with_capacity(
                    1 << 16,
                    Box::new(io::stdout().lock()),
                )),
                file: None,
                pretty,
            });
        };
        let name = path.file_name().ok_or_else(|| {
            Failure::usage(format_args!(
                "cannot write `{}`: not a file name",
                path.display()
            ))
        })?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = path.with_file_name(temp_name);
        let file = File::create(&temp).map_err(|e| write_failure(path, &e))?;
        Ok(Output {
            writer: Some(BufWriter::with_capacity(1 << 16, Box::new(file))),
            file: Some((temp, path.to_path_buf())),
            pretty,
        })
    }

    /// Writes one JSON value and a newline.
    ///
    /// # Errors
    /// The output cannot be written.
    pub(crate) fn write(&mut self, value: &Json) -> Result<(), Failure> {
        let pretty = self.pretty;
        let result = match self.writer.as_mut() {
            Some(writer) => if pretty {
                serde_json::to_writer_pretty(&mut *writer, value)
            } else {
                serde_json::to_writer(&mut *writer, value)
            }
            .map_err(io::Error::from)
            .and_then(|()| writer.write_all(b"\n")),
            None => Ok(()),
        };
        result.map_err(|e| self.failure(&e))
    }

    /// Writes bytes as they are (whole lines, already serialised).
    ///
    /// # Errors
    /// The output cannot be written.
    pub(crate) fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let result = match self.writer.as_mut() {
            Some(writer) => writer.write_all(bytes),
            None => Ok(()),
        };
        result.map_err(|e| self.failure(&e))
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
        if let Some((temp, path)) = self.file.take()
            && let Err(e) = fs::rename(&temp, &path)
        {
            let _ = fs::remove_file(&temp);
            return Err(write_failure(&path, &e));
        }
        Ok(())
    }

    fn failure(&self, error: &io::Error) -> Failure {
        match &self.file {
            Some((_, path)) => write_failure(path, error),
            // the reader went away (`mapc apply ... | head`): stop quietly
            None if error.kind() == io::ErrorKind::BrokenPipe => Failure {
                exit: super::Exit::Usage,
                report: String::new(),
            },
            None => Failure::usage(format_args!(
                "cannot write to stdout: {}",
                io_message(error)
            )),
        }
    }
}

impl Drop for Output {
    /// An output that was not finished leaves no file behind.
    fn drop(&mut self) {
        if let Some((temp, _)) = self.file.take() {
            self.writer.take();
            let _ = fs::remove_file(temp);
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
