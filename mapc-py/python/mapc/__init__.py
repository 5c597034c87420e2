"""mapc: executable field mappings, from Python.

Compile a mapping once, then map records: as Python values (numbers exact:
``int`` and ``decimal.Decimal``, never ``float`` unless asked), as JSON text
(the fast path), or in batches on several threads with the GIL released.

>>> import mapc
>>> m = mapc.compile("id = .id required\\namount = .amount_cents / 100")
>>> m.map({"id": 12345678901234567890, "amount_cents": 1999})
{'id': 12345678901234567890, 'amount': Decimal('19.99')}
>>> m.map_json('{"id": 7, "amount_cents": 5}')
'{"id":7,"amount":0.05}'
"""

from __future__ import annotations

import datetime as _datetime
import os as _os
from typing import Any, Mapping as _Map, Optional, Union

from ._mapc import Mapping
from ._types import (
    BatchResult,
    CompileError,
    Diagnostic,
    MapcError,
    MappingError,
    RecordError,
)

__all__ = [
    "BatchResult",
    "CompileError",
    "Diagnostic",
    "MapcError",
    "Mapping",
    "MappingError",
    "RecordError",
    "compile",
    "compile_file",
]


def compile(
    source: str,
    *,
    name: str = "<mapping>",
    params: Optional[_Map[str, Any]] = None,
    now: Union[_datetime.datetime, str, None] = None,
    time_zone: Optional[str] = None,
    base_dir: Union[str, "_os.PathLike[str]", None] = None,
) -> Mapping:
    """Compiles mapping source text; the same as ``Mapping(source, ...)``.

    ``params`` gives the values of the mapping's ``param`` declarations,
    ``now`` the time ``now()`` returns (an aware ``datetime`` or RFC 3339
    text), ``time_zone`` the IANA zone a date without an offset is read in.
    ``base_dir`` is where ``import`` and ``from csv`` paths are read from.

    Raises ``CompileError`` (every diagnostic) or ``MappingError`` (a
    parameter that is missing, unknown or of the wrong type).
    """
    return Mapping(
        source,
        name=name,
        params=dict(params) if params is not None else None,
        now=now,
        time_zone=time_zone,
        base_dir=_os.fspath(base_dir) if base_dir is not None else None,
    )


def compile_file(
    path: Union[str, "_os.PathLike[str]"],
    *,
    params: Optional[_Map[str, Any]] = None,
    now: Union[_datetime.datetime, str, None] = None,
    time_zone: Optional[str] = None,
) -> Mapping:
    """Reads and compiles a mapping file; imports and CSV tables are read
    relative to its directory. The same as ``Mapping.from_file(path, ...)``.

    Raises ``OSError`` when the file cannot be read, ``CompileError`` and
    ``MappingError`` as ``compile`` does.
    """
    return Mapping.from_file(
        _os.fspath(path),
        params=dict(params) if params is not None else None,
        now=now,
        time_zone=time_zone,
    )
