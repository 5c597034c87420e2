//! mapc inside a service: a bound mapping owned by the application's
//! state, one way from text to text and one from value to value, and every
//! failed record as data in the shape of `mapc apply`'s reject file.

use mapc::json::{Value as Json, json};
use mapc::reject::InputError;
use mapc::{BoundMapping, Code, CompileError, Env, Mapping, RecordError};
use std::process::Command;
use std::sync::OnceLock;

const fn assert_owned<T: Send + Sync + Clone + 'static>() {}
const fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}

// compile-time checks: a bound mapping goes into an `Arc`, a `static` or
// an axum `State`; its errors go through `?` and across threads
const _: () = {
    assert_owned::<BoundMapping>();
    assert_error::<RecordError>();
    assert_error::<InputError>();
};

const ORDERS: &str = r#"
param tenant: string
reject "test order" if .test == true
id     = .id required
tenant = $tenant
total  = .amount_cents / 100
email  = .customer.email | lower
"#;

fn bound() -> BoundMapping {
    let mapping = Mapping::compile(ORDERS).unwrap();
    let env = Env::new().with_param("tenant", "acme");
    // the environment is not needed after binding
    mapping.bind(&env).unwrap()
}

/// Records of every kind: mapped, failing in a field, not JSON, not UTF-8,
/// not an object, rejected by a guard, a key twice.
const LINES: &[&[u8]] = &[
    br#"{"id": 1, "amount_cents": 1999, "customer": {"email": "Ada@Example.COM"}}"#,
    br#"{"amount_cents": "12.50"}"#,
    br#"{"id": 3, "amount_cents": 5"#,
    b"{\"id\": \"\xff\"}",
    br#"[1, 2]"#,
    br#"{"id": 6, "test": true}"#,
    br#"{"id": 7, "id": 8}"#,
    br#"{"id": 98765432109876543210, "amount_cents": 1E3}"#,
];

static SHARED: OnceLock<BoundMapping> = OnceLock::new();

#[test]
fn a_bound_mapping_lives_in_a_static_and_maps_from_several_threads() {
    let shared = SHARED.get_or_init(bound);
    let expected: Vec<_> = LINES
        .iter()
        .map(|line| shared.map_json(line).map_err(|e| e.to_json()))
        .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let mine = shared.clone();
                scope.spawn(move || {
                    (0..50)
                        .flat_map(|_| LINES.iter())
                        .map(|line| mine.map_json(line).map_err(|e| e.to_json()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            let got = handle.join().unwrap();
            for chunk in got.chunks(LINES.len()) {
                assert_eq!(chunk, expected.as_slice());
            }
        }
    });
    assert_eq!(
        expected[0],
        Ok(r#"{"id":1,"tenant":"acme","total":19.99,"email":"ada@example.com"}"#.to_string())
    );
}

/// Runs `mapc apply` on `input` with a reject file: (stdout lines, reject
/// entries).
fn mapc_apply(input: &[u8], extra: &[&str]) -> (Vec<String>, Vec<Json>) {
    let dir = std::env::temp_dir().join(format!(
        "mapc-embedding-{}-{}",
        std::process::id(),
        extra.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mapping = dir.join("orders.map");
    std::fs::write(&mapping, ORDERS).unwrap();
    let data = dir.join(if extra.is_empty() {
        "in.ndjson"
    } else {
        "in.json"
    });
    std::fs::write(&data, input).unwrap();
    let rejects = dir.join("rejects.ndjson");
    let output = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("apply")
        .arg(&mapping)
        .arg(&data)
        .args(["--param", "tenant=acme", "--jobs", "1"])
        .arg(format!("--on-error=reject={}", rejects.display()))
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let entries = std::fs::read_to_string(&rejects)
        .unwrap()
        .lines()
        .map(|line| mapc::json::from_str(line).unwrap())
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    (stdout.lines().map(str::to_string).collect(), entries)
}

#[test]
fn map_json_gives_what_mapc_apply_writes_and_its_errors_are_its_reject_entries() {
    let bound = bound();
    let (written, rejects) = mapc_apply(&LINES.join(&b'\n'), &[]);
    let mut mapped = Vec::new();
    let mut failed = Vec::new();
    for (i, line) in LINES.iter().enumerate() {
        match bound.map_json(line) {
            Ok(text) => mapped.push(text),
            Err(error) => failed.push(error.at_line(i as u64 + 1).to_json()),
        }
    }
    assert_eq!(mapped, written);
    assert_eq!(failed, rejects);
    // every kind of failure is among them, the line that is not UTF-8 in
    // base64
    let codes: Vec<&str> = failed
        .iter()
        .map(|e| e["errors"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E300", "E400", "E400", "E420", "E421", "E411"]);
    assert_eq!(failed[2]["input_base64"], "eyJpZCI6ICL/In0=");
    // the shape the README documents for the reject file
    assert_eq!(
        failed[0],
        json!({"line": 2, "input": r#"{"amount_cents": "12.50"}"#, "errors": [
            {"code": "E300", "message": "required field `id` has no value: `$.id` is missing", "target": "id", "source": "$.id"},
            {"code": "E301", "message": "`/` needs numbers, found string \"12.50\"", "target": "total", "source": "$.amount_cents"},
        ]})
    );
    // a 20-digit id and an exponent pass untouched
    assert_eq!(
        mapped[1],
        r#"{"id":98765432109876543210,"tenant":"acme","total":10,"email":null}"#
    );
}

#[test]
fn map_gives_a_value_and_its_errors_are_the_reject_entries_of_an_array() {
    let bound = bound();
    let records = vec![
        json!({"id": 1, "amount_cents": 250}),
        json!({"amount_cents": 3}),
        json!("not an object"),
        json!({"id": 4, "test": true}),
    ];
    let (written, rejects) = mapc_apply(
        mapc::json::to_string(&records).unwrap().as_bytes(),
        &["--pretty"],
    );
    let mut mapped = Vec::new();
    let mut failed = Vec::new();
    for (i, record) in records.iter().enumerate() {
        match bound.map(record) {
            Ok(value) => mapped.push(value),
            Err(error) => {
                assert_eq!(error.record(), Some(record));
                failed.push(error.at_index(i as u64).to_json());
            }
        }
    }
    let written: Json = mapc::json::from_str(&written.join("\n")).unwrap();
    assert_eq!(Json::Array(mapped), written);
    assert_eq!(failed, rejects);
    assert_eq!(
        failed[1],
        json!({"index": 2, "record": "not an object", "errors": [{
            "code": "E420",
            "message": "the input record is a string, not an object",
            "target": null,
            "source": "$",
        }]})
    );
}

#[test]
fn every_error_of_a_record_is_data() {
    let bound = bound();
    let error = bound
        .map_json(r#"{"amount_cents": "12.50", "customer": {"email": 7}}"#)
        .unwrap_err();
    assert_eq!(
        error.codes(),
        [
            Code::RequiredMissing,
            Code::TypeMismatch,
            Code::TypeMismatch
        ]
    );
    let total = &error.errors()[1];
    assert_eq!(
        (total.target.as_deref(), total.source_path.as_deref()),
        (Some("total"), Some("$.amount_cents"))
    );
    assert_eq!(total.value_json(), Some(json!("12.50")));
    assert_eq!(total.line_col(), (6, 10));
    // each error's entry is the one in the record's entry
    let entry = error.to_json();
    assert_eq!(entry["errors"][2], error.errors()[2].to_json());
    assert!(
        entry.get("line").is_none(),
        "no line unless the caller says"
    );
    // the text is kept byte for byte
    assert_eq!(
        error.text(),
        Some(&br#"{"amount_cents": "12.50", "customer": {"email": 7}}"#[..])
    );
    // a record that is not JSON has its input error and no mapping errors
    let error = bound.map_json("{").unwrap_err();
    assert_eq!(error.codes(), [Code::InvalidJson]);
    assert!(error.errors().is_empty());
    assert_eq!(error.input_error().unwrap().column, Some(1));
    assert_eq!(
        error.to_string(),
        "E400: input is not valid JSON: EOF while parsing an object at column 1"
    );
    // an ApplyError alone has the errors' part of an entry
    let apply = bound.apply(&json!({})).unwrap_err();
    assert_eq!(
        apply.to_json(),
        json!({"errors": [{"code": "E300", "message": "required field `id` has no value: `$.id` is missing", "target": "id", "source": "$.id"}]})
    );
}

#[test]
fn the_offending_value_is_available_as_json_whole() {
    let mapping = Mapping::compile("n = .n / 2\nflag = .flag | upper").unwrap();
    let long = "x".repeat(200);
    let record =
        mapc::parse_json(&format!(r#"{{"n": "{long}", "flag": {{"a": [1, 2.50]}}}}"#)).unwrap();
    let error = mapping.apply(&record).unwrap_err();
    // the message text is cut, the JSON is whole
    let n = &error.errors[0];
    assert!(n.value.as_deref().unwrap().ends_with('…'));
    assert_eq!(n.value_json(), Some(Json::String(long)));
    let flag = &error.errors[1];
    let expected = mapc::parse_json(r#"{"a": [1, 2.50]}"#).unwrap();
    assert_eq!(flag.value_json(), Some(expected));
    assert_eq!(flag.value_json().unwrap().to_string(), r#"{"a":[1,2.50]}"#);
    // a value too long to copy into every error is left out, its text kept
    // a record that is not an object is the offending value itself
    let list: Vec<u32> = (0..100).collect();
    let error = mapping.apply(&json!(list)).unwrap_err();
    assert_eq!(error.errors[0].code, Code::NotAnObject);
    assert_eq!(error.errors[0].value_json(), Some(json!(list)));
    let huge = "y".repeat(100_000);
    let error = mapping.apply(&json!({"n": huge})).unwrap_err();
    assert_eq!(error.errors[0].value_json(), None);
    assert!(error.errors[0].value.is_some());
}

#[test]
fn a_skipped_record_is_an_error_of_map_and_an_outcome_of_apply_all() {
    let bound = Mapping::compile("skip if .test\nid = .id")
        .unwrap()
        .bind(&Env::new())
        .unwrap();
    let error = bound.map_json(r#"{"id": 1, "test": true}"#).unwrap_err();
    assert_eq!(error.codes(), [Code::Skipped]);
    assert_eq!(
        bound.apply_all(&json!({"id": 1, "test": true})).unwrap(),
        mapc::Outcome::Skipped
    );
}

#[test]
fn codes_print_and_serialize_as_their_name() {
    assert_eq!(Code::RequiredMissing.to_string(), "E300");
    assert_eq!(format!("{}", Code::InvalidJson), "E400");
    assert_eq!(
        serde_json::to_value(Code::RequiredMissing).unwrap(),
        serde_json::json!("E300")
    );
    assert_eq!(
        serde_json::to_string(&[Code::NotAnObject, Code::Rejected]).unwrap(),
        r#"["E420","E421"]"#
    );
}

#[test]
fn a_compile_error_debug_renders_the_diagnostics_not_the_mapping() {
    // what `fn main() -> Result<(), Box<dyn Error>>` prints for `?`
    let mut source = String::from("email = .email | trmi\n");
    for i in 0..200 {
        source.push_str(&format!("field_{i} = .source_number_{i}\n"));
    }
    let error = Mapping::compile(&source).unwrap_err();
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    let debug = format!("{boxed:?}");
    assert_eq!(
        debug,
        format!("the mapping does not compile:\n{boxed}"),
        "Debug is the rendered diagnostics"
    );
    assert!(
        debug.contains("error[E200]: unknown function `trmi`"),
        "{debug}"
    );
    assert!(debug.contains("1 | email = .email | trmi"), "{debug}");
    assert!(
        !debug.contains("field_150"),
        "the mapping's text is not dumped"
    );
    assert!(debug.lines().count() < 12, "{debug}");
    // a file that cannot be read says which
    let error = Mapping::from_file("no/such/mapping.map").unwrap_err();
    assert!(matches!(error, CompileError::Read { .. }));
    assert!(format!("{error:?}").starts_with("cannot read `no/such/mapping.map`: "));
}

#[test]
fn map_json_and_map_agree_on_a_mapping_that_emits() {
    let bound = Mapping::compile("order = .id\nemit for l in .lines { sku = l.sku }")
        .unwrap()
        .bind(&Env::new())
        .unwrap();
    let text = r#"{"id": 7, "lines": [{"sku": "A"}, {"sku": "B"}]}"#;
    let expected = r#"[{"order":7},{"sku":"A"},{"sku":"B"}]"#;
    assert_eq!(bound.map_json(text).unwrap(), expected);
    let value = bound.map(&mapc::parse_json(text).unwrap()).unwrap();
    assert_eq!(value.to_string(), expected);
}
