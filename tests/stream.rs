//! `mapc apply` on NDJSON streams with corrupt lines: every record read is
//! written, rejected or skipped by a guard (read = written + rejected +
//! skipped), every good record comes out exactly as `Mapping::apply_all`
//! maps it alone (its own record, then one per tag that `emit` adds), in
//! input order, and every reject carries its line byte for byte.

mod common;

use base64::Engine as _;
use mapc::json::Value as Json;
use mapc::{Env, Mapping, Outcome};
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MAPPING: &str = r#"
skip if .status == "Skip"
reject "void order" if .status == "VOID"
order_id = .id                          required
email    = .customer.email | trim | lower
total    = .amount_cents / 100
status   = .status | lower              default "pending"
tags     = for t in .tags { name = t.name }
emit for t in .tags where t.name != "" { order_id = .id  tag = t.name }
"#;

/// A fresh scratch folder with the mapping in it.
fn scratch() -> PathBuf {
    let dir = common::scratch_dir("stream");
    common::write(&dir, "m.map", MAPPING);
    dir
}

fn run(dir: &Path, input: &[u8], extra: &[&str]) -> Output {
    let mut args = vec![
        "apply",
        "m.map",
        "-",
        "--ndjson",
        "--quiet",
        "--on-error",
        "reject=rejects.ndjson",
        "--stats",
        "stats.json",
    ];
    args.extend_from_slice(extra);
    common::mapc_with_input(dir, &args, input)
}

/// One line of a generated stream.
#[derive(Clone, Debug)]
enum Line {
    Good(Json),
    Truncated(Json, usize),
    NotUtf8(Json, usize),
    Blank(&'static str),
    Deep(usize),
    Bom(Json),
    NotObject,
}

fn record() -> impl Strategy<Value = Json> {
    (
        prop::option::of("[a-z0-9-]{1,8}"),
        prop_oneof![
            (0i64..100_000).prop_map(Json::from),
            "[0-9]{1,4}".prop_map(Json::from),
            Just(Json::Null),
        ],
        prop::option::of(" ?[A-Za-z@.]{0,10} ?"),
        prop::option::of(prop::sample::select(vec![
            "Paid", "SHIPPED", "", "Skip", "VOID",
        ])),
        prop::collection::vec("[a-z]{0,5}", 0..3),
        "[a-z ]{0,20}",
    )
        .prop_map(|(id, amount, email, status, tags, unused)| {
            let mut object = mapc::json::Map::new();
            if let Some(id) = id {
                object.insert("id".into(), Json::from(id));
            }
            object.insert("amount_cents".into(), amount);
            if let Some(email) = email {
                object.insert(
                    "customer".into(),
                    mapc::json::json!({"email": email, "x": 1}),
                );
            }
            if let Some(status) = status {
                object.insert("status".into(), Json::from(status));
            }
            let tags: Vec<Json> = tags
                .into_iter()
                .map(|t| mapc::json::json!({"name": t, "n": 1}))
                .collect();
            object.insert("tags".into(), Json::Array(tags));
            object.insert(
                "unused".into(),
                mapc::json::json!({"text": unused, "list": [1, 2]}),
            );
            Json::Object(object)
        })
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => record().prop_map(Line::Good),
        1 => (record(), any::<usize>()).prop_map(|(r, at)| Line::Truncated(r, at)),
        1 => (record(), any::<usize>()).prop_map(|(r, at)| Line::NotUtf8(r, at)),
        1 => prop::sample::select(vec!["", "  ", "\t"]).prop_map(Line::Blank),
        1 => (100usize..300).prop_map(Line::Deep),
        1 => record().prop_map(Line::Bom),
        1 => Just(Line::NotObject),
    ]
}

/// The bytes of a line, without its line ending.
fn bytes(line: &Line) -> Vec<u8> {
    match line {
        Line::Good(r) => r.to_string().into_bytes(),
        Line::Truncated(r, at) => {
            let text = r.to_string().into_bytes();
            text[..at % text.len()].to_vec()
        }
        Line::NotUtf8(r, at) => {
            let mut text = r.to_string().into_bytes();
            let at = at % text.len();
            text.insert(at, 0xff);
            text
        }
        Line::Blank(s) => s.as_bytes().to_vec(),
        Line::Deep(depth) => {
            let mut text = "[".repeat(*depth).into_bytes();
            text.extend("]".repeat(*depth).bytes());
            text
        }
        Line::Bom(r) => {
            let mut text = b"\xEF\xBB\xBF".to_vec();
            text.extend(r.to_string().bytes());
            text
        }
        Line::NotObject => b"[1, 2]".to_vec(),
    }
}

/// Checks one run: the equation, the outputs and the rejects.
fn check_stream(lines: &[Line], crlf: bool, final_newline: bool, jobs: &str) {
    let mapping = Mapping::compile(MAPPING).expect("mapping compiles");
    let mut input = Vec::new();
    let mut texts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = bytes(line);
        input.extend(&text);
        let mut kept = text.clone();
        if crlf {
            kept.push(b'\r');
            input.push(b'\r');
        }
        if i + 1 < lines.len() || final_newline {
            input.push(b'\n');
        }
        texts.push(kept);
    }
    // what each line should give: its output, or a reject
    let mut expected_out = Vec::new();
    let mut expected_rejects = Vec::new();
    let mut expected_skips = 0;
    let mut expected_written = 0;
    for (i, text) in texts.iter().enumerate() {
        let mut body: &[u8] = text;
        if i == 0 {
            body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        }
        if body.trim_ascii().is_empty() {
            continue;
        }
        let mapped = mapc::json::from_slice(body.trim_ascii())
            .ok()
            .and_then(|record| mapping.apply_all_with(&record, &Env::new()).ok());
        match mapped {
            Some(Outcome::Mapped(records)) => {
                expected_written += 1;
                expected_out.extend(records.iter().map(Json::to_string));
            }
            Some(Outcome::Skipped) => expected_skips += 1,
            None => expected_rejects.push((i as u64 + 1, text.clone())),
        }
    }

    let dir = scratch();
    let output = run(&dir, &input, &["--jobs", jobs]);
    let code = output.status.code();
    let stats: Json =
        mapc::json::from_slice(&std::fs::read(dir.join("stats.json")).expect("stats written"))
            .expect("stats are JSON");
    let rejects_text = std::fs::read(dir.join("rejects.ndjson")).expect("rejects written");
    let _ = std::fs::remove_dir_all(&dir);

    let read = stats["records"]["read"].as_u64().expect("read");
    let written = stats["records"]["written"].as_u64().expect("written");
    let rejected = stats["records"]["rejected"].as_u64().expect("rejected");
    let skipped = stats["records"]["skipped"].as_u64().expect("skipped");
    let output_records = stats["records"]["output"].as_u64().expect("output");
    assert_eq!(
        read,
        written + rejected + skipped,
        "read = written + rejected + skipped"
    );
    assert_eq!(
        (written, skipped, output_records as usize),
        (expected_written, expected_skips, expected_out.len())
    );
    assert_eq!(
        read as usize,
        expected_written as usize + expected_skips as usize + expected_rejects.len()
    );
    let expected_code = if rejected == 0 { 0 } else { 1 };
    assert_eq!(
        code,
        Some(expected_code),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let out = String::from_utf8(output.stdout).expect("output is UTF-8");
    let out: Vec<&str> = out.lines().collect();
    assert_eq!(out, expected_out, "good records map as they do alone");

    let rejects: Vec<Json> = rejects_text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| mapc::json::from_slice(l).expect("a reject line is JSON"))
        .collect();
    assert_eq!(rejects.len() as u64, rejected);
    for (reject, (number, text)) in rejects.iter().zip(&expected_rejects) {
        assert_eq!(reject["line"].as_u64(), Some(*number));
        let carried = match (reject["input"].as_str(), reject["input_base64"].as_str()) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64"),
            _ => panic!("a reject carries its input once: {reject}"),
        };
        assert_eq!(&carried, text, "the input line byte for byte");
        let errors = reject["errors"].as_array().expect("errors");
        assert!(!errors.is_empty());
        for e in errors {
            assert!(e["code"].as_str().is_some_and(|c| c.starts_with('E')));
            assert!(e["message"].is_string());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn every_record_is_written_or_rejected(
        lines in prop::collection::vec(line(), 0..40),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        jobs in prop::sample::select(vec!["1", "2", "3"]),
    ) {
        check_stream(&lines, crlf, final_newline, jobs);
    }
}

/// `mkfifo PATH` in a scratch folder.
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo works");
}

/// What `Mapping::apply_all_with` makes of one record.
type Mapped = Outcome<Vec<Json>>;

/// Maps `lines` into an output that fails: `/dev/full` (`reader_takes`
/// is `None`), or a FIFO whose reader stops after that many bytes. Every
/// record read must be written, rejected or skipped by a guard (read =
/// written + rejected + skipped), each rejected one in the reject file
/// with its line byte for byte: the mapping's failures with their own
/// codes, the records the output did not take with E410, and those only
/// after every record that was written.
fn check_failing_output(lines: &[Line], jobs: &str, reader_takes: Option<usize>) {
    let mapping = Mapping::compile(MAPPING).expect("mapping compiles");
    let mut input = Vec::new();
    // each non-blank line: its number, its bytes, and its outcome if it
    // maps (its output lines, or skipped)
    let mut records: Vec<(u64, Vec<u8>, Option<Mapped>)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = bytes(line);
        input.extend(&text);
        input.push(b'\n');
        let mut body: &[u8] = &text;
        if i == 0 {
            body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        }
        if body.trim_ascii().is_empty() {
            continue;
        }
        let mapped = mapc::json::from_slice(body.trim_ascii())
            .ok()
            .and_then(|record| mapping.apply_all_with(&record, &Env::new()).ok());
        records.push((i as u64 + 1, text, mapped));
    }

    let dir = scratch();
    let fifo = dir.join("out.fifo");
    let reader = reader_takes.map(|n| {
        mkfifo(&fifo);
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut file = std::fs::File::open(fifo).expect("the FIFO opens");
            let mut got = vec![0; n];
            let mut filled = 0;
            while filled < n {
                match file.read(&mut got[filled..]) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => filled += k,
                }
            }
            got.truncate(filled);
            got
        })
    });
    let target = if reader.is_some() {
        "out.fifo"
    } else {
        "/dev/full"
    };
    let output = run(&dir, &input, &["--jobs", jobs, "-o", target]);
    let received = reader.map(|r| r.join().expect("the reader ends"));
    let stats: Json =
        mapc::json::from_slice(&std::fs::read(dir.join("stats.json")).expect("stats written"))
            .expect("stats are JSON");
    let rejects_text = std::fs::read(dir.join("rejects.ndjson")).expect("rejects written");
    let _ = std::fs::remove_dir_all(&dir);
    let report = String::from_utf8_lossy(&output.stderr);

    let count = |name: &str| stats["records"][name].as_u64().expect("a count");
    let (read, written, rejected, skipped) = (
        count("read"),
        count("written"),
        count("rejected"),
        count("skipped"),
    );
    assert_eq!(
        read,
        written + rejected + skipped,
        "read = written + rejected + skipped: {report}"
    );
    assert_eq!(count("not_written"), 0, "{report}");
    assert!(read as usize <= records.len());

    let mut rejects = std::collections::BTreeMap::new();
    for line in rejects_text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
    {
        let reject: Json = mapc::json::from_slice(line).expect("a reject line is JSON");
        let number = reject["line"].as_u64().expect("a line number");
        assert!(rejects.insert(number, reject).is_none(), "rejected once");
    }
    assert_eq!(
        rejects.len() as u64,
        rejected,
        "every reject is in the file"
    );
    let mut written_out = Vec::new();
    let mut written_records = 0;
    let mut skipped_records = 0;
    let mut output_failed = false;
    for (number, text, mapped) in &records[..read as usize] {
        let Some(reject) = rejects.remove(number) else {
            match mapped {
                Some(Outcome::Skipped) => skipped_records += 1,
                Some(Outcome::Mapped(out)) => {
                    assert!(
                        !output_failed,
                        "line {number} written after the output failed"
                    );
                    written_records += 1;
                    written_out.extend(out.iter().map(Json::to_string));
                }
                None => panic!("line {number} is neither written nor rejected"),
            }
            continue;
        };
        let carried = match (reject["input"].as_str(), reject["input_base64"].as_str()) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64"),
            _ => panic!("a reject carries its input once: {reject}"),
        };
        assert_eq!(&carried, text, "the input line byte for byte");
        let code = reject["errors"][0]["code"].as_str().expect("a code");
        assert!(
            !matches!(mapped, Some(Outcome::Skipped)),
            "a skipped record is not rejected: {reject}"
        );
        if mapped.is_some() {
            assert_eq!(code, "E410", "a good record is rejected only by the output");
            output_failed = true;
        } else {
            assert_ne!(code, "E410", "{reject}");
        }
    }
    assert!(
        rejects.is_empty(),
        "no reject for a line not read: {rejects:?}"
    );
    assert_eq!(written_records, written);
    assert_eq!(skipped_records, skipped);
    assert_eq!(
        written_out.len() as u64,
        count("output"),
        "output records: {report}"
    );
    assert_eq!(
        output.status.code(),
        Some(if output_failed {
            2
        } else if rejected > 0 {
            1
        } else {
            0
        }),
        "{report}"
    );
    if output_failed {
        assert!(report.contains("the output failed"), "{report}");
    }
    match received {
        // nothing reaches a full device
        None => assert_eq!(written, 0),
        // what the reader got is the start of what was written
        Some(received) => {
            let mut expected = written_out.join("\n").into_bytes();
            if !written_out.is_empty() {
                expected.push(b'\n');
            }
            assert!(
                expected.starts_with(&received),
                "the reader got written lines"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn every_record_is_written_or_rejected_when_the_output_fails(
        lines in prop::collection::vec(line(), 0..40),
        jobs in prop::sample::select(vec!["1", "2", "3"]),
        reader_takes in prop::option::of(0usize..400),
    ) {
        check_failing_output(&lines, jobs, reader_takes);
    }
}

/// Many chunks into a FIFO whose reader stops part-way: the output fails
/// in the middle of the stream, after the pipe's buffer fills.
#[test]
fn a_fifo_closed_in_the_middle_of_a_long_stream_loses_no_record() {
    let mut lines = Vec::new();
    for i in 0..6000 {
        lines.push(match i % 50 {
            7 => Line::NotObject,
            _ => Line::Good(mapc::json::json!({"id": format!("r{i}"), "amount_cents": i})),
        });
    }
    for jobs in ["1", "3"] {
        check_failing_output(&lines, jobs, Some(100_000));
        check_failing_output(&lines, jobs, None);
    }
}

#[test]
fn a_ten_megabyte_line_is_mapped_or_rejected_at_the_limit() {
    let big = mapc::json::json!({"id": "big", "amount_cents": 1, "unused": "x".repeat(10 << 20)});
    let mut input = b"{\"id\": \"a\"}\n".to_vec();
    input.extend(big.to_string().bytes());
    input.extend(b"\n{\"id\": \"b\"}\n");
    check_stream(
        &[
            Line::Good(mapc::json::json!({"id": "a"})),
            Line::Good(big.clone()),
            Line::Good(mapc::json::json!({"id": "b"})),
        ],
        false,
        true,
        "2",
    );

    let dir = scratch();
    let output = run(&dir, &input, &["--max-line-bytes", "1000000"]);
    assert_eq!(output.status.code(), Some(1));
    let rejects = std::fs::read_to_string(dir.join("rejects.ndjson")).expect("rejects");
    let _ = std::fs::remove_dir_all(&dir);
    let reject: Json = mapc::json::from_str(rejects.trim()).expect("one reject");
    assert_eq!(reject["line"], 2);
    assert_eq!(reject["errors"][0]["code"], "E312");
    assert_eq!(
        reject["input_bytes"].as_u64(),
        Some(big.to_string().len() as u64)
    );
    assert_eq!(reject["input"].as_str().map(str::len), Some(1_000_000));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
}

#[test]
fn stats_count_rejects_and_fields() {
    let input = b"{\"id\": \"a\", \"status\": \"X\"}\n{\"amount_cents\": \"3\"}\n{\"id\": \"c\"}\n";
    let dir = scratch();
    let output = run(&dir, input, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stats: Json =
        mapc::json::from_slice(&std::fs::read(dir.join("stats.json")).expect("stats"))
            .expect("JSON");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        stats["records"],
        mapc::json::json!({"read": 3, "written": 2, "rejected": 1, "skipped": 0, "output": 2, "not_written": 0})
    );
    assert_eq!(
        stats["rejected_by_code"],
        mapc::json::json!({"E300": 1, "E301": 1})
    );
    assert_eq!(
        stats["rejected_by_target"],
        mapc::json::json!({"order_id": 1, "total": 1})
    );
    assert_eq!(stats["fields"]["status"]["defaulted"], 1);
    assert_eq!(stats["fields"]["email"]["null"], 2);
    assert_eq!(stats["fields"]["total"]["null"], 2);
    assert!(stats["records_per_second"].is_number());
    let error_rate = stats["error_rate"].as_f64().expect("error rate");
    assert!((error_rate - 1.0 / 3.0).abs() < 1e-9);
}

#[test]
fn bound_mappings_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<mapc::Mapping>();
    shared::<mapc::BoundMapping>();
}

/// `--on-error fail` on many threads stops early without waiting forever
/// for the rest of a long stream.
#[test]
fn failing_early_in_a_long_stream_stops_every_thread() {
    let mut input = b"{\"id\": \"a\"}\nnot json\n".to_vec();
    for i in 0..200_000 {
        input.extend(format!("{{\"id\": \"r{i}\"}}\n").bytes());
    }
    let dir = scratch();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .current_dir(&dir)
        .args([
            "apply",
            "m.map",
            "-",
            "--ndjson",
            "--quiet",
            "--jobs",
            "3",
            "--on-error",
            "fail",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mapc runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let _ = writer.join();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "stops, exit 1");
}
