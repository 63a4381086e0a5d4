"""Scanning text for many lexicon patterns at once, fast, with the results of scanning one by one.

A combined alternation of all patterns makes ``re`` try every alternative at every position of the
text (patterns start with ``\\b``, so ``re`` cannot skip ahead): about 9 microseconds per character
with 90 patterns. Here each pattern's possible beginnings are read from its parse tree (the literal
characters, classes and single-character repeats it must consume first, and whether it starts at a
word boundary). One finder regex made of those prefixes (a trie; ``(?<!\\w)`` for word starts) finds
the only positions where some pattern can match; there, only the patterns filed under the first
three characters of the text are run. A pattern whose beginning cannot be worked out is searched
on its own. The matches are exactly those of searching each pattern on its own (each
entry's leftmost, non-overlapping, non-vetoed matches), in the same order; a test checks this on
real and random text. See ``benchmarks/README.md`` for the figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as _sre  # the parse tree of `re` itself, to read pattern beginnings
from re import _parser as _sre_parse
from typing import Any, Protocol

Atom = tuple[str, str, bool]
"""(kind, regex source or character, only word characters); kind: char, class or repeat."""


class _Entry(Protocol):
    pattern: str | None
    case_sensitive: bool
    compiled: re.Pattern[str] | None

    def vetoed(self, text: str, start: int, end: int) -> bool: ...

_PREFIX_ATOMS = 6
_CATEGORY_SOURCE = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
}
_WORD_CATEGORIES = {_sre.CATEGORY_DIGIT, _sre.CATEGORY_WORD}
_SMALL_CLASS = 8
_STOP = (None, None)
_ASCII = [chr(c) for c in range(128)]


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
    return ("class", source if case_sensitive else f"(?i:{source})", word)


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
    """Every way a match can begin: (starts at \\b, the first atoms it consumes)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Unknown

    def emit() -> None:
        if not atoms:
            raise _Unknown  # nothing consumed yet: the match could start with anything
        out.add((boundary, atoms))

    for index, (op, av) in enumerate(seq):
        rest = seq[index + 1:]
        if len(atoms) >= _PREFIX_ATOMS or (op, av) == _STOP:
            return emit()
        if op is _sre.AT or op in (_sre.ASSERT, _sre.ASSERT_NOT):
            if atoms:
                return emit()
            boundary = boundary or (op is _sre.AT and av is _sre.AT_BOUNDARY)
            continue
        if op is _sre.SUBPATTERN:
            _group, add, drop, sub = av
            if add or drop:
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
                    source = f"(?:{_atom_source(single)}){{{low},{upper}}}"
                    atoms = (*atoms, ("repeat", source, False))
                continue
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
    """A literal as an atom of the case-sensitive finder: ``[kK\u212a]`` for an ignore-case k."""
    if case_sensitive:
        return ("char", char, _is_word(char))
    if not char.isascii():
        return ("class", f"(?i:{re.escape(char)})", _is_word(char))
    probe = re.compile(re.escape(char), re.IGNORECASE)
    same = sorted(c for c in (*_ASCII, *_FOLDS_TO_ASCII) if probe.match(c))
    if same == [char]:
        return ("char", char, _is_word(char))
    return ("class", "[" + "".join(same) + "]", _is_word(char))


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


def pattern_starts(pattern: str, case_sensitive: bool) -> set | None:
    """How the entry's matches can begin, or None when that cannot be worked out."""
    try:
        parsed = _sre_parse.parse(pattern, 0 if case_sensitive else re.IGNORECASE)
        flags = parsed.state.flags
        if flags & (re.ASCII | re.LOCALE | re.DOTALL | re.MULTILINE):
            return None
        ci = bool(flags & re.IGNORECASE)
        out: set = set()
        _starts(list(parsed), False, (), not ci, out, [400])
    except (_Unknown, re.error, RecursionError, ValueError):
        return None
    return out


def _atom_source(atom: Atom) -> str:
    return re.escape(atom[1]) if atom[0] == "char" else atom[1]


def _prefix_regex(prefixes: set[tuple]) -> str:
    trie: dict = {}
    for atoms in prefixes:
        node = trie
        for atom in atoms:
            if None in node:
                break  # a shorter prefix already finds this spot
            node = node.setdefault(atom, {})
        else:
            node.clear()
            node[None] = {}

    def walk(node: dict) -> str:
        if None in node:
            return ""
        branches = [_atom_source(a) + walk(child) for a, child in sorted(node.items(), key=repr)]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return walk(trie)


_KEY_CHARS = 3
_MAX_KEYS = 4096


class PatternScan:
    """Finds the spots where some pattern may match with one pass of a prefix regex, then runs
    only the patterns whose first characters fit the text there."""

    def __init__(self, entries: Sequence[_Entry]):
        self.entries = entries
        self.compiled = [
            e.compiled or re.compile(e.pattern or "", 0 if e.case_sensitive else re.IGNORECASE)
            for e in entries
        ]
        word_prefixes: set = set()
        other_prefixes: set = set()
        self.alone: list[int] = []
        self._always: set[int] = set()
        self._exact: list[dict[str, set[int]]] = [{} for _ in range(_KEY_CHARS + 1)]
        self._under: list[dict[str, set[int]]] = [{} for _ in range(_KEY_CHARS + 1)]
        for index, entry in enumerate(entries):
            starts = pattern_starts(entry.pattern or "", entry.case_sensitive)
            if not starts:
                self.alone.append(index)
                continue
            for boundary, atoms in starts:
                (word_prefixes if boundary and atoms[0][2] else other_prefixes).add(atoms)
                self._register(index, atoms, entry)
        self._chosen: dict[str, tuple[int, ...]] = {}
        alternatives = []
        if word_prefixes:
            alternatives.append(r"(?<!\w)" + _prefix_regex(word_prefixes))
        if other_prefixes:
            alternatives.append(_prefix_regex(other_prefixes))
        self.finder = re.compile("|".join(alternatives)) if alternatives else None

    def _register(self, index: int, atoms: tuple, entry: _Entry) -> None:
        """File the entry under every lower-case ASCII key its first characters can make."""
        keys = [""]
        for atom in atoms[:_KEY_CHARS]:
            chars = self._ascii_chars(atom, entry)
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
    def _ascii_chars(atom: Atom, entry: _Entry) -> set[str] | None:
        """The ASCII characters an atom matches, or None when it is a repeat or not ASCII."""
        if atom[0] == "repeat" or (atom[0] == "char" and not atom[1].isascii()):
            return None
        regex = re.compile(_atom_source(atom))
        return {c for c in _ASCII if regex.match(c)}

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

    def matches(self, text: str) -> list[tuple[int, int, Any]]:
        """(start, end, entry) of every entry's matches, by position, then entry order."""
        found: list[tuple[int, int, tuple[int, int, Any]]] = []
        entries, compiled = self.entries, self.compiled
        last_end = [-1] * len(entries)
        if self.finder is not None:
            memo, choose = self._chosen, self._choose
            position = 0
            search = self.finder.search
            while (hit := search(text, position)) is not None:
                start = hit.start()
                key = text[start : start + _KEY_CHARS]
                if not key.isascii():
                    key = key[: next(i for i, c in enumerate(key) if not c.isascii())]
                chosen = memo.get(key)
                if chosen is None:
                    chosen = choose(key)
                for index in chosen:
                    if last_end[index] > start:
                        continue
                    other = compiled[index].match(text, start)
                    if other is None:
                        continue
                    end = other.end()
                    entry = entries[index]
                    if end > start and not entry.vetoed(text, start, end):
                        found.append((start, index, (start, end, entry)))
                        last_end[index] = end
                position = start + 1
        for index in self.alone:
            entry, regex = entries[index], compiled[index]
            position = 0
            while (hit := regex.search(text, position)) is not None:
                start, end = hit.span()
                if end > start and not entry.vetoed(text, start, end):
                    found.append((start, index, (start, end, entry)))
                    position = end
                else:
                    position = start + 1
        found.sort(key=lambda item: (item[0], item[1]))
        return [match for _, _, match in found]
