//! Temporary output files are removed however the run ends: on an error
//! (when the `Output` is dropped) and on SIGINT, SIGTERM and SIGHUP, which
//! would otherwise end the process without running any destructor.
//!
//! `signal-hook` delivers the signals to an ordinary thread (its iterator
//! API needs no `unsafe` here, which `#![forbid(unsafe_code)]` rules out),
//! and then re-raises the signal with its default action, so that the
//! shell still sees "killed by SIGINT" (exit status 130) rather than an
//! exit code that could be mistaken for one of mapc's own.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

/// The temporary files written at the moment.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporary() -> MutexGuard<'static, Vec<PathBuf>> {
    // a panic while holding the lock cannot leave the list half-changed
    TEMPORARY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Notes a temporary file, to be removed if a signal ends the run. The
/// first call installs the signal handler.
pub(crate) fn register(path: &Path) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(install);
    temporary().push(path.to_path_buf());
}

/// Forgets a temporary file (renamed into place, or removed).
pub(crate) fn forget(path: &Path) {
    temporary().retain(|p| p != path);
}

#[cfg(unix)]
fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        // without a handler the default action stays: the run ends, and
        // only the temporary file is left behind
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            for path in temporary().drain(..) {
                let _ = std::fs::remove_file(path);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn install() {}
