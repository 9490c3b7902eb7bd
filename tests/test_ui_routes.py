"""Every page of the app opens by its own URL (/overview, /ask, ...) in a real browser, with
no "Page not found" dialog; the server and browser fixtures are those of test_ui_browser."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytest.importorskip("playwright.sync_api")

from test_ui_browser import app_url, browser, page  # noqa: E402,F401  (fixtures)

from ui.state import PAGES  # noqa: E402

# page url path -> a heading the page shows (its st.title)
HEADINGS = {"overview": "newskg", "ask": "Ask", "explore": "Explore", "entity": "Entity", "sparql": "SPARQL",
            "export": "Export", "corpus": "Corpus"}


def test_every_page_has_a_heading_here():
    assert set(HEADINGS) == set(PAGES)


@pytest.mark.parametrize("name", list(HEADINGS))
def test_page_opens_by_its_url(app_url, page, name):  # noqa: F811
    page.goto(f"{app_url}/{name}")
    page.get_by_role("heading", name=HEADINGS[name], exact=True).first.wait_for()
    assert page.get_by_text("Page not found").count() == 0
    assert urlparse(page.url).path.rstrip("/") == "/" + name  # not sent back to "/"
