"""The SIGKILL fault harness shared by tests/test_faults.py (a few points) and
benchmarks/faults_kill.py (every point): an incremental build, killed with SIGKILL just before
its N-th write to the store, then checked: the store opens, every ready query of docs/queries
runs, no article graph is half written, and a rebuild ends with exactly the N-Quads of a clean
build. Real subprocesses and real on-disk stores; the only stand-in is the kill switch, a proxy
that forwards every call to the real store and kills its own process before the N-th write."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "docs" / "queries"

# The child: builds CORPUS into STORE through a store that dies with SIGKILL just before its
# N-th write (N = 0: never; it prints one phase per write, "articles" or "summary", so the
# caller knows where each point falls). Article batches of 4 and summary chunks of 3 lines give
# many places to be cut, in both the article writes and the summary refresh.
KILL_AT_WRITE = f"""
import json, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from fault_support import DiesAtWrite
import kg.summary
from kg.build import build
from kg.store import open_store

import kg.build
kg.summary.CHUNK = 3
kg.summary.BULK_CHUNK = 3
kg.build.BATCH_SECONDS = kg.build.BULK_SECONDS = 1e9  # batches by count only: the same writes every run

store = DiesAtWrite(open_store(sys.argv[2]), int(sys.argv[3]))
build([sys.argv[1]], store, workers=1, progress=False)
print(json.dumps(store.phases))
"""


class DiesAtWrite:
    """A store that forwards every call to the real one and kills its own process with SIGKILL
    just before its N-th write (N = 0: never); ``phases`` says what each write was for
    ("articles" or "summary"), so a caller knows where each point falls."""

    def __init__(self, store, n: int):
        self._store, self._at, self.phases = store, n, []

    def __getattr__(self, name):
        return getattr(self._store, name)

    def _write(self, method, *args, **kw):
        files = {Path(f.filename).name for f in traceback.extract_stack()}
        self.phases.append("summary" if "summary.py" in files else "articles")
        if len(self.phases) == self._at:
            os.kill(os.getpid(), signal.SIGKILL)
        return getattr(self._store, method)(*args, **kw)

    def update(self, *a, **kw):
        return self._write("update", *a, **kw)

    def load(self, *a, **kw):
        return self._write("load", *a, **kw)

    def bulk_load(self, *a, **kw):
        return self._write("bulk_load", *a, **kw)


@dataclass
class Scenario:
    """A store built from corpus A (``old`` stories) and corpus B (A with ``changed`` stories
    edited and more stories added); ``clean`` is the N-Quads of B built into a new store."""

    base: Path
    corpus_b: Path
    clean: bytes
    version_a: dict[str, set[str]]
    version_b: dict[str, set[str]]
    phases: list[str] = field(default_factory=list)


def make_scenario(work: Path, *, old: int = 12, new: int = 24, changed: int = 4) -> Scenario:
    """Build the base store (corpus A) and the clean reference (corpus B) on disk."""
    from kg.build import build
    from kg.store import open_store
    from kg_support import graph_dumps, write_mixed_corpus

    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "news.jsonl"
    write_mixed_corpus(corpus, old)
    base = open_store(work / "base")
    build([corpus], base, workers=1, progress=False)
    version_a = graph_dumps(base)
    base.flush()
    del base
    corpus_b = corpus  # the same file, edited (an article's graph names its source file)
    write_mixed_corpus(corpus_b, new, changed=frozenset(range(changed)))
    ref = open_store(work / "clean")
    build([corpus_b], ref, workers=1, progress=False)
    clean, version_b = ref.dump(format=RdfFormat.N_QUADS), graph_dumps(ref)
    del ref
    sc = Scenario(work / "base", corpus_b, clean, version_a, version_b)
    whole = killed_build(sc, work / "count", 0)
    assert whole.returncode == 0, whole.stderr
    sc.phases = json.loads(whole.stdout)
    return sc


def killed_build(sc: Scenario, work: Path, at: int) -> subprocess.CompletedProcess:
    """A copy of the base store at ``work``, built with corpus B by a child killed before write ``at``."""
    shutil.copytree(sc.base, work)
    (work / "LOCK").unlink(missing_ok=True)
    env = dict(os.environ, NEWSKG_BATCH_ARTICLES="4")  # article batches and bulk loads of 4
    return subprocess.run([sys.executable, "-c", KILL_AT_WRITE, str(sc.corpus_b), str(work), str(at)],
                          capture_output=True, text=True, timeout=600, env=env)


@dataclass
class Outcome:
    """What one kill left: how many articles were already of B, how many ready queries ran."""

    at: int
    phase: str
    articles_of_b: int
    queries_run: int
    rebuilt_equal: bool


def check_after_kill(sc: Scenario, work: Path, at: int) -> Outcome:
    """Open the killed store, check it (see the module doc) and rebuild it; raises AssertionError."""
    from kg.build import build
    from kg.sparql import load_query, run_query
    from kg.store import open_store
    from kg_support import graph_dumps

    store = open_store(work)  # recovers a cut bulk load, repairs a stale summary
    graphs = graph_dumps(store)
    for aid, quads in graphs.items():  # never half an article
        assert quads in (sc.version_a.get(aid), sc.version_b.get(aid)), (at, aid)
    assert set(sc.version_a) <= set(graphs), at  # nothing of A was lost
    ran = 0
    for path in sorted(QUERIES.glob("*.rq")):
        q = load_query(path)
        run_query(store, q.text, substitutions=q.bindings() or None, limit=1000)
        ran += 1
    of_b = sum(1 for aid, quads in graphs.items() if quads == sc.version_b[aid] != sc.version_a.get(aid))
    build([sc.corpus_b], store, workers=1, progress=False)
    equal = store.dump(format=RdfFormat.N_QUADS) == sc.clean
    assert equal, f"kill at write {at}: the rebuild differs from a clean build"
    phase = sc.phases[at - 1] if 0 < at <= len(sc.phases) else "none"
    return Outcome(at, phase, of_b, ran, equal)


def run_point(sc: Scenario, work: Path, at: int) -> Outcome:
    """Kill a build at write ``at`` and check what it left."""
    proc = killed_build(sc, work, at)
    assert proc.returncode == -signal.SIGKILL, (at, proc.returncode, proc.stderr[-2000:])
    return check_after_kill(sc, work, at)
