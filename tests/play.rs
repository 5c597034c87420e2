//! `mapc play`: the real binary serving the playground. The HTTP test
//! talks to its endpoints; the browser test (run by `tests/all.sh` after
//! installing Chromium: `cargo test --test play -- --ignored`) loads the
//! page in headless Chromium, driven over the DevTools protocol, types a
//! mapping with a mistake, sees the diagnostic at its line and column,
//! fixes it, sees the output and saves.

use mapc::json::{Value as Json, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `mapc play`, stopped when dropped.
struct Play {
    child: Child,
    /// `127.0.0.1:PORT`
    host: String,
}

impl Drop for Play {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Play {
    fn start(mapping: &Path, sample: &Path) -> Play {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .arg("play")
            .arg(mapping)
            .arg(sample)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("mapc play starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let host = line
            .trim()
            .strip_prefix("playground: http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("no URL printed: {line:?}"))
            .to_string();
        assert!(host.starts_with("127.0.0.1:"), "{host}");
        Play { child, host }
    }

    /// One HTTP request; the status and the body.
    fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.host).unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !headers.iter().any(|(name, _)| *name == "Host") {
            request.push_str(&format!("Host: {}\r\n", self.host));
        }
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response.split_once("\r\n\r\n").unwrap().1.to_string();
        (status, body)
    }

    fn post(&self, path: &str, body: &Json) -> (u16, Json) {
        let headers = [("Content-Type", "application/json")];
        let (status, text) = self.http("POST", path, &headers, &body.to_string());
        (status, mapc::json::from_str(&text).unwrap())
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mapc-play-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MAPPING: &str = "id = .id  required\nname = .name | trim\n";
const SAMPLE: &str = "{\"id\": 7, \"name\": \"  Zoë  \"}\n";

fn files(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let mapping = dir.join("person.map");
    let sample = dir.join("person.json");
    std::fs::write(&mapping, MAPPING).unwrap();
    std::fs::write(&sample, SAMPLE).unwrap();
    (mapping, sample)
}

#[test]
fn the_endpoints_check_apply_and_save() {
    let (mapping, sample) = files("http");
    let play = Play::start(&mapping, &sample);

    let (status, page) = play.http("GET", "/", &[], "");
    assert_eq!(status, 200);
    assert!(page.contains("<title>mapc playground</title>"));
    let (_, state) = play.http("GET", "/state", &[], "");
    let state: Json = mapc::json::from_str(&state).unwrap();
    assert_eq!(state["mapping"], MAPPING);
    assert_eq!(state["sample"], SAMPLE);

    // a mistake: the diagnostic with its line and column, rendered as the CLI does
    let typo = "id = .id  required\n# the name\nname = .name | trmi\n";
    let (status, answer) = play.post("/run", &json!({"mapping": typo, "sample": SAMPLE}));
    assert_eq!(status, 200);
    assert_eq!(answer["valid"], false);
    let problem = &answer["problems"][0];
    assert_eq!(problem["code"], "E200");
    assert_eq!(
        (&problem["line"], &problem["column"]),
        (&json!(3), &json!(16))
    );
    assert!(
        problem["rendered"]
            .as_str()
            .unwrap()
            .contains("3 | name = .name | trmi")
    );

    // valid: the output, the doc and the schema
    let (_, answer) = play.post("/run", &json!({"mapping": MAPPING, "sample": SAMPLE}));
    assert_eq!(answer["problems"], json!([]));
    let output: Json = mapc::json::from_str(answer["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, json!({"id": 7, "name": "Zoë"}));
    assert!(
        answer["doc"]
            .as_str()
            .unwrap()
            .contains("<td><code>name</code></td>")
    );
    assert!(answer["schema"].as_str().unwrap().contains("\"required\""));

    // a record that fails at run time: the error at its place, with the record
    let ndjson = "{\"id\": 1}\n{\"name\": \"x\"}\n";
    let (_, answer) = play.post("/run", &json!({"mapping": MAPPING, "sample": ndjson}));
    let problem = &answer["problems"][0];
    assert_eq!(problem["code"], "E300", "{answer:#}");
    assert_eq!(
        (&problem["line"], &problem["column"]),
        (&json!(1), &json!(1))
    );
    assert!(
        problem["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("record 2")
    );
    let output: Json = mapc::json::from_str(answer["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, json!([{"id": 1, "name": null}, null]));

    // save writes the mapping back
    let saved = "id = .id  required\n";
    let (status, _) = play.post("/save", &json!({"mapping": saved}));
    assert_eq!(status, 200);
    assert_eq!(std::fs::read_to_string(&mapping).unwrap(), saved);

    // only requests to its own address, and JSON only
    let (status, _) = play.http("GET", "/", &[("Host", "attacker.example")], "");
    assert_eq!(status, 403);
    let form = [("Content-Type", "text/plain")];
    let (status, _) = play.http("POST", "/save", &form, "{\"mapping\": \"\"}");
    assert_eq!(status, 415);
    assert_eq!(std::fs::read_to_string(&mapping).unwrap(), saved);
}

/// A page in headless Chromium, driven over the DevTools protocol.
struct Browser {
    child: Child,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// The page's session, once attached.
    session: Option<String>,
    _profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn open(url: &str) -> Browser {
        let profile = scratch("chromium-profile");
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1400,860",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts (apt-get install chromium)");
        // `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID`
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let endpoint = loop {
            let mut line = String::new();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "chromium stopped");
            if let Some(rest) = line.trim().strip_prefix("DevTools listening on ") {
                break rest.to_string();
            }
        };
        // keep reading chromium's stderr so that it never blocks on it
        std::thread::spawn(move || for _ in stderr.lines() {});
        let (socket, _) = tungstenite::connect(endpoint.as_str()).unwrap();
        if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
        }
        let mut browser = Browser {
            child,
            socket,
            next_id: 0,
            session: None,
            _profile: profile,
        };
        // a new page, attached to this connection (a "flat" session)
        let target = browser.call("Target.createTarget", json!({"url": url}));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        browser
    }

    fn call(&mut self, method: &str, params: Json) -> Json {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        let message = message.to_string();
        self.socket
            .send(tungstenite::Message::Text(message.into()))
            .unwrap();
        loop {
            let message = self.socket.read().unwrap();
            let Ok(text) = message.to_text() else {
                continue;
            };
            let Ok(reply) = mapc::json::from_str(text) else {
                continue;
            };
            if reply["id"] == id {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    fn eval(&mut self, expression: &str) -> Json {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true (10 s at most); an exception (the
    /// page still loading) counts as not yet.
    fn wait_for(&mut self, expression: &str) {
        let started = Instant::now();
        let guarded = format!(
            "(() => {{ try {{ return ({expression}); }} catch (e) {{ return false; }} }})()"
        );
        while self.eval(&guarded) != json!(true) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "never true: {expression}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Replaces the text of the textarea `id` by typing `text` into it.
    fn type_into(&mut self, id: &str, text: &str) {
        self.eval(&format!("document.getElementById('{id}').focus(); document.getElementById('{id}').select(); true"));
        self.call("Input.insertText", json!({"text": text}));
    }
}

#[test]
#[ignore = "needs Chromium: tests/all.sh installs it and runs this"]
fn in_a_real_browser() {
    let (mapping, sample) = files("browser");
    let play = Play::start(&mapping, &sample);
    let mut browser = Browser::open(&format!("http://{}/", play.host));
    browser.wait_for("document.body.dataset.loaded === 'true'");
    browser.wait_for("document.querySelector('#problems li.ok') !== null");
    assert_eq!(
        browser.eval("document.getElementById('mapping').value"),
        MAPPING
    );

    // a mistake on line 3: the diagnostic shows there
    let typo = "id = .id  required\n# the name\nname = .name | trmi\n";
    browser.type_into("mapping", typo);
    browser.wait_for("document.querySelector('#problems li.error') !== null");
    let shown = browser.eval(
        "(() => { const p = document.querySelector('#problems li.error'); \
         return [p.dataset.line, p.dataset.column, p.dataset.code, p.textContent]; })()",
    );
    assert_eq!(shown[0], "3");
    assert_eq!(shown[1], "16");
    assert_eq!(shown[2], "E200");
    let text = shown[3].as_str().unwrap();
    assert!(
        text.starts_with("line 3, column 16: error[E200] unknown function `trmi`"),
        "{text}"
    );
    assert!(text.contains("did you mean `trim`?"), "{text}");
    // clicking it puts the cursor there
    browser.eval("document.querySelector('#problems li.error').click(); true");
    let cursor = browser.eval("document.getElementById('mapping').selectionStart");
    assert_eq!(cursor, json!(typo.find("trmi").unwrap()));

    // the fix: no problems, and the output
    let fixed = typo.replace("trmi", "trim");
    browser.type_into("mapping", &fixed);
    browser.wait_for("document.querySelector('#problems li.ok') !== null");
    browser.wait_for("document.getElementById('output').textContent.includes('\"Zoë\"')");
    let output: Json = mapc::json::from_str(
        browser
            .eval("document.getElementById('output').textContent")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(output, json!({"id": 7, "name": "Zoë"}));

    // the doc and schema tabs
    browser.eval("document.querySelector('[data-tab=doc]').click(); true");
    browser.wait_for("document.getElementById('doc').hidden === false");
    browser.wait_for("document.getElementById('doc').contentDocument.body.innerHTML.includes('<code>name</code>')");
    browser.eval("document.querySelector('[data-tab=schema]').click(); true");
    browser.wait_for("document.getElementById('schema').textContent.includes('\"required\"')");

    // save writes the file
    browser.eval("document.getElementById('save').click(); true");
    browser.wait_for("document.getElementById('status').textContent.startsWith('saved')");
    assert_eq!(std::fs::read_to_string(&mapping).unwrap(), fixed);

    // `MAPC_SCREENSHOT=docs/playground.png` keeps a picture for the README
    if let Some(path) = std::env::var_os("MAPC_SCREENSHOT") {
        browser.eval("document.querySelector('[data-tab=output]').click(); true");
        let shown = format!(
            "# a person, from the CRM\n{fixed}email = .email | trim | lower  optional\nlet unused = .id\n"
        );
        browser.type_into("mapping", &shown);
        browser.wait_for("document.querySelector('#problems li.warning') !== null");
        let shot = browser.call("Page.captureScreenshot", json!({"format": "png"}));
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}
