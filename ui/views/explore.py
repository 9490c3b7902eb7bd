"""Explore: find entities by name or alias, and walk their neighbourhood as a network."""
from __future__ import annotations

import streamlit as st
from streamlit_echarts import st_echarts

from extract.model import ENTITY_TYPES
from ui import state
from ui.i18n import t
from ui.network import EVENTS, network_options
from ui.tables import show_table
from ui.text import md_escape


@st.cache_data(show_spinner=False, max_entries=256)
def _search(path: str, version: int, text: str, types: tuple[str, ...]) -> list[dict]:
    from kg.browse import search_entities

    return search_entities(state.get_store(), text, types=list(types) or None, limit=50, index=state.get_index())


@st.cache_data(show_spinner=False, max_entries=256)
def _network(path: str, version: int, entity: str, depth: int) -> dict:
    from kg.browse import neighbourhood

    return neighbourhood(state.get_store(), entity, depth=depth, index=state.get_index())


@st.cache_data(show_spinner=False)
def _edge_relations() -> dict[str, str]:
    """Edge label (the predicate's local name, as kg.browse.neighbourhood gives it) -> the
    relation code of kg/data/relations.tsv, whose words kg/data/labels.tsv holds."""
    from kg.browse import EDGE_LABELS
    from kg.rdf import relation_predicates

    out = {}
    for rel, pred in relation_predicates().items():
        local = pred.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        out[EDGE_LABELS.get(local, local)] = rel
    return out


st.title(t("page.explore"))
state.cli_hint("newskg entity search TEXT --json · newskg entity network ID --depth 2 --json")

c1, c2 = st.columns([3, 2])
text = c1.text_input(t("explore.search"), key="explore_text", placeholder=t("explore.placeholder"))
types = c2.multiselect(t("explore.types"), ENTITY_TYPES, key="explore_types")

try:
    found = _search(state.store_path(), state.data_version(), text.strip(), tuple(types))
except Exception as e:
    state.show_error(e)
    st.stop()

current = state.param("explore", "id")
if not found:
    # nothing matches what was typed: say so, never keep showing the previous entity
    st.session_state["explore_last_search"] = (text, tuple(types))
    st.info(t("explore.no_match", text=md_escape(text.strip())) if text.strip() else t("explore.no_type_match"),
            icon=":material/search_off:")
    st.caption(t("explore.no_match_hint"))
    st.stop()
if st.session_state.get("explore_last_search") != (text, tuple(types)):
    # a new search: show its best match (the first visit keeps an entity given in the URL)
    if st.session_state.get("explore_last_search") is not None or not current:
        current = found[0]["id"]
        st.session_state["nav_explore_id"] = current
        st.query_params["id"] = current
st.session_state["explore_last_search"] = (text, tuple(types))

labels = {f["id"]: f"{f['name']} · {f['type']} · {f.get('mentions', 0)}" for f in found}
options = list(labels)
if current and current not in labels:
    options.insert(0, current)
    labels[current] = current
c3, c4 = st.columns([4, 1])
choice = c3.selectbox(t("explore.entity"), options, index=options.index(current) if current in options else 0,
                      format_func=lambda i: labels.get(i, i), key=f"explore_pick_{current}")
if choice != current:
    st.session_state["nav_explore_id"] = choice
    st.query_params["id"] = choice
    current = choice

depth = c4.radio(t("explore.depth"), [1, 2], horizontal=True, key="explore_depth")
try:
    net = _network(state.store_path(), state.data_version(), current, int(depth))
except Exception as e:
    state.show_error(e)
    st.stop()

center = next((n for n in net["nodes"] if n["id"] == current), None)
st.subheader(md_escape(center["label"] if center else current))
st.caption(t("explore.net_caption", nodes=len(net["nodes"]), edges=len(net["edges"])))
value = st_echarts(network_options(net["nodes"], net["edges"], center=current),
                   events=EVENTS, height="560px", key="explore_net")
clicked = value.get("chart_event") if isinstance(value, dict) else None
if clicked and clicked != st.session_state.get("explore_last_click"):
    st.session_state["explore_last_click"] = clicked  # a click is acted on once
    if clicked != current and any(n["id"] == clicked for n in net["nodes"]):
        st.session_state["nav_explore_id"] = clicked
        st.query_params["id"] = clicked
        st.rerun()
if st.button(t("explore.open_entity"), key="explore_open", type="primary"):
    state.go("entity", id=current)
with st.expander(t("explore.links")):
    names = {n["id"]: n["label"] for n in net["nodes"]}
    codes = _edge_relations()
    show_table([{"from": names.get(e["source"], e["source"]), "relation": codes.get(e.get("label"), e.get("label")),
                 "to": names.get(e["target"], e["target"]), "weight": e.get("weight", 1)} for e in net["edges"]],
               {"relation": "relation"})
