"""Property-based fuzzing (issue 15) of the question parser and `ask`, of SPARQL parameter
binding (`--bind` values of ready queries, inline `--bind`) and of the HTTP endpoint's
parameters: no traceback, no hang, every rejection a coded error.

`make test` runs a few dozen to 150 cases per property (derandomized); the long run sets
NEWSKG_FUZZ_EXAMPLES (e.g. 10000); figures in docs/reliability.md. "No hang": each case runs
under a 120 s alarm (a bound on a hang, not a timing assert).
"""
from __future__ import annotations

import json
import os
import re
import signal
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Store

from corpus.errors import NewskgError
from kg.qa import Answer, answer
from kg.qa_parse import match_templates, metric_ask, normalize_question, parse_periods
from kg.sparql import coerce_like, load_query, run_query
from kg.sparql_http import make_server
from kg_support import bundled_store_dir, make_store
from newskg.cli import cli
from qa_support import hand_store

EXAMPLES = int(os.environ.get("NEWSKG_FUZZ_EXAMPLES", "150"))
LONG = "NEWSKG_FUZZ_EXAMPLES" in os.environ


def fuzz(share: int = 1) -> settings:
    """Hypothesis settings: ``EXAMPLES // share`` cases (the slow properties run fewer)."""
    return settings(max_examples=max(20, EXAMPLES // share), deadline=None, derandomize=not LONG,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


QUERIES = sorted((Path(__file__).resolve().parent.parent / "docs" / "queries").glob("*.rq"))
CODED = re.compile(r"\[E\d{3}\]")


@contextmanager
def no_hang(seconds: int = 120):
    """Fail (instead of hanging the suite) when one case runs for ``seconds``."""
    def stop(*_):
        raise TimeoutError(f"a case ran for {seconds} s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# Questions: template words and Chinese text, digits of both widths, punctuation, control
# characters, NULs, right-to-left marks, emoji, any unicode, and lengths past MAX_QUESTION.
words = st.sampled_from(["是多少", "多少", "年", "2022年", "二〇二二年", "全国", "粮食产量", "增长", "比", "谁是", "的",
                         "局长", "国家统计局", "华为", "哪家", "最多", "？", "?", "和", "去年", "上半年", "第一季度",
                         "%", "亿元", "万吨", "一", "１２３", "\x00", "\u200f", "\ufeff", "\r\n", "\t", "😀", "'", '"',
                         "}", "{", "<", ">", "\\", "SELECT * WHERE", "#", "、", "《", "》"])
cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=12)
questions = st.one_of(
    st.lists(st.one_of(words, cjk, st.integers(-10**12, 10**12).map(str)), max_size=20).map("".join),
    st.text(max_size=80),
    st.lists(words, min_size=60, max_size=120).map("".join),  # past the length cap
)


def _coded(e: BaseException, prefix: str = "E") -> bool:
    return isinstance(e, NewskgError) and e.code.startswith(prefix) and bool(CODED.search(str(e)))


@fuzz()
@given(questions)
def test_question_parser_never_raises(q):
    with no_hang():
        try:
            normalize_question(q)
            parse_periods(q)
            metric_ask(q)
            match_templates(q)
        except NewskgError as e:
            assert _coded(e, "E4"), e


@pytest.fixture(scope="module")
def qa_store() -> Store:
    return hand_store()


@fuzz(3)
@given(q=questions)
def test_ask_answers_or_refuses_with_a_code(qa_store, q):
    with no_hang():
        try:
            a = answer(qa_store, q)
        except NewskgError as e:
            assert _coded(e, "E4"), e
        else:
            assert isinstance(a, Answer) and isinstance(a.answer, str) and a.answer.strip()
            json.dumps(a.to_dict(), ensure_ascii=False)  # the --json object is always serialisable


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    return bundled_store_dir(tmp_path_factory.mktemp("fuzz") / "store")


@fuzz(5)
@given(lines=st.lists(questions, min_size=1, max_size=4))
def test_ask_batch_exits_with_a_documented_code_and_no_traceback(store_dir, lines):
    with no_hang():
        r = CliRunner().invoke(cli, ["ask", "--json", "--store", store_dir], input="\n".join(lines) + "\n")
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert r.exit_code in (0, 3, 4), r.output
    assert "Traceback" not in r.output
    for line in filter(None, r.stdout.split("\n")):  # JSON Lines: \n only (a question may hold U+0085)
        rec = json.loads(line)
        if "error" in rec:
            assert re.fullmatch(r"E\d{3}", rec["error"]["code"]), rec


# Values a user may pass to --bind: text, prefixed names, IRIs, quotes, brackets, SPARQL
# fragments, control characters.
bind_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["ent:", "ent:科技部", "art:x", "nope:x", "http://e/x", "<http://e/x>", "urn:x", "x y", "\"",
                     "'", "\\", "\"}; DROP ALL; #", "> } SERVICE <http://127.0.0.1:9/> {", "\x00", "\ufeff", "",
                     "2022", "-1", "1e9", "99999999999999999999999", "🎉", "\u202e"]),
    st.tuples(st.sampled_from(["ent:", "http://", "urn:", "art:", ""]), st.text(max_size=20)).map("".join),
)
ready = [load_query(p) for p in QUERIES]
ready_with_params = [q for q in ready if q.params]


@fuzz(2)
@given(q=st.sampled_from(ready_with_params), data=st.data())
def test_ready_query_binding_gives_a_term_or_a_coded_error(q, data):
    name = data.draw(st.sampled_from(sorted(q.params)))
    value = data.draw(bind_values)
    with no_hang():
        try:
            subs = q.bindings({name: value})
        except NewskgError as e:
            assert _coded(e, "E3"), e
            return
        with make_store() as store:
            try:
                run_query(store, q.text, substitutions=subs, timeout=60, limit=100)
            except NewskgError as e:
                assert _coded(e, "E3"), e


@fuzz(2)
@given(value=bind_values)
def test_coerce_like_never_raises_anything_uncoded(value):
    for like in {type(t): t for q in ready_with_params for t in q.params.values()}.values():
        try:
            coerce_like(value, like)
        except NewskgError as e:
            assert _coded(e, "E3"), e


@fuzz(5)
@given(q=st.sampled_from(ready), name=st.one_of(st.sampled_from(["limit", "name", "entity", "year"]), st.text(max_size=8)),
       value=bind_values, inline=st.booleans())
def test_sparql_cli_bind_exits_with_a_documented_code(store_dir, q, name, value, inline):
    src = ["SELECT ?s WHERE { ?s schema:name ?name } LIMIT 5"] if inline else ["-f", str(QUERIES[ready.index(q)])]
    with no_hang():
        r = CliRunner().invoke(cli, ["sparql", *src, "--bind", f"{name}={value}", "--limit", "50", "--timeout", "60",
                                     "--store", store_dir])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "Traceback" not in r.output
    if r.exit_code == 1:
        assert CODED.search(r.output), r.output
    else:
        assert r.exit_code in (0, 2), r.output  # 2: a NAME click refuses (usage)


@pytest.fixture(scope="module")
def server(store_dir):
    srv = make_server(store_dir, port=0, timeout=20, max_results=200, max_query_bytes=4096, workers=2, log=False)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


#: statuses the endpoint documents (docs/http.md); 500 is not one of them.
DOCUMENTED = {200, 400, 403, 404, 405, 406, 411, 413, 415, 503}
param_names = st.one_of(st.sampled_from(["query", "format", "default-graph-uri", "named-graph-uri", "update",
                                         "using-graph-uri", "timeout", "limit"]), st.text(max_size=10))
sparqlish = st.one_of(st.sampled_from(["SELECT * WHERE { ?s ?p ?o } LIMIT 3", "ASK {}", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
                                       "DESCRIBE <urn:x>", "SELECT (COUNT(*) AS ?n) {?s ?p ?o}", "CLEAR ALL",
                                       "INSERT DATA { <a:b> <a:b> <a:b> }", "SELECT", "{", "json", "csv", "xml",
                                       "text/turtle", "urn:g", "http://127.0.0.1:9/"]),
                      bind_values)
raw_bytes = st.binary(max_size=60).map(lambda b: urllib.parse.quote_from_bytes(b))


@fuzz(2)
@given(params=st.lists(st.tuples(param_names, sparqlish), max_size=4), raw=st.one_of(st.none(), raw_bytes),
       how=st.sampled_from(["get", "form", "direct"]),
       ctype=st.sampled_from([None, "application/x-www-form-urlencoded", "application/sparql-query",
                              "application/sparql-update", "text/plain", "application/json; charset=latin-1", "x/y"]),
       accept=st.sampled_from([None, "*/*", "application/sparql-results+json", "application/sparql-results+xml",
                               "text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples",
                               "image/png", "text/html", ";;;", "application/*;q=0"]))
def test_http_parameters_get_a_documented_status(server, params, raw, how, ctype, accept):
    qs = urllib.parse.urlencode(params)
    if raw is not None:
        qs = (qs + "&" if qs else "") + raw
    url = server.url.rstrip("/") + "/sparql"
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        req = urllib.request.Request(url + ("?" + qs if qs else ""), headers=headers)
    else:
        body = qs.encode() if how == "form" else (params[0][1] if params else "").encode("utf-8", "surrogatepass")
        headers["Content-Type"] = ctype or ("application/x-www-form-urlencoded" if how == "form" else "application/sparql-query")
        req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with no_hang():
        try:
            with urllib.request.urlopen(req, timeout=100) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
    assert status in DOCUMENTED, (status, body[:300])
    if status >= 400:
        assert body.strip() and b"Traceback" not in body, status


def test_a_bind_name_that_is_not_a_variable_is_a_coded_error_not_a_traceback(store_dir):
    """Found by the fuzzing above: `--bind ';=x'` on an inline query was a ValueError traceback."""
    from pyoxigraph import Literal

    from corpus.errors import QueryError

    with make_store() as store, pytest.raises(QueryError, match="not a SPARQL variable name"):
        run_query(store, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", substitutions={";": Literal("x")})
    r = CliRunner().invoke(cli, ["sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--bind", ";=x", "--store", store_dir])
    assert r.exit_code == 2 and "must be a SPARQL variable name" in r.output, r.output


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_parameter_that_is_not_an_iri_is_400(server, param):
    """Found by the fuzzing above: `default-graph-uri=SELECT * ...` was a 500 "Invalid IRI code point"."""
    q = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", param: "not an iri"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(server.url.rstrip("/") + "/sparql?" + q, timeout=60)
    assert e.value.code == 400 and param in e.value.read().decode()
