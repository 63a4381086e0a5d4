"""Paths and readers shared by the tests (importable as `helpers`, see pyproject's pythonpath)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from srcgrade import c_trie

REPO = Path(__file__).resolve().parents[1]
RATINGS = REPO / "ratings"


SCAN_PATHS = ["c", "pure"]
"""The lexicon scan's two paths: the C walker (``srcgrade._scan``) and ``re`` alone."""


def c_scan_built() -> bool:
    return c_trie.built() is not None


@contextlib.contextmanager
def scan_path(path: str) -> Iterator[None]:
    """Matchers built inside use this scan path ("c" or "pure"); "c" skips the test when the
    extension is not built."""
    if path == "c" and not c_scan_built():
        pytest.skip("srcgrade._scan is not built (no C compiler or Python headers when "
                    "installed): only the pure-Python scan is tested")
    before = os.environ.get(c_trie.PURE_ENV)
    os.environ[c_trie.PURE_ENV] = "1" if path == "pure" else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[c_trie.PURE_ENV]
        else:
            os.environ[c_trie.PURE_ENV] = before


def seed_text(prefix: str) -> str:
    """The verbatim text of a seed article by its number, e.g. '000'."""
    [path] = sorted((RATINGS / "articles" / "texts").glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def copy_ratings(tmp_path: Path) -> Path:
    """A writable copy of the bundled ratings/ folder that a test may break or edit."""
    target = tmp_path / "ratings"
    shutil.copytree(RATINGS, target)
    return target


class MarkedText(HTMLParser):
    """Rebuilds the article text from highlight.render's HTML, remembering each character's
    enclosing <mark> title (None outside a mark), plus every tag and attribute name seen, to
    check what the page actually highlights and that nothing hostile became markup. ``muted``
    says, per character, whether it is drawn as Markdown syntax (inside ``span.sg-markup``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chars: list[str] = []
        self.titles: list[str | None] = []
        self.muted: list[bool] = []
        self._muted = 0
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self._in_text = 0
        self._title: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)
        values = dict(attrs)
        if tag == "div" and "sg-text" in (values.get("class") or "").split():
            self._in_text += 1
        elif tag == "mark" and self._in_text:
            self._title = values.get("title") or ""
        elif tag == "span" and "sg-markup" in (values.get("class") or "").split():
            self._muted += 1

    def handle_endtag(self, tag):
        if tag == "mark":
            self._title = None
        elif tag == "span" and self._muted:
            self._muted -= 1
        elif tag == "div" and self._in_text:
            self._in_text -= 1

    def handle_data(self, data):
        if self._in_text:
            self.chars.extend(data)
            self.titles.extend([self._title] * len(data))
            self.muted.extend([bool(self._muted)] * len(data))


def parse_marked(markup: str) -> MarkedText:
    parser = MarkedText()
    parser.feed(markup)
    parser.close()
    return parser
