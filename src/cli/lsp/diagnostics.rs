//! Diagnostics: what `mapc check` finds, as LSP diagnostics.
//!
//! A problem in an imported file (a syntax error there, say) is shown on
//! the `import` that brings the file in, with the place in that file as
//! related information.

use super::Document;
use super::position::{Lines, path_uri};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Uri,
};
use mapc::diagnostics::Label;
use mapc::outline::SymbolKind;
use mapc::{Diagnostic, Mapping, Options, Severity};
use std::path::Path;

/// Every diagnostic of `document`, errors first.
pub(super) fn diagnostics(uri: &Uri, document: &Document) -> Vec<lsp_types::Diagnostic> {
    let options = Options {
        base_dir: document.base_dir(),
        ..Options::default()
    };
    let found: Vec<Diagnostic> =
        match Mapping::compile_with(&document.name, &document.text, &options) {
            Ok(mapping) => mapping.warnings().to_vec(),
            Err(error) => error.diagnostics().to_vec(),
        };
    found.iter().map(|d| convert(uri, document, d)).collect()
}

fn convert(uri: &Uri, document: &Document, diagnostic: &Diagnostic) -> lsp_types::Diagnostic {
    let lines = Lines::new(&document.text);
    let here = |label: &Label| label.file.name == document.name;
    // the first label in this document; else the import of the file it is in
    let anchor = diagnostic.labels.iter().position(here);
    let range = match anchor {
        Some(i) => lines.range(diagnostic.labels[i].span),
        None => diagnostic
            .labels
            .first()
            .and_then(|label| import_of(document, &label.file.name))
            .map_or_else(Range::default, |span| lines.range(span)),
    };
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != anchor)
        .filter_map(|(_, label)| {
            let location = if here(label) {
                Location::new(uri.clone(), lines.range(label.span))
            } else {
                let other = Lines::new(&label.file.text);
                Location::new(
                    path_uri(Path::new(&label.file.name))?,
                    other.range(label.span),
                )
            };
            let message = if label.message.is_empty() {
                diagnostic.message.clone()
            } else {
                label.message.clone()
            };
            Some(DiagnosticRelatedInformation { location, message })
        })
        .collect();
    let mut message = diagnostic.message.clone();
    if let Some(label) = anchor.map(|i| &diagnostic.labels[i])
        && !label.message.is_empty()
    {
        message.push_str(&format!(": {}", label.message));
    }
    if anchor.is_none()
        && let Some((file, line, column)) = diagnostic.location()
    {
        message.push_str(&format!(" (in {file}:{line}:{column})"));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    for help in &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        source: Some("mapc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The `import` item of `document` that brings in the file named `file`
/// (as the checker names it: the document's directory joined with the
/// path written).
fn import_of(document: &Document, file: &str) -> Option<mapc::syntax::Span> {
    let base = document.base_dir()?;
    let outline = mapc::outline::outline(&document.text);
    outline
        .symbols
        .iter()
        .filter(|s| s.kind == SymbolKind::Import)
        .find(|s| {
            s.import_path
                .as_ref()
                .is_some_and(|p| base.join(p).display().to_string() == file)
        })
        .map(|s| s.item)
}
