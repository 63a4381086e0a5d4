"""Quoted speech: spans of text inside quotation marks.

The author's own words and the words the author quotes are counted apart (Vale users asked for
exactly this: errata-ai/vale issues #102 and #119). Quotes are paired within a paragraph only,
so one stray quotation mark cannot turn the rest of an article into "quoted" text.

Marks: “curly”, "straight", «guillemets», „German-style“ (or ”), ‘single curly’ (British
usage), 'single straight' (British and web usage, round 19) and ''doubled apostrophes''. The
single curly closing mark is also the apostrophe (don’t, patients’), so a ‘ opens only where a
quotation can start (not after a letter or digit, not before a space) and a ’ closes only where
no letter or digit follows; '' likewise opens only after a non-letter and before a non-space.

The straight ' is the apostrophe too, and more often than a quotation mark (4,672 of the 5,248
in the HNR texts stand between letters), so it opens under stricter rules: only at the start of
the text, after a space or after an opening bracket, dash or double quotation mark (not after a
full stop or a symbol: U.K.'s, Inc.'s, Proove®'s), and not before a space, a digit ('90s) or a
word that is written after an apostrophe of omission ('s and 're set apart by a tokenizer,
"Novartis AG 's Gilenya"; 'em, rock 'n' roll, 'tis, 'twas, 'til, 'cause). Inside, a ' before a
letter or digit is an apostrophe (it's, don't) and the first other ' closes. A plural possessive
inside (patients' lives) closes the quotation early: the rest counts as the author's, as before.
Since a real closing ' follows a word and no ' after a letter may open, an unpaired closing one
cannot open a quotation over the author's words.

Paragraphs: a blank line always ends one. A single line break ends one too after a line that
ends a sentence or a quotation (``.!?:;``, a closing mark or bracket, an ellipsis); after any
other line (a word, a comma) it is a wrapped line inside the paragraph, and a quotation runs on
across it ("a real breakthrough for⏎patients, a game-changer," he said). A quotation still open
at the end of a paragraph continues only if the next paragraph opens with the same mark (where
it may open a quotation), the
convention for a quotation of several paragraphs (the Chicago Manual of Style, 13.30; AP
Stylebook, "quotation marks"): otherwise it is not a quotation.

``SRCGRADE_PURE_SCAN=1`` uses ``quote_spans`` here; the C scanner (``_scan.quote_spans``) gives
the same spans, and the tests compare the two on random texts.
"""

from __future__ import annotations

import re
from bisect import bisect_right

QUOTE_MOST = 3000
"""Most characters from the end of an opening mark to its closing mark."""

_OPENING = re.compile("''|[\"\u201c\u00ab\u201e\u2018']")
# The characters a quotation opened by a mark stops at: its closing marks, marks that rule it out
# (a second opening), line breaks.
_STOPS = {
    '"': re.compile('["\\n]'),
    "\u201c": re.compile("[\u201c\u201d\\n]"),
    "\u00ab": re.compile("[\u00ab\u00bb\\n]"),
    "\u201e": re.compile("[\u201c\u201d\u201e\\n]"),
    "\u2018": re.compile("[\u2018\u2019\\n]"),
    "''": re.compile("''|\\n"),
    "'": re.compile("['\\n]"),
}
_CLOSING = {
    '"': '"',
    "\u201c": "\u201d",
    "\u00ab": "\u00bb",
    "\u201e": "\u201c\u201d",
    "\u2018": "\u2019",
    "''": "'",
    "'": "'",
}
_LINE_SPACE = " \t\r\f\v"
# A line ending in one of these ends its paragraph when a single line break follows.
_ENDS_PARAGRAPH = frozenset(".!?:;\"'\u201d\u2019\u00bb)]\u2026")


# What may stand before a straight ' that opens a quotation: a space or an opening bracket, dash
# or quotation mark (U.K.'s, Proove®'s and "X"'s are apostrophes).
_BEFORE_SINGLE = frozenset("([{\"\u201c\u00ab\u201e\u2014\u2013")
# Words written with a leading apostrophe, never a quotation's first word: clitics that a
# tokenizer set apart ("Novartis AG 's Gilenya", "Parkinson 's disease") and elisions
# ('em, rock 'n' roll, 'tis, 'twas, 'til, 'cause: the apostrophe of omission, Wikipedia
# "Apostrophe").
_ELIDED = frozenset(
    {"s", "d", "m", "t", "ll", "re", "ve", "em", "n", "tis", "twas", "til", "cause"}
)
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _elided(text: str, i: int) -> bool:
    """Whether ``text[i:]`` opens with a word in ``_ELIDED`` (ASCII letters in any case, then no
    letter or digit)."""
    k = i
    while k < len(text) and k - i < 6 and text[k] in _ASCII_LETTERS:
        k += 1
    return text[i:k].lower() in _ELIDED and not (k < len(text) and text[k].isalnum())


def _opens(text: str, i: int, mark: str) -> bool:
    """Whether the mark at ``i`` may open a quotation: ‘ and '' not after a letter or digit and
    not before a space (‘90s and patients’ are apostrophes); ' only at the start, after a space
    or in ``_BEFORE_SINGLE``, and not before a space, a digit ('90s) or a word in ``_ELIDED``;
    the others anywhere."""
    if mark == "'":
        if i > 0 and not (text[i - 1].isspace() or text[i - 1] in _BEFORE_SINGLE):
            return False
        return (i + 1 < len(text) and not text[i + 1].isspace() and not text[i + 1].isdigit()
                and not _elided(text, i + 1))
    if mark not in ("\u2018", "''"):
        return True
    after = i + len(mark)
    return ((i == 0 or not text[i - 1].isalnum())
            and after < len(text) and not text[after].isspace())


def _quote_end(text: str, i: int, mark: str) -> int:
    """The end of the quotation opened by ``mark`` at ``i``, or -1 if there is none."""
    n = len(text)
    width = len(mark)
    inside = i + width
    limit = inside + QUOTE_MOST
    stops = _STOPS[mark]
    closing = _CLOSING[mark]
    j = inside
    while (stop := stops.search(text, j, min(n, limit + 2))) is not None:
        j = stop.start()
        if j > limit:
            return -1
        c = text[j]
        if c == "\n":
            k = j - 1
            while k >= inside and text[k] in _LINE_SPACE:
                k -= 1
            m = j + 1
            while m < n and text[m] in _LINE_SPACE:
                m += 1
            if m < n and text[m] != "\n" and k >= inside and text[k] not in _ENDS_PARAGRAPH:
                j += 1  # a wrapped line
                continue
            while m < n and (text[m] == "\n" or text[m] in _LINE_SPACE):
                m += 1
            again = _OPENING.match(text, m)
            if again is not None and again.group() == mark and _opens(text, m, mark):
                j = m + width  # the next paragraph opens again: the quotation goes on
                continue
            return -1
        if c in closing:
            if mark in ("\u2018", "'") and j + 1 < n and text[j + 1].isalnum():
                j += 1  # an apostrophe (don’t, don't)
                continue
            return j + width if j > inside else -1
        return -1
    return -1


def quote_spans(text: str) -> list[tuple[int, int]]:
    """The quotations of ``text``, left to right: each the first one that opens at or after the
    end of the one before (a mark that opens none is skipped, and the search goes on at the next
    character)."""
    spans = []
    i = 0
    while (found := _OPENING.search(text, i)) is not None:
        i = found.start()
        mark = found.group()
        end = _quote_end(text, i, mark) if _opens(text, i, mark) else -1
        if end < 0:
            i += 1
            continue
        spans.append((i, end))
        i = end
    return spans


class QuoteSpans:
    """Sorted, non-overlapping quoted spans of one text, with a fast membership test."""

    def __init__(self, text: str, in_c: bool = False):
        """``in_c``: the C scanner is in use (``c_trie``), so its ``quote_spans`` finds the same
        spans as ``quote_spans`` here in one pass (several times faster)."""
        if in_c:
            from srcgrade import _scan

            ends = iter(_scan.quote_spans(text))
            self.spans = list(zip(ends, ends, strict=True))
        else:
            self.spans = quote_spans(text)
        self._starts = [start for start, _ in self.spans]

    def contains(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` lies inside one quotation."""
        index = bisect_right(self._starts, start) - 1
        return index >= 0 and end <= self.spans[index][1]
