"""The Dask build engine (kg.build_dask): same store as a local build, bounded streaming,
incremental rebuilds and clean errors, on a real LocalCluster of 2 worker processes."""
from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
import logging
import os
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat

from corpus.errors import GraphError
from corpus.ids import checksum
from corpus.model import Article
from kg.build import BuildSummary, Loader, build, extract_graphs
from kg.build_dask import build_dask, chunk_articles, dask_client, map_ordered, run_build
from kg.store import open_store
from kg.vocab import graph_iri
from newskg.cli import cli


# fmt: off
# (article text lengths, max_chars, expected chunk sizes)
CHUNKS = [
    ([3, 3, 3, 3],   6,  [2, 2]),
    ([10, 1, 1],     6,  [1, 2]),
    ([1, 1, 1, 1, 1], 100, [5]),
    ([7],            6,  [1]),
    ([],             6,  []),
]
# fmt: on


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.CRITICAL) as c:
        yield c


def nquads(store, *, articles_only: bool = False) -> list[str]:
    lines = sorted(store.dump(format=RdfFormat.N_QUADS).decode().splitlines())
    if articles_only:  # the article graphs, without graphs derived from them after a build
        prefix = "<" + graph_iri("x").value[:-1]
        lines = [ln for ln in lines if ln.rsplit(" ", 2)[-2].startswith(prefix)]
    return lines


def cctv_slice(shared: Path, stories: int, year: int = 2016) -> list[Article]:
    from corpus.articles import articles_from_record

    path = shared / "data" / "news" / "xwlb" / f"{year}.jsonl.gz"
    out: list[Article] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(itertools.islice(f, stories)):
            out += articles_from_record(json.loads(line), source=f"xwlb/{year}.jsonl.gz", line=i + 1)
    return out


# ------------------------------------------------------------------ helpers run on the workers


def pid_after(item: tuple[int, float]) -> tuple[int, int]:
    """Sleep, then say which process did the work (out-of-order completion on purpose)."""
    n, delay = item
    time.sleep(delay)
    return n, os.getpid()


# ------------------------------------------------------------------ chunking and streaming


@pytest.mark.parametrize("lengths, max_chars, expected", CHUNKS)
def test_chunk_articles_by_characters(lengths, max_chars, expected):
    arts = [Article(id=f"a{i}", text="字" * n) for i, n in enumerate(lengths)]
    chunks = list(chunk_articles(arts, max_chars=max_chars))
    assert [len(c) for c in chunks] == expected
    assert [a.id for c in chunks for a in c] == [a.id for a in arts]


def test_chunk_articles_skips_what_keep_refuses_and_is_lazy():
    endless = (Article(id=str(i), text="新闻" * 10) for i in itertools.count())
    chunks = chunk_articles(endless, lambda a: int(a.id) % 2 == 0, max_chars=40)
    first = list(itertools.islice(chunks, 3))  # terminates on an endless source
    assert [[a.id for a in c] for c in first] == [["0", "2"], ["4", "6"], ["8", "10"]]


def test_loader_writes_the_same_graph_and_flushes_the_store_when_due(tmp_path):
    arts = build_articles_sample()
    graphs = extract_graphs(arts)
    store = open_store(tmp_path / "g")
    loader = Loader(store, BuildSummary(), flush_every=500)
    flushed_at = []
    for art, g in zip(arts, graphs):
        assert loader.plan(art)
        loader.add(g)
        before = loader.unflushed
        loader.flush()
        if loader.unflushed == 0:
            flushed_at.append(before + g.n_triples)
        assert loader.unflushed < 500
    assert flushed_at  # the sample's articles hold more than 500 triples together
    local = open_store(None)
    build(arts, local, workers=1)
    assert nquads(store) == nquads(local, articles_only=True)


def test_map_ordered_keeps_order_uses_both_workers_and_bounds_reading(cluster):
    from distributed import Client

    consumed = 0

    def items():
        nonlocal consumed
        for n in range(24):
            consumed += 1
            yield n, (0.15 if n % 3 == 0 else 0.0)

    got, ahead = [], []
    with Client(cluster) as client:
        for n, pid in map_ordered(client, pid_after, items(), inflight=4):
            ahead.append(consumed - len(got))  # items read but not yet handed out
            got.append((n, pid))
    assert [n for n, _ in got] == list(range(24))
    assert len({pid for _, pid in got}) == 2
    assert os.getpid() not in {pid for _, pid in got}
    assert max(ahead) <= 4


def test_map_ordered_task_failure_is_a_graph_error(cluster):
    from distributed import Client

    with Client(cluster) as client:
        with pytest.raises(GraphError, match="Dask task failed"):
            list(map_ordered(client, int, ["1", "x"], inflight=2))


def test_unreachable_scheduler_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with pytest.raises(GraphError, match=f"Dask scheduler at tcp://127.0.0.1:{port}"):
        with dask_client(f"tcp://127.0.0.1:{port}", timeout="1s"):
            pass


def test_scheduler_without_dask_engine_is_refused():
    with pytest.raises(GraphError, match="--engine dask"):
        run_build("local", [], open_store(None), scheduler="tcp://127.0.0.1:8786")


# ------------------------------------------------------------------ same store as a local build


def test_bundled_sample_dask_equals_local(cluster):
    local, dask = open_store(None), open_store(None)
    s1 = build(None, local, workers=1)
    # small chunks so that both workers extract part of the sample
    s2 = build_dask(None, dask, scheduler=cluster.scheduler_address, chunk_chars=1500)
    assert s2.added == s1.added > 0 and not s2.errors
    assert (s2.triples, s2.entities, s2.metrics, s2.relations) == (s1.triples, s1.entities, s1.metrics, s1.relations)
    assert nquads(dask) == nquads(local)


def test_build_dask_with_an_existing_client_leaves_it_open(cluster):
    from distributed import Client

    arts = build_articles_sample()[:3]
    local, dask = open_store(None), open_store(None)
    build(arts, local, workers=1)
    with Client(cluster) as client:
        build_dask(arts, dask, client=client, chunk_chars=1)
        assert client.status == "running"
        assert client.submit(sum, [1, 2], pure=False).result() == 3
    assert nquads(dask) == nquads(local)


def test_cctv_year_slice_dask_equals_local(cluster, shared):
    arts = cctv_slice(shared, 40)
    local, dask = open_store(None), open_store(None)
    s1 = build(arts, local, workers=1)
    s2 = build_dask(arts, dask, scheduler=cluster.scheduler_address, chunk_chars=4000)
    assert s1.added == s2.added == len(arts)
    assert nquads(dask) == nquads(local)


def test_dask_rebuild_is_incremental(cluster):
    arts = list(build_articles_sample())
    store = open_store(None)
    first = build_dask(arts, store, scheduler=cluster.scheduler_address, chunk_chars=1500)
    before = nquads(store)
    again = build_dask(arts, store, scheduler=cluster.scheduler_address)
    assert (again.unchanged, again.added, again.triples) == (len(arts), 0, 0)
    assert nquads(store) == before
    changed = arts[0]
    text = changed.text + "\n"
    arts[0] = dataclasses.replace(changed, text=text, checksum=checksum(text))
    third = build_dask(arts, store, scheduler=cluster.scheduler_address)
    assert (third.replaced, third.unchanged) == (1, len(arts) - 1)
    assert first.added == len(arts)


def test_dask_failing_article_is_skipped_and_reported(cluster):
    arts = build_articles_sample()
    bad = dataclasses.replace(arts[0], id="")  # no id: cannot become an IRI
    s = build_dask([bad] + arts[1:], open_store(None), scheduler=cluster.scheduler_address)
    assert s.skipped_records == 1 and "article" in s.errors[0]
    assert s.added == len(arts) - 1


def test_dask_strict_build_stops_naming_the_record_and_loses_nothing_built(cluster):
    arts = build_articles_sample()
    store = open_store(None)
    build_dask(arts[:-1], store, scheduler=cluster.scheduler_address)
    before = nquads(store)
    bad = dataclasses.replace(arts[-1], id="")
    text = arts[0].text + "\n"
    changed = dataclasses.replace(arts[0], text=text, checksum=checksum(text))
    with pytest.raises(GraphError, match=f"{bad.source}:{bad.line}"):
        build_dask([changed] + arts[1:-1] + [bad], store, scheduler=cluster.scheduler_address, strict=True)
    assert nquads(store) == before


def build_articles_sample() -> list[Article]:
    from kg.build import read_articles

    return list(read_articles(None))


def test_cli_build_engine_dask(cluster, tmp_path):
    runner = CliRunner()
    store_dir = tmp_path / "g"
    result = runner.invoke(cli, ["build", "--store", str(store_dir), "--engine", "dask",
                                 "--scheduler", cluster.scheduler_address, "--json", "--no-progress"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["added"] == summary["articles"] > 0
    local = open_store(None)
    build(None, local, workers=1)
    assert nquads(open_store(store_dir, read_only=True)) == nquads(local)


def test_cli_scheduler_needs_dask_engine(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--store", str(tmp_path / "g"), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code != 0
    assert "--engine dask" in result.output
