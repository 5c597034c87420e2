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
if cargo tree --no-default-features -e normal --prefix none | grep -E '^(clap|indicatif|mimalloc|crossbeam-channel|lsp-server|lsp-types|tiny_http) '; then
  echo "the library without the cli feature still depends on the crates above" >&2
  exit 1
fi

echo "== editor: headless Neovim's own LSP client gets mapc lsp's diagnostics"
# Debian's neovim (0.7.2 on bookworm: no vim.lsp.start yet; editors/nvim/mapc.lua
# falls back to vim.lsp.start_client there)
if ! command -v nvim >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
fi
bash tests/editors/nvim.sh

echo "== browser: the playground (mapc play) in headless Chromium"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
cargo test --test play -- --ignored
