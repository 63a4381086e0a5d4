"""Shared fixtures: the bundled ratings folder, and throwaway copies of it to break."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RATINGS, copy_ratings

from srcgrade.corpus import Ratings, load_ratings


@pytest.fixture(scope="session")
def ratings() -> Ratings:
    loaded = load_ratings(RATINGS)
    return loaded


@pytest.fixture
def ratings_copy(tmp_path: Path) -> Path:
    """A writable copy of ratings/ that a test may break."""
    return copy_ratings(tmp_path)
