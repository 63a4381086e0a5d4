"""Detectors: pure functions from article text to findings.

Two detector kinds feed the criteria: lexicon matches (``terms``, every entry of every lexicon
of the rubric in one compiled scan) and numeric claims (``numbers``, checked against the fact
ledger by ``srcgrade.facts``). A criterion names the finding kinds it draws on, never a detector.
"""

from __future__ import annotations

import re

from srcgrade import c_trie
from srcgrade.detect.quotes import QuoteSpans
from srcgrade.lexicon import Match, Matcher
from srcgrade.model import Finding

# Where a reported clause ends: the next comma, sentence or clause mark, dash or line break, and
# at most this many characters on ("Some call it a miracle cure, but the evidence is thin").
_CLAUSE_END = re.compile("[,.;:!?()\\n\u2014\u2013]|\\s-\\s")
REPORTED_CHARS = 60


def reported_spans(text: str, matches: list[Match]) -> list[tuple[int, int, frozenset[str]]]:
    """What entries with ``reports_what_follows`` (distancing phrases: "some call it",
    "so-called") attribute to other people: from the phrase's end to the end of its clause (at
    most ``REPORTED_CHARS`` on), with the finding kinds that count as quoted there."""
    spans = []
    for m in matches:
        if m.entry.reports_what_follows:
            limit = min(len(text), m.end + REPORTED_CHARS)
            stop = _CLAUSE_END.search(text, m.end, limit)
            spans.append((m.end, stop.start() if stop else limit, m.entry.reports_what_follows))
    return spans


_finding = c_trie.maker(Finding)
"""Finding(...) from all ten fields, positionally: see ``c_trie.maker``."""


def lexicon_findings(
    text: str,
    matcher: Matcher,
    quotes: QuoteSpans,
    low: str | bool | None = True,
    closing: int | None = None,
) -> list[Finding]:
    """Every lexicon match as a finding whose span indexes ``text`` exactly (``low``: see
    ``Matcher.scan``); ``closing`` is where the text's closing boilerplate starts
    (``sections.closing_start``; None: nowhere)."""
    boilerplate_from = len(text) if closing is None else closing
    matches = matcher.scan(text, low)
    reported = reported_spans(text, matches)
    contains = quotes.contains if quotes.spans else _outside
    return [  # Finding's fields in their order
        _finding(start, end, text[start:end], entry.kind,
                 contains(start, end) or bool(reported and _reported(start, end, entry.kind,
                                                                      reported)),
                 entry.message, entry.rule, entry.strength, entry.origin,
                 start >= boilerplate_from)
        for start, end, entry in matches
    ]


def _reported(start: int, end: int, kind: str,
              spans: list[tuple[int, int, frozenset[str]]]) -> bool:
    """Whether a finding of ``kind`` lies in a clause a distancing phrase reports."""
    return any(lo <= start and end <= hi and kind in kinds for lo, hi, kinds in spans)


def _outside(start: int, end: int) -> bool:
    """``QuoteSpans.contains`` for a text without quotations."""
    return False
