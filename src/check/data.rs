//! Checks against what the author knows about the data: a sample record
//! or a JSON Schema of the source (`mapc check --source`), and a JSON
//! Schema of the target (`mapc check --target`). Everything found here is a
//! warning: a sample shows one record, not every record.
//!
//! - W207: a source path that cannot exist in the sample or schema
//!   (`.amount_cent` where the sample has `amount_cents`). Paths are
//!   followed through `let`s, `for` variables and lambda parameters; a
//!   value that may come from several paths (`if`, `??`, `match`) is
//!   reported only when none of them exists. A path through a null, a
//!   scalar, an empty list or an empty object cannot be judged and is not
//!   reported; a path is reported once, where it first goes wrong.
//! - W208: a field the target schema requires that the mapping never writes.
//! - W209: a field the mapping writes that the target schema does not have.
//!
//! An object in a schema with no `properties`, or with `additionalProperties`
//! set to `true` or a schema, takes any key.

use crate::diagnostics::{Code, Diagnostic, SourceFile, did_you_mean};
use crate::mapping::Mapping;
use crate::syntax::{
    self, ArgumentValue, Block, Child, DefBody, Else, Expr, ExprKind, Item, Span, Statement,
};
use serde_json::Value as Json;
use std::sync::Arc;

/// One step of a source or target path.
#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Each,
}

fn show(path: &[Seg], each: &str) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() && each == "[]" => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Each => out.push_str(each),
        }
    }
    out
}

/// Is `value` a JSON Schema rather than a sample record?
fn is_schema(value: &Json) -> bool {
    value.get("$schema").is_some()
        || (value.get("type") == Some(&Json::String("object".into()))
            && value.get("properties").is_some_and(Json::is_object))
}

/// The keys an object in the data can have, or `None` when any key may be
/// there (or nothing can be said).
fn keys_of(data: &Json, schema: bool) -> Option<Vec<String>> {
    if schema {
        let open = matches!(
            data.get("additionalProperties"),
            Some(Json::Bool(true) | Json::Object(_))
        );
        match data.get("properties") {
            Some(Json::Object(props)) if !open => Some(props.keys().cloned().collect()),
            _ => None,
        }
    } else {
        // an empty object (free-form `metadata: {}`) says nothing of keys
        data.as_object()
            .filter(|m| !m.is_empty())
            .map(|m| m.keys().cloned().collect())
    }
}

/// The data under `key` (schema: the property's schema).
fn child<'a>(data: &'a Json, key: &str, schema: bool) -> Option<&'a Json> {
    if schema {
        data.get("properties")?.get(key)
    } else {
        data.get(key)
    }
}

/// What the data says of a path.
#[derive(Debug, PartialEq)]
enum Found {
    /// It is there.
    Exists,
    /// A key is not there; the keys that are.
    Missing(Vec<String>),
    /// Nothing can be said (through a null, a scalar, an empty list, an
    /// open object).
    Unknown,
}

/// Follows `path` into the data.
fn follow(data: &Json, path: &[Seg], schema: bool) -> Found {
    let Some((first, rest)) = path.split_first() else {
        return Found::Exists;
    };
    match first {
        Seg::Key(key) => match child(data, key, schema) {
            Some(next) => follow(next, rest, schema),
            None => match keys_of(data, schema) {
                Some(keys) => Found::Missing(keys),
                None => Found::Unknown,
            },
        },
        Seg::Each if schema => match data.get("items") {
            Some(items) if items.is_object() => follow(items, rest, schema),
            _ => Found::Unknown,
        },
        Seg::Each => match data {
            Json::Array(items) => {
                let mut out = Found::Unknown;
                for item in items {
                    match follow(item, rest, schema) {
                        Found::Exists => return Found::Exists,
                        Found::Missing(keys) if out == Found::Unknown => {
                            out = Found::Missing(keys);
                        }
                        _ => {}
                    }
                }
                out
            }
            _ => Found::Unknown,
        },
    }
}

/// At most this many alternative paths are followed for one expression.
const MOST_ALTERNATIVES: usize = 16;

struct SourceWalk<'a> {
    data: &'a Json,
    schema: bool,
    /// Variables: name and the source paths they may stand for.
    env: Vec<(String, Vec<Vec<Seg>>)>,
    found: Vec<(Span, String, Option<String>)>,
}

impl SourceWalk<'_> {
    /// The source paths `e` may stand for (several through an `if`, a
    /// `??` or a `match`); empty when not known.
    fn resolve(&self, e: &Expr) -> Vec<Vec<Seg>> {
        let mut out = match &e.kind {
            ExprKind::Root => vec![Vec::new()],
            ExprKind::Variable(name) => self
                .env
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, p)| p.clone())
                .unwrap_or_default(),
            ExprKind::Access(base, accessor) => {
                let seg = match accessor {
                    syntax::Accessor::Field(k) => Seg::Key(k.clone()),
                    _ => Seg::Each,
                };
                let mut paths = self.resolve(base);
                for path in &mut paths {
                    path.push(seg.clone());
                }
                paths
            }
            ExprKind::Group(inner) => self.resolve(inner),
            ExprKind::If(_, then, otherwise) => {
                let mut paths = self.resolve(then);
                if let Some(otherwise) = otherwise {
                    paths.extend(self.resolve(otherwise));
                }
                paths
            }
            ExprKind::Binary(syntax::BinaryOp::Coalesce | syntax::BinaryOp::Catch, a, b) => {
                let mut paths = self.resolve(a);
                paths.extend(self.resolve(b));
                paths
            }
            ExprKind::Match(_, arms) => arms
                .iter()
                .flat_map(|arm| self.resolve(&arm.value))
                .collect(),
            _ => Vec::new(),
        };
        out.truncate(MOST_ALTERNATIVES);
        out
    }

    fn element(&self, list: &Expr) -> Vec<Vec<Seg>> {
        let mut paths = self.resolve(list);
        for path in &mut paths {
            if path.last() != Some(&Seg::Each) {
                path.push(Seg::Each);
            }
        }
        paths
    }

    /// Reports `e` when it is a path that exists in no alternative and is
    /// missing in one whose parent exists (so `.a.b.c` with no `a` is
    /// reported once, at `.a`).
    fn judge(&mut self, e: &Expr) {
        let paths = self.resolve(e);
        let mut reported = None;
        for path in &paths {
            match follow(self.data, path, self.schema) {
                Found::Exists => return,
                Found::Missing(keys) if reported.is_none() => {
                    let (parent, last) = path.split_at(path.len().saturating_sub(1));
                    if let ([Seg::Key(key)], Found::Exists) =
                        (last, follow(self.data, parent, self.schema))
                    {
                        let suggestion =
                            did_you_mean(key, keys.iter().map(String::as_str)).map(str::to_string);
                        reported = Some((path.clone(), suggestion));
                    }
                }
                _ => {}
            }
        }
        if let Some((path, suggestion)) = reported {
            let shown = format!("$.{}", show(&path, "[*]").trim_start_matches('.'));
            self.found.push((e.span, shown, suggestion));
        }
    }

    fn block(&mut self, block: &Block) {
        self.statements(block.statements.iter());
    }

    fn statements<'s>(&mut self, statements: impl Iterator<Item = &'s Statement>) {
        let depth = self.env.len();
        for statement in statements {
            match statement {
                Statement::Let(binding) => {
                    self.expr(&binding.value);
                    let path = self.resolve(&binding.value);
                    self.env.push((binding.name.name.clone(), path));
                }
                Statement::Rule(rule) => {
                    self.expr(&rule.value);
                    for option in &rule.options {
                        if let syntax::RuleOption::Default(e) | syntax::RuleOption::When(e) = option
                        {
                            self.expr(e);
                        }
                    }
                }
                Statement::If(s) => self.if_statement(s),
            }
        }
        self.env.truncate(depth);
    }

    fn if_statement(&mut self, s: &syntax::IfStatement) {
        self.expr(&s.condition);
        self.block(&s.then);
        match &s.otherwise {
            None => {}
            Some(Else::Block(b)) => self.block(b),
            Some(Else::If(nested)) => self.if_statement(nested),
        }
    }

    fn args(&mut self, list: Option<&Expr>, args: &[syntax::Argument]) {
        let element = list.map(|l| self.element(l)).unwrap_or_default();
        for arg in args {
            match &arg.value {
                ArgumentValue::Expr(e) => self.expr(e),
                ArgumentValue::Lambda(param, body) => {
                    self.env.push((param.name.clone(), element.clone()));
                    self.expr(body);
                    self.env.pop();
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Access(base, _) => {
                self.expr(base);
                self.judge(e);
            }
            ExprKind::Call(_, args) => {
                let list = args.iter().find_map(|a| match &a.value {
                    ArgumentValue::Expr(e) => Some(e),
                    ArgumentValue::Lambda(..) => None,
                });
                self.args(list, args);
            }
            ExprKind::Pipe(lhs, rhs) => {
                self.expr(lhs);
                match &rhs.kind {
                    ExprKind::Call(_, args) => self.args(Some(lhs), args),
                    _ => self.expr(rhs),
                }
            }
            ExprKind::For(for_loop) => {
                self.expr(&for_loop.list);
                let depth = self.env.len();
                let element = self.element(&for_loop.list);
                self.env.push((for_loop.item.name.clone(), element));
                if let Some(index) = &for_loop.index {
                    self.env.push((index.name.clone(), Vec::new()));
                }
                if let Some(filter) = &for_loop.filter {
                    self.expr(filter);
                }
                self.block(&for_loop.body);
                self.env.truncate(depth);
            }
            _ => e.for_each_child(|child| match child {
                Child::Expr(inner) => self.expr(inner),
                Child::Block(block) => self.block(block),
            }),
        }
    }
}

/// A written target field: its path and the span of its target.
struct Written {
    path: Vec<Seg>,
    span: Span,
}

fn targets(
    ast: &syntax::Ast,
    prefix: &[Seg],
    statements: &[&Statement],
    out: &mut Vec<Written>,
    depth: usize,
) {
    for statement in statements {
        match statement {
            Statement::Rule(rule) => {
                let mut path = prefix.to_vec();
                path.extend(rule.target.keys.iter().map(|k| Seg::Key(k.name.clone())));
                out.push(Written {
                    path: path.clone(),
                    span: rule.target.span,
                });
                if depth < 16 {
                    nested(ast, &path, &rule.value, out, depth + 1);
                }
            }
            Statement::If(s) => {
                let mut current = Some(s);
                while let Some(s) = current {
                    let then: Vec<&Statement> = s.then.statements.iter().collect();
                    targets(ast, prefix, &then, out, depth);
                    current = match &s.otherwise {
                        None => None,
                        Some(Else::Block(b)) => {
                            let other: Vec<&Statement> = b.statements.iter().collect();
                            targets(ast, prefix, &other, out, depth);
                            None
                        }
                        Some(Else::If(nested)) => Some(nested),
                    };
                }
            }
            Statement::Let(_) => {}
        }
    }
}

/// The fields written inside a rule's value: a block, a `for`, a def call.
fn nested(ast: &syntax::Ast, path: &[Seg], value: &Expr, out: &mut Vec<Written>, depth: usize) {
    match &value.kind {
        ExprKind::Block(block) => {
            let statements: Vec<&Statement> = block.statements.iter().collect();
            targets(ast, path, &statements, out, depth);
        }
        ExprKind::For(for_loop) => {
            let mut inner = path.to_vec();
            inner.push(Seg::Each);
            let statements: Vec<&Statement> = for_loop.body.statements.iter().collect();
            targets(ast, &inner, &statements, out, depth);
        }
        ExprKind::Call(name, _) => {
            let def = ast.items.iter().find_map(|item| match item {
                Item::Def(d) if d.name.name == name.name => Some(d),
                _ => None,
            });
            match def.map(|d| &d.body) {
                Some(DefBody::Block(block)) => {
                    let statements: Vec<&Statement> = block.statements.iter().collect();
                    targets(ast, path, &statements, out, depth);
                }
                Some(DefBody::Value(value)) if depth < 16 => {
                    nested(ast, path, value, out, depth + 1);
                }
                _ => {}
            }
        }
        ExprKind::Group(inner) => nested(ast, path, inner, out, depth),
        _ => {}
    }
}

/// The schema of the value at `path` in a target schema, if known.
fn schema_at<'a>(schema: &'a Json, path: &[Seg]) -> Option<&'a Json> {
    let Some((first, rest)) = path.split_first() else {
        return Some(schema);
    };
    let next = match first {
        Seg::Key(key) => schema.get("properties")?.get(key)?,
        Seg::Each => schema.get("items")?,
    };
    schema_at(next, rest)
}

impl Mapping {
    fn main_ast(&self) -> (Arc<SourceFile>, syntax::Ast) {
        let file = Arc::clone(&self.program().files[0]);
        let (ast, _) = syntax::parse(&file);
        (file, ast)
    }

    /// Warns (W207) about every source path the mapping reads that cannot
    /// exist in `data`: a sample record, or a JSON Schema of the source
    /// (told apart by a `$schema` key, or `"type": "object"` with
    /// `properties`). `name` names the data in messages (its file).
    pub fn check_source(&self, data: &Json, name: &str) -> Vec<Diagnostic> {
        let (file, ast) = self.main_ast();
        let schema = is_schema(data);
        let mut walk = SourceWalk {
            data,
            schema,
            env: Vec::new(),
            found: Vec::new(),
        };
        let statements: Vec<&Statement> = ast.statements().collect();
        walk.statements(statements.into_iter());
        let what = if schema { "source schema" } else { "sample" };
        walk.found
            .into_iter()
            .map(|(span, path, suggestion)| {
                let mut d = Diagnostic::warning(
                    Code::UnknownSourcePath,
                    format!("source path `{path}` is not in the {what} `{name}`"),
                )
                .with_label(&file, span, format!("not in the {what}"));
                if let Some(s) = suggestion {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                d
            })
            .collect()
    }

    /// Compares the fields the mapping writes with a JSON Schema of the
    /// target record: W208 for a field the schema requires that no rule
    /// writes, W209 for a field written that the schema does not have.
    /// `name` names the schema in messages (its file).
    pub fn check_target(&self, schema: &Json, name: &str) -> Vec<Diagnostic> {
        let (file, ast) = self.main_ast();
        let statements: Vec<&Statement> = ast.statements().collect();
        let mut written = Vec::new();
        targets(&ast, &[], &statements, &mut written, 0);
        let mut out = Vec::new();
        // W209: written, not in the schema
        for w in &written {
            let Some((last, parent)) = w.path.split_last() else {
                continue;
            };
            let (Seg::Key(key), Some(container)) = (last, schema_at(schema, parent)) else {
                continue;
            };
            if let Some(keys) = keys_of(container, true)
                && !keys.contains(key)
            {
                let mut d = Diagnostic::warning(
                    Code::TargetFieldUnknown,
                    format!(
                        "target field `{}` is not in the target schema `{name}`",
                        show(&w.path, "[]")
                    ),
                )
                .with_label(&file, w.span, "not in the target schema");
                if let Some(s) = did_you_mean(key, keys.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
        // W208: required, never written
        let mut containers: Vec<Vec<Seg>> = vec![Vec::new()];
        while let Some(path) = containers.pop() {
            let Some(node) = schema_at(schema, &path) else {
                continue;
            };
            let node = if node.get("items").is_some() && !path.is_empty() {
                let mut each = path.clone();
                each.push(Seg::Each);
                containers.push(each);
                continue;
            } else {
                node
            };
            let required: Vec<&str> = node
                .get("required")
                .and_then(Json::as_array)
                .map(|r| r.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            for key in required {
                let mut field = path.clone();
                field.push(Seg::Key(key.to_string()));
                if written.iter().any(|w| w.path == field) {
                    containers.push(field);
                } else {
                    out.push(
                        Diagnostic::warning(
                            Code::TargetFieldMissing,
                            format!(
                                "target field `{}` is required by the target schema `{name}` but never written",
                                show(&field, "[]")
                            ),
                        )
                        .with_note(format!("in `{}`", file.name))
                        .with_help(match field.iter().rposition(|s| *s == Seg::Each) {
                            Some(i) => format!(
                                "add a rule for `{}` in the `for` block of `{}`",
                                show(&field[i + 1..], "[]"),
                                show(&field[..i], "[]")
                            ),
                            None => format!("add a rule: `{} = ...`", show(&field, "[]")),
                        }),
                    );
                }
            }
        }
        out
    }
}
