"""The on-disk store of compiled regexes: a pattern served from it behaves exactly as
``re.compile``'s, and a store that is damaged, missing or unwritable never costs more than time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import RATINGS, seed_text

from srcgrade import pattern_scan, regex_cache
from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer

PATTERNS = [
    (r"\bbreakthrough(?:s)?\b", re.IGNORECASE),
    (r"(?P<number>\d+(?:\.\d+)?)\s*(?:%|per ?cent)", 0),
    (r"(?<!\w)(?:studies|research) (?:show|shows|suggest)(?!\w)", re.IGNORECASE),
    (r"(?i)Dr\.\s+[A-Z][a-z]+", 0),
    (r"\W(?:miracle|wonder)(?:s)?(?!\w)", 0),
    (r"caf\u00e9|na\u00efve|\u03a3\u03c2", re.IGNORECASE),
]
TEXTS = [
    "A breakthrough! Studies show 84 percent improved; Dr. Smith and dr. jones disagree.",
    "Breakthroughs, miracles and wonders: 12.5% of a na\u00efve CAF\u00c9 crowd, \u03c3\u03c2.",
    "",
]


@pytest.fixture
def fresh_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store of its own on disk and, in memory, the state of a process that just started."""
    monkeypatch.setenv(regex_cache.ENV_DIR, str(tmp_path / "cache"))
    monkeypatch.setattr(regex_cache, "_STORE", regex_cache._Store())
    return tmp_path / "cache"


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regex_cache, "_STORE", regex_cache._Store())


def _behaves_like_re(compiled: re.Pattern[str], pattern: str, flags: int) -> None:
    expected = re.compile(pattern, flags)
    assert compiled.pattern == expected.pattern
    assert compiled.flags == expected.flags
    assert compiled.groups == expected.groups
    assert compiled.groupindex == expected.groupindex
    for text in TEXTS:
        assert [m.span() for m in compiled.finditer(text)] == [
            m.span() for m in expected.finditer(text)
        ]
        assert [m.groupdict() for m in compiled.finditer(text)] == [
            m.groupdict() for m in expected.finditer(text)
        ]


def test_patterns_come_back_from_disk_unchanged(fresh_store, monkeypatch):
    with regex_cache.kept():
        for pattern, flags in PATTERNS:
            _behaves_like_re(regex_cache.compile(pattern, flags), pattern, flags)
    [stored] = fresh_store.glob("regex-*.json")
    assert len(json.loads(stored.read_text())["patterns"]) == len(PATTERNS)

    _new_process(monkeypatch)

    def not_again(pattern: str, flags: int):
        raise AssertionError(f"compiled again: {pattern}")

    monkeypatch.setattr(regex_cache, "_compile_with_instructions", not_again)
    for pattern, flags in PATTERNS:
        _behaves_like_re(regex_cache.compile(pattern, flags), pattern, flags)


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "swapped instructions", "wrong checksum", "other format"],
)
def test_a_damaged_store_is_ignored_and_rewritten(fresh_store, monkeypatch, damage):
    with regex_cache.kept():
        for pattern, flags in PATTERNS:
            regex_cache.compile(pattern, flags)
    [stored] = fresh_store.glob("regex-*.json")
    document = stored.read_text()
    data, good = json.loads(document), json.loads(document)
    if damage == "garbage":
        stored.write_bytes(b"\x00\xffnot json at all")
    elif damage == "truncated":
        stored.write_text(document[: len(document) // 2])
    elif damage == "wrong checksum":
        for entry in data["patterns"].values():
            entry[5] += 1
        stored.write_text(json.dumps(data))
    elif damage == "swapped instructions":  # valid for the C matcher: only the checksum tells
        first, other = (data["patterns"][f"re:{flags}:{p}"] for p, flags in PATTERNS[0::4])
        first[4], other[4] = other[4], first[4]
        stored.write_text(json.dumps(data))
    else:
        data["format"] = 999
        stored.write_text(json.dumps(data))

    _new_process(monkeypatch)
    with regex_cache.kept():
        for pattern, flags in PATTERNS:
            _behaves_like_re(regex_cache.compile(pattern, flags), pattern, flags)
    assert json.loads(stored.read_text()) == good  # the damaged entries were replaced


def test_turned_off_or_unwritable_it_still_compiles(tmp_path, monkeypatch):
    monkeypatch.setenv(regex_cache.ENV_DIR, "")
    _new_process(monkeypatch)
    assert regex_cache.cache_dir() is None
    with regex_cache.kept():
        _behaves_like_re(regex_cache.compile(*PATTERNS[0]), *PATTERNS[0])

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(regex_cache.ENV_DIR, str(blocked / "cache"))
    _new_process(monkeypatch)
    with regex_cache.kept():
        _behaves_like_re(regex_cache.compile(*PATTERNS[1]), *PATTERNS[1])
    assert blocked.read_text() == "not a folder"


def test_an_invalid_pattern_still_raises_re_error(fresh_store):
    with pytest.raises(re.error):
        regex_cache.compile(r"(unclosed", 0)


def test_pattern_beginnings_come_back_from_disk_unchanged(fresh_store, monkeypatch):
    entries = [e for lex in load_ratings(RATINGS).lexicons.values() for e in lex.entries]
    patterns = [(e.pattern, e.case_sensitive) for e in entries if e.pattern]
    assert len(patterns) > 50
    with regex_cache.kept():
        worked_out = [pattern_scan.pattern_starts(p, c) for p, c in patterns]
    _new_process(monkeypatch)
    monkeypatch.setattr(pattern_scan, "_work_out_starts", lambda *a: pytest.fail("not stored"))
    assert [pattern_scan.pattern_starts(p, c) for p, c in patterns] == worked_out


def test_a_rubric_from_the_store_scores_as_one_compiled_afresh(fresh_store, monkeypatch):
    texts = [seed_text("000"), seed_text("003"), "Breakthrough: studies show it cures PTSD."]

    def findings() -> list[list[tuple[int, int, str]]]:
        scorer = make_scorer(load_ratings(RATINGS), "health-news-review")
        return [[(f.start, f.end, f.rule) for f in scorer.findings(t)] for t in texts]

    afresh = findings()
    assert any(fresh_store.glob("regex-*.json"))
    _new_process(monkeypatch)
    assert findings() == afresh
    assert sum(map(len, afresh)) > 30


def test_a_store_grown_too_large_keeps_what_is_in_use(fresh_store, monkeypatch):
    """Each edit of a lexicon compiles new tries: old ones are dropped once the store is large."""
    with regex_cache.kept():
        for number in range(30):  # thirty old versions of a lexicon's trie
            regex_cache.compile("|".join(f"term{number}x{i}" for i in range(300)), 0)
    [stored] = fresh_store.glob("regex-*.json")
    grown = stored.stat().st_size
    monkeypatch.setattr(regex_cache, "_MOST_BYTES", grown // 2)
    _new_process(monkeypatch)
    with regex_cache.kept():
        for pattern, flags in PATTERNS:
            regex_cache.compile(pattern, flags)
    kept_patterns = json.loads(stored.read_text())["patterns"]
    assert set(kept_patterns) == {f"re:{flags}:{pattern}" for pattern, flags in PATTERNS}


def test_a_store_read_too_large_is_pruned_though_nothing_new_is_compiled(fresh_store, monkeypatch):
    """A store left large by earlier runs (every start reads it, about 45 ms per MB) shrinks to
    what is in use at the next batch, even when every pattern of that batch was in it."""
    with regex_cache.kept():
        for number in range(30):
            regex_cache.compile("|".join(f"term{number}x{i}" for i in range(300)), 0)
        for pattern, flags in PATTERNS:
            regex_cache.compile(pattern, flags)
    [stored] = fresh_store.glob("regex-*.json")
    monkeypatch.setattr(regex_cache, "_MOST_BYTES", stored.stat().st_size // 2)
    _new_process(monkeypatch)
    with regex_cache.kept():
        for pattern, flags in PATTERNS:  # all of them served from the store
            regex_cache.compile(pattern, flags)
    kept_patterns = json.loads(stored.read_text())["patterns"]
    assert set(kept_patterns) == {f"re:{flags}:{pattern}" for pattern, flags in PATTERNS}
