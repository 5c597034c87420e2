//! `mapc play [MAPPING] [SAMPLE]`: a playground in the browser, served by
//! mapc itself on 127.0.0.1 (with `tiny_http`, a small synchronous HTTP
//! server: one page and two JSON endpoints need nothing more).
//!
//! The page (`page.html`, no external resources) sends the mapping, the
//! sample and the parameters to `POST /run` as the author types; the
//! answer is what `mapc check` and `mapc apply` would say: the diagnostics
//! and runtime errors with their line and column (rendered as the CLI
//! renders them), the output, the mapping table of `mapc doc` and the
//! schema of `mapc schema`. `POST /save` writes the mapping back to its
//! file. Only requests addressed to the server's own address are answered
//! (a web page elsewhere cannot reach it through DNS rebinding), and the
//! JSON endpoints take only `application/json` (which a cross-site form
//! cannot send).

mod run;

use super::{Exit, Failure};
use mapc::json::{Value as Json, json};
use std::io::{Read, Write};
use std::path::PathBuf;
use tiny_http::{Header, Method, Request, Response, Server};

/// The arguments of `mapc play`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The mapping to edit; "save" writes it back. Without it the page
    /// starts empty and cannot save
    mapping: Option<PathBuf>,
    /// A sample record: a JSON object, an array of them, or NDJSON
    sample: Option<PathBuf>,
    /// The port on 127.0.0.1 (default: any free port)
    #[arg(long, default_value_t = 0)]
    port: u16,
}

const PAGE: &str = include_str!("page.html");

/// What the page starts with, and where "save" writes.
struct State {
    path: Option<PathBuf>,
    mapping: String,
    sample: String,
}

/// Runs `mapc play` until interrupted.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format_args!(
                "cannot read `{}`: {}",
                path.display(),
                super::report::io_message(&e)
            ))
        })
    };
    let mapping = match &args.mapping {
        // a new file is fine: "save" creates it
        Some(path) if !path.exists() => String::new(),
        Some(path) => read(path)?,
        None => String::new(),
    };
    let sample = match &args.sample {
        Some(path) => read(path)?,
        None => "{}".to_string(),
    };
    let path =
        match &args.mapping {
            Some(p) => Some(std::path::absolute(p).map_err(|e| {
                Failure::usage(format_args!("cannot resolve `{}`: {e}", p.display()))
            })?),
            None => None,
        };
    let state = State {
        path,
        mapping,
        sample,
    };
    let server = Server::http(("127.0.0.1", args.port))
        .map_err(|e| Failure::usage(format_args!("cannot listen on 127.0.0.1: {e}")))?;
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let host = format!("127.0.0.1:{port}");
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "playground: http://{host}/");
        let _ = out.flush();
    }
    super::report::eprint("serving on 127.0.0.1 only; stop with Ctrl-C\n");
    for request in server.incoming_requests() {
        let (request, response) = answer(&state, &host, request);
        let _ = request.respond(response);
    }
    Ok(Exit::Success)
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn json_reply(status: u16, body: &Json) -> Reply {
    Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

fn answer(state: &State, host: &str, mut request: Request) -> (Request, Reply) {
    if !header_is(&request, "Host", &|v| v == host) {
        let reply = json_reply(403, &json!({"error": "wrong Host"}));
        return (request, reply);
    }
    let method = request.method().clone();
    let url = request.url().to_string();
    let reply = match (method, url.as_str()) {
        (Method::Get, "/") => Response::from_string(PAGE)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store")),
        (Method::Get, "/state") => json_reply(
            200,
            &json!({
                "path": state.path.as_ref().map(|p| p.display().to_string()),
                "mapping": state.mapping,
                "sample": state.sample,
            }),
        ),
        (Method::Post, "/run" | "/save") => {
            if !header_is(&request, "Content-Type", &|v| {
                v.starts_with("application/json")
            }) {
                let reply = json_reply(415, &json!({"error": "send application/json"}));
                return (request, reply);
            }
            let mut body = String::new();
            let parsed = request
                .as_reader()
                .take(16 << 20)
                .read_to_string(&mut body)
                .ok()
                .and_then(|_| mapc::json::from_str(&body).ok());
            let Some(body) = parsed else {
                let reply = json_reply(400, &json!({"error": "the body is not JSON"}));
                return (request, reply);
            };
            let text = |key: &str| body[key].as_str().unwrap_or("").to_string();
            if url == "/run" {
                json_reply(
                    200,
                    &run::run(
                        state.path.as_deref(),
                        &text("mapping"),
                        &text("sample"),
                        &text("params"),
                    ),
                )
            } else {
                save(state, &text("mapping"))
            }
        }
        _ => json_reply(404, &json!({"error": "not found"})),
    };
    (request, reply)
}

/// Does `request` have header `name` with a value `wanted` accepts?
fn header_is(request: &Request, name: &'static str, wanted: &dyn Fn(&str) -> bool) -> bool {
    request
        .headers()
        .iter()
        .any(|h| h.field.equiv(name) && wanted(h.value.as_str()))
}

fn save(state: &State, mapping: &str) -> Reply {
    let Some(path) = &state.path else {
        return json_reply(
            409,
            &json!({"error": "no mapping file: start `mapc play MAPPING` to save"}),
        );
    };
    match std::fs::write(path, mapping) {
        Ok(()) => json_reply(200, &json!({"saved": path.display().to_string()})),
        Err(e) => json_reply(
            500,
            &json!({"error": format!("cannot write `{}`: {}", path.display(), super::report::io_message(&e))}),
        ),
    }
}
