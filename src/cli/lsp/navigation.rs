//! Go to definition and find references, for tables, defs, parameters,
//! `let`s and the variables of loops and lambdas; an imported name is
//! followed into the file it comes from.

use super::position::{Lines, path_uri, uri_path};
use super::{Document, Documents};
use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams, Uri};
use mapc::outline::{Symbol, SymbolKind, outline};
use mapc::syntax::Span;

pub(super) fn definition(
    documents: &Documents,
    params: &GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let at = &params.text_document_position_params;
    let uri = &at.text_document.uri;
    let document = documents.get(uri)?;
    let lines = Lines::new(&document.text);
    let names = outline(&document.text);
    let symbol = names.definition(lines.offset(at.position))?;
    let location = if symbol.kind == SymbolKind::Import {
        let (file, span) = follow_import(documents, document, symbol)?;
        let text = text_of(documents, &file)?;
        Location::new(file, Lines::new(&text).range(span))
    } else {
        Location::new(uri.clone(), lines.range(symbol.span))
    };
    Some(GotoDefinitionResponse::Scalar(location))
}

pub(super) fn references(documents: &Documents, params: &ReferenceParams) -> Option<Vec<Location>> {
    let at = &params.text_document_position;
    let uri = &at.text_document.uri;
    let document = documents.get(uri)?;
    let lines = Lines::new(&document.text);
    let names = outline(&document.text);
    let symbol = names.definition(lines.offset(at.position))?;
    let mut spans = Vec::new();
    if params.context.include_declaration {
        spans.push(symbol.span);
    }
    spans.extend(names.references(symbol));
    Some(
        spans
            .into_iter()
            .map(|span| Location::new(uri.clone(), lines.range(span)))
            .collect(),
    )
}

/// The file an imported name comes from and the span of its declaration
/// there (following an import of an import, a few levels deep).
pub(super) fn follow_import(
    documents: &Documents,
    document: &Document,
    symbol: &Symbol,
) -> Option<(Uri, Span)> {
    let mut base = document.base_dir()?;
    let mut path_written = symbol.import_path.clone()?;
    for _ in 0..8 {
        let path = base.join(&path_written);
        let uri = path_uri(&path)?;
        let text = text_of(documents, &uri)?;
        let theirs = outline(&text);
        let declared = theirs.top_level(&symbol.name)?;
        if declared.kind != SymbolKind::Import {
            return Some((uri, declared.span));
        }
        base = path.parent()?.to_path_buf();
        path_written = declared.import_path.clone()?;
    }
    None
}

/// A file's text: the editor's, when it is open, else the disk's.
pub(super) fn text_of(documents: &Documents, uri: &Uri) -> Option<String> {
    match documents.get(uri) {
        Some(document) => Some(document.text.clone()),
        None => std::fs::read_to_string(uri_path(uri)?).ok(),
    }
}
