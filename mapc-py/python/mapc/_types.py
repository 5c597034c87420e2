"""The exceptions and small result types of mapc (raised and built by the
Rust extension; defined here so that they pickle and carry docstrings)."""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional, Union

__all__ = [
    "BatchResult",
    "CompileError",
    "Diagnostic",
    "MapcError",
    "MappingError",
    "RecordError",
]


class Diagnostic(NamedTuple):
    """One problem found while compiling a mapping."""

    code: str
    """The stable code, such as ``"E200"``."""
    line: Optional[int]
    """The 1-based line in the mapping (``None`` when it has no place)."""
    column: Optional[int]
    """The 1-based column, in characters."""
    message: str
    """What is wrong."""


class RecordError(NamedTuple):
    """One error of one record: what failed, where in the record and where
    in the mapping."""

    code: str
    """The stable code, such as ``"E300"``."""
    message: str
    """What went wrong."""
    target: Optional[str]
    """The target field being written: ``"lines[2].sku"``."""
    source: Optional[str]
    """Where the offending value was read: ``"$.line_items[2].price"``."""
    value: Optional[str]
    """The offending value, as JSON text (shortened)."""
    line: Optional[int]
    """The 1-based line in the mapping (``None`` for input that is not JSON)."""
    column: Optional[int]
    """The 1-based column in the mapping."""
    help: Optional[str]
    """A likely fix, when there is one."""


class BatchResult(NamedTuple):
    """What ``Mapping.map_batch`` returns: the outputs of the records that
    mapped, in input order, and a reject for every record that did not."""

    outputs: Union[List[str], List[bytes], bytes]
    """A list of JSON texts (str or bytes, like the input), or, for NDJSON
    bytes in, NDJSON bytes out: the bytes ``mapc apply`` writes."""
    rejects: List[dict]
    """One dict per failed record, in the shape of a ``mapc apply`` reject
    file line: ``{"line": 3, "input": "...", "errors": [{"code", "message",
    "target", "source"}, ...]}`` (``input_base64`` instead of ``input`` when
    the line is not UTF-8). ``line`` is 1-based: the list index + 1, or the
    line number in the NDJSON bytes."""


class MapcError(Exception):
    """The base class of mapc's errors."""


class CompileError(MapcError):
    """The mapping does not compile: every diagnostic, rendered and as data."""

    def __init__(self, rendered: str, diagnostics: List[Diagnostic], details: List[dict]):
        super().__init__(rendered, diagnostics, details)
        self.rendered = rendered
        """The diagnostics as ``mapc check`` prints them."""
        self.diagnostics = diagnostics
        """Each as ``(code, line, column, message)``."""
        self.details = details
        """Each as ``mapc check --format json`` gives it (file, end, notes, help)."""

    def __str__(self) -> str:
        return self.rendered


class MappingError(MapcError):
    """A record did not map (or a parameter is wrong): every error of it."""

    def __init__(self, message: str, errors: List[RecordError], rendered: str):
        super().__init__(message, errors, rendered)
        self.message = message
        """One line per error."""
        self.errors = errors
        """Each error: code, message, target, source, value, line, column, help."""
        self.rendered = rendered
        """The errors as ``mapc apply`` reports them, with the mapping's text."""

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Any:
        return (MappingError, (self.message, self.errors, self.rendered))
