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
