//! Target fields written twice. Two rules conflict when they write the same
//! path, or when one writes inside the other (`billing` and
//! `billing.city`). Rules in the two branches of an `if` do not conflict
//! with each other, but each conflicts with rules outside the `if`.

use super::Checker;
use crate::diagnostics::Code;
use crate::syntax::{Else, Span, Statement};

type Written = Vec<(Vec<String>, Span)>;

impl Checker {
    pub(super) fn check_targets<'s>(
        &mut self,
        file: u32,
        statements: impl Iterator<Item = &'s Statement>,
    ) {
        let mut written = Written::new();
        self.collect_targets(file, statements, &mut written);
    }

    fn collect_targets<'s>(
        &mut self,
        file: u32,
        statements: impl Iterator<Item = &'s Statement>,
        written: &mut Written,
    ) {
        for statement in statements {
            match statement {
                Statement::Let(_) => {}
                Statement::Rule(rule) => {
                    let path: Vec<String> =
                        rule.target.keys.iter().map(|k| k.name.clone()).collect();
                    self.add_target(file, written, path, rule.target.span);
                }
                Statement::If(if_statement) => {
                    let mut branches = Vec::new();
                    let mut current = Some(if_statement);
                    while let Some(branch) = current {
                        let mut inner = Written::new();
                        self.collect_targets(file, branch.then.statements.iter(), &mut inner);
                        branches.push(inner);
                        current = match &branch.otherwise {
                            Some(Else::If(next)) => Some(next),
                            Some(Else::Block(block)) => {
                                let mut inner = Written::new();
                                self.collect_targets(file, block.statements.iter(), &mut inner);
                                branches.push(inner);
                                None
                            }
                            None => None,
                        };
                    }
                    let before = written.len();
                    for branch in branches {
                        for (path, span) in branch {
                            // compare against what was written before the if only
                            self.conflicts(file, &written[..before], &path, span);
                            written.push((path, span));
                        }
                    }
                }
            }
        }
    }

    fn add_target(&mut self, file: u32, written: &mut Written, path: Vec<String>, span: Span) {
        if let Some(first) = path.first() {
            self.target_names.insert(first.clone());
        }
        self.conflicts(file, written, &path, span);
        written.push((path, span));
    }

    fn conflicts(
        &mut self,
        file: u32,
        written: &[(Vec<String>, Span)],
        path: &[String],
        span: Span,
    ) {
        let Some((other, other_span)) = written.iter().find(|(other, _)| {
            let n = other.len().min(path.len());
            other[..n] == path[..n]
        }) else {
            return;
        };
        let (other, other_span) = (other.join("."), *other_span);
        let this = path.join(".");
        let message = if other == this {
            format!("target field `{this}` is written twice")
        } else {
            format!("target fields `{other}` and `{this}` overlap")
        };
        let loc = self.loc(file, span);
        let source = std::sync::Arc::clone(self.file(file));
        let d = self.error(Code::DuplicateTarget, loc, message, "written again here");
        d.labels.push(crate::diagnostics::Label {
            file: source,
            span: other_span,
            message: "first written here".into(),
        });
        d.help.push(
            "write each field once; use `if`/`else`, `match` or `??` to choose between values"
                .into(),
        );
    }
}
