//! The README's "authoring loop" section does not lie: the mapping table
//! it shows is what `mapc doc mappings/stripe_charge/charge.map` generates,
//! and the commands it lists exist.
//!
//! `UPDATE_README=1 cargo test --test readme_loop` rewrites the table.

use std::path::Path;

const MARKERS: (&str, &str) = ("<!-- doc:start -->\n", "<!-- doc:end -->");

/// The "Target record" table of the generated Markdown.
fn target_table() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).expect("crate root");
    let mapping = mapc::Mapping::from_file("mappings/stripe_charge/charge.map")
        .expect("the example compiles");
    let markdown = mapping.describe().to_markdown();
    let start = markdown
        .find("## Target record\n\n")
        .expect("a target-record section")
        + "## Target record\n\n".len();
    let table: Vec<&str> = markdown[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() > 2, "the table has rows");
    format!("{}\n", table.join("\n"))
}

#[test]
fn the_doc_table_is_generated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let start = readme.find(MARKERS.0).expect("a doc:start marker") + MARKERS.0.len();
    let end = readme[start..].find(MARKERS.1).expect("a doc:end marker") + start;
    let expected = target_table();
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!("the README's doc table is stale; run `UPDATE_README=1 cargo test --test readme_loop`");
}

#[test]
fn the_commands_listed_exist() {
    let readme = include_str!("../README.md");
    for command in [
        "apply",
        "check",
        "test",
        "doc",
        "schema",
        "fmt",
        "functions",
        "lsp",
        "play",
    ] {
        assert!(
            readme.contains(&format!("\nmapc {command} ")),
            "`mapc {command}` is not in the README's command list"
        );
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mapc"))
            .args([command, "--help"])
            .output()
            .expect("mapc runs");
        assert_eq!(output.status.code(), Some(0), "`mapc {command} --help`");
    }
}

/// The summary lines the README quotes start as the real ones do: `summary:`
/// when every record was written, `error:` when some were rejected.
#[test]
fn the_summary_lines_quoted_are_the_real_ones() {
    let readme = include_str!("../README.md");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/apply_ndjson_errors");
    let last_line = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mapc"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("mapc runs");
        let stderr = String::from_utf8(output.stderr).expect("UTF-8");
        let line = stderr.lines().last().expect("a summary").to_string();
        line.split_once(": ").expect("a prefix").0.to_string()
    };
    let with_rejects = last_line(&["apply", "order.map", "orders.ndjson"]);
    let mut quoted = 0;
    for piece in readme.split('`') {
        let Some((prefix, rest)) = piece.split_once(": ") else {
            continue;
        };
        if !rest.contains(" records read, ") || prefix.contains(' ') {
            continue;
        }
        quoted += 1;
        if rest.contains(", 0 rejected") {
            assert_eq!(prefix, "summary", "README quotes `{piece}`");
        } else {
            assert_eq!(prefix, with_rejects, "README quotes `{piece}`");
        }
    }
    assert!(quoted >= 2, "the README quotes both summary lines");
}
