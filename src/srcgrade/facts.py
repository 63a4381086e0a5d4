"""The fact ledger, and checking an article's numeric claims against it.

Issue 3 ("numeric accuracy") makes SIFT's "trace the claim to its source" (Caulfield 2019)
mechanical: every number an article states is looked up in a ledger of facts taken from
peer-reviewed papers (``ratings/facts/<topic>.yaml``, one topic per file, schema
``facts.schema.json``), and gets one verdict:

- ``supported``: a fact with the same identifying words and unit agrees, within its tolerance and
  respecting the claim's qualifier ("over 50%" is not supported by 45%);
- ``contradicted``: the claim states the same measure with another value, or gives the fact's value
  a time frame it was not measured at ("one year later" for an 18-week figure);
- ``retracted_source``: the matching figure comes from a retracted paper (a claim whose own clause
  says the work was retracted reports the retraction, and is supported);
- ``outdated``: the matching fact has been overtaken by a later one (``superseded_by``);
- ``unverifiable``: anything else.

A false accusation is the worst error (issue 3: "prefer unverifiable to a wrong contradicted"), so
only a *verified* fact marked ``exclusive`` may contradict a claim, only when the claim's study arm
and time frame do not point elsewhere and its cue words are in the claim's own sentence (the
sentence before may support a claim, never accuse it), and a number that a different fact supports
is never called wrong. A claim whose clause names a study ("in MAPP2, 71%") is judged only by that
study's facts: one trial's figure neither supports nor contradicts a claim about another. A sentence
that names a measure ("33% were in remission") is not judged by facts about another measure whose
cues only the sentence before has, and a number whose own clause names a measure ("3 preparation
sessions") only by facts about it. A sentence that points to another study than a fact's (a year,
an author, a sample size or a design word that do not describe it) is not judged by that fact; one
that may be about another study (such words in the sentence before, "a separate study", "a Swiss
study", a value another study found for the measure) is never contradicted. A clause about what
is planned ("and a 12-month follow-up is planned") reports no result, so its words pick no fact
(they may still keep one from accusing). A cell of a pipe table reads its column's header and the
table's caption as support only, and one the ledger cannot place is left out rather than counted
unverifiable. Adding a topic is a new YAML file and no code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from srcgrade.detect.numbers import durations as _durations
from srcgrade.detect.numbers import previous_sentence, sentence_spans, time_points
from srcgrade.model import Claim, Origin, Problem
from srcgrade.pattern_scan import lowered
from srcgrade.yamlio import YamlDoc, check_schema, load_yaml

STATUSES = ("verified", "secondary", "retracted")
_STATUS_RANK = {"verified": 2, "secondary": 1, "retracted": 0}
_PERCENT_UNITS = ("percent", "percentage_points")


@dataclass(frozen=True, slots=True)
class Source:
    """A paper or document that facts cite."""

    key: str
    authors: tuple[str, ...]
    title: str
    year: int
    journal: str | None = None
    doi: str | None = None
    url: str | None = None
    publisher: str | None = None
    retraction: str | None = None

    def citation(self) -> str:
        """A short citation to follow: "Mitchell et al. 2021, Nat Med, doi:10.1038/..." """
        who = _who(self.authors)
        where = self.journal or (self.publisher if self.publisher != who else None)
        parts = [f"{who} {self.year}", *([where] if where else [])]
        if self.doi:
            parts.append(f"doi:{self.doi}")
        elif self.url:
            parts.append(self.url)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Fact:
    """One checkable number from one source (see ``ratings/facts/*.yaml``)."""

    id: str
    topic: str
    statement: str
    value: float
    unit: str
    tolerance: float
    endpoint: str
    cues: tuple[tuple[str, ...], ...]
    source: Source
    status: str
    population: str | None = None
    arm: str | None = None
    time_frame: str | None = None
    time_frame_words: tuple[str, ...] = ()
    exclusive: bool = False
    superseded_by: str | None = None
    summary: str | None = None
    origin: Origin | None = None
    measures: tuple[str, ...] = ()
    """The topic's measures (``measures`` in the ledger) its endpoint names ("remission")."""
    weeks: tuple[float, ...] = field(init=False, default=())
    """The durations in the time frame, in weeks ("18 weeks" -> 18.0), read once."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "weeks", tuple(_durations(self.time_frame or "")))


@dataclass(frozen=True, slots=True)
class Topic:
    """A ledger file's header: which articles it applies to, its study arms, and the studies
    prose names (by the key of their source)."""

    id: str
    label: str
    cues: tuple[tuple[str, ...], ...] = ()
    arms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    studies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    measures: tuple[tuple[str, tuple[str, ...]], ...] = ()
    complements: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Phrases stating a measure as its opposite ("still met the criteria"), by measure."""
    designs: tuple[str, ...] = ()
    """Words describing a study's design or part ("open-label", "pilot", "extension")."""
    elsewhere: tuple[str, ...] = ()
    """Words placing a figure in a study other than the one under discussion ("separate")."""
    subject: tuple[str, ...] = ()
    """The words naming what the topic's facts are about ("MDMA", "midomafetamine"): a fact
    with no study arm contradicts only a claim whose clause names it (``_Context.off_subject``).
    ``_NO_WORDS`` when the key is given but holds no words: then such a fact contradicts nothing
    (a typo in the guard must not make the ledger accuse more)."""
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class _Profile:
    """What identifies one source's study in prose: its years, its authors' surnames, the sample
    sizes its facts state, and the text describing it (title, statements, populations, endpoints),
    in which a design word must occur to describe it."""

    years: frozenset[int]
    surnames: tuple[str, ...]
    sizes: frozenset[float]
    text: str


def _profiles(facts: Iterable[Fact]) -> dict[str, _Profile]:
    by_source: dict[str, list[Fact]] = {}
    for fact in facts:
        by_source.setdefault(fact.source.key, []).append(fact)
    profiles = {}
    for key, group in by_source.items():
        source = group[0].source
        texts = [source.title]
        for f in group:
            texts += [f.statement, f.population or "", f.endpoint]
        years = {source.year} | {int(f.value) for f in group if f.unit == "year"}
        # sample sizes: counts of people that are not an outcome ("5 had severe adverse events")
        sizes = {f.value for f in group if f.unit == "people" and not f.measures}
        profiles[key] = _Profile(
            years=frozenset(years),
            surnames=tuple(s for a in source.authors if (s := _surname(a)) != a),
            sizes=frozenset(sizes),
            text=" ".join(texts),
        )
    return profiles


@dataclass
class Ledger:
    """Facts by id, indexed by unit for matching; built once, then only read."""

    facts: dict[str, Fact] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    _by_unit: dict[str, tuple[Fact, ...]] = field(default_factory=dict, init=False, repr=False)
    profiles: dict[str, _Profile] = field(default_factory=dict, init=False, repr=False)
    """Each source's profile (``_Profile``), by source key."""
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)
    """The surnames of the authors of each topic's sources, by topic id."""

    def __post_init__(self) -> None:
        by_unit: dict[str, list[Fact]] = {}
        for fact in self.facts.values():
            by_unit.setdefault(fact.unit, []).append(fact)
        self._by_unit = {unit: tuple(facts) for unit, facts in by_unit.items()}
        self.profiles = _profiles(self.facts.values())
        for fact in self.facts.values():
            names = self.surnames.setdefault(fact.topic, ())
            new = [n for n in self.profiles[fact.source.key].surnames if n not in names]
            self.surnames[fact.topic] = names + tuple(new)

    def __len__(self) -> int:
        return len(self.facts)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def with_unit(self, unit: str) -> tuple[Fact, ...]:
        return self._by_unit.get(unit, ())

    def topics_in(self, text: str, low: str | bool | None = True) -> list[Topic]:
        """The ledger topics an article is about (all of a topic's cue groups occur in it).

        Most texts are on no topic: a substring test of each cue's first word on the lowered
        text rules a group out before its regex runs (the regex, ignore-case with a lookbehind,
        walks the text character by character: about 100 microseconds per 4 KB story). ``low``
        is ``pattern_scan.lowered(text)`` when the caller has it already (the scorer shares the
        matcher's); None skips the quick test.
        """
        if low is True:
            low = lowered(text)
        low = low if isinstance(low, str) else None
        # a topic with no cues (a misspelt `topic_cues`) is about nothing, not about everything
        return [t for t in self.topics.values() if t.cues and _all_cues(t.cues, text, low)]


# --- checking claims ---------------------------------------------------------------------------


def check_claims(
    claims: list[Claim],
    text: str,
    ledger: Ledger,
    article_date: dt.date | None = None,
) -> list[Claim]:
    """The claims with verdict, fact_id, source and note filled in, in text order.

    Year claims ("a 2016 meta-analysis", "initiated in 2018") that no fact's cues match are left
    out of the result: a date-ish mention with nothing to check it against is context, not a
    statistic, and counting it as unverifiable would lower the score of every article that gives
    some history. Every other claim is returned, unverifiable when nothing matches. "This year" and
    "next year" are read against ``article_date``.
    """
    if not claims:
        return []
    active = {t.id for t in ledger.topics_in(text)}
    state = _State(text, ledger, active, article_date, sorted(claims, key=lambda c: c.start))
    checked = []
    for claim in state.claims:
        result = _check(claim, state)
        if result is not None and result.verdict == "unverifiable" and state.table_context(claim):
            # "| MDMA | 67% |": a table cell the ledger cannot place, even with its header and
            # caption, is left out; it has no sentence to say what it measures, and counting it
            # as unverifiable would lower the article's score for its layout
            result = None
        if result is not None:
            state.remember(result)
            if result.verdict == "unverifiable" and not result.note:
                result = dataclasses.replace(result, note=_NOTHING_ON_IT)
            checked.append(result)
    return checked


class _Table(NamedTuple):
    """What a pipe table says about one of its cells, as spans of the text."""

    header: tuple[int, int] | None
    """The header cell of the cell's column ("| Arm | No longer met criteria |")."""
    caption: tuple[int, int] | None
    """The sentence before the table."""

    def spans(self) -> tuple[tuple[int, int], ...]:
        return tuple(span for span in (self.header, self.caption) if span)


_TABLE_ROW = re.compile(r"\s*\|.*\|\s*")


def _is_table_row(line: str) -> bool:
    """A row of a pipe table, as Markdown (GitHub Flavored Markdown, "Tables") writes it:
    "| MDMA | 67% |"."""
    return bool(_TABLE_ROW.fullmatch(line))


NEAR = 2000
"""How many characters either side of a claim its sentence is read for (``_State.near``); no
sentence of the evaluation texts is as long as twice this."""
_SPACE = re.compile(r"\s")

_NOTHING_ON_IT = "the ledger has no fact on what this number measures"
"""The note of a number no fact's words are near: an empty cell taught students nothing."""


@dataclass
class _State:
    """What checking one article needs to remember from claim to claim."""

    text: str
    ledger: Ledger
    active: set[str]
    article_date: dt.date | None
    claims: list[Claim]
    sources_by_sentence: dict[int, set[str]] = field(default_factory=dict)
    article_sources: set[str] = field(default_factory=set)
    by_sentence: dict[int, list[Claim]] = field(default_factory=dict)
    previous: dict[int, tuple[int, int] | None] = field(default_factory=dict)
    cue_memo: dict[tuple[tuple[int, int], tuple[str, ...]], bool] = field(default_factory=dict)
    points: dict[tuple[int, int], list[tuple[str, float]]] = field(default_factory=dict)
    borrowed_study: dict[int, dict[str, tuple[str, str] | None]] = field(default_factory=dict)
    """Per claim (by start) and topic: the study its "the same trial" took from an earlier
    sentence, as (the study's first name in the ledger, the words the article says)."""
    starts: dict[int, list[int]] = field(default_factory=dict)
    """The starts of each sentence's claims (by the sentence's start), for bisecting."""
    sentence_labels: dict[tuple[int, str], tuple[str, ...]] = field(default_factory=dict)
    """The studies each sentence names, by (sentence start, topic id)."""
    counted: dict[int, tuple[list[int], list[Claim]]] = field(default_factory=dict)
    phrase_memo: dict[
        tuple[tuple[int, int], str, bool], tuple[list[int], list[re.Match[str]]]
    ] = field(default_factory=dict)
    read: str = ""
    """The text as cue words and study markers are read in it: ``text`` with every clause about
    what is planned or expected blanked (``_without_plans``)."""
    table_first: dict[int, int] = field(default_factory=dict)
    """The first row's start of the pipe table each row (by its line's start) belongs to."""
    piped: dict[int, bool] = field(default_factory=dict)
    """Whether each sentence (by its start) holds a "|", the mark of a table row."""
    newlines: list[int] = field(default_factory=list)
    rows: dict[int, bool] = field(default_factory=dict)
    """Whether each line (by its start) is a table row."""

    def __post_init__(self) -> None:
        for claim in self.claims:
            self.by_sentence.setdefault(claim.sentence_start, []).append(claim)
        self.starts = {k: [c.start for c in same] for k, same in self.by_sentence.items()}
        self.read = _without_plans(self.text, [c.start for c in self.claims])

    def cues_in(self, groups: tuple[tuple[str, ...], ...], span: tuple[int, int]) -> bool:
        """Whether every cue group has a phrase in ``text[span]``; remembered per span, since the
        claims of one sentence are checked against the same facts."""
        for group in groups:
            key = (span, group)
            found = self.cue_memo.get(key)
            if found is None:
                found = self.cue_memo[key] = bool(_phrase_pattern(group).search(self.read, *span))
            if not found:
                return False
        return True

    def table_context(self, claim: Claim) -> _Table | None:
        """None unless the claim sits in a row of a pipe table ("| MDMA | 67% |"); then what the
        table says about its cell: the header of its column and the sentence before the table
        (its caption, or the prose that introduces it)."""
        text = self.text
        piped = self.piped.get(claim.sentence_start)
        if piped is None:
            piped = self.piped[claim.sentence_start] = "|" in claim.sentence
        if not piped:
            return None
        if not self.newlines:  # read once, and only in an article with a pipe
            self.newlines = [-1, *(m.start() for m in re.finditer("\n", text)), len(text)]
        i = bisect_left(self.newlines, claim.start)
        line, end = self.newlines[i - 1] + 1, self.newlines[i]
        if line not in self.rows:
            self.rows[line] = _is_table_row(text[line:end])
        if not self.rows[line]:
            return None
        first = self._table_first(line)
        header = None
        if first != line:
            column = text.count("|", line, claim.start)
            header_end = text.find("\n", first)
            pipes = [i for i in range(first, header_end) if text[i] == "|"]
            if 0 < column < len(pipes):
                header = (pipes[column - 1] + 1, pipes[column])
        return _Table(header, self.previous_sentence(first))

    def _table_first(self, line: int) -> int:
        """The start of the first row of the pipe table whose row starts at ``line``."""
        text, seen = self.text, []
        first = line
        while first > 0 and first not in self.table_first:
            above = text.rfind("\n", 0, first - 1) + 1
            if not _is_table_row(text[above : first - 1]):
                break
            seen.append(first)
            first = above
        first = self.table_first.get(first, first)
        for row in (line, *seen):
            self.table_first[row] = first
        return first

    def time_points(self, claim: Claim) -> list[tuple[str, float]]:
        """The time points of the claim's own clause ("At 18 weeks, 67% no longer met the
        criteria"): a time point after ";" or ", and" ("..., and a 12-month follow-up is
        planned") dates another statement, so it cannot make the claim look mistimed."""
        span = _clause_span(claim, self.text)
        if span not in self.points:
            self.points[span] = time_points(self.text[span[0] : span[1]])
        return self.points[span]

    def previous_sentence(self, sentence_start: int) -> tuple[int, int] | None:
        if sentence_start not in self.previous:
            self.previous[sentence_start] = previous_sentence(self.text, sentence_start)
        return self.previous[sentence_start]

    def neighbours(self, claim: Claim) -> tuple[Claim | None, Claim | None]:
        """The claims just before and after ``claim`` in its sentence."""
        same = self.by_sentence.get(claim.sentence_start, [])
        i = bisect_left(self.starts[claim.sentence_start], claim.start) if len(same) > 1 else 0
        return (same[i - 1] if i > 0 else None), (same[i + 1] if i + 1 < len(same) else None)

    def phrase_hits(
        self,
        phrase: str,
        span: tuple[int, int],
        window: tuple[int, int],
        blank: tuple[int, int],
        raw: bool = False,
    ) -> list[str]:
        """The matches of one cue phrase in ``read[window]`` (``text`` when ``raw``; a part of
        the sentence ``span``), leaving out those that overlap ``blank`` (a claim's own words).
        The matches of a sentence are found once and reused for every claim in it: reading the
        sentence again for each of its claims would take time growing with the square of its
        length."""
        key = (span, phrase, raw)
        if key not in self.phrase_memo:
            read = self.text if raw else self.read
            hits = list(_phrase_pattern((phrase,)).finditer(read, *span))
            self.phrase_memo[key] = ([m.start() for m in hits], hits)
        starts, hits = self.phrase_memo[key]
        lo, hi = window
        return [
            m.group(0)
            for m in hits[bisect_left(starts, lo) : bisect_left(starts, hi)]
            if m.end() <= hi and (m.end() <= blank[0] or m.start() >= blank[1])
        ]

    def people(self, sentence_start: int) -> tuple[list[int], list[Claim]]:
        """The claims of a sentence that count people taking part (not "two therapists"), and
        their starts: the sample sizes a sentence states (``_markers``)."""
        if sentence_start not in self.counted:
            same = self.by_sentence.get(sentence_start, [])
            counted = [c for c in same if c.unit == "people" and not _STAFF.search(c.text)]
            self.counted[sentence_start] = ([c.start for c in counted], counted)
        return self.counted[sentence_start]

    def near(self, claim: Claim) -> tuple[int, int]:
        """The part of the claim's sentence read for it, as (start, end) in ``text``: all of it,
        unless it runs more than ``NEAR`` characters either side of the claim (a list of
        thousands of figures is no sentence; reading all of it for each of them would take time
        growing with the square of its length). Cut at whitespace, so no word is cut in two."""
        lo, hi = claim.sentence_start, claim.sentence_start + len(claim.sentence)
        if claim.start - lo > NEAR:
            ws = _SPACE.search(self.text, claim.start - NEAR, claim.start)
            lo = ws.start() if ws else claim.start
        if hi - claim.end > NEAR:
            cut = self.text.rfind(" ", claim.end, claim.end + NEAR)
            hi = cut if cut >= 0 else claim.end
        return lo, hi

    def remember(self, claim: Claim) -> None:
        if claim.verdict == "supported" and claim.fact_id:
            key = self.ledger.facts[claim.fact_id].source.key
            self.sources_by_sentence.setdefault(claim.sentence_start, set()).add(key)
            self.article_sources.add(key)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A fact whose cues and unit match a claim, with how well the rest agrees."""

    fact: Fact
    value_ok: bool
    time: str  # "ok", "none" (nothing to compare) or "conflict"
    time_said: str | None
    arm: int  # 2 agrees, 1 unknown, 0 disagrees
    own_sentence: bool
    sentence_names_study: bool  # the claim's sentence names this fact's study (and no other)
    exact: bool  # within the fact's own tolerance, not only the slack of "about" or words
    coherence: int  # 2: a neighbouring claim cites the same source; 1: the article does

    def rank(self) -> tuple[Any, ...]:
        return (
            self.time != "conflict",
            self.arm,
            len(self.fact.cues),
            self.own_sentence,
            self.sentence_names_study,
            self.exact,
            self.coherence,
            _STATUS_RANK[self.fact.status],
        )


def _check(claim: Claim, state: _State, anaphora: bool = True) -> Claim | None:
    """The claim judged. ``anaphora``: a clause that says "the same trial" names the study the
    sentences before named last (``_Context.study``); that borrowed study may support a claim,
    never accuse it, so a "contradicted" it leads to stands only when the plain reading (without
    it) says the same."""
    result = _check_plain(claim, state, anaphora)
    borrowed = [b for b in state.borrowed_study.get(claim.start, {}).values() if b]
    if not anaphora or result is None or not borrowed:
        return result
    name, said = borrowed[0]
    read = f"'{said}' read as {name}, the trial named before it"
    if result.verdict == "contradicted":
        plain = _check_plain(claim, state, anaphora=False)
        if plain is None or plain.verdict != "contradicted" or plain.fact_id != result.fact_id:
            return _verdict(claim, "unverifiable", None, f"{result.note}; {read}, which may "
                            "support a figure but not contradict it")
    return dataclasses.replace(result, note=f"{result.note}; {read}".lstrip("; "))


def _study_label(topic: Topic | None, key: str) -> str:
    """How the ledger's prose names a study ("MAPP1"), for a note a reader sees: its source key
    ("mapp1") is the ledger's own."""
    labels = dict(topic.studies).get(key) if topic else None
    return labels[0] if labels else key


def _check_plain(claim: Claim, state: _State, anaphora: bool) -> Claim | None:
    claim, year_note = _resolve_relative_year(claim, state.article_date)
    unit = "year" if claim.unit == "relative_year" else claim.unit
    own = (claim.sentence_start, claim.sentence_start + len(claim.sentence))
    previous = state.previous_sentence(claim.sentence_start)
    window = (previous[0], own[1]) if previous else own
    # a table cell also reads its table's header row and caption (``_State.table_context``): as
    # the sentence before, they may support a claim, never accuse it
    table = state.table_context(claim)
    spans = (window, *table.spans()) if table else (window,)
    context = _Context(claim, state, previous, anaphora)
    said = claim
    complement = context.complement() if unit == "percent" else None
    if complement:
        topic, measure, phrases = complement
        claim = context.claim = _complemented(claim)
        facts = [
            f
            for f in state.ledger.with_unit(unit)
            if f.topic == topic
            and measure in f.measures
            and _cues_in_any(state, tuple(g for g in f.cues if not set(g) & phrases), spans)
        ]
    else:
        facts = [
            f
            for f in state.ledger.with_unit(unit)
            if f.topic in state.active and _cues_in_any(state, f.cues, spans)
        ]
    if not facts:
        if unit == "percent" and not complement and (count := _share_as_count(claim, state)):
            return count
        return None if unit == "year" else _verdict(said, "unverifiable", None, "")
    if claim.unit == "relative_year":
        note = f"'{claim.text}' cannot be dated: the article has no date"
        return _verdict(claim, "unverifiable", None, note)
    facts = [f for f in facts if context.about_named_measure(f)]
    if table and table.header:  # the column's header names its measure ("| Dropped out |")
        facts = [f for f in facts if _header_allows(state, table.header, f)]
    if not facts and unit == "year":
        # the measure the sentence names ("67% no longer met the criteria") is another claim's:
        # a year is context, left out as when no fact's cues match ("published in 2021")
        return None
    if not facts:
        measures = ", ".join(sorted({m for t in state.active for m in context.measures(t)}))
        note = f"no fact in the ledger on {measures.replace('_', ' ')}"
        return _verdict(said, "unverifiable", None, note)
    named = {f.topic: context.study(f.topic) for f in facts}
    if any(named.values()):
        facts = [f for f in facts if named[f.topic] in (None, f.source.key)]
        if not facts:
            topic_id, study = next((t, s) for t, s in named.items() if s)
            label = _study_label(state.ledger.topics.get(topic_id), study)
            note = f"the ledger has this figure only for studies other than {label}"
            return _verdict(said, "unverifiable", None, note)
    away = {f.id: context.away(f) for f in facts}
    if all(away.values()):
        return _verdict(said, "unverifiable", None, _other_study_note(facts, away, context))
    facts = [f for f in facts if not away[f.id]]
    candidates = [context.candidate(f) for f in facts]
    hits = [c for c in candidates if c.value_ok]
    judge = _judge_hit if hits else _judge_miss
    result = judge(claim, hits or candidates, context)
    if complement:
        if result.verdict == "unverifiable" and not result.note:
            same = [c for c in candidates if c.arm != 0] or candidates
            nearest = min(same, key=lambda c: abs(c.fact.value - claim.value)).fact
            note = f"the ledger has {_about(nearest)}{_retracted(nearest)}"
            result = dataclasses.replace(result, note=note)
        result = _uncomplemented(result, said, complement[1])
    if year_note:
        result = dataclasses.replace(result, note=f"{result.note}; {year_note}".strip("; "))
    return result


def _header_allows(state: _State, header: tuple[int, int], fact: Fact) -> bool:
    """Whether a table column whose header cell is ``header`` may hold the fact's figure: a
    header naming measures of the fact's topic names the measure of every cell below it."""
    topic = state.ledger.topics.get(fact.topic)
    named = {k for k, words in (topic.measures if topic else ()) if state.cues_in((words,), header)}
    return not named or bool(named & set(fact.measures))


def _cues_in_any(
    state: _State, groups: tuple[tuple[str, ...], ...], spans: tuple[tuple[int, int], ...]
) -> bool:
    """Whether every cue group has a phrase in one of ``spans`` (each group may be in another)."""
    if len(spans) == 1:
        return state.cues_in(groups, spans[0])
    return all(any(state.cues_in((g,), span) for span in spans) for g in groups)


_SHARE_OF = re.compile(
    r"(?i)(\d{1,3})\s+(?:out\s+)?of\s+(?:the\s+|all\s+|its\s+|their\s+|those\s+|these\s+)?(\d{1,3})"
)


def _share_as_count(claim: Claim, state: _State) -> Claim | None:
    """ "9 of the 11 members voted no": a share whose whole is a number of people a study of the
    ledger states (the 11 advisers who voted) read as a count of them (9 people), when no
    percentage fact matches the share. It may support the claim, never accuse it: a count of
    people fits several facts of one study (9 against effectiveness, 10 against the benefits),
    and only a fact whose cues (which question, which way) are all in the claim's own clause
    supports it. None when the count is not so supported by a fact of the study that states
    the whole."""
    m = _SHARE_OF.fullmatch(claim.text)
    if not m:
        return None
    part, whole = float(m[1]), float(m[2])
    count = dataclasses.replace(
        claim, value=part, high=None, unit="people", qualifier=None, approximate=False
    )
    result = _check_plain(count, state, anaphora=False)
    fact = state.ledger.facts.get(result.fact_id or "") if result else None
    if result is None or result.verdict != "supported" or fact is None:
        return None
    if not state.cues_in(fact.cues, _clause_span(claim, state.text)):
        return None  # the question or the way of the vote named only in another sentence
    people = state.ledger.with_unit("people")
    if not any(f.value == whole and f.source.key == fact.source.key for f in people):
        return None
    note = f"read as {m[1]} of the {m[2]} people counted in {_short(fact.source)}; {result.note}"
    return dataclasses.replace(
        result,
        value=claim.value,
        unit=claim.unit,
        qualifier=claim.qualifier,
        approximate=claim.approximate,
        note=note,
    )


def _complemented(claim: Claim) -> Claim:
    """ "33% still met the criteria" as the share that no longer met them (67%): the value and a
    range are mirrored, "over" becomes "under" and the reverse; "nearly" becomes "about"."""
    low = 100 - (claim.high if claim.high is not None else claim.value)
    high = 100 - claim.value if claim.high is not None else None
    flip = {"over": "under", "under": "over", "at least": None, "nearly": "about", "up to": None}
    qualifier = flip.get(claim.qualifier, claim.qualifier) if claim.qualifier else None
    return dataclasses.replace(claim, value=low, high=high, qualifier=qualifier)


def _uncomplemented(result: Claim, said: Claim, measure: str) -> Claim:
    """A verdict reached through the complement, on the claim as stated. Arithmetic on what the
    article wrote is an inference of ours, so it may support the claim, never accuse it."""
    qualifier = f"{result.qualifier} " if result.qualifier else ""
    said_as = f"{qualifier}{_fmt(result.value, 'percent')} {measure.replace('_', ' ')}"
    read = f"read as its complement, {said_as}"
    result = dataclasses.replace(result, value=said.value, high=said.high, qualifier=said.qualifier)
    if result.verdict == "contradicted":
        return _verdict(result, "unverifiable", None, f"{read}: {result.note}")
    return dataclasses.replace(result, note=f"{read}; {result.note}".strip("; "))


def _other_study_note(facts: list[Fact], away: dict[str, list[str]], context: _Context) -> str:
    """Why no fact may judge a claim whose sentence is about another study; naming the ledger's
    study the sentence identifies (by a year, an author, a sample size or a name), if any. Only
    when the sentence names the measure of one of those facts (as for "nearest" notes): cue words
    alone ("patients") do not make the reader expect a check."""
    if not any(context.names_measure_of(f) for f in facts):
        return ""
    marks = ", ".join(dict.fromkeys(m for f in facts for m in away[f.id]))
    described = context.described_sources({f.topic for f in facts})
    if described:
        who = " or ".join(_short(s) for s in described)
        return (
            f"not checked: the sentence is about {who} ({marks}), not the matching figures' studies"
        )
    if all(m.endswith(" people") for f in facts for m in away[f.id]):
        # a number of people alone may be a population ("13 million American adults have PTSD")
        marks = marks.replace(" people", "")
        return f"not checked: the sentence counts other people ({marks}) than the matching figures"
    return f"not checked: the sentence describes another study ({marks}) than the matching figures"


def _judge_hit(claim: Claim, hits: list[_Candidate], context: _Context) -> Claim:
    """The claim's value matches at least one fact: the best-matching fact decides."""
    state = context.state
    best = max(hits, key=_Candidate.rank)
    fact = best.fact
    rivals = _rival_sources(best, hits, context)
    if rivals:
        return _supported_by_several(claim, [best, *rivals])
    if best.arm == 0:  # pointing at the other arm only when it is that arm's figure itself
        said = _fmt(fact.value, fact.unit)
        note = f"{said} is the ledger's figure for the {fact.arm} group{_retracted(fact)}"
        note = note if best.exact else ""
        return _verdict(claim, "unverifiable", None, note)
    if fact.status == "retracted":
        why = fact.source.retraction or "retracted"
        if _RETRACTION_WORD.search(state.text, *_clause_span(claim, state.text)):
            # "Psychopharmacology has retracted a 2019 pooled analysis": the article reports the
            # retraction, it does not present the retracted work as settled
            note = f"the article says the paper was retracted ({why}): {_about(fact)}"
            return _verdict(claim, "supported", fact, note)
        return _verdict(claim, "retracted_source", fact, f"from a {why} paper: {_about(fact)}")
    if best.time == "conflict" and (timely := context.timely_elsewhere(best)):
        # "67% a year later" is the (retracted) 12-month follow-up's figure, not MAPP1's 18-week
        # one mistimed: a fact the time point fits judges it
        result = _judge_hit(claim, [context.candidate(timely)], context)
        said = f"'{best.time_said}' fits {timely.time_frame}, not {fact.time_frame}"
        return dataclasses.replace(result, note=f"{result.note}; {said}".strip("; "))
    if best.time == "conflict":
        note = f"ledger says {fact.time_frame}, article says {best.time_said}"
        if fact.status != "verified":
            return _verdict(claim, "unverifiable", None, f"{note} (secondary source)")
        if not best.own_sentence:
            return _verdict(claim, "unverifiable", None, f"{note} ({_BORROWED})")
        if off := context.off_subject(fact):
            return _verdict(claim, "unverifiable", None, f"{note}; {off}")
        if away := context.away(fact, before=True):
            why = f"the article may mean another study ({', '.join(away)})"
            return _verdict(claim, "unverifiable", None, f"{note}; {why}")
        return _verdict(claim, "contradicted", fact, f"{note}; {_about(fact)}")
    if fact.superseded_by:
        later = state.ledger.facts.get(fact.superseded_by)
        if later is None:
            note = f"overtaken by fact '{fact.superseded_by}', which the ledger could not load"
            return _verdict(claim, "unverifiable", None, note)
        note = f"overtaken by a later fact: {_about(later)} ({later.source.citation()})"
        return _verdict(claim, "outdated", fact, note)
    note = _about(fact) + ("; secondary source" if fact.status == "secondary" else "")
    return _verdict(claim, "supported", fact, note)


_BORROWED = "the measure is named only in the sentence before"
# The claim's own clause says the work was retracted ("has retracted", "was later retracted",
# "the retraction of", "a now-retracted analysis"): the terms of COPE's retraction guidelines
# (Barbour et al. 2009, doi:10.24318/cope.2019.1.4).
_RETRACTION_WORD = re.compile(r"(?i)\bretract\w*")


def _rival_sources(best: _Candidate, hits: list[_Candidate], context: _Context) -> list[_Candidate]:
    """Facts of other studies with other figures that support the claim as well as ``best`` does
    ("about 7 in 10" fits MAPP1's 67% and MAPP2's 71.2%), when its sentence names no study.

    Only the match itself counts (time, arm, cues, own sentence, closeness), not which study the
    sentences around cite: "In the second trial, about 7 in 10..." after a sentence on MAPP1 is
    about MAPP2, and a wrong citation misleads more than two right ones. Studies that give the
    same figure (a trial and its re-analysis, both 90 participants) are not rivals: citing either
    is right, so the neighbours' source is kept.
    """
    key, value, matched = best.fact.source.key, best.fact.value, best.rank()[:6]
    tied = [
        h
        for h in hits
        if h.rank()[:6] == matched and h.fact.source.key != key and h.fact.value != value
    ]
    if not tied or any(not _plain_support(h) for h in (best, *tied)):
        return []
    return list({h.fact.source.key: h for h in tied}.values())


def _plain_support(c: _Candidate) -> bool:
    """Whether the candidate, if it decided, would simply support the claim."""
    return (
        c.arm != 0
        and c.time != "conflict"
        and c.fact.status != "retracted"
        and not c.fact.superseded_by
    )


def _supported_by_several(claim: Claim, tied: list[_Candidate]) -> Claim:
    """Supported, citing every study whose figure fits, since the claim does not say which."""
    figures = "; ".join(f"{c.fact.source.year}: {_about(c.fact)}" for c in tied)
    note = f"fits more than one study and the article does not say which ({figures})"
    return dataclasses.replace(
        claim,
        verdict="supported",
        fact_id=None,
        source=" or ".join(c.fact.source.citation() for c in tied),
        note=note,
        measure=tied[0].fact.endpoint,
        origin=None,
    )


def _judge_miss(claim: Claim, candidates: list[_Candidate], context: _Context) -> Claim:
    """No fact has the claim's value: contradicted only by a fact that leaves no doubt, whose cue
    words are in the claim's own sentence (context borrowed from the sentence before may support
    a claim, never accuse it: that sentence may be about another measure)."""
    accusers = [
        c
        for c in candidates
        if c.fact.exclusive
        and c.fact.status == "verified"
        and c.time != "conflict"
        and (c.arm == 2 or c.fact.arm is None)
        and c.own_sentence
    ]
    if accusers:
        best = max(accusers, key=_Candidate.rank)
        fact = best.fact
        said = _fmt(fact.value, fact.unit)
        if claim.unit == "year" and not context.state.cues_in(
            fact.cues, _event_clause(claim, context.state)
        ):
            note = (
                f"not checked against the ledger's {said} ({_measure(fact)}): the words naming "
                "that event are in another clause of the sentence, which may date another event"
            )
            return _verdict(claim, "unverifiable", None, note)
        if off := context.off_subject(fact):
            return _verdict(claim, "unverifiable", None, _not_accused(claim, fact, off))
        if away := context.away(fact, before=True):
            why = f"the article may mean another study ({', '.join(away)})"
            note = _not_accused(claim, fact, why)
            return _verdict(claim, "unverifiable", None, note)
        if other := context.explained_elsewhere(best):
            retracted = f", {other.source.retraction}" if other.source.retraction else ""
            why = (
                f"it is the figure of {other.source.citation()}{retracted} "
                f"({_measure(other)}); the sentence does not say which study"
            )
            return _verdict(claim, "unverifiable", None, _not_accused(claim, fact, why))
        note = f"article says {claim.text}, ledger says {said} ({_measure(fact)})"
        return _verdict(claim, "contradicted", fact, note)
    return _verdict(claim, "unverifiable", None, _miss_note(claim, candidates, context))


def _not_accused(claim: Claim, fact: Fact, why: str) -> str:
    """The note of a claim that a fact would contradict if the claim were surely about it."""
    return f"not checked against {_short(fact.source)}'s {_fmt(fact.value, fact.unit)}: {why}"


def _short(source: Source) -> str:
    """ "Mitchell et al. 2021" """
    return f"{_who(source.authors)} {source.year}"


def _miss_note(claim: Claim, candidates: list[_Candidate], context: _Context) -> str:
    """What the ledger does know about the measure, so the reader can look further (the report
    already says that no source was found).

    Only facts about a measure the claim's sentence names are shown: cue words alone ("group",
    "received") do not make "5% of Americans have PTSD" a claim about the share given placebo,
    and a note pointing there would mislead more than silence.
    """
    candidates = [c for c in candidates if context.names_measure_of(c.fact)]
    if not candidates:
        return ""
    same_arm = [c for c in candidates if c.arm != 0]
    if not same_arm:
        arms = sorted({c.fact.arm or "whole" for c in candidates})
        return f"the ledger has this measure only for the {' and '.join(arms)} group"
    nearest = min(same_arm, key=lambda c: abs(c.fact.value - claim.value)).fact
    said = _fmt(nearest.value, nearest.unit)
    retracted = f", {_retraction(nearest)}" if nearest.status == "retracted" else ""
    cited = f"{nearest.source.citation()}{retracted}"
    return f"nearest in the ledger: {said}, {_measure(nearest)} ({cited})"


def _retraction(fact: Fact) -> str:
    """ "retracted August 2024" """
    return fact.source.retraction or "retracted"


def _retracted(fact: Fact) -> str:
    """A note citing a retracted fact says so: " (Jerome et al. 2020, retracted August 2024)";
    a student would otherwise take the figure for a valid one."""
    return f" ({_short(fact.source)}, {_retraction(fact)})" if fact.status == "retracted" else ""


class _Context:
    """One claim's surroundings, worked out once and shared by all the facts it is compared with."""

    def __init__(self, claim: Claim, state: _State, previous: tuple[int, int] | None,
                 anaphora: bool = True):
        self.claim = claim
        self.state = state
        self.anaphora = anaphora
        self.own = (claim.sentence_start, claim.sentence_start + len(claim.sentence))
        self.neighbours = set(state.sources_by_sentence.get(claim.sentence_start, ()))
        if previous:
            self.neighbours |= state.sources_by_sentence.get(previous[0], set())
        self.arms: dict[str, str | None] = {}
        self.studies: dict[str, str | None] = {}
        self.named_measures: dict[str, frozenset[str]] = {}
        self.sentence_studies: dict[str, str | None] = {}
        self.clause_named: dict[str, frozenset[str]] = {}
        self.marks: dict[tuple[str, bool, bool], _Markers] = {}
        self.previous = previous

    def topic(self, topic_id: str) -> Topic | None:
        return self.state.ledger.topics.get(topic_id)

    def clause_measures(self, topic_id: str) -> frozenset[str]:
        """The measures the claim's own clause names ("50% of those given MDMA no longer met
        criteria", "3 preparation sessions"): only facts about one of them may judge it, however
        many cue words ("given") a fact about another has in the sentence."""
        if topic_id not in self.clause_named:
            topic = self.topic(topic_id)
            labels = topic.measures if topic else ()
            found = _clause_labels(self.claim, self.state, labels, with_claim=True)
            self.clause_named[topic_id] = frozenset(found)
        return self.clause_named[topic_id]

    def complement(self) -> tuple[str, str, frozenset[str]] | None:
        """(topic, measure, the measure's phrases) when the claim's clause states a measure of an
        active topic as its opposite ("33% still met the criteria")."""
        for topic_id in sorted(self.state.active):
            topic = self.topic(topic_id)
            if topic is None or not topic.complements:
                continue
            found = _clause_labels(self.claim, self.state, topic.complements, with_claim=True)
            if len(found) == 1:
                phrases = frozenset(dict(topic.measures).get(found[0], ()))
                return topic_id, found[0], phrases
        return None

    def markers(self, topic_id: str, before: bool, raw: bool = False) -> _Markers:
        """What the claim's sentence (or, ``before``, the sentence before it) says about which
        study the figure comes from; ``raw``: read in the text as written, planned clauses and
        all (``_State.read``)."""
        key = (topic_id, before, raw)
        if key not in self.marks:
            self.marks[key] = _markers(self, topic_id, before, raw)
        return self.marks[key]

    def away(self, fact: Fact, before: bool = False) -> list[str]:
        """The words of the claim's sentence that point to another study than the fact's (a year,
        an author, a named study, a sample size, a design the study does not have); with
        ``before``, those of the sentence before and the topic's ``elsewhere`` words as well,
        unless the claim's sentence names the fact's study. Empty: nothing points elsewhere."""
        profile = self.state.ledger.profiles[fact.source.key]
        own = self.markers(fact.topic, False)
        away = own.away_from(fact.source.key, profile)
        if before and fact.source.key not in own.studies:
            # read as written: a clause about a plan may not pick a fact, but its words ("an
            # open-label extension is planned") still keep one from accusing
            previous = self.markers(fact.topic, True, raw=True)
            away += previous.away_from(fact.source.key, profile)
            away += list(own.elsewhere + previous.elsewhere)
            if self.state.read is not self.state.text:
                as_written = self.markers(fact.topic, False, raw=True)
                away += as_written.away_from(fact.source.key, profile)
                away += list(as_written.elsewhere)
        return list(dict.fromkeys(away))

    def off_subject(self, fact: Fact) -> str:
        """Why a fact with no study arm (a regulatory decision, its year) may not accuse the
        claim: its own clause (a year's event clause) names neither the topic's subject nor one
        of its studies, nor refers back to them ("it", "the drug", "the application") in a
        sentence that names them, so it may be about another treatment ("the FDA rejected
        esketamine in 2019" in an article on MDMA). A noun phrase that is bare or indefinite
        introduces a new referent; one that is definite or a pronoun refers back (Huddleston &
        Pullum 2002, ch. 5), but "it" may be the regulator and "the psilocybin treatment" another
        drug, so the sentence must name the subject too. Empty when the fact has an arm (the
        arm's words were read) or the topic names no subject."""
        topic = self.topic(fact.topic)
        if fact.arm is not None or topic is None or not topic.subject:
            return ""
        state, claim = self.state, self.claim
        span = (
            _event_clause(claim, state) if claim.unit == "year" else _clause_span(claim, state.text)
        )
        if topic.subject == _NO_WORDS:  # given, but not as a list of words: accuse nothing
            return "the ledger's `subject` is not a list of words (see `srcgrade validate`)"
        names = (topic.subject, *(words for _, words in topic.studies))
        if any(state.cues_in((words,), span) for words in names):
            return ""
        sentence = (claim.sentence_start, claim.sentence_start + len(claim.sentence))
        if _REFERS_BACK.search(state.text, *span) and any(
            state.cues_in((words,), sentence) for words in names
        ):  # "it" alone may be the regulator or another drug: its sentence must name the subject
            return ""
        return (
            f"its sentence does not say it is about {topic.subject[0]}, so it may be about "
            "another treatment"
        )

    def described_sources(self, topics: set[str]) -> list[Source]:
        """The ledger's sources that the claim's sentence identifies: its years, authors, sample
        sizes or study names (at least one of them) all fit the source."""
        found: dict[str, Source] = {}
        ledger = self.state.ledger
        for fact in ledger:
            key = fact.source.key
            if fact.topic not in topics or key in found:
                continue
            marks = self.markers(fact.topic, False)
            if not (marks.studies or marks.surnames or marks.years or marks.sizes):
                continue
            if not marks.away_from(key, ledger.profiles[key]):
                found[key] = fact.source
        return list(found.values())

    def explained_elsewhere(self, candidate: _Candidate) -> Fact | None:
        """Another study's fact on the same measure and arm that the claim's value fits ("56% at
        treatment exit" is the phase 2 follow-up's figure, not a wrong MAPP1 one), unless the
        claim names the accusing fact's study."""
        fact = candidate.fact
        key = fact.source.key
        if not fact.measures or key in (self.study(fact.topic), self.sentence_study(fact.topic)):
            return None
        arm = self.arm(fact.topic)
        points = self.state.time_points(self.claim)
        for other in self.state.ledger.with_unit(fact.unit):
            if (
                other.topic == fact.topic
                and other.source.key != key
                and set(other.measures) & set(fact.measures)
                and (other.arm is None or other.arm == (arm or fact.arm))
                and _value_ok(self.claim, other)
                and _time_agreement(points, other)[0] != "conflict"
                and not self.away(other)
            ):
                return other
        return None

    def timely_elsewhere(self, candidate: _Candidate) -> Fact | None:
        """Another fact on the candidate's measure and arm with the claim's value, measured at
        the time point the claim states ("67% a year later": the 12-month follow-up's 67%, not
        MAPP1's 67% at 18 weeks), whatever its cue words: a time frame that conflicts with one
        fact does not make a figure wrong when another fact has that figure at that time."""
        fact = candidate.fact
        if not fact.measures:
            return None
        arm = self.arm(fact.topic)
        points = self.state.time_points(self.claim)
        for other in self.state.ledger.with_unit(fact.unit):
            if (
                other.id != fact.id
                and other.topic == fact.topic
                and set(other.measures) & set(fact.measures)
                and (other.arm is None or other.arm == (arm or fact.arm))
                and self.study(fact.topic) in (None, other.source.key)
                and _value_ok(self.claim, other)
                and _time_agreement(points, other)[0] == "ok"
                and not self.away(other)
            ):
                return other
        return None

    def arm(self, topic_id: str) -> str | None:
        if topic_id not in self.arms:
            topic = self.state.ledger.topics.get(topic_id)
            self.arms[topic_id] = _named_in_clause(self.claim, self.state, topic and topic.arms)
        return self.arms[topic_id]

    def study(self, topic_id: str) -> str | None:
        """The study the claim's clause names ("in MAPP2, 71%"): only its facts can judge the
        claim, so a figure of one trial does not support or contradict a claim about another."""
        if topic_id not in self.studies:
            topic = self.state.ledger.topics.get(topic_id)
            labels = topic and topic.studies
            named = _named_in_clause(self.claim, self.state, labels)
            if named is None and self.anaphora and labels:
                same = _same_study(self.claim, self.state, labels)
                borrowed = self.state.borrowed_study.setdefault(self.claim.start, {})
                borrowed[topic_id] = None
                if same is not None:
                    named, said = same
                    borrowed[topic_id] = (dict(labels)[named][0], said)
            self.studies[topic_id] = named
        return self.studies[topic_id]

    def measures(self, topic_id: str) -> frozenset[str]:
        """The topic's measures ("remission", "dropout") the claim's own sentence names."""
        if topic_id not in self.named_measures:
            topic = self.state.ledger.topics.get(topic_id)
            labels = topic.measures if topic else ()
            self.named_measures[topic_id] = frozenset(
                k for k, words in labels if self.state.cues_in((words,), self.own)
            )
        return self.named_measures[topic_id]

    def about_named_measure(self, fact: Fact) -> bool:
        """Whether the fact may judge the claim: a sentence that names measures ("33% were in
        remission") is about one of them, not about a measure whose cue words only the sentence
        before has. A fact whose cues are in the claim's own sentence stays: that sentence names
        its measure too ("84 percent of the sample had childhood trauma, and they responded")."""
        clause = self.clause_measures(fact.topic)
        if clause:
            return bool(clause & set(fact.measures))
        named = self.measures(fact.topic)
        return (
            not named or bool(named & set(fact.measures)) or self.state.cues_in(fact.cues, self.own)
        )

    def names_measure_of(self, fact: Fact) -> bool:
        """Whether the claim's sentence names the measure the fact is about."""
        return bool(self.measures(fact.topic) & set(fact.measures))

    def sentence_study(self, topic_id: str) -> str | None:
        """The one study the claim's whole sentence names, if exactly one (for choosing which
        study's figure to cite, never for ruling facts out)."""
        if topic_id not in self.sentence_studies:
            memo = self.state.sentence_labels
            key = (self.claim.sentence_start, topic_id)
            if key not in memo:
                topic = self.state.ledger.topics.get(topic_id)
                memo[key] = _labels_in(topic.studies, self.claim.sentence) if topic else ()
            named = memo[key]
            self.sentence_studies[topic_id] = named[0] if len(named) == 1 else None
        return self.sentence_studies[topic_id]

    def candidate(self, fact: Fact) -> _Candidate:
        claim, key = self.claim, fact.source.key
        time, said = _time_agreement(self.state.time_points(claim), fact)
        arm = self.arm(fact.topic)
        return _Candidate(
            fact=fact,
            value_ok=_value_ok(claim, fact),
            time=time,
            time_said=said,
            arm=1 if arm is None or fact.arm is None else 2 * (arm == fact.arm),
            own_sentence=self.state.cues_in(fact.cues, self.own),
            sentence_names_study=self.sentence_study(fact.topic) == key,
            exact=_value_exact(claim, fact),
            coherence=2 if key in self.neighbours else int(key in self.state.article_sources),
        )


# A proper noun that places or names a study ("a Swiss study", "a trial at Johns Hopkins"): a
# study the article identifies by where it was run, which the ledger's facts do not record.
_PLACED_STUDY = re.compile(
    r"\b(?P<a>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)\s+(?:study|studies|trial|trials)\b"
    r"|\b(?:study|studies|trial|trials)\s+(?:in|at|from)\s+(?:the\s+)?(?P<b>[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)"
)
# Words that refer back to a treatment already named: the pronoun "it", and a definite or
# possessive noun phrase whose head names a treatment or the request to approve one ("the drug",
# "its application", "the company's submission"). "They" and a bare "its" are left out: they as
# often mean the regulator ("the FDA said its advisers...").
_REFERS_BACK = re.compile(
    r"(?i)\bit\b(?![\x27\u2019]s\b)"
    r"|\b(?:the|this|that|these|those|its|their)\s+(?:[\w\x27\u2019-]+\s+){0,2}?"
    r"(?:drugs?|medicines?|medications?|compounds?|substances?|therap(?:y|ies)|treatments?"
    r"|applications?|submissions?|requests?|bids?|approach)\b"
)
_NO_WORDS = ("",)
"""A topic's ``subject`` given but holding no words (a typo): see ``Topic.subject``."""
_YEAR = re.compile(r"(?<![\w.,/$€£-])(?:19[5-9]\d|20[0-4]\d)(?![\w-]|[.,/]\d)")


# People who run, treat or judge a study rather than take part in it ("with two therapists",
# "9 of the 11 members"): their number is not a sample size, so it does not place the sentence
# in another study (CONSORT 2010 item 15 counts participants; staff are intervention details).
_STAFF = re.compile(
    r"(?i)\b(?:therapists|clinicians|doctors|physicians|nurses|psychiatrists|psychologists"
    r"|panelists|members|investigators|researchers|experts|advisers|advisors|facilitators)$"
)


@dataclass(frozen=True, slots=True)
class _Markers:
    """What a sentence says about which study a figure comes from. Within each kind, one
    marker that describes a study is enough (but every number of people counted in the sentence
    must be one the study's facts state): a sentence naming two ("In MAPP1 and MAPP2", "after
    phase 1 and 2, phase 3 was initiated in 2018") may be about either."""

    studies: frozenset[str] = frozenset()  # study keys named by their `studies` phrases
    aliases: tuple[str, ...] = ()  # the phrases that named them
    surnames: tuple[str, ...] = ()  # surnames of the topic's authors
    years: tuple[int, ...] = ()
    sizes: tuple[float, ...] = ()  # people counted in the same sentence
    sizes_said: tuple[str, ...] = ()  # the same, as a note writes them ("90 people")
    designs: tuple[tuple[str, str], ...] = ()  # (`designs` phrase, as written)
    elsewhere: tuple[str, ...] = ()  # `elsewhere` phrases, as written

    def away_from(self, key: str, profile: _Profile) -> list[str]:
        away: list[str] = []
        if (
            self.studies
            and key not in self.studies
            and not any(_phrase_pattern((a,)).search(profile.text) for a in self.aliases)
        ):
            away += self.aliases
        if self.surnames and not set(self.surnames) & {s.lower() for s in profile.surnames}:
            away += [s.title() for s in self.surnames]
        if self.years and not set(self.years) & profile.years:
            away += [str(y) for y in self.years]
        if self.sizes and not set(self.sizes) <= profile.sizes:
            away += self.sizes_said
        if self.designs and not any(
            _phrase_pattern((d,)).search(profile.text) for d, _ in self.designs
        ):
            away += [w for _, w in self.designs]
        return away


def _markers(context: _Context, topic_id: str, before: bool, raw: bool) -> _Markers:
    state, claim, topic = context.state, context.claim, context.topic(topic_id)
    if topic is None:
        return _Markers()
    lo, hi = state.near(claim)
    read = state.text if raw else state.read
    if before:
        if context.previous is None:
            return _Markers()
        span = window = context.previous
        blank = (0, 0)
        text = read[span[0] : span[1]]
    else:  # the claim's own words ("a 2016 meta-analysis") read as blank
        span, window, blank = context.own, (lo, hi), (claim.start, claim.end)
        spaces = " " * (claim.end - claim.start)
        text = f"{read[lo : claim.start]}{spaces}{read[claim.end : hi]}"

    def found(phrases: tuple[str, ...]) -> list[str]:
        return [h for p in phrases for h in state.phrase_hits(p, span, window, blank, raw)]

    studies = {k: found(words) for k, words in topic.studies}
    surnames = found(state.ledger.surnames.get(topic_id, ()))
    years: tuple[int, ...] = ()
    sizes: list[Claim] = []
    if not before:
        if claim.unit not in ("year", "relative_year"):
            years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))
        starts, counted = state.people(claim.sentence_start)
        nearby = counted[bisect_left(starts, lo) : bisect_left(starts, hi)]
        sizes = [c for c in nearby if c.start != claim.start]
    return _Markers(
        studies=frozenset(k for k, hits in studies.items() if hits),
        aliases=tuple(dict.fromkeys(h for hits in studies.values() for h in hits)),
        surnames=tuple(dict.fromkeys(s.lower() for s in surnames)),
        years=years,
        sizes=tuple(c.value for c in sizes),
        sizes_said=tuple(_fmt(c.value, "people") for c in sizes),
        designs=tuple((p, w) for p in topic.designs for w in dict.fromkeys(found((p,)))),
        elsewhere=tuple(dict.fromkeys([*found(topic.elsewhere), *_places(text)])),
    )


def _places(text: str) -> list[str]:
    """The proper nouns that place or name a study in ``text`` ("Swiss", "Johns Hopkins"); a
    capitalised word that only starts the sentence ("Trial results") is not one."""
    found = []
    for m in _PLACED_STUDY.finditer(text):
        name = m.group("a") or m.group("b")
        start = m.start("a") if m.group("a") else m.start("b")
        if m.group("a") and not text[:start].strip():
            continue  # sentence-initial: capitalised anyway
        if m.group("a") and name.split()[0] in ("The", "This", "That", "Phase", "First", "Second"):
            continue
        found.append(name)
    return found


def _value_ok(claim: Claim, fact: Fact) -> bool:
    """Whether the fact's value makes the claim true, reading its qualifier and rounding.

    "over 50%" needs more than 50% (less the fact's tolerance); "nearly 70%" and "up to 70%" allow
    up to 10% below; "about", "roughly" and numbers in words ("half", "twice") 10% either way.
    """
    v, tol = fact.value, fact.tolerance
    low, high = claim.value, claim.high if claim.high is not None else claim.value
    if fact.unit == "points":  # "fell 24 points" and "-24.4" are the same change
        v, low, high = abs(v), abs(low), abs(high)
    slack = max(tol, 0.1 * abs(low))
    q = claim.qualifier
    if claim.high is not None:
        return low - tol <= v <= high + tol
    if q == "over":
        return v > low - tol
    if q == "at least":
        return v >= low - tol
    if q == "under":
        return v < low + tol
    if q in ("nearly", "up to"):
        return low - slack <= v <= low + tol
    if q == "about" or claim.approximate:
        return abs(v - low) <= slack
    return abs(v - low) <= tol


def _value_exact(claim: Claim, fact: Fact) -> bool:
    """Whether the claim's number is the fact's within its tolerance, without the slack that
    "about" and numbers in words get: "two-thirds" is MAPP1's 67%, not MAPP2's 71.2%."""
    if claim.high is not None:
        return claim.value - fact.tolerance <= fact.value <= claim.high + fact.tolerance
    return abs(abs(fact.value) - abs(claim.value)) <= fact.tolerance


def _time_agreement(points: list[tuple[str, float]], fact: Fact) -> tuple[str, str | None]:
    """Does a time point the claim's sentence states fit the fact's time frame?

    Only a fact with a duration in its time frame can be contradicted on time; a time point that
    names one of the fact's ``time_frame_words`` or lies within 25% of its duration agrees.
    """
    weeks = fact.weeks
    if not points or not (weeks or fact.time_frame_words):
        return "none", None
    words = [w.lower() for w in fact.time_frame_words]
    for said, said_weeks in points:
        if any(w in said.lower() for w in words):
            return "ok", said
        if any(abs(said_weeks - w) <= 0.25 * w for w in weeks):
            return "ok", said
    return ("conflict", points[0][0]) if weeks else ("none", None)


_SEPARATOR = re.compile(
    r"(?i)\b(?:compared\s+(?:to|with)|versus|vs\b\.?|as\s+against|whereas|while|than)\b|;"
)

# Where one statement ends and another, with its own subject or verb, begins: a semicolon, a
# comma before a coordinating or concessive conjunction (", and", ", but", ", while"), "and"
# before a comma that opens an inserted clause ("and, after the sponsor filed, set"), and
# "while"/"whereas" (CGEL's clause coordination and subordination: Huddleston & Pullum 2002,
# ch. 15). A comparison (", compared with 32% on placebo") is not one: it shares its clause's
# words.
_CLAUSE_BREAK = re.compile(
    r"(?i);|,\s*(?:and|but|yet|while|whereas|although|though)\b|\b(?:and|but)\s*,"
    r"|\b(?:while|whereas)\b"
)


# A clause about what is yet to happen: the future ("will"), a plan or schedule ("is planned",
# "plans to", "a planned follow-up", "is expected to", "upcoming"). English marks futurity with
# modals and with these verbs and adjectives (CGEL ch. 3, section 9.4, and ch. 14: Huddleston &
# Pullum 2002). Such a clause reports no result, so it names no source of one.
_PLANNED = re.compile(
    r"(?i)\b(?:will|shall|(?:is|are|was|were)\s+(?:planned|scheduled|(?:expected|due|set|slated"
    r"|going)\s+to)|plans?\s+to|planned|upcoming|forthcoming)\b"
)


def _without_plans(text: str, claim_starts: list[int]) -> str:
    """``text`` with each clause about a plan (``_PLANNED``) that holds no claim blanked: "67% no
    longer met the criteria, and a 12-month follow-up is planned" reports MAPP1's 67%, and the
    follow-up it plans has no results, so its words ("follow-up", "12-month") may neither pick the
    retracted follow-up's 67% nor point away from MAPP1. A clause with a number of its own
    ("approval is expected in 2024") is kept: its words are that number's."""
    starts = sorted(claim_starts)
    cut: list[tuple[int, int]] = []
    sentences: list[tuple[int, int]] = []
    breaks: list[tuple[int, int]] = []
    for m in _PLANNED.finditer(text):
        if cut and m.start() < cut[-1][1]:
            continue
        if not sentences:  # found once, and only in a text that plans something
            sentences = sentence_spans(text) or [(0, len(text))]
            breaks = [b.span() for b in _CLAUSE_BREAK.finditer(text)] + [(len(text), len(text))]
        j = max(0, bisect_left(sentences, (m.start() + 1, -1)) - 1)
        lo, hi = sentences[j][0], max(sentences[j][1], m.end())
        k = bisect_left(breaks, (m.start(), -1))  # the first break at or after the plan word
        if k > 0 and breaks[k - 1][1] <= m.start():
            lo = max(lo, breaks[k - 1][1])
        while breaks[k][0] < m.end():
            k += 1
        hi = min(hi, breaks[k][0])
        i = bisect_left(starts, lo)
        if i < len(starts) and starts[i] < hi:
            continue  # a claim's own clause
        cut.append((lo, hi))
    if not cut:
        return text
    parts, at = [], 0
    for lo, hi in cut:
        parts += [text[at:lo], " " * (hi - lo)]
        at = hi
    return "".join([*parts, text[at:]])


def _clause_span(claim: Claim, text: str) -> tuple[int, int]:
    """The claim's clause in its sentence, as (start, end) in ``text``: bounded by the nearest
    ``_CLAUSE_BREAK`` on either side of the claim."""
    left = max(claim.sentence_start, claim.start - NEAR)
    right = min(claim.sentence_start + len(claim.sentence), claim.end + NEAR)
    for m in _CLAUSE_BREAK.finditer(text, left, claim.start):
        left = m.end()
    if m := _CLAUSE_BREAK.search(text, claim.end, right):
        right = m.start()
    return left, right


def _event_clause(claim: Claim, state: _State) -> tuple[int, int]:
    """The clause of a year claim: the ``_clause_span`` narrowed to the neighbouring claims and
    comparison words, since another year in the sentence dates another event ("granted the
    designation in 2017 and set a decision date in 2024")."""
    left, right = _clause_span(claim, state.text)
    claim_before, claim_after = state.neighbours(claim)
    if claim_before is not None:
        left = max(left, claim_before.end)
    if claim_after is not None:
        right = min(right, claim_after.start)
    for m in _SEPARATOR.finditer(state.text, left, claim.start):
        left = m.end()
    if m := _SEPARATOR.search(state.text, claim.end, right):
        right = m.start()
    return _without_other_event(state.text, claim, left, right)


# Words that open a clause or phrase dating another event than the main clause's: "In 2025, a
# year after the FDA rejected MDMA, Lykos began a trial" dates the trial, not the rejection. A
# temporal or causal subordinator, or a preposition taking an event (CGEL ch. 7 and 11:
# Huddleston & Pullum 2002). "When" and "as" are left out: "in 2024, when the FDA rejected it"
# dates the same event.
_OTHER_EVENT = re.compile(
    r"(?i)\b(?:after|before|since|until|till|because|following|prior\s+to|ahead\s+of)\b"
)


def _without_other_event(text: str, claim: Claim, left: int, right: int) -> tuple[int, int]:
    """A year's clause ``text[left:right]`` without the subordinate clause that dates another
    event: one that opens after the year ends the clause ("resubmitted in 2025 after it was
    rejected"); one before it, ended by a comma, starts it after that comma ("After the FDA
    rejected it, Lykos resubmitted in 2025"); the year inside one ("after the FDA rejected it in
    2024, Lykos ...") is that clause's."""
    if m := _OTHER_EVENT.search(text, claim.end, right):
        right = m.start()
    for m in _OTHER_EVENT.finditer(text, left, claim.start):
        comma = text.find(",", m.end(), claim.start)
        if comma >= 0:
            left = comma + 1
        else:  # the year is in the subordinate clause
            left = m.start()
            comma = text.find(",", claim.end, right)
            right = comma if comma >= 0 else right
    return left, right


def _named_in_clause(
    claim: Claim, state: _State, labels: tuple[tuple[str, tuple[str, ...]], ...] | None
) -> str | None:
    """The one label (a study arm, a study) whose phrases the claim's own clause names, if
    exactly one: "60% with placebo", "in MAPP2, 71%".

    The clause is bounded by the neighbouring claims and comparison words ("compared to", "vs",
    "while"). The words after the number (up to a comma) are read first, since they usually say
    whose number it is ("half received therapy with a placebo"); the words before it only when
    those name none ("in the MDMA group, 67%"). Two named at once leave it unknown.
    """
    named = _clause_labels(claim, state, labels)
    return named[0] if len(named) == 1 else None


_DASH = re.compile(r"\s[—–-]\s|—")
_AFTER_END = re.compile(r"[,;:]")
"""Where the words after a claim that name whose number it is end (``_clause_labels``)."""


def _clause_labels(
    claim: Claim,
    state: _State,
    labels: tuple[tuple[str, tuple[str, ...]], ...] | None,
    with_claim: bool = False,
) -> list[str]:
    """Every label ``_named_in_clause`` reads in the claim's clause; ``with_claim`` reads the
    claim's own words too ("3 preparation sessions" names its measure)."""
    if not labels:
        return []
    text = state.text
    left, right = claim.sentence_start, claim.sentence_start + len(claim.sentence)
    claim_before, claim_after = state.neighbours(claim)
    if claim_before is not None:
        left = max(left, claim_before.end)
    if claim_after is not None:
        right = min(right, claim_after.start)
    for m in _SEPARATOR.finditer(text, left, claim.start):
        left = m.end()
    if m := _SEPARATOR.search(text, claim.end, right):
        right = m.start()
    after = re.split(r"[,;:]", text[claim.end : right], maxsplit=1)[0]
    if with_claim:  # a dash sets off a new clause too: "84 percent of the sample — and they ..."
        after = f"{claim.text} {_DASH.split(after, maxsplit=1)[0]}"
    named = [label for label, words in labels if _phrase_pattern(words).search(after)]
    if not named:
        if (
            with_claim
            and claim_before is not None
            and left == claim_before.end
            and not _AFTER_END.search(text, left, claim.start)
        ):
            # the words since the claim before, up to no comma, are that claim's own reading: "67%
            # of participants no longer met the criteria after three sessions" names the 67%'s
            # measure, not the sessions'
            return []
        before = text[left : claim.start]
        named = [label for label, words in labels if _phrase_pattern(words).search(before)]
    return named


_SAME_STUDY = re.compile(
    r"(?i)\b(?:the|that|this)\s+same\s+(?:(?:phase\s+(?:[1-3]|I{1,3}|one|two|three)|randomi[sz]ed"
    r"|clinical|controlled)[\s-]+){0,2}(?:trial|study)\b"
)
SAME_STUDY_SENTENCES = 3
"""How many sentences before its own "the same trial" looks back for the trial it means."""


def _same_study(
    claim: Claim, state: _State, labels: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[str, str] | None:
    """The study that "the same trial" ("In the same trial, 67% no longer met criteria") in the
    claim's clause refers to: the one named in the nearest sentence that names a study (its own
    sentence before the phrase, or one of the ``SAME_STUDY_SENTENCES`` before it), if that
    sentence names no other; with the words that refer to it.

    Only the words before the number, back to a neighbouring claim or comparison word, are read
    for the phrase, as ``_named_in_clause`` reads them when the words after the number name no
    study."""
    text = state.text
    left = claim.sentence_start
    claim_before, _ = state.neighbours(claim)
    if claim_before is not None:
        left = max(left, claim_before.end)
    for m in _SEPARATOR.finditer(text, left, claim.start):
        left = m.end()
    said = list(_SAME_STUDY.finditer(text, left, claim.start))
    if not said:
        return None
    same = said[-1]
    # The sentences to read, nearest first: the claim's own (up to the phrase), then earlier ones.
    spans = [(claim.sentence_start, same.start())]
    start = claim.sentence_start
    for _ in range(SAME_STUDY_SENTENCES):
        previous = state.previous_sentence(start)
        if previous is None:
            break
        spans.append(previous)
        start = previous[0]
    for lo, hi in spans:
        named = [label for label, words in labels if _phrase_pattern(words).search(text, lo, hi)]
        if named:
            return (named[0], same.group()) if len(named) == 1 else None
    return None


def _resolve_relative_year(claim: Claim, article_date: dt.date | None) -> tuple[Claim, str]:
    """ "Expected this year" in an article of 2024 is a claim about 2024."""
    if claim.unit != "relative_year" or article_date is None:
        return claim, ""
    year = article_date.year + int(claim.value)
    note = f"'{claim.text}' read as {year}, from the article's date {article_date.isoformat()}"
    return dataclasses.replace(claim, value=float(year), unit="year"), note


def _verdict(claim: Claim, verdict: str, fact: Fact | None, note: str) -> Claim:
    """The claim judged; with the deciding fact's ledger ``file:line``, so that a verdict on
    screen can be traced to the YAML entry behind it, as a finding is to its lexicon rule."""
    return dataclasses.replace(
        claim,
        verdict=verdict,
        fact_id=fact.id if fact else None,
        source=fact.source.citation() if fact else None,
        note=note,
        measure=fact.endpoint if fact else claim.measure,
        origin=fact.origin if fact else None,
    )


def _about(fact: Fact) -> str:
    if fact.summary:
        return fact.summary
    when = f", {fact.time_frame}" if fact.time_frame else ""
    return f"{_fmt(fact.value, fact.unit)}, {fact.endpoint}{when}"


def _measure(fact: Fact) -> str:
    """ "no longer met PTSD diagnostic criteria, mdma group, 18 weeks" """
    arm = f"{fact.arm} group" if fact.arm else None
    return ", ".join(x for x in (fact.endpoint, arm, fact.time_frame) if x)


def _fmt(value: float, unit: str) -> str:
    number = _number(value)
    return {
        "percent": f"{number}%",
        "percentage_points": f"{number} percentage points",
        "people": f"{number} people",
        "ratio": f"{number}x",
        "points": f"{number} points",
        "weeks": f"{number} weeks",
    }.get(unit, number)


def _number(value: float) -> str:
    """A number as prose writes it: "13 million", "50,000", "2017", "71.2"; never "1.3e+07"."""
    if value == int(value):
        whole = int(value)
        if abs(whole) >= 1_000_000 and whole % 100_000 == 0:
            return f"{whole / 1_000_000:g} million"
        return f"{whole:,}" if abs(whole) >= 10_000 else str(whole)
    number = f"{value:g}"
    return f"{value:,.2f}" if "e" in number else number


def _who(authors: Sequence[str]) -> str:
    """ "Mitchell et al.", "Amoroso & Workman", "MAPS": the way a citation names its authors."""
    names = [a for a in authors if a.strip().lower() != "et al."]
    surnames = [_surname(a) for a in names]
    if len(surnames) > 2 or len(names) < len(authors):
        return f"{surnames[0]} et al."
    return " & ".join(surnames)


def _surname(author: str) -> str:
    parts = author.split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,3}", parts[-1]):
        return " ".join(parts[:-1])
    return author


# --- cue phrases -------------------------------------------------------------------------------


def _all_cues(groups: Iterable[tuple[str, ...]], text: str, low: str | None = None) -> bool:
    """Whether every cue group occurs in ``text``; ``low`` (``pattern_scan.lowered(text)``: the
    lowered text, None where lowering could hide an ignore-case match of an ASCII letter) lets a
    group whose phrases' first words are all absent fail without its regex."""
    return all(
        (low is None or (words := _first_words(group)) is None or any(w in low for w in words))
        and _phrase_pattern(group).search(text)
        for group in groups
    )


@cache
def _first_words(phrases: tuple[str, ...]) -> tuple[str, ...] | None:
    """The lowered first word of each phrase (a match of the phrase contains it), or None when one
    is not ASCII: ignore-case matching relates some characters past ASCII to others that
    lowering does not turn them into (the micro sign and the Greek mu)."""
    words = tuple(re.split(r"[\s-]+", p.strip().rstrip("*").strip())[0].lower() for p in phrases)
    return words if all(w.isascii() for w in words) else None


@cache
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a group of cue phrases: case-insensitive whole words, a space or hyphen
    matching any run of spaces and hyphens, a trailing ``*`` matching the rest of a word."""
    alternatives = sorted((_phrase_regex(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?i)(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")


def _phrase_regex(phrase: str) -> str:
    stem = phrase.strip()
    wildcard = stem.endswith("*")
    words = re.split(r"[\s-]+", stem.rstrip("*").strip())
    body = r"[\s-]+".join(re.escape(w) for w in words if w)
    return body + (r"\w*" if wildcard else "")


# --- loading -----------------------------------------------------------------------------------


def load_ledger(directory: Path, display_root: Path | None = None) -> tuple[Ledger, list[Problem]]:
    """Every ``*.yaml`` ledger in ``directory``, and every problem found, as ``file:line``.

    A broken fact (missing source, a value that is not a number, an unknown status, an unknown
    key) is reported and left out; the other facts of its file still load, and a file that cannot
    be read does not stop the others. Never raises.
    """
    problems: list[Problem] = []
    if not directory.is_dir():
        shown = _display(directory, display_root)
        return Ledger(), [Problem(shown, None, "fact directory not found; check the path")]
    topics: dict[str, Topic] = {}
    facts: dict[str, Fact] = {}
    declared: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        topic, file_facts, file_problems, file_ids = _load_file(path, _display(path, display_root))
        problems.extend(file_problems)
        declared |= file_ids
        if topic is None:
            continue
        topics[topic.id] = topic
        for fact in file_facts:
            if fact.id in facts:
                where = facts[fact.id].origin
                message = f"fact id '{fact.id}' is already used by {where}; rename one of them"
                problems.append(_fact_problem(fact, message))
                continue
            facts[fact.id] = fact
    facts = _drop_dangling(facts, declared, problems)
    return Ledger(facts, topics), problems


def _declared_ids(data: Any) -> set[str]:
    """The ids a ledger file's facts declare, broken ones included: a fact overtaken by a broken
    one is kept, since the typo is not in it."""
    entries = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return set()
    return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _load_file(
    path: Path, display: str
) -> tuple[Topic | None, list[Fact], list[Problem], set[str]]:
    """The file's topic, its loadable facts, its problems and the ids of all its facts."""
    doc, problem = load_yaml(path, display)
    if problem:
        return None, [], [problem], set()
    assert doc is not None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        return (
            None,
            [],
            check_schema(doc, "facts") or [doc.problem("expected a mapping with facts")],
            set(),
        )
    problems = check_schema(doc, "facts")
    broken = _broken_entries(doc, problems)
    if data.get("id") != path.stem and isinstance(data.get("id"), str):
        problems.append(
            doc.problem(f"id '{data['id']}' must equal the file name '{path.stem}'", ("id",))
        )
    topic = _topic(doc, path.stem)
    sources = _sources(doc, broken)
    problems.extend(_unknown_studies(doc, topic, sources))
    problems.extend(_unknown_complements(doc))
    problems.extend(_no_topic_cues(doc, topic))
    facts = []
    for index, entry in enumerate(data["facts"]):
        if index in broken or not isinstance(entry, dict):
            continue
        try:
            fact, fact_problems = _fact(doc, index, entry, topic, sources)
        except (KeyError, TypeError, ValueError) as error:  # a shape the schema let through
            fact, fact_problems = (
                None,
                [doc.problem(f"fact cannot be read: {error!r}", ("facts", index))],
            )
        problems.extend(fact_problems)
        if fact is not None:
            facts.append(fact)
    return topic, facts, problems, _declared_ids(data)


def _broken_entries(doc: YamlDoc, problems: list[Problem]) -> set[int | str]:
    """Which facts (by index) and sources (by key) a schema problem falls inside, by line.

    The schema checks the whole file at once, so each problem is assigned to the fact or source
    whose lines contain it; that entry is dropped and the rest of the file still loads.
    """
    data = doc.data
    spans = [(doc.line_of(("facts", i)), i) for i in range(len(data["facts"]))]
    if isinstance(data.get("sources"), dict):
        spans += [(doc.line_of(("sources", k)), k) for k in data["sources"]]
    top_lines = sorted(doc.line_of((k,)) or 0 for k in data)
    starts = sorted((line, key) for line, key in spans if line is not None)
    broken: set[int | str] = set()
    for problem in problems:
        if problem.line is None:
            continue
        for n, (line, key) in enumerate(starts):
            following = [x for x, _ in starts[n + 1 :]] + [t for t in top_lines if t > line]
            if line <= problem.line < min(following, default=10**9):
                broken.add(key)
    return broken


def _topic(doc: YamlDoc, stem: str) -> Topic:
    data = doc.data
    arms = data.get("arms") if isinstance(data.get("arms"), dict) else {}
    studies = data.get("studies") if isinstance(data.get("studies"), dict) else {}
    measures = data.get("measures") if isinstance(data.get("measures"), dict) else {}
    complements = data.get("complements") if isinstance(data.get("complements"), dict) else {}
    return Topic(
        id=stem,
        label=str(data.get("topic", stem)),
        cues=_groups(data.get("topic_cues")),
        arms=tuple((str(k), _strings(v)) for k, v in arms.items() if _strings(v)),
        studies=tuple((str(k), _strings(v)) for k, v in studies.items() if _strings(v)),
        measures=tuple((str(k), _strings(v)) for k, v in measures.items() if _strings(v)),
        complements=tuple(
            (str(k), _strings(v)) for k, v in complements.items() if _strings(v) and k in measures
        ),
        designs=_strings(data.get("designs")),
        elsewhere=_strings(data.get("elsewhere")),
        subject=_strings(data.get("subject")) or (_NO_WORDS if "subject" in data else ()),
        origin=Origin(doc.path, doc.line_of(())),
    )


def _unknown_studies(doc: YamlDoc, topic: Topic, sources: dict[str, Source]) -> list[Problem]:
    """A study named in `studies` must be a key of `sources`: its facts are found by it."""
    return [
        doc.problem(
            f"study '{key}' is not a key of `sources` ({', '.join(sources) or 'none'}); "
            "name the study by its source's key",
            ("studies", key),
        )
        for key, _ in topic.studies
        if key not in sources
    ]


def _no_topic_cues(doc: YamlDoc, topic: Topic) -> list[Problem]:
    """A topic with no cue groups applies to no article: without `topic_cues` its facts would
    otherwise judge the numbers of every text (a coffee study's included)."""
    if topic.cues:
        return []
    where = ("topic_cues",) if "topic_cues" in doc.data else ()
    message = (
        "no `topic_cues` (lists of phrases): the ledger applies to no article until it has them"
    )
    return [doc.problem(message, where)]


def _unknown_complements(doc: YamlDoc) -> list[Problem]:
    """A measure stated as its opposite (`complements`) must be a key of `measures`."""
    raw, measures = doc.data.get("complements"), doc.data.get("measures")
    if not isinstance(raw, dict):
        return []
    known = measures if isinstance(measures, dict) else {}
    return [
        doc.problem(
            f"complement '{key}' is not a key of `measures` ({', '.join(known) or 'none'})",
            ("complements", key),
        )
        for key in raw
        if key not in known
    ]


def _sources(doc: YamlDoc, broken: set[int | str]) -> dict[str, Source]:
    raw = doc.data.get("sources")
    if not isinstance(raw, dict):
        return {}
    return {
        key: Source(
            key=key,
            authors=tuple(s["authors"]),
            title=s["title"],
            year=s["year"],
            journal=s.get("journal"),
            doi=s.get("doi"),
            url=s.get("url"),
            publisher=s.get("publisher"),
            retraction=s.get("retraction"),
        )
        for key, s in raw.items()
        if key not in broken and isinstance(s, dict)
    }


def _fact(
    doc: YamlDoc, index: int, entry: dict[str, Any], topic: Topic, sources: dict[str, Source]
) -> tuple[Fact | None, list[Problem]]:
    """One schema-valid entry as a Fact, or the reason it cannot be one."""
    where = ("facts", index)
    source = sources.get(entry["source"])
    if source is None:
        message = (
            f"fact '{entry['id']}' cites source '{entry['source']}', which is not a valid "
            "entry of `sources`; add it there or fix the key"
        )
        return None, [doc.problem(message, (*where, "source"))]
    measure, quantity = entry["measure"], entry["quantity"]
    arm = measure.get("arm")
    if arm is not None and arm not in dict(topic.arms):
        known = ", ".join(k for k, _ in topic.arms) or "none defined"
        message = (
            f"fact '{entry['id']}': arm '{arm}' is not a key of `arms` ({known}); use one or null"
        )
        return None, [doc.problem(message, (*where, "measure", "arm"))]
    problems = _sanity(doc, where, entry, source)
    if problems:
        return None, problems
    fact = Fact(
        id=entry["id"],
        topic=topic.id,
        statement=entry["statement"],
        value=float(quantity["value"]),
        unit=quantity["unit"],
        tolerance=float(quantity["tolerance"]),
        endpoint=measure["endpoint"],
        cues=_groups(entry["cues"]),
        source=source,
        status=entry["status"],
        population=measure.get("population"),
        arm=arm,
        time_frame=measure.get("time_frame"),
        time_frame_words=_strings(entry.get("time_frame_words")),
        exclusive=bool(entry.get("exclusive", False)),
        superseded_by=entry.get("superseded_by"),
        summary=entry.get("summary"),
        origin=Origin(doc.path, doc.line_of(where)),
        measures=_labels_in(topic.measures, measure["endpoint"]),
    )
    return fact, []


def _sanity(
    doc: YamlDoc, where: tuple[str | int, ...], entry: dict[str, Any], source: Source
) -> list[Problem]:
    """Checks a schema cannot express: a percentage within 0-100, retraction consistency."""
    quantity, fid = entry["quantity"], entry["id"]
    checks = [
        (
            quantity["unit"] == "percent" and not 0 <= quantity["value"] <= 100,
            f"a percentage must be within 0-100, not {quantity['value']}",
            ("quantity", "value"),
        ),
        (
            bool(source.retraction) and entry["status"] != "retracted",
            f"it cites a retracted paper ('{source.key}'), so its status must be retracted",
            ("status",),
        ),
        (
            bool(entry.get("exclusive")) and entry["status"] != "verified",
            "only a verified fact may be exclusive (it can call a claim wrong)",
            ("exclusive",),
        ),
    ]
    return [
        doc.problem(f"fact '{fid}': {msg}", (*where, *keys)) for bad, msg, keys in checks if bad
    ]


def _drop_dangling(
    facts: dict[str, Fact], declared: set[str], problems: list[Problem]
) -> dict[str, Fact]:
    """Facts whose ``superseded_by`` names no fact at all are reported and left out.

    One that names a fact which exists but could not be loaded stays: its claims are left
    unverifiable (a later fact the ledger cannot show), and one typo costs one fact, not two.
    """
    kept = {}
    for fid, fact in facts.items():
        later = fact.superseded_by
        if later and later not in facts:
            if later in declared:
                message = (
                    f"fact '{fid}': superseded_by '{later}', which could not be loaded (see its "
                    "problem); until it is fixed, claims matching this fact are unverifiable"
                )
                problems.append(_fact_problem(fact, message))
            else:
                message = f"fact '{fid}': superseded_by '{later}' is not a loaded fact"
                problems.append(_fact_problem(fact, message))
                continue
        kept[fid] = fact
    return kept


def _fact_problem(fact: Fact, message: str) -> Problem:
    origin = fact.origin or Origin("?")
    return Problem(origin.path, origin.line, message)


def _labels_in(labels: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> tuple[str, ...]:
    """The labels (of measures, say) one of whose phrases ``text`` contains."""
    return tuple(label for label, words in labels if _phrase_pattern(words).search(text))


def _groups(raw: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(g for group in raw if (g := _strings(group)))


def _strings(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(str(x) for x in raw if isinstance(x, str | int | float) and str(x).strip())


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)
