"""Screenshots of every dashboard page, for looking at (not a test; pytest does not collect it).

    .venv/bin/streamlit run app.py --server.headless true --server.port 8599 &
    .venv/bin/python tests/browser/screenshots.py http://127.0.0.1:8599

Writes tests/browser/artifacts/pages/<page>.png (1440 px wide, the whole page) with Debian's
chromium, as a classroom projector would show them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "artifacts" / "pages"
PAGES = ["", "article", "compare", "agreement", "weights", "score_your_own", "classroom"]
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for name in PAGES:
            page.goto(f"{base}/{name}")
            page.wait_for_selector(DONE, timeout=120_000)
            if name == "score_your_own":
                page.locator("textarea").fill(
                    "<script>alert(1)</script> A new study in PLOS ONE suggests this breakthrough "
                    "therapy may help, experts say, though the trial was small. " * 8
                )
                page.keyboard.press("Control+Enter")
                page.wait_for_timeout(500)
                page.wait_for_selector(DONE, timeout=120_000)
            page.wait_for_timeout(2500)  # plotly draws after the run finishes
            # Streamlit scrolls inside its own container: grow the viewport to the content.
            height = page.evaluate(
                "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight"
            )
            page.set_viewport_size({"width": 1440, "height": min(12000, max(900, height + 40))})
            page.wait_for_timeout(1000)
            path = OUT / f"{name or 'overview'}.png"
            page.screenshot(path=str(path), full_page=True)
            page.set_viewport_size({"width": 1440, "height": 900})
            print(path)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8599")
