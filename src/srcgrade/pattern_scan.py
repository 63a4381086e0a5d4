"""Scanning text for many lexicon patterns at once, fast, with the results of scanning one by one.

A combined alternation of all patterns makes ``re`` try every alternative at every position of the
text (patterns start with ``\\b``, so ``re`` cannot skip ahead): about 9 microseconds per character
with 90 patterns. Here each pattern's possible beginnings are read from its parse tree (the literal
characters, classes and single-character repeats it must consume first, and whether it starts at a
word boundary), up to 12 atoms: through optional groups and keeping ``\\b``, so a phrase pattern
is mostly followed to its end and the finder does not stop at every "the" that begins one. One
finder regex made of those prefixes (a trie) finds the only positions where some pattern can
match; there, only the patterns filed under the first three characters of the text are run. A
pattern whose beginning cannot be worked out is searched on its own.

What makes the finders fast in ``re``: the ignore-case patterns' finder reads the lowered text
(``lowered``) with case-sensitive literals, which ``re`` skips by their first character, where
ignore-case ones or classes such as ``[Tt]`` are each tried; and a finder whose prefixes all begin
at a word start takes the non-word character before it (``\\W``), a class ``re`` looks for with a
tight loop, instead of testing ``(?<!\\w)`` at every position. Case-sensitive patterns have their
own finder over the text.

When the optional C extension is built (``c_trie``, ``_scan.c``), the same prefix tries are
walked in C instead of searched with ``re``, and each spot comes back with the entries whose
beginnings match there (about a third of those filed under its first characters); the regexes of
the finders are then not compiled. ``SRCGRADE_PURE_SCAN=1`` keeps the ``re`` path.

The matches are exactly those of searching each pattern on its own (each entry's leftmost,
non-overlapping, non-vetoed matches), in the same order; tests check this on real and random text
(``tests/test_pattern_scan.py``, ``tests/test_matcher_equivalence.py``). See
``benchmarks/README.md`` for the figures.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from re import _constants as _sre  # the parse tree of `re` itself, to read pattern beginnings
from re import _parser as _sre_parse
from typing import Any, Protocol

from srcgrade import regex_cache
from srcgrade.c_trie import (
    BOUNDARY,
    REPEAT,
    SET,
    CTrie,
    CTrieBuilder,
    c_scanner,
    repeat_parts,
)

Atom = tuple[str, str, bool]
"""(kind, regex source or character, only word characters); kind: char, class or repeat."""


class _Entry(Protocol):
    pattern: str | None
    case_sensitive: bool
    compiled: re.Pattern[str] | None

    def vetoed(self, text: str, start: int, end: int, low: str | None = None) -> bool: ...

# A beginning is followed for up to _LONG_ATOMS atoms (through optional groups, keeping `\b`):
# the longer, the fewer false spots (a phrase pattern is often followed to its end); with too many
# alternatives (more than _CALLS steps) it is cut at _PREFIX_ATOMS.
_LONG_ATOMS = 12
_PREFIX_ATOMS = 6
_CALLS = 2000
_BOUNDARY: Atom = ("assert", r"\b", False)
_CATEGORY_SOURCE = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
}
_WORD_CATEGORIES = {_sre.CATEGORY_DIGIT, _sre.CATEGORY_WORD}
_SMALL_CLASS = 8
_STOP = (None, None)
_ASCII = [chr(c) for c in range(128)]
_BY_START_AND_ENTRY = itemgetter(0, 1)
"""PatternScan.matches' order: by position, then entry order."""


class _Unknown(Exception):
    """The pattern's start cannot be described by literal prefixes and character classes."""


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _class_atom(items: list[tuple[Any, Any]], case_sensitive: bool) -> Atom:
    """A character class as ('class', source, only word characters)."""
    parts, word = [], True
    for op, av in items:
        if op is _sre.NEGATE:
            parts.append("^")
            word = False
        elif op is _sre.LITERAL:
            parts.append(re.escape(chr(av)))
            word = word and _is_word(chr(av))
        elif op is _sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
            word = word and all(_is_word(chr(c)) for c in range(av[0], av[1] + 1))
        elif op is _sre.CATEGORY and av in _CATEGORY_SOURCE:
            parts.append(_CATEGORY_SOURCE[av])
            word = word and av in _WORD_CATEGORIES
        else:
            raise _Unknown
    source = "[" + "".join(parts) + "]"
    if case_sensitive or all(_caseless(op, av) for op, av in items):
        return ("class", source, word)
    return ("class", f"(?i:{source})", word)


def _caseless(op: Any, av: Any) -> bool:
    """Whether a class item only holds characters without case (ASCII non-letters, ``\\s``...)."""
    if op is _sre.NEGATE or op is _sre.CATEGORY:
        return True
    chars = [av] if op is _sre.LITERAL else range(av[0], av[1] + 1)
    return all(c < 128 and not chr(c).isalpha() for c in chars)


def _small_literals(items: list[tuple[Any, Any]]) -> list[str] | None:
    chars: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            chars.append(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < _SMALL_CLASS:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars if len(chars) <= _SMALL_CLASS else None


def _starts(seq: list, boundary: bool, atoms: tuple, case_sensitive: bool, out: set,
            budget: list[int]) -> None:
    """Every way a match can begin: (starts at \\b, the first atoms it consumes).

    ``budget`` is [calls left, most atoms]: a beginning stops growing at that many atoms. Past
    the first atom, assertions are left out (the finder then finds a superset of the spots) except
    ``\\b``, which is kept as an atom: a finite pattern is thus followed to its end, boundary
    included, and the finder only stops where its whole text is.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _Unknown

    def emit() -> None:
        if not atoms:
            raise _Unknown  # nothing consumed yet: the match could start with anything
        out.add((boundary, atoms))

    for index, (op, av) in enumerate(seq):
        rest = seq[index + 1:]
        if len(atoms) >= budget[1] or (op, av) == _STOP:
            return emit()
        if op is _sre.AT or op in (_sre.ASSERT, _sre.ASSERT_NOT):
            if atoms and op is _sre.AT and av is _sre.AT_BOUNDARY:
                atoms = (*atoms, _BOUNDARY)
            elif not atoms:
                boundary = boundary or (op is _sre.AT and av is _sre.AT_BOUNDARY)
            continue
        if op is _sre.SUBPATTERN:
            _group, add, drop, sub = av
            if (add | drop) & ~re.VERBOSE:  # verbose only changes how the source was read
                raise _Unknown
            return _starts(list(sub) + rest, boundary, atoms, case_sensitive, out, budget)
        if op is _sre.BRANCH:
            for alternative in av[1]:
                _starts(list(alternative) + rest, boundary, atoms, case_sensitive, out, budget)
            return None
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            single = _single_atom(list(sub), case_sensitive)
            if single is not None and (atoms or low >= 1):
                if not atoms:  # the first character stays a plain atom, for the lookup key
                    atoms = (single,)
                    low, high = low - 1, high - 1 if high != _sre.MAXREPEAT else high
                if high != 0:
                    upper = "" if high == _sre.MAXREPEAT else str(high)
                    source = _atom_source(single)
                    if not (single[0] == "char" or source.startswith("[")):
                        source = f"(?:{source})"  # (?i:...): `re` repeats a group more slowly
                    source = f"{source}{{{low},{upper}}}"
                    atoms = (*atoms, ("repeat", source, False))
                continue
            if low == 0 and high == 1:  # an optional group: with it, then the rest; or the rest
                _starts([*sub, *rest], boundary, atoms, case_sensitive, out, budget)
            else:
                _starts([*sub, _STOP], boundary, atoms, case_sensitive, out, budget)
            if low == 0:
                _starts(rest, boundary, atoms, case_sensitive, out, budget)
            return None
        if op is _sre.LITERAL:
            atoms = (*atoms, _char_atom(chr(av), case_sensitive))
            continue
        if op is _sre.NOT_LITERAL:
            atoms = (*atoms, _class_atom([(_sre.NEGATE, None), (_sre.LITERAL, av)], case_sensitive))
            continue
        if op is _sre.IN:
            chars = _small_literals(av)
            if chars is not None:
                for char in chars:
                    _starts([(_sre.LITERAL, ord(char)), *rest], boundary, atoms, case_sensitive,
                            out, budget)
                return None
            atoms = (*atoms, _class_atom(av, case_sensitive))
            continue
        if atoms:
            return emit()
        raise _Unknown
    return emit()


# Characters outside ASCII that `re.IGNORECASE` matches to ASCII letters (tests check the list).
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def _char_atom(char: str, case_sensitive: bool) -> Atom:
    """A literal as an atom of a finder: case-sensitive patterns' finder reads the text, the
    others' finder reads the lowered text (see ``lowered``), where an ignore-case ASCII letter is
    its lower-case self; outside ASCII, ``(?i:...)``, which sees a character and its lowered form
    alike."""
    if case_sensitive:
        return ("char", char, _is_word(char))
    if char.isascii():
        return ("char", char.lower(), _is_word(char))
    return ("class", f"(?i:{re.escape(char)})", _is_word(char))


# Texts holding these are scanned the plain way: lowering changes the length ('\u0130'), or they
# match an ASCII letter under re.IGNORECASE while their lowered form is not that letter.
_NOT_LOWERABLE = "\u0130\u0131\u017f"


def lowered(text: str) -> str | None:
    """``text.lower()`` when it can stand in for ``text``, else None.

    Under re.IGNORECASE a character and its lowered form match alike (both literals and classes
    compare lowered characters; ``\\w``, ``\\s`` and ``\\d`` hold both or neither: a test checks
    every code point), so case-sensitive ASCII literals on the lowered text give what ignore-case
    ones give on the text, and ``re`` runs them much faster (it can skip alternatives by their
    first character).
    """
    low = text.lower()
    # Three substring tests: about 1 microsecond per story, where a character-class search took 25.
    if len(low) != len(text) or any(char in text for char in _NOT_LOWERABLE):
        return None
    return low


def _single_atom(sub: list, case_sensitive: bool) -> Atom | None:
    """The atom for a repeated single character (``\\s+``, ``[a-z]{2,}``), else None."""
    if len(sub) != 1:
        return None
    op, av = sub[0]
    if op is _sre.LITERAL:
        return _char_atom(chr(av), case_sensitive)
    if op is _sre.NOT_LITERAL:
        return _class_atom([(_sre.NEGATE, None), (_sre.LITERAL, av)], case_sensitive)
    if op is _sre.IN:
        return _class_atom(av, case_sensitive)
    return None


@functools.cache
def _algorithm() -> str:
    """A digest of this module: beginnings stored by another version of it are not reused."""
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:16]


def pattern_starts(pattern: str, case_sensitive: bool) -> set | None:
    """How the entry's matches can begin, or None when that cannot be worked out (kept in the
    on-disk store of ``regex_cache``: working it out parses the pattern in Python)."""
    key = f"starts:{_algorithm()}:{int(case_sensitive)}:{pattern}"
    stored = regex_cache.recall(key)
    if isinstance(stored, list):
        return {(bool(b), tuple((k, s, bool(w)) for k, s, w in atoms)) for b, atoms in stored}
    if stored == "unknown":
        return None
    starts = _work_out_starts(pattern, case_sensitive)
    regex_cache.keep(key, "unknown" if starts is None else [[b, atoms] for b, atoms in starts])
    return starts


def _work_out_starts(pattern: str, case_sensitive: bool) -> set | None:
    try:
        parsed = _sre_parse.parse(pattern, 0 if case_sensitive else re.IGNORECASE)
        flags = parsed.state.flags
        if flags & (re.ASCII | re.LOCALE | re.DOTALL | re.MULTILINE):
            return None
        ci = bool(flags & re.IGNORECASE)
    except (re.error, RecursionError, ValueError):
        return None
    for budget in ([_CALLS, _LONG_ATOMS], [_CALLS, _PREFIX_ATOMS]):
        out: set = set()
        try:
            _starts(list(parsed), False, (), not ci, out, budget)
        except (_Unknown, RecursionError, ValueError):
            continue
        return out
    return None


def _atom_source(atom: Atom) -> str:
    return re.escape(atom[1]) if atom[0] == "char" else atom[1]


def _prefix_trie(prefixes: set[tuple]) -> dict:
    """The prefixes as a trie of atoms; ``None`` marks a leaf (a shorter prefix already finds
    every spot a longer one would)."""
    trie: dict = {}
    for atoms in prefixes:
        node = trie
        for atom in atoms:
            if None in node:
                break
            node = node.setdefault(atom, {})
        else:
            node.clear()
            node[None] = {}
    return trie


def _ordered(node: dict) -> list[tuple[Atom, dict]]:
    return sorted(((a, c) for a, c in node.items() if a is not None), key=lambda i: repr(i[0]))


def _prefix_regex(prefixes: set[tuple]) -> str:
    def walk(node: dict) -> str:
        if None in node:
            return ""
        branches = [_atom_source(atom) + walk(child) for atom, child in _ordered(node)]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return walk(_prefix_trie(prefixes))


def _c_finder(word_prefixes: dict[tuple, set[int]], other_prefixes: dict[tuple, set[int]]
              ) -> tuple[CTrie | None, int, int]:
    """The finder's two tries for the C walker (numbers: beginnings at word starts only, and
    anywhere; -1 when empty), each path labelled with the entries it begins; None when the
    walker is not there."""
    if c_scanner() is None:
        return None, -1, -1
    builder = CTrieBuilder()

    def add(prefixes: dict[tuple, set[int]]) -> int:
        if not prefixes:
            return -1
        atoms = {atom for prefix in prefixes for atom in prefix}
        number = {atom: builder.edge(atom, functools.partial(_c_edge, atom)) for atom in atoms}
        pairs = [(p, index) for p, indices in prefixes.items() for index in sorted(indices)]
        return builder.add([tuple(map(number.__getitem__, p)) for p, _ in pairs],
                           [index for _, index in pairs])

    word, other = add(word_prefixes), add(other_prefixes)
    return builder.build(), word, other


def _c_edge(atom: Atom, builder: CTrieBuilder) -> tuple[int, int, int, int]:
    """An atom as (kind, set, low, high) of the C trie: the set of exactly the characters that the
    atom's own regex source matches in the finder regex (compiled without flags)."""
    kind, source, _ = atom
    if kind == "char":
        return SET, builder.literal(source), 1, 1
    if kind == "class":
        return SET, builder.charset(source), 1, 1
    if kind == "repeat":
        base, low, high = repeat_parts(source)
        return REPEAT, builder.charset(base), low, high
    if atom == _BOUNDARY:
        return BOUNDARY, 0, 0, 0
    raise ValueError(f"no C edge for {atom!r}")


_KEY_CHARS = 3
_MAX_KEYS = 4096


class _Finder:
    """One prefix regex over some entries' beginnings, and the entries filed by first
    characters; it reads the lowered text (ignore-case entries) or the text (case-sensitive)."""

    def __init__(self, starts: dict[int, set], after_other: bool = False):
        # beginning -> the entries it begins, for those at word starts and the others
        word_prefixes: dict[tuple, set[int]] = {}
        other_prefixes: dict[tuple, set[int]] = {}
        self._always: set[int] = set()
        self._exact: list[dict[str, set[int]]] = [{} for _ in range(_KEY_CHARS + 1)]
        self._under: list[dict[str, set[int]]] = [{} for _ in range(_KEY_CHARS + 1)]
        self.indices = sorted(starts)
        for index, entry_starts in starts.items():
            for boundary, atoms in entry_starts:
                prefixes = word_prefixes if boundary and atoms[0][2] else other_prefixes
                prefixes.setdefault(atoms, set()).add(index)
                self._register(index, atoms)
        self._chosen: dict[str, tuple[int, ...]] = {}
        # When every beginning is at a word start, the finder takes the non-word character before
        # it: `re` then only tries the positions after one (the text is read behind a space).
        self.after_other = after_other and not other_prefixes
        self._prefixes = (set(word_prefixes), set(other_prefixes))
        # The same tries for the C walker, when built (see c_trie): one call lists every spot,
        # each with the entries whose beginnings match there.
        self._walker, self._word_trie, self._other_trie = _c_finder(word_prefixes, other_prefixes)
        if self._walker is None:
            self.regex  # noqa: B018 - compiled now, with the rubric, not at the first text

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The finder as one `re` search (the pure path; not compiled when C walks the trie)."""
        word_prefixes, other_prefixes = self._prefixes
        if self.after_other:
            return regex_cache.compile(rf"\W(?:{_prefix_regex(word_prefixes)})")
        alternatives = []
        if word_prefixes:
            alternatives.append(r"(?<!\w)" + _prefix_regex(word_prefixes))
        if other_prefixes:
            alternatives.append(_prefix_regex(other_prefixes))
        return regex_cache.compile("|".join(alternatives))

    @property
    def walks_in_c(self) -> bool:
        """Whether the C walker finds this finder's spots (see c_trie)."""
        return self._walker is not None and self._walker.trie is not None

    def _re_spots(self, seen: str) -> Iterator[int]:
        search = self.regex.search
        if not self.after_other:
            position = 0
            while position <= len(seen) and (hit := search(seen, position)) is not None:
                yield hit.start()
                position = hit.start() + 1
            return
        # Behind a space, a beginning at the very start of the text has a non-word character
        # before it too; a spot's index in ``padded`` is that of the character before it.
        padded = " " + seen
        position = 0
        while (hit := search(padded, position)) is not None:
            position = hit.start() + 1
            yield hit.start()

    def _register(self, index: int, atoms: tuple) -> None:
        """File the entry under every ASCII key its first characters can make."""
        keys = [""]
        for atom in atoms[:_KEY_CHARS]:
            chars = self._ascii_chars(atom)
            if not chars or len(keys) * len(chars) > _MAX_KEYS:
                break
            keys = [k + c for k in keys for c in chars]
        length = len(keys[0])
        if length == 0:
            self._always.add(index)
            return
        for key in keys:
            self._exact[length].setdefault(key, set()).add(index)
            for cut in range(length):
                self._under[length].setdefault(key[:cut], set()).add(index)

    @staticmethod
    @functools.cache
    def _ascii_chars(atom: Atom) -> frozenset[str] | None:
        """The ASCII characters an atom matches, or None when it is a repeat, an assertion or
        not ASCII."""
        if atom[0] in ("repeat", "assert") or (atom[0] == "char" and not atom[1].isascii()):
            return None
        regex = re.compile(_atom_source(atom))
        return frozenset(c for c in _ASCII if regex.match(c))

    def _choose(self, key: str) -> tuple[int, ...]:
        """Entries that may match where the text starts with ``key`` (ASCII, cut at the
        first other character or the end of the text)."""
        chosen = set(self._always)
        for length in range(1, _KEY_CHARS + 1):
            if length <= len(key):
                chosen |= self._exact[length].get(key[:length], set())
            else:
                chosen |= self._under[length].get(key, set())
        result = self._chosen[key] = tuple(sorted(chosen))
        return result

    def scan(self, seen: str, text: str, scan: PatternScan, last_end: list[int],
             found: list, prepared: Any = None, low: str | None = None) -> None:
        """Append the matches of the filed entries; the finder reads ``seen`` (or ``prepared``,
        the same for the C walker), the entries ``text``; ``low``: the lowered text, for the
        vetoes (``LexiconEntry.vetoed``), when there is one."""
        entries, compiled = scan.entries, scan.compiled
        for start, chosen in self._spots_with_entries(seen, prepared):
            if chosen is None:  # the C walker gave up listing them (a budget): by the key
                chosen = self._chosen_at(seen, start)
            for index in chosen:
                if last_end[index] > start:
                    continue
                other = compiled[index].match(text, start)
                if other is None:
                    continue
                end = other.end()
                entry = entries[index]
                if end > start and not entry.vetoed(text, start, end, low):
                    found.append((start, index, (start, end, entry)))
                    last_end[index] = end

    def _spots_with_entries(self, seen: str, prepared: Any
                            ) -> Iterable[tuple[int, tuple[int, ...] | None]]:
        """Each spot with the entries worth trying there: with the C walker, those with a
        beginning that matches there (None when it gave up listing them); else those filed
        under the text's first characters there."""
        walker = self._walker
        if walker is None or walker.trie is None:
            return ((start, self._chosen_at(seen, start)) for start in self._re_spots(seen))
        return walker.trie.spot_labels(seen if prepared is None else prepared, self._word_trie,
                                       self._other_trie)

    def _chosen_at(self, seen: str, start: int) -> tuple[int, ...]:
        key = seen[start : start + _KEY_CHARS]
        if not key.isascii():
            key = key[: next(i for i, c in enumerate(key) if not c.isascii())]
        chosen = self._chosen.get(key)
        return self._choose(key) if chosen is None else chosen


class PatternScan:
    """Finds the spots where some pattern may match with one pass of a prefix regex (two: one
    over the lowered text for the ignore-case patterns, one for the case-sensitive ones), then runs
    only the patterns whose first characters fit the text there."""

    def __init__(self, entries: Sequence[_Entry]):
        self.entries = entries
        self.compiled = [
            e.compiled or re.compile(e.pattern or "", 0 if e.case_sensitive else re.IGNORECASE)
            for e in entries
        ]
        self.alone: list[int] = []
        # (case-sensitive, all beginnings at word starts) -> {entry index: beginnings}
        groups: dict[tuple[bool, bool], dict[int, set]] = {}
        for index, entry in enumerate(entries):
            starts = pattern_starts(entry.pattern or "", entry.case_sensitive)
            if not starts:
                self.alone.append(index)
                continue
            words = all(boundary and atoms[0][2] for boundary, atoms in starts)
            # By the flags in force (a case-sensitive entry may still say `(?i)`).
            cased = not self.compiled[index].flags & re.IGNORECASE
            groups.setdefault((cased, words), {})[index] = starts
        # Each finder's entries are disjoint from the others', so each entry's matches still
        # come left to right (the overlap rule) and ``found`` is sorted at the end.
        self._lower_finders = [_Finder(g, w) for (c, w), g in sorted(groups.items()) if not c]
        self._cased_finders = [_Finder(g, w) for (c, w), g in sorted(groups.items()) if c]

    @property
    def walks_in_c(self) -> bool:
        """Whether a finder's spots are found by the C walker (see c_trie)."""
        return any(f.walks_in_c for f in (*self._lower_finders, *self._cased_finders))

    def matches(self, text: str, low: str | bool | None = True,
                prepared: tuple[Any, Any] = (None, None)) -> list[tuple[int, int, Any]]:
        """(start, end, entry) of every entry's matches, by position, then entry order.

        ``low`` is ``lowered(text)`` when the caller has it already (None: not lowerable);
        ``prepared``: the text and the lowered text for the C walker, when the caller has them.
        """
        if low is True:
            low = lowered(text)
        found: list[tuple[int, int, tuple[int, int, Any]]] = []
        entries, compiled = self.entries, self.compiled
        last_end = [-1] * len(entries)
        alone: Sequence[int] = self.alone
        if not isinstance(low, str):
            low = None
        for finder in self._cased_finders:
            finder.scan(text, text, self, last_end, found, prepared[0], low)
        if low is not None:
            for finder in self._lower_finders:
                finder.scan(low, text, self, last_end, found, prepared[1], low)
        elif self._lower_finders:  # they read lowered text: each of their patterns on its own
            alone = [*alone, *(i for f in self._lower_finders for i in f.indices)]
        for index in alone:
            entry, regex = entries[index], compiled[index]
            position = 0
            # ``re`` clamps a start past the end: without the bound, a pattern that matches empty
            # text at the end (validate refuses those, a caller may not) would loop forever.
            while position <= len(text) and (hit := regex.search(text, position)) is not None:
                start, end = hit.span()
                if end > start and not entry.vetoed(text, start, end, low):
                    found.append((start, index, (start, end, entry)))
                    position = end
                else:
                    position = start + 1
        found.sort(key=_BY_START_AND_ENTRY)
        return [match for _, _, match in found]
