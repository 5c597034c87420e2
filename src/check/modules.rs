//! Files and their declarations: imports, parameters, policies, tables and
//! defs.

use super::{Checker, DefEntry, Module, ParamEntry};
use crate::diagnostics::{Code, SourceFile, did_you_mean};
use crate::program::{self, Absent, ParamType};
use crate::syntax::{self, Ast, Item};
use std::path::PathBuf;

impl Checker {
    /// Declares everything in one file and returns the names it can see.
    pub(super) fn module(
        &mut self,
        file: u32,
        ast: &Ast,
        base_dir: Option<PathBuf>,
        is_root: bool,
    ) -> Module {
        let mut module = Module {
            file,
            ..Module::default()
        };
        for item in &ast.items {
            if let Item::Import(import) = item {
                self.import(&mut module, import, base_dir.as_deref());
            }
        }
        for item in &ast.items {
            match item {
                Item::Param(param) => self.param(file, param),
                Item::Policy(policy) if is_root => self.policy(file, policy),
                Item::Table(table) => {
                    let loc = self.loc(file, table.name.span);
                    if let Some(previous) = module.tables.get(&table.name.name).copied() {
                        let _ = previous;
                        self.error(
                            Code::DuplicateName,
                            loc,
                            format!("table `{}` is declared twice", table.name.name),
                            "declared again here",
                        );
                        continue;
                    }
                    if let Some(compiled) = self.table(file, table, base_dir.as_deref()) {
                        self.tables.push(compiled);
                        module
                            .tables
                            .insert(table.name.name.clone(), self.tables.len() - 1);
                    }
                }
                _ => {}
            }
        }
        // declare every def first, so that defs can call defs declared later
        let mut own_defs = Vec::new();
        for item in &ast.items {
            if let Item::Def(def) = item {
                let loc = self.loc(file, def.name.span);
                if module.defs.contains_key(&def.name.name) {
                    self.error(
                        Code::DuplicateName,
                        loc,
                        format!("def `{}` is declared twice", def.name.name),
                        "declared again here",
                    );
                    continue;
                }
                if crate::stdlib::function(&def.name.name).is_some() {
                    self.error(
                        Code::DuplicateName,
                        loc,
                        format!("`{}` is a built-in function", def.name.name),
                        "a def cannot take a built-in's name",
                    );
                    continue;
                }
                self.defs.push(DefEntry {
                    compiled: program::Def {
                        name: def.name.name.clone(),
                        params: Vec::new(),
                        // the body is checked once every def is declared
                        body: match def.body {
                            syntax::DefBody::Block(_) => {
                                program::DefBody::Block(program::Block::default())
                            }
                            syntax::DefBody::Value(_) => program::DefBody::Value(program::Node {
                                kind: program::NodeKind::Const(crate::json::Value::Null),
                                loc,
                            }),
                        },
                    },
                    param_names: def.params.iter().map(|p| p.name.clone()).collect(),
                    loc,
                    calls: Vec::new(),
                });
                module
                    .defs
                    .insert(def.name.name.clone(), self.defs.len() - 1);
                own_defs.push((self.defs.len() - 1, def));
            }
        }
        if is_root {
            self.constants(&module, ast);
        }
        for (index, def) in own_defs {
            self.def(&module, index, def);
        }
        module
    }

    fn import(
        &mut self,
        module: &mut Module,
        import: &syntax::Import,
        base_dir: Option<&std::path::Path>,
    ) {
        let loc = self.loc(module.file, import.path.span);
        let Some(path) = self.resolve_path(base_dir, &import.path.value, loc, "import") else {
            return;
        };
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if self.loading.contains(&canonical) {
            self.error(
                Code::Import,
                loc,
                format!("import cycle: `{}` imports itself", import.path.value),
                "",
            );
            return;
        }
        if !self.loaded.contains_key(&canonical) {
            let Some(text) = self.read_import(&path, loc) else {
                return;
            };
            let name = path.display().to_string();
            let file = self.add_file(SourceFile::new(name, text));
            let source = std::sync::Arc::clone(self.file(file));
            let (ast, errors) = syntax::parse(&source);
            if !errors.is_empty() {
                self.broken.push(canonical.clone());
            }
            self.diagnostics.extend(errors);
            // rules, guards and `emit`s belong to the file's own mapping
            let first = ast.items.iter().find_map(|item| match item {
                syntax::Item::Statement(syntax::Statement::Let(l)) => Some(l.span),
                syntax::Item::Statement(syntax::Statement::If(i)) => Some(i.span),
                syntax::Item::Statement(syntax::Statement::Rule(r)) => Some(r.span),
                syntax::Item::Guard(g) => Some(g.span),
                syntax::Item::Emit(e) => Some(e.span),
                _ => None,
            });
            if let Some(first) = first {
                let here = std::sync::Arc::clone(self.file(loc.file));
                self.diagnostics.push(
                    crate::diagnostics::Diagnostic::warning(
                        Code::IgnoredImportRules,
                        format!(
                            "`{}` has top-level rules, which an import ignores",
                            import.path.value
                        ),
                    )
                    .with_label(&here, loc.span, "only its tables and defs are imported")
                    .with_label(&source, first, "ignored")
                    .with_help("move the shared rules into a `def`, and call it"),
                );
            }
            self.loading.push(canonical.clone());
            let dir = path.parent().map(std::path::Path::to_path_buf);
            let imported = self.module(file, &ast, dir, false);
            self.loading.pop();
            self.loaded.insert(canonical.clone(), imported);
        }
        let Some(imported) = self.loaded.get(&canonical) else {
            return;
        };
        let mut bindings = Vec::new();
        let mut unknown = Vec::new();
        for name in &import.names {
            if let Some(t) = imported.tables.get(&name.name) {
                bindings.push((true, name.clone(), *t));
            } else if let Some(d) = imported.defs.get(&name.name) {
                bindings.push((false, name.clone(), *d));
            } else {
                let candidates: Vec<String> = imported
                    .tables
                    .keys()
                    .chain(imported.defs.keys())
                    .cloned()
                    .collect();
                unknown.push((name.clone(), candidates));
            }
        }
        for (is_table, ident, index) in bindings {
            let names = if is_table {
                &mut module.tables
            } else {
                &mut module.defs
            };
            match names.insert(ident.name.clone(), index) {
                // the same declaration imported again is harmless
                Some(previous) if previous != index => {
                    let loc = self.loc(module.file, ident.span);
                    let kind = if is_table { "table" } else { "def" };
                    self.error(
                        Code::DuplicateName,
                        loc,
                        format!("{kind} `{}` is imported twice", ident.name),
                        "imported again here",
                    )
                    .help
                    .push("import it from one file only".into());
                }
                _ => {}
            }
        }
        let broken = self.broken.contains(&canonical);
        for (name, candidates) in unknown {
            let loc = self.loc(module.file, name.span);
            let suggestion =
                did_you_mean(&name.name, candidates.iter().map(String::as_str)).map(str::to_string);
            let diagnostic = self.error(
                Code::Import,
                loc,
                format!(
                    "`{}` has no table or def `{}`",
                    import.path.value, name.name
                ),
                "not found",
            );
            if let Some(s) = suggestion {
                diagnostic.help.push(format!("did you mean `{s}`?"));
            }
            if broken {
                diagnostic.notes.push(format!(
                    "`{}` has syntax errors: a declaration that does not parse is not there",
                    import.path.value
                ));
            }
        }
    }

    fn param(&mut self, file: u32, param: &syntax::Param) {
        let loc = self.loc(file, param.name.span);
        let ty = match param.ty.as_ref().map(|t| t.name.as_str()) {
            None | Some("any") => ParamType::Any,
            Some("string") => ParamType::String,
            Some("number") => ParamType::Number,
            Some("bool") => ParamType::Bool,
            Some(other) => {
                let ty_loc = self.loc(file, param.ty.as_ref().map_or(param.span, |t| t.span));
                let suggestion = did_you_mean(other, ["string", "number", "bool", "any"]);
                let diagnostic = self.error(
                    Code::InvalidType,
                    ty_loc,
                    format!("unknown type `{other}`"),
                    "",
                );
                diagnostic.help.push(suggestion.map_or(
                    "the types are string, number, bool and any".to_string(),
                    |s| format!("did you mean `{s}`?"),
                ));
                ParamType::Any
            }
        };
        if self.params.iter().any(|p| p.decl.name == param.name.name) {
            self.error(
                Code::DuplicateName,
                loc,
                format!("parameter `{}` is declared twice", param.name.name),
                "declared again here",
            );
            return;
        }
        let default = param.default.as_ref().map(|c| c.value.clone());
        if let Some(d) = &default
            && !param_type_accepts(ty, d)
        {
            let dloc = self.loc(file, param.default.as_ref().map_or(param.span, |c| c.span));
            self.error(
                Code::ArgumentType,
                dloc,
                format!(
                    "the default of `{}` is not a {}",
                    param.name.name,
                    ty.name()
                ),
                "",
            );
        }
        self.params.push(ParamEntry {
            decl: program::ParamDecl {
                name: param.name.name.clone(),
                ty,
                default,
                loc: self.loc(file, param.span),
            },
        });
    }

    fn policy(&mut self, file: u32, policy: &syntax::Policy) {
        let name_loc = self.loc(file, policy.name.span);
        let value_loc = self.loc(file, policy.value.span);
        let value = policy.value.name.as_str();
        let allowed: &[&str] = match policy.name.name.as_str() {
            "missing" => &["null", "omit", "error"],
            "null" | "blank" => &["missing", "keep"],
            other => {
                let suggestion = did_you_mean(other, ["missing", "null", "blank"]);
                let d = self.error(
                    Code::InvalidPolicy,
                    name_loc,
                    format!("unknown policy `{other}`"),
                    "",
                );
                d.help.push(suggestion.map_or(
                    "the policies are missing, null and blank".to_string(),
                    |s| format!("did you mean `{s}`?"),
                ));
                return;
            }
        };
        if !allowed.contains(&value) {
            let d = self.error(
                Code::InvalidPolicy,
                value_loc,
                format!("`{value}` is not a value of policy `{}`", policy.name.name),
                "",
            );
            d.help
                .push(format!("the values are {}", allowed.join(", ")));
            return;
        }
        match (policy.name.name.as_str(), value) {
            ("missing", "null") => self.policy.missing = Absent::Null,
            ("missing", "omit") => self.policy.missing = Absent::Omit,
            ("missing", _) => self.policy.missing = Absent::Error,
            ("null", v) => self.policy.null_is_missing = v == "missing",
            (_, v) => self.policy.blank_is_missing = v == "missing",
        }
    }
}

pub(crate) fn param_type_accepts(ty: ParamType, value: &crate::json::Value) -> bool {
    match ty {
        ParamType::Any => true,
        ParamType::String => value.is_string(),
        ParamType::Number => value.is_number(),
        ParamType::Bool => value.is_boolean(),
    }
}
