"""Paths and readers shared by the tests (importable as `helpers`, see pyproject's pythonpath)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RATINGS = REPO / "ratings"


def seed_text(prefix: str) -> str:
    """The verbatim text of a seed article by its number, e.g. '000'."""
    [path] = sorted((RATINGS / "articles" / "texts").glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def copy_ratings(tmp_path: Path) -> Path:
    """A writable copy of the bundled ratings/ folder that a test may break or edit."""
    target = tmp_path / "ratings"
    shutil.copytree(RATINGS, target)
    return target
