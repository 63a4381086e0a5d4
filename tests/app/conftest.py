"""Dashboard test fixtures: app.py under AppTest, reading a throwaway copy of ratings/."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from srcgrade.ui import data

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
FIXTURE_LEXICONS = Path(__file__).parent / "fixtures" / "lexicons"


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_ratings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ratings/ the app reads through $SRCGRADE_RATINGS. Lexicons that have not landed
    yet are filled in from small fixtures, so the scores differ between articles."""
    target = tmp_path / "ratings"
    shutil.copytree(REPO / "ratings", target)
    (target / "lexicons").mkdir(exist_ok=True)
    for lexicon in FIXTURE_LEXICONS.glob("*.yaml"):
        if not (target / "lexicons" / lexicon.name).exists():
            shutil.copy(lexicon, target / "lexicons" / lexicon.name)
    if importlib.util.find_spec("srcgrade.facts") is None:  # the ledger's code has not landed yet
        shutil.rmtree(target / "facts", ignore_errors=True)
    monkeypatch.setenv(data.ENV_RATINGS, str(target))
    _clear_caches()
    yield target
    _clear_caches()


@pytest.fixture
def make_app(app_ratings: Path) -> Callable[..., AppTest]:
    def make(page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        if page and page != "overview":
            at.run()
            at.switch_page(f"app_pages/{page}.py")
        at.query_params.update(query)  # as if the page's URL carried them
        return at.run()

    return make
