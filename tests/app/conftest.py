"""Dashboard test fixtures: app.py under AppTest, reading a throwaway copy of ratings/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from helpers import copy_ratings
from streamlit.testing.v1 import AppTest

from srcgrade.corpus import ENV_RATINGS

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_ratings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ratings/ the app reads through $SRCGRADE_RATINGS."""
    target = copy_ratings(tmp_path)
    monkeypatch.setenv(ENV_RATINGS, str(target))
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
