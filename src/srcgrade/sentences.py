"""Where sentences end: one rule shared by the numeric claims (``srcgrade.detect.numbers``) and
the lexicon's look-behind (``LexiconEntry.vetoed``), so both read the same sentence."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(
    r"(?=[.!?\n])(?:(?<!\bvs)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bal)(?<!\bSt)(?<!\bNo)(?<!\bMrs)(?<!\bFig)"
    r"(?<!\bProf)(?<!\be\.g)(?<!\bi\.e)(?<!\bU\.S)(?<!\b[A-Z])"
    r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[*_#>]*[A-Z0-9])"
    r"|\n(?![ \t]*[a-z]))"
)
"""A sentence ends at ``.``/``!``/``?`` before a capital or digit, or at a line break that is not
a hard wrap (the next line does not start lowercase); "vs.", "e.g.", "et al." and initials do not
end one."""


def sentence_start_after(text: str, pos: int, low: int) -> int:
    """Where the sentence holding ``pos`` begins, looking back no further than ``low``: the end of
    the last sentence boundary in ``text[low:pos]``, else ``low``."""
    last = low
    for m in SENTENCE_END.finditer(text, low, min(len(text), pos + 40)):
        if m.end() > pos:
            break
        last = m.end()
    return last
