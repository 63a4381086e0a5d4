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
from srcgrade.model import Finding, Reporter
from srcgrade.sentences import sentence_start_after

# Where a reported clause ends: the next comma, sentence or clause mark, dash or line break, and
# at most this many characters on ("Some call it a miracle cure, but the evidence is thin").
_CLAUSE_END = re.compile("[,.;:!?()\\n\u2014\u2013]|\\s-\\s")
REPORTED_CHARS = 60
# A non-restrictive relative clause set off by commas does not end the reported clause: in
# "She said the new procedure, which coaxes stem cells to regenerate tissue, offers promise"
# the speaker's claim resumes after it (Quirk et al. 1985, 17.22: a supplementive relative
# clause is parenthetic). It is skipped when it closes with a comma within this many
# characters, and its length does not count against ``REPORTED_CHARS``.
_ASIDE_OPEN = re.compile(r",\s+(?:which|who|whose|whom)\b")
ASIDE_CHARS = 120
# How far back an attribution after the words it reports reaches ("This is a breakthrough, said
# Dr. Berg"): to the start of its sentence, an earlier such attribution's end, or this many
# characters, whichever is nearest (the look-behind of ``unless_preceded_by`` reads as far).
ATTRIBUTED_CHARS = 200


def reported_spans(text: str, matches: list[Match]
                   ) -> list[tuple[int, int, frozenset[str], Reporter]]:
    """What entries with ``reports_what_follows`` (distancing phrases: "some call it",
    "so-called") attribute to other people: from the phrase's end to the end of its clause (at
    most ``REPORTED_CHARS`` on), with the finding kinds that count as quoted there and the phrase
    itself, which the explanations name. Entries with ``reports_what_precedes`` (an attribution
    after the words: "..., the company said", "..., according to its maker") report back from
    the phrase to the start of its sentence, or to the end of an earlier such attribution in it
    ("X, the company said, and Y, according to its chief executive"), at most
    ``ATTRIBUTED_CHARS`` back."""
    spans = []
    last_end = 0
    search = _CLAUSE_END.search
    for start, end, entry in matches:
        precedes = entry.reports_what_precedes
        if precedes:
            floor = max(last_end, start - ATTRIBUTED_CHARS, 0)
            begin = sentence_start_after(text, start, floor)
            said = text[start:end].lstrip(", \t\n")  # the words, not the comma before
            phrase = _reporter_of(end - len(said), end, said, entry.rule, entry.origin, True)
            spans.append((begin, start, precedes, phrase))
            last_end = end
        follows = entry.reports_what_follows
        if follows:
            limit = min(len(text), end + REPORTED_CHARS)
            stop = search(text, end, limit)
            while stop and _ASIDE_OPEN.match(text, stop.start()):
                close = search(text, stop.end(), stop.end() + ASIDE_CHARS)
                if not close or text[close.start()] != ",":
                    break
                limit = min(len(text), limit + close.end() - stop.start())
                stop = search(text, close.end(), limit)
            phrase = _reporter_of(start, end, text[start:end], entry.rule, entry.origin, False)
            spans.append((end, stop.start() if stop else limit, follows, phrase))
    return spans


_reporter_of = c_trie.maker(Reporter)
"""Reporter(...) from all six fields, positionally: see ``c_trie.maker``."""


_finding = c_trie.maker(Finding)
"""Finding(...) from all eleven fields, positionally: see ``c_trie.maker``."""


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
    if not reported:
        return [  # Finding's fields in their order
            _finding(start, end, text[start:end], entry.kind, contains(start, end),
                     entry.message, entry.rule, entry.strength, entry.origin,
                     start >= boilerplate_from, None)
            for start, end, entry in matches
        ]
    findings = []
    reported_kinds = frozenset().union(*(kinds for _, _, kinds, _ in reported))
    for start, end, entry in matches:
        # Inside quotation marks is said as such; only outside them does a phrase report it.
        quoted = contains(start, end)
        by = (None if quoted or entry.kind not in reported_kinds
              else _reporter(start, end, entry.kind, reported))
        findings.append(_finding(start, end, text[start:end], entry.kind, quoted or by is not None,
                                 entry.message, entry.rule, entry.strength, entry.origin,
                                 start >= boilerplate_from, by))
    return findings


def _reporter(start: int, end: int, kind: str,
              spans: list[tuple[int, int, frozenset[str], Reporter]]) -> Reporter | None:
    """The distancing phrase whose reported clause holds a finding of ``kind``, if any."""
    for lo, hi, kinds, phrase in spans:
        if lo <= start and end <= hi and kind in kinds:
            return phrase
    return None


def _outside(start: int, end: int) -> bool:
    """``QuoteSpans.contains`` for a text without quotations."""
    return False
