"""End to end in a real browser: `newskg ui` serves the app on loopback, Debian's headless
chromium (driven by Playwright, never a downloaded browser) asks a question, sees the answer
and its source, opens an entity and sees the network drawn."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from ui_testdata import HOSTILE_ORG, write_hostile  # noqa: E402

CHROMIUM = os.environ.get("NEWSKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
START_TIMEOUT = 90  # seconds for the server to answer /_stcore/health
UI_TIMEOUT = 60_000  # ms for an element to appear

# fmt: off
QUESTION = "2022年中国跨境数字服务进出口总值是多少？"
ANSWER = "3710.8亿美元"
ENTITY = "中国信息通信研究院"
# fmt: on

if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"newskg ui exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)  # polling the server from the test process, not the page
    pytest.fail(f"the app did not become healthy in {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`newskg ui --headless` on a free loopback port and an empty store, which it fills with
    the bundled corpus's graph before serving; then the hostile article is added (the app
    opens the store at the first page view, so the store is free until then)."""
    tmp = tmp_path_factory.mktemp("ui-browser")
    store = tmp / "store"
    port = _free_port()
    log = tmp / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newskg", "ui", "--headless", "--store", str(store),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        assert "Built" in log.read_text(), "newskg ui builds the bundled corpus into an empty store"
        write_hostile(store)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _context_page(browser, locale: str):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    pg = ctx.new_page()
    pg.set_default_timeout(UI_TIMEOUT)
    pg.external = []  # requests that left the machine
    pg.dialogs = []
    pg.on("request", lambda r: pg.external.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    return ctx, pg


@pytest.fixture
def page(browser):
    """A page of a browser that asks for English (Accept-Language, navigator.language)."""
    ctx, pg = _context_page(browser, "en-US")
    yield pg
    ctx.close()


@pytest.fixture
def page_zh(browser):
    """A page of a browser that asks for Chinese."""
    ctx, pg = _context_page(browser, "zh-CN")
    yield pg
    ctx.close()


def _shot(page, tmp_path: Path, name: str, *, docs: bool = True) -> None:
    """Save a screenshot under the test's tmp dir (and under $NEWSKG_SCREENSHOTS, if set:
    that is how docs/screenshots/ are made)."""
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if docs and os.environ.get("NEWSKG_SCREENSHOTS"):
        out = Path(os.environ["NEWSKG_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name))


def _main(page):
    return page.locator('[data-testid="stMain"]')


def _canvas_painted(page) -> int:
    """Number of non-transparent pixels sampled on the first canvas (0: nothing drawn)."""
    return page.evaluate("""() => {
        const c = document.querySelector('canvas');
        if (!c || !c.width || !c.height) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++;
        return n;
    }""")


def test_ask_then_entity_network(app_url, page, tmp_path):
    # ask a question: the answer, its source sentence and the SPARQL appear
    page.goto(app_url + "/ask")
    box = page.get_by_label("Question in Chinese")
    box.fill(QUESTION)
    page.get_by_role("button", name="Ask", exact=True).click()
    answer = page.locator('[data-testid="stAlertContentSuccess"]')
    sync_api.expect(answer).to_contain_text(ANSWER)
    sync_api.expect(_main(page).get_by_text("Sources", exact=True)).to_be_visible()
    sync_api.expect(page.get_by_role("button", name="Open article").first).to_be_visible()
    sync_api.expect(page.locator('[data-testid="stCode"]').first).to_contain_text("SELECT")
    _shot(page, tmp_path, "ask.png")

    # the source's article opens on the Corpus page
    page.get_by_role("button", name="Open article").first.click()
    sync_api.expect(_main(page).locator("h2").first).to_be_visible()
    page.wait_for_timeout(500)
    assert "/corpus" in page.url and "article=" in page.url

    # open an entity: the network canvas draws
    page.goto(app_url + "/explore")
    page.get_by_label("Search entities by name or alias").fill(ENTITY)
    page.keyboard.press("Enter")
    sync_api.expect(_main(page).locator("h3", has_text=ENTITY).first).to_be_visible()
    canvas = page.locator("canvas").first
    sync_api.expect(canvas).to_be_visible()
    page.wait_for_timeout(1500)  # the force layout settles
    bbox = canvas.bounding_box()
    assert bbox and bbox["width"] > 300 and bbox["height"] > 300
    assert _canvas_painted(page) > 200
    canvas.scroll_into_view_if_needed()
    _shot(page, tmp_path, "explore.png")

    # click a neighbour on the canvas: the page moves there
    net = page.locator("[data-node-pixels]").first
    sync_api.expect(net).to_be_attached()
    pixels = json.loads(net.get_attribute("data-node-pixels"))
    assert ENTITY in pixels and len(pixels) >= 3
    other = sorted(k for k in pixels if k != ENTITY)[0]
    box = net.bounding_box()
    page.mouse.click(box["x"] + pixels[other][0], box["y"] + pixels[other][1])
    heading = _main(page).locator("h3").first
    sync_api.expect(heading).not_to_have_text(ENTITY)
    page.wait_for_function("(id) => new URLSearchParams(location.search).get('id') === id", arg=other)

    page.goto(app_url + "/explore?id=" + quote(ENTITY))
    sync_api.expect(_main(page).locator("h3", has_text=ENTITY).first).to_be_visible()
    page.get_by_role("button", name="Open entity page").click()
    sync_api.expect(_main(page).locator("h2", has_text=ENTITY).first).to_be_visible()
    sync_api.expect(_main(page).get_by_text("Relations", exact=True)).to_be_visible()
    _shot(page, tmp_path, "entity.png", docs=False)
    assert (tmp_path / "explore.png").stat().st_size > 10_000

    assert page.external == [], "the app must work offline"
    assert page.dialogs == []


def test_markup_in_names_is_shown_not_run(app_url, page):
    page.goto(app_url + "/explore")
    page.get_by_label("Search entities by name or alias").fill("星河")
    page.keyboard.press("Enter")
    # the hostile name is visible as literal text, its <script> never ran
    sync_api.expect(_main(page).get_by_text(HOSTILE_ORG, exact=True).first).to_be_visible()
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator('[data-testid="stMain"] b', has_text="星河").count() == 0
    page.goto(app_url + "/corpus?article=hostile-1")
    sync_api.expect(_main(page).locator("h2").first).to_contain_text("<iframe")
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator('[data-testid="stMain"] iframe[src^="javascript"]').count() == 0
    assert page.dialogs == []


# ---------------------------------------------------------------- issue 20: first hour

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross join


def _set_query(page, text: str) -> None:
    box = _main(page).locator("textarea").first
    box.fill(text)
    box.press("Control+Enter")  # Streamlit applies a text area on Ctrl+Enter
    page.wait_for_timeout(300)


def _set_number(page, label: str, value: str) -> None:
    field = page.get_by_label(label)
    field.fill(value)
    field.press("Enter")
    page.wait_for_timeout(300)


def _run(page) -> None:
    page.get_by_role("button", name="Run", exact=True).click()


def test_sparql_time_limit_running_state_and_cancel(app_url, page, tmp_path):
    page.goto(app_url + "/sparql")
    _set_query(page, HEAVY)
    _set_number(page, "Time limit (s)", "4")
    _run(page)
    sync_api.expect(_main(page).get_by_text("Running the query").first).to_be_visible()
    _shot(page, tmp_path, "sparql-running.png", docs=False)
    error = page.locator('[data-testid="stAlertContentError"]')
    sync_api.expect(error).to_contain_text("time limit of 4 s", timeout=60_000)
    sync_api.expect(error).to_contain_text("stopped")

    # the next query answers at once
    _set_query(page, "ASK { ?s ?p ?o }")
    _run(page)
    sync_api.expect(_main(page).get_by_text("True")).to_be_visible()

    # a long limit: Cancel stops it
    _set_query(page, HEAVY)
    _set_number(page, "Time limit (s)", "300")
    _run(page)
    cancel = page.get_by_role("button", name="Cancel")
    sync_api.expect(cancel).to_be_visible()
    cancel.click()
    sync_api.expect(error).to_contain_text("cancelled")
    sync_api.expect(cancel).to_have_count(0)
    assert page.external == [] and page.dialogs == []


def test_sparql_bindings_shown_and_not_carried_over(app_url, page):
    page.goto(app_url + "/sparql")
    _main(page).locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="All metrics of an entity, with sources").click()
    sync_api.expect(_main(page).get_by_text("Bound before running")).to_contain_text("中国")
    _set_query(page, "SELECT ?e ?name WHERE { ?e schema:name ?name } LIMIT 10")
    sync_api.expect(_main(page).get_by_text("No variables bound")).to_be_visible()
    sync_api.expect(_main(page).get_by_text("Bound before running")).to_have_count(0)
    _run(page)
    sync_api.expect(_main(page).get_by_text("10 rows in")).to_be_visible()


def test_explore_no_match(app_url, page):
    page.goto(app_url + "/explore")
    search = page.get_by_label("Search entities by name or alias")
    search.fill(ENTITY)
    search.press("Enter")
    sync_api.expect(_main(page).locator("h3", has_text=ENTITY).first).to_be_visible()
    search.fill("没有这个实体名称")
    search.press("Enter")
    sync_api.expect(_main(page).get_by_text("No match for")).to_be_visible()
    sync_api.expect(_main(page).locator("h3")).to_have_count(0)


# (page, URL path and query, what the page shows in English, in Chinese)
PAGES = [
    ("overview", "/", "Most mentioned", "提及最多"),
    ("ask", "/ask?q=" + quote(QUESTION), "Sources", "来源"),
    ("explore", "/explore?id=" + quote(ENTITY), "Links as a table", "连接列表"),
    ("entity", "/entity?id=" + quote(ENTITY), "Mentions", "提及"),
    ("sparql", "/sparql", "Max rows", "最多行数"),
    ("corpus", "/corpus?article=renmin_ribao_2023_digital_trade_industrial_internet_01", "Read an article", "阅读文章"),
]


def _settled(page) -> None:
    """Wait until the app's script run is over and its tables and charts are drawn."""
    page.wait_for_timeout(500)
    sync_api.expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    page.wait_for_timeout(1500)


def test_chinese_where_the_browser_asks_and_a_switch(app_url, page_zh, page, tmp_path):
    for name, path, en, zh in PAGES:
        page_zh.goto(app_url + path)
        sync_api.expect(_main(page_zh).get_by_text(zh, exact=True).first).to_be_visible()
        _settled(page_zh)
        _shot(page_zh, tmp_path, f"{name}-zh.png")
        page.goto(app_url + path)
        sync_api.expect(_main(page).get_by_text(en, exact=True).first).to_be_visible()
        _settled(page)
        _shot(page, tmp_path, f"{name}-en.png")
    # the switch: a Chinese browser turns the app English, and back
    page_zh.goto(app_url + "/sparql")
    sync_api.expect(page_zh.get_by_role("button", name="运行", exact=True)).to_be_visible()
    page_zh.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    sync_api.expect(page_zh.get_by_role("button", name="Run", exact=True)).to_be_visible()
    page_zh.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    sync_api.expect(page_zh.get_by_role("button", name="运行", exact=True)).to_be_visible()
    assert page_zh.external == [] and page_zh.dialogs == []


def test_build_names_the_running_app_as_the_holder(app_url, page):
    page.goto(app_url + "/")
    caption = page.locator('[data-testid="stSidebar"]').get_by_text("Store:")
    sync_api.expect(caption).to_be_visible()
    store = caption.inner_text().split("Store:", 1)[1].strip()
    assert Path(store, "CURRENT").is_file()
    p = subprocess.run([sys.executable, "-m", "newskg", "build", "--store", store, "--workers", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert "open for writing by pid " in p.stderr and "ui/app.py" in p.stderr, p.stderr
