"""Warnings about a text as a whole, said before its scores are read: one code path for
``srcgrade score`` (on stderr) and the dashboard's "Score your own" (above the scores).

A text that is only a web address, too short, or not in English gets scores all the same, but
they mean little: a text with no evidence at all scores the rubric's neutral values and can
outrank real articles that were faulted for something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from srcgrade.detect.language import looks_english

SHORT_TEXT_WORDS = 150
"""Below this a few words swing every per-1,000-words rate: the scores are given with a warning,
and the dashboard does not rank the text against the collection."""

# A paste that is one web address and nothing else (a scheme, or "www."), as copied from a
# browser's address bar; several words around an address are a text that cites it.
_ONLY_ADDRESS = re.compile(r"\A\s*<?((?:https?://|www\.)[^\s<>]+)>?\s*\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TextWarning:
    """One warning: ``kind`` is ``web_address``, ``short`` or ``not_english``."""

    kind: str
    message: str


def web_address(text: str) -> str | None:
    """The address when the whole text is one web address (``https://...`` or ``www...``)."""
    match = _ONLY_ADDRESS.match(text)
    return match.group(1) if match else None


def is_short(words: int) -> bool:
    """Too short to rate reliably, or to rank against articles of several hundred words."""
    return words < SHORT_TEXT_WORDS


def text_warnings(text: str, words: int) -> list[TextWarning]:
    """What to say about ``text`` before its scores (``words``: the scorer's word count)."""
    warnings = []
    if (address := web_address(text)) is not None:
        warnings.append(TextWarning(
            "web_address",
            f"The text is only a web address ({address}), not an article: the address itself "
            "would be rated, as a one-word text. Fetch the page to rate the article it holds."))
    elif is_short(words):
        noun = "word" if words == 1 else "words"
        warnings.append(TextWarning(
            "short",
            f"This text has only {words} {noun}: too short to rate reliably. Its scores are "
            "counts over very few words (a news article has several hundred); read them with "
            f"care. Texts of at least {SHORT_TEXT_WORDS} words are rated more reliably."))
    if not looks_english(text):
        warnings.append(TextWarning(
            "not_english",
            "This text does not look like English. srcgrade's word lists are English, so it "
            "finds no hype, hedges or sources in other languages and its scores mean little: a "
            "text with no English words would look flawless."))
    return warnings
