"""Shared fixtures: the bundled ratings folder, and throwaway copies of it to break."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import RATINGS, copy_ratings

from srcgrade import regex_cache
from srcgrade.corpus import Ratings, load_ratings

# The tests compile into a store of their own (and the apps they start inherit it), never the
# user's ~/.cache; a run starts with it empty, so the compiling path is the one tested first.
os.environ[regex_cache.ENV_DIR] = tempfile.mkdtemp(prefix="srcgrade-test-cache-")
atexit.register(shutil.rmtree, os.environ[regex_cache.ENV_DIR], ignore_errors=True)


@pytest.fixture(scope="session")
def ratings() -> Ratings:
    loaded = load_ratings(RATINGS)
    return loaded


@pytest.fixture
def ratings_copy(tmp_path: Path) -> Path:
    """A writable copy of ratings/ that a test may break."""
    return copy_ratings(tmp_path)
