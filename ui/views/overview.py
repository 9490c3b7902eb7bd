"""Overview: the corpus and graph at a glance, the most-mentioned entities, example questions."""
from __future__ import annotations

import streamlit as st

from streamlit_echarts import st_echarts

from ui import state
from ui.charts import bar_options
from ui.text import md_escape


@st.cache_data(show_spinner=False)
def _stats(path: str, version: int) -> dict:
    from kg.stats import stats

    return stats(state.get_store())


@st.cache_data(show_spinner=False)
def _examples() -> list[str]:
    from kg.qa import list_templates

    out: list[str] = []
    for t in list_templates():
        out.extend(t.get("examples", [])[:1])
    return out


st.title("newskg")
st.markdown("A knowledge graph of Chinese news: every entity, figure and relation traced to its sentence.")
state.cli_hint("newskg stats --json")

try:
    s = _stats(state.store_path(), state.data_version())
except Exception as e:  # library errors are shown, never raised
    state.show_error(e)
    st.stop()

counts = s.get("counts", {})
cols = st.columns(5)
for col, key, label in zip(
    cols,
    ("articles", "entities", "metrics", "relations", "triples"),
    ("Articles", "Entities", "Metrics", "Relations", "Triples"),
):
    col.metric(label, f"{counts.get(key, 0):,}")

left, right = st.columns(2)
with left:
    st.subheader("Entities by type")
    by_type = s.get("entities_by_type", {})
    if by_type:
        st_echarts(bar_options(by_type), height="240px", key="overview_types")
    st.subheader("Most mentioned")
    top = s.get("top_by_mentions", [])
    if top:
        st.dataframe(top, hide_index=True, width="stretch")
        pick = st.selectbox("Open an entity", [t["name"] for t in top], index=None, key="ov_entity",
                            placeholder="choose…")
        if pick:
            ent = next(t for t in top if t["name"] == pick)
            state.go("entity", id=ent["id"])
with right:
    st.subheader("Most figures")
    top_m = s.get("top_by_metrics", [])
    if top_m:
        st.dataframe(top_m, hide_index=True, width="stretch")
    st.subheader("Ask, for example")
    for i, q in enumerate(_examples()[:8]):
        if st.button(md_escape(q), key=f"ov_q{i}"):
            state.go("ask", q=q)
