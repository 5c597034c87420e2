#!/usr/bin/env bash
# The one test command: every test of the project. `.ci/run` calls exactly this,
# then clippy and rustfmt. Each suite below installs what it needs itself,
# idempotently, so this runs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: unit, fixture, CLI and property tests"
cargo test
