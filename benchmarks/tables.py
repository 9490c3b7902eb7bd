"""Benchmark the tidy tables (`newskg export --format figures|entities|relations`): rows read
from the store, then each file format written, in one process (start-up left out).

    nice .venv/bin/python benchmarks/tables.py --store DIR

Prints one JSON line per table and format: rows, seconds to read the rows, seconds to write,
bytes. Figures go to docs/export.md ("Measured").
"""
from __future__ import annotations

import argparse
import json
import time

from kg.store import open_store
from kg.table_files import FILE_FORMATS, table_bytes
from kg.tidy_tables import TABLES, table_rows


def main() -> None:
    """Time every table and file format on the store given."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a built store directory")
    args = ap.parse_args()
    store = open_store(args.store, read_only=True)
    for table in TABLES:
        t0 = time.perf_counter()
        rows = table_rows(store, table)
        read = time.perf_counter() - t0
        for fmt in FILE_FORMATS:
            t0 = time.perf_counter()
            data = table_bytes(rows, table, fmt)
            print(json.dumps({"table": table, "format": fmt, "rows": len(rows), "read_s": round(read, 3),
                              "write_s": round(time.perf_counter() - t0, 3), "bytes": len(data)}))


if __name__ == "__main__":
    main()
