"""The few records everything in srcgrade passes around.

They are plain frozen dataclasses so that the core stays a set of pure functions: a detector returns
findings, the scorer turns findings into criterion scores, and the CLI and the dashboard only read
these records. Every record can be turned into the JSON contract with ``to_dict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a rule lives, so every finding can point at the YAML line behind it."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file; collected, never raised, so other files still load."""

    path: str
    line: int | None
    message: str
    level: str = "error"

    @property
    def where(self) -> str:
        """``file:line`` (the file alone when the line is not known), as an editor opens it."""
        return str(Origin(self.path, self.line))

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Reporter:
    """The distancing phrase ("some call it", "so-called", "touted as") whose clause a finding
    stands in: the finding counts as quoted, but it is reported, not inside quotation marks."""

    start: int
    end: int
    text: str
    rule: str
    origin: Origin | None = None
    follows: bool = False
    """True for an attribution after the words it reports ("the company said")."""

    def place(self) -> str:
        """Where the finding stands: "after 'some call it'", "before 'the company said'"."""
        return f"{'before' if self.follows else 'after'} '{self.text}'"

    def describe(self) -> str:
        """How an explanation names it: "reported, after 'some call it' (hype.yaml:659)"."""
        where = f" ({self.origin})" if self.origin else ""
        return f"reported, {self.place()}{where}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "origin": str(self.origin) if self.origin else None,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """A span of the article text that a rule matched.

    ``text == article_text[start:end]`` always holds; ``quoted`` is true when the span lies inside
    quoted speech, so the author's own words can be weighed apart from the words they quote;
    ``boilerplate`` when it lies in a press release's closing boilerplate ("###", "About <the
    institution>"), which says nothing about how this release reports its study. A finding in
    the clause after a distancing phrase ("Some call it a miracle cure") is quoted too, and
    ``reported_by`` names the phrase (None for one inside quotation marks, and for the author's).
    """

    start: int
    end: int
    text: str
    kind: str
    quoted: bool
    message: str
    rule: str = ""
    strength: float = 1.0
    origin: Origin | None = None
    boilerplate: bool = False
    reported_by: Reporter | None = None

    def where_quoted(self) -> str:
        """Why a quoted finding counts as quoted, in words ("" when it is the author's)."""
        if not self.quoted:
            return ""
        return self.reported_by.describe() if self.reported_by else "inside a quotation"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "quoted": self.quoted,
            "boilerplate": self.boilerplate,
            "message": self.message,
            "rule": self.rule,
            "strength": self.strength,
            "origin": str(self.origin) if self.origin else None,
            "reported_by": self.reported_by.to_dict() if self.reported_by else None,
        }


VERDICTS = ("supported", "contradicted", "unverifiable", "retracted_source", "outdated")


@dataclass(frozen=True, slots=True)
class Claim:
    """A number the article states, with what it is about and how it compares with the ledger."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    qualifier: str | None
    measure: str | None
    sentence: str
    sentence_start: int
    verdict: str = "unverifiable"
    fact_id: str | None = None
    source: str | None = None
    note: str = ""
    high: float | None = None  # top of a range ("20-30%", "the mid-2000s"); value is the bottom
    approximate: bool = False  # stated in words ("half", "twice"), so read with some slack
    origin: Origin | None = None  # the ledger line of the fact that decided the verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "measure": self.measure,
            "verdict": self.verdict,
            "fact_id": self.fact_id,
            "source": self.source,
            "note": self.note,
            "sentence": self.sentence,
            "origin": str(self.origin) if self.origin else None,
        }


ASIDE = {
    "cap": "over a rule's limit",
    "repeat": "repeats",
    "overlap": "overlaps a counted finding",
    "boilerplate": "closing boilerplate",
    "only_with": "without the study type they need",
    "unused": "no criterion uses them",
}
"""Why a finding counts for nothing, in a few words (a legend's): the codes of ``Tally.aside``."""


@dataclass(frozen=True, slots=True)
class Tally:
    """One finding's share of one criterion's points, or why it has none.

    The explanation gives only totals ("points for: 8"); a tally per finding lets the evidence
    table show where each point comes from, so its column adds up to the explanation's figure and
    a highlighted word that counts for nothing says why.
    """

    finding: Finding
    direction: str  # "raises" or "lowers", as in Contribution
    points: float  # weight x strength x quotation and boilerplate factors; 0 when not counted
    counted: bool
    aside: str = ""  # when not counted: a key of ASIDE
    reason: str = ""  # when not counted: why, with the rubric's file:line
    """Counted findings have their working-out in words from ``score.tally_how``, built only for
    an evidence table on screen: scoring a corpus never needs it."""


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much one group of findings moved one criterion's score, for the explanation."""

    kind: str
    direction: str  # "raises" or "lowers"
    count: int
    points: float


class Deferred:
    """Text worked out the first time it is read, from a function and its arguments: scoring a
    corpus for a table or a ranking never reads the explanations, and writing them was about a
    tenth of scoring a story. Equal to, hashed as and pickled as its text."""

    __slots__ = ("_args", "_make")

    def __init__(self, make: Callable[..., str], *args: Any) -> None:
        self._make = make
        self._args = args

    def __str__(self) -> str:
        return self._make(*self._args)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str | Deferred):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: str
    label: str
    score: float | None  # 0-100, higher is better; None when not applicable
    weight: float
    _explanation: str | Deferred
    """The paragraph ``explanation`` reads: a str, or a ``Deferred`` that writes it when first
    read (then the str replaces it)."""
    findings: tuple[Finding, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    level: int | None = None  # the 1-5 rubric level the score falls in
    tallies: tuple[Tally, ...] = ()
    """Every finding of a kind the criterion weighs, counted or not, with its points."""
    working: str = ""
    """The arithmetic from the points to the score, with the rubric lines it uses: part of
    ``explanation``, which the dashboard folds away so a student reads the plain part first."""

    @property
    def explanation(self) -> str:
        """One plain-language paragraph naming the findings that drove the score."""
        text = self._explanation
        if not isinstance(text, str):
            text = str(text)
            object.__setattr__(self, "_explanation", text)  # written once, kept
        return text

    def plain_explanation(self) -> str:
        """The explanation without its arithmetic (all of it when it has none, or is nothing
        else: a criterion that does not apply says why in words)."""
        if not self.working or self.working not in self.explanation:
            return self.explanation
        before, _, after = self.explanation.partition(self.working)
        plain = f"{before.rstrip()} {after.lstrip()}".strip()
        return plain or self.explanation

    def to_dict(self) -> dict[str, Any]:
        """Each counted finding carries its points and direction (they add up to the
        contributions); ``not_counted`` lists the findings of the criterion's kinds that earned
        nothing, each with the reason and its rubric line, as the evidence table shows them."""
        counted = {t.finding: t for t in self.tallies if t.counted}
        return {
            "score": None if self.score is None else round(self.score, 1),
            "weight": self.weight,
            "level": self.level,
            "explanation": self.explanation,
            "findings": [_with_points(f, counted.get(f)) for f in self.findings],
            "not_counted": [
                {**t.finding.to_dict(), "reason": t.reason} for t in self.tallies if not t.counted
            ],
            "contributions": [asdict(c) for c in self.contributions],
        }


def _with_points(finding: Finding, tally: Tally | None) -> dict[str, Any]:
    row = finding.to_dict()
    if tally is not None:
        row["direction"] = tally.direction
        row["points"] = round(tally.points, 4)
    return row


@dataclass(frozen=True, slots=True)
class ArticleScore:
    id: str
    title: str
    rubric: str
    total: float | None
    criteria: dict[str, CriterionScore]
    claims: tuple[Claim, ...] = ()
    word_count: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    """Every lexicon match in the text, including those no criterion counted (a rule's repeats
    past its cap, kinds no criterion of this rubric names): what the highlighted text shows."""

    def scores(self) -> dict[str, float | None]:
        return {cid: c.score for cid, c in self.criteria.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "total": None if self.total is None else round(self.total, 1),
            "rubric": self.rubric,
            "word_count": self.word_count,
            "criteria": {cid: c.to_dict() for cid, c in self.criteria.items()},
            "claims": [c.to_dict() for c in self.claims],
        }
