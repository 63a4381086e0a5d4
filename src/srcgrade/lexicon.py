"""Lexicons: YAML entries (term or pattern, kind, strength, source, examples) and their matcher.

All entries of a rubric's lexicons compile once per rubric: the literal terms into a single regex
built from a character trie (several times faster than an alternation of terms, per
``../shared/research/performance.md``), the patterns into prefix finders
(``srcgrade.pattern_scan``). Scanning an article is then a few passes, whatever the number of
entries. The term trie, like the ignore-case patterns' finder, reads the lowered text with
case-sensitive literals (several times faster in ``re``; ``pattern_scan.lowered``) and falls back
to the ignore-case trie on the text itself when lowering could change a match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from re import _parser as _sre_parse  # the parse tree gives a pattern's shortest match
from typing import Any, NamedTuple

from srcgrade import redos, regex_cache, required
from srcgrade.c_trie import REPEAT, SET, CTrie, CTrieBuilder, c_scanner, prepare
from srcgrade.definitions import REGEX_KEYS, Definitions, expand_entry, load_definitions
from srcgrade.model import Origin, Problem
from srcgrade.pattern_scan import BackSearch, PatternScan, SpotSearch, lowered
from srcgrade.sentences import sentence_start_after
from srcgrade.yamlio import YamlDoc, broken_items, load_yaml, schema_errors

# How a character of a term is matched in prose: a space is any run of whitespace, an apostrophe is
# straight or curly, a hyphen is a hyphen, a space or nothing ("game-changer", "game changer").
# (one character's class, least and most repeats: -1 for no bound)
_CHAR_RULES = {
    " ": (r"\s", 1, -1),
    "'": ("['\u2019]", 1, 1),
    "-": ("[-\u2010\u2011 ]", 0, 1),
}
_QUANTIFIERS = {(1, -1): "+", (1, 1): "", (0, 1): "?"}
_CHAR_CLASSES = {c: cls + _QUANTIFIERS[low, high] for c, (cls, low, high) in _CHAR_RULES.items()}
_KEY_DROP = re.compile(r"[\s\-\u2010\u2011'\u2019]+")
LOOKBEHIND_CHARS = 200
"""How far back ``unless_preceded_by`` reads at most: to the start of the match's sentence
(``srcgrade.sentences``), and never more than this many characters."""
_QUOTE_MARKS = dict.fromkeys(map(ord, '"\u201c\u201d\u00ab\u00bb\u201e\u2018'))
"""Quotation marks a veto reads through (``_without_quote_marks`` deletes them): not a word of the
sentence, so 'not a "breakthrough"' is denied as 'not a breakthrough' is. The apostrophe forms
(' and \u2019) stay: they are also letters of "it's" and "patients'"."""
_CLOSING_MARKS = frozenset('"\u201d\u2019\u00bb\'')
_QUOTE_MARK = re.compile(f"[{''.join(map(chr, _QUOTE_MARKS))}]")
_HAS_QUOTE_MARK = _QUOTE_MARK.search
"""Whether a slice of a text holds one of ``_QUOTE_MARKS`` (``search(text, start, end)``): most
sentences hold none."""


def _without_quote_marks(text: str) -> str:
    """``text.translate(_QUOTE_MARKS)``: the same string, made by a regex substitution, as
    ``str.translate`` costs about 3 microseconds on a sentence that is not ASCII."""
    return _QUOTE_MARK.sub("", text)


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
    unless_right_after: frozenset[str] = frozenset()
    """Rule ids: a match that starts where one of theirs ends (spaces and commas between) is the
    same source told again ("Rick Doblin, the founder [of MAPS]"), so it is dropped."""
    reports_what_follows: frozenset[str] = frozenset()
    """Finding kinds: the entry is a distancing phrase ("some call it", "so-called", "touted
    as"), the rest of its clause reports other people's words, and findings of these kinds there
    count as quoted (``srcgrade.detect.reported_spans``)."""
    reports_what_precedes: frozenset[str] = frozenset()
    """Finding kinds: the entry is an attribution that follows the words it attributes ("...,
    the company said", "..., according to its maker"); findings of these kinds in the clause
    before it count as quoted (``srcgrade.detect.reported_spans``)."""

    preceded_words: frozenset[str] | None = field(default=None, init=False, repr=False,
                                                  compare=False)
    """Lowered literals one of which every match of ``unless_preceded_by`` holds
    (``srcgrade.required``), or None: the veto is searched only where one occurs. None too when
    one of them is a single letter ("i" in ``hype.said_before``'s "I said"): it occurs before
    nearly every match, and the test cost more than it spared."""
    preceded_spots: SpotSearch | None = field(default=None, init=False, repr=False,
                                              compare=False)
    """``unless_preceded_by`` tried only where one of its beginnings is, on lowered text
    (``pattern_scan.SpotSearch``), or None: searched the plain way."""
    preceded_back: BackSearch | None = field(default=None, init=False, repr=False, compare=False)
    """``unless_preceded_by`` read from the match back (``pattern_scan.BackSearch``): one
    anchored match, which answers alone when ``exact``, else only when it finds nothing."""

    def __post_init__(self) -> None:
        if self.unless_preceded_by is not None:
            words = required.words_of(self.unless_preceded_by)
            if words is not None and min(map(len, words)) > 1:
                object.__setattr__(self, "preceded_words", words)
            object.__setattr__(self, "preceded_spots", SpotSearch.of(self.unless_preceded_by))
            object.__setattr__(self, "preceded_back", BackSearch.of(self.unless_preceded_by))

    def vetoed(self, text: str, start: int, end: int, low: str | None = None) -> bool:
        """Whether the context rules a match out (e.g. 'Breakthrough Therapy designation').

        ``unless_preceded_by`` reads the text from the start of the match's sentence (at most
        ``LOOKBEHIND_CHARS`` back) to the match: "whether the treatment provides a long-term cure"
        reaches its "whether", and a sentence before never vetoes. ``low``: the text lowered
        (``pattern_scan.lowered``), when the caller has it; then the sentence is only read, and
        the veto only searched, where one of its ``preceded_words`` occurs (most matches have
        none of "not", "whether", "journal" before them, and the search cost several
        microseconds each), and only tried where one of its beginnings is (``preceded_spots``).
        Where the veto can be read from the match back (``preceded_back``: every bundled one
        ends at ``$``), one anchored match of it reversed answers, or rules it out when it is
        only a filter.
        Quotation marks are read through: a veto that does not match the sentence as written is
        tried on it without its quotation marks (``_QUOTE_MARKS``), and ``unless_followed_by``
        also after a closing mark right after the match, so a word in scare quotes ('not a
        "breakthrough"', 'a “breakthrough” would be premature') is denied or doubted as the bare
        word is.
        """
        followed = self.unless_followed_by
        if followed and (followed.match(text, end) or (
                text[end:end + 1] in _CLOSING_MARKS and not text[end + 1:end + 2].isalnum()
                and followed.match(text, end + 1))):
            return True
        preceded = self.unless_preceded_by
        if preceded:
            floor = max(0, start - LOOKBEHIND_CHARS)
            words = self.preceded_words if low is not None else None
            if words is not None and not required.holds_any(low, words, floor, start):
                return False
            begin = sentence_start_after(text, start, floor)
            if words is not None and begin > floor and not required.holds_any(
                    low, words, begin, start):
                return False
            before = text[begin:start]
            back = self.preceded_back
            if back is not None:
                quoted = _HAS_QUOTE_MARK(text, begin, start)
                if back.found(before) or (quoted and back.found(
                        _without_quote_marks(before))):
                    if back.exact:
                        return True
                else:
                    return False
            spots = self.preceded_spots if low is not None else None
            if spots is None:
                if preceded.search(before):
                    return True
                if not _HAS_QUOTE_MARK(text, begin, start):
                    return False
                return preceded.search(_without_quote_marks(before)) is not None
            seen = low[begin:start]
            if spots.found(before, seen):
                return True
            # The marks are not letters: the lowered sentence without them is the one lowered.
            if _HAS_QUOTE_MARK(text, begin, start) and spots.found(
                    _without_quote_marks(before), _without_quote_marks(seen)):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Lexicon:
    id: str
    label: str
    description: str
    path: str
    entries: tuple[LexiconEntry, ...]

    def kinds(self) -> set[str]:
        """The finding kinds this lexicon's entries make."""
        return {entry.kind for entry in self.entries}


def load_lexicon(path: Path, display: str | None = None) -> tuple[Lexicon | None, list[Problem]]:
    """Load one lexicon file; broken entries are reported and left out, the others still load."""
    doc, problem = load_yaml(path, display)
    if doc is None or (problem and not doc.repeated_keys):
        return None, [problem] if problem else []
    errors = schema_errors(doc, "lexicon")
    problems = [problem for _, problem in errors]
    # A broken entry or definition is left out (and reported); anything else breaks the file.
    items = broken_items(errors, ("entries", "define"))
    data = doc.data if isinstance(doc.data, dict) else {}
    if items is None or not isinstance(data.get("entries"), list):
        return None, problems
    broken, broken_names = items["entries"], items["define"]
    if data.get("id") != path.stem:
        problems.append(
            doc.problem(f"id '{data.get('id')}' differs from the file name '{path.stem}'", ("id",))
        )
    definitions, definition_problems = load_definitions(doc, data, broken_names)
    problems.extend(definition_problems)
    entries, entry_problems = _build_entries(doc, data, broken, definitions)
    problems.extend(entry_problems)
    lexicon = Lexicon(
        id=str(data["id"]),
        label=str(data.get("label", "")),
        description=str(data.get("description", "")),
        path=doc.path,
        entries=tuple(entries),
    )
    return lexicon, problems


def _twice(entry_id: str, first: int | None) -> str:
    where = f"line {first}" if first else "an earlier entry"
    return (
        f"entry id '{entry_id}' is used twice (first at {where}, which is kept); "
        "give this entry an id of its own"
    )


def _build_entries(
    doc: YamlDoc, data: dict[str, Any], broken: set[Any], definitions: Definitions
) -> tuple[list[LexiconEntry], list[Problem]]:
    entries: list[LexiconEntry] = []
    problems: list[Problem] = []
    first_line: dict[str, int | None] = {}
    sources = data.get("sources") or {}
    for index, raw in enumerate(data["entries"]):
        if index in broken:
            continue
        keys = ("entries", index)
        rule = f"{data['id']}.{raw['id']}"
        if raw["id"] in first_line:
            problems.append(doc.problem(_twice(raw["id"], first_line[raw["id"]]), (*keys, "id")))
            continue
        first_line[raw["id"]] = doc.line_of((*keys, "id"))
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
        raw, regex_problem = expand_entry(doc, raw, keys, definitions)
        if not regex_problem:
            compiled, regex_problem = _compile_entry_regexes(doc, raw, keys)
        if regex_problem:
            problems.append(regex_problem)
            continue
        after = [str(other) for other in raw.get("unless_right_after") or ()]
        ids = {str(other.get("id")) for other in data["entries"] if isinstance(other, dict)}
        unknown = sorted(set(after) - ids)
        if unknown:
            problems.append(
                doc.problem(
                    f"entry '{raw['id']}': unless_right_after names {', '.join(unknown)}, which "
                    "is no entry of this lexicon; use the id of an entry in this file",
                    (*keys, "unless_right_after"),
                )
            )
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
                unless_right_after=frozenset(f"{data['id']}.{other}" for other in after),
                reports_what_follows=frozenset(map(str, raw.get("reports_what_follows") or ())),
                reports_what_precedes=frozenset(map(str, raw.get("reports_what_precedes") or ())),
            )
        )
    return entries, problems


def _compile_entry_regexes(
    doc: YamlDoc, raw: dict[str, Any], keys: tuple[Any, ...]
) -> tuple[dict[str, re.Pattern[str]], Problem | None]:
    compiled: dict[str, re.Pattern[str]] = {}
    for field_name in REGEX_KEYS:
        source = raw.get(field_name)
        if source is None:
            continue
        flags = 0 if raw.get("case_sensitive") and field_name == "pattern" else re.IGNORECASE
        alternatives = source if isinstance(source, list) else [source]
        for index, alternative in enumerate(alternatives):  # each reported at its own line
            where = (*keys, field_name, index) if isinstance(source, list) else (
                *keys, field_name)
            try:
                regex_cache.compile(alternative, flags)
            except re.error as error:
                return compiled, doc.problem(
                    f"entry '{raw['id']}': {field_name} is not a valid regular expression "
                    f"({error})",
                    where,
                )
            slow = redos.dangerous_kept(alternative, flags)
            if slow:
                return compiled, doc.problem(
                    f"entry '{raw['id']}': {field_name} can take {slow} "
                    "(a repeat inside a repeat, both able to match the same text, as in "
                    r"(\w+\s?)+ or (a|aa)+), and would hang scoring; make the inner repeat "
                    r"unambiguous (a separator each round must end with, as in (?:\w+\s)+), "
                    "or use an atomic group (?>...) or a possessive quantifier (++, *+)",
                    where,
                )
        compiled[field_name] = regex_cache.compile(any_of(alternatives), flags)
        if field_name == "pattern" and compiled[field_name].groups:
            return compiled, doc.problem(
                f"entry '{raw['id']}': use non-capturing groups (?:...) in pattern",
                (*keys, field_name),
            )
        if field_name == "pattern" and can_match_empty(source, flags):
            return compiled, doc.problem(
                f"entry '{raw['id']}': pattern can match empty text; make every alternative "
                "match at least one character (no `x?`, `x*` or lookaround alone)",
                (*keys, field_name),
            )
    return compiled, None


_GLOBAL_FLAGS = re.compile(r"\(\?([imsx]+)\)")


def any_of(patterns: list[str]) -> str:
    """One pattern matching where any of ``patterns`` does, each keeping its own leading flags
    ("(?ix)" becomes a scoped "(?ix:...)"): a veto given as a list, so that an entry can add its
    own case to a shared one (a YAML alias) rather than copy it."""
    if len(patterns) == 1:
        return patterns[0]
    groups = []
    for pattern in patterns:
        flags = _GLOBAL_FLAGS.match(pattern)
        if flags:  # a verbose pattern's last line may end in a comment: close on a new line
            end = "\n)" if "x" in flags.group(1) else ")"
            groups.append(f"(?{flags.group(1)}:{pattern[flags.end():]}{end}")
        else:
            groups.append(f"(?:{pattern})")
    return "|".join(groups)


def can_match_empty(pattern: str, flags: int = 0) -> bool:
    """Whether a pattern's shortest match is empty: such an entry would "find" a zero-width span
    at every position (nothing to show, nothing to count), so it is refused when loaded."""
    try:
        return _sre_parse.parse(pattern, flags).getwidth()[0] == 0
    except (re.error, RecursionError, OverflowError):
        return False


# --- the matcher -------------------------------------------------------------------------------


class Match(NamedTuple):
    """One entry's match. A named tuple, not a frozen dataclass: a story has 15-60 of them, and
    a frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field) cost about 1.3
    microseconds each, a tuple 0.1."""

    start: int
    end: int
    entry: LexiconEntry


_START, _END = itemgetter(0), itemgetter(1)
"""A Match's start and end, as sort keys."""


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
        self._term_list = [t for e in self.entries for t in e.terms]
        self._within: dict[str, tuple[tuple[int, tuple[LexiconEntry, ...]], ...]] = {}
        # Case-insensitive patterns first, then case-sensitive ones: the order matches are
        # reported in when two start at one position.
        self.pattern_entries = [e for e in self.entries if e.pattern and not e.case_sensitive] + [
            e for e in self.entries if e.pattern and e.case_sensitive
        ]
        with regex_cache.kept():
            # The term trie for the C walker when it is built (c_trie), else as a regex.
            self._terms_walker = _c_term_trie(self._term_list)
            if self._terms_walker is None:
                self._terms_lowered  # noqa: B018 - compiled with the rubric, not at the first text
            self._pattern_scan = PatternScan(self.pattern_entries)
        self._followed_rules = frozenset(
            rule for e in self.entries for rule in e.unless_right_after or ()
        )

    def scan(self, text: str, low: str | bool | None = True) -> list[Match]:
        """All matches in ``text``, sorted by position, vetoed contexts removed.

        ``low`` is ``lowered(text)`` when the caller has it already (None: not lowerable).
        """
        found: list[Match] = []
        if low is True:
            low = lowered(text)
        low = low if isinstance(low, str) else None
        # With the C walker, each text is prepared once for all the walks over it.
        prepared = (None, None)
        if self._walks_in_c:
            cased = prepare(text)
            prepared = (cased, None if low is None else prepare(low, cased))
        if self._term_list:
            found.extend(self._term_matches(text, low, prepared[1]))
        found.extend(
            Match(start, end, entry)
            for start, end, entry in self._pattern_scan.matches(text, low, prepared)
        )
        # By start, the longer first: two stable sorts on C-level keys (a lambda per match costs
        # more), ties left in the order found, as one sort on (start, -end) leaves them.
        found.sort(key=_END, reverse=True)
        found.sort(key=_START)
        if self._followed_rules:
            return _without_repeats(text, found, self._followed_rules)
        return found

    @property
    def walks_in_c(self) -> bool:
        """Whether the C walker is in use (built, not switched off, and it took the tries)."""
        return self._walks_in_c

    @property
    def _walks_in_c(self) -> bool:
        walker = self._terms_walker
        return (walker is not None and walker.trie is not None) or self._pattern_scan.walks_in_c

    def _term_hits(self, text: str, low: str | None, prepared: Any = None
                   ) -> Iterator[tuple[int, int]]:
        """(start, end) of the longest term at each spot where one starts, left to right.

        On the lowered text (``low``), the trie runs case-sensitive and starts with the character
        before the word (a class `re` finds quickly); the same spots as the ignore-case trie on
        the text, several times faster.
        """
        walker = self._terms_walker
        if low is not None and walker is not None and walker.trie is not None:
            hits = iter(walker.trie.first_hits(low if prepared is None else prepared, 0))
            yield from zip(hits, hits, strict=True)
            return
        if low is None or self._terms_lowered is None:
            terms = self._terms
            assert terms is not None
            position = 0
            while position <= len(text) and (hit := terms.search(text, position)) is not None:
                yield hit.span()
                position = hit.start() + 1
            return
        # Behind a space, a term at the very start has a non-word character before it too;
        # indices in ``padded`` are one more than in the text.
        padded, search = " " + low, self._terms_lowered.search
        position = 0
        while (hit := search(padded, position)) is not None:
            position = hit.start(1)
            yield position - 1, hit.end() - 1

    @functools.cached_property
    def _terms_lowered(self) -> re.Pattern[str] | None:
        """The term trie on lowered text as one `re` search (the pure path)."""
        return _lowered_trie_regex(self._term_list)

    @functools.cached_property
    def _terms(self) -> re.Pattern[str] | None:
        """The ignore-case trie, for the rare text that cannot be lowered (``lowered``): compiled
        the first time one comes, as it takes about 30 ms."""
        return _trie_regex(self._term_list)

    def _term_matches(self, text: str, low: str | None = None, prepared: Any = None
                      ) -> list[Match]:
        """Every term of every entry, not only the longest one that starts at a spot.

        The trie regex finds the longest term at each word start; shorter terms ending at a word
        boundary inside it are looked up too ("adverse events" inside "serious adverse events"),
        and searching again from the next word finds terms that begin inside a longer one. A term
        of the same entry that overlaps its previous match is not counted twice.
        """
        found: list[Match] = []
        last_end: dict[str, int] = {}
        for start, end in self._term_hits(text, low, prepared):
            for length, entries in self._entries_within(text[start:end]):
                stop = start + length
                for entry in entries:
                    if (last_end.get(entry.rule, -1) > start
                            or entry.vetoed(text, start, stop, low)):
                        continue
                    found.append(Match(start, stop, entry))
                    last_end[entry.rule] = stop
        return found

    def _entries_within(self, span: str) -> tuple[tuple[int, tuple[LexiconEntry, ...]], ...]:
        """(length, entries) of each term that begins ``span`` and ends at one of its word ends,
        longest first: what ``_term_matches`` needs of a hit. It depends on the span's text only,
        and the same few hundred spans recur from story to story, so it is remembered (a regex
        search and a key per word end cost about a third of the term scan)."""
        known = self._within.get(span)
        if known is None:
            if len(self._within) >= _WITHIN_KEPT:
                self._within.clear()
            known = self._within[span] = tuple(
                (stop, tuple(entries))
                for stop in _word_ends(span, 0, len(span))
                if (entries := self._by_key.get(term_key(span[:stop])))
            )
        return known


def _without_repeats(text: str, found: list[Match], followed: frozenset[str]) -> list[Match]:
    """``found`` without the matches that an entry's ``unless_right_after`` rules out: those that
    start where a match of a named rule ends, with only spaces and commas between. A dropped match
    still ends a chain ("Dr. Zinman, director [of the Diabetes Centre] [at Mount Sinai Hospital]":
    both are the one person's affiliation)."""
    kept: list[Match] = []
    ends: dict[str, int] = {}
    for match in found:
        after = match.entry.unless_right_after
        if not after or not any(
            (end := ends.get(rule)) is not None
            and end <= match.start
            and not text[end : match.start].strip(_BETWEEN)
            for rule in after
        ):
            kept.append(match)
        if match.entry.rule in followed:
            ends[match.entry.rule] = max(ends.get(match.entry.rule, -1), match.end)
    return kept


_BETWEEN = " ,\t\n\r\u00a0"
_WITHIN_KEPT = 20_000
"""Term spans remembered per matcher (``Matcher._entries_within``); past this it starts again."""
_WORD_END = re.compile(r"\w(?!\w)")


def _word_ends(text: str, start: int, end: int) -> list[int]:
    """``end`` and every earlier word end inside ``text[start:end]``, longest first."""
    inner = [m.end() for m in _WORD_END.finditer(text, start, end) if m.end() < end]
    return [end, *reversed(inner)]


def _trie_regex(terms: list[str]) -> re.Pattern[str] | None:
    """One regex for all terms, whole words, case-insensitive, longest match first."""
    trie = _build_trie(terms)
    if not trie:
        return None
    first_chars = "".join(sorted({re.escape(c) for c in trie if c not in _CHAR_CLASSES}))
    body = _trie_to_regex(trie)
    # A leading lookahead on the first character lets `re` skip ahead quickly between candidates.
    lead = f"(?=[{first_chars}])" if first_chars and len(first_chars) == len(trie) else ""
    return regex_cache.compile(rf"{lead}(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _lowered_trie_regex(terms: list[str]) -> re.Pattern[str] | None:
    """The trie of ``_trie_regex`` for lowered text: case-sensitive, ASCII letters as plain
    literals (``(?i:...)`` outside ASCII), taking the non-word character before a term (its
    start is group 1)."""
    trie = _build_trie(terms)
    if not trie:
        return None
    return regex_cache.compile(rf"\W({_trie_to_regex(trie, lowered=True)})(?!\w)")


def _c_term_trie(terms: list[str]) -> CTrie | None:
    """The lowered trie of ``_lowered_trie_regex`` for the C walker (trie 0), or None when it is
    not there. Each character of a term is one edge (a class of ``_CHAR_RULES``, an ASCII
    literal, or elsewhere what ``(?i:c)`` matches), numbered in the order the regex tries its
    branches (sorted characters), so ``first_hits`` finds the regex's own match."""
    if not terms or c_scanner() is None:
        return None
    lowered_terms = {t.lower() for t in terms}
    builder = CTrieBuilder()
    number = {c: builder.edge(c, functools.partial(_c_term_edge, c))
              for c in sorted({c for term in lowered_terms for c in term})}
    builder.add(tuple(map(number.__getitem__, term)) for term in lowered_terms)
    return builder.build()


def _c_term_edge(char: str, builder: CTrieBuilder) -> tuple[int, int, int, int]:
    if char in _CHAR_RULES:
        source, low, high = _CHAR_RULES[char]
        return (SET if (low, high) == (1, 1) else REPEAT), builder.charset(source), low, high
    if char.isascii():
        return SET, builder.literal(char), 1, 1
    return SET, builder.charset(f"(?i:{re.escape(char)})"), 1, 1


def _build_trie(terms: list[str]) -> dict[str, Any]:
    trie: dict[str, Any] = {}
    for term in {t.lower() for t in terms}:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}
    return trie


def _trie_to_regex(node: dict[str, Any], lowered: bool = False) -> str:
    branches = []
    ends_here = "" in node
    for char in sorted(k for k in node if k):
        atom = _CHAR_CLASSES.get(char, re.escape(char))
        if lowered and not char.isascii() and char not in _CHAR_CLASSES:
            atom = f"(?i:{atom})"
        branches.append(atom + _trie_to_regex(node[char], lowered))
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
