#!/usr/bin/env bash
# Peak memory and throughput of mapc's formats, and Miller (mlr) side by
# side on the same data. Usage: benches/formats/run.sh DATA_DIR
# (DATA_DIR gets about 4.5 GB of generated data; nothing is committed).
# Needs a release build (`cargo build --release`) and `mlr` on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${1:?usage: run.sh DATA_DIR}
mapc=${MAPC:-$here/../../target/release/mapc}
mkdir -p "$data"
gen() { [ -s "$data/$2" ] || python3 "$here/gen.py" "$1" "$3" "$data/$2"; }
gen json-array orders-2m.json 2
gen json-array orders-2g.json 2048
gen csv orders-2m.csv 2
gen csv orders-2g.csv 2048
gen csv orders-200m.csv 200
gen ndjson orders-200m.ndjson 200

echo "== peak RSS (KiB), mapc apply --jobs 2, output to /dev/null"
for f in orders-2m.json orders-2g.json orders-2m.csv orders-2g.csv; do
  /usr/bin/time -f "$f: %M KiB, %e s" "$mapc" apply "$here/orders.map" "$data/$f" \
    --to ndjson --jobs 2 --quiet > /dev/null
done

echo "== throughput (wall seconds, best of 3): CSV -> JSON and JSON -> CSV"
best() { local b=""; for _ in 1 2 3; do
  local t; t=$( { /usr/bin/time -f %e "$@" > /dev/null; } 2>&1 | tail -1 )
  if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi; done; echo "$b"; }
echo "csv->ndjson mapc --jobs 1: $(best "$mapc" apply "$here/orders.map" "$data/orders-200m.csv" --to ndjson --jobs 1 --quiet) s"
echo "csv->ndjson mapc --jobs 2: $(best "$mapc" apply "$here/orders.map" "$data/orders-200m.csv" --to ndjson --jobs 2 --quiet) s"
echo "csv->ndjson mlr:           $(best mlr --icsv --ojsonl cat "$data/orders-200m.csv") s"
echo "ndjson->csv mapc --jobs 1: $(best "$mapc" apply "$here/orders.map" "$data/orders-200m.ndjson" --to csv --jobs 1 --quiet) s"
echo "ndjson->csv mapc --jobs 2: $(best "$mapc" apply "$here/orders.map" "$data/orders-200m.ndjson" --to csv --jobs 2 --quiet) s"
echo "ndjson->csv mlr:           $(best mlr --ijsonl --ocsv cat "$data/orders-200m.ndjson") s"
