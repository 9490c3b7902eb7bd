"""Ask: templated question answering with facts, highlighted sources and the SPARQL used."""
from __future__ import annotations

import streamlit as st

from ui import state
from ui.i18n import t
from ui.tables import show_table
from ui.text import highlight, md_escape


@st.cache_data(show_spinner=False, max_entries=512)
def _answer(path: str, version: int, question: str) -> dict:
    from kg.qa import answer

    a = answer(state.get_store(), question)
    d = a.to_dict()
    d["suggestions"] = list(getattr(a, "suggestions", []) or [])
    for src, obj in zip(d["sources"], a.sources):
        span = getattr(obj, "span", None)  # article offsets of the figure or evidence
        if span and src.get("start") is not None:
            src["span_start"], src["span_end"] = span[0] - src["start"], span[1] - src["start"]
    return d


def _evidence(sentence: str, src: dict, facts: list[dict]) -> tuple[int, int]:
    """Where to highlight in a source sentence: the evidence span when the answer gives it,
    else the first fact value or subject written in the sentence."""
    if src.get("span_start") is not None:
        return src["span_start"], src["span_end"]
    for f in facts:
        for key in ("value", "subject"):
            v = str(f.get(key) or "")
            i = sentence.find(v) if v else -1
            if i >= 0:
                return i, i + len(v)
    return -1, -1


def _entity_buttons(names: list, key: str) -> None:
    """A button per name that is an entity of the graph, opening its Entity page."""
    index = state.get_index()
    by_name = {}
    for n in names:
        if n and n not in by_name:
            hit = next((e for e in index.search(str(n), limit=5) if e["name"] == n), None)
            if hit:
                by_name[n] = hit["id"]
    if not by_name:
        return
    cols = st.columns(min(len(by_name), 4))
    for i, (name, eid) in enumerate(list(by_name.items())[:8]):
        if cols[i % len(cols)].button(md_escape(name), key=f"{key}{i}", icon=":material/badge:"):
            state.go("entity", id=eid)


st.title(t("page.ask"))
state.cli_hint('newskg ask "QUESTION" --json')

initial = state.param("ask", "q", "")
with st.form("ask_form", border=False):
    question = st.text_input(t("ask.question"), value=initial, key="ask_q", placeholder=t("ask.placeholder"))
    asked = st.form_submit_button(t("ask.button"), type="primary")

question = (question or "").strip()
if not question:
    st.info(t("ask.hint"))
    st.stop()

if st.query_params.get("q") != question:
    st.query_params["q"] = question  # a shareable URL for this question
st.session_state["nav_ask_q"] = question

try:
    ans = _answer(state.store_path(), state.data_version(), question)
except Exception as e:
    state.show_error(e)
    st.stop()

if ans.get("found"):
    st.success(md_escape(ans.get("answer", "")), icon=":material/check_circle:")
else:
    st.warning(md_escape(ans.get("answer") or t("ask.not_said")), icon=":material/help:")
    known = ans.get("suggestions") or []
    if known:
        st.markdown(t("ask.known") + "、".join(md_escape(x) for x in known))
        _entity_buttons(known, "ask_known")

understood = {k: v for k, v in (ans.get("understood") or {}).items() if v and k != "parts"}
if understood:  # what the question was read as: subject, indicator, period, answer type
    st.caption("Understood: " + " · ".join(f"{k} = {md_escape(v if isinstance(v, str) else '、'.join(map(str, v)))}"
                                           for k, v in understood.items()))
if ans.get("why"):
    st.caption("Why not found: " + md_escape(ans["why"]))

facts = ans.get("facts") or []
if facts:
    st.subheader(t("ask.facts"))
    show_table(facts)
    _entity_buttons([f.get("subject") for f in facts] + [f.get("value") for f in facts], "ask_ent")

related = ans.get("related") or []
if related:  # near facts of another subject, period or indicator: never the answer
    st.subheader("Related facts (not the answer)")
    st.dataframe(related, hide_index=True, width="stretch")

sources = ans.get("sources") or []
if sources:
    st.subheader(t("ask.sources"))
    for i, src in enumerate(sources):
        sentence = src.get("sentence") or ""
        start, end = _evidence(sentence, src, facts)
        with st.container(border=True):
            st.markdown(highlight(sentence, start, end))
            c1, c2 = st.columns([4, 1])
            where = [src.get("title"), src.get("article"), t("ask.chars", start=src.get("start"), end=src.get("end"))]
            c1.caption(" · ".join(md_escape(w) for w in where if w))
            if c2.button(t("common.open_article"), key=f"ask_src{i}"):
                state.go("corpus", article=src["article"])

sparql = ans.get("sparql")
if sparql:
    st.subheader(t("ask.sparql"))
    st.code(sparql, language="sparql")
    if st.button(t("ask.edit_sparql"), key="ask_to_sparql"):
        st.session_state["sparql_query"] = sparql
        st.session_state["sparql_editor"] = sparql
        st.session_state.pop("sparql_loaded", None)  # not a ready query: no parameters
        state.go("sparql")
if ans.get("template"):
    st.caption(t("ask.template", name=md_escape(ans["template"])))
