"""Dashboard timings: a weight change with 1,000 articles, and the cold start of `streamlit run`.

    .venv/bin/python benchmarks/dashboard.py [--articles 1000] [--repeats 21] [--no-browser]
    .venv/bin/python benchmarks/dashboard.py --compare ../other-checkout [--runs 7]

Prints figures, asserts nothing. The corpus is the bundled seed articles repeated under new ids
(their texts shared), in a temporary copy of ratings/ that the app reads via $SRCGRADE_RATINGS.
Figures: (1) the pure path the Overview page runs on a slider move (reweight + rank + the two
charts' figures), (2) a whole server-side rerun of the Overview page under AppTest after moving a
slider, (3) `streamlit run` from process start to /_stcore/health and to a finished first run in
headless chromium (the first run includes scoring the corpus once, or reading it from the
dashboard's store, srcgrade.ui.snapshot, when a start before scored the same files: the
1,000-article start is timed both ways). With --compare, only (3) for the bundled corpus,
alternated with another checkout, with the server's CPU time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from srcgrade.corpus import ENV_RATINGS  # noqa: E402
from srcgrade.ui import charts, data, snapshot  # noqa: E402

GENRES = ["journalism", "promotional", "summary", "content-farm", "press-release", "other"]


def build_corpus(root: Path, n: int) -> Path:
    """A copy of ratings/ with ``n`` articles (the seeds' texts, new ids and titles)."""
    target = root / "ratings"
    shutil.copytree(REPO / "ratings", target, ignore=shutil.ignore_patterns("articles"))
    articles = target / "articles"
    (articles / "texts").mkdir(parents=True)
    seeds = sorted((REPO / "ratings" / "articles").glob("*.yaml"))
    docs = []
    for seed in seeds:
        doc = yaml.safe_load(seed.read_text(encoding="utf-8"))
        text = REPO / "ratings" / "articles" / doc["text_file"]
        shutil.copy(text, articles / "texts" / text.name)
        docs.append(doc)
    for i in range(n):
        doc = dict(docs[i % len(docs)])
        doc["id"] = f"a{i:05d}-{doc['id']}"[:60]
        doc["title"] = f"{doc['title'][:60]} (copy {i})"
        doc["genre"] = GENRES[i % len(GENRES)]
        if isinstance(doc.get("date"), object) and doc.get("date") is not None:
            doc["date"] = str(doc["date"])
        (articles / f"{doc['id']}.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return target


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms (min {min(samples) * 1000:.1f}, " \
           f"max {max(samples) * 1000:.1f}, n={len(samples)})"


def pure_path(ratings: Path, repeats: int) -> None:
    started = time.perf_counter()
    loaded = data.load(ratings)
    loaded_at = time.perf_counter()
    corpus = data.score_corpus(loaded, None)
    scored_at = time.perf_counter()
    print(f"  load ratings/: {(loaded_at - started):.2f} s; score {len(corpus.scores)} articles "
          f"once: {(scored_at - loaded_at):.2f} s")
    defaults = corpus.rubric.default_weights()
    criterion = corpus.criteria[0]
    reweigh, figures = [], []
    for i in range(repeats):
        weights = {**defaults, criterion: 0.5 + (i % 5) * 0.5}
        t0 = time.perf_counter()
        ranked = data.ranked(corpus.table, weights)
        t1 = time.perf_counter()
        top = ranked.head(30)
        charts.totals_bar(top[["title", "total", "genre"]])
        charts.evidence_tone(data.axes(top, corpus.criteria))
        t2 = time.perf_counter()
        reweigh.append(t1 - t0)
        figures.append(t2 - t0)
    print(f"  reweight + rank {len(ranked)} rows: {median_ms(reweigh)}")
    print(f"  reweight + rank + build both Overview figures: {median_ms(figures)}")


def apptest_rerun(ratings: Path, repeats: int) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ[ENV_RATINGS] = str(ratings)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    print(f"  first run (loads and scores the corpus): {time.perf_counter() - t0:.2f} s")
    if at.exception:
        print("  the app raised:", [e.value for e in at.exception])
        return
    key = next(s.key for s in at.slider if s.key and s.key.startswith("w_"))
    samples = []
    for i in range(repeats):
        at.slider(key=key).set_value(0.5 + (i % 5) * 0.5)
        t0 = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - t0)
    print(f"  Overview rerun after a weight change ({key}): {median_ms(samples)}")
    fingerprints = []
    from srcgrade.corpus import fingerprint

    for _ in range(5):
        t0 = time.perf_counter()
        fingerprint(ratings)
        fingerprints.append(time.perf_counter() - t0)
    print(f"    of which the corpus fingerprint (the cache key, every rerun): "
          f"{median_ms(fingerprints)}")


STREAMLIT_RUN = ["-m", "streamlit", "run", "app.py"]
DEV_APP = ["-m", "srcgrade.ui.serve", "app.py"]  # how ./dev app starts it: warmed up


def process_cpu_s(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc; None where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _note_script_finished(frame: bytes | str, times: list[float],
                          on_first: Callable[[], None] | None = None) -> None:
    """The moment the browser receives the server's "script finished" message: the first run
    served and finished, whatever the page's own scripts (plotly.js) are busy with. ``on_first``
    is called at the first one (to read the server's CPU time then)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(frame, str):
        return
    message = ForwardMsg()
    try:
        message.ParseFromString(frame)
    except Exception:  # not a ForwardMsg: not the one looked for
        return
    if message.WhichOneof("type") == "script_finished":
        times.append(time.perf_counter())
        if on_first is not None and len(times) == 1:
            on_first()


def cold_start(ratings: Path, browser: bool, launcher: list[str] = STREAMLIT_RUN,
               repo: Path = REPO, quiet: bool = False) -> dict[str, float]:
    """Process start to a served, finished first run. The browser is launched first, as a
    user's browser is already open when `./dev app` opens a tab in it.

    Returns the figures printed, in seconds: ``health``, ``served`` (the first run's "script
    finished" message received by the browser), ``served_cpu`` (the server process's CPU time
    at that moment), ``finished`` and ``drawn`` (as the page shows them), all from process
    start. ``repo``: the checkout whose app.py is served (another commit's, for comparisons;
    its src/ is put first on the server's PYTHONPATH).
    """
    figures: dict[str, float] = {}
    say = (lambda *a: None) if quiet else print
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, ENV_RATINGS: str(ratings)}
    if repo != REPO:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(repo / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    with contextlib.ExitStack() as stack:
        page = None
        if browser and Path("/usr/bin/chromium").exists():
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )
            stack.callback(chromium.close)
            page = chromium.new_page()
        finished_frames: list[float] = []
        process: subprocess.Popen | None = None

        def note_cpu() -> None:
            cpu = process_cpu_s(process.pid) if process is not None else None
            if cpu is not None:
                figures["served_cpu"] = cpu

        if page is not None:
            page.on("websocket", lambda ws: ws.on(
                "framereceived",
                lambda frame: _note_script_finished(frame, finished_frames, note_cpu)))
        t0 = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *launcher, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        stack.callback(process.wait, timeout=10)
        stack.callback(process.terminate)
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - t0 > 60:
                say("  no health answer within 60 s")
                return figures
        healthy = time.perf_counter() - t0
        figures["health"] = healthy
        say(f"  process start to /_stcore/health: {healthy:.2f} s")
        if page is None:
            say("  (no browser: first-run time not measured)")
            return figures
        t1 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("[data-testid='stSidebar'] input[type='range']",
                               timeout=300_000)  # drawn by the first run, after scoring
        page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=300_000
        )
        finished = time.perf_counter()
        # The charts sit below the ranking tables and are drawn when scrolled into view.
        page.locator("[data-testid='stPlotlyChart']").first.scroll_into_view_if_needed()
        page.wait_for_selector("[data-testid='stPlotlyChart'] .ytick text", timeout=300_000)
        drawn = time.perf_counter()
        figures.update(finished=finished - t0, drawn=drawn - t0)
        if finished_frames:
            figures["served"] = finished_frames[0] - t0
            cpu = figures.get("served_cpu")
            say(f"  process start to the first run's last message received by the browser "
                f"(network, before the page handles it): {finished_frames[0] - t0:.2f} s"
                + (f" (server CPU time by then: {cpu:.2f} s)" if cpu is not None else ""))
        say(f"  page open to the first run finished (as the page shows it): "
            f"{finished - t1:.2f} s")
        say(f"  page open to the charts drawn (plotly.js loaded in the browser): "
            f"{drawn - t1:.2f} s")
        say(f"  process start to the first run finished (browser already open): "
            f"{finished - t0:.2f} s")
        say(f"  process start to the charts drawn: {drawn - t0:.2f} s")
    return figures


def compare_cold_starts(other: Path, runs: int, launcher: list[str]) -> None:
    """Cold starts of the bundled corpus, this checkout's and ``other``'s alternated (A, B, A,
    B...: a loaded machine slows both alike), with medians: process start to the first run
    served, the server's CPU time by then, and the charts drawn."""
    checkouts = {"this checkout": REPO, f"{other}": other}
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    for _ in range(runs):
        for name, repo in checkouts.items():
            figures[name].append(cold_start(repo / "ratings", True, launcher, repo, quiet=True))
    for name, runs_of in figures.items():
        def median(field: str, of: list[dict[str, float]] = runs_of) -> str:
            values = [f[field] for f in of if field in f]
            return f"{statistics.median(values):.2f} s" if values else "-"

        served = sorted(f"{f['served']:.2f}" for f in runs_of if "served" in f)
        print(f"  {name}: served {median('served')} (CPU {median('served_cpu')}), "
              f"charts drawn {median('drawn')}; served in each run: {', '.join(served)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--compare", type=Path, metavar="CHECKOUT",
                        help="only alternate cold starts of the bundled corpus with another "
                        "checkout's (its src/ first on the server's PYTHONPATH), both launchers")
    parser.add_argument("--runs", type=int, default=7, help="cold starts each, with --compare")
    args = parser.parse_args()
    if args.compare:
        for launcher in (STREAMLIT_RUN, DEV_APP):
            print(f"cold starts alternated, `python {' '.join(launcher)}`, {args.runs} each:")
            compare_cold_starts(args.compare.resolve(), args.runs, launcher)
        return
    with tempfile.TemporaryDirectory() as tmp:
        big = build_corpus(Path(tmp), args.articles)
        print(f"corpus: {args.articles} articles in {big}")
        print("pure path (what a slider move runs):")
        pure_path(big, args.repeats)
        print("AppTest (server side, whole Overview page):")
        apptest_rerun(big, args.repeats)
        snapshot.forget(big)  # the AppTest runs above stored it: measure a start that scores
        print(f"cold start, {args.articles} articles, first start (loads and scores them):")
        cold_start(big, not args.no_browser)
        print(f"cold start, {args.articles} articles, nothing changed since (stored scores):")
        cold_start(big, not args.no_browser)
        for launcher in (STREAMLIT_RUN, DEV_APP):
            print(f"cold start, bundled ratings/, `python {' '.join(launcher)}`:")
            cold_start(REPO / "ratings", not args.no_browser, launcher)


if __name__ == "__main__":
    main()
