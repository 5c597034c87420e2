//! `mapc apply` on CSV, JSON-array and XML inputs with damaged records: the
//! nothing-lost property of `tests/stream.rs` (read = written + rejected +
//! skipped, a `skip` guard leaving records out for CSV and arrays,
//! every good record exactly as `Mapping::apply` maps it alone, in order,
//! every reject carrying its record), and the pipe latency: a record
//! written slowly into a pipe comes out before the next one goes in.

mod common;

use base64::Engine as _;
use mapc::json::Value as Json;
use mapc::{Mapping, Outcome};
use proptest::prelude::*;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const JSON_MAPPING: &str = r#"
skip if .id == "skip"
order_id = .id                          required
email    = .customer.email | trim | lower
total    = .amount_cents / 100
tags     = for t in .tags { name = t.name }
"#;

const CSV_MAPPING: &str = r#"
policy blank = missing
skip if .id == "skip"
order_id = .id                    required
email    = .email | trim | lower
total    = to_number(.amount)
"#;

/// A fresh scratch folder with `mapping` in it as `m.map`.
fn scratch(mapping: &str) -> PathBuf {
    let dir = common::scratch_dir("formats");
    common::write(&dir, "m.map", mapping);
    dir
}

fn run(dir: &Path, input: &[u8], args: &[&str]) -> Output {
    let mut all = vec![
        "apply",
        "m.map",
        "-",
        "--quiet",
        "--on-error",
        "reject=rejects.ndjson",
    ];
    all.extend_from_slice(args);
    common::mapc_with_input(dir, &all, input)
}

fn rejects(dir: &Path) -> Vec<Json> {
    let text = std::fs::read(dir.join("rejects.ndjson")).expect("rejects written");
    text.split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| mapc::json::from_slice(l).expect("a reject line is JSON"))
        .collect()
}

/// The record counts of `--stats stats.json`: read, written, rejected,
/// skipped.
fn counts(dir: &Path) -> [u64; 4] {
    let text = std::fs::read(dir.join("stats.json")).expect("stats written");
    let stats: Json = mapc::json::from_slice(&text).expect("stats are JSON");
    let records = &stats["records"];
    ["read", "written", "rejected", "skipped"].map(|key| {
        records[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {stats}"))
    })
}

/// The bytes a reject carries: `input` or `input_base64`.
fn carried(reject: &Json) -> Vec<u8> {
    match (reject["input"].as_str(), reject["input_base64"].as_str()) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64"),
        _ => panic!("a reject carries its input once: {reject}"),
    }
}

// ---------------------------------------------------------------- CSV

/// One row of a generated CSV file.
#[derive(Clone, Debug)]
enum Row {
    /// Three cells; `quote_all` quotes even cells that need no quotes.
    Good([String; 3], bool),
    /// Fewer or more cells than the header.
    Width(Vec<String>),
    /// A cell with a byte that is not UTF-8.
    NotUtf8([String; 3], usize),
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{0,6}",
        " ?[A-Za-z@.]{0,8} ?",
        "[0-9]{1,4}(\\.[0-9]{1,2})?",
        "[a-z ,\"\r\n]{0,8}",
        Just(String::new()),
    ]
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        6 => ([cell(), cell(), cell()], any::<bool>()).prop_map(|(c, q)| Row::Good(c, q)),
        1 => ([cell(), cell()], any::<bool>())
            .prop_map(|([e, a], q)| Row::Good(["skip".to_string(), e, a], q)),
        1 => prop::collection::vec(cell(), 1..6)
            .prop_filter("not three cells", |c| c.len() != 3)
            .prop_map(Row::Width),
        1 => ([cell(), cell(), cell()], any::<usize>()).prop_map(|(c, at)| Row::NotUtf8(c, at)),
    ]
}

fn encode_cell(cell: &[u8], quote: bool) -> Vec<u8> {
    let needs = cell
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    if !(quote || needs) {
        return cell.to_vec();
    }
    let mut out = vec![b'"'];
    for &b in cell {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
    out
}

fn encode_row(cells: &[Vec<u8>], quote: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend(encode_cell(c, quote));
    }
    // a row of one empty cell would be a blank line
    if out.is_empty() {
        out.extend(b"\"\"");
    }
    out
}

fn check_csv(rows: &[Row], crlf: bool, final_newline: bool, jobs: &str) {
    let mapping = Mapping::compile(CSV_MAPPING).expect("mapping compiles");
    let env = mapc::Env::new();
    let ending: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut input = b"id,email,amount".to_vec();
    input.extend(ending);
    let mut line = 2u64;
    let mut expected_out = Vec::new();
    let mut expected_rejects: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut skipped = 0;
    for (i, row) in rows.iter().enumerate() {
        let raw = match row {
            Row::Good(cells, quote) => {
                let bytes: Vec<Vec<u8>> = cells.iter().map(|c| c.as_bytes().to_vec()).collect();
                encode_row(&bytes, *quote)
            }
            Row::Width(cells) => {
                let bytes: Vec<Vec<u8>> = cells.iter().map(|c| c.as_bytes().to_vec()).collect();
                encode_row(&bytes, true)
            }
            Row::NotUtf8(cells, at) => {
                let mut bytes: Vec<Vec<u8>> = cells.iter().map(|c| c.as_bytes().to_vec()).collect();
                let which = at % 3;
                let place = at % (bytes[which].len() + 1);
                bytes[which].insert(place, 0xff);
                encode_row(&bytes, true)
            }
        };
        match row {
            Row::Good(cells, _) => {
                let record =
                    mapc::json::json!({"id": cells[0], "email": cells[1], "amount": cells[2]});
                match mapping.apply_all_with(&record, &env) {
                    Ok(Outcome::Mapped(values)) => {
                        expected_out.extend(values.iter().map(Json::to_string));
                    }
                    Ok(Outcome::Skipped) => skipped += 1,
                    Err(_) => expected_rejects.push((line, raw.clone())),
                }
            }
            _ => expected_rejects.push((line, raw.clone())),
        }
        line += 1 + raw.iter().filter(|b| **b == b'\n').count() as u64;
        input.extend(&raw);
        if i + 1 < rows.len() || final_newline {
            input.extend(ending);
        }
    }

    let dir = scratch(CSV_MAPPING);
    let output = run(
        &dir,
        &input,
        &["--from", "csv", "--jobs", jobs, "--stats", "stats.json"],
    );
    let rejects = rejects(&dir);
    let counts = counts(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected_code = if expected_rejects.is_empty() { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(expected_code), "{stderr}");
    let out = String::from_utf8(output.stdout).expect("output is UTF-8");
    let out: Vec<&str> = out.lines().collect();
    assert_eq!(out, expected_out, "good rows map as they do alone");
    assert_eq!(rejects.len(), expected_rejects.len(), "{rejects:?}");
    let [read, written, rejected, skips] = counts;
    assert_eq!(read, rows.len() as u64);
    assert_eq!(
        (written, rejected, skips),
        (
            expected_out.len() as u64,
            expected_rejects.len() as u64,
            skipped
        )
    );
    assert_eq!(read, written + rejected + skips, "nothing lost");
    for (reject, (number, raw)) in rejects.iter().zip(&expected_rejects) {
        assert_eq!(reject["line"].as_u64(), Some(*number), "{reject}");
        assert_eq!(&carried(reject), raw, "the row byte for byte: {reject}");
        assert!(reject["errors"].as_array().is_some_and(|e| !e.is_empty()));
    }
}

// ---------------------------------------------------------- JSON arrays

/// One element of a generated JSON array.
#[derive(Clone, Debug)]
enum Element {
    Good(Json),
    /// Not JSON, but its brackets and strings balance.
    Invalid(&'static str),
    NotObject,
    Deep(usize),
}

fn record() -> impl Strategy<Value = Json> {
    (
        prop::option::of("[a-z0-9-]{1,8}"),
        prop_oneof![
            (0i64..100_000).prop_map(Json::from),
            "[0-9]{1,4}".prop_map(Json::from),
            Just(Json::Null),
        ],
        prop::option::of(" ?[A-Za-z@.,\\]\\[}{]{0,10} ?"),
        prop::collection::vec("[a-z\"\\\\]{0,5}", 0..3),
    )
        .prop_map(|(id, amount, email, tags)| {
            let mut object = mapc::json::Map::new();
            if let Some(id) = id {
                object.insert("id".into(), Json::from(id));
            }
            object.insert("amount_cents".into(), amount);
            if let Some(email) = email {
                object.insert("customer".into(), mapc::json::json!({"email": email}));
            }
            let tags: Vec<Json> = tags
                .into_iter()
                .map(|t| mapc::json::json!({"name": t}))
                .collect();
            object.insert("tags".into(), Json::Array(tags));
            Json::Object(object)
        })
}

fn element() -> impl Strategy<Value = Element> {
    prop_oneof![
        6 => record().prop_map(Element::Good),
        1 => record().prop_map(|mut r| {
            r["id"] = Json::from("skip");
            Element::Good(r)
        }),
        1 => prop::sample::select(vec!["{\"id\": tru}", "{\"id\" 1}", "nul", "{\"a\": [1 2]}", "\"x\" \"y\""])
            .prop_map(Element::Invalid),
        1 => Just(Element::NotObject),
        1 => (100usize..300).prop_map(Element::Deep),
    ]
}

fn element_text(element: &Element, pretty: bool) -> String {
    match element {
        Element::Good(r) if pretty => mapc::json::to_string_pretty(r).expect("JSON"),
        Element::Good(r) => r.to_string(),
        Element::Invalid(text) => (*text).to_string(),
        Element::NotObject => "[1, 2]".to_string(),
        Element::Deep(depth) => format!("{}{}", "[".repeat(*depth), "]".repeat(*depth)),
    }
}

fn check_array(elements: &[Element], pretty: bool, separator: &str, jobs: &str) {
    let mapping = Mapping::compile(JSON_MAPPING).expect("mapping compiles");
    let env = mapc::Env::new();
    let texts: Vec<String> = elements.iter().map(|e| element_text(e, pretty)).collect();
    let input = format!(
        "{separator}[{separator}{}{separator}]{separator}",
        texts.join(&format!(",{separator}"))
    );
    let mut expected_out = Vec::new();
    let mut expected_rejects = Vec::new();
    let mut skipped = 0;
    for (index, text) in texts.iter().enumerate() {
        let mapped = mapc::json::from_str(text)
            .ok()
            .and_then(|record| mapping.apply_all_with(&record, &env).ok());
        match mapped {
            Some(Outcome::Mapped(values)) => expected_out.extend(values),
            Some(Outcome::Skipped) => skipped += 1,
            None => expected_rejects.push((index as u64, text.clone())),
        }
    }

    let dir = scratch(JSON_MAPPING);
    let output = run(
        &dir,
        input.as_bytes(),
        &["--jobs", jobs, "--stats", "stats.json"],
    );
    let rejects = rejects(&dir);
    let counts = counts(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected_code = if expected_rejects.is_empty() { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(expected_code), "{stderr}");
    let out: Json = mapc::json::from_slice(&output.stdout).expect("the output is one JSON array");
    let written = expected_out.len() as u64;
    assert_eq!(
        out,
        Json::Array(expected_out),
        "good elements map as they do alone"
    );
    assert_eq!(rejects.len(), expected_rejects.len(), "{rejects:?}");
    let [read, written_counted, rejected, skips] = counts;
    assert_eq!(read, elements.len() as u64);
    assert_eq!(
        (written_counted, rejected, skips),
        (written, expected_rejects.len() as u64, skipped)
    );
    assert_eq!(read, written_counted + rejected + skips, "nothing lost");
    for (reject, (index, text)) in rejects.iter().zip(&expected_rejects) {
        assert_eq!(reject["index"].as_u64(), Some(*index), "{reject}");
        assert_eq!(carried(reject), text.as_bytes(), "the element's text");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn every_csv_row_is_written_or_rejected(
        rows in prop::collection::vec(row(), 0..30),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        jobs in prop::sample::select(vec!["1", "2", "3"]),
    ) {
        check_csv(&rows, crlf, final_newline, jobs);
    }

    #[test]
    fn every_array_element_is_written_or_rejected(
        elements in prop::collection::vec(element(), 0..30),
        pretty in any::<bool>(),
        separator in prop::sample::select(vec!["", " ", "\n", "\r\n  "]),
        jobs in prop::sample::select(vec!["1", "2", "3"]),
    ) {
        check_array(&elements, pretty, separator, jobs);
    }
}

#[test]
fn a_quoted_cell_with_line_breaks_is_one_record_named_by_its_first_line() {
    check_csv(
        &[
            Row::Good(["a".into(), "x@y.z".into(), "1".into()], false),
            Row::Good(["b\nc".into(), "multi\r\nline".into(), "2".into()], false),
            Row::Width(vec!["short".into()]),
            Row::Good(["d".into(), String::new(), "3x".into()], false),
        ],
        true,
        true,
        "1",
    );
}

#[test]
fn a_truncated_array_rejects_its_last_element() {
    let dir = scratch(JSON_MAPPING);
    let output = run(&dir, b"[{\"id\": \"a\"}, {\"id\": \"b\"", &[]);
    let rejects = rejects(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["index"], 1);
    assert_eq!(rejects[0]["errors"][0]["code"], "E400");
}

// ------------------------------------------------------------- latency

/// Feeds `lines` to `mapc apply` one at a time through a pipe and reads
/// each output line back before writing the next: without a flush when
/// the input runs dry, the first read would wait for the end of input.
/// Returns the slowest round trip after the first (which includes the
/// process's start-up).
fn round_trips(args: &[&str], mapping: &str, header: Option<&str>, lines: &[String]) -> Duration {
    let dir = scratch(mapping);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .current_dir(&dir)
        .args(["apply", "m.map", "-", "--quiet"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mapc runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.expect("output is text")).is_err() {
                break;
            }
        }
    });
    if let Some(header) = header {
        stdin.write_all(header.as_bytes()).expect("header written");
        stdin.flush().expect("flushed");
    }
    let mut slowest = Duration::ZERO;
    for (i, line) in lines.iter().enumerate() {
        let sent = Instant::now();
        stdin.write_all(line.as_bytes()).expect("line written");
        stdin.flush().expect("flushed");
        // generous: a loaded machine may be slow, but never this slow;
        // without the flush the line would only come at the end of input
        let out = rx.recv_timeout(Duration::from_secs(20));
        let elapsed = sent.elapsed();
        let out = out.unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("no output 20 s after writing {line:?}")
        });
        assert!(
            out.contains("\"order_id\":") || out.starts_with('o'),
            "{out}"
        );
        if i > 0 {
            slowest = slowest.max(elapsed);
        }
    }
    drop(stdin);
    let _ = child.wait();
    let _ = reader.join();
    let _ = std::fs::remove_dir_all(&dir);
    slowest
}

#[test]
fn ndjson_records_written_slowly_into_a_pipe_come_out_at_once() {
    let lines: Vec<String> = (0..5)
        .map(|i| format!("{{\"id\": \"o-{i}\", \"amount_cents\": {i}}}\n"))
        .collect();
    for jobs in ["1", "3"] {
        let slowest = round_trips(&["--ndjson", "--jobs", jobs], JSON_MAPPING, None, &lines);
        eprintln!("ndjson, {jobs} jobs: slowest round trip {slowest:?}");
    }
}

#[test]
fn csv_rows_and_array_elements_written_slowly_come_out_at_once() {
    let rows: Vec<String> = (0..5).map(|i| format!("o-{i},a@b.c,{i}\r\n")).collect();
    let slowest = round_trips(
        &["--from", "csv", "--to", "csv", "--no-header"],
        "order_id = .col1\ntotal = .col3\n",
        None,
        &rows,
    );
    eprintln!("csv: slowest round trip {slowest:?}");
    let rows: Vec<String> = (0..5).map(|i| format!("o-{i},a@b.c,{i}\n")).collect();
    round_trips(
        &["--from", "csv"],
        CSV_MAPPING,
        Some("id,email,amount\n"),
        &rows,
    );
    let elements: Vec<String> = (0..5)
        .map(|i| format!("{{\"id\": \"o-{i}\"}},\n"))
        .collect();
    round_trips(&["--to", "ndjson"], JSON_MAPPING, Some("[\n"), &elements);
}

// ----------------------------------------------------------------- XML

const XML_MAPPING: &str = r#"
order_id = ."@id"                required
customer = .Customer | trim
lines = for l in .Lines.Line {
  sku = l."@sku"
  qty = to_number(l.Qty)
}
"#;

/// One `<Order>` of a generated document.
#[derive(Clone, Debug)]
enum Order {
    /// id, customer text, lines (sku, qty); quantities may not be numbers.
    Good(String, String, Vec<(String, String)>),
    /// Uses an entity no DTD may define for it: rejected alone.
    Entity(String),
}

fn xml_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>\"'é-]{0,10}"
}

fn order() -> impl Strategy<Value = Order> {
    prop_oneof![
        5 => (
            "[a-z0-9-]{1,6}",
            xml_text(),
            prop::collection::vec((xml_text(), prop_oneof!["[0-9]{1,3}", "[a-z]{1,2}"]), 1..4),
        )
            .prop_map(|(id, customer, lines)| Order::Good(id, customer, lines)),
        1 => "[a-z0-9-]{1,6}".prop_map(Order::Entity),
    ]
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn check_xml(orders: &[Order], jobs: &str) {
    let mapping = Mapping::compile(XML_MAPPING).expect("mapping compiles");
    let mut input = String::from("<?xml version=\"1.0\"?>\n<!-- export -->\n<Orders>\n");
    let mut line = 4u64;
    let mut expected_out = Vec::new();
    let mut expected_rejects = Vec::new();
    for order in orders {
        let text = match order {
            Order::Good(id, customer, lines) => {
                let mut text = format!(
                    "<Order id=\"{}\">\n  <Customer>{}</Customer>\n  <Lines>",
                    escape(id),
                    escape(customer)
                );
                let mut items = Vec::new();
                for (sku, qty) in lines {
                    text.push_str(&format!(
                        "<Line sku=\"{}\"><Qty>{qty}</Qty></Line>",
                        escape(sku)
                    ));
                    items.push(mapc::json::json!({"@sku": sku, "Qty": qty}));
                }
                text.push_str("</Lines>\n</Order>");
                let record = mapc::json::json!({
                    "@id": id, "Customer": customer, "Lines": {"Line": items},
                });
                match mapping.apply(&record) {
                    Ok(value) => expected_out.push(value.to_string()),
                    Err(_) => expected_rejects.push((line, text.clone())),
                }
                text
            }
            Order::Entity(id) => {
                let text = format!("<Order id=\"{id}\"><Customer>&custom;</Customer></Order>");
                expected_rejects.push((line, text.clone()));
                text
            }
        };
        line += 1 + text.matches('\n').count() as u64;
        input.push_str(&text);
        input.push('\n');
    }
    input.push_str("</Orders>\n");

    let dir = scratch(XML_MAPPING);
    let output = run(
        &dir,
        input.as_bytes(),
        &[
            "--from",
            "xml",
            "--records",
            "/Orders/Order",
            "--jobs",
            jobs,
        ],
    );
    let rejects = rejects(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected_code = if expected_rejects.is_empty() { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(expected_code), "{stderr}");
    let out = String::from_utf8(output.stdout).expect("output is UTF-8");
    let out: Vec<&str> = out.lines().collect();
    assert_eq!(out, expected_out, "good records map as they do alone");
    assert_eq!(rejects.len(), expected_rejects.len(), "{rejects:?}");
    for (reject, (number, text)) in rejects.iter().zip(&expected_rejects) {
        assert_eq!(reject["line"].as_u64(), Some(*number), "{reject}");
        assert_eq!(
            carried(reject),
            text.as_bytes(),
            "the element byte for byte"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn every_xml_record_is_written_or_rejected(
        orders in prop::collection::vec(order(), 0..20),
        jobs in prop::sample::select(vec!["1", "2"]),
    ) {
        check_xml(&orders, jobs);
    }
}
