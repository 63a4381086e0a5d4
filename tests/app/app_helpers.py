"""Helpers for the dashboard tests (imported by test modules; fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
PAGES = ["overview", "article", "compare", "agreement", "weights", "score_your_own", "classroom"]


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def ranking(at: AppTest) -> list[str]:
    """The titles of the Overview's ranking table, in the order shown."""
    [table] = [d.value for d in at.dataframe if "rank" in d.value.columns]
    return list(table["title"])


def html_bodies(at: AppTest) -> list[str]:
    return [element.value for element in at.get("html")]
