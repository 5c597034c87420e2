//! The words of the language, for completion and highlighting, kept in
//! step with `grammar/mapc.pest` by the tests below.

/// The words the grammar reserves or gives a meaning to
/// (`grammar/mapc.pest`: the `keyword` rule and the `kw_*` rules), for
/// completion and syntax highlighting. A test keeps this in step with the
/// grammar.
pub const KEYWORDS: &[&str] = &[
    "and",
    "between",
    "catch",
    "csv",
    "def",
    "default",
    "else",
    "emit",
    "false",
    "for",
    "from",
    "if",
    "import",
    "in",
    "is",
    "keep",
    "key",
    "let",
    "match",
    "matches",
    "max_bytes",
    "max_length",
    "min_length",
    "not",
    "null",
    "nullable",
    "on_conflict",
    "one_of",
    "optional",
    "or",
    "param",
    "policy",
    "reject",
    "required",
    "reverse",
    "skip",
    "table",
    "then",
    "true",
    "value",
    "when",
    "where",
];

/// The options a rule can take after its value (`required`,
/// `default "x"`, `max_length 80`, ...), each with what it does, for
/// completion. A test keeps this in step with the grammar.
pub const RULE_OPTIONS: &[(&str, &str)] = &[
    ("required", "no value is an error"),
    ("optional", "no value leaves the field out"),
    ("nullable", "no value writes `null`"),
    ("default", "`default EXPR`: no value writes this instead"),
    (
        "when",
        "`when CONDITION`: the field is written only when this holds",
    ),
    (
        "on_conflict",
        "`on_conflict target|source|reject`: a field changed on both sides since the last sync",
    ),
    (
        "reverse",
        "`reverse { source = EXPR ... }`: the author's reverse of the rule, reading the target record",
    ),
    (
        "key",
        "`key FIELD` on a `for`: written back, an element is paired with the original's by this field",
    ),
    (
        "max_length",
        "`max_length N`: at most N characters or elements",
    ),
    (
        "min_length",
        "`min_length N`: at least N characters or elements",
    ),
    ("max_bytes", "`max_bytes N`: at most N bytes of UTF-8"),
    ("matches", "`matches \"REGEX\"`: the string must match"),
    (
        "between",
        "`between A and B`: a number from A to B inclusive",
    ),
    ("one_of", "`one_of [...]`: one of these constants"),
    (
        "is",
        "`is TYPE`: string, number, integer, bool, list, object, date, datetime",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar() -> &'static str {
        include_str!("../../grammar/mapc.pest")
    }

    /// The text of grammar rule `name`, to its closing brace.
    fn rule_body(name: &str) -> String {
        let grammar = grammar();
        let start = grammar
            .lines()
            .position(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no rule `{name}` in the grammar"));
        let mut body = String::new();
        for line in grammar.lines().skip(start) {
            body.push_str(line);
            body.push('\n');
            if line.trim_end().ends_with('}') {
                break;
            }
        }
        body
    }

    /// The words in double quotes.
    fn quoted(text: &str) -> Vec<String> {
        text.split('"')
            .skip(1)
            .step_by(2)
            .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn keywords_are_the_grammars() {
        let mut from_grammar = quoted(&rule_body("keyword"));
        for line in grammar().lines() {
            if line.starts_with("kw_") {
                from_grammar.extend(quoted(line));
            }
        }
        from_grammar.sort();
        from_grammar.dedup();
        let mut ours: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
        ours.sort();
        assert_eq!(ours, from_grammar);
    }

    #[test]
    fn rule_options_are_the_grammars() {
        // the rules `rule_option` and `constraint` name, each with its word
        let mut from_grammar = Vec::new();
        for list in ["rule_option", "constraint"] {
            let body = rule_body(list);
            let alternatives = body.split_once('{').unwrap().1;
            for name in alternatives
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty() && *w != "option_guard" && *w != "constraint")
            {
                let rule = rule_body(name);
                let definition = rule.split_once('=').unwrap().1;
                let word = match definition.split_once("kw_") {
                    Some((_, rest)) => rest
                        .split(|c: char| c.is_whitespace())
                        .next()
                        .unwrap()
                        .to_string(),
                    None => quoted(definition)[0].clone(),
                };
                from_grammar.push(word);
            }
        }
        let ours: Vec<String> = RULE_OPTIONS.iter().map(|(o, _)| o.to_string()).collect();
        assert_eq!(ours, from_grammar);
        assert!(ours.iter().all(|o| KEYWORDS.contains(&o.as_str())));
    }
}
