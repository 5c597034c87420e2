//! The syntax tree of a mapping file, as the author wrote it.
//!
//! Every node carries a byte-offset [`Span`]; line and column are computed
//! only when a diagnostic is rendered. Nothing here is resolved yet: names
//! are strings, pipes are still pipes, so tools such as the formatter can
//! print the file back as written.

use crate::json::Value as Json;
pub use crate::span::Span;

/// A parsed mapping file.
#[derive(Clone, Debug, Default)]
pub struct Ast {
    /// The top-level items, in source order.
    pub items: Vec<Item>,
}

/// A name the author wrote, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A string literal that is part of a declaration (a file path, a column).
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The unescaped text.
    pub value: String,
    /// Where it is, quotes included.
    pub span: Span,
}

/// A top-level item.
#[derive(Clone, Debug)]
pub enum Item {
    /// `import a, b from "file.map"`
    Import(Import),
    /// `param tenant: string = "x"`
    Param(Param),
    /// `policy missing = omit`
    Policy(Policy),
    /// `table name { ... }` or `table name from csv ...`
    Table(Table),
    /// `def address(a) { ... }`
    Def(Def),
    /// A statement of the top-level output object.
    Statement(Statement),
    /// `reject "reason" if cond`, `skip if cond`, `keep if cond`
    Guard(Guard),
    /// `emit for line in .lines { ... }`
    Emit(Emit),
}

/// A record-level guard: decides, before any rule runs, whether the record
/// is mapped at all.
#[derive(Clone, Debug)]
pub struct Guard {
    /// What happens when the condition holds (or, for `keep`, fails).
    pub action: GuardAction,
    /// The condition.
    pub condition: Expr,
    /// The whole item.
    pub span: Span,
}

/// What a [`Guard`] does.
#[derive(Clone, Debug)]
pub enum GuardAction {
    /// `reject "reason" if cond`: the record fails, with the reason.
    Reject(Text),
    /// `skip if cond`: the record is left out, and counted as skipped.
    Skip,
    /// `keep if cond`: the record is left out unless the condition holds.
    Keep,
}

/// `emit expr`: more target records from one input record, each object of
/// the value (a `for` over line items, say) one record.
#[derive(Clone, Debug)]
pub struct Emit {
    /// An object, or a list of objects.
    pub value: Expr,
    /// The whole item.
    pub span: Span,
}

/// `import status_codes, address from "common.map"`
#[derive(Clone, Debug)]
pub struct Import {
    /// The imported tables and defs.
    pub names: Vec<Ident>,
    /// The file, relative to the importing mapping.
    pub path: Text,
    /// The whole item.
    pub span: Span,
}

/// `param tenant_id: string = "acme"`
#[derive(Clone, Debug)]
pub struct Param {
    /// The parameter's name (used as `$name`).
    pub name: Ident,
    /// The declared type, if any.
    pub ty: Option<Ident>,
    /// The value used when none is supplied at apply time.
    pub default: Option<Constant>,
    /// The whole item.
    pub span: Span,
}

/// `policy missing = omit`
#[derive(Clone, Debug)]
pub struct Policy {
    /// Which policy.
    pub name: Ident,
    /// Its value.
    pub value: Ident,
    /// The whole item.
    pub span: Span,
}

/// A lookup table.
#[derive(Clone, Debug)]
pub struct Table {
    /// The table's name.
    pub name: Ident,
    /// Options in parentheses, such as `ignore_case`.
    pub options: Vec<Ident>,
    /// Entries loaded from a CSV file.
    pub csv: Option<CsvSource>,
    /// Entries written inline (after the CSV ones, if both).
    pub entries: Vec<TableEntry>,
    /// The whole item.
    pub span: Span,
}

/// `from csv "file.csv" key "code" value "name"`
#[derive(Clone, Debug)]
pub struct CsvSource {
    /// The file, relative to the mapping.
    pub path: Text,
    /// The key column's header.
    pub key: Text,
    /// The value column's header.
    pub value: Text,
    /// The whole clause.
    pub span: Span,
}

/// `"a", "b" => "X"` or `_ => "fallback"`
#[derive(Clone, Debug)]
pub struct TableEntry {
    /// The keys; empty for the `_` fallback.
    pub keys: Vec<Constant>,
    /// The value.
    pub value: Constant,
    /// The whole entry.
    pub span: Span,
}

/// A constant JSON value written in the mapping.
#[derive(Clone, Debug)]
pub struct Constant {
    /// The value.
    pub value: Json,
    /// Where it is.
    pub span: Span,
}

/// `def address(a) { street = a.line1 }`: a reusable sub-mapping, or
/// `def clean(s) = s | trim`: a reusable value.
#[derive(Clone, Debug)]
pub struct Def {
    /// Its name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<Ident>,
    /// What a call gives.
    pub body: DefBody,
    /// The whole item.
    pub span: Span,
}

/// What a call of a def gives.
#[derive(Clone, Debug)]
pub enum DefBody {
    /// `{ rules }`: the object the block builds.
    Block(Block),
    /// `= expr`: the value of the expression.
    Value(Expr),
}

/// `{ statements }`: builds one object.
#[derive(Clone, Debug)]
pub struct Block {
    /// The statements, in order.
    pub statements: Vec<Statement>,
    /// The braces and all between.
    pub span: Span,
}

/// A statement inside a block or at the top level.
#[derive(Clone, Debug)]
pub enum Statement {
    /// `let name = expr`
    Let(Let),
    /// `if cond { ... } else { ... }`
    If(IfStatement),
    /// `target = expr options`
    Rule(Rule),
}

/// `let name = expr`
#[derive(Clone, Debug)]
pub struct Let {
    /// The bound name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
    /// The whole statement.
    pub span: Span,
}

/// `if cond { ... } else if ... else { ... }` around rules.
#[derive(Clone, Debug)]
pub struct IfStatement {
    /// The condition.
    pub condition: Expr,
    /// Rules written when it holds.
    pub then: Block,
    /// Rules written otherwise.
    pub otherwise: Option<Else>,
    /// The whole statement.
    pub span: Span,
}

/// The `else` part of an [`IfStatement`].
#[derive(Clone, Debug)]
pub enum Else {
    /// `else if ...`
    If(Box<IfStatement>),
    /// `else { ... }`
    Block(Block),
}

/// One row of the mapping table: `target = expr options`.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Where the value goes.
    pub target: Target,
    /// Where it comes from and how it is transformed.
    pub value: Expr,
    /// `required`, `default ...`, `when ...` and so on.
    pub options: Vec<RuleOption>,
    /// The whole rule.
    pub span: Span,
}

/// A target path: `billing.address.city`, `"Lead Source"`.
#[derive(Clone, Debug)]
pub struct Target {
    /// The keys, outermost first.
    pub keys: Vec<Ident>,
    /// The whole path.
    pub span: Span,
}

impl Target {
    /// The path as written, keys joined with dots.
    pub fn dotted(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// What a rule does when its value is missing, and when it applies.
#[derive(Clone, Debug)]
pub enum RuleOption {
    /// No value is an error.
    Required(Span),
    /// No value omits the field.
    Optional(Span),
    /// No value writes `null`.
    Nullable(Span),
    /// No value writes this instead.
    Default(Expr),
    /// The field is written only when this holds.
    When(Expr),
    /// The written value must meet this, or the record fails.
    Constraint(Constraint),
    /// `on_conflict target|source|reject`: what `apply --reverse
    /// --previous` does with the field when it changed on both sides since
    /// the last sync (the checker knows the strategies).
    OnConflict(Ident),
    /// `reverse { rules }`: the author's reverse of the rule, over the
    /// derived one. Its rules write source paths and read the target
    /// record from its root.
    Reverse(Block),
    /// `key FIELD` on a `for` rule: a target element written back is
    /// paired with the original's element by this element field, not by
    /// position.
    Key(Target),
}

/// A constraint on a rule's written value: `max_length 80`.
#[derive(Clone, Debug)]
pub struct Constraint {
    /// Which constraint, with its limits.
    pub kind: ConstraintKind,
    /// The whole option.
    pub span: Span,
}

/// The constraints a target field can state.
#[derive(Clone, Debug)]
pub enum ConstraintKind {
    /// `max_length N`: at most N user-perceived characters (string) or
    /// elements (list).
    MaxLength(String),
    /// `min_length N`: at least N characters or elements.
    MinLength(String),
    /// `max_bytes N`: a string of at most N bytes of UTF-8.
    MaxBytes(String),
    /// `matches "regex"`: the string matches (anchor with `^...$`).
    Matches(String),
    /// `between A and B`: a number from A to B inclusive (as written).
    Between(String, String),
    /// `one_of [...]`: equal to one of the constants.
    OneOf(Constant),
    /// `is TYPE`: string, number, integer, whole, bool (or boolean), list,
    /// object, date, datetime.
    Is(Ident),
}

/// An expression.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of [`Expr`].
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A string, number, bool or null.
    Literal(Json),
    /// `.`: the input record.
    Root,
    /// `$name`: a parameter.
    Param(String),
    /// A `let`, loop, def or lambda variable.
    Variable(String),
    /// `base.field`, `base[0]`, `base[*]`.
    Access(Box<Expr>, Accessor),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{ "key": expr }`
    Object(Vec<(Ident, Expr)>),
    /// `{ rules }`: a nested target object.
    Block(Block),
    /// `name(args)`: a built-in function or a def.
    Call(Ident, Vec<Argument>),
    /// `value | function(args)`
    Pipe(Box<Expr>, Box<Expr>),
    /// `-x`, `not x`
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `a == b`, `a ?? b`, `a catch b`, ...
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `if cond then a else b`
    If(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    /// `match subject { patterns => value }`
    Match(Box<Expr>, Vec<MatchArm>),
    /// `for item, index in list where cond { rules }`
    For(Box<ForLoop>),
    /// `(expr)`
    Group(Box<Expr>),
}

/// How a value is read from a container.
#[derive(Clone, Debug, PartialEq)]
pub enum Accessor {
    /// `.name` or `."quoted name"`
    Field(String),
    /// `[2]`, `[-1]` (from the end)
    Index(i64),
    /// `[*]`: every element
    All,
}

/// One argument of a call.
#[derive(Clone, Debug)]
pub struct Argument {
    /// `name:` when given by name.
    pub name: Option<Ident>,
    /// The value.
    pub value: ArgumentValue,
    /// The whole argument.
    pub span: Span,
}

/// An argument's value: an expression, or a lambda for list functions.
#[derive(Clone, Debug)]
pub enum ArgumentValue {
    /// An ordinary value.
    Expr(Expr),
    /// `item => expr`
    Lambda(Ident, Expr),
}

/// `"a", "b" => value` or `_ => value`
#[derive(Clone, Debug)]
pub struct MatchArm {
    /// The patterns; empty for `_`.
    pub patterns: Vec<Constant>,
    /// The value when one matches.
    pub value: Expr,
    /// The whole arm.
    pub span: Span,
}

/// `for item, index in list where cond { rules }`
#[derive(Clone, Debug)]
pub struct ForLoop {
    /// The element variable.
    pub item: Ident,
    /// The 0-based index variable, if any.
    pub index: Option<Ident>,
    /// The list.
    pub list: Expr,
    /// Elements for which this does not hold are skipped.
    pub filter: Option<Expr>,
    /// The object built for each element.
    pub body: Block,
}

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `not`
    Not,
}

/// An infix operator (except `|`, which is [`ExprKind::Pipe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `catch`: the right side when the left raises an error
    Catch,
    /// `??`
    Coalesce,
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Catch => "catch",
            BinaryOp::Coalesce => "??",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
        }
    }
}

/// Something directly inside an expression, for walkers.
#[derive(Clone, Copy, Debug)]
pub enum Child<'a> {
    /// A sub-expression.
    Expr(&'a Expr),
    /// A block of statements (a nested target block, a `for` body).
    Block(&'a Block),
}

impl Expr {
    /// Calls `visit` with every expression and block directly inside this
    /// one, in source order: call arguments and lambda bodies, a `for`'s
    /// list, filter and body, and so on. A walker handles the kinds that
    /// bind names (`for`, lambdas) itself when scoping matters, and leaves
    /// the rest to this.
    pub fn for_each_child<'a>(&'a self, mut visit: impl FnMut(Child<'a>)) {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::Root | ExprKind::Param(_) | ExprKind::Variable(_) => {}
            ExprKind::Access(base, _) | ExprKind::Unary(_, base) | ExprKind::Group(base) => {
                visit(Child::Expr(base));
            }
            ExprKind::List(items) => items.iter().for_each(|i| visit(Child::Expr(i))),
            ExprKind::Object(fields) => fields.iter().for_each(|(_, v)| visit(Child::Expr(v))),
            ExprKind::Block(block) => visit(Child::Block(block)),
            ExprKind::Call(_, args) => {
                for arg in args {
                    match &arg.value {
                        ArgumentValue::Expr(e) | ArgumentValue::Lambda(_, e) => {
                            visit(Child::Expr(e))
                        }
                    }
                }
            }
            ExprKind::Pipe(a, b) | ExprKind::Binary(_, a, b) => {
                visit(Child::Expr(a));
                visit(Child::Expr(b));
            }
            ExprKind::If(c, t, o) => {
                visit(Child::Expr(c));
                visit(Child::Expr(t));
                if let Some(o) = o {
                    visit(Child::Expr(o));
                }
            }
            ExprKind::Match(subject, arms) => {
                visit(Child::Expr(subject));
                arms.iter().for_each(|arm| visit(Child::Expr(&arm.value)));
            }
            ExprKind::For(for_loop) => {
                visit(Child::Expr(&for_loop.list));
                if let Some(filter) = &for_loop.filter {
                    visit(Child::Expr(filter));
                }
                visit(Child::Block(&for_loop.body));
            }
        }
    }
}

impl Ast {
    /// The top-level statements (rules, `let`, `if`), in order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.items.iter().filter_map(|item| match item {
            Item::Statement(s) => Some(s),
            _ => None,
        })
    }
}
