//! `regex_replace` with a constant pattern and replacement: every group
//! the replacement names must be one of the pattern's. The `regex` crate
//! reads `$1x` as the group named `1x` and, finding none, inserts nothing,
//! so a replacement meant as "group 1, then x" would silently lose text.

use super::Checker;
use crate::diagnostics::Code;
use crate::json::Value as Json;
use crate::program::{Node, NodeKind};

impl Checker {
    /// Error E231 for a `regex_replace` call whose constant replacement
    /// names a group its constant pattern does not have.
    pub(super) fn check_replacement(&mut self, args: &[Node]) {
        let constant = |i: usize| match args.get(i).map(|n| &n.kind) {
            Some(NodeKind::Const(Json::String(s))) => Some(s.as_str()),
            _ => None,
        };
        let (Some(pattern), Some(replacement)) = (constant(1), constant(2)) else {
            return;
        };
        // compiled when its argument was checked; a bad pattern is
        // reported there
        let Some(regex) = self.patterns.get(pattern) else {
            return;
        };
        let Some((reference, name)) = unknown_group(regex, replacement) else {
            return;
        };
        let loc = args[2].loc;
        let groups = regex.captures_len() - 1;
        let diagnostic = self.error(
            Code::ReplacementGroup,
            loc,
            format!("the replacement's `{reference}` names group `{name}`, which the pattern does not have"),
            "",
        );
        diagnostic.notes.push(match groups {
            0 => "the pattern has no groups".to_string(),
            1 => "the pattern has group 1 (and 0, the whole match)".to_string(),
            n => format!("the pattern has groups 1 to {n} (and 0, the whole match)"),
        });
        if name.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && let Some(digits) = name.get(..name.bytes().take_while(u8::is_ascii_digit).count())
            && digits.len() < name.len()
        {
            diagnostic.help.push(format!(
                "to follow group {digits} with `{}`, write `${{{digits}}}{}`",
                &name[digits.len()..],
                &name[digits.len()..]
            ));
        } else {
            diagnostic
                .help
                .push("write `$$` for a dollar sign".to_string());
        }
    }
}

/// The first group reference in `replacement` (as written, and its name)
/// that `regex` lacks, read as the `regex` crate reads it: `$$` is a
/// dollar sign; `${name}` and `$name` (the longest run of letters, digits
/// and `_`) name a group, by number when all digits; a `$` followed by
/// anything else is text.
fn unknown_group<'r>(regex: &regex::Regex, replacement: &'r str) -> Option<(&'r str, &'r str)> {
    let bytes = replacement.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let (name, end) = match bytes.get(i) {
            Some(b'$') => {
                i += 1;
                continue;
            }
            Some(b'{') => match replacement[i + 1..].find('}') {
                Some(close) if close > 0 => (&replacement[i + 1..i + 1 + close], i + close + 2),
                _ => continue,
            },
            _ => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                if len == 0 {
                    continue;
                }
                (&replacement[i..i + len], i + len)
            }
        };
        i = end;
        let known = match name.parse::<usize>() {
            Ok(index) => index < regex.captures_len(),
            Err(_) => regex.capture_names().flatten().any(|n| n == name),
        };
        if !known {
            return Some((&replacement[start..end], name));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::unknown_group;

    #[test]
    fn references_are_read_as_the_regex_crate_reads_them() {
        let regex = regex::Regex::new(r"(?<year>\d{4})-(\d+)").expect("a pattern");
        let unknown = |r| unknown_group(&regex, r);
        assert_eq!(unknown("$1x"), Some(("$1x", "1x")));
        assert_eq!(unknown("${3}"), Some(("${3}", "3")));
        assert_eq!(unknown("$month"), Some(("$month", "month")));
        assert_eq!(unknown("${1}x $2 $year $0"), None);
        assert_eq!(unknown("$$1x costs $ 5 ${"), None);
        // what the crate itself inserts agrees
        assert_eq!(regex.replace("2026-03", "[$1x]"), "[]");
        assert_eq!(regex.replace("2026-03", "[${1}x]"), "[2026x]");
    }
}
