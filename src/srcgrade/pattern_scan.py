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
the finders are then not compiled. ``SRCGRADE_PURE_SCAN=1`` keeps the ``re`` path. There, a
pattern that begins with a character its match cannot hold again (", the company said") is not
in a finder: a ``Gate`` lists the places where one of the words its matches hold follows close
enough, and only those are tried.

The matches are exactly those of searching each pattern on its own (each entry's leftmost,
non-overlapping, non-vetoed matches), in the same order; tests check this on real and random text
(``tests/test_pattern_scan.py``, ``tests/test_matcher_equivalence.py``). See
``benchmarks/README.md`` for the figures.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from re import _constants as _sre  # the parse tree of `re` itself, to read pattern beginnings
from re import _parser as _sre_parse
from typing import Any, NamedTuple, Protocol

from srcgrade import regex_cache, required
from srcgrade.c_trie import (
    BOUNDARY,
    REPEAT,
    SET,
    CTrie,
    CTrieBuilder,
    c_scanner,
    charsets,
    lower_function,
    repeat_parts,
)

Atom = tuple[str, str, bool]
"""(kind, regex source or character, only word characters); kind: char, class or repeat."""


class _Entry(Protocol):
    pattern: str | None
    case_sensitive: bool
    compiled: re.Pattern[str] | None

    def vetoed(self, text: str, start: int, end: int, low: str | None = None) -> bool: ...

# A beginning is followed for up to _LONG_ATOMS atoms (through optional groups, keeping `\b`,
# and through the turns of a bounded repeat of a group): the longer, the fewer false spots (a
# phrase pattern is often followed to its end). With too many alternatives (more than _CALLS
# steps) the repeats are followed for _UNROLLED_ATOMS (name_with_role: past the two words of a
# name to its comma), else a repeated group ends the beginning, at _LONG_ATOMS or _PREFIX_ATOMS.
_LONG_ATOMS = 12
_UNROLLED_ATOMS = 9
_PREFIX_ATOMS = 6
_CALLS = 2000
_BUDGETS = ((_CALLS, _LONG_ATOMS, True), (_CALLS, _UNROLLED_ATOMS, True),
            (_CALLS, _LONG_ATOMS, False), (_CALLS, _PREFIX_ATOMS, False))
"""[calls, most atoms, unroll] of ``_starts``, tried in turn until one is enough."""
_SHORT_BUDGETS = ((_CALLS, _PREFIX_ATOMS, False),)
_MOST_TURNS = 4
"""A repeated group is followed turn by turn up to this many turns ("one to three words"); a
longer one ("up to 160 characters of one sentence") would only multiply the beginnings."""
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

    ``budget`` is [calls left, most atoms, unroll]: a beginning stops growing at that many
    atoms; with ``unroll``, a bounded repeat of a group is followed turn by turn (else the
    beginning ends with its first turn). Past the first atom, assertions are left out (the
    finder then finds a superset of the spots) except ``\\b``, which is kept as an atom: a
    finite pattern is thus followed to its end, boundary included, and the finder only stops
    where its whole text is.
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
            # Verbose only changes how the source was read; ignore-case, how an ignore-case
            # pattern already reads (a veto list's "(?ix:...)", ``lexicon.any_of``).
            if drop & ~re.VERBOSE or add & ~(re.VERBOSE | (0 if case_sensitive else re.I)):
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
            if high == 0:  # what an unrolled repeat leaves when it has no more to give
                continue
            if low == 0 and high == 1:  # an optional group: with it, then the rest; or the rest
                _starts([*sub, *rest], boundary, atoms, case_sensitive, out, budget)
            elif budget[2] and high <= _MOST_TURNS and sub.getwidth()[0] > 0:
                # One turn, then the repeat with one turn less, then the rest: followed on to
                # what comes after ("Jane Doe" is not a spot of a name with a role; "Jane Doe,
                # a" is), until the beginning is long enough. A turn always consumes an atom.
                again = (op, (max(low - 1, 0), _less(high), sub))
                _starts([*sub, again, *rest], boundary, atoms, case_sensitive, out, budget)
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


def _less(high: int) -> int:
    """A repeat's upper bound after one turn (no bound stays none)."""
    return high if high == _sre.MAXREPEAT else high - 1


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
_lower = lower_function()


def lowered(text: str) -> str | None:
    """``text.lower()`` when it can stand in for ``text``, else None.

    Under re.IGNORECASE a character and its lowered form match alike (both literals and classes
    compare lowered characters; ``\\w``, ``\\s`` and ``\\d`` hold both or neither: a test checks
    every code point), so case-sensitive ASCII literals on the lowered text give what ignore-case
    ones give on the text, and ``re`` runs them much faster (it can skip alternatives by their
    first character).
    """
    low = _lower(text)  # text.lower()
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



def pattern_starts(pattern: str, case_sensitive: bool) -> set | None:
    """How the entry's matches can begin, or None when that cannot be worked out (kept in the
    on-disk store of ``regex_cache``: working it out parses the pattern in Python)."""
    key = f"starts:{regex_cache.source_digest(__file__)}:{int(case_sensitive)}:{pattern}"
    stored = regex_cache.recall(key)
    if isinstance(stored, dict):
        table = [(k, s, bool(w)) for k, s, w in stored["atoms"]]
        return {(bool(b), tuple(table[i] for i in atoms)) for b, *atoms in stored["starts"]}
    if stored == "unknown":
        return None
    starts = _work_out_starts(pattern, case_sensitive)
    regex_cache.keep(key, "unknown" if starts is None else _stored_starts(starts))
    return starts


def _stored_starts(starts: set) -> dict:
    """Beginnings for the store: each atom once, each beginning as [at a word boundary, atom
    numbers...] (a pattern's hundreds of beginnings share a few dozen atoms; stored whole, the
    bundled rubrics' took 2.7 MB of the store, which every start reads)."""
    numbers: dict[Atom, int] = {}
    rows = [[int(b), *(numbers.setdefault(atom, len(numbers)) for atom in atoms)]
            for b, atoms in sorted(starts)]
    return {"atoms": [list(atom) for atom in numbers], "starts": rows}


def _work_out_starts(pattern: str, case_sensitive: bool, budgets: tuple[tuple, ...] = _BUDGETS
                     ) -> set | None:
    try:
        parsed = _sre_parse.parse(pattern, 0 if case_sensitive else re.IGNORECASE)
        flags = parsed.state.flags
        if flags & (re.ASCII | re.LOCALE | re.DOTALL | re.MULTILINE):
            return None
        ci = bool(flags & re.IGNORECASE)
    except (re.error, RecursionError, ValueError):
        return None
    for budget in budgets:
        out: set = set()
        try:
            _starts(list(parsed), False, (), not ci, out, list(budget))
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


class _Filed(NamedTuple):
    """Entries by the ASCII keys their first characters can make (``_Finder._register``)."""

    always: set[int]  # no key: tried everywhere
    exact: list[dict[str, set[int]]]  # [length][key]: beginnings whose key is that long
    under: list[dict[str, set[int]]]  # [length][shorter key]: the same, by their shorter keys


class _Finder:
    """One prefix regex over some entries' beginnings, and the entries filed by first
    characters; it reads the lowered text (ignore-case entries) or the text (case-sensitive)."""

    def __init__(self, starts: dict[int, set], after_other: bool = False):
        # beginning -> the entries it begins, for those at word starts and the others
        word_prefixes: dict[tuple, set[int]] = {}
        other_prefixes: dict[tuple, set[int]] = {}
        self._starts = starts  # filed by their first characters when first needed (_filed)
        self.indices = sorted(starts)
        for index, entry_starts in starts.items():
            for boundary, atoms in entry_starts:
                prefixes = word_prefixes if boundary and atoms[0][2] else other_prefixes
                prefixes.setdefault(atoms, set()).add(index)
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

    @functools.cached_property
    def _filed(self) -> _Filed:
        """The entries filed by their first characters: read only where the C walker does not
        list a spot's entries (the pure path; a spot past its budget), so filed at the first
        such spot, not with the rubric (it was a third of building the core rubric's finders)."""
        filed = _Filed(set(), [{} for _ in range(_KEY_CHARS + 1)],
                       [{} for _ in range(_KEY_CHARS + 1)])
        for index, entry_starts in self._starts.items():
            for _boundary, atoms in entry_starts:
                self._register(filed, index, atoms)
        return filed

    def _register(self, filed: _Filed, index: int, atoms: tuple) -> None:
        """File the entry under every ASCII key its first characters can make."""
        keys = [""]
        for atom in atoms[:_KEY_CHARS]:
            chars = self._ascii_chars(atom)
            if not chars or len(keys) * len(chars) > _MAX_KEYS:
                break
            keys = [k + c for k in keys for c in chars]
        length = len(keys[0])
        if length == 0:
            filed.always.add(index)
            return
        for key in keys:
            filed.exact[length].setdefault(key, set()).add(index)
            for cut in range(length):
                filed.under[length].setdefault(key[:cut], set()).add(index)

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
        filed = self._filed
        chosen = set(filed.always)
        for length in range(1, _KEY_CHARS + 1):
            if length <= len(key):
                chosen |= filed.exact[length].get(key[:length], set())
            else:
                chosen |= filed.under[length].get(key, set())
        result = self._chosen[key] = tuple(sorted(chosen))
        return result

    def scan(self, seen: str, text: str, scan: PatternScan, last_end: list[int],
             found: list, prepared: Any = None, low: str | None = None) -> None:
        """Append the matches of the filed entries; the finder reads ``seen`` (or ``prepared``,
        the same for the C walker), the entries ``text``; ``low``: the lowered text, for the
        vetoes (``LexiconEntry.vetoed``), when there is one."""
        entries = scan.entries
        matchers = scan.matchers(low)
        for start, chosen in self._spots_with_entries(seen, prepared):
            if chosen is None:  # the C walker gave up listing them (a budget): by the key
                chosen = self._chosen_at(seen, start)
            for index in chosen:
                if last_end[index] > start:
                    continue
                match, on_low = matchers[index]
                other = match(low if on_low else text, start)
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


class SpotSearch:
    """``regex.search`` over a slice of a text, as a yes or no, trying ``regex`` only where one
    of its beginnings is: the vetoes (``LexiconEntry.vetoed``) are alternations of a few dozen
    phrases ending at ``$``, which ``re`` tries in turn at every position of the sentence read
    back (up to 100 microseconds a search); the prefix trie of their beginnings is one search
    that ``re`` runs quickly (the finders' own tricks, see ``_Finder``)."""

    def __init__(self, regex: re.Pattern[str], spots: str, padded: bool):
        self._regex = regex
        self._cased = not regex.flags & re.IGNORECASE
        self._spots = regex_cache.compile(spots)
        self._padded = padded

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> SpotSearch | None:
        """The search for ``regex`` (compiled with no flag but ignore-case), or None when its
        beginnings cannot be worked out. The spots' regex is kept in the on-disk store of
        ``regex_cache``, not the beginnings: a veto's tail of "up to four words" makes hundreds,
        to be read at every start."""
        cased = not regex.flags & re.IGNORECASE
        # The beginnings are read from the pattern with this one flag: others must be inline.
        if re.compile(regex.pattern, 0 if cased else re.IGNORECASE).flags != regex.flags:
            return None
        key = f"spots:{regex_cache.source_digest(__file__)}:{int(cased)}:{regex.pattern}"
        stored = regex_cache.remembered(key, lambda: _spots_source(regex.pattern, cased))
        if not isinstance(stored, list) or len(stored) != 2:
            return None
        return cls(regex, str(stored[0]), bool(stored[1]))

    def found(self, piece: str, low: str) -> bool:
        """Whether ``regex.search(piece)`` finds a match; ``low``: ``piece`` lowered
        (``lowered``: as long as ``piece``, read only by an ignore-case regex).

        Exact: a match at some position is a match of ``regex.match`` there, and every position
        where one can start is a spot (the same beginnings as the finders', read from the piece,
        so that ``(?<!\\w)`` sees its start as the start of a text)."""
        seen = piece if self._cased else low
        if self._padded:
            seen = " " + seen  # a spot's index there is that of the character before it
        search, match = self._spots.search, self._regex.match
        position = 0
        while (hit := search(seen, position)) is not None:
            spot = hit.start()
            if match(piece, spot):
                return True
            position = spot + 1
        return False


class BackSearch:
    """``regex.search(piece)`` as a yes or no for a regex all of whose alternatives end at ``$``
    (every ``unless_preceded_by`` veto: "not a ... $"), read from the end: the regex reversed
    (its parse tree turned around, look-behinds made look-aheads and back) is matched once, at
    the start of the piece reversed, instead of being tried at every place where it could begin
    (``SpotSearch``: a search for the places, then a try at each).

    Exact: ``$`` matches at the end of the piece or before a line break that ends it, so a match
    of the regex without its final ``$`` ends at one of those two places; the reversed regex
    matched at 0 or 1 of the reversed piece finds whether one does (``re`` backtracks through
    every way of matching, and without atomic groups or possessive repeats no way is cut off).
    A look-ahead in the regex reads what a look-behind reads in the reversed one, within the
    piece. A look-behind's width is fixed: a look-ahead whose width is not is left out where
    leaving it out can only add matches (not inside a negative look-around), and the search is
    then a filter, ``exact`` False: no match found means none, a match found means perhaps."""

    def __init__(self, reversed_regex: re.Pattern[str], exact: bool):
        self._match = reversed_regex.match
        self.exact = exact

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> BackSearch | None:
        """The search for ``regex``, or None when it cannot be read from the end. The reversed
        pattern is kept in the on-disk store of ``regex_cache``."""
        key = f"back:{regex_cache.source_digest(__file__)}:{regex.flags}:{regex.pattern}"
        stored = regex_cache.remembered(key, lambda: _back_source(regex))
        if not isinstance(stored, list) or len(stored) != 3:
            return None
        return cls(regex_cache.compile(str(stored[0]), int(stored[1])), bool(stored[2]))

    def found(self, piece: str) -> bool:
        """Whether ``regex.search(piece)`` finds a match (not ``exact``: whether it may)."""
        back = piece[::-1]
        return self._match(back) is not None or (
            back[:1] == "\n" and self._match(back, 1) is not None)


_BACK_FLAGS = re.IGNORECASE | re.UNICODE | re.DOTALL | re.VERBOSE | re.ASCII
"""Flags a reversed pattern can keep (``VERBOSE`` only shaped the source, now parsed)."""
_AT_BACK = {
    _sre.AT_BOUNDARY: r"\b", _sre.AT_NON_BOUNDARY: r"\B",
    _sre.AT_BEGINNING: r"\Z", _sre.AT_BEGINNING_STRING: r"\Z",
}


def _back_source(regex: re.Pattern[str]) -> list | None:
    """[the source of ``regex`` reversed, without the ``$`` that ends each of its alternatives,
    its flags, whether it is exact], or None when it has another ``$``, a construct whose
    reversal is not written here (atomic groups, possessive repeats, group references,
    conditionals, ``\\Z``) or a look-ahead of varying width inside a negative look-around."""
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        flags = parsed.state.flags
        if flags & ~_BACK_FLAGS:
            return None
        items = _without_end(list(parsed))
        if items is None:
            return None
        exact = [True]
        source = _back_sequence(items, False, exact)
        flags &= ~re.VERBOSE
        re.compile(source, flags)  # a look-behind of varying width is an error here
    except (_Unknown, re.error, RecursionError, OverflowError):
        return None
    return [source, flags, exact[0]]


def _without_end(items: list) -> list | None:
    """``items`` without the ``$`` that ends every one of its alternatives, or None when one
    does not end with it."""
    if not items:
        return None
    op, av = items[-1]
    if op is _sre.AT and av is _sre.AT_END:
        return items[:-1]
    if op is _sre.SUBPATTERN:
        inner = _without_end(list(av[3]))
        return None if inner is None else [*items[:-1], (op, (av[0], av[1], av[2], inner))]
    if op is _sre.BRANCH:
        alternatives = [_without_end(list(a)) for a in av[1]]
        if any(a is None for a in alternatives):
            return None
        return [*items[:-1], (op, (av[0], alternatives))]
    return None


def _back_sequence(items: list, negated: bool, exact: list[bool]) -> str:
    """``items`` reversed; ``negated``: inside an odd number of negative look-arounds;
    ``exact[0]`` is set False when a look-ahead is left out."""
    return "".join(_back_item(op, av, negated, exact) for op, av in reversed(items))


def _char(code: int) -> str:
    """One character as a pattern writes it, in or out of a class: ASCII letters and digits as
    they are, the others escaped."""
    if code < 0x80 and chr(code).isalnum():
        return chr(code)
    return f"\\x{code:02x}" if code < 0x100 else (
        f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def _back_item(op: Any, av: Any, negated: bool, exact: list[bool]) -> str:
    if op is _sre.LITERAL:
        return _char(av)
    if op is _sre.NOT_LITERAL:
        return f"[^{_char(av)}]"
    if op is _sre.ANY:
        return "."
    if op is _sre.IN:
        parts = []
        for o, v in av:
            if o is _sre.NEGATE:
                parts.append("^")
            elif o is _sre.LITERAL:
                parts.append(_char(v))
            elif o is _sre.RANGE:
                parts.append(f"{_char(v[0])}-{_char(v[1])}")
            elif o is _sre.CATEGORY and v in _CATEGORY_SOURCE:
                parts.append(_CATEGORY_SOURCE[v])
            else:
                raise _Unknown
        return f"[{''.join(parts)}]"
    if op is _sre.AT:
        if av not in _AT_BACK:
            raise _Unknown
        return _AT_BACK[av]
    if op is _sre.BRANCH:
        return "(?:" + "|".join(_back_sequence(list(a), negated, exact) for a in av[1]) + ")"
    if op is _sre.SUBPATTERN:
        _group, add, remove, body = av
        if (add | remove) & ~(re.IGNORECASE | re.VERBOSE):
            raise _Unknown
        add, remove = add & re.IGNORECASE, remove & re.IGNORECASE
        scoped = ("i" if add else "") + ("-i" if remove else "")
        return f"(?{scoped}:{_back_sequence(list(body), negated, exact)})"
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        low, high, body = av
        bound = f"{{{low},}}" if high is _sre.MAXREPEAT else f"{{{low},{high}}}"
        lazy = "?" if op is _sre.MIN_REPEAT else ""
        return f"(?:{_back_sequence(list(body), negated, exact)}){bound}{lazy}"
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        direction, body = av
        body = list(body)
        inner = negated != (op is _sre.ASSERT_NOT)
        if direction > 0:  # a look-ahead becomes a look-behind: its width must be fixed
            low, high = _sre_parse.SubPattern(_sre_parse.State(), body).getwidth()
            if low != high:
                if negated:  # left out, it would take matches away
                    raise _Unknown
                exact[0] = False
                return ""
        kind = ("(?<" if direction > 0 else "(?") + ("=" if op is _sre.ASSERT else "!")
        return f"{kind}{_back_sequence(body, inner, exact)})"
    raise _Unknown


def _spots_source(pattern: str, case_sensitive: bool) -> list | None:
    """[the regex of the places where a match can begin, whether it reads the text behind a
    space]: beginnings of ``_PREFIX_ATOMS`` atoms, all at word starts taking the non-word
    character before them (``_Finder.after_other``); None when they cannot be worked out."""
    starts = _work_out_starts(pattern, case_sensitive, _SHORT_BUDGETS)
    if not starts:
        return None
    word = {atoms for boundary, atoms in starts if boundary and atoms[0][2]}
    other = {atoms for boundary, atoms in starts if not (boundary and atoms[0][2])}
    if not other:
        return [rf"\W(?:{_prefix_regex(word)})", True]
    alternatives = [rf"(?<!\w){_prefix_regex(word)}"] if word else []
    return ["|".join([*alternatives, _prefix_regex(other)]), False]


def matching_regex(regex: re.Pattern[str]) -> tuple[re.Pattern[str], bool] | None:
    """``regex`` written to find the same matches with less work, and whether it reads the
    lowered text (``lowered``) instead of the text; None when it is not written here. The
    source is kept in the on-disk store of ``regex_cache``. Two rewrites, both exact:

    - **Ignore-case regexes read the lowered text, case-sensitive.** Under ``re.IGNORECASE``
      the C matcher lowers every character it compares (a call per character and per class
      test: most of ``re``'s time on a story that is not all ASCII) and cannot skip an
      alternative by its first literal. With its literals and classes lowered, the regex
      matches ``lowered(text)`` where the original matches ``text``: a lowered character is its
      own lower case, so it equals a lowered literal (or lies in a lowered class) exactly when
      the ignore-case regex compares it equal, and ``lowered`` keeps every character in its
      place and ``\\w``, ``\\s``, ``\\d`` as they were. Only literals and classes that are ASCII or
      hold no cased character beyond it are written (the ignore-case matcher also equates some
      letters that lowering does not, the micro sign with the Greek mu; those of ASCII letters
      are in the texts ``lowered`` refuses), and no ``(?-i:...)``.
    - **Repeats of one character made possessive** where nothing that can follow them begins
      with a character they take (``[\\w'-]+`` before ``\\s+``), as PCRE's auto-possessification
      does: a shorter run leaves one of its own characters next, which what follows cannot
      take, so giving characters back can only fail, and ``re`` tried each in turn (a name's
      ``[A-Z][a-z]+`` before a space, the words of ", the company said"). Not where what
      follows can match nothing before the end (the match could end earlier).
    """
    key = f"fast:{regex_cache.source_digest(__file__)}:{regex.flags}:{regex.pattern}"
    stored = regex_cache.remembered(key, lambda: _fast_source(regex))
    if not isinstance(stored, list) or len(stored) != 3:
        return None
    return regex_cache.compile(str(stored[0]), int(stored[1])), bool(stored[2])


_FAST_FLAGS = re.IGNORECASE | re.UNICODE | re.DOTALL | re.VERBOSE | re.MULTILINE
"""Flags a rewritten pattern can keep (``VERBOSE`` only shaped the source, now parsed)."""
_AT_SOURCE = {
    _sre.AT_BOUNDARY: r"\b", _sre.AT_NON_BOUNDARY: r"\B", _sre.AT_BEGINNING: "^",
    _sre.AT_BEGINNING_STRING: r"\A", _sre.AT_END: "$", _sre.AT_END_STRING: r"\Z",
}
_REPEATS = {_sre.MAX_REPEAT: "", _sre.MIN_REPEAT: "?", _sre.POSSESSIVE_REPEAT: "+"}
_ONE_CHAR = (_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY)


def _fast_source(regex: re.Pattern[str]) -> list | None:
    """[the rewritten source of ``regex``, its flags, whether it reads the lowered text], or
    None when it is not written here (see ``matching_regex``)."""
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        flags = parsed.state.flags
        if flags & ~_FAST_FLAGS or parsed.state.groups > 1:
            return None
        flags &= ~re.VERBOSE
        ignore_case = lower = bool(flags & re.IGNORECASE)
        try:
            source = _Writer(lower).sequence(list(parsed), ignore_case, _at_end)
            flags &= ~re.IGNORECASE
        except _Unknown:  # not lowered (a `(?-i:...)` inside): only the repeats
            if not lower:
                raise
            lower = False
            source = _Writer(lower).sequence(list(parsed), ignore_case, _at_end)
        re.compile(source, flags)
    except (_Unknown, re.error, RecursionError, OverflowError):
        return None
    return [source, flags, lower]


class _Chars(NamedTuple):
    """What characters a class may match, over-approximated: some named characters, and
    whether any word character (``\\w``), any space (``\\s``) or any other may be one."""

    named: frozenset[str] = frozenset()
    word: bool = False
    space: bool = False
    other: bool = False

    def __or__(self, more: _Chars) -> _Chars:  # type: ignore[override]  # a union
        return _Chars(self.named | more.named, self.word or more.word,
                      self.space or more.space, self.other or more.other)

    def disjoint(self, more: _Chars) -> bool:
        if (self.word and more.word) or (self.space and more.space) or (
                self.other and more.other):
            return False
        return not any(c in b.named or getattr(b, _char_kind(c))
                       for a, b in ((self, more), (more, self)) for c in a.named)


_ANY_CHAR = _Chars(word=True, space=True, other=True)
_NO_CHAR = _Chars()
_CATEGORY_CHARS = {
    _sre.CATEGORY_WORD: _Chars(word=True), _sre.CATEGORY_DIGIT: _Chars(word=True),
    _sre.CATEGORY_SPACE: _Chars(space=True),
}


def _at_end() -> tuple[_Chars, bool]:
    """What follows the end of a pattern or a look-around: nothing, so it matches empty."""
    return _NO_CHAR, True


_CHAR_RANGE = 64
"""A class range longer than this counts as any character (for ``_Chars``)."""


def _char_kind(char: str) -> str:
    return "word" if _WORD_CHAR(char) else ("space" if _SPACE_CHAR(char) else "other")


_WORD_CHAR = re.compile(r"\w").match
_SPACE_CHAR = re.compile(r"\s").match


def _literal_chars(code: int, ignore_case: bool) -> _Chars:
    char = chr(code)
    if not ignore_case or (char.lower() == char and char.upper() == char):
        return _Chars(frozenset(char))
    # A cased ASCII letter matches letters only (its own cases, and "\u017f", "\u0131", the
    # Kelvin sign): all word characters. Others are not worked out.
    return _Chars(word=True) if char.isascii() and char.isalpha() else _ANY_CHAR


def _item_chars(op: Any, av: Any, ignore_case: bool) -> _Chars:
    """The characters one single-character item can match (over-approximated)."""
    if op is _sre.LITERAL:
        return _literal_chars(av, ignore_case)
    if op is not _sre.IN:
        return _ANY_CHAR
    chars = _NO_CHAR
    for o, v in av:
        if o is _sre.LITERAL:
            chars |= _literal_chars(v, ignore_case)
        elif o is _sre.RANGE and v[1] - v[0] <= _CHAR_RANGE:
            for code in range(v[0], v[1] + 1):
                chars |= _literal_chars(code, ignore_case)
        elif o is _sre.CATEGORY and v in _CATEGORY_CHARS:
            chars |= _CATEGORY_CHARS[v]
        else:  # a negated class, another category, a long range
            return _ANY_CHAR
    return chars


Follow = Any
"""A function giving (the characters that can come first, whether it can match empty) for
what follows a place in a pattern, up to its end."""


def _first(items: list, index: int, ignore_case: bool, after: Follow) -> tuple[_Chars, bool]:
    """The characters ``items[index:]`` and then ``after`` can begin with (over-approximated),
    and whether they can match without taking one."""
    while index < len(items):
        op, av = items[index]
        if op in _ONE_CHAR:
            return _item_chars(op, av, ignore_case), False
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):  # they take nothing
            index += 1
            continue
        rest = functools.partial(_first, items, index + 1, ignore_case, after)
        if op is _sre.SUBPATTERN:
            return _first(list(av[3]), 0, _scoped_case(ignore_case, av[1], av[2]), rest)
        if op is _sre.ATOMIC_GROUP:
            return _first(list(av), 0, ignore_case, rest)
        if op is _sre.BRANCH:
            chars, empty = _NO_CHAR, False
            for branch in av[1]:
                more, can = _first(list(branch), 0, ignore_case, rest)
                chars, empty = chars | more, empty or can
            return chars, empty
        if op in _REPEATS:
            low, high, body = av
            if high == 0:
                index += 1
                continue
            chars, empty = _first(list(body), 0, ignore_case, rest)
            if low == 0:
                more, can = rest()
                return chars | more, empty or can
            return chars, empty
        return _ANY_CHAR, True  # a group reference
    return after()


def _scoped_case(ignore_case: bool, add: int, remove: int) -> bool:
    return bool((ignore_case or add & re.IGNORECASE) and not remove & re.IGNORECASE)


class _Writer:
    """Writes a parse tree back as a source (``matching_regex``): lowered when ``lower``."""

    def __init__(self, lower: bool):
        self.lower = lower

    def sequence(self, items: list, ignore_case: bool, after: Follow) -> str:
        parts = []
        for index, (op, av) in enumerate(items):
            rest = functools.partial(_first, items, index + 1, ignore_case, after)
            parts.append(self.item(op, av, ignore_case, rest))
        return "".join(parts)

    def code(self, code: int) -> int:
        """A literal's code, lowered when lowering: ASCII or not cased at all, else
        ``_Unknown``."""
        if not self.lower:
            return code
        char = chr(code)
        if code < 0x80:
            return ord(char.lower())
        if char.lower() != char or char.upper() != char:
            raise _Unknown
        return code

    def klass(self, items: list) -> str:
        codes: set[int] = set()
        parts = []
        for op, av in items:
            if op is _sre.NEGATE:
                parts.insert(0, "^")
            elif op is _sre.LITERAL:
                codes.add(self.code(av))
            elif op is _sre.RANGE:
                if self.lower and av[1] - av[0] > _LOW_RANGE:
                    raise _Unknown
                codes.update(map(self.code, range(av[0], av[1] + 1)) if self.lower
                             else range(av[0], av[1] + 1))
            elif op is _sre.CATEGORY and av in _CATEGORY_SOURCE:
                parts.append(_CATEGORY_SOURCE[av])
            else:
                raise _Unknown
        runs: list[list[int]] = []
        for code in sorted(codes):
            if runs and runs[-1][1] == code - 1:
                runs[-1][1] = code
            else:
                runs.append([code, code])
        parts.extend(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in runs)
        return f"[{''.join(parts)}]"

    def item(self, op: Any, av: Any, ignore_case: bool, rest: Follow) -> str:
        if op is _sre.LITERAL:
            return _char(self.code(av))
        if op is _sre.NOT_LITERAL:
            return f"[^{_char(self.code(av))}]"
        if op is _sre.ANY:
            return "."
        if op is _sre.IN:
            return self.klass(av)
        if op is _sre.AT:
            if av not in _AT_SOURCE:
                raise _Unknown
            return _AT_SOURCE[av]
        if op is _sre.BRANCH:
            return "(?:" + "|".join(self.sequence(list(a), ignore_case, rest)
                                    for a in av[1]) + ")"
        if op is _sre.SUBPATTERN:
            group, add, remove, body = av
            if group is not None or (add | remove) & ~(re.IGNORECASE | re.VERBOSE) or (
                    self.lower and remove & re.IGNORECASE):
                raise _Unknown
            inner = _scoped_case(ignore_case, add, remove)
            scoped = "" if self.lower else (
                ("i" if add & re.IGNORECASE else "") + ("-i" if remove & re.IGNORECASE else ""))
            return f"(?{scoped}:{self.sequence(list(body), inner, rest)})"
        if op in _REPEATS:
            low, high, body = av
            body = list(body)
            bound = f"{{{low},}}" if high is _sre.MAXREPEAT else f"{{{low},{high}}}"
            how = _REPEATS[op]
            if op is _sre.MAX_REPEAT and len(body) == 1 and body[0][0] in _ONE_CHAR:
                follows, empty = rest()
                if not empty and follows.disjoint(_item_chars(*body[0], ignore_case)):
                    how = "+"
                return f"(?:{self.item(*body[0], ignore_case, rest)}){bound}{how}"

            def again() -> tuple[_Chars, bool]:  # another turn, or what follows the repeat
                chars, _ = _first(body, 0, ignore_case, _at_end)
                more, empty = rest()
                return chars | more, empty

            return f"(?:{self.sequence(body, ignore_case, again)}){bound}{how}"
        if op is _sre.ATOMIC_GROUP:
            return f"(?>{self.sequence(list(av), ignore_case, rest)})"
        if op in (_sre.ASSERT, _sre.ASSERT_NOT):
            direction, body = av
            kind = ("(?" if direction > 0 else "(?<") + ("=" if op is _sre.ASSERT else "!")
            # A look-behind is written as it is: its repeats are fixed.
            return f"{kind}{self.sequence(list(body), ignore_case, _at_end)})"
        raise _Unknown


_LOW_RANGE = 0x3000
"""A class range longer than this is not lowered character by character: not written."""


_GATE_REACH = 1000
"""A gate (``Gate``) lets a pattern be tried where the run of characters after the spot is
this long, without looking for its words."""
_RUN_FLAGS = re.IGNORECASE | re.VERBOSE | re.UNICODE


class Gate:
    """Where a pattern is worth trying, from literal words one of which every match holds
    (``required.required_words``): a required-literal prefilter, as in RE2 and Hyperscan.

    Beside the words, a gate knows the characters a match can begin with (``first``) and those
    it can consume past its first (``run``), as code point ranges. A match at ``start`` lies
    within ``text[start:end]``, where ``end`` is where the run of ``run`` characters from
    ``start + 1`` stops, and one of the words occurs there in the lowered text; where none does,
    the pattern cannot match there.

    Only a pattern whose first character cannot occur again in its match gets one (``Gate.of``):
    the runs after two of its spots then never overlap, so listing the spots (``spots``) reads
    each character of a text about twice, and the entry needs no finder. ``hype.attributed_after``
    (", the company said", ", according to its maker") begins at a comma, but one of its words
    ("said", "according", ...) must come before the next comma, semicolon or quotation mark:
    3,429 tries over the HNR stories where its finder made 24,034. The test is in C
    (``_scan.Gate``); the pure path has no gates (in Python the test costs what the try does)."""

    def __init__(self, words: tuple[str, ...], run: tuple[int, ...], first: tuple[int, ...]):
        self.words, self.run, self.first = words, run, first
        scanner = c_scanner()
        made = None if scanner is None else scanner.Gate(run, first, words, _GATE_REACH)
        self.allows: Any = self.allows_here if made is None else made.allows
        self.spots: Any = self.spots_here if made is None else made.spots

    def __reduce__(self) -> tuple[type[Gate], tuple[tuple[str, ...], tuple[int, ...],
                                                   tuple[int, ...]]]:
        return Gate, (self.words, self.run, self.first)

    @functools.cached_property
    def _regexes(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        def klass(ranges: tuple[int, ...]) -> str:
            return "[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
                                 for lo, hi in zip(ranges[::2], ranges[1::2], strict=True)) + "]"

        return (re.compile(f"{klass(self.run)}*" if self.run else ""),
                re.compile(klass(self.first) if self.first else "(?!)"))

    def allows_here(self, text: str, low: str, start: int) -> bool:
        """``allows`` in Python (the reference the C test is compared with): whether one of
        the words occurs in ``low`` (``text`` lowered, as long) from ``start`` to the end of the
        run after it; True when the run is ``_GATE_REACH`` characters or longer."""
        if len(low) != len(text):
            return True
        first = start + 1
        end = self._regexes[0].match(text, first, first + _GATE_REACH).end()
        if end - first >= _GATE_REACH:
            return True
        return required.holds_any(low, self.words, start, end)

    def spots_here(self, text: str, low: str | None) -> list[int]:
        """``spots`` in Python: the positions of ``text`` holding a ``first`` character where
        the pattern is worth trying (``allows``); every one of them when ``low`` (the text
        lowered) is None."""
        starts = (hit.start() for hit in self._regexes[1].finditer(text))
        if low is None:
            return list(starts)
        return [start for start in starts if self.allows_here(text, low, start)]

    @classmethod
    def of(cls, regex: re.Pattern[str], starts: set) -> Gate | None:
        """The gate of ``regex``, whose beginnings are ``starts`` (``pattern_starts``), or None:
        no C scanner, no words every match holds, words its beginnings already spell (its
        finder reports a spot only where they are), a first character that may occur again in
        the match, or characters that cannot be worked out."""
        if c_scanner() is None:
            return None
        words = required.words_of(regex)
        if not words:
            return None
        ordered = tuple(sorted(words))
        if all(_spells(atoms, ordered) for _boundary, atoms in starts):
            return None
        key = f"gate:{regex_cache.source_digest(__file__)}:{regex.flags}:{regex.pattern}"
        stored = regex_cache.recall(key)
        if stored is None:
            ranges = _gate_ranges(regex)
            stored = "none" if ranges is None else [list(r) for r in ranges]
            regex_cache.keep(key, stored)
        if not isinstance(stored, list) or len(stored) != 2:
            return None
        run, first = (tuple(map(int, r)) for r in stored)
        return cls(ordered, run, first)


def _spells(atoms: tuple, words: tuple[str, ...]) -> bool:
    """Whether a beginning's literal characters in a row hold one of ``words``."""
    runs, run = [], ""
    for kind, source, _word in atoms:
        if kind == "char":
            run += source.lower()
        else:
            runs.append(run)
            run = ""
    runs.append(run)
    return any(word in piece for piece in runs for word in words)


def _gate_ranges(regex: re.Pattern[str]) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The code point ranges (``c_trie.charsets``) of the characters a match of ``regex`` can
    consume past its first, and of those it can begin with; None when they cannot be worked
    out, the pattern can match nothing, or its first character may be among the others (see
    ``Gate``)."""
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        if parsed.state.flags & ~_RUN_FLAGS:
            return None
        ci = bool(parsed.state.flags & re.IGNORECASE)
        later, _every = _run_sources(list(parsed), ci)
        first, empty = _first_sources(list(parsed), ci)
    except (_Unknown, re.error, RecursionError, ValueError, OverflowError):
        return None
    if empty or not first:
        return None
    run_source, first_source = "|".join(sorted(later)) or "(?!)", "|".join(sorted(first))
    # Most patterns begin with a letter and hold letters: told apart on the first 256 code
    # points, without working out the sets over all of them (about 0.2 s each).
    may_run, may_begin = re.compile(run_source).fullmatch, re.compile(first_source).fullmatch
    if any(may_run(char) and may_begin(char) for char in map(chr, range(256))):
        return None
    run, begin = charsets([run_source, first_source])
    return None if _overlap(run, begin) else (run, begin)


def _overlap(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether two sorted lists of code point ranges (lo, hi, lo, hi, ...) share a point."""
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i + 1] < b[j]:
            i += 2
        elif b[j + 1] < a[i]:
            j += 2
        else:
            return True
    return False


def _first_sources(items: list, ci: bool) -> tuple[set[str], bool]:
    """Regex sources of the characters a sequence of parse items can begin with, and whether it
    can match nothing."""
    first: set[str] = set()
    for op, av in items:
        item_first, empty = _item_first(op, av, ci)
        first |= item_first
        if not empty:
            return first, False
    return first, True


def _item_first(op: Any, av: Any, ci: bool) -> tuple[set[str], bool]:
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return set(), True
    if op is _sre.SUBPATTERN:
        return _first_sources(list(av[3]), _inner_ci(av, ci))
    if op is _sre.ATOMIC_GROUP:
        return _first_sources(list(av), ci)
    if op is _sre.BRANCH:
        first: set[str] = set()
        empty = False
        for alternative in av[1]:
            alt_first, alt_empty = _first_sources(list(alternative), ci)
            first |= alt_first
            empty = empty or alt_empty
        return first, empty
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        if high == 0:
            return set(), True
        first, empty = _first_sources(list(sub), ci)
        return first, empty or low == 0
    _later, every = _item_run(op, av, ci)  # one character
    return every, False


def _inner_ci(av: Any, ci: bool) -> bool:
    """Whether a group (a SUBPATTERN's arguments) reads ignore-case; other flags than those of
    ``_RUN_FLAGS`` are not read here."""
    _group, add, drop, _sub = av
    if (add | drop) & ~_RUN_FLAGS:
        raise _Unknown
    return (ci or bool(add & re.IGNORECASE)) and not drop & re.IGNORECASE


def _run_sources(items: list, ci: bool) -> tuple[set[str], set[str]]:
    """Regex sources of one character each: (those a sequence of parse items can consume at
    any but its first position, all it can consume). Assertions consume nothing; a repeat of
    more than one turn consumes anything of its item after its first character."""
    later: set[str] = set()
    every: set[str] = set()
    for op, av in items:
        item_later, item_every = _item_run(op, av, ci)
        later |= item_later
        if every:  # something may come before this item
            later |= item_every
        every |= item_every
    return later, every


def _item_run(op: Any, av: Any, ci: bool) -> tuple[set[str], set[str]]:
    if op is _sre.LITERAL:
        source = re.escape(chr(av))
        return set(), {f"(?i:{source})" if ci else source}
    if op is _sre.NOT_LITERAL:
        source = f"[^{re.escape(chr(av))}]"
        return set(), {f"(?i:{source})" if ci else source}
    if op is _sre.IN:
        return set(), {_class_atom(av, not ci)[1]}
    if op is _sre.ANY:
        return set(), {"."}
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return set(), set()
    if op is _sre.SUBPATTERN:
        return _run_sources(list(av[3]), _inner_ci(av, ci))
    if op is _sre.ATOMIC_GROUP:
        return _run_sources(list(av), ci)
    if op is _sre.BRANCH:
        later: set[str] = set()
        every: set[str] = set()
        for alternative in av[1]:
            alt_later, alt_every = _run_sources(list(alternative), ci)
            later |= alt_later
            every |= alt_every
        return later, every
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        _low, high, sub = av
        if high == 0:
            return set(), set()
        later, every = _run_sources(list(sub), ci)
        return (later | every if high > 1 else later), every
    raise _Unknown  # a back reference, a conditional: what it consumes is not read here


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
        # Each entry's `match` and whether it reads the lowered text, as rewritten
        # (``matching_regex``), and as read on the text when a text cannot be lowered.
        fast = [matching_regex(regex) for regex in self.compiled]
        self._on_low = [(plain.match, False) if written is None else (written[0].match,
                                                                       written[1])
                        for written, plain in zip(fast, self.compiled, strict=True)]
        self._on_text = [(plain.match, False) if written is None or written[1] else
                         (written[0].match, False)
                         for written, plain in zip(fast, self.compiled, strict=True)]
        self.alone: list[int] = []
        self.gated: list[tuple[int, Gate]] = []
        """Entries tried only where their ``Gate`` lists a spot, not by a finder."""
        # (case-sensitive, all beginnings at word starts) -> {entry index: beginnings}
        groups: dict[tuple[bool, bool], dict[int, set]] = {}
        for index, entry in enumerate(entries):
            starts = pattern_starts(entry.pattern or "", entry.case_sensitive)
            if not starts:
                self.alone.append(index)
                continue
            gate = Gate.of(self.compiled[index], starts)
            if gate is not None:
                self.gated.append((index, gate))
                continue
            words = all(boundary and atoms[0][2] for boundary, atoms in starts)
            # By the flags in force (a case-sensitive entry may still say `(?i)`).
            cased = not self.compiled[index].flags & re.IGNORECASE
            groups.setdefault((cased, words), {})[index] = starts
        # Each finder's entries are disjoint from the others', so each entry's matches still
        # come left to right (the overlap rule) and ``found`` is sorted at the end.
        self._lower_finders = [_Finder(g, w) for (c, w), g in sorted(groups.items()) if not c]
        self._cased_finders = [_Finder(g, w) for (c, w), g in sorted(groups.items()) if c]

    def matchers(self, low: str | None) -> list[tuple[Any, bool]]:
        """(``match``, whether it reads ``low``) per entry: on the lowered text where it can be
        read there (``matching_regex``), on the text when ``low`` is None."""
        return self._on_text if low is None else self._on_low

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
        matchers = self.matchers(low)
        for index, gate in self.gated:
            entry, (match, on_low) = entries[index], matchers[index]
            seen = low if on_low else text
            end = -1
            for start in gate.spots(text, low):  # as a finder's spots (see _Finder.scan)
                if end > start or (hit := match(seen, start)) is None:
                    continue
                if hit.end() > start and not entry.vetoed(text, start, hit.end(), low):
                    end = hit.end()
                    found.append((start, index, (start, end, entry)))
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
