"""Benchmark the graph's outward faces: HTTP endpoint latency and time limit, push to a real
Oxigraph server (Graph Store Protocol and SPARQL Update), and every export format.

Uses ``--store DIR`` if given (e.g. a build of one year of CCTV), else builds a synthetic
store of the project's model (fixed seed) with ``--articles N`` articles. Run by hand:

    nice .venv/bin/python benchmarks/graph_io.py [--store DIR] [--articles 3000]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation
from kg.export import FORMATS, export
from kg.push import push
from kg.rdf import article_graph
from kg.sparql_http import make_server
from kg.store import open_store, write_graphs

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
ORG_STEMS = ["信息", "数字", "智能", "工业", "能源", "交通", "海洋", "航天", "医药", "农业", "金融", "材料"]
ORG_SUFFIX = ["研究院", "集团", "公司", "中心", "协会", "大学"]
PLACES = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东", "河南", "福建"]


def synthetic_store(path: Path, n_articles: int, seed: int = 7) -> ox.Store:
    """A store of the project's model: each article mentions a few people, organisations and
    places, with works_for/located_in relations and a metric."""
    rnd = random.Random(seed)
    people = [rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN) for _ in range(400)]
    orgs = [rnd.choice(PLACES) + rnd.choice(ORG_STEMS) + rnd.choice(ORG_SUFFIX) for _ in range(300)]
    store = open_store(path)
    batch = []
    for i in range(n_articles):
        aid = f"bench-{i:06d}"
        p, o, pl = rnd.choice(people), rnd.choice(orgs), rnd.choice(PLACES)
        text = f"{o}位于{pl}，{o}负责人{p}表示，今年产值增长{rnd.randint(1, 30)}%。"
        date = f"2023-{1 + i * 12 // n_articles:02d}-{1 + i % 28:02d}"
        art = Article(id=aid, text=text, date=date, title=text[:10], sentences=[Sentence(0, 0, len(text), text)],
                      checksum=aid)
        ents = []
        for name, typ in ((o, "ORG"), (p, "PERSON"), (pl, "PLACE")):
            s = text.index(name)
            ents.append(Entity(name, name, typ, mentions=[Mention(aid, 0, s, s + len(name), name)]))
        fig = text[text.index("增长") + 2:-1]
        fs = text.index(fig)
        mets = [Metric(o, o, "产值增长", Decimal(fig[:-1]), "%", None, None, None, "growth", "今年", aid, 0, fs,
                       fs + len(fig), fig)]
        rels = [Relation(p, p, "works_for", o, o, "负责人", aid, 0), Relation(o, o, "located_in", pl, pl, None, aid, 0)]
        batch.append(article_graph(art, ArticleFacts(aid, aid, ents, mets, rels)))
        if len(batch) == 500:
            write_graphs(store, batch)
            batch = []
    write_graphs(store, batch)
    store.flush()
    return store


def get(url: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, float]:
    t = time.perf_counter()
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    return status, time.perf_counter() - t


def bench_http(store_dir: Path) -> dict:
    out = {}
    t = time.perf_counter()
    srv = make_server(store_dir, port=0, timeout=3, max_results=10_000, log=False, prefixes={"schema": "https://schema.org/"})
    out["server_start_s"] = round(time.perf_counter() - t, 3)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = srv.url + "sparql"
    small = "SELECT ?n WHERE { ?e schema:name ?n } LIMIT 10"
    lat = [get(url, small)[1] for _ in range(200)]
    out["small_query_median_ms"] = round(statistics.median(lat) * 1000, 2)
    out["small_query_p95_ms"] = round(sorted(lat)[int(len(lat) * 0.95)] * 1000, 2)
    agg = "SELECT ?t (COUNT(?e) AS ?n) WHERE { ?e a ?t } GROUP BY ?t"
    lat = [get(url, agg)[1] for _ in range(20)]
    out["count_by_type_median_ms"] = round(statistics.median(lat) * 1000, 2)
    status, secs = get(url, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
    out["expensive_query"] = {"status": status, "seconds": round(secs, 2), "limit_s": 3}
    _, secs = get(url, small)
    out["first_query_after_kill_ms"] = round(secs * 1000, 2)
    results = []

    def worker():
        for _ in range(50):
            results.append(get(url, small)[0])

    t = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out["concurrent_4x50_qps"] = round(len(results) / (time.perf_counter() - t), 1)
    srv.shutdown()
    srv.server_close()
    return out


PUSH_RUNS = (("gsp", "/store", 10_000), ("update", "/update", 10_000), ("update", "/update", 50_000))


def bench_push(store: ox.Store, tmp: Path, runs=PUSH_RUNS) -> dict:
    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists():
        return {"skipped": "oxigraph binary not installed"}
    out = {}
    for method, path, batch in runs:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        loc = tmp / f"remote-{method}-{batch}"
        proc = subprocess.Popen([str(exe), "serve", "--location", str(loc), "--bind", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.05)
            rep = push(store, base + path, method=method, batch=batch)
            out[f"{method}_batch{batch}"] = {"triples": rep.triples, "graphs": rep.graphs, "requests": rep.requests,
                                             "seconds": rep.seconds, "triples_per_s": round(rep.triples / rep.seconds)}
        finally:
            proc.terminate()
            proc.wait(10)
    return out


def bench_export(store: ox.Store, tmp: Path) -> dict:
    out = {}
    for fmt in FORMATS:
        target = tmp / ("csv-" if fmt == "csv" else f"g.{fmt}")
        t = time.perf_counter()
        rep = export(store, target, format=fmt)
        secs = time.perf_counter() - t
        size = sum(p.stat().st_size for p in rep.paths)
        out[fmt] = {"seconds": round(secs, 2), "MB": round(size / 1e6, 2), "nodes": rep.nodes, "edges": rep.edges}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--quick-push", action="store_true", help="push once per method (batches of 10,000)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newskg-bench-"))
    try:
        if args.store:
            store_dir = args.store
        else:
            store_dir = tmp / "store"
            t = time.perf_counter()
            s = synthetic_store(store_dir, args.articles)
            print(f"synthetic store: {args.articles} articles, {len(s)} quads in {time.perf_counter() - t:.1f} s", flush=True)
            del s
        report = {"store": str(store_dir), "http": bench_http(store_dir)}
        print(json.dumps(report["http"], ensure_ascii=False), flush=True)
        store = open_store(store_dir, read_only=True)
        report["quads"] = len(store)
        report["push"] = bench_push(store, tmp, PUSH_RUNS[:2] if args.quick_push else PUSH_RUNS)
        print(json.dumps(report["push"], ensure_ascii=False), flush=True)
        report["export"] = bench_export(store, tmp)
        report["peak_rss_MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
