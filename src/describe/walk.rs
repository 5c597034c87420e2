//! Walks the checked program and collects one [`Field`] per target field.

use super::words::Words;
use super::{
    Description, Field, ParamDoc, PathKey, PolicyDoc, Presence, Shape, TableDoc, TableRow,
};
use crate::check::infer;
use crate::eval::Value;
use crate::program::{self, Absent, Block, Node, NodeKind, ParamType, Program, Statement, Step};
use crate::stdlib::{ListOp, Ty};
use serde_json::Value as Json;
use std::collections::HashMap;

/// How deep defs may call defs before the walk stops (the checker already
/// forbids recursion; this only guards the walk).
const MAX_DEPTH: usize = 32;

/// What a variable slot stands for.
#[derive(Clone, Debug, Default)]
pub(super) struct Binding {
    /// The input paths (or parameters) it reads.
    pub paths: Vec<String>,
    /// It is exactly those paths, so `var.field` is `path.field`.
    pub exact: bool,
    /// What was done to it, in words; `None` for a plain copy.
    pub words: Option<String>,
    /// When it is a list of elements of known paths (`filter(.items, ...)`
    /// holds elements of `$.items[*]`): those paths.
    pub elements: Option<Vec<String>>,
}

pub(super) struct Walker<'p> {
    pub program: &'p Program,
    pub env: HashMap<usize, Binding>,
    fields: Vec<Field>,
    prefix: Vec<PathKey>,
    conditions: Vec<String>,
    depth: usize,
}

pub(super) fn describe(program: &Program) -> Description {
    let mut walker = Walker {
        program,
        env: HashMap::new(),
        fields: Vec::new(),
        prefix: Vec::new(),
        conditions: Vec::new(),
        depth: 0,
    };
    walker.block(&program.body);
    Description {
        name: program
            .files
            .first()
            .map_or_else(|| "<mapping>".to_string(), |f| f.name.clone()),
        params: program
            .params
            .iter()
            .map(|p| ParamDoc {
                name: p.name.clone(),
                ty: p.ty.name(),
                default: p.default.clone(),
            })
            .collect(),
        policy: PolicyDoc {
            missing: presence_of(program.policy.missing),
            null_is_missing: program.policy.null_is_missing,
            blank_is_missing: program.policy.blank_is_missing,
        },
        fields: walker.fields,
        tables: program.tables.iter().map(table_doc).collect(),
    }
}

fn presence_of(absent: Absent) -> Presence {
    match absent {
        Absent::Error => Presence::Required,
        Absent::Omit => Presence::Optional,
        Absent::Null => Presence::Nullable,
    }
}

fn table_doc(table: &program::Table) -> TableDoc {
    let mut entries: Vec<TableRow> = Vec::new();
    for key in &table.keys {
        let Some(value) = program::table_key(&Value::from_json(key), table.ignore_case)
            .and_then(|k| table.index.get(&k))
        else {
            continue;
        };
        match entries.last_mut() {
            Some(row) if row.value == *value => row.keys.push(key.clone()),
            _ => entries.push(TableRow {
                keys: vec![key.clone()],
                value: value.clone(),
            }),
        }
    }
    TableDoc {
        name: table.name.clone(),
        ignore_case: table.ignore_case,
        csv: table
            .csv
            .as_ref()
            .map(|c| (c.path.clone(), c.key.clone(), c.value.clone())),
        entries,
        fallback: table.fallback.clone(),
    }
}

/// The JSON Schema type names of a set of types; empty for "any".
pub(super) fn type_names(ty: Ty) -> Vec<&'static str> {
    if ty.0 & Ty::ANY.0 == Ty::ANY.0 {
        return Vec::new();
    }
    [
        (Ty::STRING, "string"),
        (Ty::NUMBER, "number"),
        (Ty::BOOL, "boolean"),
        (Ty::NULL, "null"),
        (Ty::LIST, "array"),
        (Ty::OBJECT, "object"),
    ]
    .iter()
    .filter(|(t, _)| ty.overlaps(*t))
    .map(|(_, n)| *n)
    .collect()
}

fn json_type(value: &Json) -> Ty {
    match value {
        Json::Null => Ty::NULL,
        Json::Bool(_) => Ty::BOOL,
        Json::Number(_) => Ty::NUMBER,
        Json::String(_) => Ty::STRING,
        Json::Array(_) => Ty::LIST,
        Json::Object(_) => Ty::OBJECT,
    }
}

impl Walker<'_> {
    /// The source text of a node, without trailing whitespace or comments.
    pub(super) fn text(&self, node: &Node) -> String {
        let Some(file) = self.program.files.get(node.loc.file as usize) else {
            return String::new();
        };
        let end = crate::format::code_end(&file.text, node.loc.span);
        one_line(file.text.get(node.loc.span.start..end).unwrap_or_default())
    }

    /// The types a node can have; lookups give their table's value types.
    fn types(&self, node: &Node) -> Ty {
        match &node.kind {
            NodeKind::Lookup { table, .. } => match self.program.tables.get(*table) {
                Some(t) => t
                    .index
                    .values()
                    .chain(t.fallback.as_ref())
                    .fold(Ty(0), |ty, v| ty.or(json_type(v))),
                None => Ty::ANY,
            },
            NodeKind::Param(i) => match self.program.params.get(*i).map(|p| p.ty) {
                Some(ParamType::String) => Ty::STRING,
                Some(ParamType::Number) => Ty::NUMBER,
                Some(ParamType::Bool) => Ty::BOOL,
                _ => Ty::ANY,
            },
            _ => infer(node),
        }
    }

    fn block(&mut self, block: &Block) {
        for statement in &block.statements {
            match statement {
                Statement::Let { slot, value } => {
                    let binding = self.binding(value);
                    self.env.insert(*slot, binding);
                }
                Statement::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let text = self.text(condition);
                    self.conditions.push(text.clone());
                    self.block(then);
                    self.conditions.pop();
                    if !otherwise.statements.is_empty() {
                        self.conditions.push(format!("not ({text})"));
                        self.block(otherwise);
                        self.conditions.pop();
                    }
                }
                Statement::Rule(rule) => self.rule(rule),
            }
        }
    }

    /// Binds the element variable of every list function's lambda in
    /// `node` (`map(.items, i => i.sku)`: `i` is `$.items[*]`).
    fn bind_lambdas(&mut self, node: &Node) {
        if let NodeKind::ListCall { list, slot, .. } = &node.kind {
            self.bind_lambdas(list);
            let binding = self.element_binding(list);
            self.env.insert(*slot, binding);
        }
        for child in children(node) {
            self.bind_lambdas(child);
        }
    }

    /// What a `let` or an argument binds: its sources and words.
    pub(super) fn binding(&mut self, value: &Node) -> Binding {
        self.bind_lambdas(value);
        let (paths, exact) = self.sources(value);
        let words = if exact { None } else { Some(self.words(value)) };
        Binding {
            paths,
            exact,
            words,
            elements: self.elements(value),
        }
    }

    /// The paths of a list's elements, when they are known: a path's
    /// `[*]`, or the elements of a list that a filter or sort keeps.
    fn elements(&self, list: &Node) -> Option<Vec<String>> {
        match &list.kind {
            NodeKind::ListCall {
                op: ListOp::Filter | ListOp::SortBy,
                list,
                ..
            } => self.elements(list),
            NodeKind::Call(f, args)
                if matches!(f.name, "sort" | "unique" | "reverse" | "compact") =>
            {
                self.elements(args.first()?)
            }
            NodeKind::Local(slot) => match self.env.get(slot) {
                Some(b) if b.exact => Some(b.paths.iter().map(|p| format!("{p}[*]")).collect()),
                Some(b) => b.elements.clone(),
                None => None,
            },
            _ => match self.sources(list) {
                (paths, true) => Some(paths.iter().map(|p| format!("{p}[*]")).collect()),
                _ => None,
            },
        }
    }

    /// What the element variable of a `for` or a lambda over `list` is.
    fn element_binding(&self, list: &Node) -> Binding {
        match self.elements(list) {
            Some(paths) => Binding {
                paths,
                exact: true,
                words: None,
                elements: None,
            },
            None => Binding {
                paths: self.sources(list).0,
                exact: false,
                words: Some(format!("an element of `{}`", self.text(list))),
                elements: None,
            },
        }
    }

    fn rule(&mut self, rule: &program::Rule) {
        let mut keys = self.prefix.clone();
        keys.extend(rule.target.iter().map(|k| PathKey {
            name: k.to_string(),
            each: false,
        }));
        let (presence, from_policy) = match (&rule.default, rule.absent) {
            (Some(default), _) => (Presence::Default(self.text(default)), false),
            (None, Some(absent)) => (presence_of(absent), false),
            (None, None) => (presence_of(self.program.policy.missing), true),
        };
        self.bind_lambdas(&rule.value);
        let (sources, _) = self.sources(&rule.value);
        let shape = match &rule.value.kind {
            NodeKind::Block(_) | NodeKind::DefCall { .. } => Shape::Object,
            NodeKind::For { .. } => Shape::List,
            _ => Shape::Value,
        };
        let mut ty = self.types(&rule.value);
        if let Some(default) = &rule.default {
            ty = ty.or(self.types(default));
        }
        let mut types = type_names(ty);
        if presence == Presence::Nullable && !types.is_empty() && !types.contains(&"null") {
            types.push("null");
        }
        let lookup = match &rule.value.kind {
            NodeKind::Lookup { table, .. } => {
                self.program.tables.get(*table).map(|t| t.name.clone())
            }
            _ => None,
        };
        let max_length = max_length(&rule.value);
        let mut constraints = Vec::new();
        if let Some(table) = &lookup {
            constraints.push(format!("one of the values of table `{table}`"));
        }
        if let Some(n) = max_length {
            constraints.push(format!("at most {n} characters"));
        }
        let field = Field {
            keys: keys.clone(),
            shape,
            types,
            sources,
            transformation: self.words(&rule.value),
            presence,
            presence_from_policy: from_policy,
            when: rule.when.as_ref().map(|w| self.text(w)),
            conditions: self.conditions.clone(),
            lookup,
            constraints,
            max_length,
        };
        self.fields.push(field);
        self.nested(&rule.value, keys);
    }

    /// The fields inside a block, def or `for` body, under `keys`.
    fn nested(&mut self, value: &Node, mut keys: Vec<PathKey>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        let outer_prefix = std::mem::replace(&mut self.prefix, keys.clone());
        let outer_conditions = std::mem::take(&mut self.conditions);
        self.depth += 1;
        match &value.kind {
            NodeKind::Block(block) => self.block(block),
            NodeKind::DefCall { def, args } => {
                if let Some(def) = self.program.defs.get(*def) {
                    for (slot, arg) in def.params.iter().zip(args) {
                        let binding = self.binding(arg);
                        self.env.insert(*slot, binding);
                    }
                    self.block(&def.body);
                }
            }
            NodeKind::For {
                item,
                index,
                list,
                body,
                ..
            } => {
                if let Some(last) = keys.last_mut() {
                    last.each = true;
                }
                self.prefix = keys;
                let binding = self.element_binding(list);
                self.env.insert(*item, binding);
                if let Some(index) = index {
                    self.env.insert(
                        *index,
                        Binding {
                            paths: Vec::new(),
                            exact: false,
                            words: Some("the position in the list, from 0".into()),
                            elements: None,
                        },
                    );
                }
                self.block(body);
            }
            _ => {}
        }
        self.depth -= 1;
        self.prefix = outer_prefix;
        self.conditions = outer_conditions;
    }

    /// The input paths and parameters a node reads, and whether it is
    /// exactly one path (a copy).
    pub(super) fn sources(&self, node: &Node) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let exact = self.collect(node, &mut out);
        out.dedup();
        (out, exact)
    }

    fn collect(&self, node: &Node, out: &mut Vec<String>) -> bool {
        match &node.kind {
            NodeKind::Root => {
                out.push("$".into());
                true
            }
            NodeKind::Param(i) => {
                if let Some(p) = self.program.params.get(*i) {
                    out.push(format!("${}", p.name));
                }
                true
            }
            NodeKind::Local(slot) => match self.env.get(slot) {
                Some(b) => {
                    out.extend(b.paths.iter().cloned());
                    b.exact
                }
                None => false,
            },
            NodeKind::Get(base, steps) => {
                let mut inner = Vec::new();
                let exact = self.collect(base, &mut inner);
                if exact {
                    let suffix = steps_text(steps);
                    out.extend(inner.into_iter().map(|p| format!("{p}{suffix}")));
                } else {
                    out.extend(inner);
                }
                exact
            }
            NodeKind::Const(_) => false,
            // alternatives: `if c then .a else .b`, `.a ?? .b` read `.a` or
            // `.b`, and a path after them goes on from either
            NodeKind::If(c, t, Some(e)) => {
                let mut alternatives = Vec::new();
                let exact = self.collect(t, &mut alternatives) & self.collect(e, &mut alternatives);
                if !exact {
                    self.collect(c, &mut alternatives);
                }
                for p in alternatives {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
                exact
            }
            NodeKind::Binary(crate::syntax::BinaryOp::Coalesce, l, r) => {
                let mut alternatives = Vec::new();
                let exact = self.collect(l, &mut alternatives) & self.collect(r, &mut alternatives);
                for p in alternatives {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
                exact
            }
            _ => {
                for child in children(node) {
                    let mut inner = Vec::new();
                    self.collect(child, &mut inner);
                    for p in inner {
                        if !out.contains(&p) {
                            out.push(p);
                        }
                    }
                }
                false
            }
        }
    }
}

/// Source text on one line: comments dropped, line breaks (with the
/// indentation around them) turned into one space.
fn one_line(text: &str) -> String {
    let mut without_comments = String::with_capacity(text.len());
    let mut at = 0;
    for (start, comment) in crate::format::comments_at(text) {
        without_comments.push_str(&text[at..start]);
        at = (start + comment.len()).min(text.len());
    }
    without_comments.push_str(&text[at..]);
    let mut out = String::with_capacity(without_comments.len());
    for (i, line) in without_comments.split('\n').enumerate() {
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// `.a.b[0][*]`; keys that are not plain words as `["key"]`.
fn steps_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Field(name) if crate::format::is_plain_key(name) => {
                out.push('.');
                out.push_str(name);
            }
            Step::Field(name) => out.push_str(&format!("[{}]", Json::String(name.to_string()))),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::All => out.push_str("[*]"),
        }
    }
    out
}

/// The direct children of a node (not the statements of blocks).
pub(super) fn children(node: &Node) -> Vec<&Node> {
    match &node.kind {
        NodeKind::Const(_) | NodeKind::Root | NodeKind::Local(_) | NodeKind::Param(_) => Vec::new(),
        NodeKind::Get(base, _) => vec![base],
        NodeKind::List(items) => items.iter().collect(),
        NodeKind::Object(entries) => entries.iter().map(|(_, v)| v).collect(),
        NodeKind::Block(_) => Vec::new(),
        NodeKind::Call(_, args) | NodeKind::DefCall { args, .. } => args.iter().collect(),
        NodeKind::ListCall { list, body, .. } => vec![list, body],
        NodeKind::Lookup { value, .. } => vec![value],
        NodeKind::Neg(x) | NodeKind::Not(x) => vec![x],
        NodeKind::Binary(_, l, r) => vec![l, r],
        NodeKind::If(c, t, e) => {
            let mut v: Vec<&Node> = vec![c, t];
            if let Some(e) = e {
                v.push(e);
            }
            v
        }
        NodeKind::Match {
            subject,
            arms,
            fallback,
        } => {
            let mut v: Vec<&Node> = vec![subject];
            v.extend(arms.iter().map(|(_, n)| n));
            if let Some(f) = fallback {
                v.push(f);
            }
            v
        }
        NodeKind::For { list, filter, .. } => {
            let mut v: Vec<&Node> = vec![list];
            if let Some(f) = filter {
                v.push(f);
            }
            v
        }
    }
}

/// `truncate(x, n)` at the end of a chain limits the length to `n`.
fn max_length(node: &Node) -> Option<u64> {
    let NodeKind::Call(f, args) = &node.kind else {
        return None;
    };
    if f.name != "truncate" {
        return None;
    }
    match args.get(1).map(|a| &a.kind) {
        Some(NodeKind::Const(Json::Number(n))) => n.as_u64(),
        _ => None,
    }
}
