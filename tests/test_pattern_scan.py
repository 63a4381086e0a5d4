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
        # Bounded repeats of a group, followed turn by turn into what comes after them.
        (r"\b(?:[A-Z][a-z]+\s+){1,2}[A-Z][a-z]+,\s+an?\b", True,
         "Jane Mary Doe, a nurse; Jane Doe, an aide; Doe, a; Ann Lee Kim Ray, a"),
        (r"\bcure\s+(?:\w+\s+){0,2}?in\s+sight\b", False,
         "a cure in sight, cure is in sight, CURE is now in sight, cure is not yet in sight"),
        (r"(?:ab){2,3}c|x(?:y|zz){0,1}w", True, "abc ababc abababc ababababc xw xyw xzzw xzw"),
        (r"\b(?:(?:no|not)\s+){2}\w", False, "no not x, not no, no no y"),
        # An ignore-case group in an ignore-case pattern (a veto list, lexicon.any_of).
        (r"(?ix: \bno \s+ way)|(?i:\bnot\s+now)", False, "No way, NOT now, no  way, nOway"),
        # Gated (pattern_scan.Gate): tried only where a word follows before the run ends.
        (r",\s+(?:[\w'-]+\s+){0,5}?(?:said|says)\b", False,
         "It works, the maker said. No, it said; fine, SAID Ann, x,said, y, the, z, a b c d said"),
        (r",\s+(?:[\w'-]+\s+){0,5}?(?:said|says)\b", False, "Cure, he ſaid; x, the ıt says"),
        (r";\s*(?:\w+\s+)*(?:wrote|noted)", True, "a; she wrote b;  he noted c; Wrote;x noted"),
        (r"«(?:\w+\s+)*?(?:dit|écrit|x)\b", False, "« il a écrit » « rien » «ÉCRIT» «x» «DIT"),
    ],
)
def test_scan_equals_plain_for_tricky_patterns(pattern, case_sensitive, text, path):
    with scan_path(path):
        matcher = lexicon.Matcher([_entry(pattern, case_sensitive)])
    assert fast(matcher, text) == reference(matcher, text)


def test_gated_patterns_get_a_gate_and_no_finder():
    """A pattern whose first character cannot come again in its match and whose words are not
    in its beginnings is listed by its gate (C path only); the others go to the finders."""
    if pattern_scan.c_scanner() is None:
        pytest.skip("gates need the C scanner (srcgrade._scan is not built)")
    gated = {r",\s+(?:\w+\s+){0,6}said\b": True, r"\bsaid\b": False, r"\bsaid,\s+\w+": False,
             r"\w+,\s+said\b": False, r",\s+said\b": False, r",\s+(?:\w+\s+)*said": True,
             r",(?:\s+\w+)*": False, r",\s+.*said": False, r"\((?:\w+\s+)*(?:19|20)\d\d\)": True,
             r",\s+(?:\w+\s+){0,2}said\b": False}  # the finder follows two turns to "said"
    for pattern, expected in gated.items():
        scan = pattern_scan.PatternScan([_entry(pattern)])
        assert bool(scan.gated) == expected, pattern
        assert bool(scan._lower_finders) != expected, pattern


def test_a_gate_in_c_answers_as_in_python():
    """``_scan.Gate`` gives what ``Gate.allows_here`` and ``spots_here`` do, on the bundled
    gates and on some with words and characters outside ASCII, one character long or cut off
    by the end of the text."""
    with scan_path("c"):  # gates are made on the C path only
        matcher = make_scorer(load_ratings(RATINGS)).matcher
    gates = [gate for _, gate in matcher._pattern_scan.gated]
    assert gates, "hype.attributed_after has a gate"
    odd = [r"[,;:!?]\s*(?:\w+\s+){0,5}(?:x\d|said|’tis|q’s)\b", r"«(?:\w+\s+)*(?:dit|crit)\b",
           r";[ \t]*(?:\w+[ \t]+)*(?:kk|zz|said)"]
    for pattern in odd:
        scan = pattern_scan.PatternScan([_entry(pattern)])
        gates += [gate for _, gate in scan.gated]
    assert len(gates) >= len(odd)
    rng = random.Random(7)
    samples = [*texts(matcher)[::4], ", é, x é; k, said", "«dit» « écrit», xy,xy, q’s, Q’S ;zz ;k",
               ", ü", ",", ";", "«", ",\u212a said", ": ’tis, x; kk;zz", "\u2019tis,x:x;\u00e9"]
    for text in samples:
        low = pattern_scan.lowered(text)
        for gate in gates:
            assert gate.spots(text, None) == gate.spots_here(text, None)
            if low is None:
                continue
            assert gate.spots(text, low) == gate.spots_here(text, low), text[:80]
            for start in {rng.randint(0, len(text)) for _ in range(5)}:
                assert gate.allows(text, low, start) == gate.allows_here(text, low, start)


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


def test_spot_search_answers_as_a_search_of_the_slice(matcher):
    """Every bundled veto, tried only at its beginnings, finds a match in a window of a text
    exactly where a search of that window does; so do patterns that are case-sensitive, begin
    anywhere or after a non-word character."""
    rng = random.Random(5)
    vetoes = {id(e.unless_preceded_by): e.unless_preceded_by
              for e in matcher.entries if e.unless_preceded_by is not None}
    extra = [re.compile(p) for p in (r"\(\d{4}\)|\bNo\b", r"[,;]\s+said$", r"(?<=\s)x\w*$")]
    searches = [(r, pattern_scan.SpotSearch.of(r)) for r in [*vetoes.values(), *extra]]
    assert sum(spots is not None for _, spots in searches) > len(searches) * 0.9
    found = 0
    for text in texts(matcher)[::3]:
        low = pattern_scan.lowered(text)
        if low is None:
            continue
        for _ in range(6):
            end = rng.randint(0, len(text))
            begin = rng.randint(max(0, end - 200), end)
            for regex, spots in searches:
                if spots is not None:
                    expected = regex.search(text[begin:end]) is not None
                    piece = text[begin:end]
                    assert spots.found(piece, low[begin:end]) == expected, (regex.pattern[:60],
                                                                            piece)
                    found += expected
    assert found > 20


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


# --- entries' patterns rewritten to match faster (pattern_scan.matching_regex) -----------------


@pytest.mark.parametrize("rubric", ["core", "health-news-review"])
def test_every_bundled_pattern_is_rewritten_and_matches_as_written(rubric):
    """At every position of the seed texts and the lexicon examples (odd case folds among
    them), each rewritten pattern finds the match the pattern as written finds: on the lowered
    text when it reads that (a text that cannot be lowered is matched as written)."""
    matcher = make_scorer(load_ratings(RATINGS), rubric).matcher
    sample = [*texts(matcher)[:-400 - 6], *texts(matcher)[-6:],
              "\u0130stanbul I\u0131\u017f \u017ftudies show \u00b5 \u03bc KELVIN \u212a, "
              "THE COMPANY SAID; Dr. Jane O\u2019Neil, director of the Mayo Clinic, said it."]
    for regex in (e.compiled for e in matcher.pattern_entries):
        written = pattern_scan.matching_regex(regex)
        assert written is not None, regex.pattern[:80]
        fast_regex, on_low = written
        for text in sample:
            low = pattern_scan.lowered(text)
            seen = text if low is None or not on_low else low
            if low is None and on_low:
                continue  # such a text is matched with the pattern as written
            for start in range(len(text) + 1):
                want, got = regex.match(text, start), fast_regex.match(seen, start)
                assert (want and want.span()) == (got and got.span()), (regex.pattern[:80], start)


@pytest.mark.parametrize(("pattern", "flags", "possessive", "on_low"), [
    (r"[\w'-]+\s+said", re.IGNORECASE, 2, True),  # the word before a space, the space before s
    (r"\w+", re.IGNORECASE, 0, True),  # at the end: a shorter run would match
    (r"\w+\b", 0, 0, False),  # what follows takes nothing
    (r"\w+(?:ly|s)", 0, 0, False),  # what follows begins with a word character
    (r"[A-Z][a-z]+\s+[A-Z]", 0, 2, False),
    (r"(?:\w+[ \t]+){0,3}\w+,", 0, 3, False),  # inside a repeated group, and after it
    (r"(?i:[a-z]+)\s", 0, 1, False),
    (r"(?-i:[A-Z])x", re.IGNORECASE, 0, False),  # not lowered: ignore-case turned off inside
    (r"\u00e9t\u00e9 \u03bc", re.IGNORECASE, 0, False),  # not lowered: a cased non-ASCII letter
])
def test_repeats_made_possessive_only_where_nothing_after_them_can_take_their_characters(
        pattern, flags, possessive, on_low):
    written = pattern_scan.matching_regex(re.compile(pattern, flags))
    assert written is not None
    assert written[0].pattern.count("}+") == possessive
    assert written[1] is on_low
