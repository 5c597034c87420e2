//! Completion: the built-ins with their signatures (from the one table of
//! built-ins), the document's tables, defs, imported names, parameters and
//! the variables in scope, the rule options and the keywords.

use super::Documents;
use super::position::Lines;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, Documentation,
    MarkupContent, MarkupKind,
};
use mapc::outline::{KEYWORDS, RULE_OPTIONS, SymbolKind, outline};
use mapc::stdlib::FUNCTIONS;

pub(super) fn completion(
    documents: &Documents,
    params: &CompletionParams,
) -> Option<CompletionResponse> {
    let at = &params.text_document_position;
    let document = documents.get(&at.text_document.uri)?;
    let text = &document.text;
    let offset = Lines::new(text).offset(at.position);
    let names = outline(text);
    // after `$` (and perhaps part of a name) only parameters make sense
    let before_word =
        text[..offset].trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    let after_dollar = before_word.ends_with('$');
    let mut items = Vec::new();
    for declared in names.visible_at(offset) {
        let (kind, label) = match declared.kind {
            SymbolKind::Param if after_dollar => {
                (CompletionItemKind::VARIABLE, declared.name.clone())
            }
            SymbolKind::Param => (CompletionItemKind::VARIABLE, format!("${}", declared.name)),
            _ if after_dollar => continue,
            SymbolKind::Table => (CompletionItemKind::ENUM, declared.name.clone()),
            SymbolKind::Def => (CompletionItemKind::FUNCTION, declared.name.clone()),
            SymbolKind::Import => (CompletionItemKind::MODULE, declared.name.clone()),
            SymbolKind::Let
            | SymbolKind::DefParam
            | SymbolKind::LoopVariable
            | SymbolKind::LambdaParam => (CompletionItemKind::VARIABLE, declared.name.clone()),
        };
        let detail = match declared.kind {
            SymbolKind::Def => format!("def {}({})", declared.name, declared.keys.join(", ")),
            SymbolKind::Import => format!(
                "imported from {}",
                declared.import_path.as_deref().unwrap_or("")
            ),
            other => other.describe().to_string(),
        };
        items.push(CompletionItem {
            label,
            kind: Some(kind),
            detail: Some(detail),
            ..CompletionItem::default()
        });
    }
    if !after_dollar {
        for function in FUNCTIONS {
            let mut doc = function.doc.to_string();
            if let Some(example) = function.examples.first() {
                doc.push_str(&format!(
                    "\n\nExample: `{}` gives `{}`",
                    example.call, example.result
                ));
            }
            items.push(CompletionItem {
                label: function.name.to_string(),
                kind: Some(CompletionItemKind::FUNCTION),
                detail: Some(function.signature()),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: doc,
                })),
                ..CompletionItem::default()
            });
        }
        for (option, what) in RULE_OPTIONS {
            items.push(CompletionItem {
                label: (*option).to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                detail: Some(format!("rule option: {what}")),
                ..CompletionItem::default()
            });
        }
        for keyword in KEYWORDS {
            if RULE_OPTIONS.iter().any(|(o, _)| o == keyword) {
                continue;
            }
            items.push(CompletionItem {
                label: (*keyword).to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                detail: Some("keyword".into()),
                ..CompletionItem::default()
            });
        }
    }
    Some(CompletionResponse::Array(items))
}
