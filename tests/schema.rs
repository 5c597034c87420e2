//! `mapc schema`: snapshots of the JSON Schema of the target records of the
//! mappings in `tests/fixtures/describe/`, and the rules behind them.

use mapc::Mapping;
use serde_json::json;
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
        let text = serde_json::to_string_pretty(&mapping.schema()).expect("JSON");
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

/// A validator for the part of JSON Schema that mapc writes: `type`,
/// `properties`, `required`, `additionalProperties: false`, `items`,
/// `enum` and `maxLength`. Returns the first violation.
fn validate(schema: &serde_json::Value, value: &serde_json::Value, at: &str) -> Result<(), String> {
    use serde_json::Value;
    let type_name = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if let Some(ty) = schema.get("type") {
        let ok = match ty {
            Value::String(t) => t == type_name,
            Value::Array(ts) => ts.iter().any(|t| t == type_name),
            _ => false,
        };
        if !ok {
            return Err(format!("{at}: {value} is not of type {ty}"));
        }
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && !values.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {values:?}"));
    }
    if let (Some(max), Value::String(s)) = (schema.get("maxLength").and_then(Value::as_u64), value)
        && s.chars().count() as u64 > max
    {
        return Err(format!("{at}: {value} is longer than {max}"));
    }
    if let Value::Object(map) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = schema.get("required") {
            for r in required {
                if !map.contains_key(r.as_str().unwrap_or_default()) {
                    return Err(format!("{at}: required {r} is missing"));
                }
            }
        }
        for (k, v) in map {
            match properties.and_then(|p| p.get(k)) {
                Some(s) => validate(s, v, &format!("{at}.{k}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{at}: {k} is not allowed"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(item_schema, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
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
        let output: serde_json::Value = serde_json::from_str(output).expect("README output");
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
                let input: serde_json::Value = serde_json::from_str(&input).expect("input");
                let mut env = mapc::Env::new();
                if let Ok(params) = std::fs::read_to_string(case.join("params.json")) {
                    let params: serde_json::Value = serde_json::from_str(&params).expect("params");
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
