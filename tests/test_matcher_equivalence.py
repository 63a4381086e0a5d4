"""The fast Matcher.scan finds exactly what the plain algorithm finds, in the same order.

The plain algorithm is kept here on purpose, short and obviously right: every term through the
ignore-case term trie on the text itself (as srcgrade always did), and every pattern searched on
its own (each entry's leftmost, non-overlapping, non-vetoed matches). The fast scan reads the
lowered text with case-sensitive regexes, skips to word starts and follows pattern beginnings
further, and walks its tries in C when ``srcgrade._scan`` is built; none of that may change a
finding. Each test runs on both scan paths (the C one skipped, with the reason, when the
extension is not built).
"""

from __future__ import annotations

import functools
import itertools
import random
import re

import pytest
from helpers import RATINGS, REPO, SCAN_PATHS, scan_path

from srcgrade import lexicon, pattern_scan
from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer
from srcgrade.ingest import iter_jsonl

EVALSET = REPO.parent / "shared" / "evalsets" / "hnr_stories.jsonl"
ALL = load_ratings(RATINGS)


@functools.cache
def _plain_regexes(
    matcher: lexicon.Matcher,
) -> tuple[re.Pattern[str] | None, list[re.Pattern[str]]]:
    trie = lexicon._trie_regex([t for e in matcher.entries for t in e.terms])
    patterns = [
        re.compile(e.pattern or "", 0 if e.case_sensitive else re.IGNORECASE)
        for e in matcher.pattern_entries
    ]
    return trie, patterns


def reference(matcher: lexicon.Matcher, text: str) -> list[tuple[int, int, str]]:
    """What Matcher.scan returned before the speed-ups, computed the plain way."""
    terms: list[tuple[int, int, str]] = []
    trie, regexes = _plain_regexes(matcher)
    last_end: dict[str, int] = {}
    position = 0
    while trie is not None and (hit := trie.search(text, position)) is not None:
        start, end = hit.span()
        for stop in lexicon._word_ends(text, start, end):
            for entry in matcher._by_key.get(lexicon.term_key(text[start:stop]), ()):
                if last_end.get(entry.rule, -1) > start or entry.vetoed(text, start, stop):
                    continue
                terms.append((start, stop, entry.rule))
                last_end[entry.rule] = stop
        position = start + 1
    patterns = []
    for index, (entry, regex) in enumerate(zip(matcher.pattern_entries, regexes, strict=True)):
        position = 0
        while position <= len(text) and (hit := regex.search(text, position)):
            start, end = hit.span()
            if end > start and not entry.vetoed(text, start, end):
                patterns.append((start, index, (start, end, entry.rule)))
                position = end
            else:
                position = start + 1
    patterns.sort(key=lambda m: (m[0], m[1]))
    found = terms + [match for _, _, match in patterns]
    found.sort(key=lambda m: (m[0], -m[1]))  # stable: terms first at one span, as scan does
    return _without_repeats(matcher, text, found)


def _without_repeats(matcher: lexicon.Matcher, text: str, found: list) -> list:
    """An entry's ``unless_right_after`` (not a speed-up: tested in test_lexicon), the plain way."""
    after = {e.rule: e.unless_right_after for e in matcher.entries}
    kept, ends = [], {}
    for start, end, rule in found:
        if not any(
            0 <= ends.get(other, -1) <= start
            and not text[ends[other] : start].strip(" ,\t\n\r\u00a0")
            for other in after[rule]
        ):
            kept.append((start, end, rule))
        ends[rule] = max(ends.get(rule, -1), end)
    return kept


def fast(matcher: lexicon.Matcher, text: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.entry.rule) for m in matcher.scan(text)]


_EVERY = tuple(e for lex in ALL.lexicons.values() for e in lex.entries)


@functools.cache
def _matchers(path: str) -> dict[str, lexicon.Matcher]:
    """Each rubric's matcher (and one of every entry) on one scan path."""
    with scan_path(path):
        built = {f"rubric-{r}": make_scorer(ALL, r).matcher for r in sorted(ALL.rubrics)}
        if all(set(m.entries) != set(_EVERY) for m in built.values()):
            built["all-lexicons"] = lexicon.Matcher(_EVERY)
    assert all(m._walks_in_c == (path == "c") for m in built.values())
    return built


@pytest.fixture(params=SCAN_PATHS)
def matchers(request) -> dict[str, lexicon.Matcher]:
    if request.param == "c":
        with scan_path("c"):  # skips the test when the extension is not built
            pass
    return _matchers(request.param)


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(RATINGS.glob("articles/texts/*.txt"))]


def examples() -> list[str]:
    return [x for lex in ALL.lexicons.values() for e in lex.entries for x in (*e.fire, *e.quiet)]


_ODD = ["ſ", "ı", "İ", "\u212a", "’", "‘", "-", "\u2010", "\u2011", "\u00a0", "\n", "\t", "  ",
        "—", "(", ")", ",", ".", '"', "“", "”", "/", "%", "é", "É", "µ", "Σ", "ς", "ǅ"]


def random_texts(count: int) -> list[str]:
    """Prose-like texts: real words and phrases shuffled, with case, spacing and punctuation
    changed at random (and now and then a character that lowering treats specially)."""
    rng = random.Random(20261121)
    words = " ".join(seeds() + examples()).split()
    phrases = examples()
    texts = []
    for number in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(1, 80)):
            roll = rng.random()
            if roll < 0.15:
                parts.append(rng.choice(phrases))
            else:
                parts.append(rng.choice(words))
            if rng.random() < 0.1:
                parts[-1] = rng.choice([str.upper, str.lower, str.title, str.swapcase])(parts[-1])
            if rng.random() < 0.08:
                parts.append(rng.choice(_ODD))
        glue = [rng.choice([" ", " ", " ", "  ", "\n", "-", "’", "'", ", "]) for _ in parts]
        text = "".join(p + g for p, g in zip(parts, glue, strict=True)).strip()
        # Characters that re.IGNORECASE matches to ASCII letters: some texts are scanned the
        # plain way for them, and no match may be lost or gained.
        if number % 10 == 0:
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice("ſıİ") + text[at:]
        elif number % 10 in (1, 2, 3):
            plain, odd = {1: ("s", "ſ"), 2: ("i", "ı"), 3: ("k", "\u212a")}[number % 10]
            text = "".join(odd if c == plain and rng.random() < 0.5 else c for c in text)
        texts.append(text)
    return texts


def hnr_texts(count: int) -> list[str]:
    usable = (r.text for r in iter_jsonl(EVALSET, []) if not r.extra.get("text_flag"))
    return list(itertools.islice(usable, count))


def assert_same(matchers: dict[str, lexicon.Matcher], texts: list[str], least_matches: int
                ) -> None:
    for name, matcher in matchers.items():
        matched = 0
        for text in texts:
            expected = reference(matcher, text)
            got = fast(matcher, text)
            assert set(got) == set(expected), (name, text[:300])
            assert got == expected, ("order", name, text[:300])
            matched += len(expected)
        assert matched >= least_matches, name


def test_seed_texts(matchers):
    assert_same(matchers, seeds(), least_matches=50)


def test_every_lexicon_example(matchers):
    assert_same(matchers, examples(), least_matches=100)


def test_random_prose(matchers):
    assert_same(matchers, random_texts(400), least_matches=500)


@pytest.mark.skipif(not EVALSET.exists(), reason="no ../shared/evalsets/hnr_stories.jsonl")
def test_hnr_stories(matchers):
    assert_same(matchers, hnr_texts(300), least_matches=1000)


def test_texts_that_begin_with_a_match(matchers):
    """The finders read the text behind a space so that a term or pattern at the very start has
    a non-word character before it; cut each example where a match starts and compare again."""
    texts = examples()[::3] + seeds()[:1]
    starting = []
    for matcher in matchers.values():
        for text in texts:
            starting.extend(text[start:] for start, _, _ in reference(matcher, text)[:20])
    assert_same(matchers, starting, least_matches=len(starting))
    at_zero = [t for t in starting if any(m.start == 0 for m in matchers["rubric-core"].scan(t))]
    assert len(at_zero) >= len(starting) // 3


def test_lowered_text_stands_in_for_the_text():
    """What the fast scan relies on: lowering keeps each character's place and kind, and
    re.IGNORECASE treats a character and its lowered form alike (checked on every code point)."""
    changed = []
    for code in range(0x110000):
        char = chr(code)
        low = char.lower()
        if len(low) != 1:
            assert pattern_scan.lowered(f"a{char}b") is None, hex(code)
            continue
        assert low.lower() == low, hex(code)
        assert char.isalnum() == low.isalnum() and char.isspace() == low.isspace(), hex(code)
        if low != char:
            changed.append(char)
    ascii_letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    for char in changed:
        low = char.lower()
        for probe in {char, low, char.upper(), *ascii_letters}:
            regex = re.compile(re.escape(probe), re.IGNORECASE)
            assert bool(regex.match(char)) == bool(regex.match(low)), (hex(ord(char)), probe)
    # A case-sensitive ASCII literal on lowered text is an ignore-case one on the text, but for
    # the characters ignore-case matches to ASCII letters that lower to something else.
    for char in pattern_scan._FOLDS_TO_ASCII:
        if not char.lower().isascii():
            assert pattern_scan.lowered(char) is None, hex(ord(char))


@pytest.mark.parametrize(
    "text",
    [
        "Doctors hail a breakthrough: it ſeems to cure İstanbul's ill patients, FDA said.",
        "A breakthrough, it ſeems to cure; more reſearch iſ needed, experts ſay.",
        "A breakthrough that may cure: more research ıs needed, it ıs a mıracle cure.",
    ],
)
def test_scan_of_text_that_cannot_be_lowered(text, matchers):
    matcher = max(matchers.values(), key=lambda m: len(m.entries))
    assert pattern_scan.lowered(text) is None
    assert fast(matcher, text) == reference(matcher, text)
    assert len(fast(matcher, text)) >= 3
