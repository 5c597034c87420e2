//! The names of a mapping and where they are: for editors.
//!
//! [`outline`] parses a mapping with the one parser ([`crate::syntax`]) and
//! lists what an editor needs to navigate it, without checking it: every
//! declaration (parameters, tables, defs and their parameters, `let`s, loop
//! and lambda variables, imported names) with the span of its name, every
//! use of a name resolved to its declaration or to a built-in, the target
//! fields as a tree, and the imports. It works on text with syntax errors
//! too (on the items that parse), so an editor can navigate while the
//! author types. Diagnostics come from [`crate::Mapping::compile_with`]; the
//! outline never reports a problem.
//!
//! ```
//! let source = "table codes { \"a\" => 1 }\nlet c = .code\nn = c | lookup(codes)\n";
//! let outline = mapc::outline::outline(source);
//! // the `codes` in `lookup(codes)` is the table declared on line 1
//! let at = source.rfind("codes").unwrap();
//! let symbol = outline.definition(at).unwrap();
//! assert_eq!(symbol.name, "codes");
//! assert_eq!(symbol.span.start, source.find("codes").unwrap());
//! // its one use (the declaration is not counted)
//! assert_eq!(outline.references(symbol), [mapc::syntax::Span::new(at, at + 5)]);
//! ```

mod words;
pub use words::{KEYWORDS, RULE_OPTIONS};

use crate::diagnostics::SourceFile;
use crate::stdlib::{self, Function};
use crate::syntax::{
    self, ArgumentValue, Block, Child, DefBody, Else, Expr, ExprKind, Ident, IfStatement, Item,
    RuleOption, Span, Statement,
};

/// What a declared name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// `param tenant: string` (used as `$tenant`).
    Param,
    /// `table codes { ... }`.
    Table,
    /// `def address(a) { ... }`.
    Def,
    /// A parameter of a def: the `a` of `def address(a)`.
    DefParam,
    /// `let name = expr`.
    Let,
    /// The item or index variable of a `for`.
    LoopVariable,
    /// The parameter of a lambda: the `x` of `map(.lines, x => x.sku)`.
    LambdaParam,
    /// A name brought in by `import name from "file.map"`: a table or def
    /// declared in that file.
    Import,
}

impl SymbolKind {
    /// The word for it in docs and editors: `table`, `def parameter`, ...
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Param => "parameter",
            SymbolKind::Table => "table",
            SymbolKind::Def => "def",
            SymbolKind::DefParam => "def parameter",
            SymbolKind::Let => "let",
            SymbolKind::LoopVariable => "loop variable",
            SymbolKind::LambdaParam => "lambda parameter",
            SymbolKind::Import => "imported name",
        }
    }
}

/// A declared name.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    /// What it is.
    pub kind: SymbolKind,
    /// The name (a parameter's without its `$`).
    pub name: String,
    /// Where the name is written in its declaration.
    pub span: Span,
    /// The whole declaration (the whole `table` item, `let` statement, ...).
    pub item: Span,
    /// Where the name can be used: the file for parameters, tables, defs and
    /// imports; the rest of the block for a `let`; the def, loop body or
    /// lambda body for the others.
    pub scope: Span,
    /// A table's keys as written (strings unquoted, `_` for the fallback);
    /// a def's parameters; empty for the others.
    pub keys: Vec<String>,
    /// For [`SymbolKind::Import`], the file as written in the import.
    pub import_path: Option<String>,
}

/// What a use of a name stands for.
#[derive(Clone, Copy, Debug)]
pub enum Resolution {
    /// A name declared in this file: an index into [`Outline::symbols`].
    Symbol(usize),
    /// A built-in function.
    Builtin(&'static Function),
    /// Nothing known by that name (the checker reports it).
    Unknown,
}

/// A use of a name.
#[derive(Clone, Debug)]
pub struct Reference {
    /// The name as used (a parameter's without its `$`).
    pub name: String,
    /// Where it is written (a parameter's `$` included).
    pub span: Span,
    /// What it stands for.
    pub resolution: Resolution,
}

/// A target field, with the fields written inside it.
#[derive(Clone, Debug)]
pub struct Field {
    /// The target path as written: `billing.city`, `"Lead Source"` unquoted.
    pub name: String,
    /// Where the target path is written.
    pub span: Span,
    /// The whole rule.
    pub rule: Span,
    /// The fields of a nested block or `for` body (`address = { city = ... }`).
    pub children: Vec<Field>,
}

/// The names and fields of one mapping (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// Every declaration, in source order of the walk.
    pub symbols: Vec<Symbol>,
    /// Every use of a declared name or a built-in, in the order met.
    pub references: Vec<Reference>,
    /// The target fields written at the top level, in source order (those
    /// of `if` branches included).
    pub fields: Vec<Field>,
}

impl Outline {
    /// The declaration the name at byte `offset` stands for: the one used
    /// there, or the one declared there.
    pub fn definition(&self, offset: usize) -> Option<&Symbol> {
        if let Some(reference) = self.reference_at(offset) {
            return match reference.resolution {
                Resolution::Symbol(index) => self.symbols.get(index),
                _ => None,
            };
        }
        self.symbol_at(offset)
    }

    /// The use of a name at byte `offset`, if one is written there.
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        self.references.iter().find(|r| contains(r.span, offset))
    }

    /// The declaration whose name is written at byte `offset`.
    pub fn symbol_at(&self, offset: usize) -> Option<&Symbol> {
        self.symbols.iter().find(|s| contains(s.span, offset))
    }

    /// Where `symbol` is used, in source order (its declaration not
    /// included).
    pub fn references(&self, symbol: &Symbol) -> Vec<Span> {
        let Some(index) = self.symbols.iter().position(|s| s == symbol) else {
            return Vec::new();
        };
        let mut spans: Vec<Span> = self
            .references
            .iter()
            .filter(|r| matches!(r.resolution, Resolution::Symbol(i) if i == index))
            .map(|r| r.span)
            .collect();
        spans.sort_by_key(|s| s.start);
        spans
    }

    /// The names usable at byte `offset`: parameters, tables, defs and
    /// imports everywhere, the others inside their scope.
    pub fn visible_at(&self, offset: usize) -> Vec<&Symbol> {
        self.symbols
            .iter()
            .filter(|s| contains(s.scope, offset))
            .collect()
    }

    /// The file-level declaration (table, def or import) called `name`.
    pub fn top_level(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| {
            s.name == name
                && matches!(
                    s.kind,
                    SymbolKind::Table | SymbolKind::Def | SymbolKind::Import
                )
        })
    }
}

/// A span contains an offset at its end too, so that a cursor just after
/// a name (where an editor puts it after typing) finds the name.
fn contains(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// The outline of mapping source text (see the module docs). Never fails:
/// items with syntax errors are left out.
pub fn outline(source: &str) -> Outline {
    let file = SourceFile::new("<mapping>", source);
    let (ast, _) = syntax::parse(&file);
    let whole = Span::new(0, source.len());
    let mut walk = Walk {
        outline: Outline::default(),
        scope: Vec::new(),
        whole,
    };
    // file-level names first: a def may use a table declared after it
    for item in &ast.items {
        match item {
            Item::Param(p) => {
                walk.declare(SymbolKind::Param, &p.name, p.span, whole);
            }
            Item::Table(t) => {
                let index = walk.declare(SymbolKind::Table, &t.name, t.span, whole);
                let keys = t
                    .entries
                    .iter()
                    .flat_map(|entry| {
                        if entry.keys.is_empty() {
                            vec!["_".to_string()]
                        } else {
                            entry.keys.iter().map(|k| constant_text(&k.value)).collect()
                        }
                    })
                    .collect();
                walk.outline.symbols[index].keys = keys;
            }
            Item::Def(d) => {
                let index = walk.declare(SymbolKind::Def, &d.name, d.span, whole);
                walk.outline.symbols[index].keys =
                    d.params.iter().map(|p| p.name.clone()).collect();
            }
            Item::Import(import) => {
                for name in &import.names {
                    let index = walk.declare(SymbolKind::Import, name, import.span, whole);
                    walk.outline.symbols[index].import_path = Some(import.path.value.clone());
                }
            }
            Item::Policy(_) | Item::Statement(_) | Item::Guard(_) | Item::Emit(_) => {}
        }
    }
    for item in &ast.items {
        if let Item::Def(def) = item {
            let depth = walk.scope.len();
            for param in &def.params {
                walk.bind(SymbolKind::DefParam, param, param.span, def.span);
            }
            match &def.body {
                DefBody::Block(block) => {
                    walk.block(block);
                }
                DefBody::Value(value) => walk.expr(value),
            }
            walk.scope.truncate(depth);
        }
    }
    let statements: Vec<&Statement> = ast.statements().collect();
    let fields = walk.statements(statements.into_iter(), whole);
    walk.outline.fields = fields;
    // record guards and `emit`s use names too (tables, defs, params)
    for item in &ast.items {
        match item {
            Item::Guard(guard) => walk.expr(&guard.condition),
            Item::Emit(emit) => walk.expr(&emit.value),
            _ => {}
        }
    }
    walk.outline
}

/// A table key or pattern as an author would read it: strings unquoted.
fn constant_text(value: &crate::json::Value) -> String {
    match value {
        crate::json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Walk {
    outline: Outline,
    /// Local names in scope (symbol indices), innermost last.
    scope: Vec<usize>,
    whole: Span,
}

impl Walk {
    fn declare(&mut self, kind: SymbolKind, name: &Ident, item: Span, scope: Span) -> usize {
        self.outline.symbols.push(Symbol {
            kind,
            name: name.name.clone(),
            span: name.span,
            item,
            scope,
            keys: Vec::new(),
            import_path: None,
        });
        self.outline.symbols.len() - 1
    }

    /// Declares a local name and puts it in scope.
    fn bind(&mut self, kind: SymbolKind, name: &Ident, item: Span, scope: Span) {
        let index = self.declare(kind, name, item, scope);
        self.scope.push(index);
    }

    fn refer(&mut self, name: &str, span: Span, resolution: Resolution) {
        self.outline.references.push(Reference {
            name: name.to_string(),
            span,
            resolution,
        });
    }

    fn local(&self, name: &str) -> Option<usize> {
        self.scope
            .iter()
            .rev()
            .copied()
            .find(|&i| self.outline.symbols[i].name == name)
    }

    fn file_level(&self, name: &str, kinds: &[SymbolKind]) -> Option<usize> {
        self.outline
            .symbols
            .iter()
            .position(|s| s.scope == self.whole && s.name == name && kinds.contains(&s.kind))
    }

    /// A function name: a def (own or imported), else a built-in.
    fn function(&mut self, name: &str, span: Span) {
        let resolution = match self.file_level(name, &[SymbolKind::Def, SymbolKind::Import]) {
            Some(index) => Resolution::Symbol(index),
            None => match stdlib::function(name) {
                Some(f) => Resolution::Builtin(f),
                None => Resolution::Unknown,
            },
        };
        self.refer(name, span, resolution);
    }

    fn block(&mut self, block: &Block) -> Vec<Field> {
        self.statements(block.statements.iter(), block.span)
    }

    /// Walks statements whose `let`s are visible to the end of `within`.
    fn statements<'s>(
        &mut self,
        statements: impl Iterator<Item = &'s Statement>,
        within: Span,
    ) -> Vec<Field> {
        let depth = self.scope.len();
        let mut fields = Vec::new();
        for statement in statements {
            match statement {
                Statement::Let(binding) => {
                    self.expr(&binding.value);
                    let scope = Span::new(binding.span.end, within.end);
                    self.bind(SymbolKind::Let, &binding.name, binding.span, scope);
                }
                Statement::Rule(rule) => {
                    let children = self.value(&rule.value);
                    for option in &rule.options {
                        if let RuleOption::Default(e) | RuleOption::When(e) = option {
                            self.expr(e);
                        }
                    }
                    fields.push(Field {
                        name: rule.target.dotted(),
                        span: rule.target.span,
                        rule: rule.span,
                        children,
                    });
                }
                Statement::If(s) => fields.extend(self.if_statement(s)),
            }
        }
        self.scope.truncate(depth);
        fields
    }

    fn if_statement(&mut self, s: &IfStatement) -> Vec<Field> {
        self.expr(&s.condition);
        let mut fields = self.block(&s.then);
        match &s.otherwise {
            None => {}
            Some(Else::Block(b)) => fields.extend(self.block(b)),
            Some(Else::If(nested)) => fields.extend(self.if_statement(nested)),
        }
        fields
    }

    /// A rule's value: the fields of a nested block, `for` body or other
    /// block inside it (an `if ... then { ... }`).
    fn value(&mut self, e: &Expr) -> Vec<Field> {
        if let ExprKind::Block(block) = &e.kind {
            return self.block(block);
        }
        // `expr` parks the fields of the blocks it meets; they are this
        // rule's children
        let before = self.outline.fields.len();
        self.expr(e);
        self.outline.fields.drain(before..).collect()
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Param(name) => {
                let resolution = match self.file_level(name, &[SymbolKind::Param]) {
                    Some(index) => Resolution::Symbol(index),
                    None => Resolution::Unknown,
                };
                self.refer(name, e.span, resolution);
            }
            ExprKind::Variable(name) => {
                // a local, else a bare table name as an argument
                // (`lookup(.x, codes)`), else nothing known
                let resolution = match self
                    .local(name)
                    .or_else(|| self.file_level(name, &[SymbolKind::Table, SymbolKind::Import]))
                {
                    Some(index) => Resolution::Symbol(index),
                    None => Resolution::Unknown,
                };
                self.refer(name, e.span, resolution);
            }
            ExprKind::Call(name, args) => {
                self.function(&name.name, name.span);
                self.arguments(args);
            }
            ExprKind::Pipe(lhs, rhs) => {
                self.expr(lhs);
                match &rhs.kind {
                    // `value | trim`: a function, not a variable
                    ExprKind::Variable(name) => self.function(name, rhs.span),
                    _ => self.expr(rhs),
                }
            }
            ExprKind::For(for_loop) => {
                self.expr(&for_loop.list);
                let depth = self.scope.len();
                let scope = e.span;
                self.bind(SymbolKind::LoopVariable, &for_loop.item, e.span, scope);
                if let Some(index) = &for_loop.index {
                    self.bind(SymbolKind::LoopVariable, index, e.span, scope);
                }
                if let Some(filter) = &for_loop.filter {
                    self.expr(filter);
                }
                let fields = self.block(&for_loop.body);
                self.scope.truncate(depth);
                // parked for `value`, which takes them as the rule's children
                self.outline.fields.extend(fields);
            }
            _ => e.for_each_child(|child| match child {
                Child::Expr(inner) => self.expr(inner),
                Child::Block(block) => {
                    let fields = self.block(block);
                    self.outline.fields.extend(fields);
                }
            }),
        }
    }

    fn arguments(&mut self, args: &[syntax::Argument]) {
        for arg in args {
            match &arg.value {
                ArgumentValue::Expr(e) => self.expr(e),
                ArgumentValue::Lambda(param, body) => {
                    let depth = self.scope.len();
                    self.bind(SymbolKind::LambdaParam, param, arg.span, body.span);
                    self.expr(body);
                    self.scope.truncate(depth);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: &str, needle: &str, nth: usize) -> usize {
        source
            .match_indices(needle)
            .nth(nth)
            .map(|(i, _)| i)
            .unwrap()
    }

    #[test]
    fn resolves_every_kind_of_name() {
        let source = "\
param tenant: string
table codes { \"a\", \"b\" => 1
  _ => 0 }
def wrap(v) { value = v | trim }
let code = .code
tenant = $tenant
n = code | lookup(codes)
w = wrap(.x)
lines = for line, i in .lines { sku = map(line.skus, s => s | upper) }
";
        let outline = outline(source);
        let def = |needle: &str, nth: usize| outline.definition(at(source, needle, nth)).unwrap();
        assert_eq!(def("$tenant", 0).kind, SymbolKind::Param);
        assert_eq!(def("code ", 1).kind, SymbolKind::Let);
        assert_eq!(def("codes)", 0).kind, SymbolKind::Table);
        assert_eq!(def("codes)", 0).keys, ["a", "b", "_"]);
        assert_eq!(def("wrap(.x", 0).kind, SymbolKind::Def);
        assert_eq!(def("v |", 0).kind, SymbolKind::DefParam);
        assert_eq!(def("line.skus", 0).kind, SymbolKind::LoopVariable);
        assert_eq!(def("s |", 0).kind, SymbolKind::LambdaParam);
        // built-ins resolve to the table of built-ins, not to a symbol
        let trim = outline.reference_at(at(source, "trim", 0)).unwrap();
        assert!(matches!(trim.resolution, Resolution::Builtin(f) if f.name == "trim"));
        assert!(outline.definition(at(source, "upper", 0)).is_none());
        // the declaration itself finds itself, and its uses
        let table = outline.definition(at(source, "codes", 0)).unwrap();
        assert_eq!(outline.references(table).len(), 1);
        let fields: Vec<&str> = outline.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(fields, ["tenant", "n", "w", "lines"]);
        assert_eq!(outline.fields[3].children[0].name, "sku");
    }

    #[test]
    fn a_let_is_visible_after_it_only() {
        let source = "a = x\nlet x = 1\nb = x\n";
        let outline = outline(source);
        assert!(outline.definition(at(source, "x", 0)).is_none());
        assert_eq!(
            outline.definition(at(source, "x", 2)).unwrap().kind,
            SymbolKind::Let
        );
        let names: Vec<&str> = outline
            .visible_at(at(source, "b", 0))
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["x"]);
        assert!(outline.visible_at(1).is_empty());
    }

    #[test]
    fn imports_and_broken_text() {
        let source = "import codes, wrap from \"lib.map\"\nx = wrap(.a) | lookup(codes)\ny = (\n";
        let outline = outline(source);
        let wrap = outline.definition(at(source, "wrap", 1)).unwrap();
        assert_eq!(wrap.kind, SymbolKind::Import);
        assert_eq!(wrap.import_path.as_deref(), Some("lib.map"));
        assert_eq!(outline.top_level("codes").unwrap().kind, SymbolKind::Import);
        assert_eq!(outline.fields.len(), 1);
    }
}
