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
        let text = serde_json::to_string_pretty(&description.to_json()).expect("JSON");
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
