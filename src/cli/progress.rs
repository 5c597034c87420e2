//! The progress bar of a long NDJSON run: on stderr when it is a terminal
//! (records, records per second, bytes, elapsed), nothing otherwise, and
//! nothing with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar, or nothing.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total` input bytes (a spinner when unknown), only when
    /// stderr is a terminal and not `quiet`.
    pub(crate) fn new(quiet: bool, total: Option<u64>) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = match total {
            Some(total) => {
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4))
            }
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4)),
        };
        let template = if total.is_some() {
            "{elapsed_precise} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg}"
        } else {
            "{elapsed_precise} {spinner} {binary_bytes} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar: Some(bar) }
    }

    /// Records and bytes so far.
    pub(crate) fn update(&self, records: u64, bytes: u64, rejected: u64) {
        let Some(bar) = &self.bar else { return };
        bar.set_position(bytes);
        let seconds = bar.elapsed().as_secs_f64().max(1e-3);
        let rate = records as f64 / seconds;
        bar.set_message(format!(
            "{records} records, {rate:.0} records/s, {rejected} rejected"
        ));
    }

    /// Clears the bar.
    pub(crate) fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
