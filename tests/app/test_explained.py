"""The Article page explains every figure it shows (a reviewer's walk through the Vox article):
the evidence tables' points add up to the explanations' figures, the legend counts what the
explanations count, and each checked number leads to the ledger line of its fact."""

from __future__ import annotations

import re

import pytest
from app_helpers import html_bodies, no_exceptions

from srcgrade.highlight import kind_label
from srcgrade.ui import data

VOX = "vox-mdma-self-experience"


def _plain(markdown: str) -> str:
    """A cell or line as the reader sees it: md()'s escapes and zero-width breaks removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "").replace("\u2060", "")


def _points(cell: str) -> float:
    """ "+0.5" or "-1" as a number; "0 (not counted)" as 0."""
    return float(_plain(cell).split()[0])


@pytest.fixture
def vox(make_app, app_ratings):
    at = make_app("article", article=VOX)
    no_exceptions(at)
    score = data.score_corpus(data.load(app_ratings), None).by_id[VOX]
    return at, score


def test_the_evidence_tables_points_add_up_to_the_explanations_figures(vox, app_ratings):
    at, score = vox
    tables = [t.value for t in at.table if "points" in t.value.columns and "words" in t.value]
    assert len(tables) == sum(bool(c.tallies) for c in score.criteria.values())
    for frame, result in zip(tables, (c for c in score.criteria.values() if c.tallies),
                             strict=True):
        points = [_points(cell) for cell in frame["points"]]
        gained = sum(p for p in points if p > 0)
        lost = -sum(p for p in points if p < 0)
        explanation = result.explanation
        if "Points for:" in explanation:  # the balance method prints both figures
            assert f"Points for: {_fmt(gained)};" in explanation
            assert f"points against: {_fmt(lost)}." in explanation
        not_counted = [_plain(c) for c in frame["points"] if "not counted" in c]
        assert len(not_counted) == sum(not t.counted for t in result.tallies)
    assert "how the points are worked out" in tables[0].columns
    captions = [_plain(c.value) for c in at.caption]
    rubric = data.load(app_ratings).rubric()
    citations = rubric.criteria["citations"]
    for table in ("reward", "penalise"):
        where = f"{table}, {citations.origin.path}:{citations.param_lines[table]}"
        assert any(where in caption for caption in captions), where


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def test_the_legend_counts_the_hedges_the_explanation_counts(vox):
    at, score = vox
    [body] = [b for b in html_bodies(at) if "sg-text" in b]
    legend = body.split('class="sg-text"')[0]
    [hedges] = [c for c in score.criteria["hedging"].contributions if c.kind == "hedge"]
    shown = re.search(rf"{re.escape(kind_label('hedge'))}</mark> &times;(\d+)", legend)
    assert shown and int(shown.group(1)) == hedges.count
    if any(not t.counted for t in score.criteria["hedging"].tallies):
        assert "not counted" in legend and "sg-not-counted" in body


def test_the_numeric_card_lists_each_claims_points_and_its_ledger_line(vox):
    at, score = vox
    [numbers] = [t.value for t in at.table
                 if {"points", "fact, and where it is defined"} <= set(t.value.columns)]
    assert list(numbers.columns[:3]) == ["number", "verdict", "points"]
    net = sum(_points(cell) for cell in numbers["points"])
    assert f"net {net:+.2f} points" in score.criteria["numeric_accuracy"].explanation
    for claim, cell in zip(score.claims, numbers["fact, and where it is defined"], strict=True):
        if claim.fact_id:
            assert _plain(cell) == f"{claim.fact_id} — {claim.origin}"
            path, line = str(claim.origin).rsplit(":", 1)
            with open(path, encoding="utf-8") as ledger:
                assert ledger.read().splitlines()[int(line) - 1].strip() == f"- id: {claim.fact_id}"
    [claims] = [t.value for t in at.table if "in the text" in t.value.columns]
    assert list(claims.columns) == [
        "number", "verdict", "what the ledger says", "source", "fact, and where it is defined",
        "in the text",
    ]
    for claim, cell in zip(score.claims, claims["in the text"], strict=True):
        words = _plain(cell).replace("**", "").strip("…")
        assert f"**{claim.text}**" in _plain(cell) and words in claim.sentence
    for claim, cell in zip(score.claims, claims["source"], strict=True):
        doi = re.search(r"doi:(10\.\S+)", claim.source or "")
        if doi:  # the citation, linked to its DOI, with the DOI not spelt out a second time
            assert cell.endswith(f"](https://doi.org/{doi.group(1)})") and "doi:" not in cell
