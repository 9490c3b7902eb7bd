"""ECharts options for small charts (an indicator over time, counts by type): drawn on a
canvas by streamlit-echarts, offline, and much faster to build than Altair charts."""
from __future__ import annotations

from typing import Sequence

from ui.network import safe_label


def line_options(periods: Sequence[str], values: Sequence[float], *, name: str, unit: str = "") -> dict:
    """A line chart of one indicator over periods (category axis, in the order given).

    >>> o = line_options(["2022", "2023"], [1.5, 2.0], name="规模", unit="亿元")
    >>> o["xAxis"]["data"], o["series"][0]["data"], o["yAxis"]["name"]
    (['2022', '2023'], [1.5, 2.0], '亿元')
    """
    return {
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [safe_label(p) for p in periods]},
        "yAxis": {"type": "value", "name": safe_label(unit), "scale": True},
        "series": [{"type": "line", "name": safe_label(name), "data": [float(v) for v in values],
                    "label": {"show": True}, "symbolSize": 8}],
    }


def bar_options(counts: dict[str, int]) -> dict:
    """A horizontal bar chart of counts by label, largest on top.

    >>> bar_options({"ORG": 3, "PERSON": 5})["yAxis"]["data"]
    ['ORG', 'PERSON']
    """
    items = sorted(counts.items(), key=lambda kv: kv[1])
    return {
        "tooltip": {"renderMode": "richText"},
        "grid": {"left": 90, "right": 30, "top": 10, "bottom": 20},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [safe_label(k) for k, _ in items]},
        "series": [{"type": "bar", "data": [v for _, v in items], "label": {"show": True, "position": "right"}}],
    }
