//! `mapc lsp`: the real binary driven over the Language Server Protocol,
//! as an editor drives it (JSON-RPC messages with `Content-Length` headers
//! on stdin and stdout).

use mapc::json::{Value as Json, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A running `mapc lsp`.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Json>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("mapc lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                stdout.read_exact(&mut body).unwrap();
                if sender.send(mapc::json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            messages,
            next_id: 0,
        };
        let result = server.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        assert_eq!(result["capabilities"]["textDocumentSync"], 1, "full sync");
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: Json) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Json) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn receive(&mut self) -> Json {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// Sends a request and returns its result (other messages meanwhile
    /// are dropped).
    fn request(&mut self, method: &str, params: Json) -> Json {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Json> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Json> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "mapc", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn at(&mut self, method: &str, uri: &str, (line, character): (u32, u32)) -> Json {
        let mut params = json!({
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
        });
        if method == "textDocument/references" {
            params["context"] = json!({"includeDeclaration": true});
        }
        self.request(method, params)
    }

    fn stop(mut self) {
        assert_eq!(self.request("shutdown", Json::Null), Json::Null);
        self.notify("exit", Json::Null);
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "mapc lsp exits with 0 after exit: {status}"
        );
    }
}

/// The LSP position (line, UTF-16 column) of the `nth` `needle` in `text`.
fn position(text: &str, needle: &str, nth: usize) -> (u32, u32) {
    let offset = text.match_indices(needle).nth(nth).expect(needle).0;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    let column = text[line_start..offset].encode_utf16().count();
    (line as u32, column as u32)
}

fn range(text: &str, needle: &str, nth: usize) -> Json {
    name_range(text, needle, nth, needle)
}

/// The range of `name` written at the start of the `nth` `needle`.
fn name_range(text: &str, needle: &str, nth: usize, name: &str) -> Json {
    assert!(needle.starts_with(name));
    let (line, column) = position(text, needle, nth);
    let end = column + name.encode_utf16().count() as u32;
    json!({"start": {"line": line, "character": column}, "end": {"line": line, "character": end}})
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mapc-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

const MAPPING: &str = r#"# Zahlung → Datensatz
param tenant: string
table codes {
  "a" => "A"
  _ => "?"
}
def clean(s) = s | trim | lower
let code = .code
tenant = $tenant
name = concat("Zoë 𝄞 ", .name) | trmi
status = code | lookup(codes)
email = clean(.email)
address = {
  city = .city
}
"#;

#[test]
fn a_session_from_open_to_exit() {
    let dir = scratch("session");
    let path = dir.join("payment.map");
    let uri = uri(&path);
    let text = MAPPING;
    let mut server = Server::start();

    // diagnostics on open: the typo, at its UTF-16 column on a line with
    // non-ASCII text before it (`ë` is 2 bytes, `𝄞` 4 bytes and 2 units)
    let diagnostics = server.open(&uri, text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let typo = &diagnostics[0];
    assert_eq!(typo["code"], "E200");
    assert_eq!(typo["severity"], 1);
    assert_eq!(typo["source"], "mapc");
    assert_eq!(typo["range"], range(text, "trmi", 0));
    // 34 UTF-16 units; counting characters would give 33, bytes 37
    assert_eq!(typo["range"]["start"]["character"], 34);
    let message = typo["message"].as_str().unwrap();
    assert!(message.contains("unknown function `trmi`"), "{message}");
    assert!(message.contains("did you mean `trim`?"), "{message}");

    // hover: a built-in from the table of built-ins, and each declaration
    let hover = |server: &mut Server, needle, nth| {
        let result = server.at("textDocument/hover", &uri, position(text, needle, nth));
        result["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let trim = hover(&mut server, "trim", 0);
    let signature = mapc::stdlib::function("trim").unwrap().signature();
    assert!(
        trim.contains(&format!("```mapc\n{signature}\n```")),
        "{trim}"
    );
    assert!(trim.contains("Example: `trim("), "{trim}");
    let table = hover(&mut server, "codes)", 0);
    assert!(
        table.contains("table `codes` (2 keys): `a`, `_`"),
        "{table}"
    );
    let param = hover(&mut server, "$tenant", 0);
    assert!(param.contains("param tenant: string"), "{param}");
    let binding = hover(&mut server, "code |", 0);
    assert!(binding.contains("let code = .code"), "{binding}");
    let def = hover(&mut server, "clean(.email", 0);
    assert!(def.contains("def clean(s)"), "{def}");
    assert!(def.contains("used 1 time"), "{def}");

    // completion: built-ins with signatures, the file's names, options
    let items = server.at("textDocument/completion", &uri, position(text, "trmi", 0));
    let items = items.as_array().unwrap();
    let item = |label: &str| {
        items
            .iter()
            .find(|i| i["label"] == label)
            .unwrap_or_else(|| panic!("no completion `{label}`"))
    };
    assert_eq!(item("trim")["detail"], signature);
    assert_eq!(item("trim")["kind"], 3, "function");
    assert_eq!(item("codes")["detail"], "table");
    assert_eq!(item("clean")["detail"], "def clean(s)");
    assert_eq!(item("$tenant")["detail"], "parameter");
    assert_eq!(item("code")["detail"], "let");
    assert_eq!(item("required")["kind"], 14, "keyword");
    assert!(
        item("default")["detail"]
            .as_str()
            .unwrap()
            .starts_with("rule option")
    );
    assert_eq!(item("match")["detail"], "keyword");
    assert!(
        !items.iter().any(|i| i["label"] == "s"),
        "a def's parameter is local to it"
    );

    // go to definition and find references
    let definition = server.at("textDocument/definition", &uri, position(text, "codes)", 0));
    assert_eq!(definition["uri"], uri);
    assert_eq!(definition["range"], range(text, "codes", 0));
    let definition = server.at("textDocument/definition", &uri, position(text, "s |", 0));
    assert_eq!(definition["range"], name_range(text, "s)", 0, "s"));
    let definition = server.at("textDocument/definition", &uri, position(text, "code |", 0));
    assert_eq!(definition["range"], name_range(text, "code =", 0, "code"));
    let references = server.at("textDocument/references", &uri, position(text, "codes", 0));
    let ranges: Vec<&Json> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["range"])
        .collect();
    assert_eq!(ranges, [&range(text, "codes", 0), &range(text, "codes", 1)]);
    let references = server.at(
        "textDocument/references",
        &uri,
        position(text, "$tenant", 0),
    );
    assert_eq!(references.as_array().unwrap().len(), 2);

    // formatting: `mapc fmt`'s layout, as one edit
    let edits = server.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = mapc::format(text).unwrap();
    assert_ne!(formatted, text);
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], formatted);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );

    // the target fields as an outline, then the declarations
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "tenant", "name", "status", "email", "address", "tenant", "codes", "clean"
        ]
    );
    assert_eq!(symbols[4]["children"][0]["name"], "city");
    assert_eq!(symbols[4]["kind"], 8, "field");
    assert_eq!(symbols[6]["kind"], 10, "enum (a table)");

    // the fix clears the diagnostics
    let fixed = text.replace("trmi", "trim");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(server.diagnostics(&uri), Vec::<Json>::new());
    // and a warning is a warning, with its code
    let unused = format!("{fixed}param unused: string\n");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": unused}]}),
    );
    let diagnostics = server.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "W201");
    assert_eq!(diagnostics[0]["severity"], 2);
    // after `$`, only the parameters, without their `$`
    let typing = format!("{fixed}t = $te");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": typing}]}),
    );
    server.diagnostics(&uri);
    let end = position(&typing, "$te", 0);
    let items = server.at("textDocument/completion", &uri, (end.0, end.1 + 3));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["tenant"]);
    server.stop();
}

#[test]
fn imports_are_followed_across_files() {
    let dir = scratch("imports");
    let lib = dir.join("common.map");
    let lib_text = "# shared\ntable regions {\n  \"DE\" => \"EU\"\n}\ndef shout(s) = s | upper\n";
    std::fs::write(&lib, lib_text).unwrap();
    let broken = dir.join("broken.map");
    std::fs::write(&broken, "table t {\n  \"a\" => \n}\n").unwrap();
    let main = dir.join("main.map");
    let uri = uri(&main);
    let text = "import shout, regions, nope from \"common.map\"\nimport t from \"broken.map\"\nregion = .country | lookup(regions)\nname = shout(.name)\n";
    let mut server = Server::start();
    let diagnostics = server.open(&uri, text);
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // the syntax error in broken.map, shown on the import, pointing there
    let syntax = diagnostics
        .iter()
        .find(|d| d["code"].as_str().unwrap().starts_with("E1"))
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert_eq!(syntax["range"]["start"]["line"], 1, "{diagnostics:#?}");
    let related = &syntax["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], format!("file://{}", broken.display()));
    // at the `}` where the value should be
    assert_eq!(related["range"]["start"]["line"], 2);
    // a name the imported file does not have, at that name
    let missing = diagnostics
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("no table or def `nope`")
        })
        .unwrap_or_else(|| panic!("{codes:?}"));
    assert_eq!(missing["range"], range(text, "nope", 0));

    // go to definition into the imported file
    let common = format!("file://{}", lib.display());
    let definition = server.at(
        "textDocument/definition",
        &uri,
        position(text, "shout(.", 0),
    );
    assert_eq!(definition["uri"], common);
    assert_eq!(definition["range"], range(lib_text, "shout", 0));
    let definition = server.at(
        "textDocument/definition",
        &uri,
        position(text, "regions)", 0),
    );
    assert_eq!(definition["range"], range(lib_text, "regions", 0));
    // hover on an imported name shows its declaration there
    let hover = server.at("textDocument/hover", &uri, position(text, "regions)", 0));
    let hover = hover["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("imported from `common.map`"), "{hover}");
    assert!(hover.contains("table `regions` (1 keys): `DE`"), "{hover}");
    server.stop();
}
