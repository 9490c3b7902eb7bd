"""Export: the graph as GEXF / GraphML / CSV / Turtle / N-Triples / N-Quads / TriG / JSON-LD,
with the CLI's filters (entity types and minimum edge weight, for the graph formats); and the
figures table (one row per figure) as CSV or Parquet for pandas, R, Stata and Excel."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from extract.model import ENTITY_TYPES
from ui import state

FORMATS = {  # format -> (label, file name, mime); every one of kg.export.FORMATS
    "gexf": ("GEXF (Gephi)", "newskg.gexf", "application/xml"),
    "graphml": ("GraphML", "newskg.graphml", "application/xml"),
    "csv": ("CSV nodes + edges (zip)", "newskg-csv.zip", "application/zip"),
    "ttl": ("Turtle", "newskg.ttl", "text/turtle"),
    "nt": ("N-Triples", "newskg.nt", "application/n-triples"),
    "nq": ("N-Quads (one graph per article)", "newskg.nq", "application/n-quads"),
    "trig": ("TriG (one graph per article)", "newskg.trig", "application/trig"),
    "jsonld": ("JSON-LD", "newskg.jsonld", "application/ld+json"),
}
GRAPH_FORMATS = ("gexf", "graphml", "csv")


@st.cache_data(show_spinner="Exporting…", max_entries=16)
def _export(path: str, version: int, fmt: str, types: tuple[str, ...], min_weight: int) -> bytes:
    from kg.export import export

    store = state.get_store()
    filters = {"types": list(types) or None, "min_weight": min_weight} if fmt in GRAPH_FORMATS else {}
    if fmt != "csv":
        return export(store, None, format=fmt, **filters).data
    with tempfile.TemporaryDirectory(prefix="newskg-export-") as tmp:
        report = export(store, tmp + "/", format=fmt, **filters)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in report.paths:
                z.write(p, Path(p).name)
        return buf.getvalue()


@st.cache_data(show_spinner="Reading the figures…", max_entries=4)
def _figures_table(path: str, version: int) -> tuple[int, bytes, bytes]:
    """Rows, CSV (UTF-8 with BOM, for Excel) and Parquet of the figures table."""
    from kg.table_files import csv_bytes, parquet_bytes
    from kg.tidy_tables import figure_rows

    rows = figure_rows(state.get_store())
    return len(rows), csv_bytes(rows, "figures"), parquet_bytes(rows, "figures")


st.title("Export")
fmt = st.selectbox("Format", list(FORMATS), format_func=lambda f: FORMATS[f][0], key="export_fmt")
graph_fmt = fmt in GRAPH_FORMATS
types = st.multiselect("Entity types (empty: all)", ENTITY_TYPES, key="export_types", disabled=not graph_fmt)
min_weight = st.number_input("Minimum edge weight", min_value=1, value=1, step=1, key="export_minw",
                             disabled=not graph_fmt)
if not graph_fmt:
    st.caption("RDF formats hold every triple with its provenance; the filters apply to the entity graph formats.")
    types, min_weight = [], 1
out = "newskg-csv/" if fmt == "csv" else FORMATS[fmt][1]
cmd = f"newskg export --format {fmt} -o {out}"
if types:
    cmd += " --types " + ",".join(types)
if min_weight > 1:
    cmd += f" --min-weight {int(min_weight)}"
st.caption("CLI equivalent:")
st.code(cmd, language="bash")

if st.button("Prepare download", type="primary", key="export_go"):
    try:
        data = _export(state.store_path(), state.data_version(), fmt, tuple(types), int(min_weight))
        st.session_state["export_ready"] = (fmt, tuple(types), int(min_weight), data)
    except Exception as e:
        state.show_error(e)
ready = st.session_state.get("export_ready")
if ready and ready[:3] == (fmt, tuple(types), int(min_weight)):
    label, name, mime = FORMATS[fmt]
    st.download_button(f"Download {name} ({len(ready[3]):,} bytes)", ready[3], name, mime, key="export_dl")

st.divider()
st.subheader("Figures table")
st.caption("One row per figure: subject, indicator, value and unit as written and normalised, period, article, "
           "sentence and offsets, and whether other articles give another value (columns: docs/export.md). "
           "The CSV is UTF-8 with a byte order mark, so Excel shows the Chinese text.")
st.code("newskg export --format figures -o figures.csv", language="bash")
if st.button("Prepare figures table", key="export_figures_go"):
    try:
        st.session_state["export_figures"] = (state.data_version(),
                                              _figures_table(state.store_path(), state.data_version()))
    except Exception as e:
        state.show_error(e)
figures = st.session_state.get("export_figures")
if figures and figures[0] == state.data_version():
    n, csv_data, parquet_data = figures[1]
    st.caption(f"{n:,} figures")
    st.download_button(f"Download figures.csv ({len(csv_data):,} bytes)", csv_data, "figures.csv", "text/csv",
                       key="export_figures_csv")
    st.download_button(f"Download figures.parquet ({len(parquet_data):,} bytes)", parquet_data, "figures.parquet",
                       "application/vnd.apache.parquet", key="export_figures_parquet")
