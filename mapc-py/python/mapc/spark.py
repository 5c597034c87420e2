"""Mappings on Apache Spark: every input record ends up either in the mapped
DataFrame or in the rejects DataFrame (a dead-letter table), nothing lost.

>>> from mapc.spark import map_ndjson
>>> mapped, rejects = map_ndjson(spark, "s3://bucket/charges/*.ndjson", mapping)
>>> mapped.write.mode("append").text("s3://bucket/ledger/")       # one JSON text per row
>>> rejects.write.mode("append").saveAsTable("ops.charges_dead_letter")

Records travel as Arrow batches (``mapInArrow``): the JSON text column's
buffers go to Rust and the mapped texts come back as Arrow buffers, so no
Python object is made per record. The mapping is pickled to the executors
as its source and options and compiled once per executor process (a
module-level cache), not once per batch.
"""

from __future__ import annotations

import pickle
import threading
from typing import TYPE_CHECKING, Dict, Iterator, List, NamedTuple, Optional, Sequence, Union

from ._mapc import Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkResult", "map_column", "map_ndjson"]

# the columns of the combined result, before it is split in two
_OUTPUT = "__mapc_output"
_ERRORS = "__mapc_errors"
_INPUT = "__mapc_input"

_compiled: Dict[bytes, Mapping] = {}
_lock = threading.Lock()


def _mapping(pickled: bytes) -> Mapping:
    """The mapping for these pickled bytes (its source and options),
    compiled once per process."""
    mapping = _compiled.get(pickled)
    if mapping is None:
        with _lock:
            mapping = _compiled.get(pickled)
            if mapping is None:
                mapping = pickle.loads(pickled)
                _compiled[pickled] = mapping
    return mapping


class SparkResult(NamedTuple):
    """The two DataFrames of a mapping run: together they hold every input row."""

    mapped: "DataFrame"
    """The kept columns and ``output``: the mapped record's JSON text, the
    bytes ``mapc apply`` writes for it."""
    rejects: "DataFrame"
    """The kept columns, ``input`` (the input text) and ``errors``: the JSON
    text of every error, ``[{"code", "message", "target", "source"}, ...]``,
    as in a ``mapc apply`` reject file."""


def _map_batch(mapping: Mapping, batch: "pyarrow.RecordBatch", column: int) -> "pyarrow.RecordBatch":
    import pyarrow as pa
    import pyarrow.compute as pc

    values = batch.column(column)
    if pa.types.is_large_string(values.type):
        width = 8
    elif pa.types.is_string(values.type):
        width = 4
    else:
        values = values.cast(pa.large_string())
        width = 8
    validity, offsets, data = values.buffers()
    start = values.offset
    n = len(values)
    (out_offsets, out_data, out_valid, err_offsets, err_data, err_valid, rejected) = mapping._map_arrow(
        offsets.to_pybytes(),
        data.to_pybytes() if data is not None else b"",
        offset_width=width,
        start=start,
        length=n,
        validity=validity.to_pybytes() if validity is not None else None,
    )
    output = pa.Array.from_buffers(
        pa.large_string(),
        n,
        [pa.py_buffer(out_valid), pa.py_buffer(out_offsets), pa.py_buffer(out_data)],
        null_count=rejected,
    )
    errors = pa.Array.from_buffers(
        pa.large_string(),
        n,
        [pa.py_buffer(err_valid), pa.py_buffer(err_offsets), pa.py_buffer(err_data)],
        null_count=n - rejected,
    )
    # the input text is kept for the rejects only
    kept_input = pc.if_else(errors.is_valid(), values, pa.scalar(None, values.type))
    columns = [batch.column(i) for i in range(batch.num_columns) if i != column]
    names = [batch.schema.field(i).name for i in range(batch.num_columns) if i != column]
    return pa.RecordBatch.from_arrays(
        columns + [output.cast(pa.string()), errors.cast(pa.string()), kept_input.cast(pa.string())],
        names=names + [_OUTPUT, _ERRORS, _INPUT],
    )


def map_column(
    df: "DataFrame",
    mapping: Mapping,
    column: str = "value",
    *,
    cache: bool = True,
) -> SparkResult:
    """Maps a DataFrame column of JSON text with ``mapping``.

    The other columns of ``df`` are kept in both results (ids, file names,
    Kafka offsets: whatever says where a row came from). A null or non-JSON
    value is a reject (E400), so ``df.count() == mapped.count() +
    rejects.count()``.

    With ``cache`` (the default) the combined result is persisted
    (memory and disk) so that using both DataFrames maps each row once;
    call ``.unpersist()`` on either when done.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    names = df.columns
    if column not in names:
        raise ValueError(f"the DataFrame has no column `{column}`; it has {', '.join(names)}")
    index = names.index(column)
    kept = [field for field in df.schema.fields if field.name != column]
    schema = StructType(
        kept
        + [
            StructField(_OUTPUT, StringType(), True),
            StructField(_ERRORS, StringType(), True),
            StructField(_INPUT, StringType(), True),
        ]
    )
    pickled = pickle.dumps(mapping)

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        compiled = _mapping(pickled)
        for batch in batches:
            yield _map_batch(compiled, batch, index)

    combined = df.mapInArrow(run, schema)
    if cache:
        combined = combined.persist(StorageLevel.MEMORY_AND_DISK)
    keep = [F.col(f"`{field.name}`") for field in kept]
    mapped = combined.where(F.col(_OUTPUT).isNotNull()).select(*keep, F.col(_OUTPUT).alias("output"))
    rejects = combined.where(F.col(_ERRORS).isNotNull()).select(
        *keep, F.col(_INPUT).alias("input"), F.col(_ERRORS).alias("errors")
    )
    return SparkResult(mapped, rejects)


def map_ndjson(
    spark: "SparkSession",
    paths: Union[str, Sequence[str]],
    mapping: Mapping,
    *,
    cache: bool = True,
) -> SparkResult:
    """Reads NDJSON files as text and maps every line with ``mapping``.

    Both results carry ``source_file`` (the file's URI) and ``row_id``
    (Spark's ``monotonically_increasing_id``: unique, increasing within a
    part of a file, not a line number). Blank lines are skipped, as
    ``mapc apply`` skips them.
    """
    from pyspark.sql import functions as F

    if isinstance(paths, str):
        paths = [paths]
    text = spark.read.text(list(paths))
    df = text.where(F.col("value").rlike("[^ \\t\\n\\r\\f]")).select(
        F.input_file_name().alias("source_file"),
        F.monotonically_increasing_id().alias("row_id"),
        F.col("value"),
    )
    return map_column(df, mapping, "value", cache=cache)
