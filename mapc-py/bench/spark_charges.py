"""Benchmark: `benches/charges.map` on Spark local[2] three ways, in one run.

  mapc         mapc.spark.map_ndjson (mapInArrow, the Rust core)
  native       the same mapping as PySpark code: from_json + SQL functions
  python-udf   the same mapping as a plain Python UDF (json.loads/dumps)

and `mapc apply --jobs 2` on the same file, for the ratio. Each Spark
variant reads the NDJSON file as text, maps every record and writes the
mapped JSON text to Spark's `noop` sink (everything computed, nothing
stored); the best of `--runs` runs counts, after one warm-up run.

    python3 mapc-py/bench/spark_charges.py --records 200000 --runs 3

Data is generated into mapc-py/bench/data/ (not committed) from
benches/charge.json, varying id, amount, created and email.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAPPING = ROOT / "benches/charges.map"

STATUS = {"succeeded": "PAID", "processing": "PENDING", "requires_payment_method": "PENDING", "canceled": "CANCELLED"}


def generate(path: pathlib.Path, records: int) -> None:
    template = json.loads((ROOT / "benches/charge.json").read_text())
    statuses = list(STATUS) + ["disputed"]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(records):
            record = dict(template)
            record["id"] = f"pi_{i:020d}"
            record["amount"] = 100 + (i * 7919) % 10**7
            record["created"] = 1600000000 + i * 61
            record["status"] = statuses[i % len(statuses)]
            customer = dict(record["customer"])
            customer["email"] = f" User{i}@Example.COM "
            record["customer"] = customer
            out.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")


def python_udf_mapping(text):
    """charges.map, hand-written in Python (the UDF variant)."""
    import datetime
    from decimal import Decimal

    r = json.loads(text, parse_float=Decimal)
    customer = r.get("customer") if isinstance(r.get("customer"), dict) else {}
    address = ((r.get("billing_details") or {}).get("address") or {}) if isinstance(r.get("billing_details"), dict) else {}
    email = customer.get("email")
    amount = r.get("amount")
    currency = r.get("currency")
    created = r.get("created")
    parts = [p for p in (address.get("line1"), address.get("city")) if p is not None]
    out = {
        "id": r.get("id"),
        "customer_id": customer.get("id"),
        "email": email.lower().strip() if isinstance(email, str) else None,
        "amount": (Decimal(amount) / 100) if isinstance(amount, (int, Decimal)) and not isinstance(amount, bool) else None,
        "currency": currency.upper() if isinstance(currency, str) else None,
        "created_at": datetime.datetime.fromtimestamp(created, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(created, int) and not isinstance(created, bool) else None,
        "status": STATUS.get(r.get("status"), "UNKNOWN"),
        "tenant_id": (r.get("metadata") or {}).get("tenant_id"),
        "city": address.get("city"),
        "full_address": ", ".join(parts),
    }
    return json.dumps(out, default=str, separators=(",", ":"), ensure_ascii=False)


def variants(spark, path):
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    import mapc
    from mapc.spark import map_ndjson

    def run_mapc():
        mapping = mapc.compile_file(MAPPING)
        mapped, _ = map_ndjson(spark, str(path), mapping, cache=False)
        return mapped.select("output")

    def run_native():
        schema = (
            "id string, amount decimal(38,0), currency string, created long, status string, "
            "customer struct<id:string, email:string>, metadata struct<tenant_id:string>, "
            "billing_details struct<address:struct<line1:string, city:string>>"
        )
        r = F.from_json(F.col("value"), schema).alias("r")
        status = F.coalesce(
            F.create_map(*[F.lit(x) for kv in STATUS.items() for x in kv])[F.col("r.status")], F.lit("UNKNOWN")
        )
        record = F.struct(
            F.col("r.id").alias("id"),
            F.col("r.customer.id").alias("customer_id"),
            F.trim(F.lower(F.col("r.customer.email"))).alias("email"),
            (F.col("r.amount") / 100).alias("amount"),
            F.upper(F.col("r.currency")).alias("currency"),
            F.date_format(F.timestamp_seconds(F.col("r.created")), "yyyy-MM-dd'T'HH:mm:ss'Z'").alias("created_at"),
            status.alias("status"),
            F.col("r.metadata.tenant_id").alias("tenant_id"),
            F.col("r.billing_details.address.city").alias("city"),
            F.concat_ws(", ", F.col("r.billing_details.address.line1"), F.col("r.billing_details.address.city")).alias(
                "full_address"
            ),
        )
        text = spark.read.text(str(path))
        return text.select(r).select(F.to_json(record, {"ignoreNullFields": "false"}).alias("output"))

    def run_udf():
        udf = F.udf(python_udf_mapping, StringType())
        return spark.read.text(str(path)).select(udf(F.col("value")).alias("output"))

    return {"mapc": run_mapc, "native": run_native, "python-udf": run_udf}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mapc", default=str(ROOT / "target/release/mapc"), help="the mapc binary (release)")
    parser.add_argument("--only", nargs="*", help="variants to run (mapc, native, python-udf)")
    args = parser.parse_args()

    data_dir = pathlib.Path(__file__).resolve().parent / "data"
    data_dir.mkdir(exist_ok=True)
    path = data_dir / f"charges-{args.records}.ndjson"
    if not path.exists():
        generate(path, args.records)
    size = path.stat().st_size

    def best(fn):
        times = []
        for _ in range(args.runs + 1):  # the first is a warm-up
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times[1:])

    cli = best(lambda: subprocess.run(
        [args.mapc, "apply", str(MAPPING), str(path), "--jobs", "2", "-q", "-o", "/dev/null"], check=True))

    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.files.maxPartitionBytes", str(max(size // 8, 1 << 20)))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    results = {}
    for name, build in variants(spark, path).items():
        if args.only and name not in args.only:
            continue
        results[name] = best(lambda: build().write.format("noop").mode("overwrite").save())
    spark.stop()

    print(f"{args.records} records, {size / 1e6:.1f} MB, best of {args.runs} runs after a warm-up")
    print("| variant | s | records/s | x `mapc apply --jobs 2` |")
    print("|---|---:|---:|---:|")
    print(f"| `mapc apply --jobs 2` (no Spark) | {cli:.2f} | {args.records / cli:,.0f} | 1.00 |")
    for name, seconds in results.items():
        print(f"| Spark local[2]: {name} | {seconds:.2f} | {args.records / seconds:,.0f} | {cli / seconds:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
