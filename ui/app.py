"""newskg research app: ``newskg ui`` runs ``streamlit run ui/app.py``.

One page per file in ``ui/views/``; every page only calls the library (corpus/, kg/).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import streamlit as st

t0 = time.perf_counter()

# `streamlit run ui/app.py` puts ui/ (not the project) on sys.path; make `ui.*` importable
# also when newskg is not installed (a plain checkout).
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from ui.i18n import language_switch, t  # noqa: E402
from ui.state import PAGES, store_path  # noqa: E402
from ui.text import md_escape  # noqa: E402

# A local icon: material/emoji page icons make the browser fetch them from a CDN.
st.set_page_config(page_title="newskg", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")

# Streamlit serves the default page at "/" only and ignores its url_path, so /overview said
# "Page not found": the same script, hidden from the menu, also answers at its own URL.
pages = [
    st.Page(path, title=t(f"page.{name}"), icon=icon, url_path="home" if name == "overview" else name,
            default=(name == "overview"))
    for name, (path, title, icon) in PAGES.items()
] + [st.Page(PAGES["overview"][0], title=t("page.overview"), url_path="overview", visibility="hidden")]
nav = st.navigation(pages)
with st.sidebar:
    language_switch()
    st.caption(t("app.tagline"))
    st.caption(t("app.store", path=md_escape(store_path())))
try:
    nav.run()
finally:
    # benchmarks/ui_latency.py reads how long each script run took (server side)
    if os.environ.get("NEWSKG_UI_TIMINGS"):
        with open(os.environ["NEWSKG_UI_TIMINGS"], "a", encoding="utf-8") as f:
            f.write(json.dumps({"page": nav.url_path or "overview",
                                "ms": (time.perf_counter() - t0) * 1000}) + "\n")
