//! Helpers shared by the test files.

use mapc::json::Value as Json;
use mapc::{Env, FieldCounts, Mapping, Outcome};

/// Applies `source` to `record` in `env`: the output as compact JSON text, or
/// the errors as `E3xx: message` lines (`E2xx: message` lines when the
/// mapping fails to compile, as a constant setting every record would fail
/// on does).
#[allow(dead_code)]
pub fn map_in(env: &Env, source: &str, record: Json) -> String {
    let mapping = match Mapping::compile(source) {
        Ok(m) => m,
        Err(e) => {
            return e
                .diagnostics()
                .iter()
                .map(|d| format!("{}: {}", d.code.as_str(), d.message))
                .collect::<Vec<_>>()
                .join("\n");
        }
    };
    match mapping.apply_with(&record, env) {
        Ok(out) => out.to_string(),
        Err(e) => e
            .errors
            .iter()
            .map(|r| format!("{}: {}", r.code.as_str(), r.message))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// [`map_in`] with an empty environment.
#[allow(dead_code)]
pub fn map(source: &str, record: Json) -> String {
    map_in(&Env::new(), source, record)
}

/// `BoundMapping::apply_to` appends exactly the bytes `mapc::json::to_vec` gives
/// for `Mapping::apply_with`'s output (and nothing when the record fails),
/// and counts the fields as `BoundMapping::apply_counting` does.
#[allow(dead_code)]
pub fn assert_apply_to_agrees(name: &str, mapping: &Mapping, env: &Env, record: &Json) {
    let expected = mapping.apply_with(record, env);
    let Ok(bound) = mapping.bind(env) else {
        assert!(expected.is_err(), "{name}: binds no parameters but applies");
        return;
    };
    const BEFORE: &[u8] = b"[earlier output]";
    // the record's text read as `mapc apply` streams it: only what the
    // mapping reads
    let text = record.to_string();
    let read = mapping.read(&text).expect("a JSON record reads");
    for (counting, streamed) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut out = BEFORE.to_vec();
        let mut counts = FieldCounts::default();
        let result = if streamed {
            bound.apply_record_to(&read, counting.then_some(&mut counts), &mut out)
        } else {
            bound.apply_to(record, counting.then_some(&mut counts), &mut out)
        };
        let name = &format!("{name}{}", if streamed { " (read)" } else { "" });
        let written = out.strip_prefix(BEFORE).expect("earlier output kept");
        match (&expected, result) {
            (Ok(json), Ok(())) => {
                let json = mapc::json::to_vec(json).expect("serialises");
                assert_eq!(
                    String::from_utf8_lossy(written),
                    String::from_utf8_lossy(&json),
                    "{name}: apply_to wrote other bytes than apply"
                );
            }
            (Err(expected), Err(error)) => {
                assert!(written.is_empty(), "{name}: a failed record wrote output");
                assert_eq!(error.to_string(), expected.to_string(), "{name}");
            }
            (Ok(_), Err(error)) => panic!("{name}: apply maps it, apply_to fails: {error}"),
            (Err(error), Ok(())) => panic!("{name}: apply_to maps it, apply fails: {error}"),
        }
        if counting {
            let mut expected_counts = FieldCounts::default();
            let _ = bound.apply_counting(record, &mut expected_counts);
            assert_eq!(counts, expected_counts, "{name}: field counts");
        }
    }
    // every target record, as `mapc apply` streams them: one per line
    let expected = mapping.apply_all_with(record, env);
    let mut out = Vec::new();
    let streamed = bound.apply_record_all_to(&read, None, b'\n', &mut out);
    match (&expected, streamed) {
        (Ok(Outcome::Mapped(records)), Ok(Outcome::Mapped(n))) => {
            assert_eq!(n, records.len(), "{name}: number of target records");
            let lines: Vec<String> = records.iter().map(Json::to_string).collect();
            assert_eq!(String::from_utf8_lossy(&out), lines.join("\n"), "{name}");
        }
        (Ok(Outcome::Skipped), Ok(Outcome::Skipped)) => assert!(out.is_empty()),
        (Err(expected), Err(error)) => {
            assert!(out.is_empty(), "{name}: a failed record wrote output");
            assert_eq!(error.to_string(), expected.to_string(), "{name}");
        }
        (expected, streamed) => {
            panic!("{name}: apply_all gives {expected:?}, apply_record_all_to {streamed:?}")
        }
    }
}

/// A fresh, empty folder under the system's temporary folder, unique in
/// this run: `<tmp>/mapc-<name>-<process>-<n>`. Shared by the tests that
/// run the binary on files (hostile, formats, stream).
#[allow(dead_code)]
pub fn scratch_dir(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "mapc-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Writes `contents` to `dir/name`.
#[allow(dead_code)]
pub fn write(dir: &std::path::Path, name: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), contents).unwrap_or_else(|e| panic!("write {name}: {e}"));
}

/// Runs the `mapc` binary in `dir` with `args` and nothing on stdin.
#[cfg(feature = "cli")]
#[allow(dead_code)]
pub fn mapc(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mapc"))
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("mapc runs")
}

/// Runs the `mapc` binary in `dir` with `args`, writing `input` to its
/// stdin from another thread (so a large input cannot block on a full
/// stdout pipe).
#[cfg(feature = "cli")]
#[allow(dead_code)]
pub fn mapc_with_input(dir: &std::path::Path, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mapc"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mapc runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("mapc finishes");
    writer.join().expect("writer thread");
    output
}

/// A run's stderr as text.
#[allow(dead_code)]
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
