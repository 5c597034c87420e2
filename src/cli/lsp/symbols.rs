//! The outline of a document (its target fields, then its parameters,
//! tables and defs) and formatting with `mapc fmt`'s formatter.

use super::Documents;
use super::position::Lines;
use lsp_types::{
    DocumentFormattingParams, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse,
    SymbolKind as Kind, TextEdit,
};
use mapc::outline::{Field, SymbolKind, outline};

pub(super) fn document_symbols(
    documents: &Documents,
    params: &DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let document = documents.get(&params.text_document.uri)?;
    let lines = Lines::new(&document.text);
    let names = outline(&document.text);
    let mut symbols: Vec<DocumentSymbol> = names.fields.iter().map(|f| field(&lines, f)).collect();
    for declared in &names.symbols {
        let (kind, detail) = match declared.kind {
            SymbolKind::Param => (Kind::CONSTANT, "parameter"),
            SymbolKind::Table => (Kind::ENUM, "table"),
            SymbolKind::Def => (Kind::FUNCTION, "def"),
            _ => continue,
        };
        symbols.push(symbol(
            declared.name.clone(),
            detail,
            kind,
            lines.range(declared.item),
            lines.range(declared.span),
            None,
        ));
    }
    Some(DocumentSymbolResponse::Nested(symbols))
}

fn field(lines: &Lines<'_>, field: &Field) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> = field
        .children
        .iter()
        .map(|c| self::field(lines, c))
        .collect();
    symbol(
        field.name.clone(),
        "target field",
        Kind::FIELD,
        lines.range(field.rule),
        lines.range(field.span),
        (!children.is_empty()).then_some(children),
    )
}

fn symbol(
    name: String,
    detail: &str,
    kind: Kind,
    range: lsp_types::Range,
    selection_range: lsp_types::Range,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    #[allow(deprecated)] // `deprecated` is a required field of the struct
    DocumentSymbol {
        name,
        detail: Some(detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}

/// The whole document formatted, as one edit; no edit when it already is,
/// and none when it has syntax errors (its diagnostics show them).
pub(super) fn format(
    documents: &Documents,
    params: &DocumentFormattingParams,
) -> Option<Vec<TextEdit>> {
    let document = documents.get(&params.text_document.uri)?;
    let formatted = mapc::format::format_named(&document.name, &document.text).ok()?;
    if formatted == document.text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit::new(
        Lines::new(&document.text).all(),
        formatted,
    )])
}
