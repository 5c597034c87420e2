"""mapc on Spark, nothing lost: PySpark in local mode with two executor
threads maps 100,000 charges (some damaged) with the benchmark's mapping; every input line is mapped or rejected, and the mapped records are
the bytes `mapc apply` writes for the same file."""

import json
import pickle
import random

import pytest

import mapc
import mapc.spark
from conftest import ROOT, run_cli

pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by tests/all.sh")

RECORDS = 100_000
# the peer benchmark's reference mapping: ten fields of a Stripe-like charge
MAPPING = ROOT / "benches/charges.map"
STATUSES = ["succeeded", "processing", "requires_payment_method", "canceled", "disputed"]


def charges(path):
    """Writes RECORDS charges, one per line; about 4% fail: a `created`
    out of range (E308), `metadata` or `customer` not an object (E301), a
    line cut short or not JSON at all (E400). Returns the number of records."""
    rng = random.Random(12)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(RECORDS):
            record = {
                "id": f"ch_{i:012d}",
                "object": "charge",
                "amount": rng.randrange(1, 10**9) if i % 10 else f"{i}.50",
                "currency": rng.choice(["eur", "usd", "chf", None]),
                "created": 1600000000 + i * 37,
                "status": rng.choice(STATUSES),
                "customer": {"id": f"cus_{i % 977}", "email": f" U{i}@Example.COM "},
                "metadata": {"tenant_id": f"t{i % 13}"},
                "billing_details": {"address": {"line1": f"{i} Main St", "city": rng.choice(["Zürich", "Köln", None])}},
            }
            roll = rng.random()
            if roll < 0.01:
                record["created"] = 10**18
            elif roll < 0.015:
                record["metadata"] = "t1"
            elif roll < 0.02:
                record["customer"] = "cus_1"
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
            if 0.02 <= roll < 0.035:
                line = line[: rng.randrange(1, len(line))]
            elif 0.035 <= roll < 0.04:
                line = "NaN, not a record"
            out.write(line + "\n")
            if i % 5000 == 0:
                out.write("\n")  # blank lines are skipped, as by `mapc apply`
    return RECORDS


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("mapc-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # several input splits, so both executor threads map
        .config("spark.sql.files.maxPartitionBytes", str(4 << 20))
        .getOrCreate()
    )
    yield session
    session.stop()


def test_nothing_is_lost_and_the_mapped_records_are_the_cli_bytes(spark, tmp_path):
    data = tmp_path / "charges.ndjson"
    lines = charges(data)
    cli_rejects_path = tmp_path / "rejects.ndjson"
    cli = run_cli("apply", MAPPING, data, "-q", "--jobs", "2", "--on-error", f"reject={cli_rejects_path}")
    assert cli.returncode == 1, cli.stderr.decode()
    cli_rejects = [json.loads(line) for line in cli_rejects_path.read_text().splitlines()]
    assert 3000 < len(cli_rejects) < 6000

    mapping = mapc.compile_file(MAPPING)
    mapped, rejects = mapc.spark.map_ndjson(spark, str(data), mapping)
    assert mapped.rdd.getNumPartitions() >= 2
    n_mapped, n_rejected = mapped.count(), rejects.count()
    assert n_mapped + n_rejected == lines
    assert n_rejected == len(cli_rejects)

    # in file order (row ids grow along the file), the very bytes of the CLI
    out_dir = tmp_path / "mapped"
    mapped.orderBy("row_id").select("output").coalesce(1).write.text(str(out_dir))
    (part,) = out_dir.glob("part-*")
    assert part.read_bytes() == cli.stdout

    # and the rejects say what the reject file says
    ours = sorted((r["input"], r["errors"]) for r in rejects.orderBy("row_id").collect())
    theirs = sorted((r["input"], json.dumps(r["errors"], separators=(",", ":"), ensure_ascii=False))
                    for r in cli_rejects)
    assert ours == theirs
    files = {r["source_file"] for r in rejects.select("source_file").distinct().collect()}
    assert [f.rsplit("/", 1)[-1] for f in files] == ["charges.ndjson"]
    mapped.unpersist()


def test_a_column_of_json_text_with_nulls(spark):
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = StructType([StructField("offset", LongType()), StructField("value", StringType())])
    rows = [(1, '{"id": 12345678901234567890, "cents": 1999}'), (2, None), (3, '{"cents": 5}'), (4, "{")]
    df = spark.createDataFrame(rows, schema)
    m = mapc.compile("id = .id required\namount = .cents / 100")
    mapped, rejects = mapc.spark.map_column(df, m, "value")
    assert [tuple(r) for r in mapped.orderBy("offset").collect()] == [(1, '{"id":12345678901234567890,"amount":19.99}')]
    got = {r["offset"]: (r["input"], [e["code"] for e in json.loads(r["errors"])]) for r in rejects.collect()}
    assert got == {2: (None, ["E400"]), 3: ('{"cents": 5}', ["E300"]), 4: ("{", ["E400"])}
    with pytest.raises(ValueError, match="no column `text`"):
        mapc.spark.map_column(df, m, "text")


def test_a_mapping_is_compiled_once_per_process():
    m = mapc.compile("id = .id")
    blob = pickle.dumps(m)
    first = mapc.spark._mapping(blob)
    assert mapc.spark._mapping(blob) is first
    assert mapc.spark._mapping(pickle.dumps(mapc.compile("id = .id"))) is first
    assert mapc.spark._mapping(pickle.dumps(mapc.compile("id = .other"))) is not first
