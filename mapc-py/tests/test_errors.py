"""Every error shape: compile errors with their diagnostics, mapping errors
with every error of the record, input that is not JSON, parameters, files."""

import pickle

import pytest

import mapc


def test_a_compile_error_has_every_diagnostic_rendered_and_as_data():
    with pytest.raises(mapc.CompileError) as caught:
        mapc.compile("id = .id\nemail = .email | trmi\ntotal = nope(.x)", name="orders.map")
    error = caught.value
    assert error.diagnostics == [
        mapc.Diagnostic("E200", 2, 18, "unknown function `trmi`"),
        mapc.Diagnostic("E200", 3, 9, "unknown function `nope`"),
    ]
    code, line, column, message = error.diagnostics[0]
    assert (code, line, column) == ("E200", 2, 18)
    assert "--> orders.map:2:18" in error.rendered
    assert "help: did you mean `trim`?" in error.rendered
    assert str(error) == error.rendered
    assert error.details[0]["help"] == ["did you mean `trim`?"]
    assert isinstance(error, mapc.MapcError)


def test_a_mapping_error_has_every_error_of_the_record():
    m = mapc.compile("id = .id required\namount = .amount / 100\nemail = .email", name="charge.map")
    with pytest.raises(mapc.MappingError) as caught:
        m.map({"amount": "12.50"})
    errors = caught.value.errors
    assert [(e.code, e.target, e.source, e.value, e.line, e.column) for e in errors] == [
        ("E300", "id", "$.id", None, 1, 1),
        ("E301", "amount", "$.amount", '"12.50"', 2, 10),
    ]
    assert errors[1].message == '`/` needs numbers, found string "12.50"'
    assert errors[1].help == "convert text with `to_number(...)`"
    assert "--> charge.map:2:10" in caught.value.rendered
    assert str(caught.value).splitlines()[0].startswith("E300: required field `id` has no value")


def test_the_json_path_raises_the_same_errors():
    m = mapc.compile("id = .id required\namount = .amount / 100")
    with pytest.raises(mapc.MappingError) as from_dict:
        m.map({"amount": "x"})
    with pytest.raises(mapc.MappingError) as from_text:
        m.map_json('{"amount": "x"}')
    assert from_dict.value.errors == from_text.value.errors


def test_input_that_is_not_json_is_error_e400_with_its_column():
    m = mapc.compile("id = .id")
    with pytest.raises(mapc.MappingError) as caught:
        m.map_json('{"id": 1,,}')
    assert caught.value.errors == [
        mapc.RecordError("E400", "input is not valid JSON: key must be a string at column 10", None, None, None, None, None, None)
    ]
    with pytest.raises(mapc.MappingError, match="not valid UTF-8 at column 8"):
        m.map_json(b'{"id": \xff}')
    with pytest.raises(TypeError, match="takes JSON text as str or bytes, found dict"):
        m.map_json({"id": 1})


def test_parameters_are_checked_when_compiling():
    source = "param tenant: string\nparam limit: number = 10\ntenant = $tenant"
    with pytest.raises(mapc.MappingError) as missing:
        mapc.compile(source)
    assert [(e.code, e.message) for e in missing.value.errors] == [("E311", "parameter `$tenant` has no value")]
    with pytest.raises(mapc.MappingError) as wrong:
        mapc.compile(source, params={"tenant": "acme", "limt": 5, "limit": "ten"})
    messages = [e.message for e in wrong.value.errors]
    assert messages == [
        'parameter `$limit` must be a number, found "ten"',
        "the mapping has no parameter `limt`",
    ]
    assert wrong.value.errors[1].help == "did you mean `limit`?"


def test_a_missing_file_is_an_os_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        mapc.compile_file(tmp_path / "missing.map")
    assert caught.value.filename == str(tmp_path / "missing.map")


def test_errors_pickle_with_their_data():
    with pytest.raises(mapc.CompileError) as compile_error:
        mapc.compile("x = trmi(.a)")
    again = pickle.loads(pickle.dumps(compile_error.value))
    assert again.diagnostics == compile_error.value.diagnostics and str(again) == str(compile_error.value)
    with pytest.raises(mapc.MappingError) as mapping_error:
        mapc.compile("x = .a required").map({})
    again = pickle.loads(pickle.dumps(mapping_error.value))
    assert again.errors == mapping_error.value.errors and str(again) == str(mapping_error.value)
