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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from srcgrade.detect import lexicon_findings
from srcgrade.detect.quotes import QuoteSpans
from srcgrade.detect.sections import closing_start
from srcgrade.lexicon import Lexicon, Matcher
from srcgrade.model import ArticleScore, Claim, Contribution, CriterionScore, Finding
from srcgrade.pattern_scan import lowered
from srcgrade.rubric import Criterion, Rubric, level_of, resolve_weights


@dataclass(frozen=True, slots=True)
class MethodResult:
    score: float | None
    contributions: tuple[Contribution, ...]
    explanation: str
    findings: tuple[Finding, ...]


Method = Callable[[Criterion, list[Finding], int, tuple[Claim, ...] | None], MethodResult]
"""(criterion, findings, word count, claims: None when no fact ledger covers the article)."""


def count_words(text: str) -> int:
    return len(text.split())


def _points(
    criterion: Criterion, findings: Iterable[Finding], table_name: str
) -> tuple[dict[str, float], dict[str, list[Finding]]]:
    """Points per kind from the findings a criterion's ``reward`` or ``penalise`` table names.

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
    table: Mapping[str, float] = criterion.params.get(table_name, {})
    quoted_weight = float(criterion.params.get("quoted_weight", 1.0))
    boilerplate_weight = float(criterion.params.get("boilerplate_weight", 1.0))
    cap = criterion.params.get("max_per_rule")
    distinct = _distinct_kinds(criterion, table)
    by_last_word = criterion.params.get("distinct_key", "text") == "last_word"
    findings = _only_with(criterion, findings)
    seen: set[tuple[str, str]] = set()
    per_rule: Counter[str] = Counter()
    points: dict[str, float] = defaultdict(float)
    used: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.kind not in table or (finding.boilerplate and boilerplate_weight == 0):
            continue
        if finding.kind in distinct:
            key = (finding.kind, _distinct_key(finding.text, by_last_word))
            if key in seen:
                continue
            seen.add(key)
        per_rule[finding.rule] += 1
        if cap is not None and per_rule[finding.rule] > cap:
            continue
        factor = (quoted_weight if finding.quoted else 1.0) * (
            boilerplate_weight if finding.boilerplate else 1.0
        )
        points[finding.kind] += table[finding.kind] * finding.strength * factor
        used[finding.kind].append(finding)
    return dict(points), dict(used)


def _distinct_kinds(criterion: Criterion, table: Mapping[str, float]) -> frozenset[str]:
    distinct = criterion.params.get("distinct", False)
    if distinct is True:
        return frozenset(table)
    if not distinct:
        return frozenset()
    return frozenset(distinct)


def _distinct_key(text: str, last_word: bool) -> str:
    words = [w.strip(".,;:!?'\"()[]\u2019\u201c\u201d") for w in text.casefold().split()]
    words = [w for w in words if w]
    if last_word:
        return words[-1] if words else ""
    return " ".join(words)


def _only_with(criterion: Criterion, findings: Iterable[Finding]) -> Iterable[Finding]:
    """The findings, less those of a kind ``only_with`` ties to kinds the text has none of."""
    required: Mapping[str, list[str]] = criterion.params.get("only_with") or {}
    if not required:
        return findings
    findings = list(findings)
    present = {f.kind for f in findings}
    return [
        f for f in findings if f.kind not in required or present.intersection(required[f.kind])
    ]


def _contributions(
    points: dict[str, float], used: dict[str, list[Finding]], direction: str
) -> list[Contribution]:
    return [
        Contribution(kind, direction, len(used[kind]), round(points[kind], 2))
        for kind in sorted(points, key=lambda k: -points[k])
        if points[kind] > 0
    ]


def balance(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Evidence for against evidence against, as the mean of a Beta posterior.

    ``prior_reward`` and ``prior_penalty`` are pseudo-counts: an article with no evidence either way
    sits at ``100 * a / (a + b)``, and each finding moves it less as evidence accumulates.
    """
    reward, reward_used = _points(criterion, findings, "reward")
    penalty, penalty_used = _points(criterion, findings, "penalise")
    a = float(criterion.params.get("prior_reward", 1.0))
    b = float(criterion.params.get("prior_penalty", 1.0))
    r, p = sum(reward.values()), sum(penalty.values())
    score = 100.0 * (r + a) / (r + p + a + b)
    contributions = _contributions(reward, reward_used, "raises") + _contributions(
        penalty, penalty_used, "lowers"
    )
    used = _flatten(reward_used, penalty_used)
    why = (
        f"Points for: {r:.1f}; points against: {p:.1f}. "
        f"Score = 100 x ({r:.1f} + {a:g}) / ({r:.1f} + {p:.1f} + {a:g} + {b:g})."
    )
    return MethodResult(score, tuple(contributions), why, used)


def density(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Fewer is better, relative to length: the score halves every ``half_at`` points per 1,000.

    Length is floored at ``min_words`` so that a short text with one hype word is not judged as if
    that word were a fifth of it.
    """
    penalty, used = _points(criterion, findings, "penalise")
    per_words = int(criterion.params.get("per_words", 1000))
    length = max(words, int(criterion.params.get("min_words", 1)))
    half_at = float(criterion.params.get("half_at", 4.0))
    d = sum(penalty.values()) * per_words / length
    score = 100.0 * 0.5 ** (d / half_at)
    why = (
        f"{d:.1f} weighted points per {per_words:,} words over {words:,} words; "
        f"the score halves every {half_at:g} points per {per_words:,} words."
    )
    return MethodResult(score, tuple(_contributions(penalty, used, "lowers")), why, _flatten(used))


def presence(
    criterion: Criterion, findings: list[Finding], words: int, claims: tuple[Claim, ...] | None
) -> MethodResult:
    """Does the article do this at all: from ``floor`` with nothing found to 100 at ``full_at``."""
    reward, used = _points(criterion, findings, "reward")
    penalty, penalty_used = _points(criterion, findings, "penalise")
    floor = float(criterion.params.get("floor", 0.0))
    full_at = float(criterion.params.get("full_at", 1.0))
    net = max(0.0, sum(reward.values()) - sum(penalty.values()))
    score = floor + (100.0 - floor) * min(1.0, net / full_at)
    contributions = _contributions(reward, used, "raises") + _contributions(
        penalty, penalty_used, "lowers"
    )
    why = f"{net:.1f} points found; {full_at:g} earn full marks, none earns {floor:g}."
    return MethodResult(score, tuple(contributions), why, _flatten(used, penalty_used))


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
    reward, used = _points(criterion, findings, "reward")
    penalty, penalty_used = _points(criterion, findings, "penalise")
    floor = float(criterion.params.get("floor", 0.0))
    full_at = float(criterion.params.get("full_at", 10.0))
    net = max(0.0, sum(reward.values()) - sum(penalty.values()))
    score = floor + (100.0 - floor) * min(1.0, math.log1p(net) / math.log1p(full_at))
    contributions = _contributions(reward, used, "raises") + _contributions(
        penalty, penalty_used, "lowers"
    )
    why = (
        f"{net:.1f} net points found; score = {floor:g} + {100 - floor:g} x log(1 + {net:.1f}) / "
        f"log(1 + {full_at:g}), full marks from {full_at:g} points."
    )
    return MethodResult(score, tuple(contributions), why, _flatten(used, penalty_used))


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
            "No fact ledger in ratings/facts/ covers this article's topic, so its numbers cannot "
            "be checked against a peer-reviewed source; this criterion does not apply.",
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
    why = (
        f"{len(claims)} numeric claims, net {net:+.2f} points; "
        "score = 50 + 50 x net / number of claims (at least 2), kept within 0-100."
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


def _flatten(*groups: dict[str, list[Finding]]) -> tuple[Finding, ...]:
    merged = [f for group in groups for items in group.values() for f in items]
    return tuple(sorted(merged, key=lambda f: (f.start, f.end)))


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

    def findings(self, text: str, low: str | bool | None = True) -> list[Finding]:
        """``low``: the text lowered once for the matcher and the ledger (``lowered``)."""
        return lexicon_findings(text, self.matcher, QuoteSpans(text), low, closing_start(text))

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
        resolved = resolve_weights(self.rubric, weights, allow_zero=True)
        low = lowered(text)
        findings = _without_self_links(self.findings(text, low), (meta or {}).get("url"))
        checked = self.claims(text, article_date, low)
        claims = checked or ()
        words = count_words(text)
        criteria = {}
        for cid, criterion in self.rubric.criteria.items():
            result = METHODS[criterion.method](criterion, findings, words, checked)
            criteria[cid] = CriterionScore(
                criterion=cid,
                label=criterion.label,
                score=result.score,
                weight=resolved[cid],
                explanation=explain(criterion, result, findings),
                findings=result.findings,
                contributions=result.contributions,
                level=level_of(result.score),
            )
        total = weighted_mean({c: s.score for c, s in criteria.items()}, resolved)
        return ArticleScore(
            id=article_id,
            title=title,
            rubric=self.rubric.id,
            total=total,
            criteria=criteria,
            claims=claims,
            word_count=words,
            meta=dict(meta or {}),
            findings=tuple(findings),
        )


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


def kind_name(kind: str, count: int) -> str:
    singular, plural = KIND_NAMES.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return singular if count == 1 else plural


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
    quoted = [f for f in result.findings if f.quoted]
    body = "; ".join(parts) if parts else "nothing this criterion looks for was found"
    sentence = f"{criterion.label} {result.score:.0f}/100 (level {level_of(result.score)}): {body}."
    if quoted and float(criterion.params.get("quoted_weight", 1.0)) < 1.0:
        weight = float(criterion.params["quoted_weight"])
        sentence += (
            f" {len(quoted)} of these are inside quotations and count {weight:.0%} as much as the "
            "author's own words."
        )
    sentence += _boilerplate_note(criterion, findings)
    return f"{sentence} {result.explanation}"


def _boilerplate_note(criterion: Criterion, findings: Iterable[Finding]) -> str:
    weight = float(criterion.params.get("boilerplate_weight", 1.0))
    if weight >= 1.0:
        return ""
    kinds = {**criterion.params.get("reward", {}), **criterion.params.get("penalise", {})}
    aside = [f for f in findings if f.boilerplate and f.kind in kinds]
    if not aside:
        return ""
    how = "are not counted" if weight == 0 else f"count {weight:.0%} as much"
    return (
        f" {len(aside)} {'finding' if len(aside) == 1 else 'findings'} in the closing boilerplate "
        f"(after '###' or an 'About ...' heading){_examples(tuple(aside))} {how}."
    )


def _examples(findings: tuple[Finding, ...], kind: str | None = None, limit: int = 3) -> str:
    """Up to ``limit`` different texts of the findings (of ``kind``, or of any kind)."""
    seen: list[str] = []
    for finding in findings:
        if kind in (None, finding.kind) and finding.text.lower() not in (s.lower() for s in seen):
            seen.append(finding.text)
        if len(seen) == limit:
            break
    return " (" + ", ".join(f"'{s}'" for s in seen) + ")" if seen else ""
