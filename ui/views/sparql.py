"""SPARQL: edit and run read-only queries (ready ones from docs/queries/), results as a table,
downloads as CSV/JSON, clear errors for bad queries and the time limit."""
from __future__ import annotations

import shlex

import streamlit as st

from ui import state

TIMEOUT_S = 10.0
MAX_ROWS = 10_000


@st.cache_data(show_spinner=False)
def _ready() -> list[dict]:
    from kg.browse import ready_queries

    return ready_queries()


def _run(query: str, ready: str | None, params: dict, timeout: float, limit: int) -> dict:
    from kg.browse import select_rows

    return select_rows(state.get_store(), query, ready=ready, params=params, timeout=timeout, limit=limit)


st.title("SPARQL")
state.cli_hint("newskg sparql -f QUERY.rq --format csv")

ready = {q["name"]: q for q in _ready()}
if ready:
    pick = st.selectbox("Ready queries (docs/queries/)", list(ready), index=None, placeholder="load a ready query…",
                        format_func=lambda n: ready[n]["title"], key="sparql_ready")
    if pick and st.session_state.get("sparql_loaded") != pick:
        st.session_state["sparql_loaded"] = pick
        st.session_state["sparql_editor"] = ready[pick]["query"]
loaded = ready.get(st.session_state.get("sparql_loaded") or "")
if loaded and loaded["answers"]:
    st.caption(loaded["answers"])
if "sparql_editor" not in st.session_state:
    st.session_state["sparql_editor"] = st.session_state.get("sparql_query") or (
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20")

query = st.text_area("Query (prefixes nkg:, schema:, prov:, rdfs:, xsd:, ent: are predefined)",
                     key="sparql_editor", height=260)
params: dict[str, str] = {}
if loaded and loaded["params"]:
    cols = st.columns(len(loaded["params"]))
    for col, (name, default) in zip(cols, loaded["params"].items()):
        params[name] = col.text_input(f"?{name}", value=default, key=f"sparql_param_{loaded['name']}_{name}")
if loaded:
    binds = "".join(f" --bind {shlex.quote(f'{k}={v}')}" for k, v in params.items())
    st.code(f"newskg sparql -f docs/queries/{loaded['name']}.rq{binds} --format csv", language="bash")
c1, c2, c3 = st.columns([1, 1, 3])
timeout = c1.number_input("Time limit (s)", min_value=0.01, max_value=600.0, value=TIMEOUT_S, key="sparql_timeout")
limit = c2.number_input("Max rows", min_value=1, max_value=1_000_000, value=MAX_ROWS, step=1000, key="sparql_limit")
run = st.button("Run", type="primary", key="sparql_run")
if run:
    st.session_state["sparql_query"] = query
    try:
        st.session_state["sparql_result"] = _run(query, loaded["name"] if loaded else None, params,
                                                 float(timeout), int(limit))
        st.session_state.pop("sparql_error", None)
    except Exception as e:  # keep the message only: the traceback holds the query's result iterator
        st.session_state["sparql_error"] = str(e)
        st.session_state.pop("sparql_result", None)

if "sparql_error" in st.session_state:
    state.show_error(st.session_state["sparql_error"])
res = st.session_state.get("sparql_result")
if res:
    size = "1 answer" if res["kind"] == "ask" else f"{len(res['rows'])} rows"
    st.caption(f"{size} in {res['seconds'] * 1000:.0f} ms"
               + (" (truncated at the row limit)" if res.get("truncated") else ""))
    if res["kind"] == "ask":
        st.markdown(f"**ASK:** {res['boolean']}")
    elif res["kind"] == "graph":
        st.code(res["text"], language="turtle")
        st.download_button("Download Turtle", res["text"].encode("utf-8"), "result.ttl", "text/turtle")
    else:
        st.dataframe(res["rows"], hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        c1.download_button("Download CSV", res["csv"].encode("utf-8"), "result.csv", "text/csv",
                           key="sparql_csv")
        c2.download_button("Download JSON", res["json"].encode("utf-8"), "result.json",
                           "application/sparql-results+json", key="sparql_json")
