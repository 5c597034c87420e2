//! The editor files in `editors/`: the TextMate grammar is valid JSON and
//! its word lists cannot drift from the language (the grammar's keywords,
//! the table of built-ins).

use mapc::json::Value as Json;
use std::collections::BTreeSet;

fn textmate() -> Json {
    let text = include_str!("../editors/textmate/mapc.tmLanguage.json");
    mapc::json::from_str(text).expect("editors/textmate/mapc.tmLanguage.json is valid JSON")
}

/// The words of a `\b(?:a|b|c)\b` pattern.
fn words(pattern: &str) -> BTreeSet<String> {
    let inner = pattern
        .strip_prefix(r"\b(?:")
        .and_then(|p| p.strip_suffix(r")\b"))
        .unwrap_or_else(|| panic!("not a word list: {pattern}"));
    inner.split('|').map(str::to_string).collect()
}

#[test]
fn textmate_keywords_are_the_grammars() {
    let grammar = textmate();
    assert_eq!(grammar["scopeName"], "source.mapc");
    assert_eq!(grammar["fileTypes"][0], "map");
    let mut ours = BTreeSet::new();
    for pattern in grammar["repository"]["keyword"]["patterns"]
        .as_array()
        .unwrap()
    {
        let found = words(pattern["match"].as_str().unwrap());
        let overlap: Vec<&String> = ours.intersection(&found).collect();
        assert!(overlap.is_empty(), "listed twice: {overlap:?}");
        ours.extend(found);
    }
    // mapc::outline::KEYWORDS is checked against grammar/mapc.pest itself
    let language: BTreeSet<String> = mapc::outline::KEYWORDS
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(ours, language);
}

#[test]
fn textmate_builtins_are_the_table_of_builtins() {
    let grammar = textmate();
    let ours = words(grammar["repository"]["builtin"]["match"].as_str().unwrap());
    let table: BTreeSet<String> = mapc::stdlib::FUNCTIONS
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    assert_eq!(ours, table);
}

#[test]
fn textmate_patterns_are_all_defined_and_named() {
    let grammar = textmate();
    let repository = grammar["repository"].as_object().unwrap();
    for include in grammar["patterns"].as_array().unwrap() {
        let name = include["include"].as_str().unwrap();
        let key = name.strip_prefix('#').unwrap();
        assert!(repository.contains_key(key), "no repository entry {name}");
    }
    assert_eq!(
        grammar["patterns"].as_array().unwrap().len(),
        repository.len()
    );
    for (key, rule) in repository {
        let rules = match rule.get("patterns") {
            Some(Json::Array(inner)) if rule.get("begin").is_none() => inner.clone(),
            _ => vec![rule.clone()],
        };
        for rule in rules {
            let named = rule.get("name").is_some() || rule.get("captures").is_some();
            assert!(named, "`{key}` gives no scope name");
            assert!(
                rule.get("match").is_some() || rule.get("begin").is_some(),
                "`{key}` matches nothing"
            );
        }
    }
}
