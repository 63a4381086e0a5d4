"""From findings to criterion scores and a total: the one place text is scored.

Each scoring method is a small function over the findings of the kinds a criterion names,
returning a 0-100 score (or None when the criterion does not apply) and the contributions behind
it, from which the plain-language explanation is written. The CLI, the dashboard, batch rating
and the evaluation all call :meth:`Scorer.score`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from srcgrade import c_trie
from srcgrade.detect import lexicon_findings
from srcgrade.detect.quotes import QuoteSpans
from srcgrade.detect.sections import closing_start
from srcgrade.lexicon import Lexicon, Matcher
from srcgrade.model import (
    ASIDE,
    ArticleScore,
    Claim,
    Contribution,
    CriterionScore,
    Deferred,
    Finding,
    Origin,
    Tally,
)
from srcgrade.pattern_scan import lowered
from srcgrade.rubric import LEVEL_WIDTH, Criterion, Rubric, level_of, resolve_weights


@dataclass(frozen=True, slots=True)
class MethodResult:
    score: float | None
    contributions: tuple[Contribution, ...]
    explanation: str
    findings: tuple[Finding, ...]
    tallies: tuple[Tally, ...] = ()


# Frozen dataclasses made from all their fields, positionally (c_trie.maker: the C extension fills
# their slots, without a frozen __init__'s object.__setattr__ per field); 40-60 per story.
_tally_of = c_trie.maker(Tally)
_contribution = c_trie.maker(Contribution)
_criterion_score = c_trie.maker(CriterionScore)
_result = c_trie.maker(MethodResult)
_article_score = c_trie.maker(ArticleScore)


Method = Callable[[Criterion, list[Finding], int, tuple[Claim, ...] | None], MethodResult]
"""(criterion, findings, word count, claims: None when no fact ledger covers the article)."""


def count_words(text: str, in_c: bool = False) -> int:
    """``len(text.split())``; with ``in_c`` (the matcher walks in C, so the C scanner is there)
    the same number without the list of words, which cost about 7% of scoring a story."""
    return c_trie.count_words(text) if in_c else len(text.split())


def _points(
    criterion: Criterion, findings: Iterable[Finding], table_name: str
) -> tuple[dict[str, float], dict[str, list[Finding]]]:
    """Points per kind from the findings a criterion's ``reward`` or ``penalise`` table names,
    and the findings counted, per kind (see :func:`_tally` for what counts)."""
    return _sum(_tally(criterion, findings, table_name))


def _sum(tallies: Iterable[Tally]) -> tuple[dict[str, float], dict[str, list[Finding]]]:
    points: dict[str, float] = defaultdict(float)
    used: dict[str, list[Finding]] = defaultdict(list)
    for tally in tallies:
        if tally.counted:
            points[tally.finding.kind] += tally.points
            used[tally.finding.kind].append(tally.finding)
    return dict(points), dict(used)


def _tally(criterion: Criterion, findings: Iterable[Finding], table_name: str) -> list[Tally]:
    """Each finding of a kind the ``reward`` or ``penalise`` table names, with its points or the
    reason it has none, in the order given (the order in which a rule's matches reach its cap).

    Quoted findings count ``quoted_weight`` as much, findings in a release's closing boilerplate
    ``boilerplate_weight`` as much (at 0 they are not counted at all); repetitions of one rule stop
    counting after ``max_per_rule`` so that a boilerplate phrase repeated ten times is not ten
    sources.

    ``distinct`` (``true`` for every kind, or a list of kinds) counts repeated findings of one kind
    once when their normalised text is the same: "how many different people are quoted", not how
    many times. The text is case-folded with whitespace and edge punctuation dropped; with
    ``distinct_key: last_word`` only its last word is kept (for a name, the surname, so that
    "said Dr. Jane Smith" and "Smith said" are one person). ``only_with`` maps a kind to kinds
    that must also occur in the text for its findings to count (causal language counts as an
    overclaim only where the text reports an observational or animal study).
    """
    plan = _plan(criterion)
    table = plan.tables[table_name]
    findings = list(findings)
    # Most findings are of kinds the table does not name: they are left out in one pass first.
    weighed = [f for f in findings if f.kind in table]
    if not weighed:
        return []
    boilerplate_weight, quoted_weight, cap = plan.boilerplate_weight, plan.quoted_weight, plan.cap
    distinct = plan.distinct[table_name]
    unpartnered = _unpartnered(criterion, findings) if plan.required else ()
    overlap_kinds = plan.overlap[table_name]
    overlapped = _overlapped(overlap_kinds, table, weighed, unpartnered,
                             quoted_weight, boilerplate_weight)
    direction = "raises" if table_name == "reward" else "lowers"
    seen: set[tuple[str, str]] = set()
    per_rule: dict[str, int] = {}  # a plain dict: a Counter's constructor costs 2 microseconds
    tallies: list[Tally] = []
    for finding in weighed:
        aside = ""
        if finding.kind in unpartnered:
            aside = "only_with"
        elif finding.boilerplate and boilerplate_weight == 0:
            aside = "boilerplate"
        elif overlapped and finding.kind in overlap_kinds and finding in overlapped:
            aside = "overlap"
        elif finding.kind in distinct:
            key = (finding.kind, _distinct_key(finding.text, plan.by_last_word))
            aside = "repeat" if key in seen else ""
            seen.add(key)
        if not aside:
            per_rule[finding.rule] = per_rule.get(finding.rule, 0) + 1
            aside = "cap" if cap is not None and per_rule[finding.rule] > cap else ""
        if aside:
            reason = (_overlap_detail(criterion, finding, overlapped[finding])
                      if aside == "overlap"
                      else _aside_detail(criterion, aside, finding, per_rule.get(finding.rule, 0)))
            tallies.append(_tally_of(finding, direction, 0.0, False, aside, reason))
            continue
        points = _finding_points(table[finding.kind], finding, quoted_weight, boilerplate_weight)
        tallies.append(_tally_of(finding, direction, points, True, "", ""))
    return tallies


def _overlapped(
    kinds: frozenset[str],
    table: Mapping[str, float],
    weighed: list[Finding],
    unpartnered: set[str],
    quoted_weight: float,
    boilerplate_weight: float,
) -> dict[Finding, Finding]:
    """With ``overlap_once`` (the ``kinds`` it names), each finding that shares characters with a
    stronger finding of the same kind, mapped to that finding: the stretch counts once.

    Several rules can describe one thing: "Dr. Daniel Park, director" is a titled name and a name
    with a role, "said Katherine Hamilton, a headache specialist" a quoted name and a name with a
    role. Counted twice, one person would be two sources. The finding worth most points is kept
    (on a tie, the first and then the longest, which holds the others); a finding
    that another rule sets aside anyway (boilerplate at weight 0, ``only_with``) competes with none.
    """
    if not kinds:
        return {}
    candidates = sorted(
        (f for f in weighed
         if f.kind in kinds and f.kind not in unpartnered
         and not (f.boilerplate and boilerplate_weight == 0)),
        key=_KIND_START,
    )
    overlapped: dict[Finding, Finding] = {}
    for cluster in _overlap_clusters(candidates):
        worth = {id(f): _finding_points(table[f.kind], f, quoted_weight, boilerplate_weight)
                 for f in cluster}
        kept: list[Finding] = []
        for finding in sorted(cluster, key=lambda f: (-worth[id(f)], f.start, -f.end)):
            stronger = next(
                (k for k in kept if k.start < finding.end and finding.start < k.end), None
            )
            if stronger is None:
                kept.append(finding)
            else:
                overlapped[finding] = stronger
    return overlapped


_KIND_START = attrgetter("kind", "start")
_FINDING_SPAN = attrgetter("finding.start", "finding.end")
_SPAN = attrgetter("start", "end")
"""Sort keys, as tuples made in C (a lambda per item cost more)."""


def _overlap_clusters(findings: list[Finding]) -> Iterator[list[Finding]]:
    """Runs of findings (sorted by kind and start) of one kind that overlap one another, in a
    chain; a finding that overlaps none is its own run and is not yielded. One linear pass: most
    findings overlap nothing, and only the runs need the comparison of their points."""
    run: list[Finding] = []
    run_end = -1
    for finding in findings:
        if run and finding.kind == run[0].kind and finding.start < run_end:
            run.append(finding)
            run_end = max(run_end, finding.end)
            continue
        if len(run) > 1:
            yield run
        run, run_end = [finding], finding.end
    if len(run) > 1:
        yield run


def _overlap_detail(criterion: Criterion, finding: Finding, stronger: Finding) -> str:
    return (f"overlaps '{stronger.text}' ({stronger.rule}), which is counted; "
            f"{_aside_rule(criterion, 'overlap')}")


class _Plan:
    """A criterion's parameters as tallies and explanations read them, worked out once per
    criterion: reading them again, and formatting the same ``file:line`` (:func:`param_at`) and
    rule sentences for every article, was about a third of the scoring methods' time."""

    __slots__ = ("boilerplate_weight", "by_last_word", "cap", "distinct", "forbids", "kinds",
                 "needs", "overlap", "quoted_weight", "required", "tables", "words")

    def __init__(self, criterion: Criterion):
        params = criterion.params
        self.tables: dict[str, Mapping[str, float]] = {
            name: params.get(name, {}) for name in ("reward", "penalise")
        }
        self.boilerplate_weight = float(params.get("boilerplate_weight", 1.0))
        self.quoted_weight = float(params.get("quoted_weight", 1.0))
        self.cap = params.get("max_per_rule")
        self.distinct = {name: _kinds_set(criterion, "distinct", table)
                         for name, table in self.tables.items()}
        self.overlap = {name: _kinds_set(criterion, "overlap_once", table)
                        for name, table in self.tables.items()}
        self.by_last_word = params.get("distinct_key", "text") == "last_word"
        self.required: Mapping[str, list[str]] = params.get("only_with") or {}
        self.needs = kinds_by_level(criterion)
        self.forbids = kinds_by_level(criterion, "level_forbids")
        self.kinds = {**params.get("reward", {}), **params.get("penalise", {})}
        self.words: dict[tuple[str, ...], str] = {}  # param_at and _aside_rule, once each


_PLANS: dict[int, tuple[Criterion, _Plan]] = {}
_PLANS_KEPT = 512


def _plan(criterion: Criterion) -> _Plan:
    """The criterion's :class:`_Plan`, by identity (a criterion's params are a dict, so it has no
    hash; the entry holds the criterion, so its id cannot be reused while it is there)."""
    kept = _PLANS.get(id(criterion))
    if kept is not None and kept[0] is criterion:
        return kept[1]
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    plan = _Plan(criterion)
    _PLANS[id(criterion)] = (criterion, plan)
    return plan


def _finding_points(weight: float, finding: Finding, quoted_weight: float,
                    boilerplate_weight: float) -> float:
    """A counted finding's points: the table's weight for the kind x the rule's strength x the
    quotation and boilerplate factors (``tally_how`` says so in words). The criterion's weights
    come read once per tally, not per finding."""
    factor = (quoted_weight if finding.quoted else 1.0) * (
        boilerplate_weight if finding.boilerplate else 1.0
    )
    return weight * finding.strength * factor


def tally_how(criterion: Criterion, tally: Tally) -> str:
    """How a finding's points are worked out, or why it has none, with the rubric lines: words
    for the evidence table, built only when one is shown (scoring a corpus never needs them)."""
    finding = tally.finding
    if not tally.counted:
        return f"not counted: {tally.reason}"
    table_name = "reward" if tally.direction == "raises" else "penalise"
    weight = criterion.params[table_name][finding.kind]
    quoted_weight = float(criterion.params.get("quoted_weight", 1.0))
    boilerplate_weight = float(criterion.params.get("boilerplate_weight", 1.0))
    parts = [f"weight {weight:g}"]
    if finding.strength != 1.0:
        parts.append(f"x strength {finding.strength:g}")
    if finding.quoted and quoted_weight != 1.0:
        parts.append(f"x {quoted_weight:.0%} {finding.where_quoted()}")
    if finding.boilerplate and boilerplate_weight != 1.0:
        parts.append(f"x {boilerplate_weight:.0%} in the closing boilerplate")
    return " ".join(parts) + (f" = {number(tally.points)}" if len(parts) > 1 else "")


def points_rule(criterion: Criterion) -> str:
    """How a finding's points are worked out for this criterion, each factor with the YAML line
    that sets it: said once under the evidence table rather than on every row."""
    tables = "; ".join(param_at(criterion, t) for t in ("reward", "penalise")
                       if t in criterion.params)
    parts = [f"A finding's points are the weight of its kind ({tables}) x the strength of its "
             "rule (at the rule's lexicon line)"]
    quoted_weight = float(criterion.params.get("quoted_weight", 1.0))
    if quoted_weight != 1.0:
        where = param_at(criterion, "quoted_weight")
        parts.append(f"x {quoted_weight:.0%} inside a quotation or reported (after a distancing "
                     f"phrase, before an attribution) ({where})")
    boilerplate_weight = float(criterion.params.get("boilerplate_weight", 1.0))
    if 0 < boilerplate_weight < 1.0:
        where = param_at(criterion, "boilerplate_weight")
        parts.append(f"x {boilerplate_weight:.0%} in a release's closing boilerplate ({where})")
    rule = " ".join(parts)
    if "max_per_rule" in criterion.params:
        rule += f"; {_aside_rule(criterion, 'cap')}"
    return rule + "."


def _aside_detail(criterion: Criterion, aside: str, finding: Finding, ordinal: int) -> str:
    """Why one finding counts for nothing: which of its kind's rules set it aside."""
    rule = _aside_rule(criterion, aside, finding.kind)
    if aside == "cap":
        return f"match {ordinal} of rule {finding.rule}; {rule}"
    if aside == "repeat":
        return f"repeats '{finding.text}'; {rule}"
    return rule


def _aside_rule(criterion: Criterion, aside: str, kind: str = "") -> str:
    """The rubric setting that leaves findings out, in words, with its ``file:line`` (worked
    out once per criterion, aside and kind)."""
    words = _plan(criterion).words
    key = ("aside", aside, kind)
    rule = words.get(key)
    if rule is None:
        rule = words[key] = _aside_words(criterion, aside, kind)
    return rule


def _aside_words(criterion: Criterion, aside: str, kind: str) -> str:
    if aside == "cap":
        cap, where = criterion.params.get("max_per_rule"), param_at(criterion, "max_per_rule")
        return f"only the first {cap} matches of one rule count ({where})"
    if aside == "repeat":
        return f"the same words count once ({param_at(criterion, 'distinct')})"
    if aside == "overlap":
        return ("findings of one kind that overlap in the text count once "
                f"({param_at(criterion, 'overlap_once')})")
    if aside == "boilerplate":
        return (
            "this criterion leaves out a release's closing boilerplate "
            f"({param_at(criterion, 'boilerplate_weight')})"
        )
    partners = (criterion.params.get("only_with") or {}).get(kind, [])
    needs = " or ".join(kind_name(k, 1) for k in partners)
    where = param_at(criterion, "only_with")
    return f"a {kind_name(kind, 1)} counts only where the text also has a {needs} ({where})"


def param_at(criterion: Criterion, param: str) -> str:
    """A rubric parameter and the ``file:line`` that sets it, so a constant in an explanation
    leads to its YAML line; or that the default applies, when the rubric does not set it
    (worked out once per criterion and parameter)."""
    words = _plan(criterion).words
    where = words.get((param,))
    if where is None:
        where = words[(param,)] = _param_words(criterion, param)
    return where


def _param_words(criterion: Criterion, param: str) -> str:
    if param not in criterion.params:
        return f"{param}: the default"
    line = criterion.param_lines.get(param) or criterion.origin.line
    return f"{param}, {Origin(criterion.origin.path, line)}"


def number(x: float) -> str:
    """Points as the explanation and the evidence table both print them: up to two decimals,
    so that the table's column adds up to the figure the explanation gives."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _kinds_set(criterion: Criterion, param: str, table: Mapping[str, float]) -> frozenset[str]:
    """The kinds a ``true | [kinds]`` parameter (``distinct``, ``overlap_once``) applies to:
    ``true`` means every kind the table names."""
    value = criterion.params.get(param, False)
    if value is True:
        return frozenset(table)
    return frozenset(value or ())


def _distinct_key(text: str, last_word: bool) -> str:
    words = [w.strip(".,;:!?'\"()[]\u2019\u201c\u201d") for w in text.casefold().split()]
    words = [w for w in words if w]
    if last_word:
        return words[-1] if words else ""
    return " ".join(words)


def _unpartnered(criterion: Criterion, findings: list[Finding]) -> set[str]:
    """The kinds ``only_with`` ties to other kinds of which the text has none: they do not count."""
    required: Mapping[str, list[str]] = criterion.params.get("only_with") or {}
    if not required:
        return set()
    present = {f.kind for f in findings}
    return {kind for kind, partners in required.items() if not present.intersection(partners)}


def _contributions(
    points: dict[str, float], used: dict[str, list[Finding]], direction: str
) -> list[Contribution]:
    return [
        _contribution(kind, direction, len(used[kind]), round(points[kind], 2))
        for kind in sorted(points, key=lambda k: -points[k])
        if points[kind] > 0
    ]


@dataclass(frozen=True, slots=True)
class _Sides:
    """A criterion's findings tallied against its reward and penalise tables."""

    reward: dict[str, float]
    reward_used: dict[str, list[Finding]]
    penalty: dict[str, float]
    penalty_used: dict[str, list[Finding]]
    tallies: tuple[Tally, ...]

    @property
    def points_for(self) -> float:
        return sum(self.reward.values())

    @property
    def points_against(self) -> float:
        return sum(self.penalty.values())

    def contributions(self) -> tuple[Contribution, ...]:
        return tuple(
            _contributions(self.reward, self.reward_used, "raises")
            + _contributions(self.penalty, self.penalty_used, "lowers")
        )

    def used(self) -> tuple[Finding, ...]:
        return _flatten(self.reward_used, self.penalty_used)


def _sides(criterion: Criterion, findings: list[Finding]) -> _Sides:
    rewarded = _tally(criterion, findings, "reward")
    penalised = _tally(criterion, findings, "penalise")
    tallies = sorted(rewarded + penalised, key=_FINDING_SPAN)
    return _sides_of(*_sum(rewarded), *_sum(penalised), tuple(tallies))


_sides_of = c_trie.maker(_Sides)


def balance(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Evidence for against evidence against, as the mean of a Beta posterior.

    ``prior_reward`` and ``prior_penalty`` are pseudo-counts: an article with no evidence either way
    sits at ``100 * a / (a + b)``, and each finding moves it less as evidence accumulates.
    """
    sides = _sides(criterion, findings)
    a = float(criterion.params.get("prior_reward", 1.0))
    b = float(criterion.params.get("prior_penalty", 1.0))
    r, p = sides.points_for, sides.points_against
    score = 100.0 * (r + a) / (r + p + a + b)
    nr, np = number(r), number(p)
    why = (
        f"Points for: {nr}; points against: {np}. Every article starts from a prior "
        f"of {a:g} points for ({param_at(criterion, 'prior_reward')}) and {b:g} against "
        f"({param_at(criterion, 'prior_penalty')}), so that with nothing found it scores "
        f"{100 * a / (a + b):.0f} and no single finding takes it to 0 or 100. "
        f"Score = 100 x ({nr} + {a:g}) / ({nr} + {np} + {a:g} + {b:g}) "
        f"= {score:.1f}."
    )
    return _result(score, sides.contributions(), why, sides.used(), sides.tallies)


def density(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Fewer is better, relative to length: the score halves every ``half_at`` points per 1,000.

    Length is floored at ``min_words`` so that a short text with one hype word is not judged as if
    that word were a fifth of it.
    """
    tallies = _tally(criterion, findings, "penalise")
    penalty, used = _sum(tallies)
    per_words = int(criterion.params.get("per_words", 1000))
    min_words = int(criterion.params.get("min_words", 1))
    length = max(words, min_words)
    half_at = float(criterion.params.get("half_at", 4.0))
    total = sum(penalty.values())
    d = total * per_words / length
    score = 100.0 * 0.5 ** (d / half_at)
    counted_as = (
        f" (the text's {words:,} words count as {min_words:,}: {param_at(criterion, 'min_words')})"
        if length != words
        else ""
    )
    why = (
        f"{number(total)} weighted points x {per_words:,} / {length:,} words = {d:.2f} per "
        f"{per_words:,} words{counted_as}; score = 100 x 0.5^({d:.2f} / {half_at:g}) = "
        f"{score:.1f}: it halves with every {half_at:g} points per {per_words:,} words "
        f"({param_at(criterion, 'half_at')})."
    )
    contributions = tuple(_contributions(penalty, used, "lowers"))
    return _result(score, contributions, why, _flatten(used), tuple(tallies))


def presence(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Does the article do this at all: from ``floor`` with nothing found to 100 at ``full_at``."""
    sides = _sides(criterion, findings)
    floor = float(criterion.params.get("floor", 0.0))
    full_at = float(criterion.params.get("full_at", 1.0))
    net = max(0.0, sides.points_for - sides.points_against)
    score = floor + (100.0 - floor) * min(1.0, net / full_at)
    why = (
        f"{number(net)} net points found (points for minus points against, at least 0); "
        f"score = {floor:g} + {100 - floor:g} x min(1, {number(net)} / {full_at:g}) = "
        f"{score:.1f}: {full_at:g} points earn full marks ({param_at(criterion, 'full_at')}), none "
        f"earns {floor:g} ({param_at(criterion, 'floor')})."
    )
    return _result(score, sides.contributions(), why, sides.used(), sides.tallies)


def count(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """The more the better, with diminishing returns: ``floor`` for nothing, 100 at ``full_at``.

    Unlike ``presence``, which is linear up to ``full_at`` (usually one or two findings), the points
    are put on a log scale,
    ``score = floor + (100 - floor) * min(1, log(1 + net) / log(1 + full_at))``, so each further
    finding still counts but less than the one before: the fifth independent voice adds less than
    the first, the twentieth nothing. ``net`` is rewarded minus penalised points (at least 0).
    """
    sides = _sides(criterion, findings)
    floor = float(criterion.params.get("floor", 0.0))
    full_at = float(criterion.params.get("full_at", 10.0))
    net = max(0.0, sides.points_for - sides.points_against)
    score = floor + (100.0 - floor) * min(1.0, math.log1p(net) / math.log1p(full_at))
    why = (
        f"{number(net)} net points found (points for minus points against, at least 0); "
        f"score = {floor:g} + {100 - floor:g} x min(1, log(1 + {number(net)}) / "
        f"log(1 + {full_at:g})) = {score:.1f}, where {full_at:g} is the points that earn full "
        f"marks ({param_at(criterion, 'full_at')}) and {floor:g} the score with none "
        f"({param_at(criterion, 'floor')}); each further point adds less than the one before."
    )
    return _result(score, sides.contributions(), why, sides.used(), sides.tallies)


def claim_points(criterion: Criterion, claim: Claim) -> float:
    """What one numeric claim adds to a ``claims`` criterion's net: its verdict's points."""
    return float(criterion.params.get("verdicts", {}).get(claim.verdict, 0.0))


def claims_method(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Numeric accuracy: verdict points per claim, mapped onto 0-100 around a neutral 50.

    Supported claims raise the score, contradicted and retracted-source claims lower it sharply,
    unverifiable ones a little (an unsourced number is a weak signal, not an error). ``None``
    means no fact ledger covers the article's topic: there is nothing to check its numbers against.
    """
    if claims is None:
        return MethodResult(
            None,
            (),
            "No fact ledger (the facts/ folder of the ratings) covers this article's topic, so its "
            "numbers cannot be checked against a peer-reviewed source; this criterion does not "
            "apply.",
            (),
        )
    if not claims:
        return MethodResult(
            None, (), "The article states no numeric claim, so this does not apply.", ()
        )
    table: Mapping[str, float] = criterion.params.get("verdicts", {})
    by_verdict: Counter[str] = Counter(c.verdict for c in claims)
    net = sum(table.get(v, 0.0) * n for v, n in by_verdict.items())
    scale = len(claims)
    score = max(0.0, min(100.0, 50.0 + 50.0 * net / max(scale, 2)))
    contributions = tuple(
        Contribution(v, "raises" if table.get(v, 0.0) > 0 else "lowers", n, table.get(v, 0.0) * n)
        for v, n in by_verdict.most_common()
    )
    per_verdict = ", ".join(
        f"{n} {v.replace('_', ' ')} x {table.get(v, 0.0):+g} = {table.get(v, 0.0) * n:+g}"
        for v, n in by_verdict.most_common()
    )
    why = (
        f"{len(claims)} numeric claims, net {net:+.2f} points: {per_verdict}, each verdict's "
        f"points as the rubric sets them ({param_at(criterion, 'verdicts')}). "
        f"Score = 50 + 50 x {number(net)} / {max(scale, 2)} = "
        f"{score:.1f}, kept within 0-100: 50 when the numbers are neither supported nor wrong, "
        "and the net is divided by the number of claims (at least 2) so that it is the share of "
        "good numbers that counts, not how many there are."
    )
    return MethodResult(score, contributions, why, ())


METHODS: dict[str, Method] = {
    "balance": balance,
    "density": density,
    "presence": presence,
    "count": count,
    "claims": claims_method,
}
"""The closed set of scoring methods a rubric criterion may name."""


def kinds_by_level(criterion: Criterion, key: str = "level_needs") -> dict[int, list[str]]:
    """``level_needs`` (or ``level_forbids``) read as ``{level: kinds}``, lowest level first
    (YAML keys may be text)."""
    needs = criterion.params.get(key) or {}
    ordered = sorted(needs.items(), key=lambda item: int(item[0]))
    return {int(level): list(kinds) for level, kinds in ordered}


def level_gate(criterion: Criterion, result: MethodResult) -> MethodResult:
    """Hold a score below a level whose description asks for something the text does not have,
    or rules out something it has.

    A rubric level is a description ("at least one real limitation is named"); a method only
    sums evidence, so sixteen "may"s can add up to level 4 in a text that names no limitation.
    ``level_needs: {4: [limitation]}`` caps the score at the top of level 3 until one finding of
    a listed kind is counted, as an analytic rubric's descriptor is applied (Brookhart, *How to
    Create and Use Rubrics*, ASCD 2013: a level is reached only when its criteria are met).
    ``level_forbids: {5: [hype]}`` caps it at the top of level 4 while a counted finding of a
    listed kind is in the author's own voice ("no promotional language in the author's voice").
    """
    plan = _plan(criterion)
    if not (plan.needs or plan.forbids) or result.score is None:
        return result
    counted = [t.finding for t in result.tallies if t.counted]
    present = {f.kind for f in counted}
    own_voice = {f.kind for f in counted if not f.quoted}
    for level in sorted({*plan.needs, *plan.forbids}):
        needed = plan.needs.get(level, ())
        ruled_out = [k for k in plan.forbids.get(level, ()) if k in own_voice]
        if (not needed or present.intersection(needed)) and not ruled_out:
            continue
        ceiling = LEVEL_WIDTH * (level - 1) - 1.0
        if result.score <= ceiling:
            return result
        if ruled_out:
            found = " or ".join(kind_name(k, 1) for k in ruled_out)
            asks = (f"Level {level} rules out a {found} in the author's own voice, and one is "
                    "counted")
            key = "level_forbids"
        else:
            asks = (f"Level {level} asks for at least one "
                    f"{' or '.join(kind_name(k, 1) for k in needed)}, and none is counted")
            key = "level_needs"
        why = (f" {asks}, so the score is held at {ceiling:.0f}, the top of level {level - 1} "
               f"({param_at(criterion, key)}).")
        return replace(result, score=ceiling, explanation=result.explanation + why)
    return result


def _flatten(*groups: dict[str, list[Finding]]) -> tuple[Finding, ...]:
    merged = [f for group in groups for items in group.values() for f in items]
    return tuple(sorted(merged, key=_SPAN))


def weighted_mean(scores: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """The total: the weighted mean over the criteria that apply (score not None)."""
    applicable = [(s, weights.get(c, 0.0)) for c, s in scores.items() if s is not None]
    weight_sum = sum(w for _, w in applicable)
    if weight_sum <= 0:
        return None
    return sum(s * w for s, w in applicable) / weight_sum


class Scorer:
    """A rubric compiled once: its lexicons' matcher and, when given, the fact ledger."""

    def __init__(self, rubric: Rubric, lexicons: Mapping[str, Lexicon], ledger: Any = None):
        self.rubric = rubric
        self.ledger = ledger
        entries = [
            e for name in rubric.lexicons if name in lexicons for e in lexicons[name].entries
        ]
        self.matcher = Matcher(entries)
        self._needs_claims = any(c.method == "claims" for c in rubric.criteria.values())
        self.unscorable = _without_lexicon(rubric, lexicons)

    def findings(self, text: str, low: str | bool | None = True) -> list[Finding]:
        """``low``: the text lowered once for the matcher and the ledger (``lowered``)."""
        quotes = QuoteSpans(text, self.matcher.walks_in_c)
        return lexicon_findings(text, self.matcher, quotes, low, closing_start(text))

    def claims(
        self, text: str, article_date: dt.date | None = None, low: str | bool | None = True
    ) -> tuple[Claim, ...] | None:
        """The article's numeric claims with verdicts; None when no ledger topic covers it.

        A ledger can only judge numbers on its own topic: an article about asthma has nothing in
        an MDMA ledger to be checked against, so numeric accuracy does not apply to it, rather
        than every number in it counting as unverifiable.
        """
        if not self._needs_claims or self.ledger is None:
            return None
        if not self.ledger.topics_in(text, low):
            return None
        from srcgrade.detect.numbers import extract_claims
        from srcgrade.facts import check_claims

        return tuple(check_claims(extract_claims(text), text, self.ledger, article_date))

    def score(
        self,
        text: str,
        *,
        article_id: str = "",
        title: str = "",
        weights: Mapping[str, float] | None = None,
        article_date: dt.date | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> ArticleScore:
        """Score one text. Same input, same output; no network, no file access."""
        resolved = resolve_weights(self.rubric, weights)
        low = lowered(text)
        findings = _without_self_links(self.findings(text, low), (meta or {}).get("url"))
        checked = self.claims(text, article_date, low)
        claims = checked or ()
        words = count_words(text, self.matcher.walks_in_c)
        criteria = {}
        for cid, criterion in self.rubric.criteria.items():
            if cid in self.unscorable:
                result = method = MethodResult(None, (), self.unscorable[cid], ())
            else:
                method = METHODS[criterion.method](criterion, findings, words, checked)
                result = level_gate(criterion, method)
            criteria[cid] = _criterion_score(  # CriterionScore's fields in their order
                cid,
                criterion.label,
                result.score,
                resolved[cid],
                Deferred(explain, criterion, result, findings),
                result.findings,
                result.contributions,
                level_of(result.score),
                result.tallies,
                method.explanation,
            )
        total = weighted_mean({c: s.score for c, s in criteria.items()}, resolved)
        return _article_score(  # ArticleScore's fields in their order
            article_id,
            title,
            self.rubric.id,
            total,
            criteria,
            claims,
            words,
            dict(meta or {}),
            tuple(findings),
        )


def _without_lexicon(rubric: Rubric, lexicons: Mapping[str, Lexicon]) -> dict[str, str]:
    """The criteria that cannot be scored because no loaded lexicon makes a kind they count (a
    lexicon of the rubric failed to load, or the rubric misspells a kind), each with the
    sentence that says so.

    Scored without it, a hype criterion finds nothing and gives 100, "nothing this criterion
    looks for was found": a broken file would pass for a clean article. Not applicable, with the
    reason, is the honest answer; the total leaves these criteria out, as it does any n/a.
    """
    missing = [name for name in rubric.lexicons if name not in lexicons]
    names = ", ".join(f"'{name}'" for name in missing)
    kinds = {name: lexicons[name].kinds() for name in rubric.lexicons if name in lexicons}
    unscorable = {}
    for cid, lost in rubric.without_lexicons(kinds).items():
        if missing:
            why = (f"the rubric's lexicon {names} did not load (its problem is listed where "
                   f"ratings/ is loaded), and this criterion counts {', '.join(lost)} findings, "
                   "which only it makes. Fix that file")
        else:
            why = (f"this criterion counts {', '.join(lost)} findings, which no entry of the "
                   f"rubric's lexicons makes (a misspelt kind? the problem is listed with "
                   f"{rubric.criteria[cid].origin}). Fix the rubric or the lexicon")
        unscorable[cid] = f"Not scored: {why} and rate again."
    return unscorable


def _without_self_links(findings: list[Finding], own_url: object) -> list[Finding]:
    """A link to the article's own address cites nothing: scraped pages often repeat it in the
    header, and it would count as a checkable source."""
    own = _url_key(own_url) if isinstance(own_url, str) else ""
    if not own:
        return findings
    return [f for f in findings if not f.text.lower().startswith("http") or _url_key(f.text) != own]


def _url_key(url: str) -> str:
    """The address without scheme, "www.", fragment or trailing slash."""
    key = url.strip().lower().split("#", 1)[0]
    key = key.split("://", 1)[-1].removeprefix("www.")
    return key.rstrip("/")


KIND_NAMES = {
    "specific_citation": ("specific, checkable source", "specific, checkable sources"),
    "vague_citation": ("vague attribution", "vague attributions"),
    "hedge": ("calibrated hedge", "calibrated hedges"),
    "limitation": ("limitation or study-design detail", "limitations or study-design details"),
    "ritual_hedge": ("ritual hedge", "ritual hedges"),
    "overclaim": ("overclaim", "overclaims"),
    "hype": ("promotional word", "promotional words"),
    "supported": ("supported number", "supported numbers"),
    "contradicted": ("contradicted number", "contradicted numbers"),
    "unverifiable": ("unverifiable number", "unverifiable numbers"),
    "retracted_source": ("number from a retracted paper", "numbers from retracted papers"),
    "outdated": ("outdated claim", "outdated claims"),
}


# Nouns the -s rule cannot pluralise: a mass noun or a gerund ("2 disease mongering") is
# counted in instances instead.
_UNCOUNTED = ("ing", "speech", "evidence", "information")


def plural(name: str) -> str:
    """A kind's words in the plural, by the regular English rules on the noun: "attributed
    statement" -> "attributed statements", "testimony" -> "testimonies", "expert quoted" ->
    "experts quoted"; a mass noun is counted as "instances of" it."""
    if name.endswith(_UNCOUNTED):
        return f"instances of {name}"
    head, _, last = name.rpartition(" ")
    if head and last.endswith("ed"):  # a participle after its noun: "experts quoted"
        return f"{plural(head)} {last}"
    if name.endswith("y") and name[-2:-1] not in ("a", "e", "i", "o", "u"):
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "z", "ch", "sh")):
        return name + "es"
    return name + "s"


def kind_name(kind: str, count: int) -> str:
    """A finding kind's name for ``count`` of it; kinds without a name of their own in
    KIND_NAMES (those of the health-news-review lexicons) are their id in words, pluralised."""
    words = kind.replace("_", " ")
    singular, many = KIND_NAMES.get(kind, (words, None))
    if count == 1:
        return singular
    return many or plural(words)


def explain(
    criterion: Criterion, result: MethodResult, findings: Iterable[Finding] = ()
) -> str:
    """One plain-language paragraph naming the findings that drove the score (``findings``: all
    of the article's, to say which ones the criterion set aside)."""
    if result.score is None:
        return result.explanation
    parts = []
    for contribution in result.contributions:
        examples = _examples(result.findings, contribution.kind)
        name = kind_name(contribution.kind, contribution.count)
        parts.append(f"{contribution.direction} by {contribution.count} {name}{examples}")
    body = "; ".join(parts) if parts else "nothing this criterion looks for was found"
    sentence = f"{criterion.label} {result.score:.0f}/100 (level {level_of(result.score)}): {body}."
    weight = _plan(criterion).quoted_weight
    if weight < 1.0 and (note := _quoted_note(result.contributions, result.findings, weight)):
        sentence += f" {note}"
    sentence += _boilerplate_note(criterion, findings)
    sentence += _aside_note(criterion, result.tallies)
    return f"{sentence} {result.explanation}"


def _quoted_note(contributions: Iterable[Contribution], findings: tuple[Finding, ...],
                 weight: float) -> str:
    """Which of the counted findings are quoted, kind by kind ("1 of the 5 limitations or
    study-design details is inside a quotation"): a note after the last clause that said "of
    these" read as if the last kind's words were the quoted ones. A finding reported after a
    distancing phrase names the phrase ("some call it"): a reader should not look for quotation
    marks that are not there."""
    clauses = []
    total = 0
    for kind in dict.fromkeys(c.kind for c in contributions):
        of_kind = [f for f in findings if f.kind == kind]
        quoted = [f for f in of_kind if f.quoted]
        if quoted:
            clauses.append(_quoted_clause(kind, len(of_kind), quoted))
            total += len(quoted)
    if not clauses:
        return ""
    share = f"{weight:.0%} as much as the author's own words"
    body = "; ".join(clauses)
    body = body[0].upper() + body[1:]
    if len(clauses) > 1:
        return f"{body}. Quoted findings count {share}."
    return f"{body}; {'it counts' if total == 1 else 'they count'} {share}."


def _quoted_clause(kind: str, of_kind: int, quoted: list[Finding]) -> str:
    """One kind's quoted findings: "2 of the 14 calibrated hedges are inside quotations and 1
    is reported after 'some call it'" ("all 3 ...", "the promotional word ..." when every one
    of the kind is quoted)."""
    phrases = list(dict.fromkeys(f.reported_by.place() for f in quoted if f.reported_by))
    reported = sum(1 for f in quoted if f.reported_by)
    marks = len(quoted) - reported
    where = []
    if marks:
        where.append((marks, "inside a quotation" if marks == 1 else "inside quotations"))
    if reported:
        where.append((reported, f"reported {' or '.join(phrases)}"))
    if of_kind == 1:
        subject = f"the {kind_name(kind, 1)}"
    elif len(where) == 1 and where[0][0] == of_kind:
        every = "both" if of_kind == 2 else f"all {of_kind}"
        subject = f"{every} {kind_name(kind, of_kind)}"
    else:
        subject = f"{where[0][0]} of the {of_kind} {kind_name(kind, of_kind)}"
    first = f"{subject} {'is' if where[0][0] == 1 else 'are'} {where[0][1]}"
    if len(where) == 1:
        return first
    count, words = where[1]
    return f"{first} and {count} {'is' if count == 1 else 'are'} {words}"


def _aside_note(criterion: Criterion, tallies: Iterable[Tally]) -> str:
    """The findings a criterion found but did not count (past a rule's limit, repeats, lacking the
    kind ``only_with`` asks for), so the highlighted text and the counts above agree; findings in
    the closing boilerplate have their own note."""
    by_aside: dict[str, list[Finding]] = {}
    for tally in tallies:  # one pass; most tallies are counted
        if tally.aside:
            by_aside.setdefault(tally.aside, []).append(tally.finding)
    if not by_aside:
        return ""
    notes = []
    for aside in ("cap", "repeat", "overlap", "only_with"):
        group = tuple(by_aside.get(aside, ()))
        if not group:
            continue
        kinds = {f.kind for f in group}
        name = kind_name(next(iter(kinds)), len(group)) if len(kinds) == 1 else "findings"
        rule = _aside_rule(criterion, aside, group[0].kind)
        verb = "is" if len(group) == 1 else "are"
        found = f" {len(group)} {name}{_examples(group)} {verb} found"
        notes.append(f"{found} but not counted: {rule}.")
    return "".join(notes)


def set_aside(score: ArticleScore) -> dict[Finding, tuple[str, str]]:
    """The article's findings that no criterion counted, each with a few words for a legend (a
    value of ``ASIDE``) and the full reason for a tooltip.

    The highlighted text shows every match, the explanations count only what their criterion
    counted: this is what lets the page mark the difference instead of showing two counts.
    """
    counted: set[Finding] = set()
    why: dict[Finding, list[tuple[str, str]]] = defaultdict(list)
    for result in score.criteria.values():
        for tally in result.tallies:
            if tally.counted:
                counted.add(tally.finding)
            else:
                why[tally.finding].append((tally.aside, f"{result.label}: {tally.reason}"))
    aside: dict[Finding, tuple[str, str]] = {}
    for finding in score.findings:
        if finding in counted:
            continue
        reasons = why.get(finding)
        if reasons:
            aside[finding] = (ASIDE[reasons[0][0]], "; ".join(dict.fromkeys(r for _, r in reasons)))
        else:
            note = f"no criterion of the '{score.rubric}' rubric weighs this kind"
            aside[finding] = (ASIDE["unused"], note)
    return aside


def _boilerplate_note(criterion: Criterion, findings: Iterable[Finding]) -> str:
    plan = _plan(criterion)
    weight = plan.boilerplate_weight
    if weight >= 1.0:
        return ""
    kinds = plan.kinds
    aside = [f for f in findings if f.boilerplate and f.kind in kinds]
    if not aside:
        return ""
    one = len(aside) == 1
    how = (("is" if one else "are") + " not counted" if weight == 0
           else f"count{'s' if one else ''} {weight:.0%} as much")
    return (
        f" {len(aside)} {'finding' if len(aside) == 1 else 'findings'} in the closing boilerplate "
        f"(after '###' or an 'About ...' heading){_examples(tuple(aside))} {how}."
    )


def _examples(findings: tuple[Finding, ...], kind: str | None = None, limit: int = 3) -> str:
    """Up to ``limit`` different texts of the findings (of ``kind``, or of any kind)."""
    seen: list[str] = []
    lowered_seen: set[str] = set()
    for finding in findings:
        if kind in (None, finding.kind) and (low := finding.text.lower()) not in lowered_seen:
            seen.append(finding.text)
            lowered_seen.add(low)
        if len(seen) == limit:
            break
    return " (" + ", ".join(f"'{s}'" for s in seen) + ")" if seen else ""
