"""Type stubs of the Rust extension ``mapc._mapc``."""

import datetime
from typing import Any, List, Mapping as _Map, Optional, Tuple, Union, overload

from ._types import BatchResult

class Mapping:
    """A compiled mapping with its parameters, "now" and default time zone.

    Immutable and thread-safe: one ``Mapping`` can be shared by every thread
    of a process. It pickles as its source and options and compiles again
    when unpickled (what Spark, Beam and ``multiprocessing`` need).
    """

    def __init__(
        self,
        source: str,
        *,
        name: str = "<mapping>",
        params: Optional[_Map[str, Any]] = None,
        now: Union[datetime.datetime, str, None] = None,
        time_zone: Optional[str] = None,
        base_dir: Optional[str] = None,
    ) -> None:
        """Compiles mapping source text.

        Raises ``CompileError`` with every diagnostic, or ``MappingError``
        when a parameter is missing, unknown or of the wrong type.
        """
    @staticmethod
    def from_file(
        path: str,
        *,
        params: Optional[_Map[str, Any]] = None,
        now: Union[datetime.datetime, str, None] = None,
        time_zone: Optional[str] = None,
    ) -> "Mapping":
        """Reads and compiles a mapping file (imports relative to its folder).

        Raises ``OSError`` when it cannot be read, else as ``Mapping()``.
        """
    @property
    def source(self) -> str:
        """The mapping's source text."""
    @property
    def name(self) -> str:
        """The name the mapping is reported under (its path, for a file)."""
    @property
    def params(self) -> dict:
        """The parameter values it was compiled with."""
    @property
    def now(self) -> Optional[str]:
        """"now", as RFC 3339 text, if given."""
    @property
    def time_zone(self) -> Optional[str]:
        """The default time zone, if given."""
    @property
    def warnings(self) -> List[str]:
        """The warnings found while compiling, rendered."""
    def map(self, record: Any, *, floats: bool = False) -> Any:
        """Maps one record given as Python values (a dict, usually).

        Numbers are exact both ways: ``int`` (any size) and
        ``decimal.Decimal`` go in as their digits; an integer comes out as
        ``int``, any other number as ``Decimal`` (as ``float`` with
        ``floats=True``). Raises ``MappingError`` with every error of the
        record.
        """
    @overload
    def map_json(self, record: str) -> str: ...
    @overload
    def map_json(self, record: bytes) -> bytes: ...
    def map_json(self, record: Union[str, bytes]) -> Union[str, bytes]:
        """Maps one record given as JSON text: the fast path (only what the
        mapping reads is parsed). Returns compact JSON text of the same type
        (str or bytes): the bytes ``mapc apply`` writes for it.

        Raises ``MappingError``: every error of the record, or code E400
        when the text is not JSON.
        """
    @overload
    def map_batch(self, lines: List[str], *, jobs: Optional[int] = None) -> BatchResult: ...
    @overload
    def map_batch(self, lines: List[bytes], *, jobs: Optional[int] = None) -> BatchResult: ...
    @overload
    def map_batch(self, lines: bytes, *, jobs: Optional[int] = None) -> BatchResult: ...
    def map_batch(
        self, lines: Union[List[str], List[bytes], bytes], *, jobs: Optional[int] = None
    ) -> BatchResult:
        """Maps many records of JSON text on ``jobs`` threads (default: one
        per core) with the GIL released.

        ``lines`` is a list of JSON texts or NDJSON bytes (blank lines
        skipped but counted, as ``mapc apply`` does). Nothing is raised for
        a record: the result holds the outputs in input order and a reject
        per failed record, in the reject-file shape.
        """
    def _map_arrow(
        self,
        offsets: bytes,
        data: bytes,
        *,
        offset_width: int,
        start: int,
        length: int,
        validity: Optional[bytes] = None,
    ) -> Tuple[bytes, bytes, bytes, bytes, bytes, bytes, int]:
        """Internal (``mapc.spark``): maps an Arrow string array's buffers."""
    def __reduce__(self) -> Any: ...

def _restore(
    source: str,
    name: str,
    base_dir: Optional[str],
    params: dict,
    now: Optional[str],
    time_zone: Optional[str],
) -> Mapping:
    """Internal: unpickles a ``Mapping``."""
