"""Graph commands: build, remove, stats, sparql (and, from kg/ helpers, serve/export/push).

Each command is a thin call into ``kg``; ``--store DIR`` (default ``./newskg-data``, or
``$NEWSKG_STORE``) picks the graph directory.
"""
from __future__ import annotations

import json
import sys

import click

from newskg.cli import cli, emit_rows
from newskg.skips import skips_logged, verdict, warnings_as_notes


def store_option(fn):
    """Shared ``--store DIR`` option (env ``NEWSKG_STORE``, default ``newskg-data``)."""
    from kg.store import DEFAULT_STORE

    return click.option(
        "--store", "store_dir", default=DEFAULT_STORE, envvar="NEWSKG_STORE", show_default=True,
        type=click.Path(file_okay=False), help="Graph store directory",
    )(fn)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@store_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Extraction processes (default: all cores; 1 runs inline)")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool; dask: a Dask cluster (docs/scale.md)")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler (tcp://host:8786 or a scheduler .json file); default: a local cluster of --workers")
@click.option("--strict", is_flag=True, help="Exit with code 3 if any record or article was skipped")
@click.option("--prune", is_flag=True, help="Also remove stored articles not in PATHS")
@click.option("--force", is_flag=True, help="Re-extract every article, even those stored unchanged by this extractor")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal)")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON")
def build(paths, store_dir, workers, engine, scheduler, strict, prune, force, progress, as_json):
    """Extract PATHS (files or folders; default: the bundled sample) into the graph.

    Incremental: unchanged articles are skipped, changed ones replaced, new ones added;
    articles extracted by another version of newskg's extractor are extracted again.
    A build that is stopped (Ctrl-C) or killed keeps every article committed before.
    Each bad file, record or article is skipped and named on stderr (file:line).

    In Python: kg.build.build(paths, store, workers=N)

    Example:

        newskg build ../news/ --store newskg-data --workers 2
        newskg build ../news/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from kg.build_dask import run_build
    from kg.store import open_store, store_size

    store = open_store(store_dir)
    with skips_logged("kg.build"), warnings_as_notes():
        summary = run_build(engine, list(paths) if paths else None, store, scheduler=scheduler, workers=workers,
                            progress=progress, strict=False, prune=prune, force=force)
    store.flush()
    if as_json:
        d = summary.as_dict()
        d["store"] = store_dir
        d["store_bytes"] = store_size(store_dir)
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
    else:
        s = summary
        click.echo(f"articles {s.articles} (new {s.added}, changed {s.replaced}, unchanged {s.unchanged}"
                   f"{f', re-extracted {s.reextracted}' if s.reextracted else ''}{f', removed {s.removed}' if s.removed else ''}{f', skipped {s.skipped_records}' if s.skipped_records else ''})")
        click.echo(f"entities {s.entities}  metrics {s.metrics}  relations {s.relations}  "
                   f"article triples {s.triples}  seconds {s.seconds:.1f}  ({s.triples_per_second:,.0f} triples/s)")
    read = summary.added + summary.replaced + summary.reextracted + summary.unchanged
    verdict(read, summary.skipped_records, strict=strict, noun="article", paths=paths)
    if summary.interrupted:
        click.echo("interrupted: the articles above are committed; run the same build again to continue", err=True)
        sys.exit(130)


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@store_option
def remove(ids, store_dir):
    """Take articles (by id) and all their facts out of the graph.

    In Python: kg.build.remove(store, ids)

    Example:

        newskg remove rmrb-20230601-05-01
    """
    from corpus.errors import ArticleNotFound
    from kg.build import remove as run_remove
    from kg.store import open_store

    store = open_store(store_dir)
    removed = run_remove(store, ids)
    store.flush()
    del store  # closed before an error is raised: a traceback kept by the caller would hold it open
    missing = [i for i in ids if i not in removed]
    for i in removed:
        click.echo(f"removed {i}")
    if missing:
        raise ArticleNotFound(f"not in the graph: {', '.join(missing)}")


@cli.command()
@store_option
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="Length of the top lists")
@click.option("--json", "as_json", is_flag=True, help="Output JSON")
def stats(store_dir, top, as_json):
    """Counts by type and the top entities by mentions and by metrics.

    In Python: kg.stats.graph_stats(store)

    Example:

        newskg stats --json
    """
    from kg.stats import graph_stats
    from kg.store import open_store

    st = graph_stats(open_store(store_dir, read_only=True), top=top)
    if as_json:
        click.echo(json.dumps(st, ensure_ascii=False, indent=2))
        return
    from kg.labels import label  # the words of kg/data/labels.tsv, as the app shows them

    rows = [{"count": label("count", k), "value": v} for k, v in st.items() if isinstance(v, int)]
    rows += [{"count": f"entities: {label('type', t)}", "value": n} for t, n in st["entities_by_type"].items()]
    emit_rows(rows, "table")
    for key, title in (("top_by_mentions", "Top entities by mentions"), ("top_by_metrics", "Top entities by metrics")):
        if st[key]:
            click.echo(f"\n{title}")
            emit_rows([{k: v for k, v in r.items() if k != "entity"} for r in st[key]], "table")


@cli.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False), help="Read the query from a .rq file")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt"]), default="table",
              show_default=True, help="SELECT/ASK: table or W3C json/csv/tsv/xml; CONSTRUCT/DESCRIBE: ttl/nt")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many rows")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, help="Time limit in seconds")
@click.option("--bind", "binds", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter of a ready query (declared by `# param:`), e.g. --bind name=商务部")
@store_option
def sparql(query, query_file, fmt, limit, timeout, binds, store_dir):
    """Run a read-only SPARQL 1.1 query over all article graphs.

    Prefixes nkg:, schema:, prov:, rdf:, rdfs:, xsd:, ent:, art:, ind: are predeclared.
    Ready queries: docs/queries/*.rq.

    In Python: kg.sparql.run_query(store, query)

    Example:

        newskg sparql 'SELECT ?org ?name { ?org a schema:Organization ; schema:name ?name } LIMIT 5'
        newskg sparql -f docs/queries/top_organisations.rq --format csv
    """
    from corpus.errors import NothingReadError
    from kg.sparql import ReadyQuery, format_results, load_query, run_query
    from kg.store import open_store

    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY or -f FILE (one of them)")
    ready = load_query(query_file) if query_file else ReadyQuery(name="query", text=query)
    if query_file and not ready.text.strip():
        raise NothingReadError("the query file is empty", path=query_file)
    overrides = {}
    for b in binds:
        name, eq, value = b.partition("=")
        if not eq or not name:
            raise click.UsageError(f"--bind takes NAME=VALUE, not {b!r}")
        overrides[name.lstrip("?$")] = value
    if not query_file:  # inline query: no declared parameters, bind Chinese text literals
        from pyoxigraph import Literal

        ready.params = {k: Literal("", language="zh") for k in overrides}
    subs = ready.bindings(overrides)
    result = run_query(open_store(store_dir, read_only=True), ready.text, substitutions=subs or None,
                       limit=limit, timeout=timeout)
    if fmt == "table" and result.kind == "select":
        from newskg.cli import results_table

        out = results_table(result)  # ids whole, other columns fit the terminal
    else:
        out = format_results(result, fmt)
    click.echo(out, nl=not out.endswith("\n"))
    if result.truncated and fmt != "table":
        click.echo(f"(results cut at --limit {limit})", err=True)
