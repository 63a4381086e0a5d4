"""Catastrophic backtracking: whether a lexicon regex can take exponential time on some text.

Python's ``re`` backtracks, has no time limit and cannot be interrupted in practice: a pattern
such as ``(?:\\w+\\s?)+$`` takes minutes on a few dozen letters that do not end as it wants,
because each letter can be matched by the inner repeat or by a new round of the outer one, and
every way is tried. A user's edit of ``ratings/lexicons/*.yaml`` must not hang scoring, so
``lexicon.load_lexicon`` refuses such a regex (``dangerous``) as it refuses one that does not
compile.

The check is the exact criterion for exponential backtracking (an NFA with "exponential degree of
ambiguity": Weideman, van der Merwe, Berglund and Watson, "Analyzing matching time behavior of
backtracking regular expression matchers by using ambiguity of NFA", CIAA 2016), on an automaton
built from ``re``'s own parse tree: some state can return to itself on one string by two
different paths, so ``n`` repetitions of that string can be matched in ``2**n`` ways, all tried
when what follows fails. Nested repeats alone are not enough: ``(?:\\w+ ){0,3}`` and
``(?:[A-Z]\\w+\\s)+`` are safe, since a space must close each round, and are not reported (a plain
"star height" check would report 98 of the bundled entries).

A counted repeat is the same danger to a lesser power: ``(?:\\w+\\s?){4}$`` took over 20 s on
200 letters, as the run can be cut into four rounds in about ``200**4 / 24`` ways. A counted
repeat of ``_ROUNDS`` rounds or more is reported when a repeat inside one round (``\\w+``) can
read a string and come back to where it was, and the same string can also carry it into the next
round (``split_between_rounds``); ``(?:[\\w'-]+\\s+){0,4}``, whose rounds end at a space that
``[\\w'-]+`` cannot read, is not. Polynomial time from two repeats side by side (``\\w*\\w*x``,
the square of a run) is not reported: most regexes that read two words have it, mildly.

What ``re`` does that the automaton reads as:

- Anchors, ``\\b`` and lookarounds match no character: they are read as always passing (so the
  check may report a regex that a ``\\b`` makes safe; never the other way), and a lookaround's
  own regex is checked on its own.
- An atomic group ``(?>...)`` or a possessive repeat (``x++``, ``x*+``, ``x?+``, ``x{m,n}+``;
  Python 3.11) is never backtracked into: it is read as one step, and its inside is checked on
  its own. That is the fix the message proposes.
- A counted repeat ``{m,n}`` is written out ``n`` times up to ``_COPIES`` rounds (shared with the
  counted repeats around it: ``(?:(?:a|b){0,10}){0,10}`` is a hundred); a larger one is read as
  unbounded.
- Character sets are compared on a sample alphabet: every character the regex names, the ends of
  its ranges and their neighbours, ASCII and a few letters, digits and spaces from elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from re import _constants as _sre_c
from re import _parser as _sre_parse
from typing import Any

from srcgrade import regex_cache

_COPIES = 10
"""Counted repeats up to this many rounds are written out; above, read as unbounded."""
_ROUNDS = 3
"""A counted repeat of this many rounds or more whose rounds can split one run of characters
between them in many ways takes time of the order of the run's length to that power (``(?:\\w+
\\s?){4}`` takes over 20 s on 200 letters): reported too."""
_MOST_PAIRS = 20_000
"""Past this many pairs of positions the automaton is not checked further: its repeat is
reported as one too tangled to check (no bundled regex comes near: at most 108)."""
_MOST_POSITIONS = 4000
"""Past this many character steps the regex is read with every counted repeat unbounded."""
_SAMPLES = "".join(map(chr, range(128))) + (
    "\u00a0\u00e9\u00c9\u00df\u00b2\u00bd\u0131\u0130\u017f\u212a\u2010\u2011\u2013\u2014"
    "\u2019\u201c\u201d\u00ab\u00bb\u2003\u2028\u0663\u0410\u0430\u03a9\u4e00\ufb01"
)
_LOOKAROUND = (_sre_c.ASSERT, _sre_c.ASSERT_NOT)
_REPEATS = (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT)
_POSSESSIVE = getattr(_sre_c, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(_sre_c, "ATOMIC_GROUP", None)
_CATEGORIES = {
    _sre_c.CATEGORY_DIGIT: str.isdecimal,
    _sre_c.CATEGORY_SPACE: str.isspace,
    _sre_c.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
}
_NOT_CATEGORIES = {
    _sre_c.CATEGORY_NOT_DIGIT: _sre_c.CATEGORY_DIGIT,
    _sre_c.CATEGORY_NOT_SPACE: _sre_c.CATEGORY_SPACE,
    _sre_c.CATEGORY_NOT_WORD: _sre_c.CATEGORY_WORD,
}


class _TooBig(Exception):
    pass


class _Tangled(Exception):
    pass


_TANGLED = ("a long text (its repeat holds alternatives that overlap too much to be checked: "
            "write it as several entries, or make the alternatives start differently)")


_MAY_NEST = re.compile(r"\)(?:\s|#[^\n]*\n)*(?:[*+]|\{[\d,]+\})")
"""A group repeated without a small bound (``)+``, ``)*``, ``){2,}``, ``){0,12}``): a regex
without one has no nested repeat that could loop, and is not parsed (most lexicon regexes)."""


@functools.lru_cache(maxsize=4096)
def dangerous(pattern: str, flags: int = 0) -> str | None:
    """How long ``pattern`` can take, and on what ("exponential time on a long run of 'a'"), or
    None when it cannot take exponential or high polynomial time. A pattern that does not parse
    is None: compiling it reports that."""
    if not _MAY_NEST.search(pattern):
        return None
    try:
        tree = _sre_parse.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    for copies in (_COPIES, 1):
        try:
            loops = _loops(list(tree), flags, copies)
            if not loops:
                return None
            return _check(loops, _Alphabet([item for item, _, _ in loops]), copies)
        except _TooBig:
            continue
        except RecursionError:  # pragma: no cover - nesting deeper than re itself allows
            return None
    return None  # pragma: no cover - with one copy the automaton is never too big


def _check(pending: list, alphabet: _Alphabet, copies: int) -> str | None:
    """Each loop (an outermost repeat without a small bound, whose body is more than one
    character) checked as an automaton of its own: a cycle never leaves its loop. Each counted
    repeat of 3 rounds or more is checked too, read as a loop, for a run that a repeat inside
    one round can read and that can also be split between rounds."""
    while pending:
        item, item_flags, counted = pending.pop()
        nfa = _Nfa(alphabet, copies)
        nfa.item(*item, nfa.node(), item_flags, copies, counted)
        if counted:
            found = nfa.split_between_rounds()
            if found:
                return f"time of the order of the {_nth(item[1][1])} power of the length of {found}"
        else:
            found = nfa.exponential()
            if found:
                return f"exponential time on {found}"
        for inner, inner_flags in nfa.apart:
            pending.extend(_loops(inner, inner_flags, copies))
    return None


def _nth(number: int) -> str:
    return f"{number}{'rd' if number % 10 == 3 and number % 100 != 13 else 'th'}"


def _loops(items: Any, flags: int, copies: int) -> list[tuple[tuple[Any, Any], int, bool]]:
    """The loops to check (repeat, flags, whether it is a counted repeat read as a loop).
    ``copies``: how many rounds of the counted repeats around ``items`` may be written out, so
    that ``(?:(?:a|b){0,10}){0,10}`` (a hundred rounds) reads as a loop."""
    found = []
    for op, av in items:
        if op in _REPEATS:
            most, body = av[1], av[2]
            if most == _sre_c.MAXREPEAT or most > copies:
                if not _one_character(body):
                    found.append(((op, av), flags, False))
            else:
                if most >= _ROUNDS and not _one_character(body):
                    found.append(((op, av), flags, True))
                found.extend(_loops(body, flags, copies // max(most, 1)))
        elif op == _sre_c.SUBPATTERN:
            found.extend(_loops(av[3], (flags | av[1]) & ~av[2], copies))
        elif op == _sre_c.BRANCH:
            for branch in av[1]:
                found.extend(_loops(branch, flags, copies))
        elif op in _LOOKAROUND:
            found.extend(_loops(av[1], flags, copies))
        elif op == _ATOMIC:
            found.extend(_loops(av, flags, copies))
        elif op == _POSSESSIVE:  # never backtracked into: only loops inside its body matter
            found.extend(_loops(av[2], flags, copies))
        elif op == _sre_c.GROUPREF_EXISTS:
            found.extend(_loops(av[1], flags, copies))
            found.extend(_loops(av[2] or [], flags, copies))
    return found


def _one_character(items: Any) -> bool:
    """Whether ``items`` is one character (a literal, a class, ``.``), maybe in a group."""
    items = list(items)
    while len(items) == 1 and items[0][0] == _sre_c.SUBPATTERN:
        items = list(items[0][1][3])
    return len(items) == 1 and items[0][0] in (
        _sre_c.LITERAL, _sre_c.NOT_LITERAL, _sre_c.IN, _sre_c.ANY)


class _Alphabet:
    """The sample characters: ``_SAMPLES`` and every character the regex names, the ends of
    its ranges and their neighbours, in both cases; a set of them is a bit mask."""

    def __init__(self, tree: Any):
        seen: set[int] = set()
        self._walk(tree, seen)
        chars = set(_SAMPLES)
        for code in seen:
            if 0 <= code <= sys.maxunicode:
                char = chr(code)
                chars.update(v for v in (char, char.lower(), char.upper()) if len(v) == 1)
        self.chars = "".join(sorted(chars))
        self.index = {char: i for i, char in enumerate(self.chars)}
        self.full = (1 << len(self.chars)) - 1
        self.cased: dict[str, int] = {}
        for index, char in enumerate(self.chars):
            for variant in {char, char.lower(), char.upper(), char.casefold()}:
                self.cased[variant] = self.cased.get(variant, 0) | 1 << index
        self.masks: dict[tuple, int] = {}

    def _walk(self, items: Any, seen: set[int]) -> None:
        for op, av in items:
            if op in (_sre_c.LITERAL, _sre_c.NOT_LITERAL):
                seen.add(av)
            elif op == _sre_c.RANGE:
                seen.update((av[0], av[1], av[0] - 1, av[1] + 1))
            elif op == _sre_c.IN:
                self._walk(av, seen)
            elif op == _sre_c.BRANCH:
                for branch in av[1]:
                    self._walk(branch, seen)
            elif op in _REPEATS or op == _POSSESSIVE:
                self._walk(av[2], seen)
            elif op == _sre_c.SUBPATTERN:
                self._walk(av[3], seen)
            elif op in _LOOKAROUND:
                self._walk(av[1], seen)
            elif op == _ATOMIC:
                self._walk(av, seen)
            elif op == _sre_c.GROUPREF_EXISTS:
                self._walk(av[1], seen)
                self._walk(av[2] or [], seen)

    def mask(self, op: Any, av: Any, flags: int) -> int:
        """The sample characters one character step matches."""
        ignore = flags & re.IGNORECASE
        if op == _sre_c.LITERAL:
            char = chr(av)
            if not ignore:
                return 1 << self.index[char] if char in self.index else 0
            return self.cased.get(char, 0) | self.cased.get(char.lower(), 0)
        key = (op, repr(av), flags & (re.IGNORECASE | re.DOTALL))
        known = self.masks.get(key)
        if known is None:
            test = _member(op, av, flags)
            known = self.masks[key] = sum(
                1 << i for i, char in enumerate(self.chars) if test(char))
        return known


class _Nfa:
    """A Thompson automaton: character edges (a set of sample characters as a bit mask) and
    empty edges between numbered nodes; each character edge is a "position"."""

    def __init__(self, alphabet: _Alphabet, copies: int):
        self.alphabet = alphabet
        self.copies = copies
        self.empty: list[list[int]] = []
        self.steps: list[tuple[int, int, int]] = []  # (from node, mask, to node)
        self.apart: list[tuple[list, int]] = []  # regexes checked on their own
        self.rounds: set[tuple[int, int]] = set()  # the empty edge from one round to the next

    def node(self) -> int:
        if len(self.empty) >= 8 * _MOST_POSITIONS and self.copies > 1:
            raise _TooBig
        self.empty.append([])
        return len(self.empty) - 1

    def link(self, a: int, b: int) -> None:
        self.empty[a].append(b)

    def step(self, a: int, mask: int) -> int:
        if len(self.steps) >= _MOST_POSITIONS and self.copies > 1:
            raise _TooBig
        b = self.node()
        self.steps.append((a, mask, b))
        return b

    def sequence(self, items: Any, at: int, flags: int, budget: int) -> int:
        for op, av in items:
            at = self.item(op, av, at, flags, budget)
        return at

    def item(self, op: Any, av: Any, at: int, flags: int, budget: int,
             as_loop: bool = False) -> int:
        if op in (_sre_c.LITERAL, _sre_c.NOT_LITERAL, _sre_c.IN, _sre_c.ANY):
            return self.step(at, self.alphabet.mask(op, av, flags))
        if op == _sre_c.SUBPATTERN:
            group_flags = (flags | av[1]) & ~av[2]
            return self.sequence(av[3], at, group_flags, budget)
        if op == _sre_c.BRANCH:
            end = self.node()
            words = [branch for branch in av[1]
                     if branch and all(op == _sre_c.LITERAL for op, _ in branch)]
            spelt = [tuple(self.alphabet.mask(op, c, flags) for op, c in word) for word in words]
            if len(set(spelt)) == len(spelt) > 1:
                # A list of words as a trie: the same paths for each text, far fewer positions.
                trie: dict[tuple[int, int], int] = {}
                start = self._fresh(at)
                for word in spelt:
                    node = start
                    for mask in word:
                        child = trie.get((node, mask))
                        if child is None:
                            child = trie[node, mask] = self.step(node, mask)
                        node = child
                    self.link(node, end)
                rest = [branch for branch in av[1] if branch not in words]
            else:
                rest = av[1]
            for branch in rest:
                self.link(self.sequence(branch, self._fresh(at), flags, budget), end)
            return end
        if op == _sre_c.GROUPREF_EXISTS:
            end = self.node()
            self.link(self.sequence(av[1], self._fresh(at), flags, budget), end)
            self.link(self.sequence(av[2] or [], self._fresh(at), flags, budget), end)
            return end
        if op in _REPEATS:
            return self.repeat(av, at, flags, budget, as_loop)
        if op in _LOOKAROUND:
            self.apart.append((list(av[1]), flags))
            return at
        if op in (_ATOMIC, _POSSESSIVE):
            # One step, never backtracked into; its inside is checked on its own.
            inside = list(av) if op == _ATOMIC else [(_sre_c.MAX_REPEAT, av)]
            self.apart.append((list(av) if op == _ATOMIC else list(av[2]), flags))
            probe = _Nfa(self.alphabet, 1)
            probe.sequence(inside, probe.node(), flags, 1)
            mask = 0
            for _, step_mask, _ in probe.steps:
                mask |= step_mask
            end = self.step(at, mask) if mask else at
            if mask and _sre_parse.SubPattern(_sre_parse.State(), inside).getwidth()[0] == 0:
                self.link(at, end)
            return end
        if op == _sre_c.GROUPREF:
            return self.step(at, self.alphabet.full)
        return at  # AT (anchors, \b) and anything else that matches no character

    def _fresh(self, at: int) -> int:
        start = self.node()
        self.link(at, start)
        return start

    def repeat(self, av: Any, at: int, flags: int, budget: int, as_loop: bool = False) -> int:
        """A repeat: written out when counted and small (``budget`` rounds at most, shared by the
        counted repeats around it), else a loop; ``as_loop``: a loop whose edge back to the
        next round is kept in ``rounds`` (``split_between_rounds``)."""
        least, most, body = av
        if as_loop:
            loop = self.node()
            self.link(at, loop)
            back = self.sequence(body, self._fresh(loop), flags, budget // max(1, most))
            self.link(back, loop)
            self.rounds.add((back, loop))
            end = self.node()
            self.link(loop, end)
            return end
        unbounded = most == _sre_c.MAXREPEAT or most > budget
        inner = budget // max(1, most) if not unbounded else budget
        if unbounded:  # x{m,}: m - 1 copies, then x+ with one copy of x (or x* when m is 0)
            for _ in range(min(least, budget) - 1):
                at = self.sequence(body, self._fresh(at), flags, inner)
            loop = self.node()
            self.link(at, loop)
            start = self._fresh(loop)
            self.link(self.sequence(body, start, flags, inner), loop)
            end = self.node()
            self.link(loop, end)
            if least:  # the first round is not optional: enter the body, not the loop
                self.empty[at].remove(loop)
                self.link(at, start)
            return end
        for _ in range(least):
            at = self.sequence(body, self._fresh(at), flags, inner)
        end = self.node()
        for _ in range(most - least):  # x(x(x)?)?: nested, so one count is one path
            self.link(at, end)
            at = self.sequence(body, self._fresh(at), flags, inner)
        self.link(at, end)
        return end

    def split_between_rounds(self) -> str | None:
        """Whether some position on a cycle inside one round (``\\w+``) can read a string and
        come back to itself within the round, and also read it crossing into the next round:
        then a run can be split between rounds at any of its characters."""
        starts: dict[int, list[int]] = {}
        for index, (origin, _, _) in enumerate(self.steps):
            starts.setdefault(origin, []).append(index)
        plain: list[dict[int, int]] = []
        crossing: list[set[int]] = []
        for _, _, target in self.steps:
            within: dict[int, int] = {}
            across: set[int] = set()
            for node, crossed in _empty_reach(self.empty, self.rounds, target):
                for nxt in starts.get(node, ()):
                    if crossed:
                        across.add(nxt)
                    else:
                        within[nxt] = 1
            plain.append(within)
            crossing.append(across)
        masks = [mask for _, mask, _ in self.steps]
        for component in _components(len(self.steps), plain):
            if len(component) == 1 and component[0] not in plain[component[0]]:
                continue
            inside = set(component)
            for p in component:
                # (x, y, y has crossed) -> the narrowest character set read on the way there
                seen = {(p, p, False): masks[p]}
                frontier = [(p, p, False)]
                while frontier:
                    x, y, flag = frontier.pop()
                    narrowest = seen[x, y, flag]
                    for x2 in plain[x]:
                        if x2 not in inside:
                            continue
                        moves = [(y2, flag) for y2 in plain[y]] + [(y2, True) for y2 in crossing[y]]
                        for y2, flag2 in moves:
                            both = masks[x2] & masks[y2]
                            if not both:
                                continue
                            if both.bit_count() < narrowest.bit_count():
                                both_narrowest = both
                            else:
                                both_narrowest = narrowest
                            if x2 == p and y2 == p and flag2:
                                return self._say(both_narrowest)
                            if (x2, y2, flag2) not in seen:
                                if len(seen) > _MOST_PAIRS:
                                    return _TANGLED
                                seen[x2, y2, flag2] = both_narrowest
                                frontier.append((x2, y2, flag2))
        return None

    def exponential(self) -> str | None:
        """Whether some position returns to itself on one string by two paths."""
        count = len(self.steps)
        starts: dict[int, list[int]] = {}
        for index, (origin, _, _) in enumerate(self.steps):
            starts.setdefault(origin, []).append(index)
        follow: list[dict[int, int]] = []
        for _, _, target in self.steps:
            ways: dict[int, int] = {}
            for node, times in _empty_paths(self.empty, target).items():
                for nxt in starts.get(node, ()):
                    ways[nxt] = min(2, ways.get(nxt, 0) + times)
            follow.append(ways)
        masks = [mask for _, mask, _ in self.steps]
        for component in _components(count, follow):
            inside = set(component)
            if len(component) == 1 and component[0] not in follow[component[0]]:
                continue
            for position in component:
                for nxt, times in follow[position].items():
                    if times > 1 and nxt in inside:
                        return self._say(masks[nxt])
            try:
                found = _two_paths(component, inside, follow, masks)
            except _Tangled:
                return _TANGLED
            if found is not None:
                return self._say(found)
        return None

    def _say(self, mask: int) -> str:
        """A run of one character of ``mask``: a lower-case letter or a digit when it holds one."""
        chars = [c for i, c in enumerate(self.alphabet.chars) if mask >> i & 1]
        for char in sorted(chars, key=lambda c: (not (c.isascii() and c.islower()),
                                                 not c.isdigit(), not c.isprintable(),
                                                 c.isspace(), c)):
            return f"a long run of {char!r}"
        return "a long text"  # pragma: no cover - a step always matches something


def _member(op: Any, av: Any, flags: int) -> Any:
    ignore = bool(flags & re.IGNORECASE)

    def cased(char: str) -> tuple[str, ...]:
        return (char, char.lower(), char.upper(), char.casefold()) if ignore else (char,)

    if op == _sre_c.ANY:
        return (lambda c: True) if flags & re.DOTALL else (lambda c: c != "\n")
    if op == _sre_c.LITERAL:
        return lambda c: chr(av) in cased(c)
    if op == _sre_c.NOT_LITERAL:
        return lambda c: chr(av) not in cased(c)
    negated = bool(av) and av[0][0] == _sre_c.NEGATE
    tests = []
    for item_op, item_av in av[1:] if negated else av:
        if item_op == _sre_c.LITERAL:
            tests.append(lambda c, code=item_av: chr(code) in cased(c))
        elif item_op == _sre_c.RANGE:
            tests.append(lambda c, r=item_av: any(
                len(v) == 1 and r[0] <= ord(v) <= r[1] for v in cased(c)))
        elif item_op == _sre_c.CATEGORY:
            if item_av in _CATEGORIES:
                tests.append(_CATEGORIES[item_av])
            elif item_av in _NOT_CATEGORIES:
                tests.append(lambda c, t=_CATEGORIES[_NOT_CATEGORIES[item_av]]: not t(c))
            else:
                tests.append(lambda c: True)
        else:
            tests.append(lambda c: True)
    if negated:
        return lambda c: not any(t(c) for t in tests)
    return lambda c: any(t(c) for t in tests)


def _empty_reach(empty: list[list[int]], rounds: set[tuple[int, int]],
                 start: int) -> set[tuple[int, bool]]:
    """The nodes empty edges lead to from ``start``, each with whether the way crossed an edge
    of ``rounds`` (both, when both ways exist)."""
    reached = {(start, False)}
    stack = [(start, False)]
    while stack:
        node, crossed = stack.pop()
        for nxt in empty[node]:
            state = (nxt, crossed or (node, nxt) in rounds)
            if state not in reached:
                reached.add(state)
                stack.append(state)
    return reached


def _empty_paths(empty: list[list[int]], start: int) -> dict[int, int]:
    """How many paths of empty edges lead from ``start`` to each node (counted up to 2)."""
    reached = {start: 1}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in empty[node]:
            before = reached.get(nxt, 0)
            if before < 2:
                reached[nxt] = before + 1
                stack.append(nxt)
    return reached


def _components(count: int, follow: list[dict[int, int]]) -> list[list[int]]:
    """Strongly connected components of the positions (Tarjan's, without recursion)."""
    index = 0
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[int]] = []
    for root in range(count):
        if root in order:
            continue
        work = [(root, iter(follow[root]))]
        order[root] = low[root] = index
        index += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in order:
                    order[nxt] = low[nxt] = index
                    index += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(follow[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def _two_paths(component: list[int], inside: set[int], follow: list[dict[int, int]],
               masks: list[int]) -> int | None:
    """In the product of a component with itself (pairs of positions that read one character
    together), a strongly connected part holding a pair (p, p) and a pair (q, r), q != r: two
    paths from p back to p on one string. Returns the characters read at p, or None."""
    succ = {p: [n for n in follow[p] if n in inside] for p in component}
    number: dict[tuple[int, int], int] = {}
    pairs: list[tuple[int, int]] = []
    edges: list[dict[int, int]] = []
    todo = [(p, p) for p in component]
    for pair in todo:
        number[pair] = len(pairs)
        pairs.append(pair)
    at = 0
    while at < len(pairs):
        a, b = pairs[at]
        out: dict[int, int] = {}
        for x in succ[a]:
            for y in succ[b]:
                if masks[x] & masks[y]:
                    target = number.get((x, y))
                    if target is None:
                        if len(pairs) > _MOST_PAIRS:
                            raise _Tangled
                        target = number[x, y] = len(pairs)
                        pairs.append((x, y))
                    out[target] = 1
        edges.append(out)
        at += 1
    for part in _components(len(pairs), edges):
        if any(pairs[i][0] == pairs[i][1] for i in part):
            for i in part:
                a, b = pairs[i]
                if a != b:
                    return masks[a] & masks[b]
    return None



def dangerous_kept(pattern: str, flags: int = 0) -> str | None:
    """``dangerous``, kept in ``regex_cache``'s on-disk store (keyed by a digest of the pattern,
    so the store does not hold the patterns twice): loading a rubric checks every regex of its
    lexicons, and parsing them costs about 0.3 s, every start."""
    if not _MAY_NEST.search(pattern):
        return None
    digest = hashlib.sha1(pattern.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    key = f"redos:{regex_cache.source_digest(__file__)}:{flags}:{digest}"
    stored = regex_cache.remembered(key, lambda: dangerous(pattern, flags) or "")
    return stored if isinstance(stored, str) and stored else None
