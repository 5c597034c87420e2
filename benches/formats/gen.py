#!/usr/bin/env python3
"""Generates the data of benches/formats/run.sh (never committed).

    gen.py json-array SIZE_MB OUT   one JSON array of flat order records
    gen.py ndjson     SIZE_MB OUT   the same records, one per line
    gen.py csv        SIZE_MB OUT   the same records as CSV with a header

Records are deterministic (no randomness), about 120 bytes each, and the
same in the three formats: id, email, amount_cents, status, note.
"""
import sys

STATUSES = ["paid", "open", "refunded", "void"]


def fields(i):
    return (
        f"o-{i:09d}",
        f"customer{i % 9973}@example.com",
        str((i * 7919) % 1000000),
        STATUSES[i % 4],
        "a plain note" if i % 5 else "note, with \"quotes\"",
    )


def json_record(i):
    id_, email, amount, status, note = fields(i)
    note = note.replace('"', '\\"')
    return (f'{{"id":"{id_}","email":"{email}","amount_cents":{amount},'
            f'"status":"{status}","note":"{note}"}}')


def csv_record(i):
    id_, email, amount, status, note = fields(i)
    if '"' in note or "," in note:
        note = '"' + note.replace('"', '""') + '"'
    return f"{id_},{email},{amount},{status},{note}"


def main():
    kind, size_mb, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    limit = size_mb << 20
    written = 0
    i = 0
    with open(out, "w", buffering=1 << 20) as f:
        if kind == "csv":
            f.write("id,email,amount_cents,status,note\n")
        elif kind == "json-array":
            f.write("[\n")
        while written < limit:
            batch = []
            for _ in range(10000):
                if kind == "csv":
                    batch.append(csv_record(i))
                else:
                    batch.append(json_record(i))
                i += 1
            sep = ",\n" if kind == "json-array" else "\n"
            text = sep.join(batch)
            if kind == "json-array" and written > 0:
                text = ",\n" + text
            elif kind != "json-array":
                text += "\n"
            f.write(text)
            written += len(text)
        if kind == "json-array":
            f.write("\n]\n")
    print(f"{out}: {i} records, {written >> 20} MiB", file=sys.stderr)


main()
