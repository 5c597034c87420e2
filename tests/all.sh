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
if cargo tree --no-default-features -e normal --prefix none | grep -E '^(clap|indicatif|mimalloc|crossbeam-channel|lsp-server|lsp-types|tiny_http|signal-hook|encoding_rs|encoding_rs_io|quick-xml|tempfile) '; then
  echo "the library without the cli feature still depends on the crates above" >&2
  exit 1
fi

echo "== a host crate: depending on mapc leaves the host's own serde_json as it is"
cargo test --quiet -p mapc-host-check
if cargo tree -p mapc --no-default-features -e normal,features -i serde_json 2>/dev/null | grep -E 'serde_json feature "(arbitrary_precision|preserve_order)"'; then
  echo "the library turns on a serde_json feature that changes its host's JSON" >&2
  exit 1
fi
# and mapc's own tests run against the serde_json the shipped binary has: a
# dev-dependency that turned either feature on would hide what a host sees
if cargo tree -p mapc -e normal,dev,features -i serde_json 2>/dev/null | grep -E 'serde_json feature "(arbitrary_precision|preserve_order)"'; then
  echo "a dev-dependency turns on a serde_json feature the shipped mapc does not have" >&2
  exit 1
fi

echo "== Python: the mapc package (mapc-py, PyO3 + maturin) and its Spark module"
# Installs what the suite needs only when it is missing (pip into the
# machine's Python; a Java runtime from Debian for Spark), and builds the
# package again only when its sources changed (a stamp in target/).
python="${PYTHON:-python3}"
need=()
"$python" -c "import maturin" 2>/dev/null || need+=("maturin>=1.5,<2")
"$python" -c "import pytest" 2>/dev/null || need+=("pytest>=7")
"$python" -c "import pyarrow" 2>/dev/null || need+=("pyarrow>=12")
"$python" -c "import pandas" 2>/dev/null || need+=("pandas>=2.2,<3") # mapInArrow wants it
"$python" -c "import pyspark" 2>/dev/null || need+=("pyspark>=3.5")
if [ ${#need[@]} -gt 0 ]; then
  "$python" -m pip install --quiet "${need[@]}"
fi
if ! command -v java >/dev/null; then
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless
fi
stamp=target/mapc-py.stamp
sources=$(find Cargo.toml Cargo.lock grammar src mapc-py/Cargo.toml mapc-py/pyproject.toml mapc-py/src mapc-py/python \
  -type f ! -name '*.so' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sources" ] || ! "$python" -c "import mapc._mapc" 2>/dev/null; then
  # the dev profile, as `cargo test` above builds: the dependencies they
  # share are compiled once (maturin's default is a release build, a second
  # compile of every dependency); cargo reuses target/ between runs
  "$python" -m pip install --quiet --no-build-isolation --force-reinstall --no-deps \
    --config-settings=build-args="--profile dev" ./mapc-py
  echo "$sources" > "$stamp"
fi
# the CLI binary `cargo test` built above is what the package is compared with
MAPC_BIN="$PWD/target/debug/mapc" "$python" -m pytest -q -p no:cacheprovider mapc-py/tests

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
