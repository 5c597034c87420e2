//! `mapc lsp`: a language server over stdio, on the library's own stages.
//!
//! Diagnostics come from [`mapc::Mapping::compile_with`] (the checker
//! `mapc check` runs), hover and completion of built-ins from the one table
//! of built-ins ([`mapc::stdlib`]), names and their uses from
//! [`mapc::outline`], formatting from [`mapc::format`]. There is no second
//! parser here: this module speaks the protocol (with `lsp-server`, the
//! crate rust-analyzer's main loop is built on) and converts positions.
//!
//! Documents are synchronised whole (full sync); each change is checked
//! again at once. Imports are read from disk, relative to the document.

mod completion;
mod diagnostics;
mod hover;
mod navigation;
mod position;
mod symbols;

use super::{Exit, Failure};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CompletionOptions, OneOf, PositionEncodingKind, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::PathBuf;

/// The arguments of `mapc lsp` (none: it speaks LSP on stdin and stdout).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// An open document.
pub(super) struct Document {
    pub(super) text: String,
    /// Its file, for imports and for naming it in diagnostics.
    pub(super) path: Option<PathBuf>,
    /// The name the checker reports it under.
    pub(super) name: String,
}

impl Document {
    fn new(uri: &Uri, text: String) -> Self {
        let path = position::uri_path(uri);
        let name = match &path {
            Some(p) => p.display().to_string(),
            None => uri.as_str().to_string(),
        };
        Document { text, path, name }
    }

    /// The directory imports and CSV files are read from.
    pub(super) fn base_dir(&self) -> Option<PathBuf> {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(std::path::Path::to_path_buf)
    }
}

/// The open documents, by URI (kept as text: `Uri` is not a good map key).
#[derive(Default)]
pub(super) struct Documents(HashMap<String, (Uri, Document)>);

impl Documents {
    pub(super) fn get(&self, uri: &Uri) -> Option<&Document> {
        self.0.get(uri.as_str()).map(|(_, d)| d)
    }

    fn insert(&mut self, uri: &Uri, document: Document) {
        self.0
            .insert(uri.as_str().to_string(), (uri.clone(), document));
    }

    fn remove(&mut self, uri: &Uri) {
        self.0.remove(uri.as_str());
    }

    fn uris(&self) -> Vec<Uri> {
        self.0.values().map(|(uri, _)| uri.clone()).collect()
    }
}

/// Runs `mapc lsp` until the client says `exit`.
pub(crate) fn run(_args: &Args) -> Result<Exit, Failure> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["$".into(), "|".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let initialize = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "mapc", "version": env!("CARGO_PKG_VERSION") },
    });
    let protocol = |e: lsp_server::ProtocolError| Failure::usage(format_args!("lsp: {e}"));
    let (id, _client) = connection.initialize_start().map_err(protocol)?;
    connection
        .initialize_finish(id, initialize)
        .map_err(protocol)?;
    main_loop(&connection).map_err(protocol)?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| Failure::usage(format_args!("lsp: {e}")))?;
    Ok(Exit::Success)
}

fn main_loop(connection: &Connection) -> Result<(), lsp_server::ProtocolError> {
    let mut documents = Documents::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                let response = respond(&documents, request);
                send(connection, Message::Response(response));
            }
            Message::Notification(notification) => {
                notify(connection, &mut documents, notification);
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// Sends a message; a client gone away ends the loop by closing stdin.
fn send(connection: &Connection, message: Message) {
    let _ = connection.sender.send(message);
}

fn notify(connection: &Connection, documents: &mut Documents, notification: Notification) {
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(notification.params) {
                let uri = p.text_document.uri;
                documents.insert(&uri, Document::new(&uri, p.text_document.text));
                publish(connection, documents, &uri);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(notification.params) {
                let uri = p.text_document.uri;
                // full sync: the last change is the whole text
                if let Some(change) = p.content_changes.into_iter().next_back() {
                    documents.insert(&uri, Document::new(&uri, change.text));
                    publish(connection, documents, &uri);
                }
            }
        }
        DidSaveTextDocument::METHOD => {
            // a saved file may be imported by the others: check them all again
            for uri in documents.uris() {
                publish(connection, documents, &uri);
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(notification.params) {
                documents.remove(&p.text_document.uri);
                let cleared = PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None);
                send_notification::<PublishDiagnostics>(connection, cleared);
            }
        }
        _ => {}
    }
}

fn publish(connection: &Connection, documents: &Documents, uri: &Uri) {
    if let Some(document) = documents.get(uri) {
        let found = diagnostics::diagnostics(uri, document);
        let params = PublishDiagnosticsParams::new(uri.clone(), found, None);
        send_notification::<PublishDiagnostics>(connection, params);
    }
}

fn send_notification<N: lsp_types::notification::Notification>(
    connection: &Connection,
    params: N::Params,
) {
    send(
        connection,
        Message::Notification(Notification::new(N::METHOD.to_string(), params)),
    );
}

fn params<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, serde_json::Error> {
    serde_json::from_value(value)
}

/// Answers one request.
fn respond(documents: &Documents, request: Request) -> Response {
    let id = request.id.clone();
    match request.method.as_str() {
        HoverRequest::METHOD => answer(id, request.params, |p| hover::hover(documents, &p)),
        Completion::METHOD => answer(id, request.params, |p| {
            completion::completion(documents, &p)
        }),
        GotoDefinition::METHOD => answer(id, request.params, |p| {
            navigation::definition(documents, &p)
        }),
        References::METHOD => answer(id, request.params, |p| {
            navigation::references(documents, &p)
        }),
        Formatting::METHOD => answer(id, request.params, |p| symbols::format(documents, &p)),
        DocumentSymbolRequest::METHOD => answer(id, request.params, |p| {
            symbols::document_symbols(documents, &p)
        }),
        _ => Response::new_err(
            id,
            ErrorCode::MethodNotFound as i32,
            format!("mapc lsp does not handle `{}`", request.method),
        ),
    }
}

/// Decodes a request's parameters, runs `handler` and encodes its result.
fn answer<P: DeserializeOwned, R: Serialize>(
    id: RequestId,
    value: serde_json::Value,
    handler: impl FnOnce(P) -> R,
) -> Response {
    match params::<P>(value) {
        Ok(p) => Response::new_ok(id, handler(p)),
        Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
    }
}
