//! Items, statements, blocks and tables: everything that takes lines.

use super::Printer;
use super::expr::{finish_braces, key, quote};
use super::layout::{Entry, Row, RowKind};
use crate::syntax::{
    Ast, Block, DefBody, Else, Expr, GuardAction, IfStatement, Item, RuleOption, Span, Statement,
    Table, Target,
};

/// A printed construct, before it takes its place among its neighbours.
enum Piece {
    Row {
        kind: RowKind,
        key: String,
        sep: &'static str,
        value: String,
        options: String,
        /// The value may run over several lines, indented to its start.
        breakable: bool,
    },
    Text(String),
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Import(i) => i.span,
        Item::Param(p) => p.span,
        Item::Policy(p) => p.span,
        Item::Table(t) => t.span,
        Item::Def(d) => d.span,
        Item::Statement(s) => statement_span(s),
        Item::Guard(g) => g.span,
        Item::Emit(e) => e.span,
    }
}

fn statement_span(statement: &Statement) -> Span {
    match statement {
        Statement::Let(l) => l.span,
        Statement::If(i) => i.span,
        Statement::Rule(r) => r.span,
    }
}

fn target(t: &Target) -> String {
    let keys: Vec<String> = t.keys.iter().map(|k| key(&k.name)).collect();
    keys.join(".")
}

impl Printer<'_> {
    /// The whole file.
    pub(super) fn items(&mut self, ast: &Ast) -> Vec<Entry> {
        let mut entries = Vec::new();
        for item in &ast.items {
            let span = item_span(item);
            self.place(&mut entries, span, |p| p.item(item));
        }
        self.closing(&mut entries, self.source.len());
        entries
    }

    /// Prints one construct with its comments and adds it to `entries`.
    fn place(
        &mut self,
        entries: &mut Vec<Entry>,
        span: Span,
        print: impl FnOnce(&mut Self) -> Piece,
    ) {
        self.leading(entries, span.start);
        let span = Span::new(span.start, self.comments.code_end(span));
        let outer = std::mem::take(&mut self.hoisted);
        let piece = print(self);
        let inner = std::mem::replace(&mut self.hoisted, outer);
        self.push_hoisted(entries, inner, span.end);
        let comment = self.comments.trailing(span.end);
        entries.push(match piece {
            Piece::Row {
                kind,
                key,
                sep,
                value,
                options,
                breakable,
            } if (breakable || !value.contains('\n')) && !options.contains('\n') => {
                Entry::Row(Row {
                    kind,
                    key,
                    sep,
                    value,
                    options,
                    comment,
                })
            }
            Piece::Row {
                key,
                sep,
                value,
                options,
                ..
            } => {
                let mut text = format!("{key}{sep}{value}");
                if !options.is_empty() {
                    text.push(' ');
                    text.push_str(&options);
                }
                Entry::Lines { text, comment }
            }
            Piece::Text(text) => Entry::Lines { text, comment },
        });
    }

    fn item(&mut self, item: &Item) -> Piece {
        let declaration = |text: String| Piece::Row {
            kind: RowKind::Declaration,
            key: text,
            sep: "",
            value: String::new(),
            options: String::new(),
            breakable: false,
        };
        Piece::Text(match item {
            Item::Import(import) => {
                let names: Vec<&str> = import.names.iter().map(|n| n.name.as_str()).collect();
                return declaration(format!(
                    "import {} from {}",
                    names.join(", "),
                    quote(&import.path.value)
                ));
            }
            Item::Param(param) => {
                let mut s = format!("param {}", param.name.name);
                if let Some(ty) = &param.ty {
                    s.push_str(": ");
                    s.push_str(&ty.name);
                }
                if let Some(default) = &param.default {
                    s.push_str(" = ");
                    s.push_str(&self.constant_at(default));
                }
                return declaration(s);
            }
            Item::Policy(policy) => {
                return Piece::Row {
                    kind: RowKind::Policy,
                    key: format!("policy {}", policy.name.name),
                    sep: " = ",
                    value: policy.value.name.clone(),
                    options: String::new(),
                    breakable: false,
                };
            }
            Item::Table(table) => self.table(table),
            Item::Def(def) => {
                let params: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
                let head = format!("def {}({})", def.name.name, params.join(", "));
                match &def.body {
                    DefBody::Block(block) => format!("{head} {}", self.block(block)),
                    DefBody::Value(value) => {
                        let (value, breakable) = self.value(value);
                        return Piece::Row {
                            kind: RowKind::ValueDef,
                            key: head,
                            sep: " = ",
                            value,
                            options: String::new(),
                            breakable,
                        };
                    }
                }
            }
            Item::Statement(statement) => return self.statement(statement),
            Item::Guard(guard) => {
                let head = match &guard.action {
                    GuardAction::Reject(reason) => format!("reject {}", quote(&reason.value)),
                    GuardAction::Skip => "skip".to_string(),
                    GuardAction::Keep => "keep".to_string(),
                };
                format!("{head} if {}", self.expr(&guard.condition))
            }
            Item::Emit(emit) => format!("emit {}", self.value(&emit.value).0),
        })
    }

    fn table(&mut self, table: &Table) -> String {
        let mut s = format!("table {}", table.name.name);
        if !table.options.is_empty() {
            let options: Vec<&str> = table.options.iter().map(|o| o.name.as_str()).collect();
            s.push_str(&format!(" ({})", options.join(", ")));
        }
        if let Some(csv) = &table.csv {
            s.push_str(&format!(
                " from csv {} key {} value {}",
                quote(&csv.path.value),
                quote(&csv.key.value),
                quote(&csv.value.value)
            ));
            if table.entries.is_empty() {
                return s;
            }
        }
        let open = match &table.csv {
            Some(csv) => csv.span.end,
            None => table
                .options
                .last()
                .map_or(table.name.span.end, |o| o.span.end),
        };
        let open = open
            + self
                .source
                .get(open..table.span.end)
                .and_then(|s| s.find('{'))
                .unwrap_or(0);
        self.hoisted.extend(self.comments.before(open));
        let trailing = self.comments.trailing(open + 1);
        let mut entries = Vec::new();
        for entry in &table.entries {
            self.place(&mut entries, entry.span, |p| Piece::Row {
                kind: RowKind::Entry,
                key: p.entry_keys(&entry.keys),
                sep: " => ",
                value: p.constant_at(&entry.value),
                options: String::new(),
                breakable: false,
            });
        }
        self.closing(&mut entries, table.span.end.saturating_sub(1));
        s.push_str(" {");
        finish_braces(&mut s, trailing, &entries);
        s
    }

    fn statement(&mut self, statement: &Statement) -> Piece {
        match statement {
            Statement::Let(binding) => {
                let (value, breakable) = self.value(&binding.value);
                Piece::Row {
                    kind: RowKind::Let,
                    key: format!("let {}", binding.name.name),
                    sep: " = ",
                    value,
                    options: String::new(),
                    breakable,
                }
            }
            Statement::If(if_statement) => Piece::Text(self.if_statement(if_statement)),
            Statement::Rule(rule) => {
                let (value, breakable) = self.value(&rule.value);
                let options: Vec<String> = rule
                    .options
                    .iter()
                    .map(|o| match o {
                        RuleOption::Required(_) => "required".to_string(),
                        RuleOption::Optional(_) => "optional".to_string(),
                        RuleOption::Nullable(_) => "nullable".to_string(),
                        RuleOption::Default(e) => format!("default {}", self.expr(e)),
                        RuleOption::When(e) => format!("when {}", self.expr(e)),
                        RuleOption::Constraint(c) => constraint(c),
                        RuleOption::OnConflict(s) => format!("on_conflict {}", s.name),
                        RuleOption::Reverse(b) => format!("reverse {}", self.block(b)),
                        RuleOption::Key(t) => format!("key {}", target(t)),
                    })
                    .collect();
                Piece::Row {
                    kind: RowKind::Rule,
                    key: target(&rule.target),
                    sep: " = ",
                    value,
                    options: options.join(" "),
                    breakable,
                }
            }
        }
    }

    /// The value of a rule or `let`: it keeps the author's line breaks
    /// unless it takes lines of its own (a block, say).
    fn value(&mut self, value: &Expr) -> (String, bool) {
        let breakable = !self.takes_lines(value);
        let outer = std::mem::replace(&mut self.flat, !breakable);
        let text = self.expr(value);
        self.flat = outer;
        (text, breakable)
    }

    fn if_statement(&mut self, s: &IfStatement) -> String {
        let mut text = format!("if {} ", self.expr(&s.condition));
        text.push_str(&self.block(&s.then));
        match &s.otherwise {
            None => {}
            Some(Else::If(nested)) => {
                text.push_str(" else ");
                text.push_str(&self.if_statement(nested));
            }
            Some(Else::Block(block)) => {
                text.push_str(" else ");
                text.push_str(&self.block(block));
            }
        }
        text
    }

    /// `{ statements }`, one per line, indented.
    pub(super) fn block(&mut self, block: &Block) -> String {
        let before = self.comments.before(block.span.start);
        self.hoisted.extend(before);
        let trailing = self.comments.trailing(block.span.start + 1);
        let mut entries = Vec::new();
        for statement in &block.statements {
            let span = statement_span(statement);
            self.place(&mut entries, span, |p| p.statement(statement));
        }
        self.closing(&mut entries, block.span.end.saturating_sub(1));
        let mut text = "{".to_string();
        finish_braces(&mut text, trailing, &entries);
        text
    }
}

/// A constraint option as written: `max_length 80`, `matches "^[A-Z]+$"`.
fn constraint(c: &crate::syntax::Constraint) -> String {
    use crate::syntax::ConstraintKind;
    match &c.kind {
        ConstraintKind::MaxLength(n) => format!("max_length {n}"),
        ConstraintKind::MinLength(n) => format!("min_length {n}"),
        ConstraintKind::MaxBytes(n) => format!("max_bytes {n}"),
        ConstraintKind::Matches(p) => format!("matches {}", super::expr::quote(p)),
        ConstraintKind::Between(a, b) => format!("between {a} and {b}"),
        ConstraintKind::OneOf(list) => format!("one_of {}", super::expr::constant(&list.value)),
        ConstraintKind::Is(t) => format!("is {}", t.name),
    }
}
