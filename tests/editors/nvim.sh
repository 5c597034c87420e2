#!/usr/bin/env bash
# A real editor: headless Neovim, with editors/nvim/mapc.lua, opens a mapping
# with a typo on a line with non-ASCII text and must receive mapc lsp's
# diagnostic at the right place. Neovim keeps columns in bytes and converts
# the server's UTF-16 columns itself, so a server counting anything else
# shows here as a wrong column.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet --bin mapc
mapc="$PWD/target/debug/mapc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/payment.map" <<'MAP'
# Zahlung → Datensatz
id = .id  required
name = "Zoë 𝄞" | trmi
MAP
out="$work/diagnostics.txt"
MAPC_NVIM_OUT="$out" timeout 60 nvim --headless --clean \
  -c "let g:mapc_command = '$mapc'" \
  -c "luafile editors/nvim/mapc.lua" \
  -c "edit $work/payment.map" \
  -c "luafile tests/editors/nvim_diagnostics.lua"
# `trmi` starts at byte 21 of line 2 (0-based); it is UTF-16 unit 18
expected='2:21:E200:1:unknown function `trmi`'
if [ "$(cat "$out")" != "$expected" ]; then
  echo "Neovim received other diagnostics than expected:" >&2
  echo "  got:      $(cat "$out")" >&2
  echo "  expected: $expected" >&2
  exit 1
fi
echo "nvim: 1 passed, 0 failed"
