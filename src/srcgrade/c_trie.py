"""The lexicon scan's tries for the optional C walker (``srcgrade._scan``), and the switch to it.

The finders of ``pattern_scan`` and the term trie of ``lexicon`` are `re` searches; `re` costs
about 60 microseconds per 4 KB story for merely starting a match after every non-word character,
three times over. ``srcgrade._scan`` walks the same tries in C and returns every spot in one call.
It is built by ``pip install`` when a C compiler and Python's headers are there
(``setup.py``: an optional extension); without it, or with ``SRCGRADE_PURE_SCAN=1`` in the
environment when a matcher is built, the `re` searches run, with the same results (the tests
run both paths).

A trie reaches C as plain tuples (``Trie(sets, nodes)``, see ``_scan.c``). Every character set
is worked out from the very regex its atom stands for, by letting `re` find the runs of matching
characters among all code points, so the C walker's sets hold exactly what `re` matches
(ignore-case folds, ``\\w`` and ``\\s`` outside ASCII included); they are kept in the on-disk
store of ``regex_cache`` (one store per Python version, so per Unicode database).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable, Hashable, Iterable
from types import ModuleType
from typing import Any, TypeVar

from srcgrade import regex_cache

PURE_ENV = "SRCGRADE_PURE_SCAN"
SET, REPEAT, BOUNDARY = 0, 1, 2
"""Edge kinds, as in _scan.c: one character of a set; a greedy repeat; ``\\b``."""
_FORMAT = 1
T = TypeVar("T")


def built() -> ModuleType | None:
    """``srcgrade._scan`` if the install built it, whatever ``SRCGRADE_PURE_SCAN`` says."""
    try:
        from srcgrade import _scan
    except ImportError:
        return None
    return _scan


def c_scanner() -> ModuleType | None:
    """``srcgrade._scan``, or None when it is not built or ``SRCGRADE_PURE_SCAN`` is set (to
    anything but "" or "0"). Asked when a matcher is built, so a test can switch paths."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    return built()


def scan_path() -> str:
    """Which scan a matcher built now would use, for the benchmark's and the user's report."""
    if c_scanner() is not None:
        return "C (srcgrade._scan)"
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return f"pure Python (re; {PURE_ENV} is set)"
    return "pure Python (re; srcgrade._scan is not built)"


def count_words(text: str) -> int:
    """``len(text.split())`` counted in C; only called where a ``CTrie`` was built."""
    from srcgrade import _scan

    return _scan.count_words(text)


def maker(cls: type[T]) -> Callable[..., T]:
    """What makes ``cls`` instances from all their fields, positionally, in field order: with
    the extension built, ``_scan.Maker``, which fills the slots without ``__init__`` (a frozen
    dataclass's costs about 1 microsecond for ten fields, one ``object.__setattr__`` each, and
    scoring makes 30-60 findings and tallies per story); else ``cls`` itself. Only for slotted
    dataclasses whose ``__init__`` does nothing but set every field; anything else gets ``cls``.
    Chosen when the importing module loads, whatever ``SRCGRADE_PURE_SCAN`` says: the
    instances are the same either way (tests/test_c_scan.py)."""
    scanner = built()
    if (scanner is None or not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__")
            or "__slots__" not in cls.__dict__):
        return cls
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        return cls
    try:
        return scanner.Maker(cls, tuple(f.name for f in fields))
    except TypeError:
        return cls


def lower_function() -> Callable[[str], str]:
    """``str.lower``, or ``_scan.lower`` when the extension is built: the same str, about four
    times quicker on a text that is not all ASCII (``str.lower`` looks up the full case mapping
    of every character; ``_scan.lower`` lowers ASCII letters itself and keeps the characters whose
    lower case is themselves, else hands the text to ``str.lower``). Chosen when the importing
    module loads, whatever ``SRCGRADE_PURE_SCAN`` says: the result is the same
    (tests/test_c_scan.py compares them on every code point)."""
    scanner = built()
    lower = getattr(scanner, "lower", None)
    return str.lower if lower is None else lower


def prepare(text: str, like: Any = None) -> Any:
    """``text`` prepared once for the walks of several tries (``_scan.Text``: its characters as
    UCS-4, its word flags and word starts); only called where a ``CTrie`` was built. ``like``:
    the prepared text of which ``text`` is the lowered form (``pattern_scan.lowered``: each
    character in its place, a word character where the original is one), whose word flags and
    word starts are copied instead of worked out again (not by a build older than ``like``)."""
    from srcgrade import _scan

    if like is None or not _text_takes_like():
        return _scan.Text(text)
    return _scan.Text(text, like)


@functools.cache
def _text_takes_like() -> bool:
    """Whether the built ``_scan.Text`` takes ``like`` (a build older than its source may not:
    then each text is prepared on its own, as before)."""
    from srcgrade import _scan

    try:
        _scan.Text("", _scan.Text(""))
    except TypeError:
        return False
    return True


class CTrie:
    """A C trie with the tuples it was built from: pickling (the dask engine sends the scorer to
    its workers) sends the tuples, and a process without the extension falls back to ``re``."""

    def __init__(self, sets: tuple, edges: tuple, tries: tuple, labels: tuple) -> None:
        self._state = (sets, edges, tries, labels)
        scanner = c_scanner()
        self.trie: Any = None if scanner is None else scanner.Trie(sets, edges, tries, labels)

    def __getstate__(self) -> tuple[tuple, tuple, tuple, tuple]:
        return self._state

    def __setstate__(self, state: tuple[tuple, tuple, tuple, tuple]) -> None:
        self.__init__(*state)


class CTrieBuilder:
    """Numbers the character sets (each regex source once) and edges of some tries, and collects
    their paths (sequences of edge numbers); a node's edges are tried in the order of their
    numbers, so a caller that cares adds its edges in that order first."""

    def __init__(self) -> None:
        self._sets: list[str | tuple[int, ...]] = [()]  # set 0: empty, for boundary edges
        self._set_numbers: dict[str | tuple[int, ...], int] = {}
        self._edges: list[tuple[int, int, int, int]] = []
        self._edge_numbers: dict[Hashable, int] = {}
        self._tries: list[tuple[tuple[int, ...], ...]] = []
        self._labels: list[tuple[int, ...] | None] = []

    def charset(self, source: str) -> int:
        """The number of the set of characters the one-character regex ``source`` matches."""
        return self._set(source)

    def literal(self, char: str) -> int:
        """The number of the set holding only ``char`` (a case-sensitive literal)."""
        return self._set((ord(char), ord(char)))

    def _set(self, item: str | tuple[int, ...]) -> int:
        number = self._set_numbers.get(item)
        if number is None:
            number = self._set_numbers[item] = len(self._sets)
            self._sets.append(item)
        return number

    def edge(self, key: Hashable, make: Callable[[CTrieBuilder], tuple[int, int, int, int]]
             ) -> int:
        """The number of the edge known as ``key``; ``make(self)`` gives (kind, set, low, high)
        the first time."""
        number = self._edge_numbers.get(key)
        if number is None:
            number = self._edge_numbers[key] = len(self._edges)
            self._edges.append(make(self))
        return number

    def add(self, paths: Iterable[tuple[int, ...]], labels: Iterable[int] | None = None) -> int:
        """A trie of these paths; its number for ``spots`` and ``first_hits``. ``labels``: one
        int per path, what ``spot_labels`` reports for the paths that match at a spot."""
        self._tries.append(tuple(paths))
        self._labels.append(None if labels is None else tuple(labels))
        return len(self._tries) - 1

    def build(self) -> CTrie | None:
        """The tries for C, or None when the walker refuses them (a path over 1,000 edges) or is
        not there."""
        if c_scanner() is None:
            return None
        try:
            return CTrie(tuple(charsets(self._sets)), tuple(self._edges), tuple(self._tries),
                         tuple(self._labels))
        except ValueError:
            return None


def charsets(items: list[str | tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Each source as its flattened code point ranges (tuples pass as they are); the ones not in
    the store are worked out together, from one string of all code points."""
    found: dict[str, tuple[int, ...]] = {}
    for source in {s for s in items if isinstance(s, str)}:
        stored = regex_cache.recall(_key(source))
        if isinstance(stored, list) and all(isinstance(v, int) for v in stored):
            found[source] = tuple(stored)
    missing = [s for s in items if isinstance(s, str) and s not in found]
    if missing:
        every = "".join(map(chr, range(0x110000)))
        for source in missing:
            runs = re.compile(f"(?:{source})+").finditer(every)
            found[source] = tuple(v for run in runs for v in (run.start(), run.end() - 1))
            regex_cache.keep(_key(source), list(found[source]))
    return [item if isinstance(item, tuple) else found[item] for item in items]


def _key(source: str) -> str:
    return f"charset:{_FORMAT}:{source}"


def repeat_parts(source: str) -> tuple[str, int, int]:
    """A repeat atom's ``X{low,high}`` as (X, low, high; -1 when unbounded)."""
    found = re.fullmatch(r"(.*)\{(\d+),(\d*)\}", source, re.DOTALL)
    if found is None:
        raise ValueError(f"not a repeat atom: {source!r}")
    base, low, high = found.groups()
    return base, int(low), int(high) if high else -1

