"""Overview: the corpus and graph at a glance, the most-mentioned entities, example questions."""
from __future__ import annotations

import streamlit as st

from streamlit_echarts import st_echarts

from ui import state
from ui.charts import bar_options
from kg.labels import label
from ui.i18n import lang, t
from ui.tables import show_table
from ui.text import md_escape


@st.cache_data(show_spinner=False)
def _stats(path: str, version: int) -> dict:
    from kg.browse import entity_id_from_iri
    from kg.stats import graph_stats

    s = graph_stats(state.get_store(), top=10)
    for key in ("top_by_mentions", "top_by_metrics"):
        s[key] = [{"id": entity_id_from_iri(r["entity"]), **{k: v for k, v in r.items() if k != "entity"}}
                  for r in s[key]]
    return s


@st.cache_data(show_spinner=False)
def _examples(path: str, version: int) -> list[str]:
    from kg.browse import example_questions

    return example_questions(state.get_store(), limit=6, index=state.get_index(), budget_s=2.0)


st.title("newskg")
st.markdown(t("overview.intro"))
state.cli_hint("newskg stats --json")

try:
    s = _stats(state.store_path(), state.data_version())
except Exception as e:  # library errors are shown, never raised
    state.show_error(e)
    st.stop()

cols = st.columns(6)
for col, key in zip(cols, ("articles", "sentences", "entities", "metrics", "relations", "article_triples")):
    words = label("count", key, lang())  # the words `newskg stats` prints (kg/data/labels.tsv)
    col.metric(words[:1].upper() + words[1:], f"{s.get(key, 0):,}")
# the words of docs/ontology.md ("Counting"), as `newskg build` and `newskg stats` print them
cols[-1].caption(md_escape(t("overview.quads", summary=f"{s.get('summary_triples', 0):,}", quads=f"{s.get('quads', 0):,}")))

left, right = st.columns(2)
with left:
    st.subheader(t("overview.by_type"))
    by_type = {label("type", typ, lang()): n for typ, n in s.get("entities_by_type", {}).items() if n}
    if by_type:
        st_echarts(bar_options(by_type), height="240px", key="overview_types")
    st.subheader(t("overview.most_mentioned"))
    top = s.get("top_by_mentions", [])
    if top:
        show_table([{k: e[k] for k in ("name", "type", "mentions")} for e in top])
        pick = st.selectbox(t("overview.open_entity"), [e["name"] for e in top], index=None, key="ov_entity",
                            placeholder=t("common.choose"))
        if pick:
            ent = next(e for e in top if e["name"] == pick)
            state.go("entity", id=ent["id"])
with right:
    st.subheader(t("overview.most_figures"))
    top_m = s.get("top_by_metrics", [])
    if top_m:
        show_table([{k: e[k] for k in ("name", "type", "metrics")} for e in top_m])
    st.subheader(t("overview.examples"))
    for i, q in enumerate(_examples(state.store_path(), state.data_version())):
        if st.button(md_escape(q), key=f"ov_q{i}"):
            state.go("ask", q=q)
