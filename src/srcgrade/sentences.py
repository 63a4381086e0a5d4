"""Where sentences end: one rule shared by the numeric claims (``srcgrade.detect.numbers``) and
the lexicon's look-behind (``LexiconEntry.vetoed``), so both read the same sentence."""

from __future__ import annotations

import re

from srcgrade.c_trie import built

SENTENCE_END = re.compile(
    r"(?=[.!?\n])(?:(?<!\bvs)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bal)(?<!\bSt)(?<!\bNo)(?<!\bMrs)(?<!\bFig)"
    r"(?<!\bProf)(?<!\be\.g)(?<!\bi\.e)(?<!\bU\.S)(?<!\b[A-Z])"
    r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[*_#>]*[A-Z0-9])"
    r"|\n(?![ \t]*[a-z]))"
)
"""A sentence ends at ``.``/``!``/``?`` before a capital or digit, or at a line break that is not
a hard wrap (the next line does not start lowercase); "vs.", "e.g.", "et al." and initials do not
end one."""
_MATCH = SENTENCE_END.match
_in_c = getattr(built(), "sentence_start", None)
"""``_scan.sentence_start`` when the extension is built (see ``sentence_start_after``)."""


def sentence_start_after(text: str, pos: int, low: int) -> int:
    """Where the sentence holding ``pos`` begins, looking back no further than ``low``: the end of
    the last sentence boundary in ``text[low:pos]``, else ``low``.

    The loop of ``_sentence_start_after`` in C (``_scan.sentence_start``, the same steps and the
    same regex) when the extension is built: a scan asks this about ten times a story, and the
    Python loop cost about 1.3 of its 2 microseconds. Chosen whatever ``SRCGRADE_PURE_SCAN``
    says: the answer is the same (tests/test_c_scan.py compares them)."""
    if _in_c is None or low < 0 or pos < 0:
        return _sentence_start_after(text, pos, low)
    return _in_c(text, pos, low, _MATCH)


def _sentence_start_after(text: str, pos: int, low: int) -> int:
    """Where the sentence holding ``pos`` begins, looking back no further than ``low``: the end of
    the last sentence boundary in ``text[low:pos]``, else ``low``.

    Read from right to left, trying only where a boundary can start (a ``.``/``!``/``?`` run or a
    line break): a scan asks this for every match an ``unless_preceded_by`` veto reads, and
    running the boundary pattern over the whole window cost a fifth of the scoring time."""
    high = min(len(text), pos + 40)
    rfind = text.rfind
    # The last place of each mark still to be read, each looked for again only once passed.
    dot, bang, ask, line = (rfind(".", low, pos), rfind("!", low, pos), rfind("?", low, pos),
                            rfind("\n", low, pos))
    match = SENTENCE_END.match
    while True:
        mark = max(dot, bang, ask, line)
        if mark < 0:
            return low
        first = mark
        if mark != line:
            while first > low and text[first - 1] in ".!?":  # a run: "?!", "...", "F.D.A.."
                first -= 1
        # as a left-to-right search would: the run's first place where a boundary matches
        boundary = match(text, first, high)
        at = first
        while boundary is None and at < mark:
            at += 1
            boundary = match(text, at, high)
        if boundary and boundary.end() <= pos:
            return boundary.end()
        if dot >= first:
            dot = rfind(".", low, first)
        if bang >= first:
            bang = rfind("!", low, first)
        if ask >= first:
            ask = rfind("?", low, first)
        if line >= first:
            line = rfind("\n", low, first)
