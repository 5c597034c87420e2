//! The run loop: records streamed in chunks, in constant memory, whatever
//! their format, mapped on `--jobs` threads and written in input order to
//! the output and the reject file.

use super::Args;
use super::arguments::bind;
use super::summary::conclude;
use crate::cli::formats::{Chunk, RecordReader, RecordWriter, Unit};
use crate::cli::input::Source;
use crate::cli::output::{Broken, Output};
use crate::cli::progress::Progress;
use crate::cli::report::Reporter;
use crate::cli::spool::Spool;
use crate::cli::stream::{Mapped, OnError, Settings, Totals, Worker};
use crate::cli::{Exit, Failure};
use mapc::{BoundMapping, Env, Mapping};
use std::collections::BTreeMap;
use std::io;
use std::time::Instant;

/// Records streamed in chunks, in constant memory, whatever their format:
/// one record in, one out, in input order, on `--jobs` threads. A record
/// that is bad as input (not JSON, a row of the wrong width) is a failed
/// record like any other.
pub(super) fn apply_records(
    mapping: &Mapping,
    env: &Env,
    source: &Source,
    mut reader: Box<dyn RecordReader>,
    writer: Box<dyn RecordWriter>,
    args: &Args,
    reporter: &mut Reporter,
) -> Result<Exit, Failure> {
    let started = Instant::now();
    let unit = reader.unit();
    let settings = Settings {
        on_error: args.on_error.clone(),
        max_output: args.max_output_bytes,
        count_fields: args.stats.is_some(),
        source: source.to_string(),
        unit,
        writer,
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let mut sink = Sink {
        output: Output::open(args.output.as_deref(), false)?,
        rejects: match &args.on_error {
            OnError::Reject(path) => Some(Output::open(Some(path), false)?),
            _ => None,
        },
        totals: Totals::default(),
        reporter,
        progress: Progress::new(args.quiet, source.len()),
        failure: None,
        source: source.to_string(),
        writer: settings.writer.as_ref(),
        first: true,
        unit,
        held: None,
    };
    let bound = bind(mapping, env)?;
    // a document (a JSON array, XML) streamed to stdout, a device or a FIFO
    // under `--on-error fail` is held in a temporary file until the run
    // ends: a run that stops writes nothing rather than a document left
    // open
    let document = !settings.writer.end(0).is_empty();
    if document && args.on_error == OnError::Fail && sink.output.streams() {
        let mut spool = Spool::new()?;
        spool.write(&settings.writer.begin())?;
        sink.held = Some(spool);
    } else {
        sink.output.write_bytes(&settings.writer.begin())?;
    }
    if jobs <= 1 {
        let worker = Worker {
            mapping,
            bound,
            settings: &settings,
        };
        let mut seq = 0;
        while let Some(chunk) = reader
            .fill_chunk(seq)
            .map_err(|e| source.read_failure(&e))?
        {
            seq += 1;
            let mut mapped = worker.map_chunk(chunk);
            if sink.take(&mut mapped)? {
                break;
            }
        }
    } else {
        run_parallel(reader.as_mut(), &mut sink, mapping, &bound, &settings, jobs).map_err(
            |e| match e {
                Stop::Read(e) => source.read_failure(&e),
                Stop::Write(failure) => failure,
            },
        )?;
    }
    let Sink {
        mut output,
        rejects,
        mut totals,
        reporter,
        progress,
        failure,
        held,
        ..
    } = sink;
    progress.finish();
    // the rejects first: they are kept even when the output fails
    let mut failures = Vec::new();
    // the output's closing (an array's `]`; nothing for NDJSON), after
    // what was held
    let mut failure = failure;
    let holding = held.is_some();
    if failure.is_none() && totals.stopped_at.is_none() {
        let end = settings.writer.end(totals.output_records);
        failure = match held {
            Some(spool) => spool.copy_to(&mut output),
            None => Ok(()),
        }
        .and_then(|()| output.write_bytes(&end))
        .err();
        if failure.is_some() && holding {
            totals.lose_written(format!("{} could not be written", output.name()));
        }
    } else if holding && totals.written > 0 {
        let because = if failure.is_some() {
            format!("{} could not be written", output.name())
        } else {
            "a document is written only when the run ends, and it stopped".into()
        };
        totals.lose_written(because);
    }
    if let Some(rejects) = rejects {
        failures.extend(rejects.finish().err());
    }
    let (name, streams) = (output.name(), output.streams());
    let placed = match failure {
        Some(failure) => {
            failures.insert(0, failure);
            false
        }
        None if totals.stopped_at.is_none() => match output.finish() {
            Ok(()) => true,
            Err(failure) => {
                failures.insert(0, failure);
                false
            }
        },
        None => false,
    };
    // a file is put in place whole or not at all; what went to stdout, a
    // device or a FIFO is out there already
    if !placed && !streams && totals.written > 0 {
        let because = if totals.stopped_at.is_some() {
            format!("{name} was not created: the run stopped")
        } else {
            format!("{name} was not created: it could not be written")
        };
        totals.lose_written(because);
    }
    if let Some(path) = &args.stats {
        let elapsed = started.elapsed().as_secs_f64();
        failures.extend(crate::cli::stats::write(path, &totals, elapsed, jobs).err());
    }
    Ok(conclude(
        reporter,
        &totals,
        &failures,
        args.quiet,
        unit.name(),
        mapping.emits(),
    ))
}

/// Where mapped chunks go, in order: the output, the reject file, stderr,
/// the figures and the progress bar.
struct Sink<'r> {
    output: Output,
    rejects: Option<Output>,
    totals: Totals,
    reporter: &'r mut Reporter,
    progress: Progress,
    /// The output failed: the run stops, and this is reported at the end.
    failure: Option<Failure>,
    /// The input's name in reports.
    source: String,
    writer: &'r dyn RecordWriter,
    /// No record has been written yet.
    first: bool,
    /// How records are named in reports: by line or by index.
    unit: Unit,
    /// The output held until the run ends (a document under `--on-error
    /// fail`), or `None`: written as it comes.
    held: Option<Spool>,
}

impl Sink<'_> {
    /// Writes one chunk's results; `true` when the run must stop. When the
    /// input had nothing more at hand, the output is flushed, so records
    /// arriving slowly (a pipe) come out as they are mapped. When the
    /// output fails, the records it did not take go to the reject file
    /// (E410), or are counted as not written, and the run stops after
    /// this chunk.
    fn take(&mut self, mapped: &mut Mapped) -> Result<bool, Failure> {
        let mut stop = mapped.stop;
        // the first record written leaves out its separator (an array's `,`)
        let mut skip = 0;
        if self.first && !mapped.output.is_empty() {
            skip = self.writer.first_skip().min(mapped.output.len());
            self.first = false;
        }
        let written = match self.held.as_mut() {
            // nothing of a held document has reached the output
            Some(held) => held
                .write(&mapped.output[skip..])
                .map_err(|failure| Broken {
                    accepted: 0,
                    failure,
                }),
            None => self
                .output
                .write_counted(&mapped.output[skip..])
                .map_err(|mut broken| {
                    broken.accepted = if self.output.streams() {
                        skip + broken.accepted
                    } else {
                        0
                    };
                    broken
                }),
        };
        if let Err(broken) = written {
            let accepted = broken.accepted;
            let message = match broken.failure.report.trim_end() {
                "" => "the reader of stdout went away".to_string(),
                report => report.trim_start_matches("error: ").to_string(),
            };
            let rejecting = self.rejects.is_some();
            self.totals.output_failed_at =
                mapped.output_failed(accepted, &message, rejecting, &self.source, self.unit);
            self.failure = Some(broken.failure);
            stop = true;
        }
        for failed in &mapped.failed {
            match self.rejects.as_mut() {
                Some(rejects) => rejects.write_bytes(&failed.reject)?,
                None => self.reporter.text(&failed.report),
            }
        }
        if mapped.flush {
            self.output.flush()?;
            if let Some(rejects) = self.rejects.as_mut() {
                rejects.flush()?;
            }
        }
        self.totals.add(mapped);
        self.progress
            .update(self.totals.read, self.totals.bytes, self.totals.rejected);
        Ok(stop)
    }
}

enum Stop {
    Read(io::Error),
    Write(Failure),
}

/// A reader thread cuts the input into chunks, `jobs` workers map them, and
/// this thread writes them back in order. At most `4 × jobs` chunks are in
/// flight at once (a ticket per chunk), so memory stays bounded however
/// long the stream and however slow one chunk is.
fn run_parallel(
    reader: &mut dyn RecordReader,
    sink: &mut Sink<'_>,
    mapping: &Mapping,
    bound: &BoundMapping,
    settings: &Settings,
    jobs: usize,
) -> Result<(), Stop> {
    let in_flight = 4 * jobs;
    let (tickets_tx, tickets_rx) = crossbeam_channel::bounded::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = tickets_tx.send(());
    }
    let (work_tx, work_rx) = crossbeam_channel::bounded::<Chunk>(in_flight);
    let (done_tx, done_rx) = crossbeam_channel::bounded::<Result<Mapped, io::Error>>(in_flight);
    std::thread::scope(|scope| {
        // owned here, so that returning early drops them: the reader stops
        // waiting for a ticket, the workers stop sending
        let (tickets_tx, done_rx) = (tickets_tx, done_rx);
        let read_done = done_tx.clone();
        scope.spawn(move || {
            let mut seq = 0;
            while tickets_rx.recv().is_ok() {
                match reader.fill_chunk(seq) {
                    Ok(Some(chunk)) => {
                        seq += 1;
                        if work_tx.send(chunk).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = read_done.send(Err(e));
                        break;
                    }
                }
            }
        });
        for _ in 0..jobs {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let bound = bound.clone();
            scope.spawn(move || {
                let worker = Worker {
                    mapping,
                    bound,
                    settings,
                };
                for chunk in work_rx {
                    if done_tx.send(Ok(worker.map_chunk(chunk))).is_err() {
                        break;
                    }
                }
            });
        }
        drop((work_rx, done_tx));
        // everything below ends by dropping `done_rx` and `tickets_tx`,
        // which stops the reader and the workers
        let mut pending: BTreeMap<u64, Mapped> = BTreeMap::new();
        let mut next = 0;
        for message in done_rx {
            let mapped = message.map_err(Stop::Read)?;
            pending.insert(mapped.seq, mapped);
            while let Some(mut mapped) = pending.remove(&next) {
                next += 1;
                if sink.take(&mut mapped).map_err(Stop::Write)? {
                    return Ok(());
                }
                let _ = tickets_tx.send(());
            }
        }
        Ok(())
    })
}
