"""The fault suite's fast part (issue 15): a build killed with SIGKILL at a few of its writes
(article batches, bulk loads, the summary refresh) leaves a store that opens, answers every
ready query, holds no half article, and rebuilds to exactly a clean build's N-Quads; two builds
on one store; a build while `newskg serve` reads the store. The long run, every write of a
build, is benchmarks/faults_kill.py (figures in docs/reliability.md)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from fault_support import check_after_kill, make_scenario, run_point
from kg.store import open_store


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return make_scenario(tmp_path_factory.mktemp("faults"))


def _points(phases: list[str]) -> list[int]:
    """Write numbers (1-based) to kill at: the first write, the middle of the article writes,
    the middle and the last of the summary writes (every write: benchmarks/faults_kill.py)."""
    arts = [i + 1 for i, p in enumerate(phases) if p == "articles"]
    summ = [i + 1 for i, p in enumerate(phases) if p == "summary"]
    return sorted({arts[0], arts[len(arts) // 2], summ[len(summ) // 2], summ[-1]})


def test_the_scenario_has_article_and_summary_writes_to_cut(scenario):
    assert scenario.phases.count("articles") >= 4 and scenario.phases.count("summary") >= 3
    changed = [a for a in scenario.version_a if scenario.version_a[a] != scenario.version_b[a]]
    assert len(changed) == 4 and len(scenario.version_b) > len(scenario.version_a)


def test_a_build_killed_at_its_writes_leaves_a_store_that_answers_and_rebuilds_to_a_clean_build(scenario, tmp_path):
    outcomes = [run_point(scenario, tmp_path / f"kill-{at}", at) for at in _points(scenario.phases)]
    assert {o.phase for o in outcomes} == {"articles", "summary"}
    assert all(o.queries_run >= 10 and o.rebuilt_equal for o in outcomes)
    # the kills fell before, during and after the article writes: not all the same state
    assert len({o.articles_of_b for o in outcomes}) >= 2, outcomes


def test_the_check_catches_a_half_article(scenario, tmp_path):
    """The check is not vacuous: a store with one triple taken out of an article graph fails it."""
    import shutil

    from kg.vocab import graph_iri

    work = tmp_path / "cut"
    shutil.copytree(scenario.base, work)
    store = open_store(work)
    victim = sorted(scenario.version_a)[0]
    store.remove(next(iter(store.quads_for_pattern(None, None, None, graph_iri(victim)))))
    del store
    with pytest.raises(AssertionError, match=victim):
        check_after_kill(scenario, work, 1)


def _serve(store: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "newskg", "serve", "--store", str(store), "--port", "0",
                             "--workers", "1", "--timeout", "60", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    assert "http://127.0.0.1:" in line, line
    return proc, line[line.index("http://"):].split()[0].rstrip("/")


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _graph_sizes(url: str) -> dict[str, int]:
    """Triples per graph, through the endpoint; a 503 "the store is being written" (documented:
    the worker retried and the files kept changing) is asked again, as its message says; any
    other error fails."""
    q = urllib.parse.urlencode({"query": GRAPH_SIZES})
    for _ in range(20):
        try:
            with urllib.request.urlopen(f"{url}/sparql?{q}", timeout=60) as r:
                rows = json.load(r)["results"]["bindings"]
            break
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            if e.code != 503 or "being written" not in body:
                raise AssertionError(f"{e.code}: {body}") from None
            time.sleep(0.5)
    else:
        raise AssertionError("20 answers in a row were 503: the store is being written")
    return {b["g"]["value"].rsplit("/", 1)[-1]: int(b["n"]["value"]) for b in rows}


def test_readers_of_newskg_serve_never_see_half_an_article_during_a_build(scenario, tmp_path):
    import shutil

    work = tmp_path / "store"
    shutil.copytree(scenario.base, work)
    a = {k: len(v) for k, v in scenario.version_a.items()}
    b = {k: len(v) for k, v in scenario.version_b.items()}
    assert any(a[k] != b[k] for k in a)  # a changed article can be told apart by its size
    server, url = _serve(work)
    try:
        assert {k: v for k, v in _graph_sizes(url).items() if k in a} == a
        env = dict(os.environ, NEWSKG_BATCH_ARTICLES="2")  # many commits to be seen between
        build = subprocess.Popen([sys.executable, "-m", "newskg", "build", str(scenario.corpus_b), "--store", str(work),
                                  "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        states = []
        while build.poll() is None:
            sizes = {k: v for k, v in _graph_sizes(url).items() if k in b}
            for aid, n in sizes.items():  # each article as it was or as it is now, never between
                assert n in (a.get(aid), b[aid]), (aid, n, a.get(aid), b[aid])
            states.append(sum(sizes.get(k) == b[k] != a.get(k) for k in b))
        out, err = build.communicate()
        assert build.returncode == 0, err
        deadline = time.monotonic() + 60  # the workers reopen the store when its files change
        while {k: v for k, v in _graph_sizes(url).items() if k in b} != b and time.monotonic() < deadline:
            time.sleep(0.2)
        assert {k: v for k, v in _graph_sizes(url).items() if k in b} == b
        assert states, "no query was answered while the build ran"
    finally:
        server.terminate()
        server.wait(30)


def test_a_second_build_on_a_store_being_built_is_refused_and_the_first_completes(scenario, tmp_path):
    work = tmp_path / "store"  # a new store: the first build extracts every article (slow)
    env = dict(os.environ, NEWSKG_BATCH_ARTICLES="2")
    first = subprocess.Popen([sys.executable, "-m", "newskg", "build", str(scenario.corpus_b), "--store", str(work),
                              "--workers", "1", "--progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    try:
        first.stderr.readline()  # the first progress line: it holds the store
        second = subprocess.run([sys.executable, "-m", "newskg", "build", str(scenario.corpus_b), "--store", str(work),
                                 "--workers", "1"], capture_output=True, text=True, timeout=300)
        assert first.poll() is None, "the first build ended before the second started"
        out, err = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    assert second.returncode == 1, second.stderr
    assert "is open for writing by" in second.stderr and "[E300]" in second.stderr and "Traceback" not in second.stderr
    store = open_store(work)
    assert store.dump(format=RdfFormat.N_QUADS) == scenario.clean


def test_a_read_only_store_directory_is_a_clear_error_and_stays_readable(scenario, tmp_path):
    """The store on a read-only file system (a read-only bind mount; skipped where mounting is
    not allowed): `build` and `remove` fail with one coded line, `stats` still reads, the graph
    is as it was."""
    import shutil

    src, mnt = tmp_path / "src", tmp_path / "mnt"
    shutil.copytree(scenario.base, src / "store")
    mnt.mkdir()
    if subprocess.run(["mount", "--bind", str(src), str(mnt)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(mnt)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip("cannot remount read-only here")
        before = (src / "store").stat().st_mtime_ns, sorted(p.name for p in (src / "store").iterdir())
        for args in (["build", str(scenario.corpus_b), "--workers", "1"], ["remove", "k001"]):
            p = subprocess.run([sys.executable, "-m", "newskg", *args, "--store", str(mnt / "store")],
                               capture_output=True, text=True, timeout=300)
            assert p.returncode == 1, p.stderr
            assert "Read-only file system [E300]" in p.stderr and "Traceback" not in p.stderr
        p = subprocess.run([sys.executable, "-m", "newskg", "stats", "--json", "--store", str(mnt / "store")],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0 and json.loads(p.stdout)["articles"] == len(scenario.version_a), p.stderr
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    assert ((src / "store").stat().st_mtime_ns, sorted(p.name for p in (src / "store").iterdir())) == before
    store = open_store(src / "store")
    from kg_support import graph_dumps
    assert graph_dumps(store) == scenario.version_a
