"""``srcgrade.required``: the literals every match of a veto holds, and the gate built on them.

The gate may only skip a search that would find nothing: tables of patterns and the words read
from them, then every bundled veto against real and random windows (with and without the lowered
text, ``LexiconEntry.vetoed`` must say the same).
"""

from __future__ import annotations

import json
import random
import re

import pytest
from helpers import RATINGS, REPO

from srcgrade import required
from srcgrade.corpus import load_ratings
from srcgrade.lexicon import LOOKBEHIND_CHARS
from srcgrade.pattern_scan import lowered

EVALSET = REPO.parent / "shared" / "evalsets" / "hnr_stories.jsonl"


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("", None),
        (r"\w+$", None),
        (r"(?i)\bjournal\s+$", {"journal"}),
        (r"(?i)(?:\bno|\bnot|\bnobody)\s+$", {"no"}),  # "not" and "nobody" hold "no"
        (r"n[\x27\u2019]t\s+$", {"n't", "n\u2019t"}),
        (r"(?i)\b(?:the|\d+)\s+$", None),  # a digit is no literal
        (r"(?:studies|trials)?\s+show", {"show"}),  # the optional group requires nothing
        (r"(?:ab){2,}c|x+y", {"ab", "x"}),
        (r"(?ix) \bwhether \s+ $ | \bif \s+ $", {"whether", "if"}),
        (r"(?i)[Kk]ey", {"key"}),
        # a letter outside ASCII is left out (str.lower may not be what re folds): the "t" stays
        (r"\u00e9t\u00e9", {"t"}),
        (r"\u00e9\u00e9", None),
        ("[", None),  # not a pattern
    ],
)
def test_required_words(pattern: str, words: set[str] | None) -> None:
    assert required.required_words(pattern) == (None if words is None else frozenset(words))


def test_holds_any_reads_only_the_window() -> None:
    low = "it is not a cure"
    assert required.holds_any(low, frozenset({"not"}), 0, len(low))
    assert not required.holds_any(low, frozenset({"not"}), 0, 8)  # "no" but not "not"
    assert not required.holds_any(low, frozenset({"cure"}), 0, len(low) - 1)


def _vetoing_entries() -> list:
    ratings = load_ratings(RATINGS)
    entries = {e.rule: e for lexicon in ratings.lexicons.values() for e in lexicon.entries}
    return [e for e in entries.values() if e.unless_preceded_by is not None]


def _texts() -> list[str]:
    texts = [a.text for a in load_ratings(RATINGS).articles]
    if EVALSET.exists():
        with EVALSET.open(encoding="utf-8") as rows:
            texts += [str(json.loads(row)["text"]) for _, row in zip(range(60), rows, strict=False)]
    return texts


def _random_text(rng: random.Random) -> str:
    words = ["not", "No", "whether", "journal", "published", "in", "the", "Nature", "cure",
             "n\u2019t", "don't", "a", "study", "SHOW", "\u212aey", "I.", "Dr.", "\u201c", '"',
             "'", "hope", "for", "free", "of", "years", "2021", "\n", "search"]
    return " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))


def test_every_veto_match_holds_a_word() -> None:
    """Wherever a bundled veto matches, one of its words occurs in the lowered text."""
    rng = random.Random(7)
    texts = _texts() + [_random_text(rng) for _ in range(400)]
    checked = 0
    for entry in _vetoing_entries():
        words = entry.preceded_words
        if words is None:
            continue
        regex = entry.unless_preceded_by
        for text in texts:
            for hit in regex.finditer(text):
                checked += 1
                assert any(w in text[hit.start():hit.end()].lower() for w in words), (
                    entry.rule, hit.group())
    assert checked > 100


def test_vetoed_same_with_and_without_the_lowered_text() -> None:
    rng = random.Random(11)
    texts = [t for t in _texts() + [_random_text(rng) for _ in range(150)] if lowered(t)]
    entries = _vetoing_entries()
    for text in texts:
        low = lowered(text)
        starts = {m.start() for m in re.finditer(r"\b\w", text)}
        for start in sorted(starts)[:: max(1, len(starts) // 20)]:
            end = min(len(text), start + 5)
            for entry in entries:
                assert entry.vetoed(text, start, end, low) == entry.vetoed(text, start, end), (
                    entry.rule, text[max(0, start - LOOKBEHIND_CHARS):start])
