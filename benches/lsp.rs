//! `cargo bench --bench lsp`: how long `mapc lsp` takes from a change of a
//! 300-line mapping (the one of `compile/300_lines`) to its diagnostics,
//! measured over the protocol on the real binary, as an editor sees it:
//! `didChange` sent to `publishDiagnostics` received. Each change
//! alternates between the mapping with a typo (one E200 error) and without.

use criterion::{Criterion, criterion_group, criterion_main};
use mapc::json::{Value as Json, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdout, Command, Stdio};

mod mappings;
use mappings::big_mapping;

fn send(stdin: &mut impl Write, message: &Json) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn receive(stdout: &mut BufReader<ChildStdout>) -> Json {
    let mut length = 0;
    loop {
        let mut header = String::new();
        assert!(
            stdout.read_line(&mut header).unwrap() > 0,
            "mapc lsp closed"
        );
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(n) = header.strip_prefix("Content-Length: ") {
            length = n.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).unwrap();
    mapc::json::from_slice(&body).unwrap()
}

fn diagnostics(stdout: &mut BufReader<ChildStdout>) -> usize {
    loop {
        let message = receive(stdout);
        if message["method"] == "textDocument/publishDiagnostics" {
            return message["params"]["diagnostics"].as_array().unwrap().len();
        }
    }
}

fn lsp(c: &mut Criterion) {
    let good = big_mapping();
    assert_eq!(good.lines().count(), 300);
    let bad = good.replacen("| trim", "| trmi", 1);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let uri = "file:///tmp/mapc-bench/big.map";
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    receive(&mut stdout);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "mapc", "version": 1, "text": good}}}),
    );
    assert_eq!(diagnostics(&mut stdout), 0);
    let mut version = 1;
    c.bench_function("lsp/diagnostics_300_lines", |b| {
        b.iter(|| {
            version += 1;
            let text = if version % 2 == 0 { &bad } else { &good };
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}}),
            );
            assert_eq!(diagnostics(&mut stdout), usize::from(version % 2 == 0));
        })
    });
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    receive(&mut stdout);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    child.wait().unwrap();
}

criterion_group!(benches, lsp);
criterion_main!(benches);
