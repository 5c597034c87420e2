//! The `mapc` binary, run for real on fixture folders.
//!
//! Each folder under `tests/cli/` is one case: a `cmd` file with the
//! arguments (split on whitespace; single or double quotes keep spaces), an
//! optional `stdin` file fed to the command, and the mapping and input files
//! it uses. The command runs with the folder as its working directory, so
//! paths in messages are relative and stable. The snapshot (`snapshot.snap`
//! in the folder) holds the command, exit code, stdout, stderr and every
//! file the command created (which the driver then deletes).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

macro_rules! cases {
    ($($name:ident,)*) => {
        $(
            #[test]
            fn $name() {
                run_case(stringify!($name));
            }
        )*

        const CASES: &[&str] = &[$(stringify!($name),)*];
    };
}

cases! {
    apply_object,
    apply_array_bad_record,
    apply_ndjson_errors,
    apply_ndjson_fail,
    apply_ndjson_reject,
    apply_stdin_object,
    apply_stdin_ndjson,
    apply_pretty,
    apply_pretty_ndjson_rejected,
    apply_output_file,
    apply_output_file_failed,
    apply_invalid_json_document,
    apply_unreadable_input,
    apply_unreadable_mapping,
    apply_unwritable_output,
    apply_array_not_objects,
    apply_invalid_mapping,
    param_good,
    param_missing,
    param_wrong_type,
    param_unknown,
    param_bad_syntax,
    param_duplicate,
    check_good,
    check_bad,
    check_unreadable,
    functions_markdown,
    functions_text,
    help,
    apply_help,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cli")
}

/// A new fixture folder must be listed in `cases!`, or it would never run.
#[test]
fn every_fixture_folder_is_a_case() {
    let mut folders: Vec<String> = fs::read_dir(cases_dir())
        .expect("tests/cli is readable")
        .map(|entry| entry.expect("a directory entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut cases: Vec<&str> = CASES.to_vec();
    cases.sort();
    assert_eq!(folders, cases);
}

/// Shell-like words: `a "b c" 'd "e"'` → `["a", "b c", "d \"e\""]`. Quotes
/// keep spaces; there are no escapes (use the other kind of quote).
fn split_args(cmd: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in cmd.trim().chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                current.get_or_insert_with(String::new);
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if let Some(arg) = current.take() {
                    args.push(arg);
                }
            }
            (_, c) => current.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unbalanced quotes in `{cmd}`");
    args.extend(current);
    args
}

/// The arguments as a command line to copy, quoted where needed.
fn show_args(args: &[String]) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=.,/:*+@%[]".contains(c);
    args.iter()
        .map(|arg| {
            if !arg.is_empty() && arg.chars().all(plain) {
                arg.clone()
            } else {
                format!("'{arg}'")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn arguments_split_like_a_shell_without_escapes() {
    let args = split_args("apply m.map --param \"name=Ada Lovelace\" 'x={\"a\": 1}' \"\"\n");
    assert_eq!(
        args,
        [
            "apply",
            "m.map",
            "--param",
            "name=Ada Lovelace",
            "x={\"a\": 1}",
            ""
        ]
    );
    assert_eq!(
        show_args(&args),
        "apply m.map --param 'name=Ada Lovelace' 'x={\"a\": 1}' ''"
    );
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("the case folder is readable")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.contains(".snap"))
        .collect()
}

fn run_case(name: &str) {
    let dir = cases_dir().join(name);
    let cmd = fs::read_to_string(dir.join("cmd")).expect("the case has a `cmd` file");
    let args = split_args(&cmd);
    let stdin = fs::read(dir.join("stdin")).ok();
    let before = files_in(&dir);

    let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(&args)
        .current_dir(&dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mapc runs");
    if let Some(bytes) = &stdin {
        let mut pipe = child.stdin.take().expect("a stdin pipe");
        pipe.write_all(bytes).expect("stdin is written");
    }
    let output = child.wait_with_output().expect("mapc finishes");

    let mut report = format!(
        "$ mapc {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        show_args(&args),
        output
            .status
            .code()
            .map_or_else(|| "killed by a signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    for created in files_in(&dir).difference(&before) {
        let path = dir.join(created);
        let content = fs::read_to_string(&path).unwrap_or_else(|e| format!("(unreadable: {e})"));
        report.push_str(&format!("--- created file {created}\n{content}"));
        fs::remove_file(&path).expect("the created file can be removed");
    }

    insta::with_settings!({
        snapshot_path => dir,
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("mapc {}", show_args(&args)),
    }, {
        insta::assert_snapshot!("snapshot", report);
    });
}
