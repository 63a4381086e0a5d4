"""One real-browser test: the dashboard as `./dev app` serves it (`python -m srcgrade.ui.serve
app.py`, i.e. `streamlit run app.py` warmed up) on 127.0.0.1, driven by Debian's chromium.

While it runs, the page must fetch nothing from elsewhere; beside it, a check that the server
makes no network request of its own.

The browser test must run wherever the suite runs (CI included): if chromium is missing it fails
and says how to install it (`./dev test` installs it with apt), it never skips.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import copy_ratings

from srcgrade.corpus import ENV_RATINGS
from srcgrade.ui import data

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            pytest.fail(f"streamlit exited with {process.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"streamlit did not answer {url}/_stcore/health within {timeout} s")


@pytest.fixture
def ratings_dir(tmp_path: Path) -> Path:
    return copy_ratings(tmp_path)


@pytest.fixture
def server(ratings_dir: Path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, ENV_RATINGS: str(ratings_dir)}
    process = subprocess.Popen(
        # as `./dev app` starts it: `streamlit run` with the corpus scored while the page loads
        [sys.executable, "-m", "srcgrade.ui.serve", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


KEYS = {3.0: "End", 0.0: "Home"}  # a slider's keyboard keys to its maximum and its minimum


def _ranking_change(ratings_dir: Path) -> tuple[dict[str, float], dict[str, str], list[str]]:
    """One or two sliders to move to an end with the keyboard, and the order that should give."""
    corpus = data.score_corpus(data.load(ratings_dir), None)
    defaults = corpus.rubric.default_weights()
    labels = {c: corpus.rubric.criteria[c].label for c in corpus.criteria}
    before = list(data.ranked(corpus.table, defaults)["id"])
    moves = [{c: v} for c in corpus.criteria for v in KEYS]
    moves += [{a: va, b: vb} for a, b in itertools.permutations(corpus.criteria, 2)
              for va, vb in ((3.0, 0.0), (0.0, 0.0))]
    for move in moves:
        ranked = data.ranked(corpus.table, {**defaults, **move})
        if list(ranked["id"]) != before:
            return move, labels, list(ranked["title"])
    pytest.fail("no move of one or two weights changes the ranking: are the scores all tied?")


def _bar_order(page) -> list[str]:
    """Titles on the totals chart's axis, top to bottom (plotly draws them bottom-up)."""
    chart = page.locator("[data-testid='stPlotlyChart']").first
    # A title on two lines is two tspans, whose textContent runs together ("work forPTSD?").
    ticks = chart.locator(".yaxislayer-above .ytick text").evaluate_all(
        "texts => texts.map(t => { const lines = [...t.querySelectorAll('tspan.line')];"
        " return lines.length ? lines.map(l => l.textContent).join(' ') : t.textContent; })")
    return ticks[::-1]


@pytest.mark.browser
def test_keyboard_weight_change_reranks_and_lands_in_the_url(server, ratings_dir):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser test drives Debian's chromium. Install it with "
            "`apt-get install chromium` (./dev test does this when it is missing)."
        )
    from playwright.sync_api import sync_playwright

    move, labels, expected = _ranking_change(ratings_dir)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(server)
            page.wait_for_selector(DONE, timeout=60_000)
            page.wait_for_selector("[data-testid='stPlotlyChart'] .ytick text", timeout=30_000)
            before = _bar_order(page)
            assert before, "the totals chart has no labels"

            sidebar = page.locator("[data-testid='stSidebar']")
            for criterion, value in move.items():
                thumb = sidebar.locator(f"input[type='range'][aria-label='{labels[criterion]}']")
                thumb.focus()
                page.keyboard.press(KEYS[value])
                page.wait_for_url(re.compile(rf"[?&]w_{criterion}="), timeout=30_000)
                page.wait_for_timeout(300)  # the rerun starts
                page.wait_for_selector(DONE, timeout=60_000)
            page.wait_for_function(
                "(before) => { const t = [...document.querySelectorAll("
                "\"[data-testid='stPlotlyChart'] .yaxislayer-above .ytick text\")]"
                ".map(e => e.textContent).reverse(); return t.join('|') !== before; }",
                arg="|".join(before),
                timeout=30_000,
            )
            after = _bar_order(page)
            final_url = page.url
            page.screenshot(path=str(ARTIFACTS / "overview-after-weight-change.png"),
                            full_page=True)
        finally:
            browser.close()

    # offline in a classroom: no font, icon or favicon fetched from elsewhere (a `:material/...:`
    # page icon makes Streamlit fetch the favicon from fonts.gstatic.com)
    assert [url for url in requested if not url.startswith(server)] == []
    assert after != before
    assert [t.rstrip("…") for t in after] == [
        t[: len(a.rstrip("…"))] for t, a in zip(expected, after, strict=True)
    ]
    for criterion, value in move.items():  # the URL carries the weights: a shareable link
        assert re.search(rf"[?&]w_{criterion}={value:g}(\.0)?(&|$)", final_url), final_url


def test_server_banner_makes_no_request_for_the_public_address(ratings_dir: Path):
    """`streamlit run app.py` on all interfaces (as `./dev app` serves it) must not ask
    checkip.amazonaws.com for this machine's public address, as Streamlit's welcome banner does:
    no network access the user did not ask for. Offline, Streamlit logs that it could not; online,
    it prints an External URL: neither may appear."""
    port = _free_port()
    env = {**os.environ, ENV_RATINGS: str(ratings_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "srcgrade.ui.serve", "app.py", "--server.port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
        time.sleep(1.0)  # the banner is printed just after the server answers
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "External URL" not in output, output
    assert "external IP" not in output, output
