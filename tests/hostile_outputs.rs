//! Issue 10, "never lose a record": `mapc apply` checks every file it
//! writes before the first record, never replaces what is not a regular
//! file, keeps a replaced file's permissions, removes its temporary files
//! on errors and signals, keeps the rejects when the output fails, and
//! refuses bad `--param` and `--jobs` values up front.

mod common;

use common::{mapc, stderr};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MAPPING: &str = "order_id = .id required\ntotal = .amount * $rate\nparam rate: number = 1\n";
const INPUT: &str =
    "{\"id\": \"a\", \"amount\": 1}\n{\"amount\": 2}\n{\"id\": \"c\", \"amount\": 3}\n";

/// A fresh folder with `m.map` and `in.ndjson`.
fn scratch() -> PathBuf {
    let dir = common::scratch_dir("hostile-outputs");
    common::write(&dir, "m.map", MAPPING);
    common::write(&dir, "in.ndjson", INPUT);
    dir
}

/// The files in `dir`, hidden ones (temporary outputs) included.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_input_file_is_never_an_output() {
    let dir = scratch();
    for args in [
        &["apply", "m.map", "in.ndjson", "-o", "in.ndjson"][..],
        &["apply", "m.map", "in.ndjson", "-o", "./in.ndjson"],
        &[
            "apply",
            "m.map",
            "in.ndjson",
            "--on-error",
            "reject=in.ndjson",
        ],
        &["apply", "m.map", "in.ndjson", "--stats", "in.ndjson"],
        &["apply", "m.map", "in.ndjson", "-o", "m.map"],
    ] {
        let output = mapc(&dir, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("writing it would destroy the"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "no record is mapped");
        assert_eq!(
            fs::read_to_string(dir.join("in.ndjson")).expect("input"),
            INPUT
        );
        assert_eq!(
            fs::read_to_string(dir.join("m.map")).expect("mapping"),
            MAPPING
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_or_a_shared_file_as_output_is_refused_before_the_first_record() {
    let dir = scratch();
    fs::create_dir(dir.join("out")).expect("a folder");
    let cases: [(&[&str], &str); 4] = [
        (
            &["-o", "out", "--on-error", "reject=rejects.ndjson"],
            "`-o out` is a folder",
        ),
        (
            &["--on-error", "reject=out"],
            "`--on-error reject=out` is a folder",
        ),
        (
            &["-o", "x.ndjson", "--on-error", "reject=./x.ndjson"],
            "`--on-error reject=./x.ndjson` is the same file as `-o x.ndjson`",
        ),
        (
            &["--stats", "nowhere/stats.json"],
            "the folder `nowhere` does not exist",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["apply", "m.map", "in.ndjson"];
        args.extend(extra);
        let output = mapc(&dir, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        // found before the first record: nothing was mapped or reported
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!stderr(&output).contains("E300"), "{}", stderr(&output));
        assert_eq!(files(&dir), ["in.ndjson", "m.map", "out"], "{args:?}");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through_and_stays_a_link() {
    let dir = scratch();
    fs::write(dir.join("real.ndjson"), "old\n").expect("written");
    std::os::unix::fs::symlink("real.ndjson", dir.join("link.ndjson")).expect("linked");
    let output = mapc(
        &dir,
        &["apply", "m.map", "in.ndjson", "-o", "link.ndjson", "-q"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let link = fs::symlink_metadata(dir.join("link.ndjson")).expect("the link");
    assert!(link.file_type().is_symlink(), "the link is still a link");
    let written = fs::read_to_string(dir.join("real.ndjson")).expect("the target");
    assert_eq!(
        written,
        "{\"order_id\":\"a\",\"total\":1}\n{\"order_id\":\"c\",\"total\":3}\n"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    let out = dir.join("out.ndjson");
    fs::write(&out, "old\n").expect("written");
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).expect("chmod");
    let output = mapc(&dir, &["apply", "m.map", "in.ndjson", "-o", "out.ndjson"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let mode = fs::metadata(&out).expect("out").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert!(fs::read_to_string(&out).expect("out").contains("\"c\""));
    let _ = fs::remove_dir_all(&dir);
}

/// `mkfifo PATH`, or `false` where there is no such command.
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// A FIFO (like a device) is written through: it is not replaced by a
/// regular file when the run ends.
#[cfg(unix)]
#[test]
fn a_fifo_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch();
    let fifo = dir.join("pipe");
    assert!(mkfifo(&fifo), "mkfifo works");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).expect("the FIFO is read"))
    };
    let output = mapc(&dir, &["apply", "m.map", "in.ndjson", "-o", "pipe", "-q"]);
    // a mapc that never opened the FIFO would leave the reader waiting:
    // open it for writing without blocking, which ends that wait (and
    // fails harmlessly when the reader is gone)
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        let _ = fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo);
    }
    let received = reader.join().expect("reader");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        received,
        "{\"order_id\":\"a\",\"total\":1}\n{\"order_id\":\"c\",\"total\":3}\n"
    );
    let kind = fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "still a FIFO");
    assert_eq!(
        files(&dir),
        ["in.ndjson", "m.map", "pipe"],
        "no temporary file"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// As root, `-o /dev/null` used to rename a regular file over the device.
/// (Never run against an old build: it would break the machine's
/// `/dev/null`; the FIFO test above shows the same fault safely.)
#[cfg(unix)]
#[test]
fn dev_null_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch();
    let output = mapc(
        &dir,
        &["apply", "m.map", "in.ndjson", "-o", "/dev/null", "-q"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let kind = fs::metadata("/dev/null").expect("/dev/null").file_type();
    assert!(kind.is_char_device());
    let _ = fs::remove_dir_all(&dir);
}

/// SIGTERM (and SIGINT) in the middle of a run removes the temporary
/// output file, and the run ends as killed by that signal.
#[cfg(unix)]
#[test]
fn a_signal_removes_the_temporary_output() {
    use std::os::unix::process::ExitStatusExt;
    for signal in ["TERM", "INT"] {
        let dir = scratch();
        let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .current_dir(&dir)
            .args(["apply", "m.map", "-", "--ndjson", "-o", "out.ndjson", "-q"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mapc runs");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(INPUT.as_bytes()).expect("some input");
        // the temporary file appears while the input stays open
        let started = std::time::Instant::now();
        while !files(&dir).iter().any(|f| f.ends_with(".tmp")) {
            assert!(started.elapsed().as_secs() < 30, "no temporary file");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let status = child.wait().expect("mapc ends");
        drop(stdin);
        let number = if signal == "TERM" { 15 } else { 2 };
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert_eq!(files(&dir), ["in.ndjson", "m.map"], "SIG{signal}");
        let _ = fs::remove_dir_all(&dir);
    }
}

/// A full device as the output: every record the output did not take is
/// in the reject file (E410) with the mapping's own rejects, and the
/// summary accounts for every record.
#[cfg(target_os = "linux")]
#[test]
fn a_full_output_keeps_the_rejects() {
    let dir = scratch();
    let output = mapc(
        &dir,
        &[
            "apply",
            "m.map",
            "in.ndjson",
            "-o",
            "/dev/full",
            "--on-error",
            "reject=rejects.ndjson",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(
        report.contains("error: cannot write `/dev/full`: No space left on device"),
        "{report}"
    );
    assert!(
        report.contains("3 records read, 0 written, 3 rejected (E300: 1, E410: 2)"),
        "{report}"
    );
    let rejects = fs::read_to_string(dir.join("rejects.ndjson")).expect("rejects kept");
    let codes: Vec<(u64, String)> = rejects
        .lines()
        .map(|l| mapc::json::from_str(l).expect("JSON"))
        .map(|r| {
            (
                r["line"].as_u64().expect("line"),
                r["errors"][0]["code"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (1, "\"E410\"".to_string()),
            (2, "\"E300\"".to_string()),
            (3, "\"E410\"".to_string())
        ]
    );
    let _ = fs::remove_dir_all(&dir);
}

/// A JSON array under `--on-error fail`: nothing is written, and the
/// summary says so instead of counting the records before the failure as
/// written.
#[test]
fn a_stopped_array_says_nothing_was_written() {
    let dir = scratch();
    fs::write(
        dir.join("in.json"),
        "[{\"id\": \"a\", \"amount\": 1}, {\"id\": \"b\", \"amount\": 2}, {\"amount\": 3}, {\"id\": \"d\", \"amount\": 4}]",
    )
    .expect("input");
    let output = mapc(
        &dir,
        &[
            "apply",
            "m.map",
            "in.json",
            "--on-error",
            "fail",
            "--stats",
            "stats.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing written");
    let report = stderr(&output);
    assert!(
        report
            .contains("3 records read, 0 written, 1 rejected (E300: 1), 2 mapped but not written"),
        "{report}"
    );
    let stats: mapc::json::Value =
        mapc::json::from_slice(&fs::read(dir.join("stats.json")).expect("stats")).expect("JSON");
    assert_eq!(
        stats["records"],
        mapc::json::json!({"read": 3, "written": 0, "rejected": 1, "skipped": 0, "output": 0, "not_written": 2})
    );
    let _ = fs::remove_dir_all(&dir);
}

/// The same for an NDJSON file output: the file is not created, so the
/// records before the failure are not written either.
#[test]
fn a_stopped_stream_into_a_file_says_nothing_was_written() {
    let dir = scratch();
    let output = mapc(
        &dir,
        &[
            "apply",
            "m.map",
            "in.ndjson",
            "-o",
            "out.ndjson",
            "--on-error",
            "fail",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!dir.join("out.ndjson").exists());
    assert!(
        stderr(&output).contains("2 records read, 0 written, 1 rejected (E300: 1), 1 mapped but not written (`out.ndjson` was not created: the run stopped)"),
        "{}",
        stderr(&output)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_number_too_large_for_exact_arithmetic_is_refused_before_the_first_record() {
    let dir = scratch();
    let big = format!("rate={}", "9".repeat(40));
    let output = mapc(&dir, &["apply", "m.map", "in.ndjson", "--param", &big]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("too large or too precise for exact arithmetic"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    assert!(!stderr(&output).contains("record"), "{}", stderr(&output));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn absurd_job_counts_are_refused() {
    let dir = scratch();
    for jobs in ["0", "1000000000", "257", "x"] {
        let output = mapc(&dir, &["apply", "m.map", "in.ndjson", "--jobs", jobs]);
        assert_eq!(output.status.code(), Some(2), "{jobs}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("expected a number of threads from 1 to 256"),
            "{jobs}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty());
    }
    let output = mapc(
        &dir,
        &["apply", "m.map", "in.ndjson", "--jobs", "256", "-q"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let _ = fs::remove_dir_all(&dir);
}

/// `--allow-path DIR` (any command) lets a mapping import from a folder
/// outside its own; without it the import is E230 and nothing of the
/// file is shown.
#[test]
fn allow_path_lets_an_import_out_of_the_folder() {
    let dir = scratch();
    let shared = dir.join("shared");
    fs::create_dir(&shared).expect("shared folder");
    fs::write(
        shared.join("common.map"),
        "def shout(s) = upper(s)\n# secret-line\n",
    )
    .expect("import");
    let inner = dir.join("inner");
    fs::create_dir(&inner).expect("inner folder");
    fs::write(
        inner.join("m.map"),
        "import shout from \"../shared/common.map\"\nname = shout(.name)\n",
    )
    .expect("mapping");
    fs::write(inner.join("in.json"), "{\"name\": \"ada\"}\n").expect("input");
    let refused = mapc(&inner, &["apply", "m.map", "in.json"]);
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("error[E230]"),
        "{}",
        stderr(&refused)
    );
    assert!(!stderr(&refused).contains("secret-line"));
    for command in [
        &["apply", "m.map", "in.json", "--allow-path", "../shared"][..],
        &["--allow-path", "../shared", "check", "m.map"],
    ] {
        let output = mapc(&inner, command);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command:?}: {}",
            stderr(&output)
        );
    }
    let output = mapc(
        &inner,
        &["apply", "m.map", "in.json", "--allow-path", "../shared"],
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "{\"name\":\"ADA\"}\n"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// `mapc apply` on `dir` with `TMPDIR` set to `dir/tmp` (made here, empty).
fn mapc_with_tmpdir(dir: &Path, args: &[&str]) -> Output {
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).expect("tmp folder");
    Command::new(env!("CARGO_BIN_EXE_mapc"))
        .current_dir(dir)
        .env("TMPDIR", &tmp)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("mapc runs")
}

/// A JSON array of `n` records, every one mapped (and the third failing
/// too when `bad`).
fn array(n: usize, bad: bool) -> String {
    let records: Vec<String> = (0..n)
        .map(|i| match i {
            2 if bad => format!("{{\"amount\": {i}}}"),
            _ => format!("{{\"id\": \"r{i}\", \"amount\": {i}}}"),
        })
        .collect();
    format!("[{}]", records.join(",\n"))
}

/// Under `--on-error fail`, a JSON array or XML document for stdout is
/// held until the run ends (in a temporary file, issue 11 §3's constant
/// memory): a run that stops writes nothing to stdout, a run that ends
/// writes the whole document, the same bytes a streamed run writes, and
/// no temporary file is left in `$TMPDIR` either way.
#[test]
fn a_held_document_is_written_whole_or_not_at_all() {
    let dir = scratch();
    // more records than one chunk holds (256), so the held document grows
    // over many writes
    fs::write(dir.join("good.json"), array(3_000, false)).expect("input");
    fs::write(dir.join("bad.json"), array(3_000, true)).expect("input");
    for to in ["json", "xml"] {
        let streamed = mapc_with_tmpdir(&dir, &["apply", "m.map", "good.json", "--to", to]);
        assert_eq!(streamed.status.code(), Some(0), "{}", stderr(&streamed));
        let held = mapc_with_tmpdir(
            &dir,
            &[
                "apply",
                "m.map",
                "good.json",
                "--to",
                to,
                "--on-error",
                "fail",
            ],
        );
        assert_eq!(held.status.code(), Some(0), "{}", stderr(&held));
        assert!(streamed.stdout.len() > 3_000 * 20, "{to}: the whole output");
        assert!(held.stdout == streamed.stdout, "{to}: the same document");
        assert!(files(&dir.join("tmp")).is_empty(), "{to}: nothing left");

        let stopped = mapc_with_tmpdir(
            &dir,
            &[
                "apply",
                "m.map",
                "bad.json",
                "--to",
                to,
                "--on-error",
                "fail",
            ],
        );
        assert_eq!(stopped.status.code(), Some(1), "{}", stderr(&stopped));
        assert!(stopped.stdout.is_empty(), "{to}: nothing written");
        assert!(
            stderr(&stopped).contains("3 records read, 0 written, 1 rejected (E300: 1), 2 mapped but not written (a document is written only when the run ends, and it stopped)"),
            "{to}: {}",
            stderr(&stopped)
        );
        assert!(files(&dir.join("tmp")).is_empty(), "{to}: nothing left");
    }
    let _ = fs::remove_dir_all(&dir);
}

/// The held document is in a file in `$TMPDIR` while the run goes on, not
/// in memory; SIGTERM and SIGINT end the run with nothing on stdout and
/// nothing left in `$TMPDIR`.
#[cfg(target_os = "linux")]
#[test]
fn a_held_document_waits_in_tmpdir_and_a_signal_leaves_nothing() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    for signal in ["TERM", "INT"] {
        let dir = scratch();
        let tmp = dir.join("tmp");
        fs::create_dir(&tmp).expect("tmp folder");
        let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .current_dir(&dir)
            .env("TMPDIR", &tmp)
            .args(["apply", "m.map", "-", "--on-error", "fail", "-q"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("mapc runs");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"[{\"id\": \"a\", \"amount\": 1},\n")
            .expect("some input");
        // an open file in `$TMPDIR` (one without a name shows as
        // `TMPDIR/#inode (deleted)`) while the input stays open
        let fds = PathBuf::from(format!("/proc/{}/fd", child.id()));
        let holds = || {
            fs::read_dir(&fds).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|fd| fs::read_link(fd.path()).is_ok_and(|target| target.starts_with(&tmp)))
            })
        };
        let started = std::time::Instant::now();
        while !holds() {
            assert!(started.elapsed().as_secs() < 30, "no file in TMPDIR");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let mut stdout = Vec::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_end(&mut stdout)
            .expect("stdout read");
        let status = child.wait().expect("mapc ends");
        drop(stdin);
        let number = if signal == "TERM" { 15 } else { 2 };
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert!(stdout.is_empty(), "SIG{signal}: nothing written");
        assert!(files(&tmp).is_empty(), "SIG{signal}: nothing left");
        let _ = fs::remove_dir_all(&dir);
    }
}

/// A `$TMPDIR` where no file can be made is an error before the first
/// record (exit 2), not a document held in memory.
#[cfg(unix)]
#[test]
fn a_document_that_cannot_be_held_is_refused_before_the_first_record() {
    let dir = scratch();
    fs::write(dir.join("good.json"), array(3, false)).expect("input");
    let output = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .current_dir(&dir)
        .env("TMPDIR", dir.join("no-such-folder"))
        .args(["apply", "m.map", "good.json", "--on-error", "fail"])
        .output()
        .expect("mapc runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("error: cannot hold the output in a temporary file in `"),
        "{}",
        stderr(&output)
    );
    let _ = fs::remove_dir_all(&dir);
}
