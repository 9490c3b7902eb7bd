"""The Streamlit app, page by page, with streamlit.testing's AppTest on the bundled corpus's
graph (built by the real pipeline) plus one hand-written article whose names are markup."""
from __future__ import annotations

import doctest
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui_testdata import HOSTILE_ORG, HOSTILE_PERSON, HOSTILE_PLATFORM, HOSTILE_TITLE, build_bundled, write_hostile  # noqa: E402

APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"
TIMEOUT = 120  # seconds per script run (the first run loads the extraction models)

# fmt: off
ASK = [
    # (question, strings the answer must contain)
    ("2022年中国跨境数字服务进出口总值是多少？", ["3710.8亿美元"]),
    ("许余洁是谁？", ["首席经济学家", "山东产业技术研究院"]),
]
NOT_FOUND = ["阿里巴巴的净利润是多少？", "2015年中国跨境数字服务进出口总值是多少？"]
BAD_QUERIES = [
    # (query, what the error says)
    ("SELECT ?s WHERE { ?s ?p ", "E301"),
    ("DELETE WHERE { ?s ?p ?o }", "E301"),
]
GOOD_JSONL = [
    {"id": "upload-1", "title": "新闻一则", "date": "2024-03-05",
     "text": "中国信息通信研究院发布报告显示，2023年我国数据中心机架总规模超过810万标准机架。"},
    {"id": "upload-2", "title": "新闻二则", "date": "2024-03-06",
     "text": "工业和信息化部表示，今年将培育一批工业互联网平台。"},
]
# fmt: on


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    """The bundled corpus built with the real pipeline, plus the hostile article."""
    path = tmp_path_factory.mktemp("ui-apptest") / "store"
    build_bundled(path)
    write_hostile(path)
    return path


def _app(store: Path, page: str | None = None, **params: str) -> AppTest:
    assert os.environ["NEWSKG_STORE"] == str(store)  # set by the fixture (monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page:
        for k, v in params.items():
            at.query_params[k] = v
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def app(built_store, monkeypatch):
    monkeypatch.setenv("NEWSKG_STORE", str(built_store))
    return lambda page=None, **params: _app(built_store, page, **params)


def _texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, headers, alerts, captions)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "warning", "error", "info"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def _article_ids() -> list[str]:
    from corpus import read_corpus

    return [a.id for a in read_corpus(None)]


# ---------------------------------------------------------------- helpers of ui/


def test_ui_doctests():
    import ui.charts
    import ui.network
    import ui.text

    for mod in (ui.text, ui.network, ui.charts):
        res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert res.failed == 0 and res.attempted > 0, mod.__name__


# ---------------------------------------------------------------- pages


def test_overview_counts_and_examples(app):
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Articles"].replace(",", "")) == len(_article_ids()) + 1  # + the hostile article
    for label in ("Entities", "Metrics", "Relations", "Article triples"):
        assert int(metrics[label].replace(",", "")) > 0, label
    assert at.dataframe, "top entities table"
    assert any("？" in b.label for b in at.button), "example questions to click"


def test_overview_example_question_opens_ask(app):
    at = app()
    example = next(b for b in at.button if "？" in b.label)
    example.click().run()
    assert not at.exception
    assert at.text_input(key="ask_q").value == example.label.replace("\\", "")
    assert at.success, "the examples offered are questions the graph answers"


@pytest.mark.parametrize("question,expected", ASK)
def test_ask_flow(app, question, expected):
    at = app("ask")
    at.text_input(key="ask_q").input(question)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success, _texts(at)
    answer = at.success[0].value
    for s in expected:
        assert s in answer.replace("\\", "")
    assert at.dataframe, "facts table"
    # each source sentence has the matched span highlighted, and a button to its article
    assert any(":orange-background[" in m.value for m in at.markdown), "highlighted source"
    assert any(b.label == "Open article" for b in at.button)
    [code] = [c for c in at.code if c.language == "sparql"]
    assert "SELECT" in code.value.upper()
    # the entities of the facts open their Entity page
    subject = at.dataframe[0].value["subject"][0]
    button = next(b for b in at.button if b.label.replace("\\", "") == subject)
    button.click().run()
    assert not at.exception
    assert at.header[0].value.replace("\\", "") == subject


def test_ask_sparql_opens_in_editor(app):
    at = app("ask")
    at.text_input(key="ask_q").input(ASK[0][0])
    at.button[0].click().run()
    sparql = next(c.value for c in at.code if c.language == "sparql")
    at.button(key="ask_to_sparql").click().run()
    assert not at.exception
    assert at.text_area(key="sparql_editor").value == sparql
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.error, _texts(at)
    assert at.dataframe


@pytest.mark.parametrize("question", NOT_FOUND)
def test_ask_not_found_says_so(app, question):
    at = app("ask")
    at.text_input(key="ask_q").input(question)
    at.button[0].click().run()
    assert not at.exception
    assert not at.success and at.warning, _texts(at)


def test_ask_not_found_shows_related_facts_apart(app):
    at = app("ask")
    at.text_input(key="ask_q").input("2015年中国跨境数字服务进出口总值是多少？")
    at.button[0].click().run()
    assert not at.exception and not at.success and at.warning
    assert "3710.8" not in at.warning[0].value  # the near figure is not in the answer
    assert any("Related facts" in h.value for h in at.subheader), _texts(at)
    assert any("Understood" in c.value for c in at.caption), _texts(at)


def test_ask_from_url(app):
    at = app("ask", q=ASK[0][0])
    assert at.text_input(key="ask_q").value == ASK[0][0]
    assert at.success and ASK[0][1][0] in at.success[0].value.replace("\\", "")


def test_explore_search_network_and_click(app):
    at = app("explore")
    at.text_input(key="explore_text").input("研究院").run()
    pick = at.selectbox[0]
    names = [o.split(" · ")[0] for o in pick.options]
    assert "中国信息通信研究院" in names
    assert all("研究院" in n for n in names)
    at.selectbox[0].select_index(names.index("中国信息通信研究院")).run()
    assert at.subheader[0].value == "中国信息通信研究院"
    # the network: a custom component; a node click sends its id back to the page
    caption = next(c.value for c in at.caption if "entities," in c.value)
    n_nodes = int(caption.split()[0])
    assert n_nodes >= 2
    table = at.dataframe[-1].value  # links as a table
    other = next(r["to"] if r["from"] == "中国信息通信研究院" else r["from"] for _, r in table.iterrows())
    at.session_state["explore_net"] = {"chart_event": _id_of(at, other)}
    at.run()
    assert not at.exception
    assert at.subheader[0].value.replace("\\", "") == other


def _id_of(at: AppTest, name: str) -> str:
    from kg.browse import search_entities
    from ui.state import get_store  # the app's own cached store

    return next(e["id"] for e in search_entities(get_store(), name) if e["name"] == name)


def test_explore_type_filter(app):
    at = app("explore")
    at.multiselect(key="explore_types").select("PERSON").run()
    types = {o.split(" · ")[1] for o in at.selectbox[0].options}
    assert types == {"PERSON"}


def test_entity_page(app):
    at = app("entity", id="京西智谷人工智能计算中心")
    text = _texts(at)
    assert at.header[0].value == "京西智谷人工智能计算中心"
    assert "PLATFORM" in text
    # figures as a table with unit and period, mentions in context with the span highlighted
    assert any("unit" in df.value.columns and "period" in df.value.columns for df in at.dataframe)
    assert any(":orange-background[" in m.value for m in at.markdown)


def test_entity_page_unknown_id_is_a_clear_error(app):
    at = app("entity", id="没有这个实体")
    assert at.error and "E310" in at.error[0].value


def _running(at: AppTest) -> bool:
    """The SPARQL page shows a query running (its Cancel button is there)."""
    return any(b.key == "sparql_cancel" for b in at.button)


def _finish(at: AppTest, polls: int = 240) -> None:
    """Rerun the page (as its polling fragment does in a browser) until the query is done."""
    import time

    for _ in range(polls):
        if not _running(at):
            return
        time.sleep(0.5)
        at.run()
    pytest.fail("the query was still running after the polls")


def test_sparql_ready_queries_all_run(app):
    from kg.browse import ready_queries

    ready = ready_queries()
    assert len(ready) >= 10, "the ready queries of docs/queries/"
    at = app("sparql")
    assert len(at.selectbox(key="sparql_ready").options) == len(ready)
    for i in range(len(ready)):
        at.selectbox(key="sparql_ready").select_index(i).run()
        assert at.text_area(key="sparql_editor").value == ready[i]["query"]
        at.button(key="sparql_run").click().run()
        _finish(at)
        assert not at.exception and not at.error, (ready[i]["name"], _texts(at))
        assert any("rows in" in c.value or "answer in" in c.value for c in at.caption)


def test_sparql_ready_query_parameter(app):
    at = app("sparql")
    at.selectbox(key="sparql_ready").set_value("entity_metrics").run()
    next(t for t in at.text_input if t.label == "?name").input("京西智谷人工智能计算中心")
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.error, _texts(at)
    df = at.dataframe[0].value
    assert len(df) >= 2 and set(df["name"]) == {"京西智谷人工智能计算中心"}
    assert at.get("download_button"), "CSV/JSON downloads"


@pytest.mark.parametrize("query,expected", BAD_QUERIES)
def test_sparql_bad_query_is_a_clear_error(app, query, expected):
    at = app("sparql")
    at.text_area(key="sparql_editor").input(query)
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.exception
    assert at.error and expected in at.error[0].value
    assert not at.dataframe


def test_sparql_time_limit_is_a_clear_error(app):
    at = app("sparql")
    at.text_area(key="sparql_editor").input("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")  # a cross join
    at.number_input(key="sparql_timeout").set_value(0.01)
    at.number_input(key="sparql_limit").set_value(1_000_000)
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.exception
    assert at.error and "time limit" in at.error[0].value and "E301" in at.error[0].value
    assert not at.dataframe


def test_sparql_row_limit_truncates(app):
    at = app("sparql")
    at.text_area(key="sparql_editor").input("SELECT ?s WHERE { ?s ?p ?o }")
    at.number_input(key="sparql_limit").set_value(5)
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.error, _texts(at)
    assert len(at.dataframe[0].value) == 5
    assert any("truncated" in c.value for c in at.caption)


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "csv", "ttl", "nt", "nq", "trig", "jsonld"])
def test_export_downloads(app, fmt):
    at = app("export")
    at.selectbox(key="export_fmt").set_value(fmt).run()
    at.button(key="export_go").click().run()
    assert not at.exception and not at.error, _texts(at)
    assert at.get("download_button")


def test_corpus_lists_and_reads_articles(app):
    at = app("corpus")
    ids = _article_ids()
    listed = list(at.dataframe[0].value["id"])
    assert set(ids) <= set(listed)
    at.selectbox[0].set_value(ids[0]).run()
    assert not at.exception
    from corpus import find_article

    art = find_article(ids[0])
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert art.sentences[0].text.replace("\n", " ") in shown
    for sh in art.subheads:  # read from the source: repaired text with its subheads
        assert f"#### {sh.text}" in shown


# ---------------------------------------------------------------- uploads


@pytest.fixture
def upload_app(built_store, tmp_path, monkeypatch):
    """The app on a private copy of the built store (uploads change it)."""
    store = tmp_path / "store"
    shutil.copytree(built_store, store, ignore=shutil.ignore_patterns("LOCK"))
    monkeypatch.setenv("NEWSKG_STORE", str(store))
    return lambda: _app(store, "corpus")


def _listed(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["id"])


def _upload(at: AppTest, files) -> AppTest:
    at.get("file_uploader")[0].set_value(files)
    at.run()
    at.button(key="corpus_add").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("gz", [False, True])
def test_upload_good_jsonl_adds_articles(upload_app, gz):
    at = upload_app()
    before = _listed(at)
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOOD_JSONL).encode("utf-8")
    name = "news.jsonl.gz" if gz else "news.jsonl"
    _upload(at, (name, gzip.compress(data) if gz else data, "application/octet-stream"))
    assert at.success and not at.error, _texts(at)
    after = _listed(at)
    assert len(after) == len(before) + 2
    assert {"upload-1", "upload-2"} <= set(after)


def test_upload_good_txt(upload_app):
    at = upload_app()
    before = _listed(at)
    text = "国家数据局召开新闻发布会。\n\n会上介绍，今年以来全国数据交易规模持续扩大。\n"
    _upload(at, ("发布会.txt", text.encode("gb18030"), "text/plain"))
    assert at.success and not at.error, _texts(at)
    assert len(_listed(at)) > len(before)


# fmt: off
BAD_UPLOADS = [
    # (file name, content, what the message must name)
    ("broken.jsonl", b'{"id": "x1", "text": "\xe6\x96\xb0\xe9\x97\xbb"}\n{"id": "x2", "text": \n', "broken.jsonl:2"),
    ("binary.txt", b"\x00\x01\x02\x03PK\x00\x00" * 64, "binary.txt"),
    ("notext.jsonl", b'{"id": "x3", "title": "no text"}\n', "notext.jsonl:1"),
]
# fmt: on


@pytest.mark.parametrize("name,content,expected", BAD_UPLOADS)
def test_upload_bad_file_changes_nothing(upload_app, name, content, expected):
    at = upload_app()
    before = _listed(at)
    good = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOOD_JSONL).encode("utf-8")
    # a good file next to the bad one is not added either: all or nothing
    _upload(at, [("good.jsonl", good, "application/octet-stream"), (name, content, "application/octet-stream")])
    assert at.error and not at.success
    assert expected in at.error[0].value.replace("\\", "")
    assert at.error[0].value.replace("\\", "").count(name) == 1, "the file is named once"
    assert "Nothing was added" in at.error[0].value
    assert _listed(at) == before


# ---------------------------------------------------------------- safety


def _no_raw_html(at: AppTest) -> None:
    assert not at.get("html"), "no st.html elements"
    for m in at.markdown:
        assert not m.proto.allow_html, m.value


def test_hostile_names_are_text_on_the_entity_page(app):
    at = app("entity", id=HOSTILE_PLATFORM)
    _no_raw_html(at)
    shown = _texts(at)
    # markup is escaped so that it shows literally: never a live tag or link
    for raw in (HOSTILE_ORG, HOSTILE_PERSON, HOSTILE_PLATFORM):
        assert raw not in shown
    assert at.header[0].value.replace("\\", "") == HOSTILE_PLATFORM
    assert "\\<img src\\=x" in at.header[0].value


def test_hostile_names_are_text_in_explore_and_corpus(app):
    at = app("explore", id=HOSTILE_PERSON)
    _no_raw_html(at)
    assert at.subheader[0].value.replace("\\", "") == HOSTILE_PERSON
    at = app("corpus", article="hostile-1")
    _no_raw_html(at)
    assert at.header[0].value.replace("\\", "") == HOSTILE_TITLE
    assert HOSTILE_TITLE not in _texts(at)


# fmt: off
UPLOAD_THEN_ASK = (  # an article about an organisation the bundled corpus does not name
    {"id": "upload-qa", "title": "研究院发布报告", "date": "2024-04-02",
     "text": "星河数据研究院发布报告显示，2023年星河数据研究院的数据交易规模达到120亿元。"},
    "星河数据研究院的数据交易规模是多少？",
    "120亿元",
)
# fmt: on


def test_uploaded_article_is_answerable_at_once(upload_app):
    """After an upload the Ask page answers from the new article in the same server process
    (the Q&A label and indicator indexes built before the upload are dropped)."""
    record, question, expected = UPLOAD_THEN_ASK
    at = upload_app()
    at.switch_page("views/ask.py").run()
    at.text_input(key="ask_q").input(question)
    at.button[0].click().run()
    assert not at.success, "the organisation is not in the graph before the upload"
    at.switch_page("views/corpus.py").run()
    _upload(at, ("qa.jsonl", (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"), "application/octet-stream"))
    assert at.success and not at.error, _texts(at)
    at.switch_page("views/ask.py").run()
    at.text_input(key="ask_q").input(question)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success, _texts(at)
    assert expected in at.success[0].value.replace("\\", "")


# ---------------------------------------------------------------- issue 20: first hour


def test_explore_no_match_says_so_and_drops_the_entity(app):
    at = app("explore")
    at.text_input(key="explore_text").input("研究院").run()
    assert at.subheader, "a match shows its entity"
    at.text_input(key="explore_text").input("没有这个实体名称").run()
    assert not at.exception
    assert not at.subheader and not at.selectbox, "the previous entity is not shown"
    assert any("No match for" in i.value and "没有这个实体名称" in i.value for i in at.info)


def _cells(at: AppTest) -> list[str]:
    return [str(v) for df in at.dataframe for col in df.value.columns for v in df.value[col]]


def test_tables_show_blanks_and_words_not_codes(app):
    at = app("entity", id="中国")
    cells = _cells(at)
    assert cells and "None" not in cells
    metrics = next(df.value for df in at.dataframe if "qualifier" in df.value.columns)
    kinds = set(metrics["kind"])
    assert "year-on-year growth (yoy_growth)" in kinds and "level" in kinds
    assert not {"more_than", "yoy_growth", "less_than", "approx"} & (set(metrics["qualifier"]) | kinds)
    assert "more than" in set(metrics["qualifier"])
    at = app("entity", id="中国信息通信研究院")
    rels = next((df.value for df in at.dataframe if "relation" in df.value.columns), None)
    if rels is not None:
        assert not any(r in {"located_in", "works_for", "operates", "part_of"} for r in rels["relation"])
    at = app("corpus")
    assert "None" not in _cells(at)
    at = app("explore", id="中国信息通信研究院")
    links = set(at.dataframe[-1].value["relation"])
    assert "named together with (co_mention)" in links and not links & {"coMentionedWith", "co-mention", "partOf"}


def test_overview_counts_article_triples_as_stats_does(app, built_store):
    from kg.stats import triple_counts
    from ui.state import get_store

    at = app()
    metrics = {m.label: m.value for m in at.metric}
    counts = triple_counts(get_store())
    assert int(metrics["Article triples"].replace(",", "")) == counts["article_triples"]
    assert f"{counts['quads']:,} quads" in _texts(at)


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # the cross join


def _workers(store: Path) -> list[int]:
    """Pids of the live query worker processes over ``store``."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().split(b"\0")
                state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if any(c.endswith(b"sparql_worker.py") for c in cmd) and str(store).encode() in cmd and state != "Z":
                out.append(int(d.name))
    return out


def test_sparql_time_limit_stops_the_query(app, built_store):
    at = app("sparql")
    at.text_area(key="sparql_editor").input(HEAVY)
    at.number_input(key="sparql_timeout").set_value(2.0)
    at.button(key="sparql_run").click().run()
    assert not at.exception
    _finish(at)
    assert at.error and "time limit of 2 s" in at.error[0].value and "stopped" in at.error[0].value
    before = _workers(built_store.resolve())
    assert len(before) == 2, "the stopped worker was killed and replaced"
    at.text_area(key="sparql_editor").input("ASK { ?s ?p ?o }")
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.error and "**ASK:** True" in _texts(at)


def test_sparql_running_state_and_cancel(app, built_store):
    at = app("sparql")
    at.text_area(key="sparql_editor").input(HEAVY)
    at.number_input(key="sparql_timeout").set_value(300.0)
    at.button(key="sparql_run").click().run()
    assert not at.exception
    assert _running(at), "a running query shows its state and a Cancel button"
    assert any("Running the query" in e.label for e in at.get("status")), "its status says running"
    at.run()  # the next refresh: still running, and Run waits for it
    assert _running(at) and at.button(key="sparql_run").disabled
    busy = set(_workers(built_store.resolve()))
    at.button(key="sparql_cancel").click().run()
    _finish(at)
    assert at.error and "cancelled" in at.error[0].value
    after = set(_workers(built_store.resolve()))
    assert len(after) == 2 and after != busy, "the cancelled query's worker is gone"
    at.text_area(key="sparql_editor").input("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.error and len(at.dataframe[0].value) == 3


def test_sparql_bindings_are_shown_and_do_not_carry_over(app):
    own = "SELECT ?e ?name WHERE { ?e schema:name ?name } LIMIT 10"
    fresh = app("sparql")
    fresh.text_area(key="sparql_editor").input(own)
    fresh.button(key="sparql_run").click().run()
    _finish(fresh)
    expected = len(fresh.dataframe[0].value)
    assert expected == 10

    at = app("sparql")
    at.selectbox(key="sparql_ready").set_value("entity_metrics").run()
    shown = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Bound before running: ?name = " in shown and "中国" in shown
    at.text_area(key="sparql_editor").input(own)  # the user's own query, no `# param:` lines
    at.run()
    shown = " ".join(c.value for c in at.caption)
    assert "No variables bound" in shown and "Bound before running" not in shown
    assert not [t for t in at.text_input if t.label == "?name"], "no field for a binding the query does not declare"
    at.button(key="sparql_run").click().run()
    _finish(at)
    assert not at.error and len(at.dataframe[0].value) == expected


def test_corpus_remove_article_after_confirmation(upload_app):
    at = upload_app()
    victim = _listed(at)[0]
    at.query_params["article"] = victim
    at.run()
    at.button(key="corpus_remove").click().run()
    assert at.warning and victim in at.warning[0].value.replace("\\", "")
    at.button(key="corpus_remove_no").click().run()  # keep it: nothing changes
    assert victim in _listed(at) and not at.warning
    at.button(key="corpus_remove").click().run()
    at.button(key="corpus_remove_yes").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert victim not in _listed(at)
    assert any(victim in s.value.replace("\\", "") for s in at.success)
    from kg.store import stored_articles
    from ui.state import get_store

    assert victim not in set(stored_articles(get_store()))
    at.switch_page("views/overview.py").run()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Articles"].replace(",", "")) == len(_article_ids())  # one of the + hostile gone


def test_app_in_chinese_with_the_switch(app):
    at = app()
    assert at.radio(key="ui_lang").value == "en"  # no browser asking for Chinese: English
    at.radio(key="ui_lang").set_value("zh").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "文章" in labels and "文章三元组" in labels
    assert "提及最多" in _texts(at)
    assert "名称" in at.dataframe[0].value.columns  # table headers too
    at.switch_page("views/sparql.py").run()
    assert at.button(key="sparql_run").label == "运行"
    at.switch_page("views/explore.py").run()
    at.text_input(key="explore_text").input("没有这个实体名称").run()
    assert any("没有与“没有这个实体名称”匹配的实体" in i.value for i in at.info)
    at.radio(key="ui_lang").set_value("en").run()
    assert any("No match for" in i.value for i in at.info)


def test_every_interface_string_has_both_languages():
    """Every t("key") in ui/ is in ui/data/strings.tsv, with English and Chinese."""
    import re

    from ui.i18n import _strings

    table = _strings()
    assert all(v["en"].strip() and v["zh"].strip() for v in table.values())
    used = set()
    for p in (APP.parent).rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*f?["']([\w.]+)["']""", p.read_text(encoding="utf-8")))
    used = {k for k in used if not k.endswith(".")}  # f"page.{name}": checked below
    assert used and used <= set(table), used - set(table)
    from ui.state import PAGES

    assert {f"page.{name}" for name in PAGES} <= set(table)


def test_accept_language_picks_chinese():
    import doctest

    import ui.i18n

    res = doctest.testmod(ui.i18n)
    assert res.failed == 0 and res.attempted > 0

def test_export_offers_the_figures_table(app, built_store):
    from kg.store import open_store
    from kg.tidy_tables import figure_rows

    at = app("export")
    at.button(key="export_figures_go").click().run()
    assert not at.exception and not at.error, _texts(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(lb.startswith("Download figures.csv") for lb in labels)
    assert any(lb.startswith("Download figures.parquet") for lb in labels)
    n = len(figure_rows(open_store(built_store, read_only=True)))
    assert n and f"{n:,} figures" in _texts(at)
