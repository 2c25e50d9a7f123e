"""The course website, built by ``scripts/build_site.py`` and opened in headless Chromium.

Every page is loaded from a local server (127.0.0.1) and checked: the math is typeset by the
local MathJax (no raw ``$...$`` or ``\\begin`` left in the visible text, every math element holds
rendered output, no TeX errors), every image has loaded (natural width > 0), every link into the
site resolves (page and anchor), notebook pages carry the sidebar, previous/next links, a Colab
badge served locally and a download link to the original notebook, and no request leaves the
site. The search page finds the notebook that teaches the forget gate.

Needs the system's Chromium (Debian/Ubuntu: ``apt-get install chromium``) and the Python package
``playwright`` (in the ``site`` extra); ``playwright install`` is not needed. On CI (``CI=true``)
the test never skips: ``.ci/run`` installs Chromium when it is missing.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import course_meta as meta  # noqa: E402

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
INSTALL_HINT = (
    "the browser test needs Chromium: install it with `sudo apt-get install chromium` "
    "(Debian/Ubuntu) or point CHROMIUM at a Chromium/Chrome binary, and "
    '`pip install -c constraints.txt -e ".[dev]"` for playwright'
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
PRIMARY_SEARCH_TERM = "forget gate"
MATHJAX_TIMEOUT_MS = 30_000


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def _require_browser() -> str:
    chromium = _chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        chromium = None
    if chromium is None:
        if ON_CI:
            pytest.fail(f"CI=true but no browser: {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    return chromium


# --------------------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import build_site

    out = tmp_path_factory.mktemp("site") / "html"
    pages, seconds = build_site.build(out, quiet=True)
    print(f"site: {pages} pages in {seconds:.1f} s")
    return out


@pytest.fixture(scope="module")
def server(site):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(site))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = _require_browser()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        yield context
        context.close()


# MathJax 2 has typeset the page once its startup signal "End" is posted and its queue is empty.
MATHJAX_DONE_JS = """
() => {
  if (!window.MathJax || !window.MathJax.Hub) return true;
  const hub = window.MathJax.Hub;
  const posted = (hub.Startup.signal.posted || []).map(String);
  return posted.includes('End') && !hub.queue.pending && !hub.queue.running;
}
"""
# What each page looks like once loaded: computed in the page, asserted in Python.
PAGE_FACTS_JS = """
async () => {
  // images below the fold: load them all, then read their natural size
  await Promise.all([...document.images].map(img => {
    img.loading = 'eager';
    return img.complete ? Promise.resolve() : img.decode().catch(() => {});
  }));
  const images = [...document.images].map(img => ({src: img.currentSrc || img.src,
                                                   width: img.naturalWidth}));
  const math = [...document.querySelectorAll('.math.notranslate')];  // Sphinx's math elements
  const rendered = '.MathJax, .MathJax_Display';
  const untypeset = math.filter(el => !el.querySelector(rendered))
                        .map(el => el.textContent.slice(0, 80));
  const errors = [...document.querySelectorAll('.merror, .MathJax_Error, .noError')]
                   .map(el => el.textContent.slice(0, 80));
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('script, style, pre, code, .MathJax_Preview, .MJX_Assistive_MathML, '
                         + 'math, .MathJax, .MathJax_Display').forEach(el => el.remove());
  return {
    mathjax: window.MathJax ? 'done' : 'absent',
    mathCount: math.length,
    typeset: math.filter(el => el.querySelector(rendered)).length,
    untypeset, errors, images,
    text: clone.textContent,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    sidebar: [...document.querySelectorAll('.bd-sidenav a[href]')].map(a => a.href),
    prev: document.querySelector('a.left-prev')?.href ?? null,
    next: document.querySelector('a.right-next')?.href ?? null,
    badges: [...document.querySelectorAll('.course-links a')].map(a => ({
      href: a.href, img: a.querySelector('img')?.src ?? null})),
    title: document.title,
  };
}
"""


SNIPPETS_JS = """
() => {
  const clone = document.getElementById('search-results').cloneNode(true);
  clone.querySelectorAll('script, .MathJax_Preview, .MathJax, .MJX_Assistive_MathML')
       .forEach(el => el.remove());
  return clone.textContent;
}
"""


@pytest.fixture(scope="module")
def visits(site, server, browser):
    """Open every page once; return {page name: facts} and every request the browser made."""
    requests: list[str] = []
    failed: list[str] = []
    page = browser.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    facts = {}
    for path in sorted(site.glob("*.html")):
        response = page.goto(server + path.name, wait_until="load")
        assert response is not None and response.ok, path.name
        page.wait_for_function(MATHJAX_DONE_JS, timeout=MATHJAX_TIMEOUT_MS)
        facts[path.name] = page.evaluate(PAGE_FACTS_JS)
    page.close()
    assert failed == [], f"requests that failed: {failed}"
    return facts, requests


NOTEBOOKS = meta.notebook_paths()


def _page_ids(site: Path, page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', (site / page).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- tests


def test_site_has_a_page_per_notebook_and_a_landing_page(site):
    pages = {p.name for p in site.glob("*.html")}
    assert {f"{p.stem}.html" for p in NOTEBOOKS} | {"index.html", "search.html"} <= pages
    landing = (site / "index.html").read_text(encoding="utf-8")
    positions = [landing.find(f'href="{p.stem}.html"') for p in NOTEBOOKS]
    assert all(i >= 0 for i in positions) and positions == sorted(positions)
    text = re.sub(r"<[^>]+>", "", landing)
    assert "make book" in text and "make test" in text and "Prerequisites" in text


def test_every_page_is_typeset_by_the_local_mathjax(visits):
    facts, _ = visits
    with_math = 0
    for name, page in facts.items():
        assert page["untypeset"] == [], f"{name}: math left as TeX: {page['untypeset'][:3]}"
        assert page["errors"] == [], f"{name}: TeX errors {page['errors'][:3]}"
        raw = re.findall(r"\$[^$\n]{1,80}\$|\\begin\{|\\frac\{|\\langle", page["text"])
        assert raw == [], f"{name}: raw TeX in the visible text: {raw[:3]}"
        if page["mathCount"]:
            with_math += 1
            assert page["mathjax"] == "done" and page["typeset"] >= page["mathCount"], name
    assert with_math >= len(NOTEBOOKS)  # every notebook page has math, the landing page too


def test_every_image_loads(visits):
    facts, _ = visits
    images = 0
    for name, page in facts.items():
        broken = [img["src"] for img in page["images"] if img["width"] == 0]
        assert broken == [], f"{name}: images that did not load: {broken}"
        images += len(page["images"])
    assert images >= 2 * len(NOTEBOOKS)  # plots, plus one Colab badge per notebook


def test_every_link_into_the_site_resolves(site, server, visits):
    facts, _ = visits
    checked = 0
    for name, page in facts.items():
        for link in page["links"]:
            if not link.startswith(server):
                continue
            url, fragment = urldefrag(link)
            rel = unquote(urlparse(url).path).lstrip("/") or "index.html"
            target = site / rel
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{name}: broken link {link}"
            if fragment and target.suffix == ".html":
                assert fragment in _page_ids(site, target.relative_to(site).as_posix()), (
                    f"{name}: link to a missing anchor {link}"
                )
            checked += 1
    assert checked > 0


def test_notebook_pages_have_sidebar_prev_next_badge_and_download(site, server, visits):
    facts, _ = visits
    order = ["index"] + [p.stem for p in NOTEBOOKS]
    repository = meta.repository_url()
    for i, path in enumerate(NOTEBOOKS, start=1):
        page = facts[f"{path.stem}.html"]
        sidebar = {urldefrag(link)[0] for link in page["sidebar"]}
        assert {urljoin(server, f"{stem}.html") for stem in order} <= sidebar
        assert page["prev"] == urljoin(server, f"{order[i - 1]}.html")
        expected_next = urljoin(server, f"{order[i + 1]}.html") if i + 1 < len(order) else None
        assert page["next"] == expected_next
        badge, download, exercise_badge, exercise_download = page["badges"]
        exercises = meta.EXERCISE_DIR / path.name
        for folder, colab, link, committed in (
            ("notebooks", badge, download, path),
            ("exercises", exercise_badge, exercise_download, exercises),
        ):
            assert colab["href"] == meta.colab_url(path.stem, repository, folder=folder)
            assert colab["img"] and colab["img"].startswith(server)
            assert link["href"].startswith(server) and link["href"].endswith(path.name)
            served = site / unquote(urlparse(link["href"]).path).lstrip("/")
            assert served.read_bytes() == committed.read_bytes(), f"the download is {committed}"


def test_no_request_leaves_the_site(server, visits):
    _, requests = visits
    outside = sorted(
        {u for u in requests if not u.startswith((server, "data:", "blob:", "about:"))}
    )
    assert outside == []
    assert any("/_static/mathjax/" in u for u in requests), "MathJax must come from the site"


def _search_term() -> str:
    """'forget gate' once notebook 05 has it; until then a phrase the notebooks surely have."""
    texts = [json.dumps(meta.read_notebook(p)).lower() for p in NOTEBOOKS]
    for term in (PRIMARY_SEARCH_TERM, "hidden state", "backpropagation"):
        if any(term in t for t in texts):
            return term
    pytest.fail("no search term found in the notebooks")


@pytest.mark.parametrize("kind", ["term", "math"])
def test_search_finds_the_notebooks_and_typesets_the_snippets(kind, server, browser):
    """The primary term ('forget gate'), and 'tanh', whose snippets quote math."""
    term = _search_term() if kind == "term" else "tanh"
    expected = {
        f"{p.stem}.html"
        for p in NOTEBOOKS
        if all(w in json.dumps(meta.read_notebook(p)).lower() for w in term.split())
    }
    page = browser.new_page()
    page.goto(server + "search.html?q=" + term.replace(" ", "+"), wait_until="load")
    page.wait_for_function(
        "document.getElementById('search-results')?.dataset.mathQueued === 'yes'", timeout=40_000
    )
    page.wait_for_function(MATHJAX_DONE_JS, timeout=MATHJAX_TIMEOUT_MS)
    links = "els => els.map(a => a.href)"
    hits = page.eval_on_selector_all("#search-results ul.search li a", links)
    snippets = page.evaluate(SNIPPETS_JS)
    typeset = page.eval_on_selector_all("#search-results .MathJax", "els => els.length")
    page.close()
    found = {urlparse(h).path.rsplit("/", 1)[-1] for h in hits}
    assert found & expected, f"search for {term!r} found {sorted(found)}"
    raw = re.findall(r"\\\(.{1,80}?\\\)", snippets)
    assert raw == [], f"untypeset math in the search results: {raw[:3]}"
    if kind == "math":
        assert typeset > 0, "the snippets about tanh quote math, typeset by MathJax"
