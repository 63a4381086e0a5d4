"""Quoted speech: spans of text inside quotation marks.

The author's own words and the words the author quotes are counted apart (Vale users asked for
exactly this: errata-ai/vale issues #102 and #119). Quotes are paired within a paragraph only,
so one stray quotation mark cannot turn the rest of an article into "quoted" text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_QUOTE = re.compile(
    "\u201c[^\u201c\u201d\\n]{1,3000}\u201d"  # “curly”
    '|"[^"\\n]{1,3000}"'  # "straight"
    "|\u00ab[^\u00ab\u00bb\\n]{1,3000}\u00bb"  # «guillemets»
    "|\u201e[^\u201c\u201d\u201e\\n]{1,3000}[\u201c\u201d]"  # „German-style“
)


class QuoteSpans:
    """Sorted, non-overlapping quoted spans of one text, with a fast membership test."""

    def __init__(self, text: str, in_c: bool = False):
        """``in_c``: the C scanner is in use (``c_trie``), so its ``quote_spans`` finds the same
        spans as ``_QUOTE`` in one pass (about 16 microseconds per 4 KB story with `re`)."""
        if in_c:
            from srcgrade import _scan

            ends = iter(_scan.quote_spans(text))
            self.spans = list(zip(ends, ends, strict=True))
        else:
            self.spans = [m.span() for m in _QUOTE.finditer(text)]
        self._starts = [start for start, _ in self.spans]

    def contains(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` lies inside one quotation."""
        index = bisect_right(self._starts, start) - 1
        return index >= 0 and end <= self.spans[index][1]
