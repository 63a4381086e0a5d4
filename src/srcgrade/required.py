"""Literal text that every match of a pattern must hold: a cheap test that rules a regex out.

Why: a lexicon entry's ``unless_preceded_by`` veto is searched over the text from the match's
sentence start back to the match, at every match, and most searches find nothing: the veto words
("not", "whether", "journal") are not there. ``required_words(pattern)`` reads the pattern's parse
tree for a few lowered literals one of which every match contains (``(?:\\bno|\\bnot)\\s+$``:
"no"); ``LexiconEntry.vetoed`` only reads the sentence and runs the regex when one of them occurs
in the lowered text before the match. The test is a superset (lowered text, literals only), so
the vetoes are the same; a pattern without such literals (``\\w+$``) gets None and is always run.
"""

from __future__ import annotations

import re
import unicodedata
from re import _constants as _sre  # the parse tree of `re` itself
from re import _parser as _sre_parse
from typing import Any

from srcgrade import regex_cache

_MOST_WORDS = 64
"""More literals than this and the test costs about what the search it would spare does (a
``str.find`` over a sentence is about 50 nanoseconds, a veto's search several microseconds)."""
_MOST_CLASS = 4
"""A class of at most this many characters (``[\\x27\\u2019]``) is spelt out into the literal."""
_MOST_SPELLINGS = 8

Words = frozenset[str]


def required_words(pattern: str, flags: int = 0) -> Words | None:
    """Lowered literals, one of which occurs in every match of ``pattern`` (read lowered), or
    None when none can be named (or there would be too many to test quickly)."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    words = _of_sequence(list(parsed))
    if not words or "" in words:
        return None
    # A word holding another is implied by it: "no" occurs wherever "not" or "nobody" does.
    words = {w for w in words if not any(o != w and o in w for o in words)}
    return frozenset(words) if len(words) <= _MOST_WORDS else None


def words_of(regex: re.Pattern[str]) -> Words | None:
    """``required_words`` of a compiled pattern, kept in the on-disk store of ``regex_cache``
    (reading a parse tree costs about as much as compiling)."""
    key = f"required:{regex_cache.source_digest(__file__)}:{regex.flags}:{regex.pattern}"
    stored = regex_cache.recall(key)
    if isinstance(stored, list):
        return frozenset(map(str, stored))
    if stored == "none":
        return None
    words = required_words(regex.pattern, regex.flags)
    regex_cache.keep(key, "none" if words is None else sorted(words))
    return words


def holds_any(low: str, words: Words, start: int, end: int) -> bool:
    """Whether one of ``words`` occurs in ``low[start:end]``, ``low`` being the text lowered by
    ``pattern_scan.lowered`` (same length; none of the characters that ``re.IGNORECASE`` folds to
    an ASCII letter while ``str.lower`` does not)."""
    find = low.find
    for word in words:  # noqa: SIM110 - a loop, not any(): no generator frame per call
        if find(word, start, end) >= 0:
            return True
    return False



def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two requirements: fewer, then longer, literals."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b, key=lambda s: (len(s) > _MOST_WORDS, -min(map(len, s)), len(s)))


def _of_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """What a sequence of parse items requires: its best run of literals, or the best of what
    one of its items requires."""
    best: set[str] | None = None
    run: set[str] = {""}
    for op, av in items:
        spellings = _spellings(op, av)
        if spellings is not None and len(run) * len(spellings) <= _MOST_SPELLINGS:
            run = {r + s for r in run for s in spellings}
            continue
        if run != {""}:
            best = _better(best, run)
        run = {""} if spellings is None else set(spellings)
        best = _better(best, _of_item(op, av))
    if run != {""}:
        best = _better(best, run)
    return best


def _spellings(op: Any, av: Any) -> list[str] | None:
    """The lowered characters a literal or a small class matches, else None."""
    if op is _sre.LITERAL and _plain(chr(av)):
        return [chr(av).lower()]
    if (op is _sre.IN and len(av) <= _MOST_CLASS
            and all(o is _sre.LITERAL and _plain(chr(v)) for o, v in av)):
        return sorted({chr(v).lower() for _, v in av})
    return None


def _plain(char: str) -> bool:
    """Whether ``str.lower`` gives what ``re.IGNORECASE`` compares a literal by: an ASCII
    character, or punctuation (no case; no letter folds to it), such as the curly apostrophe."""
    return char.isascii() or unicodedata.category(char).startswith("P")


def _of_item(op: Any, av: Any) -> set[str] | None:
    if op is _sre.SUBPATTERN:
        return _of_sequence(list(av[3]))
    if op is _sre.ATOMIC_GROUP:
        return _of_sequence(list(av))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            words = _of_sequence(list(alternative))
            if not words:
                return None
            union |= words
        return union
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _of_sequence(list(av[2]))
    return None
