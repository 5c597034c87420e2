"""The package gives the bytes the CLI gives: every case of the shipped
mappings (`mappings/*/*.tests/`), and NDJSON with damaged lines, outputs
and rejects."""

import decimal
import json
import pathlib

import pytest

import mapc
from conftest import ROOT, run_cli

CASES = sorted(ROOT.glob("mappings/*/*.tests/*/input.json"))


def mapping_of(case: pathlib.Path) -> pathlib.Path:
    tests = case.parent
    return tests.parent / (tests.name[: -len(".tests")] + ".map")


def test_there_are_shipped_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("input_path", CASES, ids=lambda p: f"{p.parts[-4]}/{p.parts[-2]}")
def test_a_shipped_case_gives_the_cli_bytes(input_path, tmp_path):
    case = input_path.parent
    map_path = mapping_of(case)
    params_path = case / "params.json"
    params = json.loads(params_path.read_text()) if params_path.exists() else {}
    try:
        m = mapc.compile_file(map_path, params=params)
        compile_error = None
    except mapc.MappingError as error:
        # a parameter without a value fails before the first record
        m, compile_error = None, error
    args = [f"--param={k}={v}" for k, v in params.items()]
    text = input_path.read_bytes()
    rejects = tmp_path / "rejects.ndjson"
    cli = run_cli("apply", map_path, input_path, "--on-error", f"reject={rejects}", *args)
    if (case / "expected.json").exists():
        assert cli.returncode == 0, cli.stderr.decode()
        assert compile_error is None
        assert m.map_json(text) + b"\n" == cli.stdout
        assert m.map_json(text.decode()) + "\n" == cli.stdout.decode()
        # the dict path gives the same values, numbers exact
        record = json.loads(text, parse_float=decimal.Decimal)
        assert m.map(record) == json.loads(cli.stdout, parse_float=decimal.Decimal)
    else:
        expected = json.loads((case / "expected_error.json").read_text())
        if compile_error is not None:
            assert cli.returncode == 2
            assert f"error[{expected[0]['code']}]" in cli.stderr.decode()
            errors = compile_error.errors
        else:
            assert cli.returncode == 1
            with pytest.raises(mapc.MappingError) as caught:
                m.map_json(text)
            errors = caught.value.errors
            (reject,) = [json.loads(line) for line in rejects.read_text().splitlines()]
            ours = [{"code": e.code, "message": e.message, "target": e.target, "source": e.source} for e in errors]
            assert ours == reject["errors"]
        assert [e.code for e in errors][: len(expected)] == [e["code"] for e in expected]


def damaged_ndjson(records: int) -> bytes:
    """Charge-like records; every 7th is missing its id, every 11th has text
    for an amount, every 13th is cut short, every 17th is not UTF-8."""
    lines = []
    for i in range(records):
        record = {"id": f"ch_{i}", "amount": 1000 + i, "currency": "eur", "customer": {"email": f" U{i}@Example.com "}}
        if i % 7 == 3:
            del record["id"]
        if i % 11 == 5:
            record["amount"] = "12.50"
        line = json.dumps(record).encode()
        if i % 13 == 6:
            line = line[:-9]
        if i % 17 == 8:
            line = line.replace(b"Example", b"Ex\xffample")
        lines.append(line)
        if i % 50 == 0:
            lines.append(b"   ")
    return b"\n".join(lines) + b"\n"


SOURCE = """
id       = .id required
amount   = .amount / 100
currency = upper(.currency)
email    = .customer.email | trim | lower
"""


def test_a_batch_gives_the_cli_outputs_and_reject_file(tmp_path):
    data = damaged_ndjson(3000)
    (tmp_path / "m.map").write_text(SOURCE)
    (tmp_path / "in.ndjson").write_bytes(data)
    rejects_path = tmp_path / "rejects.ndjson"
    cli = run_cli("apply", tmp_path / "m.map", tmp_path / "in.ndjson", "-q", "--on-error", f"reject={rejects_path}")
    assert cli.returncode == 1, cli.stderr.decode()
    cli_rejects = [json.loads(line) for line in rejects_path.read_text().splitlines()]
    m = mapc.compile_file(tmp_path / "m.map")

    for jobs in (1, 2, 5):
        result = m.map_batch(data, jobs=jobs)
        assert result.outputs == cli.stdout
        assert result.rejects == cli_rejects

    # the same records as a list of lines: line numbers are list positions
    lines = [line for line in data.split(b"\n") if line.strip()]
    result = m.map_batch(lines, jobs=3)
    assert b"".join(out + b"\n" for out in result.outputs) == cli.stdout
    assert [r["errors"] for r in result.rejects] == [r["errors"] for r in cli_rejects]
    for reject in result.rejects:
        line = lines[reject["line"] - 1]
        assert reject.get("input", "").encode() == line or "input_base64" in reject
    assert len(result.outputs) + len(result.rejects) == len(lines)
    texts = [line.decode("utf-8", "replace") for line in lines]
    as_text = m.map_batch(texts)
    assert all(type(out) is str for out in as_text.outputs)
    assert len(as_text.outputs) + len(as_text.rejects) == len(lines)
    assert len(cli_rejects) > 500


def test_map_batch_refuses_what_is_not_json_text():
    m = mapc.compile("id = .id")
    with pytest.raises(TypeError, match="item 1 is int"):
        m.map_batch(['{"id": 1}', 2])
    with pytest.raises(TypeError, match="found dict"):
        m.map_batch({"id": 1})
    with pytest.raises(ValueError, match="at least 1"):
        m.map_batch([], jobs=0)
    assert m.map_batch([]) == mapc.BatchResult([], [])
    assert m.map_batch(b"") == mapc.BatchResult(b"", [])
