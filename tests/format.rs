//! The formatter: every mapping in the repository (and every `mapc` block
//! of the README) formats to text that parses to the same tree, formatting
//! twice changes nothing, and no comment is lost. The fixtures in
//! `tests/fixtures/format/` are snapshots of the formatted text.

use mapc::diagnostics::SourceFile;
use std::path::{Path, PathBuf};

fn map_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            map_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "map") {
            out.push(path);
        }
    }
}

/// Every mapping text the repository holds: files, then README blocks.
fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    map_files(&root.join("tests"), &mut files);
    map_files(&root.join("mappings"), &mut files);
    let mut out: Vec<(String, String)> = files
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect();
    let readme = include_str!("../README.md");
    let mut lines = readme.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if line.trim() != "```mapc" {
            continue;
        }
        let mut body = String::new();
        for (_, inner) in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        out.push((format!("README.md:{}", n + 1), body));
    }
    out
}

fn sexpr(source: &str) -> String {
    let (ast, errors) = mapc::syntax::parse(&SourceFile::new("<t>", source));
    assert!(errors.is_empty(), "does not parse:\n{source}");
    ast.to_string()
}

/// The text with every space and newline outside strings and comments
/// doubled: the same mapping, laid out badly.
fn spread(text: &str) -> String {
    spread_with(text, true)
}

/// The text with every space outside strings and comments doubled.
fn widen(text: &str) -> String {
    spread_with(text, false)
}

fn spread_with(text: &str, newlines: bool) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for c in text.chars() {
        out.push(c);
        if in_comment {
            in_comment = c != '\n';
            if c == '\n' && newlines {
                out.push('\n');
            }
            continue;
        }
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => in_comment = true,
            ' ' => out.push(c),
            '\n' if newlines => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn formatting_keeps_the_tree_the_comments_and_is_idempotent() {
    let mut corpus = corpus();
    let spread_out: Vec<(String, String)> = corpus
        .iter()
        .map(|(name, text)| (format!("{name} (spread)"), spread(text)))
        .collect();
    corpus.extend(spread_out);
    assert!(
        corpus.len() > 5,
        "the corpus is too small: {}",
        corpus.len()
    );
    for (name, text) in corpus {
        let file = mapc::diagnostics::SourceFile::new(name.clone(), text.clone());
        let has_syntax_errors = !mapc::syntax::parse(&file).1.is_empty();
        let Ok(once) = mapc::format(&text) else {
            // a fixture of a syntax error: the formatter refuses it, and
            // only it
            assert!(has_syntax_errors, "{name} does not format");
            continue;
        };
        assert!(
            !has_syntax_errors,
            "{name} has syntax errors but was formatted"
        );
        assert_eq!(
            sexpr(&text),
            sexpr(&once),
            "{name}: the tree changed:\n{once}"
        );
        let twice = mapc::format(&once).expect("formatted text parses");
        assert_eq!(once, twice, "{name}: formatting is not idempotent");
        let mut before = mapc::format::comments(&text);
        let mut after = mapc::format::comments(&once);
        before.sort();
        after.sort();
        assert_eq!(before, after, "{name}: comments changed:\n{once}");
        assert!(once.ends_with('\n') || once.is_empty(), "{name}");
        assert!(
            once.lines().all(|l| l == l.trim_end()),
            "{name}: trailing whitespace"
        );
        assert!(!once.contains("\n\n\n"), "{name}: two blank lines");
    }
}

/// Spaces do not matter: the canonical text does not depend on them.
#[test]
fn spaces_do_not_change_the_result() {
    for (name, text) in corpus() {
        let Ok(once) = mapc::format(&text) else {
            continue;
        };
        let wide = mapc::format(&widen(&text)).expect("widened text parses");
        assert_eq!(once, wide, "{name}: spaces changed the result");
    }
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format");
    let mut files = Vec::new();
    map_files(&dir, &mut files);
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        let output = match mapc::format(&text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => mapc::diagnostics::render_all(&diagnostics),
        };
        insta::assert_snapshot!(name, output);
    }
}

#[test]
fn syntax_errors_are_not_formatted() {
    let errors = mapc::format("a = .x |\nb = = 2\n").expect_err("a syntax error");
    assert!(!errors.is_empty());
}

/// The shipped mappings are formatted. `UPDATE_FORMAT=1 cargo test --test
/// format` formats them in place.
#[test]
fn shipped_mappings_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    map_files(&root.join("mappings"), &mut files);
    let update = std::env::var_os("UPDATE_FORMAT").is_some();
    let mut unformatted = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("mapping is readable");
        let Ok(formatted) = mapc::format(&text) else {
            continue;
        };
        if formatted != text {
            if update {
                std::fs::write(&path, &formatted).expect("mapping is writable");
            } else {
                unformatted.push(path.display().to_string());
            }
        }
    }
    assert!(
        unformatted.is_empty(),
        "not formatted (run `UPDATE_FORMAT=1 cargo test --test format`): {}",
        unformatted.join(", ")
    );
}

#[test]
fn syntax_errors_name_the_file() {
    let errors = mapc::format::format_named("orders.map", "a = = 1\n").expect_err("a syntax error");
    let text = mapc::diagnostics::render_all(&errors);
    assert!(text.contains("orders.map:1:"), "{text}");
}

#[test]
fn small_files() {
    let format = |s: &str| mapc::format(s).expect("formats");
    assert_eq!(format(""), "");
    assert_eq!(format("\n\n  \n"), "");
    assert_eq!(
        format("  # only a comment  \n\n\n# and another"),
        "# only a comment\n\n# and another\n"
    );
    assert_eq!(format("a=1"), "a = 1\n");
}
