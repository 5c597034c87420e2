//! A compact S-expression print of the tree, for parser snapshots.

use super::ast::*;
use std::fmt::{self, Display, Formatter, Write};

impl Display for Ast {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            writeln!(f, "{item}")?;
        }
        Ok(())
    }
}

impl Display for Item {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Item::Import(i) => {
                write!(f, "(import")?;
                for n in &i.names {
                    write!(f, " {}", n.name)?;
                }
                write!(f, " {:?})", i.path.value)
            }
            Item::Param(p) => {
                write!(f, "(param {}", p.name.name)?;
                if let Some(ty) = &p.ty {
                    write!(f, " :{}", ty.name)?;
                }
                if let Some(d) = &p.default {
                    write!(f, " {}", d.value)?;
                }
                write!(f, ")")
            }
            Item::Policy(p) => write!(f, "(policy {} {})", p.name.name, p.value.name),
            Item::Table(t) => {
                write!(f, "(table {}", t.name.name)?;
                for o in &t.options {
                    write!(f, " :{}", o.name)?;
                }
                if let Some(csv) = &t.csv {
                    write!(
                        f,
                        " (csv {:?} {:?} {:?})",
                        csv.path.value, csv.key.value, csv.value.value
                    )?;
                }
                for e in &t.entries {
                    write!(f, " (")?;
                    if e.keys.is_empty() {
                        write!(f, "_")?;
                    }
                    for (i, k) in e.keys.iter().enumerate() {
                        if i > 0 {
                            write!(f, " ")?;
                        }
                        write!(f, "{}", k.value)?;
                    }
                    write!(f, " => {})", e.value.value)?;
                }
                write!(f, ")")
            }
            Item::Def(d) => {
                write!(f, "(def {} (", d.name.name)?;
                for (i, p) in d.params.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{}", p.name)?;
                }
                match &d.body {
                    DefBody::Block(b) => write!(f, ") {b})"),
                    DefBody::Value(e) => write!(f, ") = {e})"),
                }
            }
            Item::Statement(s) => write!(f, "{s}"),
            Item::Guard(g) => match &g.action {
                GuardAction::Reject(reason) => {
                    write!(f, "(reject {:?} {})", reason.value, g.condition)
                }
                GuardAction::Skip => write!(f, "(skip {})", g.condition),
                GuardAction::Keep => write!(f, "(keep {})", g.condition),
            },
            Item::Emit(e) => write!(f, "(emit {})", e.value),
        }
    }
}

impl Display for Block {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{s}")?;
        }
        write!(f, "}}")
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Let(l) => write!(f, "(let {} {})", l.name.name, l.value),
            Statement::If(i) => write!(f, "{i}"),
            Statement::Rule(r) => {
                write!(f, "(rule {} {}", target(&r.target), r.value)?;
                for o in &r.options {
                    match o {
                        RuleOption::Required(_) => write!(f, " :required")?,
                        RuleOption::Optional(_) => write!(f, " :optional")?,
                        RuleOption::Nullable(_) => write!(f, " :nullable")?,
                        RuleOption::Default(e) => write!(f, " (:default {e})")?,
                        RuleOption::When(e) => write!(f, " (:when {e})")?,
                        RuleOption::Constraint(c) => write!(f, " (:{c})")?,
                        RuleOption::OnConflict(s) => write!(f, " (:on_conflict {})", s.name)?,
                        RuleOption::Reverse(b) => write!(f, " (:reverse {b})")?,
                        RuleOption::Key(t) => write!(f, " (:key {})", target(t))?,
                    }
                }
                write!(f, ")")
            }
        }
    }
}

impl Display for IfStatement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "(if {} {}", self.condition, self.then)?;
        match &self.otherwise {
            None => {}
            Some(Else::If(i)) => write!(f, " {i}")?,
            Some(Else::Block(b)) => write!(f, " {b}")?,
        }
        write!(f, ")")
    }
}

fn target(t: &Target) -> String {
    let mut s = String::new();
    for (i, k) in t.keys.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        if is_plain(&k.name) {
            s.push_str(&k.name);
        } else {
            let _ = write!(s, "{:?}", k.name);
        }
    }
    s
}

fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(v) => write!(f, "{v}"),
            ExprKind::Root => write!(f, "."),
            ExprKind::Param(p) => write!(f, "${p}"),
            ExprKind::Variable(v) => write!(f, "{v}"),
            ExprKind::Access(base, accessor) => {
                write!(f, "(get {base} ")?;
                match accessor {
                    Accessor::Field(name) if is_plain(name) => write!(f, "{name}")?,
                    Accessor::Field(name) => write!(f, "{name:?}")?,
                    Accessor::Index(i) => write!(f, "[{i}]")?,
                    Accessor::All => write!(f, "[*]")?,
                }
                write!(f, ")")
            }
            ExprKind::List(items) => {
                write!(f, "[")?;
                for (i, e) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{e}")?;
                }
                write!(f, "]")
            }
            ExprKind::Object(entries) => {
                write!(f, "(object")?;
                for (k, v) in entries {
                    write!(f, " ({:?} {v})", k.name)?;
                }
                write!(f, ")")
            }
            ExprKind::Block(b) => write!(f, "{b}"),
            ExprKind::Call(name, args) => {
                write!(f, "({}", name.name)?;
                for a in args {
                    write!(f, " ")?;
                    if let Some(n) = &a.name {
                        write!(f, "{}: ", n.name)?;
                    }
                    match &a.value {
                        ArgumentValue::Expr(e) => write!(f, "{e}")?,
                        ArgumentValue::Lambda(p, body) => write!(f, "(fn {} {body})", p.name)?,
                    }
                }
                write!(f, ")")
            }
            ExprKind::Pipe(l, r) => write!(f, "(| {l} {r})"),
            ExprKind::Unary(op, e) => write!(f, "({} {e})", op.symbol()),
            ExprKind::Binary(op, l, r) => write!(f, "({} {l} {r})", op.symbol()),
            ExprKind::If(c, t, e) => {
                write!(f, "(if {c} {t}")?;
                if let Some(e) = e {
                    write!(f, " {e}")?;
                }
                write!(f, ")")
            }
            ExprKind::Match(subject, arms) => {
                write!(f, "(match {subject}")?;
                for arm in arms {
                    write!(f, " (")?;
                    if arm.patterns.is_empty() {
                        write!(f, "_")?;
                    }
                    for (i, p) in arm.patterns.iter().enumerate() {
                        if i > 0 {
                            write!(f, " ")?;
                        }
                        write!(f, "{}", p.value)?;
                    }
                    write!(f, " => {})", arm.value)?;
                }
                write!(f, ")")
            }
            ExprKind::For(l) => {
                write!(f, "(for {}", l.item.name)?;
                if let Some(i) = &l.index {
                    write!(f, " {}", i.name)?;
                }
                write!(f, " {}", l.list)?;
                if let Some(c) = &l.filter {
                    write!(f, " (where {c})")?;
                }
                write!(f, " {})", l.body)
            }
            ExprKind::Group(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Display for crate::syntax::ast::Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::syntax::ast::ConstraintKind;
        match &self.kind {
            ConstraintKind::MaxLength(n) => write!(f, "max_length {n}"),
            ConstraintKind::MinLength(n) => write!(f, "min_length {n}"),
            ConstraintKind::MaxBytes(n) => write!(f, "max_bytes {n}"),
            ConstraintKind::Matches(p) => write!(f, "matches {p:?}"),
            ConstraintKind::Between(a, b) => write!(f, "between {a} {b}"),
            ConstraintKind::OneOf(c) => write!(f, "one_of {}", c.value),
            ConstraintKind::Is(t) => write!(f, "is {}", t.name),
        }
    }
}
