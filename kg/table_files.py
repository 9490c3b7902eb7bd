"""Write the tidy tables of :mod:`kg.tidy_tables` as CSV, JSON Lines or Parquet files, the
file format chosen by the file's extension.

CSV is UTF-8 **with a byte order mark** by default: Excel (Chinese Windows included) reads a
CSV without one in the system code page (GBK) and garbles every Chinese cell; pandas, R's
``readr``/``read.csv(fileEncoding="UTF-8-BOM")`` and Stata 14+ read it. ``bom=False`` leaves it
out (for tools that take the mark as part of the first column's name).

>>> file_format("out/figures.PARQUET"), file_format("f.jsonl"), file_format("-")
('parquet', 'jsonl', 'csv')
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import BinaryIO

from corpus.errors import GraphError
from kg.tidy_tables import COLUMNS, INT_COLUMNS, NUMBER_COLUMNS

#: File extension -> file format.
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
FILE_FORMATS = ("csv", "jsonl", "parquet")


def file_format(output: str | os.PathLike) -> str:
    """The file format an output path asks for by its extension; ``-`` (stdout) is CSV.

    :raises GraphError: for an extension that is none of :data:`EXTENSIONS`.
    """
    s = os.fspath(output)
    if s == "-":
        return "csv"
    ext = Path(s).suffix.lower()
    if ext not in EXTENSIONS:
        raise GraphError(f"cannot tell the table format of {s!r}: name it .csv, .jsonl or .parquet")
    return EXTENSIONS[ext]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_bytes(rows: list[dict], table: str, *, bom: bool = True) -> bytes:
    """The rows as CSV (header = the table's columns), UTF-8, with a BOM unless ``bom=False``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    cols = COLUMNS[table]
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def _json_value(column: str, value):
    if column in NUMBER_COLUMNS:
        return float(value) if value not in ("", None) else None
    return value


def jsonl_bytes(rows: list[dict], table: str) -> bytes:
    """The rows as JSON Lines: one object per row, keys in column order, numbers as numbers,
    missing numbers and offsets as null, Chinese as is (UTF-8)."""
    cols = COLUMNS[table]
    lines = [json.dumps({c: _json_value(c, r.get(c)) for c in cols}, ensure_ascii=False) for r in rows]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def parquet_bytes(rows: list[dict], table: str) -> bytes:
    """The rows as a Parquet file with typed columns (float64 numbers, int64 counts and
    offsets, bool ``conflict``, UTF-8 strings).

    :raises GraphError: when pyarrow is not installed (it is optional: ``pip install pyarrow``).
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise GraphError("Parquet needs pyarrow, which is not installed: pip install pyarrow "
                         "(or write .csv / .jsonl)") from e
    cols = COLUMNS[table]

    def kind(c: str):
        if c in NUMBER_COLUMNS:
            return pa.float64()
        if c in INT_COLUMNS:
            return pa.int64()
        return pa.bool_() if c == "conflict" else pa.string()

    schema = pa.schema([(c, kind(c)) for c in cols])
    data = {c: [_json_value(c, r.get(c)) for r in rows] for c in cols}
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pydict(data, schema=schema), buf)
    return buf.getvalue()


def table_bytes(rows: list[dict], table: str, fmt: str, *, bom: bool = True) -> bytes:
    """The rows of ``table`` in file format ``fmt`` (csv, jsonl or parquet)."""
    if fmt == "csv":
        return csv_bytes(rows, table, bom=bom)
    if fmt == "jsonl":
        return jsonl_bytes(rows, table)
    if fmt == "parquet":
        return parquet_bytes(rows, table)
    raise GraphError(f"unknown table file format {fmt!r}; use one of {', '.join(FILE_FORMATS)}")


def write_table(rows: list[dict], table: str, output: str | os.PathLike | BinaryIO, *, fmt: str | None = None,
                bom: bool = True) -> Path | None:
    """Write the rows to ``output`` (a path, whose extension gives the format unless ``fmt``
    does, or a binary file); the path written, or None for a file object.

    :raises GraphError: unknown extension, missing pyarrow, unwritable output.
    """
    if hasattr(output, "write"):
        output.write(table_bytes(rows, table, fmt or "csv", bom=bom))
        return None
    path = Path(output)
    data = table_bytes(rows, table, fmt or file_format(path), bom=bom)
    tmp = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)  # a failed export never leaves half a file where the old one was
    except OSError as e:
        raise GraphError(f"cannot write {path}: {e.strerror or e}", path=str(path)) from e
    return path


__all__ = ["EXTENSIONS", "FILE_FORMATS", "csv_bytes", "file_format", "jsonl_bytes", "parquet_bytes", "table_bytes",
           "write_table"]
