//! Walks the checked program and collects one [`Field`] per target field.

use super::words::Words;
use super::{
    Description, Field, GuardDoc, ParamDoc, PathKey, PolicyDoc, Presence, Shape, TableDoc, TableRow,
};
use crate::check::infer;
use crate::eval::Value;
use crate::json::Value as Json;
use crate::program::{self, Absent, Block, DefBody, Node, NodeKind, ParamType, Program, Statement};
use crate::stdlib::Ty;
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
    /// For each field: the object (top level, block, def or loop body) it
    /// is written in, numbered as met.
    scope_of: Vec<usize>,
    scope: usize,
    scopes: usize,
}

pub(super) fn describe(program: &Program) -> Description {
    let mut walker = Walker {
        program,
        env: HashMap::new(),
        fields: Vec::new(),
        prefix: Vec::new(),
        conditions: Vec::new(),
        depth: 0,
        scope_of: Vec::new(),
        scope: 0,
        scopes: 1,
    };
    walker.block(&program.body);
    let fields = std::mem::take(&mut walker.fields);
    for emit in &program.emits {
        let keys = vec![PathKey {
            name: "emit".into(),
            each: false,
        }];
        walker.nested(&emit.value, keys);
    }
    let emitted = std::mem::take(&mut walker.fields);
    let guards = program
        .guards
        .iter()
        .map(|guard| GuardDoc {
            action: match guard.action {
                program::GuardAction::Reject(_) => "reject",
                program::GuardAction::Skip => "skip",
                program::GuardAction::Keep => "keep",
            },
            reason: match &guard.action {
                program::GuardAction::Reject(reason) => Some(reason.clone()),
                _ => None,
            },
            condition: walker.text(&guard.condition),
            sources: walker.sources(&guard.condition).0,
        })
        .collect();
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
        fields,
        guards,
        emitted,
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
        let Some(value) = table.get(&Value::from_json(key)) else {
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
        supplied: table.supplied.is_some(),
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
    Ty::of_json(value)
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

    /// The comment lines right above `loc`'s line (not `# mapc:`
    /// annotations), joined: a rule's description.
    fn comment_above(&self, loc: crate::program::Loc) -> Option<String> {
        let file = self.program.files.get(loc.file as usize)?;
        let before = file.text.get(..loc.span.start)?;
        let mut lines: Vec<&str> = before.lines().collect();
        // the rule's own line (up to the rule) is not a comment line
        if !before.ends_with('\n') {
            lines.pop();
        }
        let mut comment = Vec::new();
        let mut header = true;
        for line in lines.iter().rev() {
            let Some(text) = line.trim_start().strip_prefix('#') else {
                header = false;
                break;
            };
            let text = text.trim();
            if !text.starts_with("mapc:") {
                comment.push(text);
            }
        }
        // a comment that opens the file describes the file, not the rule
        if header {
            return None;
        }
        comment.reverse();
        let joined = comment.join(" ");
        (!joined.is_empty()).then_some(joined)
    }

    /// The types a node can have; lookups give their table's value types.
    fn types(&self, node: &Node) -> Ty {
        match &node.kind {
            NodeKind::Lookup { table, .. } => match self.program.tables.get(*table) {
                // its values come at apply time
                Some(t) if t.supplied.is_some() => Ty::ANY,
                Some(t) => t
                    .values()
                    .chain(t.fallback.as_ref())
                    .fold(Ty(0), |ty, v| ty.or(json_type(v))),
                None => Ty::ANY,
            },
            // defs do not recurse, so this ends
            NodeKind::DefCall { def, .. } => match self.program.defs.get(*def).map(|d| &d.body) {
                Some(DefBody::Value(value)) => self.types(value),
                _ => infer(node),
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
                Statement::Let { slot, value, .. } => {
                    let binding = self.binding(value);
                    self.env.insert(*slot, binding);
                }
                Statement::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let text = self.text(condition);
                    let start = self.fields.len();
                    self.conditions.push(text.clone());
                    self.block(then);
                    self.conditions.pop();
                    let middle = self.fields.len();
                    if !otherwise.statements.is_empty() {
                        self.conditions.push(format!("not ({text})"));
                        self.block(otherwise);
                        self.conditions.pop();
                    }
                    self.mark_every_branch(start, middle);
                }
                Statement::Rule(rule) => self.rule(rule),
            }
        }
    }

    /// After an `if` whose branches wrote `fields[start..middle]` and
    /// `fields[middle..]`: marks the fields of this object that every branch
    /// writes (`if c { tax = 1 } else { tax = 0 }`), and only those.
    fn mark_every_branch(&mut self, start: usize, middle: usize) {
        let depth = self.conditions.len();
        let scope = self.scope;
        let complete = |fields: &[Field], scopes: &[usize], range: std::ops::Range<usize>| {
            range
                .filter(|&i| scopes[i] == scope)
                .filter(|&i| {
                    let f = &fields[i];
                    f.when.is_none()
                        && !matches!(f.presence, Presence::Optional)
                        && (f.conditions.len() == depth + 1 || f.in_every_branch)
                })
                .map(|i| fields[i].path())
                .collect::<Vec<String>>()
        };
        let end = self.fields.len();
        let then = complete(&self.fields, &self.scope_of, start..middle);
        let otherwise = complete(&self.fields, &self.scope_of, middle..end);
        for i in start..end {
            if self.scope_of[i] != scope {
                continue;
            }
            let f = &self.fields[i];
            let in_branch = f.when.is_none()
                && !matches!(f.presence, Presence::Optional)
                && (f.conditions.len() == depth + 1 || f.in_every_branch);
            let path = f.path();
            let every = in_branch && then.contains(&path) && otherwise.contains(&path);
            self.fields[i].in_every_branch = every;
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
        // a constant or a parameter always has a value (a parameter is
        // bound, or refused, before the first record)
        let always = match &rule.value.kind {
            NodeKind::Const(v) => !v.is_null(),
            NodeKind::Param(_) => true,
            _ => false,
        };
        let (presence, from_policy) = if always && rule.when.is_none() {
            (Presence::Always, false)
        } else {
            (presence, from_policy)
        };
        self.bind_lambdas(&rule.value);
        let (sources, _) = self.sources(&rule.value);
        let shape = match &rule.value.kind {
            NodeKind::Block(_) => Shape::Object,
            NodeKind::DefCall { def, .. } => match self.program.defs.get(*def).map(|d| &d.body) {
                Some(DefBody::Block(_)) => Shape::Object,
                _ => Shape::Value,
            },
            NodeKind::For { .. } => Shape::List,
            _ => Shape::Value,
        };
        let mut ty = self.types(&rule.value);
        if let Some(default) = &rule.default {
            ty = ty.or(self.types(default));
        }
        let mut types = type_names(ty);
        // a constant always has a value: a missing value cannot make it null
        let constant = |n: &Node| matches!(&n.kind, NodeKind::Const(v) if !v.is_null());
        // no value writes null; with `policy null = keep` a source null
        // passes through (functions hand a null first argument on)
        let null_passes = presence == Presence::Nullable || !self.program.policy.null_is_missing;
        if null_passes
            && presence != Presence::Always
            && !constant(&rule.value)
            && !rule
                .default
                .as_ref()
                .is_some_and(|d| constant(d) && self.program.policy.null_is_missing)
            && !types.is_empty()
            && !types.contains(&"null")
        {
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
        let mut limits = crate::json::Map::new();
        if let Some(format) = date_format(&rule.value) {
            limits.insert("format".into(), Json::String(format.into()));
        }
        for constraint in &rule.constraints {
            constraints.push(constraint.text.clone());
            constraint_limits(&constraint.check, &mut limits, &mut types);
        }
        let comment = self.comment_above(rule.loc);
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
            limits,
            comment,
            in_every_branch: false,
            on_conflict: rule.on_conflict.map(|s| s.name()),
            reverse: rule.reverse.clone(),
        };
        self.fields.push(field);
        self.scope_of.push(self.scope);
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
        let outer_scope = self.scope;
        self.scope = self.scopes;
        self.scopes += 1;
        match &value.kind {
            NodeKind::Block(block) => self.block(block),
            NodeKind::DefCall { def, args, .. } => {
                if let Some(def) = self.program.defs.get(*def)
                    && let DefBody::Block(block) = &def.body
                {
                    for (slot, arg) in def.params.iter().zip(args) {
                        let binding = self.binding(arg);
                        self.env.insert(*slot, binding);
                    }
                    self.block(block);
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
        self.scope = outer_scope;
        self.prefix = outer_prefix;
        self.conditions = outer_conditions;
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

/// The JSON Schema format of a value a date built-in gives, when it always
/// gives one.
fn date_format(node: &Node) -> Option<&'static str> {
    let NodeKind::Call(f, args) = &node.kind else {
        return None;
    };
    match f.name {
        "parse_datetime" | "to_zone" | "now" | "from_unix" | "truncate_datetime" => {
            Some("date-time")
        }
        "parse_date" | "today" => Some("date"),
        "format_datetime" => match args.get(1).map(|a| &a.kind) {
            Some(NodeKind::Const(Json::String(f))) if f.starts_with("rfc3339") => Some("date-time"),
            Some(NodeKind::Const(Json::String(f))) if f == "date" => Some("date"),
            _ => None,
        },
        _ => None,
    }
}

/// The JSON Schema keywords a constraint guarantees of every written
/// value (it is checked before the record is written); `is integer`
/// narrows the types.
fn constraint_limits(
    check: &crate::program::Check,
    limits: &mut crate::json::Map<String, Json>,
    types: &mut Vec<&'static str>,
) {
    use crate::program::{Check, TypeCheck};
    match check {
        // lengths count user-perceived characters (grapheme clusters); JSON
        // Schema's count code points, of which a string has at least as
        // many: a minimum carries over, a maximum does not (`e` + an accent
        // is one character and two code points). A byte limit bounds code
        // points too.
        Check::MaxLength(n) => {
            limits.insert("maxItems".into(), Json::from(*n));
        }
        Check::MinLength(n) => {
            limits.insert("minLength".into(), Json::from(*n));
            limits.insert("minItems".into(), Json::from(*n));
        }
        Check::MaxBytes(n) => {
            limits.insert("maxLength".into(), Json::from(*n));
        }
        Check::Matches(re) => {
            limits.insert("pattern".into(), Json::String(re.as_str().to_string()));
        }
        Check::Between(low, high) => {
            for (key, d) in [("minimum", low), ("maximum", high)] {
                if let Ok(n) = crate::json::from_str(&d.to_string()) {
                    limits.insert(key.into(), n);
                }
            }
        }
        Check::OneOf(values) => {
            limits.insert("enum".into(), Json::Array(values.clone()));
        }
        Check::Is(TypeCheck::Integer) => {
            for t in types.iter_mut() {
                if *t == "number" {
                    *t = "integer";
                }
            }
            if types.is_empty() {
                types.push("integer");
            }
        }
        Check::Is(TypeCheck::Date) => {
            limits.insert("format".into(), Json::String("date".into()));
        }
        Check::Is(TypeCheck::DateTime) => {
            limits.insert("format".into(), Json::String("date-time".into()));
        }
        Check::Is(_) => {}
    }
}
