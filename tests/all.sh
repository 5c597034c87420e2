#!/usr/bin/env bash
# The one test command: every test of the project. `.ci/run` calls exactly this,
# then clippy and rustfmt. Each suite below installs what it needs itself,
# idempotently, so this runs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: unit, fixture, CLI and property tests"
cargo test

echo "== the library alone: builds without the CLI's dependencies"
cargo build --quiet --no-default-features --lib
if cargo tree --no-default-features -e normal --prefix none | grep -E '^(clap|indicatif|mimalloc|crossbeam-channel|encoding_rs|encoding_rs_io|quick-xml) '; then
  echo "the library without the cli feature still depends on the crates above" >&2
  exit 1
fi
