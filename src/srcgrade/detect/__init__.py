"""Detectors: pure functions from article text to findings.

Two detector kinds feed the criteria: lexicon matches (``terms``, every entry of every lexicon
of the rubric in one compiled scan) and numeric claims (``numbers``, checked against the fact
ledger by ``srcgrade.facts``). A criterion names the finding kinds it draws on, never a detector.
"""

from __future__ import annotations

import re

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
    return [
        Finding(
            start=m.start,
            end=m.end,
            text=text[m.start : m.end],
            kind=m.entry.kind,
            quoted=quotes.contains(m.start, m.end)
            or any(
                start <= m.start and m.end <= end and m.entry.kind in kinds
                for start, end, kinds in reported
            ),
            message=m.entry.message,
            rule=m.entry.rule,
            strength=m.entry.strength,
            origin=m.entry.origin,
            boilerplate=m.start >= boilerplate_from,
        )
        for m in matches
    ]
