"""``pattern_scan.BackSearch``: a veto read from the match back must find what ``regex.search``
finds on the sentence before the match (exact), or at least whatever it finds (a filter).

Tables of small patterns first (look-arounds, ``^``, a line break before ``$``), then every
bundled veto against real sentence ends and random word strings.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from helpers import RATINGS, REPO

from srcgrade.corpus import load_ratings
from srcgrade.pattern_scan import BackSearch
from srcgrade.sentences import sentence_start_after

EVALSET = REPO.parent / "shared" / "evalsets" / "hnr_stories.jsonl"
PIECES = ["", "\n", "not ", "not\n", "it is not a ", "Not a\n", "a not", "no-one ", "x not  ",
          "whether the ", "whether\n\n", "so-called ", "not only ", "not just a ", "abc",
          "\u00c9t\u00e9 "]


@pytest.mark.parametrize(
    ("pattern", "exact"),
    [
        (r"(?i)\bnot\s+$", True),
        (r"(?i)\bnot\s+(?:a\s+)?$|\bwhether\b.*$", True),
        (r"(?i)^\W*not\s+$", True),
        (r"(?i)(?<!\w)no[\s-]+$", True),
        (r"(?i)\bnot(?!\w)\s*$", True),
        (r"(?i)\bnot(?=\s)\s*$", True),
        (r"(?i)\bnot(?!\s+(?:only|just)\b)\s+\w*\s*$", False),  # a look-ahead of varying width
        (r"(?i)\b[^\W\d]{2,3}\s+$", True),
        (r"(?i)\bnot\s+$|(?-i:abc)$", True),
    ],
)
def test_small_patterns(pattern: str, exact: bool) -> None:
    regex = re.compile(pattern, re.IGNORECASE)
    back = BackSearch.of(regex)
    assert back is not None and back.exact == exact
    for piece in PIECES:
        found = regex.search(piece) is not None
        assert back.found(piece) == found or (not exact and back.found(piece)), (pattern, piece)


@pytest.mark.parametrize("pattern", [r"not\s+", r"not$|x", r"(?>not)\s+$", r"not\s++$",
                                     r"(not)\1$", r"(?m)not$", r"not\Z"])
def test_what_is_not_read_back(pattern: str) -> None:
    assert BackSearch.of(re.compile(pattern, re.IGNORECASE)) is None


def _texts() -> list[str]:
    texts = [a.text for a in load_ratings(RATINGS).articles]
    if EVALSET.exists():
        with EVALSET.open(encoding="utf-8") as rows:
            texts += [str(json.loads(row)["text"]) for _, row in zip(range(40), rows, strict=False)]
    return texts


def test_every_bundled_veto_read_back() -> None:
    ratings = load_ratings(RATINGS)
    entries = {e.rule: e for lexicon in ratings.lexicons.values() for e in lexicon.entries}
    vetoes = [e for e in entries.values() if e.unless_preceded_by is not None]
    rng = random.Random(5)
    pieces = list(PIECES)
    for text in _texts():
        for _ in range(30):
            pos = rng.randrange(len(text) + 1)
            pieces.append(text[sentence_start_after(text, pos, max(0, pos - 200)):pos])
    words = ["not", "No", "whether", "journal", "call", "it", "a", "\u201c", "so-called", "I",
             "said", "study", "but", "\n", "only", "if", "hope", "claims", "to"]
    pieces += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) + rng.choice(" \n")
               for _ in range(300)]
    found = 0
    for entry in vetoes:
        back = entry.preceded_back
        assert back is not None, entry.rule
        for piece in pieces:
            expected = entry.unless_preceded_by.search(piece) is not None
            found += expected
            if back.exact:
                assert back.found(piece) == expected, (entry.rule, piece)
            else:
                assert back.found(piece) or not expected, (entry.rule, piece)
    assert found > 50
