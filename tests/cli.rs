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
    apply_recover_and_assert,
    doc_recover_and_assert,
    apply_csv_damaged,
    apply_csv_wrong_encoding,
    apply_csv_encoding,
    apply_csv_out,
    apply_csv_out_list,
    apply_csv_no_header,
    apply_now,
    apply_xml,
    apply_xml_hostile,
    apply_xml_malformed,
    apply_xml_out,
    apply_table_supplied,
    apply_table_missing,
    apply_table_duplicate,
    apply_csv_bad_rows,
    apply_xml_out_bad_name,
    apply_csv_emit,
    apply_xml_out_emit,
    reverse_table,
    reverse_json,
    reverse_emit,
    reverse_laws,
    reverse_on_conflict,
    reverse_laws_explicit,
    reverse_emit_refused,
    apply_reverse_emit_refused,
    test_round_trip,
    test_laws_emit,
    apply_reverse_dates,
    apply_reverse_keyed,
    apply_reverse,
    apply_reverse_onto,
    apply_reverse_ndjson,
    apply_reverse_onto_lossy_key,
    apply_reverse_conflict,
    apply_reverse_conflict_in_mapping,
    apply_reverse_conflict_unknown_field,
    apply_reverse_conflict_stderr,
    apply_array_bad_record,
    apply_ndjson_errors,
    apply_ndjson_fail,
    apply_ndjson_reject,
    apply_stdin_object,
    apply_time_zone,
    apply_time_zone_missing,
    apply_time_zone_missing_ndjson,
    apply_time_zone_bad,
    check_reads_target,
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
    check_folder,
    check_bad,
    check_unreadable,
    functions_markdown,
    functions_text,
    help,
    apply_help,
    fmt_check,
    fmt_syntax_error,
    doc_markdown,
    doc_json,
    doc_html,
    doc_output_file,
    doc_invalid_mapping,
    schema_stdout,
    schema_output_file,
    test_cases,
    test_invalid_mapping,
    test_missing_path,
    test_one_case,
    check_warnings,
    check_deny_warnings,
    check_format_json,
    check_source_sample,
    check_source_schema,
    check_source_ndjson,
    check_source_schema_refs,
    check_target_types,
    check_allow_warnings,
    check_target_schema,
    check_source_unreadable,
    apply_record_control_ndjson,
    apply_record_control_array,
    apply_emit_object,
    doc_record_control,
    apply_skip_object,
    apply_numbers_keep_text,
    apply_numbers_keep_text_array,
    hostile_budget_stream_goes_on,
    hostile_pad_width_from_record,
    apply_output_full,
    apply_duplicate_key,
    apply_duplicate_key_array,
    apply_duplicate_key_array_pretty,
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

/// `mapc fmt` without `--check` rewrites the files that are not formatted,
/// and leaves the others alone (a fixture folder must not change, so this
/// runs on copies).
#[test]
fn fmt_rewrites_in_place() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt_rewrites_in_place");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch folder");
    let ugly = "id=.id   required\nemail = .email|trim # raw\n";
    let pretty = mapc::format(ugly).expect("it parses");
    assert_ne!(ugly, pretty);
    fs::write(dir.join("ugly.map"), ugly).expect("written");
    fs::write(dir.join("pretty.map"), &pretty).expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["fmt", "."])
        .current_dir(&dir)
        .output()
        .expect("mapc runs");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "formatted: ugly.map\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("ugly.map")).expect("read"),
        pretty
    );
    assert_eq!(
        fs::read_to_string(dir.join("pretty.map")).expect("read"),
        pretty
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a scratch folder");
    for entry in fs::read_dir(from).expect("readable") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copied");
        }
    }
}

/// `mapc test --bless` writes what each failing case gave as its new
/// expectation, so that a second run passes (except a case whose own files
/// are broken: there is nothing to bless). Runs on a copy of `test_cases`.
#[test]
fn test_bless_writes_expectations() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test_bless");
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&cases_dir().join("test_cases"), &dir);
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("mapc runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, stdout) = run(&["test", "--bless"]);
    assert_eq!(code, Some(1), "{stdout}");
    // a blessed case failed: it is counted apart, never as passed
    assert!(
        stdout.contains("failed: orders.map (1 of 9 cases failed, 5 blessed)\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "5 passed, 1 failed, 5 blessed (they failed; their expectations are now what they gave)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("blessed: orders.tests/no_expectation/expected.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("blessed: orders.tests/record_failed/expected_error.json"),
        "{stdout}"
    );
    let expected = |case: &str, file: &str| {
        fs::read_to_string(dir.join("orders.tests").join(case).join(file)).expect("blessed")
    };
    assert_eq!(
        expected("record_failed", "expected_error.json"),
        "[\n  {\n    \"code\": \"E300\",\n    \"target\": \"order_id\"\n  }\n]\n"
    );
    assert!(
        !dir.join("orders.tests/record_failed/expected.json")
            .exists()
    );
    assert!(expected("fields_differ", "expected.json").contains("\"total\": 12.50"));
    let (code, stdout) = run(&["test"]);
    assert_eq!(code, Some(1));
    assert!(stdout.ends_with("10 passed, 1 failed\n"), "{stdout}");
}
