//! A rule's own reverse, `reverse { rules }`, checked as the mapping it is:
//! its rules write source paths and read the target record from its root.
//!
//! The block is checked on its own, with the checker's every check (names,
//! arity, types), in a copy of the file where everything outside the block
//! is blanked out, so that line and column stay those of the file. It sees
//! the built-in functions only: the mapping's tables, defs, parameters and
//! `let`s read the source record, not the target. Then its reads are
//! matched against the target fields the mapping writes (E281), and its
//! place is one the reverse can use (E282: not in a `for` body or a def).

use super::Options;
use crate::diagnostics::{Code, Diagnostic, SourceFile, did_you_mean};
use crate::syntax::{
    Accessor, ArgumentValue, Ast, Block, DefBody, Else, Expr, ExprKind, Item, RuleOption, Span,
    Statement,
};
use std::sync::Arc;

/// How deep `reverse` blocks may nest in one another (each one is checked
/// as a mapping of its own).
const MAX_NESTING: usize = 4;

/// Checks every `reverse { ... }` of the main file's rules.
pub(super) fn check(file: &Arc<SourceFile>, ast: &Ast, depth: usize) -> Vec<Diagnostic> {
    let mut walk = Walk {
        file,
        depth,
        targets: Vec::new(),
        blocks: Vec::new(),
        lets: Vec::new(),
        diagnostics: Vec::new(),
    };
    for item in &ast.items {
        match item {
            Item::Statement(s) => walk.statement(s, &[], Place::Top),
            Item::Def(def) => {
                if let DefBody::Block(block) = &def.body {
                    walk.block(block, &[], Place::Def);
                }
            }
            _ => {}
        }
    }
    let blocks = std::mem::take(&mut walk.blocks);
    for (block, reads) in blocks {
        walk.reverse_block(block);
        if let Some(reads) = reads {
            walk.unread_writes(block, &reads);
        }
    }
    walk.diagnostics
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    For,
    Def,
}

/// A target path the mapping writes.
struct Written {
    path: Vec<String>,
}

struct Walk<'a> {
    file: &'a Arc<SourceFile>,
    depth: usize,
    targets: Vec<Written>,
    /// Each `reverse` block with the source paths its rule reads (`None`
    /// when some of them are not known here: a def, a name from an `if`).
    blocks: Vec<(&'a Block, Option<Vec<Vec<String>>>)>,
    /// The top-level `let`s: name → value.
    lets: Vec<(&'a str, &'a Expr)>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Walk<'a> {
    fn block(&mut self, block: &'a Block, prefix: &[String], place: Place) {
        for s in &block.statements {
            self.statement(s, prefix, place);
        }
    }

    fn statement(&mut self, statement: &'a Statement, prefix: &[String], place: Place) {
        match statement {
            Statement::Let(l) => {
                if place == Place::Top && prefix.is_empty() {
                    self.lets.push((&l.name.name, &l.value));
                }
            }
            Statement::If(i) => {
                self.block(&i.then, prefix, place);
                let mut other = i.otherwise.as_ref();
                while let Some(o) = other {
                    match o {
                        Else::Block(b) => {
                            self.block(b, prefix, place);
                            other = None;
                        }
                        Else::If(inner) => {
                            self.block(&inner.then, prefix, place);
                            other = inner.otherwise.as_ref();
                        }
                    }
                }
            }
            Statement::Rule(rule) => {
                let mut path = prefix.to_vec();
                path.extend(rule.target.keys.iter().map(|k| k.name.clone()));
                let mut reverses = rule.options.iter().filter_map(|o| match o {
                    RuleOption::Reverse(b) => Some(b),
                    _ => None,
                });
                if let Some(first) = reverses.next() {
                    if place == Place::Top {
                        let reads = self.source_reads(&rule.value);
                        self.blocks.push((first, reads));
                    } else {
                        let where_ = if place == Place::For {
                            "a `for` body"
                        } else {
                            "a def"
                        };
                        self.error(
                            Code::ReversePlace,
                            first.span,
                            format!("a rule in {where_} cannot have its own `reverse` yet"),
                            "",
                        )
                        .help
                        .push(
                            "write the reverse of the whole list, or of the def's call, on the rule \
                             that holds it"
                                .into(),
                        );
                    }
                }
                for extra in reverses {
                    self.error(
                        Code::InvalidOption,
                        extra.span,
                        "a rule has one `reverse` at most",
                        "",
                    );
                }
                self.pair_keys(rule);
                // only the top level's targets are paths of the target
                // record
                match &rule.value.kind {
                    ExprKind::Block(b) => {
                        if place == Place::Top {
                            self.targets.push(Written { path: path.clone() });
                        }
                        self.block(b, &path, place);
                    }
                    ExprKind::For(f) => {
                        if place == Place::Top {
                            self.targets.push(Written { path });
                        }
                        self.block(&f.body, &[], Place::For);
                    }
                    _ if place == Place::Top => self.targets.push(Written { path }),
                    _ => {}
                }
            }
        }
    }

    /// The source paths `expr` reads, through the top-level `let`s it
    /// names; `None` when a name is not one of those (a def's parameter,
    /// a `let` in a block) or a def is called.
    fn source_reads(&self, expr: &Expr) -> Option<Vec<Vec<String>>> {
        let mut out = Vec::new();
        self.reads_through_lets(expr, &mut out, 0)?;
        Some(out)
    }

    fn reads_through_lets(
        &self,
        expr: &Expr,
        out: &mut Vec<Vec<String>>,
        depth: usize,
    ) -> Option<()> {
        if depth > 16 {
            return None;
        }
        let mut found = Vec::new();
        expr_reads(expr, &mut found);
        out.extend(found.into_iter().map(|(p, _)| p));
        let mut names = Vec::new();
        variables(expr, &mut names);
        for (name, fields) in names {
            let (_, value) = self.lets.iter().find(|(n, _)| *n == name)?;
            match root_path(value) {
                // `let d = .payload.data` then `d.x`: `.payload.data.x`
                Some(mut path) => {
                    path.retain(|k| !k.is_empty());
                    path.extend(fields);
                    out.push(path);
                }
                None => self.reads_through_lets(value, out, depth + 1)?,
            }
        }
        Some(())
    }

    /// W280: a rule of a `reverse` block that writes a source path its
    /// forward rule does not read.
    fn unread_writes(&mut self, block: &Block, reads: &[Vec<String>]) {
        let mut writes = Vec::new();
        write_targets(&block.statements, &[], &mut writes);
        for (path, span) in writes {
            let read = reads.iter().any(|r| {
                let n = r.len().min(path.len());
                r[..n] == path[..n]
            });
            if read {
                continue;
            }
            let names: Vec<String> = reads.iter().map(|r| r.join(".")).collect();
            let near =
                did_you_mean(&path.join("."), names.iter().map(String::as_str)).map(str::to_string);
            let mut d = Diagnostic::warning(
                Code::ReverseWritesUnread,
                format!(
                    "`reverse` writes `.{}`, which the rule does not read",
                    path.join(".")
                ),
            )
            .with_label(self.file, span, "not read by the forward rule");
            d.notes.push(format!(
                "the rule reads {}",
                if names.is_empty() {
                    "no source path".to_string()
                } else {
                    names
                        .iter()
                        .map(|n| format!("`.{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
            if let Some(near) = near {
                d.help.push(format!("did you mean `.{near}`?"));
            }
            self.diagnostics.push(d);
        }
    }

    /// `key FIELD`: on a `for` list (E284), naming a field its body
    /// writes (E285), once (E212).
    fn pair_keys(&mut self, rule: &crate::syntax::Rule) {
        let keys: Vec<&crate::syntax::Target> = rule
            .options
            .iter()
            .filter_map(|o| match o {
                RuleOption::Key(t) => Some(t),
                _ => None,
            })
            .collect();
        for extra in keys.iter().skip(1) {
            self.error(
                Code::InvalidOption,
                extra.span,
                "a rule has one `key` at most",
                "",
            );
        }
        let Some(key) = keys.first() else {
            return;
        };
        let ExprKind::For(for_loop) = &rule.value.kind else {
            self.error(
                Code::KeyNotOnFor,
                key.span,
                "`key` pairs the elements of a `for` list, and this rule's value is not one",
                "",
            );
            return;
        };
        let mut fields = Vec::new();
        element_fields(&for_loop.body.statements, &[], &mut fields);
        let wanted: Vec<String> = key.keys.iter().map(|k| k.name.clone()).collect();
        if fields.contains(&wanted) {
            return;
        }
        let names: Vec<String> = fields.iter().map(|f| f.join(".")).collect();
        let near =
            did_you_mean(&wanted.join("."), names.iter().map(String::as_str)).map(str::to_string);
        let d = self.error(
            Code::UnknownPairKey,
            key.span,
            format!(
                "`key {}`: the list's elements have no such field",
                wanted.join(".")
            ),
            "",
        );
        d.notes.push(format!(
            "the element fields are {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
        if let Some(near) = near {
            d.help.push(format!("did you mean `{near}`?"));
        }
    }

    fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, message).with_label(self.file, span, label));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// One `reverse { ... }`: checked as a mapping of its own, then its
    /// reads matched against the target fields.
    fn reverse_block(&mut self, block: &Block) {
        let text = &self.file.text;
        // inside the braces
        let (start, end) = (block.span.start + 1, block.span.end.saturating_sub(1));
        if self.depth >= MAX_NESTING {
            self.error(
                Code::ReversePlace,
                block.span,
                "`reverse` blocks nested too deeply",
                "",
            );
            return;
        }
        let blanked: String = text
            .char_indices()
            .map(|(i, c)| {
                if (start..end).contains(&i) || c == '\n' {
                    c.to_string()
                } else {
                    " ".repeat(c.len_utf8())
                }
            })
            .collect();
        let copy = SourceFile::new(self.file.name.clone(), blanked);
        let found =
            match super::check_nested(Arc::clone(&copy), &Options::default(), self.depth + 1) {
                Ok((_, warnings)) => warnings,
                Err(diagnostics) => diagnostics,
            };
        // the diagnostics point into the file itself, not the blanked copy
        for mut d in found {
            for label in &mut d.labels {
                if Arc::ptr_eq(&label.file, &copy) {
                    label.file = Arc::clone(self.file);
                }
            }
            if matches!(
                d.code,
                Code::UnknownTable
                    | Code::UnknownParameter
                    | Code::UnknownVariable
                    | Code::UnknownFunction
            ) {
                d.notes.push(
                    "a `reverse` block sees the built-in functions and its own `let`s only: the \
                     mapping's tables, defs, parameters and `let`s read the source record"
                        .into(),
                );
            }
            self.diagnostics.push(d);
        }
        let mut reads = Vec::new();
        for s in &block.statements {
            statement_reads(s, &mut reads);
        }
        for (path, span) in reads {
            // a field written, a value inside one, or an object holding some
            let known = self.targets.iter().any(|w| {
                let n = w.path.len().min(path.len());
                w.path[..n] == path[..n]
            });
            if known || path.is_empty() {
                continue;
            }
            let shown = format!(".{}", path.join("."));
            let names: Vec<String> = self
                .targets
                .iter()
                .map(|w| format!(".{}", w.path.join(".")))
                .collect();
            let near = did_you_mean(&shown, names.iter().map(String::as_str)).map(str::to_string);
            let d = self.error(
                Code::ReverseUnknownTarget,
                span,
                format!("`reverse` reads `{shown}`, which the mapping does not write"),
                "not a target field",
            );
            d.notes.push(
                "a `reverse` block reads the target record: the fields the mapping's rules write"
                    .into(),
            );
            if let Some(near) = near {
                d.help.push(format!("did you mean `{near}`?"));
            }
        }
    }
}

/// The names `expr` reads, each with the fields read from it
/// (`d."First Name"`: `d` and `["First Name"]`); lambda parameters and
/// `for` variables are names too (the caller gives up on them).
fn variables(expr: &Expr, out: &mut Vec<(String, Vec<String>)>) {
    // a path from a name: `d.a.b`
    fn from_name(expr: &Expr) -> Option<(String, Vec<String>)> {
        match &expr.kind {
            ExprKind::Variable(name) => Some((name.clone(), Vec::new())),
            ExprKind::Access(base, Accessor::Field(f)) => {
                let (name, mut fields) = from_name(base)?;
                fields.push(f.clone());
                Some((name, fields))
            }
            ExprKind::Access(base, _) => from_name(base),
            _ => None,
        }
    }
    if let Some(found) = from_name(expr) {
        out.push(found);
        return;
    }
    let mut walk = |e: &Expr| variables(e, out);
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Root | ExprKind::Param(_) | ExprKind::Variable(_) => {}
        ExprKind::Access(base, _) | ExprKind::Group(base) | ExprKind::Unary(_, base) => walk(base),
        ExprKind::List(items) => items.iter().for_each(walk),
        ExprKind::Object(entries) => entries.iter().for_each(|(_, e)| walk(e)),
        ExprKind::Call(_, args) => {
            for a in args {
                match &a.value {
                    ArgumentValue::Expr(e) | ArgumentValue::Lambda(_, e) => walk(e),
                }
            }
        }
        ExprKind::Pipe(a, b) | ExprKind::Binary(_, a, b) => {
            walk(a);
            walk(b);
        }
        ExprKind::If(c, t, e) => {
            walk(c);
            walk(t);
            if let Some(e) = e {
                walk(e);
            }
        }
        ExprKind::Match(subject, arms) => {
            walk(subject);
            for arm in arms {
                walk(&arm.value);
            }
        }
        // a block or a loop has names of its own: not followed
        ExprKind::Block(_) | ExprKind::For(_) => out.push((String::new(), Vec::new())),
    }
}

/// The source paths the rules of a `reverse` block write, with their
/// spans.
fn write_targets(statements: &[Statement], prefix: &[String], out: &mut Vec<(Vec<String>, Span)>) {
    for statement in statements {
        match statement {
            Statement::Let(_) => {}
            Statement::If(i) => {
                write_targets(&i.then.statements, prefix, out);
                let mut other = i.otherwise.as_ref();
                while let Some(o) = other {
                    match o {
                        Else::Block(b) => {
                            write_targets(&b.statements, prefix, out);
                            other = None;
                        }
                        Else::If(inner) => {
                            write_targets(&inner.then.statements, prefix, out);
                            other = inner.otherwise.as_ref();
                        }
                    }
                }
            }
            Statement::Rule(rule) => {
                let mut path = prefix.to_vec();
                path.extend(rule.target.keys.iter().map(|k| k.name.clone()));
                match &rule.value.kind {
                    ExprKind::Block(b) => write_targets(&b.statements, &path, out),
                    _ => out.push((path, rule.target.span)),
                }
            }
        }
    }
}

/// The target paths the rules of a `for` body write (nested blocks and
/// `if` branches included).
fn element_fields(statements: &[Statement], prefix: &[String], out: &mut Vec<Vec<String>>) {
    for statement in statements {
        match statement {
            Statement::Let(_) => {}
            Statement::If(i) => {
                element_fields(&i.then.statements, prefix, out);
                let mut other = i.otherwise.as_ref();
                while let Some(o) = other {
                    match o {
                        Else::Block(b) => {
                            element_fields(&b.statements, prefix, out);
                            other = None;
                        }
                        Else::If(inner) => {
                            element_fields(&inner.then.statements, prefix, out);
                            other = inner.otherwise.as_ref();
                        }
                    }
                }
            }
            Statement::Rule(rule) => {
                let mut path = prefix.to_vec();
                path.extend(rule.target.keys.iter().map(|k| k.name.clone()));
                if let ExprKind::Block(b) = &rule.value.kind {
                    element_fields(&b.statements, &path, out);
                }
                out.push(path);
            }
        }
    }
}

/// The paths from the record's root a statement reads, with their spans.
fn statement_reads(statement: &Statement, out: &mut Vec<(Vec<String>, Span)>) {
    match statement {
        Statement::Let(l) => expr_reads(&l.value, out),
        Statement::If(i) => {
            expr_reads(&i.condition, out);
            block_reads(&i.then, out);
            let mut other = i.otherwise.as_ref();
            while let Some(o) = other {
                match o {
                    Else::Block(b) => {
                        block_reads(b, out);
                        other = None;
                    }
                    Else::If(inner) => {
                        expr_reads(&inner.condition, out);
                        block_reads(&inner.then, out);
                        other = inner.otherwise.as_ref();
                    }
                }
            }
        }
        Statement::Rule(rule) => {
            expr_reads(&rule.value, out);
            for option in &rule.options {
                match option {
                    RuleOption::Default(e) | RuleOption::When(e) => expr_reads(e, out),
                    // a nested `reverse` reads the source record again: it
                    // is checked on its own
                    _ => {}
                }
            }
        }
    }
}

fn block_reads(block: &Block, out: &mut Vec<(Vec<String>, Span)>) {
    for s in &block.statements {
        statement_reads(s, out);
    }
}

/// The keys of a path from the root (`.a.b`, up to an index), if `expr` is
/// one.
fn root_path(expr: &Expr) -> Option<Vec<String>> {
    match &expr.kind {
        ExprKind::Root => Some(Vec::new()),
        ExprKind::Access(base, accessor) => {
            let mut path = root_path(base)?;
            if let Accessor::Field(name) = accessor {
                // after an index the path goes into list elements: the
                // list's own path is what counts
                if !path.iter().any(|k| k.is_empty()) {
                    path.push(name.clone());
                }
            } else {
                path.push(String::new());
            }
            Some(path)
        }
        _ => None,
    }
}

fn expr_reads(expr: &Expr, out: &mut Vec<(Vec<String>, Span)>) {
    if let Some(mut path) = root_path(expr) {
        path.retain(|k| !k.is_empty());
        out.push((path, expr.span));
        return;
    }
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Root | ExprKind::Param(_) | ExprKind::Variable(_) => {}
        ExprKind::Access(base, _) | ExprKind::Group(base) | ExprKind::Unary(_, base) => {
            expr_reads(base, out);
        }
        ExprKind::List(items) => items.iter().for_each(|e| expr_reads(e, out)),
        ExprKind::Object(entries) => entries.iter().for_each(|(_, e)| expr_reads(e, out)),
        ExprKind::Block(b) => block_reads(b, out),
        ExprKind::Call(_, args) => {
            for a in args {
                match &a.value {
                    ArgumentValue::Expr(e) | ArgumentValue::Lambda(_, e) => expr_reads(e, out),
                }
            }
        }
        ExprKind::Pipe(a, b) | ExprKind::Binary(_, a, b) => {
            expr_reads(a, out);
            expr_reads(b, out);
        }
        ExprKind::If(c, t, e) => {
            expr_reads(c, out);
            expr_reads(t, out);
            if let Some(e) = e {
                expr_reads(e, out);
            }
        }
        ExprKind::Match(subject, arms) => {
            expr_reads(subject, out);
            for arm in arms {
                expr_reads(&arm.value, out);
            }
        }
        ExprKind::For(f) => {
            expr_reads(&f.list, out);
            if let Some(filter) = &f.filter {
                expr_reads(filter, out);
            }
            block_reads(&f.body, out);
        }
    }
}
