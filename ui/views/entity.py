"""Entity: name, type, aliases, relations both ways, figures (with a chart over time) and
mentions in context."""
from __future__ import annotations

import streamlit as st

from streamlit_echarts import st_echarts

from ui import state
from ui.charts import line_options
from kg.labels import label
from ui.i18n import lang, t
from ui.tables import show_table
from ui.text import highlight, md_escape


@st.cache_data(show_spinner=False, max_entries=256)
def _details(path: str, version: int, entity: str) -> dict:
    from kg.browse import entity_details

    return entity_details(state.get_store(), entity, index=state.get_index())


@st.cache_data(show_spinner=False, max_entries=64)
def _search(path: str, version: int, text: str) -> list[dict]:
    from kg.browse import search_entities

    return search_entities(state.get_store(), text, limit=20, index=state.get_index())


def _series(metrics: list[dict]) -> dict[str, list[dict]]:
    """Indicators that have figures for several periods (and one unit): chartable series."""
    by_ind: dict[tuple[str, str], list[dict]] = {}
    for m in metrics:
        if m.get("period") and m.get("kind", "level") == "level":
            by_ind.setdefault((m["indicator"], m.get("unit") or ""), []).append(m)
    return {f"{ind} ({unit})" if unit else ind: sorted(ms, key=lambda m: str(m["period"]))
            for (ind, unit), ms in by_ind.items() if len({m["period"] for m in ms}) > 1}


st.title(t("page.entity"))
state.cli_hint("newskg entity show ID --json")

entity = state.param("entity", "id")
if not entity:
    text = st.text_input(t("entity.find"), key="entity_find")
    if text.strip():
        hits = _search(state.store_path(), state.data_version(), text.strip())
        for i, h in enumerate(hits):
            if st.button(f"{md_escape(h['name'])} · {h['type']}", key=f"entity_hit{i}"):
                state.go("entity", id=h["id"])
    else:
        st.info(t("entity.open_hint"))
    st.stop()

try:
    d = _details(state.store_path(), state.data_version(), entity)
except Exception as e:
    state.show_error(e)
    st.stop()

st.header(md_escape(d["name"]))
st.markdown(f"**{t('entity.type')}:** {md_escape(label('type', d['type'], lang()))}  \n"
            f"**{t('entity.id')}:** {md_escape(d['id'])}")
if d.get("aliases"):
    st.markdown(f"**{t('entity.aliases')}:** " + "、".join(md_escape(a) for a in d["aliases"]))
c1, c2 = st.columns(2)
if c1.button(t("entity.show_explore"), key="entity_explore"):
    state.go("explore", id=d["id"])

st.subheader(t("entity.relations"))
rels = d.get("relations") or []
co = d.get("co_mentions") or []
if rels:
    show_table([{k: r.get(k) for k in ("direction", "relation", "other_name", "role", "article", "sentence")}
                for r in rels])
else:
    st.caption(t("entity.no_relations"))
if co:
    st.markdown(f"**{t('entity.co')}**")
    show_table([{"entity": c["other_name"], "sentences": c["sentences"], "articles": c["articles"]} for c in co])
others = sorted({(r["other"], r["other_name"]) for r in rels if r.get("other")}
                | {(c["other"], c["other_name"]) for c in co}, key=lambda x: x[1])
if others:
    pick = st.selectbox(t("entity.open_related"), others, index=None, format_func=lambda x: x[1],
                        key=f"entity_rel_{entity}", placeholder=t("common.choose"))
    if pick:
        state.go("entity", id=pick[0])

st.subheader(t("entity.figures"))
metrics = d.get("metrics") or []
if metrics:
    show_table([{k: m.get(k) for k in ("indicator", "value", "unit", "qualifier", "kind", "period", "base_value",
                                       "base_unit", "article", "text")} for m in metrics])
    for i, (name, ms) in enumerate(_series(metrics).items()):
        st.markdown(f"**{t('entity.over_time', name=md_escape(name))}**")
        st_echarts(line_options([str(m["period"]) for m in ms], [float(m["value"]) for m in ms],
                                name=name, unit=ms[0].get("unit") or ""), height="240px", key=f"entity_chart{i}")
else:
    st.caption(t("entity.no_figures"))

st.subheader(t("entity.mentions"))
mentions = d.get("mentions") or []
for i, m in enumerate(mentions[:50]):
    with st.container(border=True):
        st.markdown(highlight(m.get("sentence") or "", m.get("span_start", -1), m.get("span_end", -1)))
        a, b = st.columns([4, 1])
        a.caption(" · ".join(md_escape(w) for w in (m.get("title"), m.get("date"), m.get("article")) if w))
        if b.button(t("common.open_article"), key=f"entity_m{i}"):
            state.go("corpus", article=m["article"])
if len(mentions) > 50:
    st.caption(t("entity.more_mentions", n=len(mentions) - 50))
