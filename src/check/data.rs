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
//! - W211: a source field whose type in the source schema never fits what
//!   the mapping does with it (`abs(.name)` where `name` is a string).
//! - W212: a target field written with a value the target schema's type
//!   does not allow (a number into a string field).
//! - W213: a field the target schema requires, written by an `optional`
//!   rule (a record without the value would break the target's contract).
//!
//! An object in a schema with no `properties`, or with `additionalProperties`
//! set to `true` or a schema, takes any key. `$ref`s (to `#/...` in the same
//! document), `allOf`, `anyOf` and `oneOf` are followed: a key of any branch
//! may be there. An NDJSON sample is every line at once: a path is reported
//! only when no line has it. Paths are followed into defs through their
//! parameters.

use crate::diagnostics::{Code, Diagnostic, SourceFile, did_you_mean};
use crate::json::Value as Json;
use crate::mapping::Mapping;
use crate::stdlib::{self, Ty};
use crate::syntax::{
    self, ArgumentValue, Block, Child, DefBody, Else, Expr, ExprKind, Item, Span, Statement,
};
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
            && (value.get("properties").is_some_and(Json::is_object)
                || ["allOf", "anyOf", "oneOf", "$ref"]
                    .iter()
                    .any(|k| value.get(k).is_some())))
}

/// How deep `$ref`s and combinators are expanded (a recursive schema is
/// cut there, and what is below says nothing).
const MOST_SCHEMA_DEPTH: usize = 24;

/// A JSON Schema with `$ref`s, `allOf`, `anyOf` and `oneOf` expanded into
/// plain `properties`, `items`, `type` and `additionalProperties`.
fn normalize_schema(root: &Json, node: &Json, depth: usize) -> Json {
    if depth > MOST_SCHEMA_DEPTH {
        return Json::Object(crate::json::Map::new());
    }
    let mut node = node;
    let mut hops = 0;
    while let Some(reference) = node.get("$ref").and_then(Json::as_str) {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer));
        match target {
            Some(t) if hops < MOST_SCHEMA_DEPTH => {
                node = t;
                hops += 1;
            }
            // an outside or broken reference says nothing
            _ => return Json::Object(crate::json::Map::new()),
        }
    }
    let mut out = crate::json::Map::new();
    if let Some(ty) = node.get("type") {
        out.insert("type".into(), ty.clone());
    }
    let mut required: Vec<Json> = node
        .get("required")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let mut properties = crate::json::Map::new();
    let mut open = matches!(
        node.get("additionalProperties"),
        Some(Json::Bool(true) | Json::Object(_))
    );
    if let Some(Json::Object(props)) = node.get("properties") {
        for (key, value) in props {
            properties.insert(key.clone(), normalize_schema(root, value, depth + 1));
        }
    }
    let mut items = node
        .get("items")
        .filter(|i| i.is_object())
        .map(|i| normalize_schema(root, i, depth + 1));
    let mut types: Vec<Json> = Vec::new();
    for combinator in ["allOf", "anyOf", "oneOf"] {
        let Some(Json::Array(branches)) = node.get(combinator) else {
            continue;
        };
        for branch in branches {
            let branch = normalize_schema(root, branch, depth + 1);
            if let Some(Json::Object(props)) = branch.get("properties") {
                for (key, value) in props {
                    let merged = match properties.remove(key) {
                        Some(old) => merge_schemas(old, value.clone()),
                        None => value.clone(),
                    };
                    properties.insert(key.clone(), merged);
                }
            } else if branch.get("type").is_none_or(|t| t == "object") && combinator != "allOf" {
                // a branch that is any object takes any key
                open = true;
            }
            if let Some(i) = branch.get("items") {
                items = Some(match items.take() {
                    Some(old) => merge_schemas(old, i.clone()),
                    None => i.clone(),
                });
            }
            if let Some(t) = branch.get("type") {
                types.push(t.clone());
            }
            if combinator == "allOf"
                && let Some(Json::Array(more)) = branch.get("required")
            {
                required.extend(more.iter().cloned());
            }
        }
    }
    if !types.is_empty() && !out.contains_key("type") {
        let mut all = Vec::new();
        for t in types {
            match t {
                Json::Array(many) => all.extend(many),
                one => all.push(one),
            }
        }
        out.insert("type".into(), Json::Array(all));
    }
    if !properties.is_empty() {
        out.insert("properties".into(), Json::Object(properties));
    }
    if open {
        out.insert("additionalProperties".into(), Json::Bool(true));
    }
    if !required.is_empty() {
        out.insert("required".into(), Json::Array(required));
    }
    if let Some(items) = items {
        out.insert("items".into(), items);
    }
    out.into()
}

/// Two expanded schemas of one place: a key of either may be there.
fn merge_schemas(a: Json, b: Json) -> Json {
    match (a, b) {
        (Json::Object(mut a), Json::Object(b)) => {
            for (key, value) in b {
                let merged = match a.remove(&key) {
                    Some(old) if key == "properties" || key == "items" => merge_schemas(old, value),
                    Some(Json::Array(mut old)) if key == "type" => {
                        match value {
                            Json::Array(more) => old.extend(more),
                            one => old.push(one),
                        }
                        Json::Array(old)
                    }
                    Some(old) if key == "type" && old != value => Json::Array(vec![old, value]),
                    Some(old) => old,
                    None => value,
                };
                a.insert(key, merged);
            }
            Json::Object(a)
        }
        (a, _) => a,
    }
}

/// Several sample records (the lines of an NDJSON sample) as one: objects
/// have the keys of all, a list's elements are merged into one element, and
/// a null gives way to what another sample has there.
pub(crate) fn merge_samples(samples: impl IntoIterator<Item = Json>) -> Json {
    samples
        .into_iter()
        .map(|s| merge_sample(Json::Null, s))
        .fold(Json::Null, merge_sample)
}

fn merge_sample(a: Json, b: Json) -> Json {
    match (a, b) {
        (Json::Object(mut a), Json::Object(b)) => {
            for (key, value) in b {
                let merged = match a.remove(&key) {
                    Some(old) => merge_sample(old, value),
                    None => merge_sample(Json::Null, value),
                };
                a.insert(key, merged);
            }
            Json::Object(a)
        }
        (Json::Array(a), Json::Array(b)) => {
            let merged = a.into_iter().chain(b).fold(Json::Null, merge_sample);
            if merged.is_null() {
                Json::Array(Vec::new())
            } else {
                Json::Array(vec![merged])
            }
        }
        (Json::Null, Json::Array(b)) => merge_sample(Json::Array(Vec::new()), Json::Array(b)),
        (Json::Null, Json::Object(b)) => {
            merge_sample(Json::Object(crate::json::Map::new()), Json::Object(b))
        }
        (Json::Null, b) => b,
        (a, _) => a,
    }
}

/// The mapc types a schema's `type` allows, if it says.
fn schema_types(schema: &Json) -> Option<Ty> {
    let one = |t: &Json| match t.as_str()? {
        "string" => Some(Ty::STRING),
        "number" | "integer" => Some(Ty::NUMBER),
        "boolean" => Some(Ty::BOOL),
        "object" => Some(Ty::OBJECT),
        "array" => Some(Ty::LIST),
        "null" => Some(Ty::NULL),
        _ => None,
    };
    match schema.get("type")? {
        Json::Array(many) => many
            .iter()
            .map(one)
            .try_fold(Ty(0), |acc, t| t.map(|t| acc.or(t))),
        t => one(t),
    }
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

/// The data (schema: the schema) at `path`, when there is exactly one place.
fn node_at<'a>(data: &'a Json, path: &[Seg], schema: bool) -> Option<&'a Json> {
    let Some((first, rest)) = path.split_first() else {
        return Some(data);
    };
    let next = match first {
        Seg::Key(key) => child(data, key, schema)?,
        Seg::Each if schema => data.get("items")?,
        Seg::Each => data.as_array()?.first()?,
    };
    node_at(next, rest, schema)
}

/// A better guess than spelling for a key that is not there: a key it is
/// the start of (`currency` → `currency_code`), or the same key one level
/// down (`.email` → `.customer.email`).
fn guess(data: &Json, parent: &[Seg], key: &str, keys: &[String], schema: bool) -> Option<String> {
    if let Some(s) = did_you_mean(key, keys.iter().map(String::as_str)) {
        return Some(s.to_string());
    }
    let lower = key.to_lowercase();
    if let Some(k) = keys.iter().find(|k| {
        let k = k.to_lowercase();
        k.starts_with(&lower) || lower.starts_with(&k)
    }) {
        return Some(k.clone());
    }
    let container = node_at(data, parent, schema)?;
    keys.iter().find_map(|sibling| {
        let below = child(container, sibling, schema)?;
        child(below, key, schema).map(|_| format!("{sibling}.{key}"))
    })
}

/// At most this many alternative paths are followed for one expression.
const MOST_ALTERNATIVES: usize = 16;

struct SourceWalk<'a> {
    data: &'a Json,
    schema: bool,
    /// Variables: name and the source paths they may stand for.
    env: Vec<(String, Vec<Vec<Seg>>)>,
    /// The defs of the file, followed at each call with the paths of its
    /// arguments.
    defs: Vec<&'a syntax::Def>,
    /// The defs being followed (a def is not followed into itself).
    calling: Vec<String>,
    found: Vec<(Span, String, Option<String>)>,
    /// W211: (span, message).
    mistyped: Vec<(Span, String)>,
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
                        let suggestion = guess(self.data, parent, key, &keys, self.schema);
                        reported = Some((path.clone(), suggestion));
                    }
                }
                _ => {}
            }
        }
        if let Some((path, suggestion)) = reported
            && !self.found.iter().any(|(span, _, _)| *span == e.span)
        {
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

    /// A call, with the piped value first when there is one: a def is
    /// followed with its parameters standing for the arguments' paths; a
    /// built-in's arguments are compared with the source schema's types.
    fn call(&mut self, name: &syntax::Ident, piped: Option<&Expr>, args: &[syntax::Argument]) {
        let values: Vec<&Expr> = piped
            .into_iter()
            .chain(args.iter().filter_map(|a| match &a.value {
                ArgumentValue::Expr(e) if a.name.is_none() => Some(e),
                _ => None,
            }))
            .collect();
        if let Some(def) = self.defs.iter().copied().find(|d| d.name.name == name.name) {
            if self.calling.contains(&name.name) || self.calling.len() >= 16 {
                return;
            }
            let depth = self.env.len();
            for (param, value) in def.params.iter().zip(&values) {
                let paths = self.resolve(value);
                self.env.push((param.name.clone(), paths));
            }
            self.calling.push(name.name.clone());
            match &def.body {
                DefBody::Block(block) => self.block(block),
                DefBody::Value(value) => self.expr(value),
            }
            self.calling.pop();
            self.env.truncate(depth);
            return;
        }
        let (Some(function), true) = (stdlib::function(&name.name), self.schema) else {
            return;
        };
        for (i, value) in values.iter().enumerate() {
            let Some(param) = function.params.get(i).or(function.params.last()) else {
                continue;
            };
            let paths = self.resolve(value);
            let mut types = Ty(0);
            for path in &paths {
                match node_at(self.data, path, true).and_then(schema_types) {
                    Some(t) => types = types.or(t),
                    None => return,
                }
            }
            if paths.is_empty() || types.overlaps(param.ty.or(Ty::NULL)) {
                continue;
            }
            let shown = format!("$.{}", show(&paths[0], "[*]").trim_start_matches('.'));
            self.mistyped.push((
                value.span,
                format!(
                    "source `{shown}` is {types} in the source schema, but `{}` expects {} for `{}`",
                    function.name, param.ty, param.name
                ),
            ));
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Access(base, _) => {
                self.expr(base);
                self.judge(e);
            }
            ExprKind::Call(name, args) => {
                let list = args.iter().find_map(|a| match &a.value {
                    ArgumentValue::Expr(e) => Some(e),
                    ArgumentValue::Lambda(..) => None,
                });
                self.args(list, args);
                self.call(name, None, args);
            }
            ExprKind::Pipe(lhs, rhs) => {
                self.expr(lhs);
                match &rhs.kind {
                    ExprKind::Call(name, args) => {
                        self.args(Some(lhs), args);
                        self.call(name, Some(lhs), args);
                    }
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
    /// The types its value has, where the syntax alone says.
    ty: Option<Ty>,
    /// Written by an explicitly `optional` rule.
    optional: bool,
}

/// The types a value has, where the syntax alone says: a literal, a
/// built-in's result, arithmetic.
fn value_type(e: &Expr) -> Option<Ty> {
    match &e.kind {
        ExprKind::Literal(v) => Some(Ty::of_json(v)),
        ExprKind::Call(name, _) => stdlib::function(&name.name).map(|f| f.returns),
        ExprKind::Pipe(_, rhs) => match &rhs.kind {
            ExprKind::Call(name, _) => stdlib::function(&name.name).map(|f| f.returns),
            _ => None,
        },
        ExprKind::Binary(
            syntax::BinaryOp::Sub
            | syntax::BinaryOp::Mul
            | syntax::BinaryOp::Div
            | syntax::BinaryOp::Rem,
            _,
            _,
        ) => Some(Ty::NUMBER),
        ExprKind::Group(inner) => value_type(inner),
        _ => None,
    }
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
                    ty: value_type(&rule.value),
                    optional: rule
                        .options
                        .iter()
                        .any(|o| matches!(o, syntax::RuleOption::Optional(_))),
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
        let normalized;
        let data = if schema {
            normalized = normalize_schema(data, data, 0);
            &normalized
        } else {
            data
        };
        let defs = ast
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Def(d) => Some(d),
                _ => None,
            })
            .collect();
        let mut walk = SourceWalk {
            data,
            schema,
            env: Vec::new(),
            defs,
            calling: Vec::new(),
            found: Vec::new(),
            mistyped: Vec::new(),
        };
        let statements: Vec<&Statement> = ast.statements().collect();
        walk.statements(statements.into_iter());
        let what = if schema { "source schema" } else { "sample" };
        let mistyped: Vec<Diagnostic> = walk
            .mistyped
            .into_iter()
            .map(|(span, message)| {
                Diagnostic::warning(Code::SourceTypeMismatch, message)
                    .with_label(&file, span, "every record would fail here")
                    .with_note(format!("the source schema is `{name}`"))
            })
            .collect();
        let found = walk
            .found
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
            .chain(mistyped)
            .collect();
        crate::diagnostics::remove_allowed(found)
    }

    /// [`Mapping::check_source`] with several sample records at once (the
    /// lines of an NDJSON sample): a path is reported only when no sample
    /// has it.
    pub fn check_source_samples(&self, samples: Vec<Json>, name: &str) -> Vec<Diagnostic> {
        self.check_source(&merge_samples(samples), name)
    }

    /// Compares the fields the mapping writes with a JSON Schema of the
    /// target record: W208 for a field the schema requires that no rule
    /// writes, W209 for a field written that the schema does not have.
    /// `name` names the schema in messages (its file).
    pub fn check_target(&self, schema: &Json, name: &str) -> Vec<Diagnostic> {
        let (file, ast) = self.main_ast();
        let schema = &normalize_schema(schema, schema, 0);
        let statements: Vec<&Statement> = ast.statements().collect();
        let mut written = Vec::new();
        targets(&ast, &[], &statements, &mut written, 0);
        let mut out = Vec::new();
        // W212: written with a type the schema does not allow
        for w in &written {
            let (Some(ty), Some(allowed)) =
                (w.ty, schema_at(schema, &w.path).and_then(schema_types))
            else {
                continue;
            };
            if !ty.overlaps(allowed) {
                out.push(
                    Diagnostic::warning(
                        Code::TargetTypeMismatch,
                        format!(
                            "target field `{}` is written as {ty}, but the target schema `{name}` wants {allowed}",
                            show(&w.path, "[]")
                        ),
                    )
                    .with_label(&file, w.span, format!("written as {ty}")),
                );
            }
        }
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
                if let Some(w) = written.iter().find(|w| w.path == field) {
                    // W213: required by the schema, optional in the mapping
                    if w.optional {
                        out.push(
                            Diagnostic::warning(
                                Code::OptionalForRequired,
                                format!(
                                    "target field `{}` is required by the target schema `{name}` but its rule is `optional`",
                                    show(&field, "[]")
                                ),
                            )
                            .with_label(&file, w.span, "may be left out")
                            .with_help("make the rule `required` (or give it a `default`)"),
                        );
                    }
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
        crate::diagnostics::remove_allowed(out)
    }
}
