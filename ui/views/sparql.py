"""SPARQL: edit and run read-only queries (ready ones from docs/queries/), results as a table,
downloads as CSV/JSON. Queries run the way ``newskg serve`` runs them: in a worker process
(:class:`kg.sparql_http.WorkerPool`) under a time limit that holds, shown running, and
cancellable; the variables a query declares with ``# param:`` are the only ones bound."""
from __future__ import annotations

import shlex
from pathlib import Path

import streamlit as st

from ui import state
from ui.i18n import t
from ui.tables import show_table
from ui.text import md_escape

TIMEOUT_S = 10.0
MAX_ROWS = 10_000
POOL_SIZE = 2  # worker processes per app server (as `newskg serve`'s default)
FIRST_WAIT_S = 1.0  # a quick query answers within the run that started it
POLL_S = 0.5  # how often the running state is refreshed


@st.cache_data(show_spinner=False)
def _ready() -> list[dict]:
    from kg.browse import ready_queries

    return ready_queries()


def _close(pool) -> None:
    pool.close()


@st.cache_resource(show_spinner=False, on_release=_close)
def _pool(path: str):
    """The app's query workers over the store (read-only, one pool per server process)."""
    from kg.sparql_http import WorkerPool

    return WorkerPool(path, POOL_SIZE)


def _declared(query: str):
    """The query's ``# param:`` header (its parameters and their defaults), or the error."""
    from kg.sparql import parse_ready

    try:
        return parse_ready(query), None
    except Exception as e:  # a malformed header is the query's error, shown before running
        return None, e


def _settle(job) -> None:
    """Move a finished job's outcome into the session (the page shows it from there)."""
    st.session_state.pop("sparql_job", None)
    if job.error is not None:
        st.session_state["sparql_error"] = str(job.error)
        st.session_state.pop("sparql_result", None)
    else:
        st.session_state["sparql_result"] = job.result
        st.session_state.pop("sparql_error", None)


def _running_panel() -> None:
    """The running query: elapsed time against the limit, and Cancel. Refreshed every
    :data:`POLL_S` seconds (a fragment), the whole page once the query is done."""
    job = st.session_state.get("sparql_job")
    if job is None:
        return
    if not job.done():
        with st.container(key="sparql_running"):
            st.status(t("sparql.running", seconds=f"{job.seconds():.0f}", limit=f"{job.timeout:g}"), state="running")
            if st.button(t("sparql.cancel"), key="sparql_cancel", icon=":material/stop_circle:"):
                job.cancel()
                job.wait(5)
    if job.done():
        _settle(job)
        st.rerun(scope="app")


st.title("SPARQL")
state.cli_hint("newskg sparql -f QUERY.rq --format csv")

ready = {q["name"]: q for q in _ready()}
if ready:
    pick = st.selectbox(t("sparql.ready"), list(ready), index=None, placeholder=t("sparql.ready_placeholder"),
                        format_func=lambda n: ready[n]["title"], key="sparql_ready")
    if pick and st.session_state.get("sparql_loaded") != pick:
        st.session_state["sparql_loaded"] = pick
        st.session_state["sparql_editor"] = ready[pick]["query"]
loaded = ready.get(st.session_state.get("sparql_loaded") or "")
if "sparql_editor" not in st.session_state:
    st.session_state["sparql_editor"] = st.session_state.get("sparql_query") or (
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20")

query = st.text_area(t("sparql.editor"), key="sparql_editor", height=260)
unchanged = bool(loaded) and query == loaded["query"]
if unchanged and loaded["answers"]:
    st.caption(loaded["answers"])

# Bindings: only the parameters the text itself declares (`# param: name = <term>`), and only
# for variables it uses; whatever a previous query bound does not carry over.
declared, header_error = _declared(query)
overrides: dict[str, str] = {}
if declared is not None and declared.params:
    cols = st.columns(len(declared.params))
    for col, (name, default) in zip(cols, declared.params.items()):
        overrides[name] = col.text_input(f"?{name}", value=default.value, key=f"sparql_param_{name}_{default}")
bound: dict = {}
if declared is not None:
    from kg.sparql_jobs import used_bindings

    try:
        bound = used_bindings(query, declared.bindings(overrides))
    except Exception as e:
        header_error = e
if bound:
    st.caption(t("sparql.bound", bindings=", ".join(f"?{k} = {md_escape(v)}" for k, v in bound.items())),
               help=t("sparql.bound_help"))
else:
    st.caption(t("sparql.unbound"))
if unchanged:
    binds = "".join(f" --bind {shlex.quote(f'{k}={v}')}" for k, v in overrides.items())
    st.code(f"newskg sparql -f docs/queries/{loaded['name']}.rq{binds} --format csv", language="bash")

job = st.session_state.get("sparql_job")
if job is not None and job.done():  # finished between two runs of the page
    _settle(job)
    job = None
running = job is not None
c1, c2, c3 = st.columns([1, 1, 3])
timeout = c1.number_input(t("sparql.timeout"), min_value=0.01, max_value=600.0, value=TIMEOUT_S, key="sparql_timeout")
limit = c2.number_input(t("sparql.limit"), min_value=1, max_value=1_000_000, value=MAX_ROWS, step=1000, key="sparql_limit")
run = st.button(t("sparql.run"), type="primary", key="sparql_run", disabled=running)
if run:
    st.session_state["sparql_query"] = query
    st.session_state.pop("sparql_result", None)
    st.session_state.pop("sparql_error", None)
    if header_error is not None:
        st.session_state["sparql_error"] = str(header_error)
    else:
        from kg.sparql_jobs import QueryJob

        store = str(Path(state.store_path()).resolve())
        state.get_store()  # the store exists (an empty one is created) before workers read it
        job = QueryJob(_pool(store), query, bound, timeout=float(timeout), limit=int(limit))
        st.session_state["sparql_job"] = job
        with st.spinner(t("sparql.spinner")):
            job.wait(FIRST_WAIT_S)
        if job.done():
            _settle(job)
        running = not job.done()

if running:
    st.fragment(run_every=POLL_S)(_running_panel)()

if "sparql_error" in st.session_state:
    state.show_error(st.session_state["sparql_error"])
res = st.session_state.get("sparql_result")
if res:
    ms = f"{res['seconds'] * 1000:.0f}"
    st.caption((t("sparql.answer", ms=ms) if res["kind"] == "ask" else t("sparql.rows", n=len(res["rows"]), ms=ms))
               + (t("sparql.truncated") if res.get("truncated") else ""))
    if res["kind"] == "ask":
        st.markdown(f"**ASK:** {res['boolean']}")
    elif res["kind"] == "graph":
        st.code(res["text"], language="turtle")
        st.download_button(t("sparql.download_turtle"), res["text"].encode("utf-8"), "result.ttl", "text/turtle")
    else:
        show_table(res["rows"], {}, headers=False)
        c1, c2 = st.columns(2)
        c1.download_button(t("sparql.download_csv"), res["csv"].encode("utf-8"), "result.csv", "text/csv",
                           key="sparql_csv")
        c2.download_button(t("sparql.download_json"), res["json"].encode("utf-8"), "result.json",
                           "application/sparql-results+json", key="sparql_json")
