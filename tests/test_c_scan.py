"""The optional C walker (``srcgrade._scan``) against the `re` searches it stands in for.

test_pattern_scan and test_matcher_equivalence compare whole scans on both paths; here the walks
themselves: the term trie's hits must equal the trie regex's, hit for hit; a finder's spots must
hold every spot of its regex (more only costs time); and the C side must be safe with any str
(empty, huge, every storage kind, repeated calls without leaks) and refuse malformed tries.
"""

from __future__ import annotations

import itertools
import os
import pickle
import random
import re
from pathlib import Path

import pytest
from helpers import RATINGS, c_scan_built, scan_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srcgrade import c_trie, lexicon, pattern_scan
from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer

needs_c = pytest.mark.skipif(
    not c_scan_built(),
    reason="srcgrade._scan is not built (no C compiler or Python headers when installed)",
)

# Characters that make the tries' corner cases: case folds to ASCII, the hyphen and apostrophe
# variants the term trie folds, white space of several kinds, digits, non-BMP.
ODD = ("aAbBsStTeEkK \u00a0\t\n\r-\u2010\u2011'\u2019\u017f\u0131\u0130\u212a"
       "\u00e9\u00c9\u03a3\u03c3\u03c2019_.,;()\U0001f600")
TERM_CHARS = "abcdeiks -'\u00e9\u017f\u0131\u212a\u03c3"


@pytest.fixture(scope="module")
def c_matcher() -> lexicon.Matcher:
    with scan_path("c"):
        return make_scorer(load_ratings(RATINGS)).matcher


def regex_term_hits(regex: re.Pattern[str], low: str) -> list[int]:
    """What ``Matcher._term_hits`` yields on the pure path, flattened."""
    found, position, padded = [], 0, " " + low
    while (hit := regex.search(padded, position)) is not None:
        position = hit.start(1)
        found += [position - 1, hit.end() - 1]
    return found


@needs_c
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    terms=st.lists(st.text(TERM_CHARS, min_size=1, max_size=12), min_size=1, max_size=12),
    pieces=st.lists(st.one_of(st.text(ODD, max_size=4), st.integers(0, 99)), max_size=16),
    upper=st.booleans(),
)
def test_term_trie_hits_equal_the_trie_regex(terms, pieces, upper):
    # Text made of the terms themselves (some upper-cased) and odd characters between them.
    text = "".join(p if isinstance(p, str) else terms[p % len(terms)] for p in pieces)
    text = text.upper() if upper else text
    with scan_path("c"):
        walker = lexicon._c_term_trie(terms)
    regex = lexicon._lowered_trie_regex(terms)
    assert walker is not None and walker.trie is not None and regex is not None
    # The walk and the regex read the same str: lowered text, or any text at all.
    for seen in {text, text.lower()}:
        assert walker.trie.first_hits(seen, 0) == regex_term_hits(regex, seen), (terms, seen)


def test_term_trie_property_texts_do_hit():
    """The property above is not vacuous: texts made of the terms give hits."""
    terms = ["side effect", "it's", "co-op", "\u00e9t\u00e9"]
    with scan_path("pure"):
        regex = lexicon._lowered_trie_regex(terms)
    assert regex is not None
    hits = regex_term_hits(regex, "side\n effect, it\u2019s a co op, coop, \u00c9t\u00e9".lower())
    assert len(hits) == 2 * 5


@needs_c
@settings(max_examples=200, deadline=None)
@given(text=st.text(ODD, max_size=120))
def test_finder_spots_hold_every_regex_spot(c_matcher, text):
    scan = c_matcher._pattern_scan
    for finder in (*scan._lower_finders, *scan._cased_finders):
        for seen in {text, text.lower()}:
            spots = {spot for spot, _ in finder._spots_with_entries(seen, None)}
            assert set(finder._re_spots(seen)) <= spots, seen


@needs_c
@settings(max_examples=200, deadline=None)
@given(text=st.text(ODD, max_size=120), cut=st.integers(0, 400))
def test_scan_equals_pure_scan_on_odd_text(c_matcher, text, cut):
    """Real lexicon phrases with odd characters spliced in: same matches on both paths."""
    examples = [x for e in c_matcher.entries for x in e.fire]
    phrase = examples[cut % len(examples)]
    for mixed in (text + " " + phrase, phrase[: cut % (len(phrase) + 1)] + text + phrase):
        assert _spans(c_matcher, mixed) == _spans(_pure_matcher(), mixed), mixed


_PURE: list[lexicon.Matcher] = []


def _pure_matcher() -> lexicon.Matcher:
    if not _PURE:
        with scan_path("pure"):
            _PURE.append(make_scorer(load_ratings(RATINGS)).matcher)
    return _PURE[0]


def _spans(matcher: lexicon.Matcher, text: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.entry.rule) for m in matcher.scan(text)]


def test_pure_scan_env_forces_the_pure_path(monkeypatch):
    monkeypatch.setenv(c_trie.PURE_ENV, "1")
    assert c_trie.c_scanner() is None
    assert "SRCGRADE_PURE_SCAN" in c_trie.scan_path()
    matcher = make_scorer(load_ratings(RATINGS)).matcher
    assert not matcher._walks_in_c and matcher._terms_walker is None
    scan = matcher._pattern_scan
    assert all(f._walker is None for f in (*scan._lower_finders, *scan._cased_finders))
    assert matcher.scan("A miracle cure, experts said.")  # and it still finds things


@needs_c
def test_the_c_path_is_used_when_built(monkeypatch):
    monkeypatch.delenv(c_trie.PURE_ENV, raising=False)
    assert c_trie.scan_path().startswith("C")
    assert make_scorer(load_ratings(RATINGS)).matcher._walks_in_c


@needs_c
def test_the_built_module_is_not_older_than_its_source():
    """An edited _scan.c needs a rebuild (``./dev setup`` does it, or ``pip install -e .``)."""
    from srcgrade import _scan

    source = Path(pattern_scan.__file__).with_name("_scan.c")
    assert Path(_scan.__file__).stat().st_mtime >= source.stat().st_mtime, (
        "srcgrade._scan is older than _scan.c: rebuild with ./dev setup")


@needs_c
def test_is_word_is_the_regex_word_class():
    from srcgrade import _scan

    every = "".join(map(chr, range(0x110000)))
    words = {m.start() for m in re.finditer(r"\w", every)}
    assert all(_scan.is_word(code) == (code in words) for code in range(0x110000))


@needs_c
@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "miracle cure",  # kind 1 (ASCII)
        "a miracle cure \u00e9",  # kind 1 (Latin-1)
        "a miracle cure \u2019s breakthrough",  # kind 2
        "\U0001f600 a miracle cure \U0001f600 breakthrough \U0001f600",  # kind 4
        "\U0001f600" * 50,
        "(Smith et al., 2020) found",
    ],
)
def test_every_storage_kind_and_edge(c_matcher, text):
    assert _spans(c_matcher, text) == _spans(_pure_matcher(), text)
    assert _spans(c_matcher, text * 3) == _spans(_pure_matcher(), text * 3)


@needs_c
def test_huge_text(c_matcher):
    story = next(iter(sorted(RATINGS.glob("articles/texts/*.txt")))).read_text(encoding="utf-8")
    huge = (story + "\n\U0001f600 ") * 400  # about 2 MB, kind 4
    assert len(huge) > 1_000_000
    assert _spans(c_matcher, huge) == _spans(_pure_matcher(), huge)


def _rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@needs_c
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_repeated_walks_do_not_leak(c_matcher):
    from srcgrade import _scan

    text = "Experts said the cure (Smith et al., 2020) was a \u2019breakthrough\u2019. " * 40
    low = text.lower()
    scan = c_matcher._pattern_scan
    finders = [*scan._lower_finders, *scan._cased_finders]
    terms = c_matcher._terms_walker.trie

    def walk_all() -> None:
        prepared = _scan.Text(low)
        terms.first_hits(prepared, 0)
        terms.first_hits(low, 0)
        for finder in finders:
            finder._walker.trie.spot_labels(low, finder._word_trie, finder._other_trie)
            finder._walker.trie.spot_labels(prepared, finder._word_trie, finder._other_trie)
        c_matcher.scan(text)

    for _ in range(300):  # warm up: caches, memos, the allocator's pools
        walk_all()
    before = _rss_kb()
    for _ in range(3000):
        walk_all()
    assert _rss_kb() - before < 4000, "the walks leak memory"


@needs_c
@pytest.mark.parametrize(
    ("sets", "edges", "tries", "error"),
    [
        ([(5, 3)], [(0, 0, 1, 1)], [[(0,)]], ValueError),  # a range backwards
        ([(1, 2, 2, 3)], [(0, 0, 1, 1)], [[(0,)]], ValueError),  # overlapping ranges
        ([(0x110000, 0x110000)], [(0, 0, 1, 1)], [[(0,)]], ValueError),  # not a code point
        ([(1,)], [(0, 0, 1, 1)], [[(0,)]], ValueError),  # half a range
        ([()], [(7, 0, 1, 1)], [[(0,)]], ValueError),  # no such edge kind
        ([()], [(0, 3, 1, 1)], [[(0,)]], ValueError),  # no such set
        ([()], [(1, 0, 3, 2)], [[(0,)]], ValueError),  # high below low
        ([()], [(0, 0, 1, 1)], [[(1,)]], ValueError),  # no such edge
        ([()], [(0, 0, 1, 1)], [[(0,) * 1001]], ValueError),  # too deep
        ([()], [(0, 0)], [[(0,)]], TypeError),  # an edge too short
        ([()], [(0, 0, 1, 1)], [[("x",)]], TypeError),  # not an edge number
        (None, [], [], TypeError),
    ],
)
def test_malformed_tries_are_refused(sets, edges, tries, error):
    from srcgrade import _scan

    with pytest.raises(error):
        _scan.Trie(sets, edges, tries)


@needs_c
def test_walk_arguments_are_checked():
    from srcgrade import _scan

    trie = _scan.Trie([(), (97, 97)], [(0, 1, 1, 1)], [[(0,)]], [[3]])
    assert trie.spot_labels("a ba a", 0, -1) == [(0, (3,)), (5, (3,))]
    assert trie.first_hits(_scan.Text("a ba a"), 0) == [0, 1, 5, 6]
    with pytest.raises(IndexError):
        trie.spot_labels("a", 1, -1)
    with pytest.raises(TypeError):
        trie.spot_labels(b"a", 0, -1)
    with pytest.raises(ValueError):
        _scan.Trie([(), (97, 97)], [(0, 1, 1, 1)], [[(0,)]], [[1, 2]])  # one label per path


@needs_c
def test_a_pickled_matcher_scans_alike(c_matcher, monkeypatch):
    """The dask engine sends the scorer to its workers: the C tries travel as tuples and are
    built again there; a worker without the extension (or told so) scans with `re`."""
    text = "Doctors hail a breakthrough: a miracle cure (Smith et al., 2020), experts said."
    again = pickle.loads(pickle.dumps(c_matcher))
    assert again._walks_in_c and _spans(again, text) == _spans(c_matcher, text)
    monkeypatch.setenv(c_trie.PURE_ENV, "1")
    pure = pickle.loads(pickle.dumps(c_matcher))
    assert not pure._walks_in_c and _spans(pure, text) == _spans(c_matcher, text)


WHITE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


@needs_c
@settings(max_examples=400, deadline=None)
@given(st.text(WHITE + "ab\u00e9\u4e00\U0001f600", max_size=60))
def test_count_words_is_len_of_split(text):
    """The word count every per-1,000-words rate divides by: str.split()'s, white space by
    white space (29 characters, ``\\x1c`` and ``\\u3000`` among them), in every storage kind."""
    from srcgrade import _scan

    assert _scan.count_words(text) == len(text.split())


@needs_c
def test_count_words_on_every_code_point_and_no_str():
    from srcgrade import _scan

    every = "".join(map(chr, range(0x110000)))
    assert _scan.count_words(every) == len(every.split())
    with pytest.raises(TypeError):
        _scan.count_words(b"bytes are not text")


# ' twice (a quotation mark, an apostrophe, doubled), s, m and t after it (the elided 's, 'em,
# 't), a bracket and a dash before it
QUOTE_CHARS = (
    '"\u201c\u201d\u00ab\u00bb\u201e\u2018\u2019\'\'\n\r\t.,ab 1\u00e9\u00bd\U0001f600smtE(\u2014'
)


def _pure_quotes(text: str) -> list[int]:
    from srcgrade.detect.quotes import quote_spans

    return [v for span in quote_spans(text) for v in span]


@needs_c
@settings(max_examples=1500, deadline=None)
@given(st.text(QUOTE_CHARS, max_size=40))
def test_quote_spans_are_the_pure_ones(text):
    """``QuoteSpans``' C pass finds what ``detect.quotes.quote_spans`` finds: every mark,
    unpaired, nested, apostrophes, wrapped lines, paragraph breaks and quotations that go on in
    the next paragraph, in every storage kind."""
    from srcgrade import _scan

    assert _scan.quote_spans(text) == _pure_quotes(text)


@needs_c
def test_quote_spans_at_the_length_limit():
    """Every opening and closing mark, a quotation of 0 to 3,001 characters (the limit is
    3,000), unbroken, across a wrapped line and across a paragraph that opens with the same mark:
    the C spans are the pure ones."""
    from srcgrade import _scan
    from srcgrade.detect.quotes import QuoteSpans

    marks = ['"', "\u201c", "\u00ab", "\u201e", "\u2018", "\'\'", "\'"]
    closes = ['"', "\u201d", "\u00bb", "\u201c", "\u2019", "\'\'", "\'"]
    for mark, inside, close, gap in itertools.product(
        marks, [0, 1, 2999, 3000, 3001], closes, ["", "\n\n", "\n"]
    ):
        half = inside // 2
        again = mark if gap else ""  # a paragraph break, then the same mark: the quotation goes on
        text = f"x {mark}{'a' * half}.{gap}{again}{'a' * (inside - half)}{close} {mark}b{close}"
        case = (mark, inside, close, gap)
        assert _scan.quote_spans(text) == _pure_quotes(text), case
        assert QuoteSpans(text, in_c=True).spans == QuoteSpans(text).spans, case
    with pytest.raises(TypeError):
        _scan.quote_spans(b"bytes")


@needs_c
def test_maker_makes_what_the_dataclass_makes():
    """``c_trie.maker``: the instance ``__init__`` would make (equal, same hash, frozen, pickles,
    ``replace`` works), refusing any other number of arguments and classes it cannot fill."""
    import dataclasses

    from srcgrade import _scan
    from srcgrade.model import Contribution, Finding, Origin, Tally

    values = (1, 5, "abc", "hedge", True, "msg", "hedges.x", 0.5, Origin("x.yaml", 3), False, None)
    make = c_trie.maker(Finding)
    assert isinstance(make, _scan.Maker)
    made, plain = make(*values), Finding(*values)
    assert type(made) is Finding and made == plain and hash(made) == hash(plain)
    assert repr(made) == repr(plain) and pickle.loads(pickle.dumps(made)) == plain
    assert dataclasses.replace(made, start=2) == dataclasses.replace(plain, start=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.start = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        make(*values[:-1])
    with pytest.raises(TypeError):
        make(*values, start=1)
    tally = c_trie.maker(Tally)(made, "raises", 1.0, True, "", "")
    assert tally == Tally(plain, "raises", 1.0, True)
    assert c_trie.maker(Contribution)("hedge", "raises", 2, 1.5) == Contribution(
        "hedge", "raises", 2, 1.5)

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            raise AssertionError("must run")

    assert c_trie.maker(NoSlots) is NoSlots and c_trie.maker(Checked) is Checked
    with pytest.raises(TypeError):
        _scan.Maker(Finding, ("start", "end"))  # not every slot
    with pytest.raises(TypeError):
        _scan.Maker(Finding, ("start",) * 10)  # one slot twice, or not a slot
    with pytest.raises(TypeError):
        _scan.Maker(NoSlots, ("a",))
    with pytest.raises(TypeError):
        _scan.Maker(int, ())


@needs_c
def test_the_core_tries_have_deeper_filters(c_matcher):
    """The term trie and the lowered finder skip word starts by their six-character filter too
    (a root with too many beginnings to list has none: that costs only time)."""
    assert c_matcher._terms_walker.trie.sizes()["deep_filters"] == 1
    for finder in c_matcher._pattern_scan._lower_finders:
        assert finder._walker.trie.sizes()["deep_filters"] == 1


@needs_c
@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("ab", [0, 2]),
        ("abc", []),
        ("abcdefg", []),
        ("abcdefgh", [0, 8]),
        ("abcdefghi", []),
        ("ab abcdefgh.", [0, 2, 3, 11]),
        ("abcdefgX abcdefgh", [9, 17]),
        ("xab ab", [4, 6]),
    ],
)
def test_paths_shorter_and_longer_than_the_deeper_filter(text, hits):
    """A path that ends within the filter's six characters, one that goes past them, and texts
    that end before either."""
    from srcgrade import _scan

    chars = "abcdefgh"
    sets = [(), *((ord(c), ord(c)) for c in chars)]
    edges = [(c_trie.SET, i + 1, 1, 1) for i in range(len(chars))]
    trie = _scan.Trie(sets, edges, [[(0, 1), tuple(range(len(chars)))]])
    assert trie.first_hits(text, 0) == hits


# Vetoes that read back to the start of the sentence, beyond 40 characters (hype.cure,
# hnr_balance.but), and one that must not read into the paragraph before (researchers_say).
LONG_LOOKBEHIND = (
    "Longer studies are needed to assess whether the treatment provides a long-term cure and if "
    "it reduces stroke and death, Wilber said.\n\nThe probe not only allows the doctor to see the "
    "fibroid using ultrasound, but it also has a radio-frequency device.\n\n"
    "A new study suggests that people who drink a lot of coffee have lower rates of death\n\n"
    "Researchers suspect that ingredients in coffee could have direct health benefits."
)


@needs_c
def test_sentence_long_vetoes_are_the_same_on_both_paths(c_matcher):
    rules = [rule for _, _, rule in _spans(c_matcher, LONG_LOOKBEHIND)]
    assert "hype.cure" not in rules and "hnr_balance.but" not in rules
    assert "attribution.researchers_say" in rules
    assert _spans(c_matcher, LONG_LOOKBEHIND) == _spans(_pure_matcher(), LONG_LOOKBEHIND)


@needs_c
def test_lower_is_str_lower_on_every_code_point():
    """``_scan.lower`` (``pattern_scan.lowered``'s, about four times quicker outside ASCII) is
    ``str.lower()``: every code point beside ASCII and non-ASCII neighbours, in every storage
    kind, the final sigma's context and the characters whose lower case is longer included."""
    from srcgrade import _scan

    for code in range(0x110000):
        char = chr(code)
        for text in (f"\u00e9{char}Ab", f"\U0001f600{char}"):
            assert _scan.lower(text) == text.lower(), hex(code)
    for text in ("", "ABC", "\u039f\u0394\u039f\u03a3", "\u0130x", "\u03a3\u03a3 \u03a3x",
                 "\u1e9e\u00df\u01c5\u2126"):
        assert _scan.lower(text) == text.lower()
    assert pattern_scan._lower is _scan.lower
    with pytest.raises(TypeError):
        _scan.lower(b"bytes are not text")


@needs_c
@settings(max_examples=500, deadline=None)
@given(st.text('ab. C.\n?!x Dr. Smith U.S. e.g. 9 (A"\u201c\u2019 \t\u00e9', max_size=80),
       st.integers(0, 90), st.integers(0, 90))
def test_sentence_start_in_c_is_the_python_loop(text, pos, back):
    """``sentences.sentence_start_after`` in C (``_scan.sentence_start``) gives what the Python
    loop gives, positions past the end and a floor past the position included."""
    from srcgrade import sentences

    low = max(0, pos - back) if back <= pos else pos + 1
    assert sentences._in_c is not None
    assert (sentences.sentence_start_after(text, pos, low)
            == sentences._sentence_start_after(text, pos, low))


@needs_c
def test_sentence_start_in_c_on_the_bundled_articles():
    from srcgrade import sentences

    rng = random.Random(3)
    for text in (a.text for a in load_ratings(RATINGS).articles):
        for _ in range(200):
            pos = rng.randrange(len(text) + 5)
            low = max(0, pos - rng.choice((0, 40, 200, 10**6)))
            assert (sentences.sentence_start_after(text, pos, low)
                    == sentences._sentence_start_after(text, pos, low))


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.text(ODD, max_size=60))
def test_lowered_text_prepared_like_the_text_walks_alike(c_matcher, text):
    """The lowered text is prepared with the text's word flags and word starts copied
    (``c_trie.prepare(low, like)``): its walks are those of the lowered text prepared alone."""
    from srcgrade import _scan

    low = pattern_scan.lowered(text)
    if low is None:
        return
    alone, like = _scan.Text(low), _scan.Text(low, _scan.Text(text))
    for finder in c_matcher._pattern_scan._lower_finders:
        trie = finder._walker.trie
        assert (trie.spot_labels(alone, finder._word_trie, finder._other_trie)
                == trie.spot_labels(like, finder._word_trie, finder._other_trie))
    terms = c_matcher._terms_walker.trie
    assert terms.first_hits(alone, 0) == terms.first_hits(like, 0)
    # A text of another length is prepared on its own.
    assert len(_scan.Text(low + "x", _scan.Text(text))) == len(low) + 1
    with pytest.raises(TypeError):
        _scan.Text(low, "not a Text")
