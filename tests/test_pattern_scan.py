"""The fast pattern scan finds exactly what trying every pattern at every position finds.

Each test runs on both scan paths (``helpers.SCAN_PATHS``): the C walker of ``srcgrade._scan``
and ``re`` alone; the C one is skipped, with the reason, when the extension is not built.
"""

from __future__ import annotations

import random
import re
import signal
from pathlib import Path

import pytest
from helpers import SCAN_PATHS, scan_path

from srcgrade import lexicon, pattern_scan
from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer

RATINGS = Path(__file__).resolve().parents[1] / "ratings"


def reference(matcher: lexicon.Matcher, text: str) -> list[tuple[int, int, str]]:
    """The plain algorithm the fast scan must equal: every pattern tried at every position.

    Each entry's leftmost, non-overlapping, non-vetoed matches, as one ``finditer``-like walk per
    pattern would find them (restarting one character on after an empty match).
    """
    found = []
    for entry in matcher.pattern_entries:
        position = 0
        while position <= len(text) and (hit := entry.compiled.search(text, position)):
            start, end = hit.span()
            if end > start and not entry.vetoed(text, start, end):
                found.append((start, end, entry.rule))
                position = end
            else:
                position = start + 1
    found.sort(key=lambda m: (m[0], -m[1]))
    return found


def fast(matcher: lexicon.Matcher, text: str) -> list[tuple[int, int, str]]:
    found = [lexicon.Match(s, e, entry) for s, e, entry in matcher._pattern_scan.matches(text)]
    found.sort(key=lambda m: (m.start, -m.end))
    return [(m.start, m.end, m.entry.rule) for m in found]


@pytest.fixture(scope="module", params=SCAN_PATHS)
def matcher(request) -> lexicon.Matcher:
    with scan_path(request.param):
        built = make_scorer(load_ratings(RATINGS)).matcher
    assert built._walks_in_c == (request.param == "c")
    return built


@pytest.fixture(params=SCAN_PATHS)
def path(request) -> str:
    """The scan path of the matchers a test builds inside ``scan_path(path)``."""
    return request.param


def texts(matcher: lexicon.Matcher) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(RATINGS.glob("articles/texts/*.txt"))]
    examples = [x for e in matcher.entries for x in (*e.fire, *e.quiet)]
    rng = random.Random(6)
    words = " ".join(seeds + examples).split()
    shuffled = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(400)]
    odd = ["", "(", "KELVIN \u212a and \u017fo İstanbul ı", "a" * 50, "’" * 5,
           "the\u00a0study (Smith, 2020)"]
    return seeds + examples + shuffled + odd


def test_scan_equals_the_plain_algorithm(matcher):
    assert any(e.pattern for e in matcher.entries)
    checked = 0
    for text in texts(matcher):
        assert fast(matcher, text) == reference(matcher, text), text[:200]
        checked += bool(reference(matcher, text))
    assert checked > 100  # the texts do contain matches


def test_scan_keeps_the_order_of_entries_at_one_spot(matcher):
    for text in texts(matcher)[:50]:
        plain = [(m.start, m.end, m.entry.rule) for m in matcher.scan(text)]
        assert plain == sorted(plain, key=lambda m: (m[0], -m[1])), "scan sorts by position"


def test_case_folds_to_ascii_are_complete():
    # Every character that re.IGNORECASE matches to an ASCII letter is in the finder's classes.
    letters = re.compile("[a-z]", re.IGNORECASE)
    found = "".join(chr(c) for c in range(128, 0x110000) if letters.match(chr(c)))
    assert found == pattern_scan._FOLDS_TO_ASCII


@pytest.mark.parametrize(
    ("pattern", "case_sensitive", "text"),
    [
        (r"\bmay\s+(?:help|cure)\b", False, "It MAY  help; it may cure."),
        (r"(?:ab)+c", True, "xxababc abc"),
        (r"\b(?:19|20)\d{2}\b", False, "in 1999 and 2024, not 3024"),
        (r"\(\w+,\s+\d{4}\)", True, "as shown (Smith, 2020) and (x, 1)"),
        (r"\bs\w+", False, "\u017fome Some some"),
        (r"[^\s]{3}\b", True, "ab abc abcd"),
        (r"\bcolou?r\b", False, "color colour colouur"),
        (r"\bf?MRI\s+scans?\b", True, "fMRI scans, MRI scan, mri scans, fMRIs scan"),
        (r"\b(?:the\s+)?next\b(?!/)", False, "The next/ the NEXT one, next/, next"),
        (r"\b(?:ab)?c\b|\bx(?:\s+y)?\s+z\b", False, "abc c xc x y z x z x yz"),
        (r"\bno\b\s+(?:\w+\s+)?side\s+effects\b", False, "no side effects, No known side effects"),
        (r"\b[^\Wa]\w+\b", True, "A apple Banana a b"),
        (r"\bſome\s+(?:Kelvin|\u212aelvin)\b", False, "SOME kelvin, ſome \u212aelvin"),
        (r"(?i)\bmay\s+help\b", True, "It MAY help, it may Help."),
    ],
)
def test_scan_equals_plain_for_tricky_patterns(pattern, case_sensitive, text, path):
    with scan_path(path):
        matcher = lexicon.Matcher([_entry(pattern, case_sensitive)])
    assert fast(matcher, text) == reference(matcher, text)


def _entry(pattern: str, case_sensitive: bool = False) -> lexicon.LexiconEntry:
    """An entry as the loader would build it, minus the loader's checks."""
    entry = lexicon.LexiconEntry.__new__(lexicon.LexiconEntry)
    fields = {f: None for f in lexicon.LexiconEntry.__slots__}
    fields.update(rule="t.x", kind="k", strength=1.0, message="m", source="s", terms=(),
                  pattern=pattern, case_sensitive=case_sensitive, fire=(), quiet=(),
                  compiled=re.compile(pattern, 0 if case_sensitive else re.IGNORECASE))
    for name, value in fields.items():
        object.__setattr__(entry, name, value)
    return entry


@pytest.mark.parametrize("pattern", [r"(?:very\s+)?", "zz*|", r"(?=x)", r"\b", r"(?:ab)?c?"])
@pytest.mark.parametrize("text", ["", "very very good", "ab c x", "zzz"])
def test_a_pattern_that_can_match_empty_text_still_ends(pattern, text, path):
    """validate refuses such patterns, but a scan given one must still end (it used to spin at
    the end of the text forever: ``re`` clamps a start past the end back to the end)."""
    signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(5)
    try:
        with scan_path(path):
            matcher = lexicon.Matcher([_entry(pattern), _entry(pattern, True)])
        assert fast(matcher, text) == reference(matcher, text)
    finally:
        signal.alarm(0)


def _too_slow(*_: object) -> None:
    raise TimeoutError("the scan did not end")
