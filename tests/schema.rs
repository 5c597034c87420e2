//! `mapc schema`: snapshots of the JSON Schema of the target records of the
//! mappings in `tests/fixtures/describe/`, and the rules behind them.

use mapc::Mapping;
use mapc::json::json;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describe");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "map"))
        .collect();
    files.sort();
    files
}

#[test]
fn snapshots() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let options = mapc::Options {
            base_dir: path.parent().map(Path::to_path_buf),
            ..Default::default()
        };
        let mapping = Mapping::compile_with("mappings/x/fixture.map", &text, &options)
            .expect("fixture compiles");
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
        let text = mapc::json::to_string_pretty(&mapping.schema()).expect("JSON");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn required_nullable_optional_and_enum() {
    let mapping = Mapping::compile(
        r#"
        table status { "a" => "A"  _ => "OTHER" }
        id      = .id | to_string           required
        phone   = .phone | trim             nullable
        email   = .email | lower            optional
        status  = .status | lookup(status)  default "NONE"
        note    = .note | upper             when .flag
        address.city = .city | upper        required
        "#,
    )
    .expect("compiles");
    let schema = mapping.schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["required"],
        json!(["id", "phone", "status", "address"])
    );
    assert_eq!(
        schema["properties"]["phone"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(schema["properties"]["email"]["type"], "string");
    assert_eq!(
        schema["properties"]["status"]["enum"],
        json!(["A", "OTHER", "NONE"])
    );
    assert_eq!(schema["properties"]["address"]["required"], json!(["city"]));
    assert_eq!(schema["additionalProperties"], false);
}

/// Validates `value` against `schema` with a real JSON Schema validator
/// (draft 2020-12, formats checked); the first violation.
/// The validator reads serde_json's values: converted, so it checks the
/// schema's number constraints on the `f64` serde_json reads (the test
/// build has serde_json's default features, as the shipped binary has).
fn validate(schema: &mapc::json::Value, value: &mapc::json::Value, at: &str) -> Result<(), String> {
    let schema = schema.to_serde_json().map_err(|e| e.to_string())?;
    let value = value.to_serde_json().map_err(|e| e.to_string())?;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| format!("the schema itself is invalid: {e}"))?;
    validator
        .validate(&value)
        .map_err(|e| format!("{at}{}: {e}", e.instance_path()))
}

/// Every README example's output validates against its mapping's schema.
#[test]
fn readme_outputs_validate_against_their_schema() {
    let readme = include_str!("../README.md");
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        blocks.push((info.trim().to_string(), body));
    }
    let mut checked = 0;
    for (i, (info, body)) in blocks.iter().enumerate() {
        if info != "mapc" {
            continue;
        }
        let (Some((a, _)), Some((b, output))) = (blocks.get(i + 1), blocks.get(i + 2)) else {
            continue;
        };
        if a != "json" || b != "json" {
            continue;
        }
        let mapping = Mapping::compile(body).expect("README mapping compiles");
        let mut output: mapc::json::Value = mapc::json::from_str(output).expect("README output");
        if mapping.emits() {
            // the schema is the rules' record's, the first of the records
            output = output[0].clone();
        }
        let schema = mapping.schema();
        if let Err(e) = validate(&schema, &output, "$") {
            panic!("README mapping:\n{body}\n{e}\nschema: {schema:#}");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} README examples checked");
}

#[test]
fn validator_rejects() {
    let mapping = Mapping::compile("id = .id | to_string required\n").expect("compiles");
    let schema = mapping.schema();
    assert!(validate(&schema, &json!({"id": "1"}), "$").is_ok());
    assert!(validate(&schema, &json!({}), "$").is_err());
    assert!(validate(&schema, &json!({"id": 1}), "$").is_err());
    assert!(validate(&schema, &json!({"id": "1", "x": 2}), "$").is_err());
}

#[test]
fn a_field_every_branch_writes_is_required() {
    let mapping = Mapping::compile(
        r#"
        if .a { tax = 1  only_a = 1 } else if .b { tax = 2 } else { tax = "none" }
        if .c { half = 1 }
        lines = for i in .items {
          if i.x { kind = "x" } else { kind = "y"  maybe = 1 }
        }
        "#,
    )
    .expect("compiles");
    let schema = mapping.schema();
    assert_eq!(schema["required"], json!(["tax", "lines"]));
    assert_eq!(
        schema["properties"]["tax"]["type"],
        json!(["number", "string"])
    );
    assert_eq!(
        schema["properties"]["lines"]["items"]["required"],
        json!(["kind"])
    );
}

/// Every shipped example mapping's output, for every example record that
/// maps, validates against the mapping's schema.
#[test]
fn shipped_outputs_validate_against_their_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let Ok(examples) = std::fs::read_dir(&root) else {
        return;
    };
    let mut checked = 0;
    for example in examples.filter_map(|e| e.ok().map(|e| e.path())) {
        let Ok(files) = std::fs::read_dir(&example) else {
            continue;
        };
        for map in files.filter_map(|e| e.ok().map(|e| e.path())) {
            if map.extension().is_none_or(|e| e != "map") {
                continue;
            }
            let cases = map.with_extension("tests");
            let Ok(cases) = std::fs::read_dir(&cases) else {
                continue;
            };
            let mapping = Mapping::from_file(&map).expect("shipped mapping compiles");
            let schema = mapping.schema();
            for case in cases.filter_map(|e| e.ok().map(|e| e.path())) {
                let Ok(input) = std::fs::read_to_string(case.join("input.json")) else {
                    continue;
                };
                let input: mapc::json::Value = mapc::json::from_str(&input).expect("input");
                let mut env = mapc::Env::new();
                if let Ok(params) = std::fs::read_to_string(case.join("params.json")) {
                    let params: mapc::json::Value = mapc::json::from_str(&params).expect("params");
                    for (k, v) in params.as_object().into_iter().flatten() {
                        env = env.with_param(k, v.clone());
                    }
                }
                let Ok(output) = mapping.apply_with(&input, &env) else {
                    continue;
                };
                if let Err(e) = validate(&schema, &output, "$") {
                    panic!("{}: {e}\nschema: {schema:#}", case.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no shipped example record was checked");
}

/// Every constraint a rule states is in the schema, and a record that
/// breaks it does not validate.
#[test]
fn constraints_reach_the_schema_and_breaking_one_fails_validation() {
    let mapping = Mapping::compile(
        r#"
        # the customer's reference, as their ERP prints it
        code     = .code      required  max_bytes 8  min_length 2  matches "^[A-Z]+-[0-9]+$"
        quantity = .quantity  required  is integer  between 1 and 99
        status   = .status    required  one_of ["open", "closed"]
        due      = parse_date(.due, "%d.%m.%Y")  required
        at       = parse_datetime(.at, "rfc3339")  required
        "#,
    )
    .expect("compiles");
    let schema = mapping.schema();
    let props = &schema["properties"];
    assert_eq!(props["code"]["maxLength"], json!(8));
    assert_eq!(props["code"]["minLength"], json!(2));
    assert_eq!(props["code"]["pattern"], json!("^[A-Z]+-[0-9]+$"));
    assert_eq!(
        props["code"]["description"],
        json!("the customer's reference, as their ERP prints it (from $.code: copy)")
    );
    assert_eq!(props["quantity"]["type"], json!("integer"));
    assert_eq!(props["quantity"]["minimum"], json!(1));
    assert_eq!(props["quantity"]["maximum"], json!(99));
    assert_eq!(props["status"]["enum"], json!(["open", "closed"]));
    assert_eq!(props["due"]["format"], json!("date"));
    assert_eq!(props["at"]["format"], json!("date-time"));

    let input = json!({"code": "AB-12", "quantity": 3, "status": "open", "due": "01.02.2026", "at": "2026-02-01T10:00:00Z"});
    let output = mapping.apply(&input).expect("maps");
    validate(&schema, &output, "$").expect("a mapped record validates");
    let broken = [
        ("code", json!("ABCDEFG-1")),
        ("code", json!("A")),
        ("code", json!("ab-12")),
        ("quantity", json!(0)),
        ("quantity", json!(100)),
        ("quantity", json!(2.5)),
        ("status", json!("pending")),
        ("due", json!("2026-02-30")),
        ("at", json!("yesterday")),
    ];
    for (field, value) in broken {
        let mut record = output.clone();
        record[field] = value.clone();
        assert!(
            validate(&schema, &record, "$").is_err(),
            "`{field}` = {value} breaks a constraint but validates"
        );
        // and mapc itself refuses to write it
        let mut source = input.clone();
        let field_in = if field == "due" || field == "at" {
            None
        } else {
            Some(field)
        };
        if let Some(f) = field_in {
            source[f] = value;
            assert!(
                mapping.apply(&source).is_err(),
                "mapc writes `{f}` = {}",
                source[f]
            );
        }
    }
}
