//! The lines of a block: own-line comments, blank lines, and rows aligned
//! like a mapping table (`=` / `=>`, then options, then comments).

/// One entry of a block, before alignment.
#[derive(Debug)]
pub(super) enum Entry {
    /// An empty line (never two in a row, never first).
    Blank,
    /// A comment on its own line.
    Comment(String),
    /// A one-line construct that aligns with its neighbours.
    Row(Row),
    /// Anything else: lines relative to the block's indentation.
    Lines {
        /// The text, possibly spanning several lines.
        text: String,
        /// A comment at the end of the last line.
        comment: Option<String>,
    },
}

/// `key sep value  options  # comment`
#[derive(Debug)]
pub(super) struct Row {
    /// Rows of different kinds (rules, `let`s) do not align with each other.
    pub kind: RowKind,
    /// The target, the `let` name, the table keys or the match patterns.
    pub key: String,
    /// `" = "` or `" => "`.
    pub sep: &'static str,
    /// The value.
    pub value: String,
    /// `required`, `default ...`, `when ...`; empty if none.
    pub options: String,
    /// A comment at the end of the line.
    pub comment: Option<String>,
}

/// What a [`Row`] is, for grouping runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RowKind {
    Rule,
    Let,
    Entry,
    /// `policy` lines align on `=`.
    Policy,
    /// `param` and `import` lines align their comments only.
    Declaration,
    /// `def name(a) = value`: aligns with nothing, not even the next one.
    ValueDef,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &mut String, to: usize) {
    let w = width(s);
    s.extend(std::iter::repeat_n(' ', to.saturating_sub(w)));
}

/// Renders entries as lines indented by `indent`, aligning each run of
/// consecutive rows of one kind.
pub(super) fn render(entries: &[Entry], indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Blank => {
                lines.push(String::new());
                i += 1;
            }
            Entry::Comment(text) => {
                lines.push(format!("{indent}{text}"));
                i += 1;
            }
            Entry::Lines { text, comment } => {
                let mut block: Vec<String> = text.lines().map(|l| format!("{indent}{l}")).collect();
                if let (Some(c), Some(last)) = (comment, block.last_mut()) {
                    last.push_str("  ");
                    last.push_str(c);
                }
                lines.extend(block);
                i += 1;
            }
            Entry::Row(first) => {
                let mut end = i + 1;
                while let Some(Entry::Row(r)) = entries.get(end) {
                    if r.kind != first.kind || r.kind == RowKind::ValueDef {
                        break;
                    }
                    end += 1;
                }
                let run: Vec<&Row> = entries[i..end]
                    .iter()
                    .filter_map(|e| match e {
                        Entry::Row(r) => Some(r),
                        _ => None,
                    })
                    .collect();
                lines.extend(render_run(&run, indent));
                i = end;
            }
        }
    }
    for line in &mut lines {
        let trimmed = line.trim_end().len();
        line.truncate(trimmed);
    }
    lines
}

/// Rows longer than this do not push the options and comments of their
/// run further right: theirs follow two spaces after the value.
const ALIGN_LIMIT: usize = 80;

fn render_run(run: &[&Row], indent: &str) -> Vec<String> {
    // a key may run over several lines (a table entry's keys): its last
    // line aligns
    let last_line = |s: &str| s.rsplit('\n').next().unwrap_or_default().to_string();
    let key_width = run
        .iter()
        .map(|r| width(&last_line(&r.key)))
        .max()
        .unwrap_or(0);
    // each row's lines; a value's later lines are indented to its start
    let mut rows: Vec<Vec<String>> = run
        .iter()
        .map(|r| {
            let mut lines: Vec<String> = r.key.split('\n').map(str::to_string).collect();
            let mut first = lines.pop().unwrap_or_default();
            pad(&mut first, key_width);
            first.push_str(r.sep);
            let column = width(&first);
            for (i, line) in r.value.split('\n').enumerate() {
                if i == 0 {
                    first.push_str(line);
                    lines.push(std::mem::take(&mut first));
                } else if line.is_empty() {
                    lines.push(String::new());
                } else {
                    lines.push(format!("{}{line}", " ".repeat(column)));
                }
            }
            lines
        })
        .collect();
    let column = |rows: &[Vec<String>], wanted: &dyn Fn(&Row) -> bool| {
        run.iter()
            .zip(rows)
            .filter(|(r, _)| wanted(r))
            .map(|(_, lines)| lines.last().map_or(0, |l| width(l)))
            .filter(|w| *w <= ALIGN_LIMIT)
            .max()
            .unwrap_or(0)
    };
    let options_column = column(&rows, &|r: &Row| !r.options.is_empty());
    for (row, lines) in run.iter().zip(rows.iter_mut()) {
        if let (false, Some(last)) = (row.options.is_empty(), lines.last_mut()) {
            pad(last, options_column);
            last.push_str("  ");
            last.push_str(&row.options);
        }
    }
    let comment_column = column(&rows, &|r: &Row| r.comment.is_some());
    let mut out = Vec::new();
    for (row, mut lines) in run.iter().zip(rows) {
        if let (Some(c), Some(last)) = (&row.comment, lines.last_mut()) {
            pad(last, comment_column);
            last.push_str("  ");
            last.push_str(c);
        }
        out.extend(lines.into_iter().map(|l| format!("{indent}{l}")));
    }
    out
}
