"""`newskg ui`: build the bundled corpus's graph if the store is empty, then serve the app."""
from __future__ import annotations

import gc
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

from newskg.cli import cli, output_options



def app_path() -> Path:
    """Path of the Streamlit script (``ui/app.py`` of the installed package)."""
    import ui

    return Path(ui.__file__).resolve().parent / "app.py"


def _streamlit_exe() -> list[str]:
    """The ``streamlit`` console script of this Python (``python -m streamlit`` would put the
    working directory first on ``sys.path``, where a stray ``click.py`` breaks it)."""
    exe = Path(sys.executable).parent / ("streamlit.exe" if os.name == "nt" else "streamlit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "streamlit"]


def streamlit_command(store: str, host: str, port: int, headless: bool) -> list[str]:
    """The ``streamlit run`` command line for the app (no usage statistics, no CDN calls)."""
    return [
        *_streamlit_exe(), "run", str(app_path()),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        "--server.showEmailPrompt", "false",  # no interactive prompt on a first run
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", "200",
        "--client.toolbarMode", "minimal",
        "--theme.base", "light",
    ]


def ensure_graph(store_dir: str) -> bool:
    """Build the bundled corpus into ``store_dir`` when the store holds nothing; True if built.

    The store is closed again before returning (the app opens it in its own process).
    """
    from kg.build import build
    from kg.store import open_store

    store = open_store(store_dir)
    try:
        if len(store) > 0:
            return False
        click.echo(f"Building the bundled corpus into {store_dir} …", err=True)
        s = build(None, store)
        click.echo(f"Built {s.articles} articles: {s.entities} entities, {s.metrics} metrics, "
                   f"{s.relations} relations, {s.triples} article triples in {s.seconds:.1f} s", err=True)
        return True
    finally:
        del store
        gc.collect()


def _warm_qa(store_dir: str) -> None:
    """Build the Q&A indexes into the disk cache while the app starts (this process is idle
    meanwhile), so the app's first question does not wait for them; a failure only costs
    that head start."""
    try:
        from kg.qa import warm_indexes
        from kg.store import open_store

        warm_indexes(open_store(store_dir, read_only=True))
    except Exception as e:  # noqa: BLE001 - the app builds the indexes itself if this fails
        logging.getLogger(__name__).info("Q&A indexes not prepared ahead: %s", e)


@cli.command()
@click.option("--store", "store_dir", default="newskg-data", show_default=True,
              type=click.Path(file_okay=False), help="Store directory (built from the bundled corpus if empty)")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--port", default=8501, show_default=True, type=int, help="Port to listen on")
@click.option("--headless", is_flag=True, help="Don't open a browser (servers, tests)")
@click.option("--no-build", is_flag=True, help="Don't build the bundled corpus into an empty store")
def ui(store_dir: str, host: str, port: int, headless: bool, no_build: bool) -> None:
    """Open the research app (Streamlit) on a graph store.

    Builds the bundled corpus's graph first when the store is empty, then serves the app
    until Ctrl-C. In Python: ``streamlit run ui/app.py`` with ``NEWSKG_STORE=DIR``.

    Example:

        newskg ui --store newskg-data --port 8501
    """
    store_dir = str(Path(store_dir).resolve())
    if not no_build:
        ensure_graph(store_dir)
    threading.Thread(target=_warm_qa, args=(store_dir,), daemon=True).start()
    env = dict(os.environ, NEWSKG_STORE=store_dir, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    click.echo(f"newskg app on http://{host}:{port}/ (store {store_dir}); Ctrl-C stops it", err=True)
    proc = subprocess.Popen(streamlit_command(store_dir, host, port, headless), env=env)
    signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())  # stop the server with us
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        code = proc.wait()
    if code not in (0, -15):
        raise click.ClickException(f"streamlit exited with code {code}")


@cli.group()
def entity() -> None:
    """Browse entities in the graph: what the app's Explore and Entity pages show.

    Example:

        newskg entity search 研究院 --type ORG
    """


def _read_store(store_dir: str):
    from kg.store import open_store

    return open_store(store_dir, read_only=True)


@entity.command("search")
@click.argument("text", default="")
@click.option("--type", "types", multiple=True, help="Keep only this entity type (repeatable)")
@click.option("--limit", default=50, show_default=True, type=int, help="At most this many entities")
@click.option("--store", "store_dir", default="newskg-data", show_default=True, type=click.Path(file_okay=False))
@output_options
def entity_search(text: str, types: tuple[str, ...], limit: int, store_dir: str) -> list[dict]:
    """Entities whose name or an alias contains TEXT, most mentioned first.

    In Python: ``kg.browse.search_entities(store, text, types=..., limit=...)``.

    Example:

        newskg entity search 研究院 --type ORG --json
    """
    from kg.browse import search_entities

    return search_entities(_read_store(store_dir), text, types=types or None, limit=limit)


@entity.command("show")
@click.argument("entity_id")
@click.option("--store", "store_dir", default="newskg-data", show_default=True, type=click.Path(file_okay=False))
def entity_show(entity_id: str, store_dir: str) -> None:
    """Everything the graph says about one entity, as JSON: names, relations both ways,
    figures with unit, period and source, mentions in context.

    In Python: ``kg.browse.entity_details(store, entity_id)``.

    Example:

        newskg entity show 工业和信息化部
    """
    from kg.browse import entity_details

    click.echo(json.dumps(entity_details(_read_store(store_dir), entity_id), ensure_ascii=False, indent=2))


@entity.command("network")
@click.argument("entity_id")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 2), help="Links away from the entity")
@click.option("--store", "store_dir", default="newskg-data", show_default=True, type=click.Path(file_okay=False))
def entity_network(entity_id: str, depth: int, store_dir: str) -> None:
    """The entity's neighbourhood as JSON nodes and edges (typed relations and co-mentions).

    In Python: ``kg.browse.neighbourhood(store, entity_id, depth=...)``.

    Example:

        newskg entity network 工业和信息化部 --depth 2
    """
    from kg.browse import neighbourhood

    click.echo(json.dumps(neighbourhood(_read_store(store_dir), entity_id, depth=depth), ensure_ascii=False, indent=2))
