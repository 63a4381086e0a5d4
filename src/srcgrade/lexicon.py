"""Lexicons: YAML entries (term or pattern, kind, strength, source, examples) and their matcher.

All entries of a rubric's lexicons compile into one scan: the literal terms into a single regex
built from a character trie (about six times faster than an alternation of terms, see
``benchmarks/README.md``), the patterns into one alternation per case mode. Scanning an article is
then two or three ``finditer`` passes, whatever the number of entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from srcgrade.model import Origin, Problem
from srcgrade.pattern_scan import PatternScan
from srcgrade.yamlio import YamlDoc, load_yaml, schema_errors

# How a character of a term is matched in prose: a space is any run of whitespace, an apostrophe is
# straight or curly, a hyphen is a hyphen, a space or nothing ("game-changer", "game changer").
_CHAR_CLASSES = {
    " ": r"\s+",
    "'": "['\u2019]",
    "-": "[-\u2010\u2011 ]?",
}
_KEY_DROP = re.compile(r"[\s\-\u2010\u2011'\u2019]+")
LOOKBEHIND_CHARS = 40


def term_key(text: str) -> str:
    """The form a matched span is looked up under: case, spaces, hyphens, apostrophes folded."""
    return _KEY_DROP.sub("", text.lower())


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    rule: str
    kind: str
    strength: float
    message: str
    source: str
    source_url: str | None
    terms: tuple[str, ...]
    pattern: str | None
    case_sensitive: bool
    unless_followed_by: re.Pattern[str] | None
    unless_preceded_by: re.Pattern[str] | None
    compiled: re.Pattern[str] | None
    fire: tuple[str, ...]
    quiet: tuple[str, ...]
    origin: Origin

    def vetoed(self, text: str, start: int, end: int) -> bool:
        """Whether the context rules a match out (e.g. 'Breakthrough Therapy designation')."""
        if self.unless_followed_by and self.unless_followed_by.match(text, end):
            return True
        if self.unless_preceded_by:
            before = text[max(0, start - LOOKBEHIND_CHARS) : start]
            if self.unless_preceded_by.search(before):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Lexicon:
    id: str
    label: str
    description: str
    path: str
    entries: tuple[LexiconEntry, ...]


def load_lexicon(path: Path, display: str | None = None) -> tuple[Lexicon | None, list[Problem]]:
    """Load one lexicon file; broken entries are reported and left out, the others still load."""
    doc, problem = load_yaml(path, display)
    if problem:
        return None, [problem]
    assert doc is not None
    errors = schema_errors(doc, "lexicon")
    problems = [problem for _, problem in errors]
    broken = {keys[1] for keys, _ in errors if len(keys) > 1 and keys[0] == "entries"}
    data = doc.data if isinstance(doc.data, dict) else {}
    whole_file_broken = any(len(keys) <= 1 or keys[0] != "entries" for keys, _ in errors)
    if whole_file_broken or not isinstance(data.get("entries"), list):
        return None, problems
    if data.get("id") != path.stem:
        problems.append(
            doc.problem(f"id '{data.get('id')}' differs from the file name '{path.stem}'", ("id",))
        )
    entries, entry_problems = _build_entries(doc, data, broken)
    problems.extend(entry_problems)
    lexicon = Lexicon(
        id=str(data["id"]),
        label=str(data.get("label", "")),
        description=str(data.get("description", "")),
        path=doc.path,
        entries=tuple(entries),
    )
    return lexicon, problems


def _build_entries(
    doc: YamlDoc, data: dict[str, Any], broken: set[Any]
) -> tuple[list[LexiconEntry], list[Problem]]:
    entries: list[LexiconEntry] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    sources = data.get("sources") or {}
    for index, raw in enumerate(data["entries"]):
        if index in broken:
            continue
        keys = ("entries", index)
        rule = f"{data['id']}.{raw['id']}"
        if raw["id"] in seen:
            problems.append(doc.problem(f"entry id '{raw['id']}' is used twice", (*keys, "id")))
            continue
        seen.add(raw["id"])
        kind = raw.get("kind") or data.get("kind")
        if not kind:
            problems.append(doc.problem(f"entry '{raw['id']}' has no kind", keys))
            continue
        source = sources.get(raw["source"])
        if source is None:
            problems.append(
                doc.problem(
                    f"entry '{raw['id']}' cites source '{raw['source']}', which is not under "
                    f"`sources:`; add it there",
                    (*keys, "source"),
                )
            )
            continue
        compiled, regex_problem = _compile_entry_regexes(doc, raw, keys)
        if regex_problem:
            problems.append(regex_problem)
            continue
        entries.append(
            LexiconEntry(
                rule=rule,
                kind=str(kind),
                strength=float(raw["strength"]),
                message=str(raw["message"]),
                source=str(source["citation"]),
                source_url=source.get("url"),
                terms=tuple(raw.get("terms") or ()),
                pattern=raw.get("pattern"),
                case_sensitive=bool(raw.get("case_sensitive", False)),
                unless_followed_by=compiled.get("unless_followed_by"),
                unless_preceded_by=compiled.get("unless_preceded_by"),
                compiled=compiled.get("pattern"),
                fire=tuple(raw["examples"]["fire"]),
                quiet=tuple(raw["examples"].get("quiet") or ()),
                origin=Origin(doc.path, doc.line_of(keys)),
            )
        )
    return entries, problems


def _compile_entry_regexes(
    doc: YamlDoc, raw: dict[str, Any], keys: tuple[Any, ...]
) -> tuple[dict[str, re.Pattern[str]], Problem | None]:
    compiled: dict[str, re.Pattern[str]] = {}
    for field_name in ("pattern", "unless_followed_by", "unless_preceded_by"):
        source = raw.get(field_name)
        if source is None:
            continue
        flags = 0 if raw.get("case_sensitive") and field_name == "pattern" else re.IGNORECASE
        try:
            compiled[field_name] = re.compile(source, flags)
        except re.error as error:
            return compiled, doc.problem(
                f"entry '{raw['id']}': {field_name} is not a valid regular expression ({error})",
                (*keys, field_name),
            )
        if field_name == "pattern" and compiled[field_name].groups:
            return compiled, doc.problem(
                f"entry '{raw['id']}': use non-capturing groups (?:...) in pattern",
                (*keys, field_name),
            )
    return compiled, None


# --- the matcher -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    entry: LexiconEntry


class Matcher:
    """Every entry of a set of lexicons, compiled once into a few combined regexes."""

    def __init__(self, entries: Iterable[LexiconEntry]):
        self.entries = tuple(entries)
        self._by_key: dict[str, list[LexiconEntry]] = {}
        for entry in self.entries:
            for term in entry.terms:
                bucket = self._by_key.setdefault(term_key(term), [])
                if entry not in bucket:
                    bucket.append(entry)
        self._terms = _trie_regex([t for e in self.entries for t in e.terms])
        self._patterns: list[tuple[re.Pattern[str], dict[str, LexiconEntry]]] = []
        for case_sensitive in (False, True):
            chosen = [e for e in self.entries if e.pattern and e.case_sensitive == case_sensitive]
            if chosen:
                self._patterns.append(_combined_patterns(chosen, case_sensitive))
        # The same matches as _pattern_matches over self._patterns, about 20 times faster.
        self._pattern_scan = PatternScan(
            [e for _, by_group in self._patterns for e in by_group.values()]
        )

    def scan(self, text: str) -> list[Match]:
        """All matches in ``text``, sorted by position, vetoed contexts removed."""
        found: list[Match] = []
        if self._terms is not None:
            found.extend(self._term_matches(text))
        found.extend(
            Match(start, end, entry) for start, end, entry in self._pattern_scan.matches(text)
        )
        found.sort(key=lambda m: (m.start, -m.end))
        return found

    def _term_matches(self, text: str) -> list[Match]:
        """Every term of every entry, not only the longest one that starts at a spot.

        The trie regex finds the longest term at each word start; shorter terms ending at a word
        boundary inside it are looked up too ("adverse events" inside "serious adverse events"),
        and searching again from the next word finds terms that begin inside a longer one. A term
        of the same entry that overlaps its previous match is not counted twice.
        """
        assert self._terms is not None
        found: list[Match] = []
        last_end: dict[str, int] = {}
        position = 0
        while (hit := self._terms.search(text, position)) is not None:
            start, end = hit.span()
            for stop in _word_ends(text, start, end):
                for entry in self._by_key.get(term_key(text[start:stop]), ()):
                    if last_end.get(entry.rule, -1) > start or entry.vetoed(text, start, stop):
                        continue
                    found.append(Match(start, stop, entry))
                    last_end[entry.rule] = stop
            position = start + 1
        return found


_WORD_END = re.compile(r"\w(?!\w)")


def _word_ends(text: str, start: int, end: int) -> list[int]:
    """``end`` and every earlier word end inside ``text[start:end]``, longest first."""
    inner = [m.end() for m in _WORD_END.finditer(text, start, end - 1)]
    return [end, *reversed(inner)]


def _pattern_matches(
    text: str, regex: re.Pattern[str], by_group: dict[str, LexiconEntry]
) -> list[Match]:
    """Every entry's pattern matches, not only the first alternative that matches at a spot.

    The combined alternation finds each position where some pattern matches; there every other
    pattern is tried too (a match call that fails at once in C), so "could help millions" is both a
    hedge and a hype phrase. Searching again from the next character finds patterns that begin
    inside an earlier match ("published in Nature Medicine" holds the journal name).
    """
    found: list[Match] = []
    last_end: dict[str, int] = {}
    position = 0
    while (hit := regex.search(text, position)) is not None:
        start = hit.start()
        for name, entry in by_group.items():
            if name == hit.lastgroup:
                end = hit.end()
            else:
                other = entry.compiled.match(text, start) if entry.compiled else None
                if other is None:
                    continue
                end = other.end()
            if (
                end > start
                and last_end.get(name, -1) <= start
                and not entry.vetoed(text, start, end)
            ):
                found.append(Match(start, end, entry))
                last_end[name] = end
        position = start + 1
    return found


def _combined_patterns(
    entries: list[LexiconEntry], case_sensitive: bool
) -> tuple[re.Pattern[str], dict[str, LexiconEntry]]:
    """One alternation of all patterns, led by a lookahead on the characters they can start with.

    Python's ``re`` cannot skip ahead when every alternative starts with ``\\b``; a leading
    lookahead lets it reject most positions with one character test (see benchmarks/README.md).
    """
    flags = 0 if case_sensitive else re.IGNORECASE
    by_group = {f"p{i}": entry for i, entry in enumerate(entries)}
    alternation = "|".join(f"(?P<{name}>{e.pattern})" for name, e in by_group.items())
    lead = ""
    firsts = [first_chars(e.pattern or "", flags) for e in entries]
    if all(f is not None for f in firsts):
        chars = set().union(*firsts)  # type: ignore[arg-type]
        lead = "(?=[" + "".join(sorted(_class_escape(c) for c in chars)) + "])"
    return re.compile(lead + "(?:" + alternation + ")", flags), by_group


def _class_escape(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char


def first_chars(pattern: str, flags: int = 0) -> set[str] | None:
    """The characters a match of ``pattern`` can start with, or None when any character can.

    Read from the pattern's parse tree (zero-width assertions such as ``\\b`` are skipped). With
    IGNORECASE both cases are included.
    """
    try:
        from re import _parser  # the stdlib's own regex parser (sre_parse)

        tree = _parser.parse(pattern, flags)
    except Exception:
        return None
    chars = _first_of_sequence(list(tree), _parser)
    if chars is None or not chars:
        return None
    if flags & re.IGNORECASE:
        chars = chars | {c.upper() for c in chars} | {c.lower() for c in chars}
    return chars


def _first_of_sequence(items: list[Any], parser: Any) -> set[str] | None:
    const = parser
    for index, (op, arg) in enumerate(items):
        name = str(op)
        if name in {"AT", "ASSERT", "ASSERT_NOT"}:
            continue  # zero-width: look at what follows
        if name == "LITERAL":
            return {chr(arg)}
        if name == "IN":
            return _charset(arg)
        if name == "SUBPATTERN":
            return _first_of_sequence(list(arg[-1]), const)
        if name == "BRANCH":
            result: set[str] = set()
            for branch in arg[1]:
                first = _first_of_sequence(list(branch), const)
                if first is None:
                    return None
                result |= first
            return result
        if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            first = _first_of_sequence(list(arg[2]), const)
            if first is None or arg[0] >= 1:
                return first
            rest = _first_of_sequence(items[index + 1 :], const)  # optional: or what follows
            return None if rest is None else first | rest
        return None  # ANY, backreferences and the like: any character
    return None


def _charset(items: list[Any]) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(arg))
        elif name == "RANGE" and arg[1] - arg[0] < 256:
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY" and str(arg) == "CATEGORY_DIGIT":
            chars.update("0123456789")
        else:
            return None  # negated sets, \w and other categories: any character
    return chars


def _trie_regex(terms: list[str]) -> re.Pattern[str] | None:
    """One regex for all terms, whole words, case-insensitive, longest match first."""
    trie: dict[str, Any] = {}
    for term in {t.lower() for t in terms}:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return None
    first_chars = "".join(sorted({re.escape(c) for c in trie if c not in _CHAR_CLASSES}))
    body = _trie_to_regex(trie)
    # A leading lookahead on the first character lets `re` skip ahead quickly between candidates.
    lead = f"(?=[{first_chars}])" if first_chars and len(first_chars) == len(trie) else ""
    return re.compile(rf"{lead}(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _trie_to_regex(node: dict[str, Any]) -> str:
    branches = []
    ends_here = "" in node
    for char in sorted(k for k in node if k):
        atom = _CHAR_CLASSES.get(char, re.escape(char))
        branches.append(atom + _trie_to_regex(node[char]))
    if not branches:
        return ""
    alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{alternation})?"
    return alternation


def example_problems(entries: Iterable[LexiconEntry]) -> list[Problem]:
    """Each entry's examples run against the entries they sit with: fire must fire, quiet must not.

    Like Vale's rule tests: an entry that no example makes fire is a silent bug, so it is reported.
    """
    entries = tuple(entries)
    matcher = Matcher(entries)
    problems = []
    for entry in entries:
        path, line = entry.origin.path, entry.origin.line
        for example in entry.fire:
            if not any(m.entry is entry for m in matcher.scan(example)):
                problems.append(
                    Problem(path, line, f"{entry.rule}: example does not fire: {example!r}")
                )
        for example in entry.quiet:
            if any(m.entry is entry for m in matcher.scan(example)):
                problems.append(
                    Problem(path, line, f"{entry.rule}: fires on quiet example: {example!r}")
                )
    return problems
