//! Issue 10 §2: every message shortens the value it quotes. A value of
//! megabytes (a string, a number, a key) must not be repeated whole in
//! stderr, a JSON diagnostic, `--stats` or a reject entry's `message`,
//! `target` and `source`; the reject entry still keeps the record's raw
//! line whole (nothing lost). CLI and library.

mod common;

use common::{mapc, stderr};
use mapc::json::{Value as Json, json};

const MAPPING: &str = r#"table codes { "alpha" => 1  "beta" => 2 }
id  = .id
num = to_number(.s)                   optional
big = .n + 1                          optional
c   = lookup(.code, codes)            optional
t   = .t                              optional max_length 3
d   = parse_date(.d, "%Y-%m-%d")      optional
k   = to_number(first(keys(.x)))      optional
"#;

/// Far more than any message may hold: 2 MiB.
const SIZE: usize = 2 << 20;
/// The most a message, target or source may take.
const SHORT: usize = 4096;

/// One record per way a long value reaches a message, each failing.
fn records() -> Vec<String> {
    let text = "a".repeat(SIZE);
    let digits = "9".repeat(SIZE);
    vec![
        format!(r#"{{"id":1,"s":"{text}"}}"#),
        format!(r#"{{"id":2,"n":{digits}}}"#),
        format!(r#"{{"id":3,"{text}":1,"{text}":2}}"#),
        format!(r#"{{"id":4,"code":"{text}"}}"#),
        format!(r#"{{"id":5,"t":"{text}"}}"#),
        format!(r#"{{"id":6,"d":"{text}"}}"#),
        format!(r#"{{"id":7,"x":{{"{text}":1}}}}"#),
    ]
}

#[test]
fn long_values_are_shortened_in_stderr_and_rejects_but_the_record_is_kept_whole() {
    let dir = common::scratch_dir("hostile-messages");
    let lines = records();
    common::write(&dir, "m.map", MAPPING);
    common::write(&dir, "in.ndjson", lines.join("\n") + "\n");

    // every error on stderr
    let output = mapc(
        &dir,
        &[
            "apply",
            "m.map",
            "in.ndjson",
            "--on-error",
            "skip",
            "-o",
            "out.ndjson",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stderr(&output);
    for code in ["E308", "E306", "E411", "E302", "E321", "E314"] {
        assert!(
            report.contains(&format!("error[{code}]")),
            "{code} missing: {}",
            &report[..report.len().min(2000)]
        );
    }
    assert!(
        report.len() < 8 * SHORT,
        "stderr holds {} bytes",
        report.len()
    );
    assert!(
        report.contains(&format!("({SIZE} characters)")),
        "the length is said"
    );

    // the rejects and the stats
    let output = mapc(
        &dir,
        &[
            "apply",
            "m.map",
            "in.ndjson",
            "--on-error",
            "reject=rejects.ndjson",
            "--stats",
            "stats.json",
            "-o",
            "out.ndjson",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).len() < SHORT, "{}", stderr(&output).len());
    let stats = std::fs::read_to_string(dir.join("stats.json")).expect("stats");
    assert!(stats.len() < SHORT, "stats hold {} bytes", stats.len());
    let rejects = std::fs::read_to_string(dir.join("rejects.ndjson")).expect("rejects");
    let entries: Vec<Json> = rejects
        .lines()
        .map(|l| mapc::json::from_str(l).expect("a reject entry is JSON"))
        .collect();
    assert_eq!(entries.len(), lines.len());
    for (entry, line) in entries.iter().zip(&lines) {
        assert_eq!(
            entry["input"].as_str(),
            Some(line.as_str()),
            "the record is kept whole"
        );
        let errors = entry["errors"].as_array().expect("errors");
        assert!(!errors.is_empty());
        for error in errors {
            for field in ["message", "target", "source"] {
                let shown = error[field].as_str().unwrap_or("");
                assert!(shown.len() < SHORT, "{field} holds {} bytes", shown.len());
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_long_literal_is_shortened_in_check_diagnostics_text_and_json() {
    let dir = common::scratch_dir("hostile-messages");
    // a constant argument every record would fail on (E217), quoting it
    let literal = "z".repeat(600_000);
    common::write(&dir, "m.map", format!("x = to_zone(.at, \"{literal}\")\n"));
    for args in [
        &["check", "m.map"][..],
        &["check", "m.map", "--format", "json"],
    ] {
        let output = mapc(&dir, args);
        assert_ne!(output.status.code(), Some(0), "{args:?}");
        let shown = stderr(&output) + &String::from_utf8_lossy(&output.stdout);
        assert!(
            shown.contains("E217"),
            "{args:?}: {}",
            &shown[..shown.len().min(2000)]
        );
        // the message, notes and help are short, and the source line
        // under the error is shown as a window around the column
        assert!(shown.len() < 8 * SHORT, "{args:?}: {} bytes", shown.len());
        assert!(shown.contains("(600000 characters)"), "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_library_shortens_every_field_of_a_runtime_error() {
    let text = "b".repeat(SIZE);
    let mapping = mapc::Mapping::compile(
        "num = to_number(.s)\nc = lookup(.s, codes)\nk = to_number(first(keys(.x)))\ntable codes { \"a\" => 1 }\n",
    )
    .expect("compiles");
    let mut key = mapc::json::Map::new();
    key.insert(text.clone(), json!(1));
    let error = mapping
        .apply(&json!({"s": text, "x": key}))
        .expect_err("fails");
    assert_eq!(error.errors.len(), 3, "{error}");
    for e in &error.errors {
        let fields = [
            Some(&e.message),
            e.value.as_ref(),
            e.help.as_ref(),
            e.source_path.as_ref(),
            e.target.as_ref(),
        ];
        for field in fields.into_iter().flatten().chain(&e.notes) {
            assert!(
                field.len() < SHORT,
                "{}: {} bytes",
                e.code.as_str(),
                field.len()
            );
        }
        let rendered = mapc::diagnostics::render(&e.to_diagnostic(Some("record 1")));
        assert!(rendered.len() < SHORT, "{} bytes", rendered.len());
    }
    assert!(error.to_string().len() < 3 * SHORT);
}
