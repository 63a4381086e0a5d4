"""Totals and ranks for many articles at once: the dashboard's slider path.

Scoring happens once per corpus; moving a weight only re-runs these vectorised functions over a
DataFrame of criterion scores (one row per article, one column per criterion, NaN where a criterion
does not apply). They agree exactly with ``srcgrade.score.weighted_mean`` for a single article.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def weighted_totals(scores: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Weighted mean over the applicable criteria of each row; NaN where none applies."""
    columns = [c for c in weights if c in scores.columns]
    values = scores[columns].to_numpy(dtype=float)
    w = np.array([weights[c] for c in columns], dtype=float)
    present = ~np.isnan(values)
    weight_sums = present @ w
    sums = np.where(present, values, 0.0) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.where(weight_sums > 0, sums / weight_sums, np.nan)
    return pd.Series(totals, index=scores.index, name="total")


def rank(totals: pd.Series) -> pd.Series:
    """1 = best; ties share the better rank; articles with no total rank last."""
    return totals.rank(ascending=False, method="min", na_option="bottom").astype(int)


def top_n(totals: pd.Series, n: int) -> pd.Index:
    """The n best rows without sorting them all (a partial selection), best first."""
    values = np.nan_to_num(totals.to_numpy(dtype=float), nan=-np.inf)
    n = min(n, len(values))
    if n == 0:
        return totals.index[:0]
    part = np.argpartition(-values, n - 1)[:n]
    order = part[np.argsort(-values[part], kind="stable")]
    return totals.index[order]


def sensitivity(
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    criterion: str,
    steps: int = 21,
    maximum: float = 3.0,
) -> pd.DataFrame:
    """Each article's total as one criterion's weight sweeps from 0 to ``maximum``.

    Long format (weight, article, total), ready for a line chart: crossing lines show where the
    ranking depends on the weights.
    """
    frames = []
    for value in np.linspace(0.0, maximum, steps):
        swept = {**weights, criterion: float(value)}
        if not any(v > 0 for v in swept.values()):
            continue
        totals = weighted_totals(scores, swept)
        frames.append(pd.DataFrame({"weight": value, "article": scores.index, "total": totals}))
    return pd.concat(frames, ignore_index=True)


def rank_ranges(
    scores: pd.DataFrame, criteria: list[str], draws: int = 500, seed: int = 0
) -> pd.DataFrame:
    """Each article's best, median and worst rank over random weightings (Dirichlet, uniform)."""
    rng = np.random.default_rng(seed)
    weight_draws = rng.dirichlet(np.ones(len(criteria)), size=draws)
    values = scores[criteria].to_numpy(dtype=float)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = (filled @ weight_draws.T) / (present @ weight_draws.T)
    totals = np.nan_to_num(totals, nan=-np.inf)
    ranks = (-totals).argsort(axis=0).argsort(axis=0) + 1
    return pd.DataFrame(
        {
            "best": ranks.min(axis=1),
            "median": np.median(ranks, axis=1),
            "worst": ranks.max(axis=1),
        },
        index=scores.index,
    )


class ScoreMatrix:
    """A corpus's criterion scores laid out once for fast reweighting.

    Scoring happens once per corpus; a slider move only needs ``(scores @ w) / (present @ w)``.
    Keeping the NaN-filled array and the applicability mask between moves leaves two
    matrix-vector products and a partial selection per change, with no DataFrame conversion
    (figures in benchmarks/README.md).
    """

    def __init__(self, scores: pd.DataFrame, criteria: list[str]):
        self.index = scores.index
        self.criteria = list(criteria)
        values = scores[self.criteria].to_numpy(dtype=float)
        present = ~np.isnan(values)
        self._filled = np.where(present, values, 0.0)
        self._present = present.astype(float)

    def totals(self, weights: Mapping[str, float]) -> np.ndarray:
        """Weighted mean over the applicable criteria; NaN where none applies."""
        w = np.array([weights.get(c, 0.0) for c in self.criteria], dtype=float)
        weight_sums = self._present @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(weight_sums > 0, (self._filled @ w) / weight_sums, np.nan)

    def top(self, weights: Mapping[str, float], n: int) -> pd.Index:
        """The ids of the n best articles under these weights, best first, without a full sort."""
        return top_n(pd.Series(self.totals(weights), index=self.index), n)
