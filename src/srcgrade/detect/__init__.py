"""Detectors: pure functions from article text to findings.

Two detector kinds feed the criteria: lexicon matches (``terms``, every entry of every lexicon
of the rubric in one compiled scan) and numeric claims (``numbers``, checked against the fact
ledger by ``srcgrade.facts``). A criterion names the finding kinds it draws on, never a detector.
"""

from __future__ import annotations

from srcgrade.detect.quotes import QuoteSpans
from srcgrade.lexicon import Matcher
from srcgrade.model import Finding


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
    return [
        Finding(
            start=m.start,
            end=m.end,
            text=text[m.start : m.end],
            kind=m.entry.kind,
            quoted=quotes.contains(m.start, m.end),
            message=m.entry.message,
            rule=m.entry.rule,
            strength=m.entry.strength,
            origin=m.entry.origin,
            boilerplate=m.start >= boilerplate_from,
        )
        for m in matcher.scan(text, low)
    ]
