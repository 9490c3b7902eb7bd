"""ECharts options for an entity network (nodes coloured by type, labelled edges), shown with
streamlit-echarts, whose JavaScript ships inside the wheel: no CDN, works offline."""
from __future__ import annotations

from typing import Iterable, Mapping

# Colours per entity type (ColorBrewer Set2/Dark2, readable on white).
TYPE_COLORS = {
    "ORG": "#1b9e77",
    "PLATFORM": "#d95f02",
    "PERSON": "#7570b3",
    "PLACE": "#e7298a",
    "EVENT": "#66a61e",
    "WORK": "#e6ab02",
}
OTHER_COLOR = "#888888"
# Edge labels drawn without an arrow (symmetric links).
UNDIRECTED = {"co-mention"}

# streamlit-echarts turns strings wrapped in this marker into live JavaScript (its JsCode):
# text from the corpus must never carry it.
_JS_MARKER = "--x_x--0_0--"

# Sent back to Python when a node is clicked: the node's id (edges and blank canvas: nothing).
CLICK_HANDLER = "function(params){ if (params.dataType === 'node') { return params.data.id; } }"

# After each render, the canvas container gets a ``data-node-pixels`` attribute: node id ->
# [x, y] in canvas pixels (end-to-end tests click nodes with it). Returns nothing: no rerun.
POSITIONS_HANDLER = """function(){
  try {
    const d = chart.getModel().getSeriesByIndex(0).getData();
    const out = {};
    for (let i = 0; i < d.count(); i++) {
      out[d.getId(i)] = chart.convertToPixel({seriesIndex: 0}, d.getItemLayout(i));
    }
    chart.getDom().setAttribute('data-node-pixels', JSON.stringify(out));
  } catch (e) {}
}"""

#: The events the Explore page binds on the network.
EVENTS = {"click": CLICK_HANDLER, "finished": POSITIONS_HANDLER}


def safe_label(text: object, max_len: int = 40) -> str:
    """A plain label for the canvas: no JsCode marker, no newlines, at most ``max_len`` chars.

    >>> safe_label("a--x_x--0_0--alert(1)--x_x--0_0--")
    'aalert(1)'
    >>> safe_label("京西" * 30, max_len=5)
    '京西京西…'
    """
    s = "" if text is None else str(text)
    while _JS_MARKER in s:
        s = s.replace(_JS_MARKER, "")
    s = " ".join(s.split())
    return s if len(s) <= max_len else s[: max_len - 1] + "…"


def layout_positions(ids: list[str], pairs: list[tuple[str, str]], center: str | None = None,
                     size: float = 500.0) -> dict[str, tuple[float, float]]:
    """Deterministic node positions (networkx spring layout, fixed seed) with ``center`` in
    the middle, scaled to about ``size`` pixels: the picture does not move on every rerun.

    >>> pos = layout_positions(["a", "b", "c"], [("a", "b"), ("a", "c")], center="a")
    >>> pos["a"]
    (0.0, 0.0)
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((a, b) for a, b in pairs if a in g and b in g and a != b)
    if not ids:
        return {}
    init = None
    fixed = None
    if center is not None and center in g:
        init = {n: ((i * 0.6180339887) % 1 - 0.5, ((i * 0.7548776662) % 1) - 0.5) for i, n in enumerate(ids)}
        init[center] = (0.0, 0.0)
        fixed = [center]
    k = 1.6 / max(len(ids), 1) ** 0.5
    pos = nx.spring_layout(g, pos=init, fixed=fixed, seed=7, k=k, iterations=80)
    cx, cy = pos[center] if fixed else (0.0, 0.0)
    span = float(max((max(abs(x - cx), abs(y - cy)) for x, y in pos.values()), default=1.0)) or 1.0
    return {n: (round(float(x - cx) / span * size / 2, 1), round(float(y - cy) / span * size / 2, 1))
            for n, (x, y) in pos.items()}


def network_options(
    nodes: Iterable[Mapping], edges: Iterable[Mapping], *, center: str | None = None
) -> dict:
    """ECharts ``graph`` series options from nodes ``{id, label, type, weight}`` and edges
    ``{source, target, label, weight}``; the ``center`` node is drawn larger and fixed.

    >>> opts = network_options([{"id": "a", "label": "甲", "type": "ORG"},
    ...                         {"id": "b", "label": "乙", "type": "PERSON"}],
    ...                        [{"source": "b", "target": "a", "label": "works_for"}], center="a")
    >>> [n["name"] for n in opts["series"][0]["data"]], opts["series"][0]["links"][0]["label"]["formatter"]
    (['甲', '乙'], 'works_for')
    """
    nodes = list(nodes)
    edges = list(edges)
    pos = layout_positions([n["id"] for n in nodes], [(e["source"], e["target"]) for e in edges], center)
    types = sorted({str(n.get("type") or "OTHER") for n in nodes})
    categories = [{"name": t, "itemStyle": {"color": TYPE_COLORS.get(t, OTHER_COLOR)}} for t in types]
    cat_index = {t: i for i, t in enumerate(types)}
    weights = [float(n.get("weight") or 1) for n in nodes] or [1.0]
    top = max(weights) or 1.0
    data = []
    seen_names: dict[str, int] = {}
    for n in nodes:
        nid = safe_label(n["id"], max_len=10_000)
        label = safe_label(n.get("label") or n["id"])
        # ECharts identifies graph nodes by name: keep names unique, show the label.
        k = seen_names.get(label, 0)
        seen_names[label] = k + 1
        name = label if k == 0 else f"{label} ({k + 1})"
        w = float(n.get("weight") or 1)
        item = {
            "id": nid,
            "name": name,
            "category": cat_index[str(n.get("type") or "OTHER")],
            "symbolSize": 14 + 26 * (w / top) ** 0.5,
            "value": w,
            "x": pos[n["id"]][0],
            "y": pos[n["id"]][1],
        }
        if n["id"] == center:
            item.update(symbolSize=48, itemStyle={"borderColor": "#222", "borderWidth": 3})
        data.append(item)
    links = []
    for e in edges:
        link = {
            "source": safe_label(e["source"], max_len=10_000),
            "target": safe_label(e["target"], max_len=10_000),
            "value": float(e.get("weight") or 1),
            "label": {"show": bool(e.get("label")), "formatter": safe_label(e.get("label") or "")},
        }
        if e.get("label") in UNDIRECTED:
            link.update(symbol=["none", "none"], lineStyle={"type": "dashed", "opacity": 0.45})
        links.append(link)
    return {
        "tooltip": {"renderMode": "richText"},  # canvas text, never HTML
        "legend": [{"data": types, "top": 0}],
        "animationDurationUpdate": 300,
        "series": [
            {
                "type": "graph",
                "layout": "none",  # positions computed in Python: stable across reruns
                "roam": True,
                "draggable": True,
                "categories": categories,
                "data": data,
                "links": links,
                "label": {"show": True, "position": "right"},
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 7,
                "edgeLabel": {"fontSize": 10, "color": "#555"},
                "lineStyle": {"color": "source", "curveness": 0.15, "opacity": 0.7},
                "emphasis": {"focus": "adjacency"},
            }
        ],
    }
