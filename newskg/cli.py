"""The `newskg` command line: one click group, thin commands that call the library.

Commands live in ``newskg/commands/<area>.py``; each registers itself on :data:`cli`.
Library errors (:class:`corpus.errors.NewskgError`) become clean messages on stderr with a
non-zero exit, never tracebacks.
"""
from __future__ import annotations

import csv
import functools
import importlib
import io
import json
import sys

import click

from corpus.errors import NewskgError
from kg.store_damage import damaged_store_error, is_corruption
from newskg.exit_codes import help_table
from newskg.failures import CommandFailed, os_failure, raise_deferred, silence_stdout

COMMAND_MODULES = ("corpus", "extract", "graph", "graph_io", "ask", "ui", "bench")


class NewskgGroup(click.Group):
    """A group that turns errors into a message and an exit code (:mod:`newskg.failures`)."""

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            raise_deferred(ctx)
            sys.stdout.flush()  # a full disk shows here, while it can still be reported
            return result
        except NewskgError as e:
            raise CommandFailed(e) from e
        except BrokenPipeError:  # `newskg ... | head`
            sys.stderr.close()
            sys.exit(0)
        except OSError as e:
            silence_stdout()
            raise CommandFailed(os_failure(e)) from e
        except RuntimeError as e:  # RocksDB's "Corruption" found while reading the store
            if is_corruption(e):
                raise CommandFailed(damaged_store_error(e)) from e
            raise


@click.group(cls=NewskgGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=help_table())
@click.version_option(package_name="newskg")
def cli() -> None:
    """newskg: turn a corpus of Chinese news into an RDF knowledge graph and ask it questions.

    With no PATHS, commands that read a corpus use the bundled People's Daily sample.

    Example:

        newskg corpus list
    """


def output_options(fn):
    """Shared --json/--nl/--csv/--table flags; the command returns rows (list of dicts)."""

    @click.option("--json", "fmt", flag_value="json", help="Output a JSON array")
    @click.option("--nl", "fmt", flag_value="nl", help="Output newline-delimited JSON")
    @click.option("--csv", "fmt", flag_value="csv", help="Output CSV")
    @click.option("--table", "fmt", flag_value="table", default=True, help="Output a text table (default)")
    @functools.wraps(fn)
    def wrapper(*args, fmt: str, **kwargs):
        rows = fn(*args, **kwargs)
        if rows is not None:
            emit_rows(rows, fmt)

    return wrapper


def emit_rows(rows: list[dict], fmt: str) -> None:
    """Print rows in one of the shared output formats; Chinese stays readable."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "nl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        if rows:
            w = csv.DictWriter(buf, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(format_table(rows))


def _width(s: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


#: Columns printed whole in every table (ids are pasted into other commands).
ID_COLUMNS = ("id", "article", "entity")
MIN_CUT = 8  # a shortened column keeps at least this many display columns


def _cut(s: str, width: int) -> str:
    """``s`` shortened with an ellipsis to at most ``width`` display columns."""
    if _width(s) <= width:
        return s
    while s and _width(s) > width - 1:
        s = s[:-1]
    return s + "…"


def terminal_width() -> int | None:
    """Display columns a table may use: ``$COLUMNS``, else the terminal's width when output
    goes to one; None (no limit) when it goes to a file or a pipe."""
    import os
    import shutil

    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return None


def format_table(rows: list[dict], width: int | None = None, *, keep: tuple[str, ...] = ID_COLUMNS) -> str:
    """A plain text table, wide-character aware. Columns named in ``keep`` (ids) are printed
    whole; the others shorten, widest first, until a line fits ``width`` display columns
    (default: :func:`terminal_width`; no limit into a file or pipe)."""
    if not rows:
        return "(no rows)"
    cols = list(rows[0])
    cells = [["" if r.get(c) is None else str(r.get(c)).replace("\n", " ") for c in cols] for r in rows]
    widths = [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(cols)]
    limit = width if width is not None else terminal_width()
    cuttable = [i for i, c in enumerate(cols) if c not in keep]
    while limit is not None and sum(widths) + 2 * (len(cols) - 1) > limit:
        i = max(cuttable, key=lambda j: widths[j], default=None)
        if i is None or widths[i] <= max(MIN_CUT, _width(cols[i])):
            break  # ids and headers stay whole: the line may be wider than the terminal
        widths[i] -= 1
    cells = [[row[i] if i not in cuttable else _cut(row[i], widths[i]) for i in range(len(cols))] for row in cells]
    pad = lambda s, w: s + " " * (w - _width(s))  # noqa: E731
    lines = ["  ".join(pad(c, w) for c, w in zip(cols, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(v, w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def results_table(result, width: int | None = None) -> str:
    """A SPARQL SELECT result (:class:`kg.sparql.QueryResult`) as a :func:`format_table`:
    columns holding IRIs (ids) are printed whole, literal columns shorten to fit."""
    from pyoxigraph import BlankNode, NamedNode

    from kg.sparql import compact_term

    if not result.rows:
        return "(no results)"
    ids = tuple(v for i, v in enumerate(result.variables)
                if any(isinstance(row[i], (NamedNode, BlankNode)) for row in result.rows))
    rows = [{v: (None if t is None else compact_term(t)) for v, t in zip(result.variables, row)}
            for row in result.rows]
    text = format_table(rows, width, keep=ids)
    return text + (f"\n(first {len(result.rows)} rows shown)" if result.truncated else "")


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"newskg.commands.{_name}")
    except ModuleNotFoundError as _e:  # an area not built yet
        if _e.name != f"newskg.commands.{_name}":
            raise


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newskg")
