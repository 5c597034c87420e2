//! The mapping table as one standalone HTML page: inline CSS, no scripts,
//! no external assets, every text escaped.

use super::Description;
use super::markdown::{
    capitalise, extra_columns, headings, policy_sentences, row_cells, sections, table_rows,
    table_sentence,
};
use std::fmt::Write;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
table{border-collapse:collapse;margin:0 0 1.5rem}\
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}code{font-family:ui-monospace,monospace;background:#f6f6f6;padding:0 .2rem}";

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text, with code spans as `<code>`: as in CommonMark, a run of
/// backticks opens a span that the next run of the same length closes (so
/// ``` `` a`b `` ``` holds a backtick), and one space of padding on both
/// sides is dropped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        out.push_str(&escape(&rest[..open]));
        let run = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let after = &rest[open + run..];
        let fence = &rest[open..open + run];
        // the closing run: exactly `run` backticks
        let mut search = 0;
        let close = loop {
            match after[search..].find(fence) {
                Some(i) => {
                    let at = search + i;
                    let longer = after[at + run..].starts_with('`');
                    if !longer && (at == 0 || !after[..at].ends_with('`')) {
                        break Some(at);
                    }
                    search = at + after[at..].len() - after[at..].trim_start_matches('`').len();
                }
                None => break None,
            }
        };
        match close {
            Some(at) => {
                let mut code = &after[..at];
                if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') {
                    code = &code[1..code.len() - 1];
                }
                let _ = write!(out, "<code>{}</code>", escape(code));
                rest = &after[at + run..];
            }
            None => {
                out.push_str(&escape(fence));
                rest = after;
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

fn table(out: &mut String, headings: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table>\n<tr>");
    for h in headings {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            let _ = write!(out, "<td>{}</td>", inline(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

impl Description {
    /// The mapping table as a standalone HTML page.
    pub fn to_html(&self) -> String {
        let title = format!("Mapping {}", self.name);
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Mapping <code>{}</code></h1>\n",
            escape(&title),
            escape(&self.name)
        );
        if !self.params.is_empty() {
            out.push_str("<h2>Parameters</h2>\n");
            let rows: Vec<Vec<String>> = self
                .params
                .iter()
                .map(|p| {
                    vec![
                        format!("`${}`", p.name),
                        p.ty.to_string(),
                        p.default.as_ref().map_or_else(String::new, super::code),
                    ]
                })
                .collect();
            table(&mut out, &["Parameter", "Type", "Default"], &rows);
        }
        out.push_str("<h2>Policies</h2>\n<ul>\n");
        for sentence in policy_sentences(self) {
            let _ = writeln!(out, "<li>{}</li>", inline(&sentence));
        }
        out.push_str("</ul>\n");
        if !self.guards.is_empty() {
            out.push_str("<h2>Record-level rules</h2>\n<p>Checked in this order, before any field:</p>\n<ul>\n");
            for guard in &self.guards {
                let _ = writeln!(out, "<li>{}</li>", inline(&guard.sentence()));
            }
            out.push_str("</ul>\n");
        }
        for section in sections(self) {
            let _ = writeln!(out, "<h2>{}</h2>", inline(&section.title));
            if let Some(note) = &section.note {
                let _ = writeln!(out, "<p>{}</p>", inline(&capitalise(note)));
            }
            let extra = extra_columns(self);
            let rows: Vec<Vec<String>> =
                section.fields.iter().map(|f| row_cells(f, extra)).collect();
            table(&mut out, &headings(self), &rows);
        }
        if !self.tables.is_empty() {
            out.push_str("<h2>Lookup tables</h2>\n");
            for t in &self.tables {
                let _ = writeln!(out, "<h3><code>{}</code></h3>", escape(&t.name));
                let sentence = table_sentence(t);
                if !sentence.is_empty() {
                    let _ = writeln!(out, "<p>{}</p>", inline(&sentence));
                }
                let rows: Vec<Vec<String>> = table_rows(t).into_iter().map(Vec::from).collect();
                table(&mut out, &["Key", "Value"], &rows);
            }
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_spans_are_read_as_commonmark_reads_them() {
        assert_eq!(super::inline("a `b` c"), "a <code>b</code> c");
        assert_eq!(super::inline("`` x`y ``"), "<code>x`y</code>");
        assert_eq!(super::inline("an ` alone"), "an ` alone");
        let fenced = super::super::code("say \"`hi`\"");
        assert_eq!(super::inline(&fenced), "<code>say &quot;`hi`&quot;</code>");
    }
}
