#!/usr/bin/env bash
# Growth of the formerly quadratic built-ins (issue 10): the time of one
# `mapc apply` over one record whose hostile part has n elements, at four
# sizes that double. Linear work doubles with n; quadratic work quadruples.
#
#   cargo build --release --bin mapc && bash benches/growth/growth.sh
#
# Prints a Markdown table (seconds, best of 3 runs, process start included).
set -euo pipefail
cd "$(dirname "$0")"
MAPC=${MAPC:-../../target/release/mapc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

best_of_3() {
  local best=""
  for _ in 1 2 3; do
    local start end t
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  printf '%.3f' "$best"
}

# name <tab> mapping <tab> python expression for the record at size n
cases=(
  $'strip_html (n × "&x")\tout = strip_html(.s)\t{"s": "&x" * n}'
  $'unique (n numbers)\tout = count(unique(.xs))\t{"xs": list(range(n))}'
  $'lookup miss (n-key table, 200 misses)\ttable t from csv "t.csv" key "k" value "v"\\nout = .k | lookup(t)\t{"k": "K1x"}'
  $'zone name from the record (n bytes)\tout = to_zone("2024-01-01T00:00:00Z", .z)\t{"z": "x" * n}'
)
sizes=(${SIZES:-125000 250000 500000 1000000})

printf '| built-in | %s |\n|---|%s\n' "$(printf 'n = %s | ' "${sizes[@]}" | sed 's/ | $//')" "$(printf -- '---:|%.0s' "${sizes[@]}")"
for case in "${cases[@]}"; do
  IFS=$'\t' read -r name mapping record <<< "$case"
  printf '%b\n' "$mapping" > "$work/m.map"
  row="| $name |"
  for n in "${sizes[@]}"; do
    python3 - "$n" "$record" "$work" <<'PY'
import json, sys
n = int(sys.argv[1]); work = sys.argv[3]
record = eval(sys.argv[2], {"n": n})
lines = [json.dumps(record)]
if "k" in record:
    # a table of n keys and 200 records that miss it
    with open(f"{work}/t.csv", "w") as f:
        f.write("k,v\n" + "".join(f"K{i:07},v\n" for i in range(n)))
    lines = [json.dumps({"k": f"Z{i}"}) for i in range(200)]
with open(f"{work}/in.ndjson", "w") as f:
    f.write("\n".join(lines) + "\n")
PY
    t=$(best_of_3 "$MAPC" apply "$work/m.map" "$work/in.ndjson" --on-error reject="$work/rejects.ndjson")
    row="$row $t |"
  done
  echo "$row"
done
