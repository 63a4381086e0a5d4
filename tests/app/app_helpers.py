"""Helpers for the dashboard tests (imported by test modules; fixtures live in conftest.py)."""

from __future__ import annotations

from html.parser import HTMLParser
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


class MarkedText(HTMLParser):
    """Rebuilds the article text from highlight.render's HTML, remembering each character's
    enclosing <mark> title (or None), to check what the page actually highlights."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chars: list[str] = []
        self.titles: list[str | None] = []
        self._in_text = 0
        self._title: str | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "div" and "sg-text" in (attrs.get("class") or ""):
            self._in_text += 1
        elif tag == "mark" and self._in_text:
            self._title = attrs.get("title") or ""

    def handle_endtag(self, tag):
        if tag == "mark":
            self._title = None
        elif tag == "div" and self._in_text:
            self._in_text -= 1

    def handle_data(self, data):
        if self._in_text:
            self.chars.extend(data)
            self.titles.extend([self._title] * len(data))


def parse_marked(body: str) -> MarkedText:
    parser = MarkedText()
    parser.feed(body)
    parser.close()
    return parser
