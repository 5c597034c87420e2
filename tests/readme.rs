//! The README does not lie: every `mapc` block in it compiles, every one
//! followed by an input and an output `json` block gives that output, and
//! the error-code table matches the code registry.
//!
//! `UPDATE_README=1 cargo test --test readme` rewrites the generated
//! sections.

mod common;

use mapc::json::Value;
use mapc::{Code, Env, Mapping};

const README: &str = include_str!("../README.md");

struct Example {
    line: usize,
    mapping: String,
    params: Option<Value>,
    input: Option<Value>,
    output: Option<Value>,
}

/// A fenced block of the README: info string, first line, body, and the
/// `<!-- params: ... -->` comment just before it, if any.
struct Block {
    info: String,
    line: usize,
    body: String,
    params: Option<String>,
}

fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    let mut params: Option<String> = None;
    while let Some((n, line)) = lines.next() {
        if let Some(comment) = line.strip_prefix("<!-- params:") {
            params = Some(comment.trim_end_matches("-->").trim().to_string());
            continue;
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for (_, inner) in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        blocks.push(Block {
            info: info.trim().to_string(),
            line: n + 2,
            body,
            params: params.take(),
        });
    }
    blocks
}

fn examples() -> Vec<Example> {
    let blocks = fenced_blocks(README);
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if block.info != "mapc" {
            continue;
        }
        let json = |k: usize| -> Option<Value> {
            let next = blocks.get(i + k)?;
            if next.info != "json" {
                return None;
            }
            Some(
                mapc::json::from_str(&next.body)
                    .unwrap_or_else(|e| panic!("README line {}: bad JSON: {e}", next.line)),
            )
        };
        let (input, output) = match (json(1), json(2)) {
            (Some(input), Some(output)) => (Some(input), Some(output)),
            _ => (None, None),
        };
        out.push(Example {
            line: block.line,
            mapping: block.body.clone(),
            params: block
                .params
                .as_ref()
                .map(|p| mapc::json::from_str(p).expect("params comment is JSON")),
            input,
            output,
        });
    }
    out
}

#[test]
fn every_mapping_in_the_readme_compiles_and_gives_the_output_shown() {
    let examples = examples();
    assert!(examples.len() >= 12, "the tour shows every construct");
    let mut checked = 0;
    for example in examples {
        let mapping = Mapping::compile(&example.mapping).unwrap_or_else(|e| {
            panic!(
                "README mapping at line {} does not compile:\n{e}",
                example.line
            )
        });
        let (Some(input), Some(expected)) = (example.input, example.output) else {
            continue;
        };
        let mut env = Env::new();
        if let Some(Value::Object(params)) = example.params {
            for (k, v) in params {
                env.set_param(k, v);
            }
        }
        let actual = mapping
            .apply_with(&input, &env)
            .unwrap_or_else(|e| panic!("README example at line {} fails:\n{e}", example.line));
        // reading only what the mapping reads gives the same output
        let projected = mapping
            .parse_record(&input.to_string())
            .expect("the input parses");
        let from_projection = mapping
            .apply_with(&projected, &env)
            .expect("the projected input maps");
        assert_eq!(
            from_projection, actual,
            "README example at line {}: the projected record maps differently",
            example.line
        );
        // and so do the streaming paths (`apply_to`, `read` + `apply_record_to`)
        common::assert_apply_to_agrees(
            &format!("README example at line {}", example.line),
            &mapping,
            &env,
            &input,
        );
        // compare as text: exact digits (`12.50`) and field order matter
        assert_eq!(
            actual.to_string(),
            expected.to_string(),
            "README example at line {} gives a different output",
            example.line
        );
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} examples have an input and output"
    );
}

fn codes_table() -> String {
    let mut table = String::from("| code | meaning |\n|---|---|\n");
    for code in Code::ALL {
        table.push_str(&format!("| {} | {} |\n", code.as_str(), code.summary()));
    }
    table
}

/// Compares the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`
/// with `expected`; rewrites it when `UPDATE_README` is set.
fn check_section(name: &str, expected: &str) {
    let start_marker = format!("<!-- {name}:start -->\n");
    let end_marker = format!("<!-- {name}:end -->");
    let start = README.find(&start_marker).expect("start marker") + start_marker.len();
    let end = README.find(&end_marker).expect("end marker");
    if &README[start..end] == expected {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &README[..start], expected, &README[end..]);
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), updated)
            .expect("write README");
        return;
    }
    panic!(
        "the README's `{name}` section is stale; run `UPDATE_README=1 cargo test --test readme`"
    );
}

#[test]
fn the_error_code_table_lists_every_code() {
    check_section("codes", &codes_table());
}
