"""The graph's outward faces: `newskg serve` (HTTP SPARQL endpoint), `newskg export`
(Gephi, GraphML, CSV and RDF files) and `newskg push` (to an external SPARQL store)."""
from __future__ import annotations

import sys

import click

from newskg.cli import cli

DEFAULT_STORE = "newskg-data"  # same default as kg.store.DEFAULT_STORE
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def require_articles(store, store_dir: str, what: str) -> None:
    """Refuse (exit code NOTHING_READ) to export or push a store that holds no article."""
    from corpus.errors import NothingReadError
    from kg.store import stored_articles

    if next(stored_articles(store), None) is None:
        raise NothingReadError(f"the store holds no articles: nothing to {what} "
                               "(run `newskg build` first)", path=store_dir)


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help="Store directory")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default)")
@click.option("--port", default=7878, show_default=True, type=int, help="Port (0 picks a free one)")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Time limit per query, seconds")
@click.option("--max-results", default=10_000, show_default=True, type=int, help="Most solutions/triples per answer")
@click.option("--max-answer-mb", default=32, show_default=True, type=click.IntRange(min=0),
              help="Largest answer, MB (413 past it; 0: no cap)")
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes")
@click.option("--worker-memory-mb", default=768, show_default=True, type=click.IntRange(min=0),
              help="Memory per query worker, MB (503 for a query that needs more; 0: no limit)")
@click.option("--quiet", is_flag=True, help="Do not log requests")
def serve(store_dir: str, host: str, port: int, timeout: float, max_results: int, max_answer_mb: int, workers: int,
          worker_memory_mb: int, quiet: bool) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /.

    GET ?query= or POST (application/sparql-query or a form); results as JSON, XML, CSV or
    TSV, graphs as Turtle or N-Triples, by the Accept header. The default graph is the union
    of all article graphs, as in `newskg sparql`. Updates and SERVICE get 403; a query past
    --timeout or --worker-memory-mb gets 503, one with more than --max-results answers or
    --max-answer-mb of answer gets 413.

    In Python: kg.sparql_http.serve(store, host=..., port=...)

    Example:

        newskg serve --port 7878
    """
    from pathlib import Path

    from kg.sparql_http import make_server, run_until_stopped
    from kg.store import fresh_summary
    from kg.vocab import PREFIXES

    if Path(store_dir, "CURRENT").is_file():
        fresh_summary(store_dir)  # the workers read what is stored: a summary left stale is recomputed first
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: anyone who can reach this address can query the graph", err=True)
    server = make_server(store_dir, host=host, port=port, timeout=timeout, max_results=max_results, workers=workers,
                         max_answer_bytes=max_answer_mb << 20, worker_memory_mb=worker_memory_mb,
                         prefixes=PREFIXES, log=not quiet)
    click.echo(f"Serving {server.url} (SPARQL endpoint {server.url}sparql, read-only); Ctrl-C to stop")
    sys.stdout.flush()
    run_until_stopped(server)


@cli.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL (gsp) or SPARQL Update URL (update)")
@click.option("--graph", "graph_iri", default=None, help="Put everything into this one graph IRI (default: one graph per article)")
@click.option("--method", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="Graph Store Protocol PUT/POST, or SPARQL Update INSERT DATA")
@click.option("--batch", default=10_000, show_default=True, type=int, help="Triples per request")
@click.option("--user", default=None, help="User name, for endpoints that need a login (Virtuoso, secured Fuseki)")
@click.option("--password", default=None, help="Password (or set NEWSKG_PUSH_PASSWORD)", envvar="NEWSKG_PUSH_PASSWORD")
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help="Store directory")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds to wait for each request")
def push(endpoint: str, graph_iri: str | None, method: str, batch: int, user: str | None, password: str | None,
         store_dir: str, timeout: float) -> None:
    """Send the graph to an external SPARQL store, in batches; each graph sent replaces the
    remote graph of the same IRI, so pushing twice is harmless.

    In Python: kg.push.push(store, endpoint, graph=..., method=..., batch=...)

    Example:

        newskg push --endpoint http://127.0.0.1:7878/store

        newskg push --method update --endpoint http://127.0.0.1:3030/ds/update
    """
    from tqdm import tqdm

    from kg.push import push as push_graph
    from kg.store import open_store

    store = open_store(store_dir, read_only=True)
    require_articles(store, store_dir, "push")
    with tqdm(total=len(store), unit="triple", disable=None, file=sys.stderr) as bar:
        report = push_graph(store, endpoint, graph=graph_iri, method=method, batch=batch, user=user, password=password,
                            timeout=timeout, on_batch=bar.update)
    click.echo(f"pushed {report.triples} triples of {report.graphs} graphs to {endpoint} "
               f"in {report.requests} requests, {report.seconds:.2f} s ({report.method})")


EXPORT_FORMATS = ("gexf", "graphml", "csv", "ttl", "nt", "nq", "trig", "jsonld",
                  "figures", "entities", "relations")  # = kg.export.FORMATS
TABLE_FORMATS = ("figures", "entities", "relations")  # = kg.export.TABLE_FORMATS


@cli.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="Output format")
@click.option("-o", "--output", required=True,
              help="Output file (- for stdout); csv: a directory (DIR/nodes.csv, DIR/edges.csv) or a prefix; "
                   "figures/entities/relations: .csv, .jsonl or .parquet")
@click.option("--types", "--type", "types", default=None,
              help="Entity types to keep, comma-separated (graph formats and tables), e.g. ORG,PERSON")
@click.option("--min-weight", default=1.0, show_default=True, type=float,
              help="Drop edges backed by fewer statements (graph formats)")
@click.option("--subject", default=None, help="Tables: only this entity (id or name; figures: subject as written too)")
@click.option("--indicator", default=None, help="figures: only this indicator (as extracted)")
@click.option("--since", default=None, help="Tables: articles dated on or after (YYYY, YYYY-MM or YYYY-MM-DD)")
@click.option("--until", default=None, help="Tables: articles dated on or before (YYYY, YYYY-MM or YYYY-MM-DD)")
@click.option("--bom/--no-bom", default=None,
              help="Tables as CSV: UTF-8 byte order mark, for Excel (default: with one in a file, none on stdout)")
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help="Store directory")
def export(fmt: str, output: str, types: str | None, min_weight: float, subject: str | None, indicator: str | None,
           since: str | None, until: str | None, bom: bool | None, store_dir: str) -> None:
    """Export the graph: gexf (Gephi, with colours, sizes and a timeline), graphml, csv
    (Gephi spreadsheet nodes + edges), RDF (ttl, nt: all triples once; nq, trig, jsonld:
    one named graph per article), or a tidy table for pandas, R, Stata and Excel: figures
    (one row per figure, with subject, period, article, sentence and conflicts), entities or
    relations, as CSV (UTF-8 with BOM), JSON Lines or Parquet by the file's extension.

    In Python: kg.export.export(store, output, format=..., types=..., min_weight=...);
    tables: kg.tidy_tables.table_rows(store, "figures", ...) or table_frame(...) (pandas)

    Example:

        newskg export --format gexf -o graph.gexf --types ORG,PERSON --min-weight 2

        newskg export --format figures -o figures.csv --since 2020
    """
    from kg.export import export as export_graph
    from kg.store import open_store

    store = open_store(store_dir, read_only=True)
    require_articles(store, store_dir, "export")
    type_list = [t.strip() for t in types.split(",") if t.strip()] if types else None
    if fmt in TABLE_FORMATS or any(v is not None for v in (subject, indicator, since, until, bom)):
        _export_table(store, fmt, output, type_list, min_weight, subject=subject, indicator=indicator, since=since,
                      until=until, bom=bom)
        return
    if output == "-":
        if fmt == "csv":
            raise click.UsageError("csv writes two files; give -o a directory or a prefix")
        report = export_graph(store, None, format=fmt, types=type_list, min_weight=min_weight)
        sys.stdout.flush()
        sys.stdout.buffer.write(report.data)
        sys.stdout.buffer.flush()
        return
    report = export_graph(store, output, format=fmt, types=type_list, min_weight=min_weight)
    what = (f"{report.nodes} nodes, {report.edges} edges" if report.nodes is not None
            else f"{report.statements} quads" if report.statements is not None else "all triples")
    click.echo(f"wrote {what} to {', '.join(str(p) for p in report.paths)}", err=True)


def _export_table(store, fmt: str, output: str, types: list[str] | None, min_weight: float, *, subject: str | None,
                  indicator: str | None, since: str | None, until: str | None, bom: bool | None) -> None:
    """`newskg export --format figures|entities|relations`: the tidy table to a file or stdout."""
    from kg.export import export_table

    if fmt not in TABLE_FORMATS:
        used = [name for name, v in (("--subject", subject), ("--indicator", indicator), ("--since", since),
                                     ("--until", until), ("--bom/--no-bom", bom)) if v is not None]
        raise click.UsageError(f"{', '.join(used)}: only for the tables (figures, entities, relations)")
    if min_weight != 1:
        raise click.UsageError("--min-weight filters the entity graph (gexf, graphml, csv), not a table")
    if indicator is not None and fmt != "figures":
        raise click.UsageError(f"--indicator picks figures; the {fmt} table has no indicator")
    filters = {"types": types, "subject": subject, "since": since, "until": until}
    if fmt == "figures":
        filters["indicator"] = indicator
    if output == "-":
        report = export_table(store, None, fmt, bom=bool(bom), **filters)
        sys.stdout.flush()
        sys.stdout.buffer.write(report.data)
        sys.stdout.buffer.flush()
        return
    report = export_table(store, output, fmt, bom=bom is not False, **filters)
    click.echo(f"wrote {report.rows} rows to {', '.join(str(p) for p in report.paths)}", err=True)
