"""Shared helpers of the mapc Python tests: where the repository and the
`mapc` binary are (the tests compare the package with the CLI)."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def mapc_binary() -> pathlib.Path:
    """The `mapc` binary cargo built: $MAPC_BIN, else target/debug or target/release."""
    if os.environ.get("MAPC_BIN"):
        return pathlib.Path(os.environ["MAPC_BIN"])
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "mapc"
        if path.exists():
            return path
    raise RuntimeError("no mapc binary: run `cargo build` first or set MAPC_BIN")


def run_cli(*args, check=False):
    """Runs `mapc` with args; the completed process (stdout as bytes)."""
    result = subprocess.run([str(mapc_binary()), *map(str, args)], capture_output=True)
    if check and result.returncode != 0:
        raise AssertionError(f"mapc {args} failed: {result.stderr.decode()}")
    return result


@pytest.fixture
def root():
    return ROOT
