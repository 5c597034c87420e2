//! pest pairs → [`Ast`]. Keyword pairs carry no data and are skipped.

use super::ast::*;
use super::errors::syntax_error;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use serde_json::Value as Json;
use std::sync::{Arc, LazyLock};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/mapc.pest"]
pub(crate) struct MapcParser;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::coalesce, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::pipe, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left)
            | Op::infix(Rule::div, Assoc::Left)
            | Op::infix(Rule::rem, Assoc::Left))
        .op(Op::prefix(Rule::neg))
});

pub(crate) fn parse_file(file: &Arc<SourceFile>) -> (Ast, Vec<Diagnostic>) {
    let text = file.text.as_str();
    let mut ast = Ast::default();
    let mut diagnostics = Vec::new();
    let mut pos = skip_trivia(text, 0);
    // where the last item that parsed starts and ends, if it is the last
    // in the tree
    let mut last_item = None;
    while pos < text.len() {
        match MapcParser::parse(Rule::item, &text[pos..]) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                let mut builder = Builder {
                    file,
                    base: pos,
                    diagnostics: &mut diagnostics,
                    depth: 0,
                    too_deep: false,
                };
                last_item = None;
                if let Some(item) = builder.item(pair) {
                    ast.items.push(item);
                    last_item = Some((pos, end));
                }
                pos = skip_trivia(text, end.max(pos + 1));
            }
            Err(error) => {
                let (mut diagnostic, at) = syntax_error(file, pos, &error);
                // an item that fails at once on the line where the previous
                // one ended means the previous one stopped short (`b = f` of
                // `b = f(x =>)`): drop it rather than check half an item
                if at == pos
                    && let Some((start, end)) = last_item
                    && !text[end..pos].contains('\n')
                {
                    let dropped = ast.items.pop();
                    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
                    let taken = text[line_start..pos].trim();
                    let at_equals = text[pos..].starts_with('=');
                    if at_equals && let Some(Item::Param(param)) = dropped {
                        diagnostic = Diagnostic::error(
                            Code::Syntax,
                            format!("the default of parameter `{}` is not a constant", param.name.name),
                        )
                        .with_label(file, Span::new(pos, pos + 1), "")
                        .with_help(
                            "a default is a string, number, boolean, null, list or object written out",
                        );
                    } else if at_equals && start < line_start && !taken.is_empty() {
                        // `a = .x +` then `b = .y`: the previous item took `b`
                        diagnostic = diagnostic.with_help(format!(
                            "is the line before unfinished? `{taken}` was read as the end of it"
                        ));
                    }
                }
                diagnostics.push(diagnostic);
                last_item = None;
                pos = resume_at(text, at);
            }
        }
    }
    (ast, diagnostics)
}

/// Skips whitespace and comments.
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                pos = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
            }
            _ => break,
        }
    }
    pos
}

/// After a syntax error at `at`: the next line that starts, in its first
/// column, something that can begin an item.
fn resume_at(text: &str, at: usize) -> usize {
    let mut line_start = text[at.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| at + i + 1);
    while line_start < text.len() {
        let first = text[line_start..].chars().next().unwrap_or(' ');
        if first.is_alphabetic() || first == '_' || first == '"' {
            return line_start;
        }
        line_start = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
    }
    text.len()
}

fn is_keyword_rule(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_csv
            | Rule::kw_max_length
            | Rule::kw_min_length
            | Rule::kw_matches
            | Rule::kw_between
            | Rule::kw_one_of
            | Rule::kw_is
            | Rule::kw_def
            | Rule::kw_default
            | Rule::kw_else
            | Rule::kw_for
            | Rule::kw_from
            | Rule::kw_if
            | Rule::kw_import
            | Rule::kw_in
            | Rule::kw_key
            | Rule::kw_let
            | Rule::kw_match
            | Rule::kw_param
            | Rule::kw_policy
            | Rule::kw_table
            | Rule::kw_then
            | Rule::kw_value
            | Rule::kw_when
            | Rule::kw_where
            | Rule::arrow
    )
}

/// The children of a pair that carry data (keywords skipped).
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword_rule(p.as_rule()))
}

struct Builder<'f, 'd> {
    file: &'f Arc<SourceFile>,
    base: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// Operators and brackets around the expression being built.
    depth: usize,
    /// The item already has a "nested too deeply" error.
    too_deep: bool,
}

/// How deeply an expression may nest (operators and brackets along one
/// path of the tree): the checker and the evaluator recurse on the tree,
/// and a much deeper one would overflow the stack.
const MAX_DEPTH: usize = 100;

impl Builder<'_, '_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let start = self.base + s.start();
        let end = trim_trivia_end(&self.file.text, start, self.base + s.end());
        Span::new(start, end)
    }

    fn error(&mut self, code: Code, span: Span, message: String, label: &str) {
        let diagnostic = Diagnostic::error(code, message).with_label(self.file, span, label);
        self.diagnostics.push(diagnostic);
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let inner = children(pair).next()?;
        Some(match inner.as_rule() {
            Rule::import => Item::Import(self.import(inner)),
            Rule::param => Item::Param(self.param(inner)),
            Rule::policy => {
                let span = self.span(&inner);
                let mut it = children(inner);
                let name = self.ident(it.next()?);
                let value = self.ident(it.next()?);
                Item::Policy(Policy { name, value, span })
            }
            Rule::table => Item::Table(self.table(inner)),
            Rule::def => Item::Def(self.def(inner)),
            _ => Item::Statement(self.statement(inner)?),
        })
    }

    fn import(&mut self, pair: Pair<'_, Rule>) -> Import {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut path = None;
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => names.push(self.ident(child)),
                _ => path = Some(self.text(child)),
            }
        }
        Import {
            names,
            path: path.unwrap_or_else(|| Text {
                value: String::new(),
                span,
            }),
            span,
        }
    }

    fn param(&mut self, pair: Pair<'_, Rule>) -> Param {
        let span = self.span(&pair);
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => name = Some(self.ident(child)),
                Rule::type_name => ty = Some(self.ident(child)),
                _ => default = Some(self.constant(child)),
            }
        }
        Param {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span,
            }),
            ty,
            default,
            span,
        }
    }

    fn table(&mut self, pair: Pair<'_, Rule>) -> Table {
        let span = self.span(&pair);
        let mut table = Table {
            name: Ident {
                name: String::new(),
                span,
            },
            options: Vec::new(),
            csv: None,
            entries: Vec::new(),
            span,
        };
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => table.name = self.ident(child),
                Rule::table_options => {
                    table.options = children(child).map(|p| self.ident(p)).collect()
                }
                Rule::table_csv => {
                    let csv_span = self.span(&child);
                    let mut texts = children(child).map(|p| self.text(p));
                    if let (Some(path), Some(key), Some(value)) =
                        (texts.next(), texts.next(), texts.next())
                    {
                        table.csv = Some(CsvSource {
                            path,
                            key,
                            value,
                            span: csv_span,
                        });
                    }
                }
                _ => {
                    for entry in children(child) {
                        let entry_span = self.span(&entry);
                        let mut constants: Vec<Constant> = Vec::new();
                        for part in children(entry) {
                            if part.as_rule() != Rule::wildcard {
                                constants.push(self.constant(part));
                            }
                        }
                        if let Some(value) = constants.pop() {
                            table.entries.push(TableEntry {
                                keys: constants,
                                value,
                                span: entry_span,
                            });
                        }
                    }
                }
            }
        }
        table
    }

    fn def(&mut self, pair: Pair<'_, Rule>) -> Def {
        let span = self.span(&pair);
        let mut idents = Vec::new();
        let mut body = Block {
            statements: Vec::new(),
            span,
        };
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => idents.push(self.ident(child)),
                _ => body = self.block(child),
            }
        }
        let name = if idents.is_empty() {
            Ident {
                name: String::new(),
                span,
            }
        } else {
            idents.remove(0)
        };
        Def {
            name,
            params: idents,
            body,
            span,
        }
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let statements = children(pair).filter_map(|p| self.statement(p)).collect();
        Block { statements, span }
    }

    fn statement(&mut self, pair: Pair<'_, Rule>) -> Option<Statement> {
        let span = self.span(&pair);
        Some(match pair.as_rule() {
            Rule::let_stmt => {
                let mut it = children(pair);
                let name = self.ident(it.next()?);
                let value = self.expr(it.next()?);
                Statement::Let(Let { name, value, span })
            }
            Rule::if_stmt => Statement::If(self.if_statement(pair)?),
            Rule::rule => Statement::Rule(self.rule(pair)?),
            _ => return None,
        })
    }

    fn if_statement(&mut self, pair: Pair<'_, Rule>) -> Option<IfStatement> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let condition = self.expr(it.next()?);
        let then = self.block(it.next()?);
        let otherwise = match it.next() {
            None => None,
            Some(p) if p.as_rule() == Rule::if_stmt => {
                Some(Else::If(Box::new(self.if_statement(p)?)))
            }
            Some(p) => Some(Else::Block(self.block(p))),
        };
        Some(IfStatement {
            condition,
            then,
            otherwise,
            span,
        })
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Option<Rule_> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let target_pair = it.next()?;
        let target_span = self.span(&target_pair);
        let keys = children(target_pair)
            .map(|key| {
                let key_span = self.span(&key);
                let inner = key.into_inner().next();
                let name = match inner {
                    Some(p) if p.as_rule() == Rule::string => self.string_value(p),
                    Some(p) => p.as_str().to_string(),
                    None => String::new(),
                };
                Ident {
                    name,
                    span: key_span,
                }
            })
            .collect();
        let value = self.expr(it.next()?);
        let mut options = Vec::new();
        for option in it {
            let option_span = self.span(&option);
            options.push(match option.as_rule() {
                Rule::required => RuleOption::Required(option_span),
                Rule::optional => RuleOption::Optional(option_span),
                Rule::nullable => RuleOption::Nullable(option_span),
                Rule::default => RuleOption::Default(self.expr(children(option).next()?)),
                Rule::constraint => RuleOption::Constraint(self.constraint(option)?),
                _ => RuleOption::When(self.expr(children(option).next()?)),
            });
        }
        Some(Rule_ {
            target: Target {
                keys,
                span: target_span,
            },
            value,
            options,
            span,
        })
    }

    fn text(&mut self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        Text {
            value: self.string_value(pair),
            span,
        }
    }

    /// The unescaped value of a `string` pair.
    fn string_value(&mut self, pair: Pair<'_, Rule>) -> String {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        match unescape(raw) {
            Ok(s) => s,
            Err((offset, message)) => {
                // +1 for the opening quote
                let at = span.start + 1 + offset;
                let len = raw[offset..]
                    .chars()
                    .take(2)
                    .map(char::len_utf8)
                    .sum::<usize>();
                self.error(Code::InvalidEscape, Span::new(at, at + len), message, "");
                String::new()
            }
        }
    }

    /// `max_length 80`, `matches "..."`, `between 0 and 100`, ...
    fn constraint(&mut self, pair: Pair<'_, Rule>) -> Option<Constraint> {
        let span = self.span(&pair);
        let inner = children(pair).next()?;
        let which = inner.as_rule();
        let mut parts = children(inner).filter(|p| p.as_rule() != Rule::and);
        let mut next = || parts.next();
        let kind = match which {
            Rule::max_length => ConstraintKind::MaxLength(next()?.as_str().to_string()),
            Rule::min_length => ConstraintKind::MinLength(next()?.as_str().to_string()),
            Rule::pattern => {
                let pattern = next()?;
                ConstraintKind::Matches(self.string_value(pattern))
            }
            Rule::between => {
                let (low, high) = (next()?, next()?);
                ConstraintKind::Between(low.as_str().to_string(), high.as_str().to_string())
            }
            Rule::one_of => {
                let list = next()?;
                ConstraintKind::OneOf(self.constant(list))
            }
            _ => {
                let word = next()?;
                ConstraintKind::Is(Ident {
                    name: word.as_str().to_string(),
                    span: self.span(&word),
                })
            }
        };
        Some(Constraint { kind, span })
    }

    fn constant(&mut self, pair: Pair<'_, Rule>) -> Constant {
        let span = self.span(&pair);
        let value = match pair.as_rule() {
            Rule::constant_list => {
                Json::Array(children(pair).map(|p| self.constant(p).value).collect())
            }
            Rule::constant_object => {
                let mut map = serde_json::Map::new();
                for entry in children(pair) {
                    let mut it = children(entry);
                    let (Some(key), Some(value)) = (it.next(), it.next()) else {
                        continue;
                    };
                    let key = self.key(key);
                    map.insert(key, self.constant(value).value);
                }
                Json::Object(map)
            }
            _ => self.scalar(pair),
        };
        Constant { value, span }
    }

    fn key(&mut self, pair: Pair<'_, Rule>) -> String {
        match pair.as_rule() {
            Rule::string => self.string_value(pair),
            _ => pair.as_str().to_string(),
        }
    }

    fn scalar(&mut self, pair: Pair<'_, Rule>) -> Json {
        match pair.as_rule() {
            Rule::string => Json::String(self.string_value(pair)),
            Rule::true_lit => Json::Bool(true),
            Rule::false_lit => Json::Bool(false),
            Rule::null_lit => Json::Null,
            _ => {
                let span = self.span(&pair);
                match pair.as_str().parse::<serde_json::Number>() {
                    Ok(n) => Json::Number(n),
                    Err(_) => {
                        self.error(
                            Code::InvalidNumber,
                            span,
                            format!("invalid number `{}`", pair.as_str()),
                            "not a JSON number",
                        );
                        Json::Null
                    }
                }
            }
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let pairs = pair.into_inner();
        let operators = pairs.clone().filter(|p| p.as_rule() != Rule::term).count();
        self.depth += operators + 1;
        let expr = if self.depth > MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                let diagnostic = Diagnostic::error(
                    Code::Limit,
                    format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                )
                .with_label(self.file, span, "")
                .with_help("split it with `let` bindings");
                self.diagnostics.push(diagnostic);
            }
            Expr {
                kind: ExprKind::Literal(Json::Null),
                span,
            }
        } else {
            self.pratt(pairs)
        };
        self.depth -= operators + 1;
        expr
    }

    fn pratt(&mut self, pairs: Pairs<'_, Rule>) -> Expr {
        // the pratt parser's closures each need the builder; a RefCell keeps
        // the borrow checker satisfied without cloning the builder
        let this = std::cell::RefCell::new(self);
        PRATT
            .map_primary(|p| this.borrow_mut().term(p))
            .map_prefix(|op, rhs| {
                let b = this.borrow();
                let span = b.span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::neg {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Not
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::pipe => {
                        return Expr {
                            kind: ExprKind::Pipe(Box::new(lhs), Box::new(rhs)),
                            span,
                        };
                    }
                    Rule::coalesce => BinaryOp::Coalesce,
                    Rule::or => BinaryOp::Or,
                    Rule::and => BinaryOp::And,
                    Rule::eq => BinaryOp::Eq,
                    Rule::ne => BinaryOp::Ne,
                    Rule::lt => BinaryOp::Lt,
                    Rule::le => BinaryOp::Le,
                    Rule::gt => BinaryOp::Gt,
                    Rule::ge => BinaryOp::Ge,
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    _ => BinaryOp::Rem,
                };
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pairs)
    }

    /// `term = atom accessor*`
    fn term(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let mut it = pair.into_inner();
        let Some(atom) = it.next() else {
            return Expr {
                kind: ExprKind::Literal(Json::Null),
                span: Span::default(),
            };
        };
        let mut expr = self.atom(atom);
        for accessor in it {
            let span = expr.span.to(self.span(&accessor));
            let accessor = self.accessor(accessor);
            expr = Expr {
                kind: ExprKind::Access(Box::new(expr), accessor),
                span,
            };
        }
        expr
    }

    fn accessor(&mut self, pair: Pair<'_, Rule>) -> Accessor {
        let Some(inner) = pair.into_inner().next() else {
            return Accessor::All;
        };
        match inner.as_rule() {
            Rule::field => self.field(inner),
            _ => {
                let Some(index) = inner.into_inner().next() else {
                    return Accessor::All;
                };
                let span = self.span(&index);
                match index.as_rule() {
                    Rule::all => Accessor::All,
                    Rule::string => Accessor::Field(self.string_value(index)),
                    _ => match index.as_str().parse::<i64>() {
                        Ok(i) => Accessor::Index(i),
                        Err(_) => {
                            self.error(
                                Code::InvalidNumber,
                                span,
                                format!("index `{}` is out of range", index.as_str()),
                                "",
                            );
                            Accessor::Index(0)
                        }
                    },
                }
            }
        }
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Accessor {
        let Some(name) = pair.into_inner().next() else {
            return Accessor::All;
        };
        Accessor::Field(self.key(name))
    }

    fn atom(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let Some(inner) = children(pair).next() else {
            return Expr {
                kind: ExprKind::Literal(Json::Null),
                span,
            };
        };
        let span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::root => match inner.into_inner().next() {
                None => ExprKind::Root,
                Some(field) => {
                    let root_span = Span::new(span.start, span.start + 1);
                    let accessor = self.field(field);
                    ExprKind::Access(
                        Box::new(Expr {
                            kind: ExprKind::Root,
                            span: root_span,
                        }),
                        accessor,
                    )
                }
            },
            Rule::param_ref => ExprKind::Param(inner.as_str()[1..].to_string()),
            Rule::variable => ExprKind::Variable(inner.as_str().to_string()),
            Rule::group => {
                let Some(e) = inner.into_inner().next() else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                ExprKind::Group(Box::new(self.expr(e)))
            }
            Rule::list => ExprKind::List(inner.into_inner().map(|p| self.expr(p)).collect()),
            Rule::object => {
                let mut entries = Vec::new();
                for entry in inner.into_inner() {
                    let mut it = entry.into_inner();
                    let (Some(key), Some(value)) = (it.next(), it.next()) else {
                        continue;
                    };
                    let key_span = self.span(&key);
                    let name = self.key(key);
                    entries.push((
                        Ident {
                            name,
                            span: key_span,
                        },
                        self.expr(value),
                    ));
                }
                ExprKind::Object(entries)
            }
            Rule::block => ExprKind::Block(self.block(inner)),
            Rule::call => {
                let mut it = inner.into_inner();
                let name = match it.next() {
                    Some(p) => self.ident(p),
                    None => Ident {
                        name: String::new(),
                        span,
                    },
                };
                let args = it.map(|a| self.argument(a)).collect();
                ExprKind::Call(name, args)
            }
            Rule::if_expr => {
                let mut it = children(inner);
                let (Some(c), Some(t)) = (it.next(), it.next()) else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                let condition = self.expr(c);
                let then = self.expr(t);
                let otherwise = it.next().map(|e| Box::new(self.expr(e)));
                ExprKind::If(Box::new(condition), Box::new(then), otherwise)
            }
            Rule::match_expr => {
                let mut it = children(inner);
                let Some(subject) = it.next() else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                let subject = self.expr(subject);
                let mut arms = Vec::new();
                for arm in it {
                    let arm_span = self.span(&arm);
                    let mut patterns = Vec::new();
                    let mut value = None;
                    for part in arm.into_inner() {
                        match part.as_rule() {
                            Rule::wildcard | Rule::arrow => {}
                            Rule::expr => value = Some(self.expr(part)),
                            _ => patterns.push(self.constant(part)),
                        }
                    }
                    if let Some(value) = value {
                        arms.push(MatchArm {
                            patterns,
                            value,
                            span: arm_span,
                        });
                    }
                }
                ExprKind::Match(Box::new(subject), arms)
            }
            Rule::for_expr => {
                let mut idents = Vec::new();
                let mut exprs = Vec::new();
                let mut body = None;
                for part in children(inner) {
                    match part.as_rule() {
                        Rule::ident => idents.push(self.ident(part)),
                        Rule::expr => exprs.push(self.expr(part)),
                        _ => body = Some(self.block(part)),
                    }
                }
                let mut idents = idents.into_iter();
                let mut exprs = exprs.into_iter();
                let (Some(item), Some(list), Some(body)) = (idents.next(), exprs.next(), body)
                else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                ExprKind::For(Box::new(ForLoop {
                    item,
                    index: idents.next(),
                    list,
                    filter: exprs.next(),
                    body,
                }))
            }
            _ => ExprKind::Literal(self.scalar(inner)),
        };
        Expr { kind, span }
    }

    fn argument(&mut self, pair: Pair<'_, Rule>) -> Argument {
        let span = self.span(&pair);
        let mut name = None;
        let mut value = ArgumentValue::Expr(Expr {
            kind: ExprKind::Literal(Json::Null),
            span,
        });
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::named => {
                    if let Some(word) = part.into_inner().next() {
                        name = Some(self.ident(word));
                    }
                }
                Rule::lambda => {
                    let mut it = part.into_inner();
                    if let (Some(param), Some(body)) = (it.next(), it.next()) {
                        let param = self.ident(param);
                        value = ArgumentValue::Lambda(param, self.expr(body));
                    }
                }
                _ => value = ArgumentValue::Expr(self.expr(part)),
            }
        }
        Argument { name, value, span }
    }
}

// `Rule` (the grammar's rule enum) and `Rule` (a mapping rule) collide here.
use super::ast::Rule as Rule_;

/// Unescapes the body of a string literal. On failure: the byte offset of the
/// bad escape and a message.
fn unescape(raw: &str) -> Result<String, (usize, String)> {
    if !raw.contains('\\') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err((i, "unfinished escape".to_string()));
        };
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let mut hex = String::new();
                if chars.peek().map(|(_, c)| *c) == Some('{') {
                    chars.next();
                    for (_, h) in chars.by_ref() {
                        if h == '}' {
                            break;
                        }
                        hex.push(h);
                    }
                } else {
                    for _ in 0..4 {
                        if let Some((_, h)) = chars.next() {
                            hex.push(h);
                        }
                    }
                }
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                match ch {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err((i, format!("`\\u{{{hex}}}` is not a Unicode scalar value")));
                    }
                }
            }
            other => {
                return Err((
                    i,
                    format!(
                        "unknown escape `\\{other}`; the escapes are \\\" \\\\ \\/ \\n \\r \\t \\u{{...}}"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// pest's span of a rule that ends in an optional or repeated part includes
/// the whitespace and comments it skipped looking for that part; cut them
/// off, so that underlines end where the code ends.
fn trim_trivia_end(text: &str, start: usize, mut end: usize) -> usize {
    loop {
        let trimmed = text[start..end].trim_end();
        end = start + trimmed.len();
        // a comment runs to the end of its line: look for a `#` outside a
        // string on the last line (strings do not span lines)
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let Some(hash) = comment_start(&trimmed[line_start..]) else {
            return end;
        };
        end = start + line_start + hash;
    }
}

/// The byte offset of a `#` that starts a comment in one line of code.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod span_tests {
    use super::trim_trivia_end;

    #[test]
    fn trailing_comments_and_space_are_not_code() {
        let text = "a = if .x then 1   # c\nb = 2";
        assert_eq!(trim_trivia_end(text, 4, 23), 16);
        let text = "a = \"x # y\"  # z\n";
        assert_eq!(
            &text[..trim_trivia_end(text, 0, text.len())],
            "a = \"x # y\""
        );
        let text = "a = 1 # one\n  # two\n";
        assert_eq!(&text[..trim_trivia_end(text, 0, text.len())], "a = 1");
    }
}
