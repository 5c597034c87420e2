//! Issue 10 §1–4 through the binary, for the items whose library test is
//! in `tests/hostile.rs` or `tests/hostile_inputs.rs` and whose CLI case
//! was missing: a mapping nested past the limit and a def chain past the
//! limit are compile errors (exit 3), not an abort of the NDJSON workers;
//! a record nested past the input limit, a record whose output passes
//! `--max-output-bytes` and a record with a zone name of a megabyte are
//! rejected and the stream goes on; a JSON document may open with a byte
//! order mark.

mod common;

use common::{mapc, stderr};
use serde_json::Value as Json;

fn rejects(dir: &std::path::Path) -> Vec<Json> {
    std::fs::read_to_string(dir.join("rejects.ndjson"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a reject entry is JSON"))
        .collect()
}

fn codes(reject: &Json) -> Vec<String> {
    reject["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_mapping_nested_past_the_limit_is_a_compile_error() {
    let dir = common::scratch_dir("hostile-cli");
    let nested = "if .a { ".repeat(5_000) + "x = 1" + &" }".repeat(5_000);
    common::write(&dir, "m.map", nested);
    common::write(&dir, "in.ndjson", "{\"a\": true}\n");
    for args in [
        &["check", "m.map"][..],
        &["apply", "m.map", "in.ndjson", "--jobs", "2"],
    ] {
        let output = mapc(&dir, args);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("error[E104]"),
            "{}",
            stderr(&output)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_def_chain_past_the_limit_is_a_compile_error_not_an_abort() {
    let dir = common::scratch_dir("hostile-cli");
    let mut source = String::from("def f0(v) = v + 1\n");
    for i in 1..1_000 {
        source.push_str(&format!("def f{i}(v) = f{}(v) + 1\n", i - 1));
    }
    source.push_str("x = f999(.a)\n");
    common::write(&dir, "m.map", source);
    common::write(&dir, "in.ndjson", "{\"a\": 1}\n".repeat(10));
    let output = mapc(&dir, &["apply", "m.map", "in.ndjson", "--jobs", "2"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error[E220]"),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_records_are_rejected_and_the_stream_goes_on() {
    let dir = common::scratch_dir("hostile-cli");
    common::write(
        &dir,
        "m.map",
        "id = .id\nlocal = to_zone(\"2024-01-01T00:00:00Z\", .zone) when .zone != null\nlong = pad_start(\"x\", .width) when .width != null\n",
    );
    let deep = format!(
        "{{\"id\": 2, \"x\": {}1{}}}",
        "[".repeat(500),
        "]".repeat(500)
    );
    let zone = format!("{{\"id\": 3, \"zone\": \"{}\"}}", "Europe/".repeat(150_000));
    let lines = [
        "{\"id\": 1}".to_string(),
        deep,
        zone,
        "{\"id\": 4, \"width\": 100000}".to_string(),
        "{\"id\": 5}".to_string(),
    ];
    common::write(&dir, "in.ndjson", lines.join("\n") + "\n");
    let output = mapc(
        &dir,
        &[
            "apply",
            "m.map",
            "in.ndjson",
            "--on-error",
            "reject=rejects.ndjson",
            "--max-output-bytes",
            "1000",
            "-o",
            "out.ndjson",
            "--jobs",
            "2",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.join("out.ndjson")).expect("output");
    assert_eq!(written, "{\"id\":1}\n{\"id\":5}\n");
    let rejects = rejects(&dir);
    let lines_rejected: Vec<u64> = rejects
        .iter()
        .map(|r| r["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines_rejected, [2, 3, 4], "{rejects:?}");
    for (reject, line) in rejects.iter().zip(&lines[1..4]) {
        assert_eq!(reject["input"].as_str(), Some(line.as_str()), "kept whole");
    }
    assert!(
        codes(&rejects[1]).contains(&"E317".to_string()),
        "{:?}",
        codes(&rejects[1])
    );
    assert!(
        codes(&rejects[2]).contains(&"E331".to_string()),
        "{:?}",
        codes(&rejects[2])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_json_document_may_open_with_a_byte_order_mark() {
    let dir = common::scratch_dir("hostile-cli");
    common::write(&dir, "m.map", "id = .id\n");
    common::write(&dir, "in.json", "\u{feff}[{\"id\": 1}, {\"id\": 2}]");
    let output = mapc(&dir, &["apply", "m.map", "in.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out: Json = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(out, serde_json::json!([{"id": 1}, {"id": 2}]));
    let _ = std::fs::remove_dir_all(&dir);
}
