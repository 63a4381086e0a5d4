"""Turning scores into what people read: a text report, a ranking table, JSON, JSONL and CSV rows.

Formatting only; every number here was computed by ``srcgrade.score``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from srcgrade.model import ArticleScore, Claim, Tally
from srcgrade.score import number

if TYPE_CHECKING:  # pandas is only needed where a table is built: `srcgrade score` starts faster
    import pandas as pd

WIDTH = 100


def fmt(score: float | None) -> str:
    return "n/a" if score is None or score != score else f"{score:.0f}"


def score_report(score: ArticleScore) -> str:
    """A readable report: total, each criterion with its explanation and the evidence behind it."""
    lines = [
        f"{score.title or score.id or 'Article'}",
        f"Rubric: {score.rubric}    Words: {score.word_count:,}    Total: {fmt(score.total)}/100",
        "",
    ]
    for criterion in score.criteria.values():
        shown = "n/a" if criterion.score is None else f"{fmt(criterion.score)}/100"
        lines.append(f"{criterion.label}: {shown} (weight {criterion.weight:g})")
        lines.extend(
            textwrap.wrap(criterion.explanation, WIDTH, initial_indent="  ", subsequent_indent="  ")
        )
        points = {t.finding: t for t in criterion.tallies if t.counted}
        for finding in criterion.findings[:12]:
            voice = "author" if not finding.quoted else (
                f"reported {finding.reported_by.place()}" if finding.reported_by else "quoted")
            voice += ", closing boilerplate" if finding.boilerplate else ""
            lines.append(
                f'    {_signed(points.get(finding))}[{finding.kind}] "{finding.text}" at '
                f"{finding.start} ({voice}; {finding.rule}, {finding.origin})"
            )
        if len(criterion.findings) > 12:
            lines.append(f"    ... and {len(criterion.findings) - 12} more (see --format json)")
        lines.append("")
    if score.claims:
        lines.append("Numeric claims:")
        lines.extend(claim_line(c) for c in score.claims)
    return "\n".join(lines).rstrip() + "\n"


def _signed(tally: Tally | None) -> str:
    """A finding's points as the explanation counts them: "+1.5 " for, "-0.5 " against."""
    if tally is None:
        return ""
    sign = "+" if tally.direction == "raises" else "-"
    return f"{sign}{number(tally.points)} "


def claim_line(claim: Claim) -> str:
    quote = claim.sentence.strip().replace("\n", " ")
    if len(quote) > 70:
        quote = quote[:67] + "..."
    source = claim.source or "no peer-reviewed source in the ledger"
    note = f" ({claim.note})" if claim.note else ""
    return f'  "{claim.text}" in "{quote}"\n      {claim.verdict.upper():<17} {source}{note}'


def ranking_table(frame: pd.DataFrame, criteria: Iterable[str]) -> str:
    """A plain-text ranking: rank, total, the criterion scores, and the title.

    A criterion's column is headed by its whole id, one word of it (split at "_") per header
    line ("numeric" over "accuracy"), so no id is cut and no column is wider than its longest
    word."""
    criteria = list(criteria)
    ordered = frame.sort_values("total", ascending=False, na_position="last")
    words = [["rank"], ["total"], *[c.split("_") for c in criteria]]
    widths = [max(5 if i > 0 else 4, *map(len, w)) for i, w in enumerate(words)]
    out = []
    for line in range(max(map(len, words))):
        heads = [w[line] if line < len(w) else "" for w in words]
        out.append(("  ".join(h.rjust(n) for h, n in zip(heads, widths, strict=True))
                    + ("  id" if line == 0 else "")).rstrip())
    for position, (_, row) in enumerate(ordered.iterrows(), start=1):
        cells = [str(position), fmt(row["total"]), *[fmt(row[c]) for c in criteria]]
        out.append(
            "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=False)) + f"  {row['id']}"
        )
    return "\n".join(out) + "\n"


def to_json(score: ArticleScore) -> dict[str, Any]:
    return score.to_dict()


def jsonl_row(score: ArticleScore, extra: Mapping[str, Any] | None = None) -> str:
    """One JSONL line: the input's fields (but its text), plus id, total and scores."""
    row: dict[str, Any] = dict(extra or {})
    row.update(
        {
            "id": score.id,
            "total": None if score.total is None else round(score.total, 1),
            "scores": {
                cid: None if c.score is None else round(c.score, 1)
                for cid, c in score.criteria.items()
            },
        }
    )
    return json.dumps(row, ensure_ascii=False, default=str)


def flat_row(
    score: ArticleScore, extra: Mapping[str, Any] | None = None, digits: int | None = 1
) -> dict[str, Any]:
    """A CSV/Parquet row: id, title, total, one column per criterion, then the input's fields.

    ``digits=None`` keeps the scores unrounded, for the ranking table: rounding 88.54 to 88.5
    and then to a whole number gives 88 where `srcgrade score` prints 89."""
    total = _round(score.total, digits)
    row: dict[str, Any] = {"id": score.id, "title": score.title, "total": total}
    row.update({cid: _round(c.score, digits) for cid, c in score.criteria.items()})
    row["words"] = score.word_count
    for key, value in (extra or {}).items():
        if key not in row and isinstance(value, str | int | float | bool | type(None)):
            row[key] = value
    return row


def _round(value: float | None, digits: int | None = 1) -> float | None:
    return value if value is None or digits is None else round(value, digits)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(...)`` typed as a student's
    name, an article id starting with "+"), with a leading apostrophe, so it shows as text: the
    OWASP advice on CSV injection. Numbers, and text that is a plain number ("-0.5"), are kept."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV with every text cell made :func:`spreadsheet_safe`."""
    return frame.map(spreadsheet_safe).to_csv(index=False)
