//! A document (a JSON array, an XML document) bound for stdout, a device
//! or a FIFO under `--on-error fail` is written whole or not at all: it
//! goes to a spool, an anonymous temporary file in `$TMPDIR`, and is
//! copied to the output only when the run ends without stopping. Memory
//! stays constant however long the document.
//!
//! The spool is `tempfile::tempfile()`: on Linux an `O_TMPFILE` file that
//! never has a name, elsewhere a file removed as soon as it is created.
//! Either way the system frees it when the process ends, however it ends
//! (an error, SIGINT, SIGTERM, even SIGKILL): there is nothing for
//! [`super::cleanup`] to remove.

use super::Failure;
use super::output::Output;
use super::report::io_message;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};

/// The document held until the run ends.
pub(crate) struct Spool {
    file: BufWriter<File>,
}

/// How much of the spool is copied to the output at a time.
const COPY_BYTES: usize = 1 << 16;

impl Spool {
    /// A new, empty spool in `$TMPDIR`.
    ///
    /// # Errors
    /// No temporary file can be created there.
    pub(crate) fn new() -> Result<Spool, Failure> {
        let file = tempfile::tempfile().map_err(|e| failure(&e))?;
        Ok(Spool {
            file: BufWriter::with_capacity(COPY_BYTES, file),
        })
    }

    /// Adds bytes to the document.
    ///
    /// # Errors
    /// The temporary file cannot be written (`$TMPDIR` is full).
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.file.write_all(bytes).map_err(|e| failure(&e))
    }

    /// Copies the whole document to `output`.
    ///
    /// # Errors
    /// The temporary file cannot be read back, or `output` cannot be
    /// written.
    pub(crate) fn copy_to(self, output: &mut Output) -> Result<(), Failure> {
        let mut file = self.file.into_inner().map_err(|e| failure(e.error()))?;
        file.rewind().map_err(|e| failure(&e))?;
        let mut buffer = vec![0; COPY_BYTES];
        loop {
            let n = match file.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(failure(&e)),
            };
            output.write_bytes(&buffer[..n])?;
        }
    }
}

fn failure(error: &io::Error) -> Failure {
    Failure::usage(format_args!(
        "cannot hold the output in a temporary file in `{}`: {}",
        std::env::temp_dir().display(),
        io_message(error)
    ))
}
