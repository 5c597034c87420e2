//! `mapc doc`: snapshots of the Markdown, JSON and HTML mapping tables of
//! the mappings in `tests/fixtures/describe/`.

use mapc::Mapping;
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

fn compile(path: &Path) -> Mapping {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("fixture");
    let options = mapc::Options {
        base_dir: path.parent().map(Path::to_path_buf),
        ..Default::default()
    };
    Mapping::compile_with(name, &text, &options).expect("fixture compiles")
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("fixture")
        .to_string()
}

#[test]
fn markdown() {
    for path in fixtures() {
        let description = compile(&path).describe();
        insta::assert_snapshot!(format!("{}_md", stem(&path)), description.to_markdown());
    }
}

#[test]
fn json() {
    for path in fixtures() {
        let description = compile(&path).describe();
        let text = mapc::json::to_string_pretty(&description.to_json()).expect("JSON");
        insta::assert_snapshot!(format!("{}_json", stem(&path)), text);
    }
}

#[test]
fn html() {
    for path in fixtures() {
        let description = compile(&path).describe();
        insta::assert_snapshot!(format!("{}_html", stem(&path)), description.to_html());
    }
}

#[test]
fn html_escapes_text() {
    let mapping = Mapping::compile(r#""<b>&" = "<script>""#).expect("compiles");
    let html = mapping.describe().to_html();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("<b>&"));
}

/// Every mapping of the README tour describes and renders.
#[test]
fn readme_mappings_describe() {
    let readme = include_str!("../README.md");
    let mut count = 0;
    for block in readme.split("```mapc\n").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        let mapping = Mapping::compile(body).expect("README mapping compiles");
        let description = mapping.describe();
        assert!(!description.fields.is_empty(), "{body}");
        assert!(description.to_markdown().contains("| Target field |"));
        assert!(description.to_html().ends_with("</html>\n"));
        assert!(description.to_json()["fields"].is_array());
        count += 1;
    }
    assert!(count >= 10);
}

#[test]
fn guards_and_emitted_records_are_described_apart_from_the_target_record() {
    let mapping = mapc::Mapping::compile(
        r#"
reject "test order" if .test
keep if .status == "paid"
order_id = .id required
emit for line in .lines { sku = line.sku required }
"#,
    )
    .unwrap();
    let description = mapping.describe();
    let guards: Vec<(&str, Option<&str>, &str)> = description
        .guards
        .iter()
        .map(|g| (g.action, g.reason.as_deref(), g.condition.as_str()))
        .collect();
    assert_eq!(
        guards,
        [
            ("reject", Some("test order"), ".test"),
            ("keep", None, r#".status == "paid""#)
        ]
    );
    assert_eq!(description.guards[1].sources, ["$.status"]);
    let fields: Vec<String> = description.fields.iter().map(|f| f.path()).collect();
    assert_eq!(fields, ["order_id"]);
    let emitted: Vec<String> = description.emitted.iter().map(|f| f.path()).collect();
    assert_eq!(emitted, ["emit[].sku"]);
    assert_eq!(description.emitted[0].sources, ["$.lines[*].sku"]);
    let json = description.to_json();
    assert_eq!(json["guards"][0]["reason"], "test order");
    assert_eq!(json["emitted"].as_array().map(Vec::len), Some(1));
    // the schema is the rules' record's: no `emit` property
    let schema = mapping.schema();
    assert!(schema["properties"].get("emit").is_none());
}
