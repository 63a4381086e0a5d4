"""Agreement with outside experts: ``srcgrade evaluate`` and ``srcgrade fit-weights``.

The metrics and the weight fitting are pure functions over arrays (tested alone); the IO around them
reads a JSONL file of expert-rated texts (``text``, ``stars``, optional ``criteria``), rates every
text with the one scorer the rest of srcgrade uses, and writes a report or a weight preset.

- Spearman's rho between the rubric total and the experts' stars, with a percentile bootstrap 95%
  interval; the AUC of the total for telling stars >= 3 from below.
- For each criterion with a HealthNewsReview counterpart, the AUC of its score against that
  criterion's Satisfactory / Not Satisfactory answers (Not Applicable left out).
- The same figures for article length alone, the baseline a rubric has to beat.
- ``fit-weights``: non-negative criterion weights that maximise the correlation of the weighted
  total with the stars, with the cross-validated (out-of-fold) rho reported, not the in-sample one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from srcgrade.model import Problem

if TYPE_CHECKING:  # corpus (YAML, schemas) is imported only by the commands that load ratings
    from srcgrade.corpus import WeightPreset

HNR_CRITERIA: dict[str, str] = {
    "hype": "sensational_language",
    "benefits_quantified": "benefits",
    "benefits": "benefits",
    "harms": "harms",
    "costs": "costs",
    "evidence_quality": "evidence_quality",
    "independent_sources": "funding_coi",
    "funding": "funding_coi",
    "alternatives": "alternatives",
    "availability": "availability",
    "novelty": "novelty",
    "disease_mongering": "disease_mongering",
}
"""srcgrade criterion id -> HealthNewsReview criterion key; used for criteria the rubric has.

A different mapping can be given with ``--criteria-map FILE`` (YAML: ``criterion: hnr_key``).
"""

HNR_LABELS: dict[str, str] = {
    "benefits": "Quantifies the benefits",
    "harms": "Explains the harms",
    "costs": "Discusses the costs",
    "evidence_quality": "Judges the quality of the evidence",
    "funding_coi": "Names funders and conflicts of interest",
    "alternatives": "Compares with the alternatives",
    "availability": "Says whether it is available",
    "novelty": "Says how new it really is",
    "sensational_language": "Avoids sensational language",
    "disease_mongering": "Avoids disease-mongering",
}
"""HealthNewsReview's own criteria (the report's ``hnr`` keys) in the reviewers' words."""

SATISFACTORY, NOT_SATISFACTORY = "Satisfactory", "Not Satisfactory"
BOOTSTRAP_DRAWS = 1000
STAR_THRESHOLD = 3
STAR_SCALE = (0, 5)
"""HealthNewsReview's stars run from 0 to 5; a line outside the scale is a typo or another scale."""


# --- pure metrics ------------------------------------------------------------------------------


def rankdata(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (as ``scipy.stats.rankdata``)."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n == 0:
        return np.empty(0)
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    boundaries = np.flatnonzero(np.diff(sorted_x) != 0) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [n]))
    average = (starts + ends + 1) / 2.0  # mean of ranks start+1 .. end
    ranks = np.empty(n)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Pearson's r; NaN when either side is constant or there are fewer than two pairs."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.size < 2:
        return math.nan
    a, b = a - a.mean(), b - b.mean()
    denominator = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / denominator if denominator > 0 else math.nan


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman's rho: Pearson's r of the (tie-averaged) ranks."""
    return pearson(rankdata(x), rankdata(y))


def bootstrap_ci(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    statistic=spearman,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(x, y)`` over resampled pairs (seeded)."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.size < 3:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(draws):
        pick = rng.integers(0, a.size, a.size)
        value = statistic(a[pick], b[pick])
        if not math.isnan(value):
            values.append(value)
    if not values:
        return math.nan, math.nan
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def auc(scores: Sequence[float] | np.ndarray, positive: Sequence[bool] | np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive scores above a random negative.

    Ties count one half (the Mann-Whitney U statistic over n_pos x n_neg). NaN without both classes.
    """
    s = np.asarray(scores, dtype=float)
    p = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(p.sum()), int((~p).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = rankdata(s)
    u = ranks[p].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


MIN_HALF = 3
"""Texts a half needs before its figures are reported (a rank correlation of two is noise)."""


def id_half(record_id: str) -> str:
    """'A' or 'B': a stable split of a file by a hash of each record's id."""
    return "AB"[hashlib.sha256(record_id.encode("utf-8")).digest()[0] % 2]


# --- pure weight fitting -----------------------------------------------------------------------


def weighted_totals(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise weighted mean over the non-NaN cells (as ``srcgrade.score.weighted_mean``)."""
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    weight_sums = present @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_sums > 0, (filled @ weights) / weight_sums, np.nan)


def _objective_and_gradient(
    values: np.ndarray, present: np.ndarray, filled: np.ndarray, target: np.ndarray, w: np.ndarray
) -> tuple[float, np.ndarray]:
    """Pearson's r between the weighted totals and the target, and its gradient in the weights."""
    weight_sums = present @ w
    weight_sums = np.where(weight_sums > 0, weight_sums, np.inf)
    totals = (filled @ w) / weight_sums
    tc = totals - totals.mean()
    yc = target - target.mean()
    stt, syy = float(tc @ tc), float(yc @ yc)
    if stt <= 0 or syy <= 0:
        return 0.0, np.zeros_like(w)
    r = float(tc @ yc) / math.sqrt(stt * syy)
    d_totals = yc / math.sqrt(stt * syy) - r * tc / stt
    # d total_k / d w_i = present_ki * (value_ki - total_k) / weight_sum_k
    jacobian = present * (filled - totals[:, None]) / weight_sums[:, None]
    return r, jacobian.T @ d_totals


def fit_weights(
    values: np.ndarray,
    target: Sequence[float] | np.ndarray,
    *,
    iterations: int = 3000,
    step: float = 2.0,
    floor: float = 0.0,
    fixed: Sequence[float] | np.ndarray | None = None,
) -> np.ndarray:
    """Non-negative weights (summing to 1) whose weighted total best correlates with ``target``.

    The objective is Pearson's r of the weighted mean over applicable criteria with the target (a
    smooth stand-in for Spearman's rho, which is piecewise constant in the weights). It is maximised
    on the simplex by exponentiated gradient ascent, which keeps every weight non-negative; weights
    the data do not support shrink towards zero. ``floor`` keeps each weight at least that share.

    Args:
        values: articles x criteria scores (NaN where a criterion does not apply).
        target: the experts' rating per article.
        fixed: per criterion, NaN to fit it, or a weight it keeps (relative to the fitted ones,
            which then sum to 1): a criterion scored on too few texts to fit still counts in
            those texts' totals, so it is held at its default there rather than left out.
    """
    x = np.asarray(values, dtype=float)
    y = np.asarray(target, dtype=float)
    if x.ndim != 2 or x.shape[0] != y.size:
        raise ValueError("values must be articles x criteria, with one target per article")
    k = x.shape[1]
    if k == 0:
        raise ValueError("no criteria to weigh")
    held = np.zeros(k) if fixed is None else np.nan_to_num(np.asarray(fixed, dtype=float))
    free = np.ones(k, dtype=bool) if fixed is None else np.isnan(np.asarray(fixed, dtype=float))
    keep = ~np.isnan(y) & ~np.all(np.isnan(x), axis=1)
    x, y = x[keep], y[keep]
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0) / 100.0
    informed = present.any(axis=0) & free
    if not informed.any():
        raise ValueError("no criterion applies to any article")
    w = np.where(informed, 1.0, 0.0) / informed.sum() + held
    best_r, best_w = -math.inf, w.copy()
    for _ in range(iterations):
        r, gradient = _objective_and_gradient(x, present, filled, y, w)
        if r > best_r:
            best_r, best_w = r, w.copy()
        scale = float(np.max(np.abs(gradient[informed])))
        if scale <= 1e-12:
            break
        fitted = w[informed] * np.exp(step * gradient[informed] / scale * 0.05)
        fitted = fitted / fitted.sum()
        if floor > 0:
            fitted = np.maximum(fitted, floor)
            fitted = fitted / fitted.sum()
        w = held.copy()
        w[informed] = fitted
    return best_w


def fold_of(ids: Sequence[str], folds: int) -> np.ndarray:
    """A stable fold number for each id (by hash), so a fit is reproducible and order-free."""
    return np.array(
        [int.from_bytes(hashlib.sha256(i.encode("utf-8")).digest()[:4], "big") % folds for i in ids]
    )


@dataclass
class CrossValidation:
    rho: float  # Spearman's rho of the out-of-fold totals, pooled over folds
    fold_rhos: list[float]
    in_sample_rho: float
    weights: np.ndarray  # fitted on all the data
    folds: int


def cross_validate(
    values: np.ndarray,
    target: Sequence[float] | np.ndarray,
    ids: Sequence[str],
    folds: int = 5,
    **fit_options: Any,
) -> CrossValidation:
    """Fit on all folds but one, total the held-out fold with those weights, and repeat.

    The reported rho is Spearman's between the out-of-fold totals and the target, pooled over the
    folds: every article's total comes from weights fitted without it.
    """
    x = np.asarray(values, dtype=float)
    y = np.asarray(target, dtype=float)
    fold = fold_of(ids, folds)
    out_of_fold = np.full(y.size, np.nan)
    fold_rhos = []
    for f in range(folds):
        test = fold == f
        if not test.any() or test.all():
            continue
        w = fit_weights(x[~test], y[~test], **fit_options)
        out_of_fold[test] = weighted_totals(x[test], w)
        fold_rhos.append(_spearman_valid(out_of_fold[test], y[test]))
    weights = fit_weights(x, y, **fit_options)
    return CrossValidation(
        rho=_spearman_valid(out_of_fold, y),
        fold_rhos=fold_rhos,
        in_sample_rho=_spearman_valid(weighted_totals(x, weights), y),
        weights=weights,
        folds=folds,
    )


def _spearman_valid(x: np.ndarray, y: np.ndarray) -> float:
    ok = ~np.isnan(x) & ~np.isnan(y)
    return spearman(x[ok], y[ok])


def preset_weights(
    names: Sequence[str],
    weights: np.ndarray,
    defaults: Mapping[str, float] | None = None,
    held: Iterable[str] = (),
    minimum: float = 0.01,
) -> dict[str, float]:
    """Fitted shares as preset weights on the rubric's scale, rounded.

    The fitted criteria together keep the weight the rubric's defaults give them (with no
    ``defaults``, they average 1), so a ``held`` criterion keeps exactly its default and its
    share of every total it counts in. Fitted weights stay at ``minimum`` or above, since a
    preset's weights must be positive.
    """
    held = set(held)
    w = np.asarray(weights, dtype=float)
    free = np.array([n not in held for n in names])
    mass = sum(defaults[n] for n in names if n not in held) if defaults else float(free.sum())
    scaled = w * mass / max(float(np.sum(w[free])), 1e-12)
    preset = {n: max(minimum, round(float(v), 3)) for n, v in zip(names, scaled, strict=True)}
    preset.update({n: float(defaults[n]) if defaults else 1.0 for n in names if n in held})
    return preset


MIN_SCORED = 10
"""fit-weights fits a criterion's weight only when it is scored on this many texts (the same
floor as evaluate's ``MIN_JUDGED`` for reporting a correlation) ..."""
MIN_SCORED_SHARE = 0.05
"""... and on this share of the file: on 94 stories, numeric_accuracy, scored on one text, took
97% of the fitted weight, fitted to that one text's noise."""
LOW_RHO = 0.2
"""A cross-validated rho below this (rho squared under 4%) is reported as weak agreement."""


def min_scored(texts: int) -> int:
    """The fewest texts a criterion must be scored on to have its weight fitted: ``MIN_SCORED``
    or ``MIN_SCORED_SHARE`` of the file, whichever is more, but never more than the file has
    (a criterion scored on every text can always be fitted)."""
    return min(texts, max(MIN_SCORED, math.ceil(MIN_SCORED_SHARE * texts)))


@dataclass
class WeightFit:
    """A fitted preset's weights and what a user must know before trusting them."""

    weights: dict[str, float]
    held: dict[str, int]  # criterion kept at the rubric default -> texts it was scored on
    minimum: int  # texts a criterion needed to be fitted
    texts: int
    cv: CrossValidation
    default_rho: float
    defaults_fitted_here: str | None = None
    """The preset the rubric's defaults are, when it was fitted on this very file: the defaults'
    rho here is then in-sample, no yardstick for out-of-fold weights."""

    def held_note(self) -> str | None:
        """One sentence on the criteria kept at their default, or None."""
        if not self.held:
            return None
        counts = ", ".join(f"{n} ({k} text{'s' if k != 1 else ''})" for n, k in self.held.items())
        return (
            f"kept at the rubric default, scored on fewer than {self.minimum} of {self.texts} "
            f"texts (too few to fit a weight): {counts}"
        )

    def defaults_note(self) -> str | None:
        """Why the defaults' rho is no yardstick here, when they were fitted on this file."""
        if not self.defaults_fitted_here:
            return None
        return (
            f"the rubric's default weights were fitted on this file (preset "
            f"{self.defaults_fitted_here}), so their rho {self.default_rho:.3f} here is "
            f"in-sample, not comparable with the cross-validated {self.cv.rho:.3f}"
        )

    def rho_warnings(self) -> list[str]:
        """Why the fitted weights may be no better than the rubric's defaults, if they may be."""
        rho, defaults = self.cv.rho, self.default_rho
        if math.isnan(rho):
            return [
                "the cross-validated rho is undefined (the out-of-fold totals or the stars do not "
                "vary): nothing shows these weights agree with the stars; do not use them"
            ]
        if rho <= 0:
            return [
                f"the cross-validated rho is {rho:.3f}: on texts they were not fitted on, these "
                "weights rank no better than chance; do not use them"
            ]
        found = []
        if not self.defaults_fitted_here and not math.isnan(defaults) and rho < defaults:
            found.append(
                f"the cross-validated rho {rho:.3f} is below the rubric defaults' {defaults:.3f} "
                "on this file: the fitted weights are likely worse than the defaults; keep the "
                "defaults, or fit on more texts"
            )
        if rho < LOW_RHO:
            found.append(
                f"the cross-validated rho {rho:.3f} is low (under {LOW_RHO:g}): the weighted "
                "total barely follows the stars; treat these weights with caution"
            )
        return found


def fit_preset(
    values: np.ndarray,
    stars: np.ndarray,
    ids: Sequence[str],
    names: Sequence[str],
    defaults: Mapping[str, float],
    *,
    folds: int = 5,
    minimum: int | None = None,
) -> WeightFit:
    """Cross-validated weights for a preset: criteria scored on fewer than ``minimum`` texts
    (default :func:`min_scored`) are held at their rubric default, in the fit as in the preset.

    Raises ValueError when no criterion is scored on enough texts to fit.
    """
    x = np.asarray(values, dtype=float)
    texts = int(x.shape[0])
    minimum = min_scored(texts) if minimum is None else minimum
    scored = (~np.isnan(x)).sum(axis=0)
    held = {n: int(k) for n, k in zip(names, scored, strict=True) if k < minimum}
    if len(held) == len(names):
        raise ValueError(
            f"no criterion is scored on {minimum} or more of the {texts} texts, too few to fit "
            "weights; give more texts, or a lower --min-scored"
        )
    mass = sum(defaults[n] for n in names if n not in held)
    fixed = np.array([defaults[n] / mass if n in held else np.nan for n in names])
    cv = cross_validate(x, stars, ids, folds=folds, fixed=fixed)
    default_rho = _spearman_valid(weighted_totals(x, np.array([defaults[n] for n in names])), stars)
    weights = preset_weights(names, cv.weights, defaults, held)
    return WeightFit(weights, held, minimum, texts, cv, default_rho)


# --- the report (pure: from a table of scores to figures) --------------------------------------


def _answers(frame: pd.DataFrame, hnr_key: str) -> pd.Series:
    return frame["criteria"].map(lambda c: (c or {}).get(hnr_key) if isinstance(c, dict) else None)


def _figures(frame: pd.DataFrame, column: str, bootstrap: int, seed: int) -> dict[str, Any]:
    ok = frame[column].notna()
    x, stars = frame.loc[ok, column].to_numpy(float), frame.loc[ok, "stars"].to_numpy(float)
    low, high = bootstrap_ci(x, stars, draws=bootstrap, seed=seed)
    return {
        "n": int(ok.sum()),
        "spearman": _r(spearman(x, stars)),
        "spearman_ci95": [_r(low), _r(high)],
        "auc_stars_ge_3": _r(auc(x, stars >= STAR_THRESHOLD)),
    }


def _criterion_auc(
    frame: pd.DataFrame, column: str, hnr_key: str, bootstrap: int = 0, seed: int = 0
) -> dict[str, Any]:
    """The AUC of ``column`` against the experts' answers on ``hnr_key``; with ``bootstrap``
    draws also its 95% interval (a few hundred releases leave AUCs uncertain by +-0.05)."""
    answers = _answers(frame, hnr_key)
    judged = answers.isin([SATISFACTORY, NOT_SATISFACTORY]) & frame[column].notna()
    positive = (answers[judged] == SATISFACTORY).to_numpy()
    scores = frame.loc[judged, column].to_numpy(float)
    figures: dict[str, Any] = {
        "n": int(judged.sum()),
        "n_satisfactory": int(positive.sum()),
        "auc": _r(auc(scores, positive)),
    }
    if bootstrap:
        low, high = bootstrap_ci(scores, positive, statistic=auc, draws=bootstrap, seed=seed)
        figures["auc_ci95"] = [_r(low), _r(high)]
    return figures


MIN_JUDGED = 10
"""A criterion's rho or AUC is reported only over this many texts (for an AUC, with both answers
among them)."""


def _enough(answered: Mapping[str, Any], min_judged: int = MIN_JUDGED) -> bool:
    return answered["n"] >= min_judged and 0 < answered["n_satisfactory"] < answered["n"]


def _r(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 3)


def agreement_figures(
    frame: pd.DataFrame,
    criteria: Sequence[str],
    mapping: Mapping[str, str],
    *,
    bootstrap: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
    min_judged: int = MIN_JUDGED,
) -> dict[str, Any]:
    """All the figures for one file, from a table with columns id, stars, criteria (the experts'
    answers, dict or None), words, total and one column per criterion score."""
    result: dict[str, Any] = {
        "n": len(frame),
        "total": _figures(frame, "total", bootstrap, seed),
        "length_baseline": _figures(frame, "words", bootstrap, seed),
        "criteria": [],
    }
    for cid in criteria:
        row: dict[str, Any] = {"criterion": cid, **_figures(frame, cid, 0, seed)}
        row.pop("spearman_ci95")
        if row["n"] < min_judged:  # a correlation over a handful of texts says nothing
            row.update(spearman=None, auc_stars_ge_3=None)
        hnr_key = mapping.get(cid)
        if hnr_key:
            answered = _criterion_auc(frame, cid, hnr_key, bootstrap, seed)
            if _enough(answered, min_judged):
                length = _criterion_auc(frame, "words", hnr_key)
                row.update(hnr=hnr_key, hnr_n=answered["n"], hnr_auc=answered["auc"],
                           hnr_auc_ci95=answered.get("auc_ci95"), length_hnr_auc=length["auc"])
        result["criteria"].append(row)
    halves = {}
    for half in ("A", "B"):
        part = frame[frame["id"].map(id_half) == half]
        if len(part) >= MIN_HALF:
            halves[half] = {
                "n": len(part),
                "spearman": _figures(part, "total", 0, seed)["spearman"],
                "auc_stars_ge_3": _figures(part, "total", 0, seed)["auc_stars_ge_3"],
                "hnr_auc": {
                    cid: answered["auc"]
                    for cid in criteria
                    if mapping.get(cid)
                    for answered in [_criterion_auc(part, cid, mapping[cid])]
                    if _enough(answered, min_judged)
                },
            }
    result["halves_by_id_hash"] = halves
    return result


# --- IO: reading expert-rated JSONL ------------------------------------------------------------


def load_rated(path: Path, problems: list[Problem]) -> tuple[list[Any], int]:
    """Records with text and numeric stars; junk texts (``text_flag``) counted and left out.

    Bad lines (invalid JSON, no text, stars missing or not a number) go to ``problems`` with their
    line number and are skipped.
    """
    from srcgrade.ingest import iter_jsonl

    records, flagged = [], 0
    for record in iter_jsonl(path, problems):
        stars = record.extra.get("stars")
        numeric = isinstance(stars, int | float) and not isinstance(stars, bool)
        if not numeric or not math.isfinite(stars):
            said = f'"stars" is {json.dumps(stars)}, not a number'
            said = 'no "stars"' if stars is None else said
            problems.append(Problem(str(path), record.line, f"{said}; skipped"))
            continue
        if not STAR_SCALE[0] <= stars <= STAR_SCALE[1]:
            low, high = STAR_SCALE
            said = (f'"stars" is {json.dumps(stars)}, outside {low}-{high} (HealthNewsReview\'s '
                    f"scale, which the AUC's threshold of {STAR_THRESHOLD:g} assumes); fix or "
                    "rescale it")
            problems.append(Problem(str(path), record.line, f"{said}; skipped"))
            continue
        if record.extra.get("text_flag"):
            flagged += 1
            continue
        records.append(record)
    return records, flagged


def score_table(scorer: Any, records: Sequence[Any], weights: Mapping[str, float] | None,
                label: str = "rating") -> pd.DataFrame:
    """Rate every record (with a progress bar on a terminal) into one row per record."""
    from tqdm import tqdm

    rows = []
    bar = tqdm(records, desc=label, unit="text", disable=not sys.stderr.isatty(), file=sys.stderr)
    for record in bar:
        url = record.extra.get("url")
        score = scorer.score(record.text, article_id=record.id, weights=weights,
                             meta={"url": url} if isinstance(url, str) else None)
        criteria = record.extra.get("criteria")
        rows.append(
            {
                "id": record.id,
                "stars": float(record.extra["stars"]),
                "criteria": criteria if isinstance(criteria, dict) else None,
                "words": score.word_count,
                "total": score.total,
                **score.scores(),
            }
        )
    frame = pd.DataFrame(rows)
    if not frame.empty:
        numeric = ["total", *scorer.rubric.criteria]
        frame[numeric] = frame[numeric].astype(float)
    return frame


@dataclass
class CriteriaMap:
    """srcgrade criterion -> HNR criterion key, and where each entry of a ``--criteria-map``
    file is (to name its line when its key is in no file it is used on)."""

    mapping: dict[str, str]
    given: dict[str, tuple[str, int | None]]  # criterion -> the file and line that map it

    def unmatched(self, records: Iterable[Any], file_name: str) -> list[Problem]:
        """Entries of the file whose HNR key no record of ``file_name`` has: a typo there
        would otherwise leave the criterion without an AUC and nothing would say why."""
        keys: set[str] = set()
        for record in records:
            found = record.extra.get("criteria")
            keys.update(found if isinstance(found, dict) else ())
        there = ", ".join(sorted(keys)) or "none"
        return [
            Problem(path, line, f"'{self.mapping[cid]}' (for {cid}) is not a criteria key in "
                    f"{file_name} (keys there: {there}); {cid} gets no AUC there")
            for cid, (path, line) in self.given.items()
            if self.mapping[cid] not in keys
        ]


def _mapping(args: argparse.Namespace, criteria: Iterable[str], ratings: Any) -> CriteriaMap:
    """The built-in criterion map, with a ``--criteria-map`` file's entries added or replacing
    (``criterion: null`` drops one). A criterion that is in no rubric is refused at its line."""
    from srcgrade.cli import UsageError
    from srcgrade.yamlio import load_yaml

    mapping: dict[str, str | None] = dict(HNR_CRITERIA)
    given: dict[str, tuple[str, int | None]] = {}
    if getattr(args, "criteria_map", None):
        doc, problem = load_yaml(Path(args.criteria_map))
        if problem:
            raise UsageError(str(problem))
        assert doc is not None
        if not isinstance(doc.data, dict) or not all(
            isinstance(v, str | None) for v in doc.data.values()
        ):
            raise UsageError(
                f"{args.criteria_map}: expected lines `criterion: hnr_key` (e.g. hype: "
                "sensational_language), or `criterion: null` to drop a built-in one"
            )
        known = sorted({c for r in ratings.rubrics.values() for c in r.criteria})
        for cid, key in doc.data.items():
            line = doc.line_of((cid,))
            if cid not in known:
                from srcgrade.corpus import unknown_criterion

                message = unknown_criterion(cid, known, "any rubric")
                raise UsageError(str(Problem(doc.path, line, message)))
            mapping[cid] = key
            given[cid] = (doc.path, line)
    chosen = {c: key for c in criteria if (key := mapping.get(c))}
    return CriteriaMap(chosen, {c: where for c, where in given.items() if c in chosen})


def fitted_here(
    presets: Iterable[WeightPreset], rubric: str, weights: Mapping[str, float], file_name: str
) -> WeightPreset | None:
    """The weight preset fitted on ``file_name`` whose weights are the ones in use, if any.

    A total weighted by it is scored in-sample on that file, so its rho flatters the rubric; the
    preset's cross-validated rho is the figure to quote (and the report says so).
    """
    for preset in presets:
        same = set(preset.weights) == set(weights) and all(
            abs(preset.weights[c] - weights[c]) < 5e-4 for c in weights
        )
        if same and preset.rubric in (None, rubric) and preset.fitted_file() == file_name:
            return preset
    return None


def _prepare(args: argparse.Namespace):
    from srcgrade import cli, engine

    ratings = cli.load_for(args)
    try:
        scorer = engine.make_scorer(ratings, args.rubric)
    except KeyError as error:
        raise cli.UsageError(str(error).strip("'\"")) from None
    weights = cli._weights(args, ratings)
    return ratings, scorer, weights


def _read(path_text: str, problems: list[Problem]):
    from srcgrade.cli import UsageError

    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    return load_rated(path, problems)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from srcgrade.cli import SHOWN_LINE_PROBLEMS, UsageError, _warn, finished
    from srcgrade.output import open_atomic

    ratings, scorer, weights = _prepare(args)
    criteria = list(scorer.rubric.criteria)
    presets = list(ratings.presets.values())
    if args.weights_file:  # a preset outside ratings/ (fit-weights > weights.yaml) counts too
        from srcgrade.corpus import load_weight_preset

        given, _ = load_weight_preset(Path(args.weights_file))
        presets = [given, *presets] if given else presets
    criteria_map = _mapping(args, criteria, ratings)
    mapping = criteria_map.mapping
    datasets = []
    skipped: list[Problem] = []
    for path_text in args.paths:
        problems: list[Problem] = []
        records, flagged = _read(path_text, problems)
        _warn(problems, limit=SHOWN_LINE_PROBLEMS)
        skipped += problems
        if len(records) < 3:
            raise UsageError(f"{path_text}: fewer than 3 usable rated texts")
        _warn(criteria_map.unmatched(records, Path(path_text).name), "warning")
        frame = score_table(scorer, records, weights, label=Path(path_text).name)
        figures = agreement_figures(frame, criteria, mapping, bootstrap=args.bootstrap,
                                    seed=args.seed, min_judged=args.min_judged)
        in_sample = fitted_here(presets, scorer.rubric.id, weights, Path(path_text).name)
        datasets.append(
            {
                "file": Path(path_text).name,
                "bad_lines": len(problems),
                "text_flagged": flagged,
                "weights_fitted_here": in_sample and {
                    "preset": in_sample.name,
                    "cross_validated_rho": in_sample.cross_validated_rho,
                },
                **figures,
            }
        )
    report = {
        "rubric": scorer.rubric.id,
        "weights": weights,
        "weights_file": Path(args.weights_file).name if args.weights_file else None,
        "command": "srcgrade " + " ".join(_shown_argv(args)),
        "date": dt.date.today().isoformat(),
        "bootstrap_draws": args.bootstrap,
        "datasets": datasets,
    }
    with open_atomic(args.output) as out:
        if args.format == "json":
            json.dump(report, out, indent=2, ensure_ascii=False)
            out.write("\n")
        else:
            out.write(markdown_report(report))
    return finished(ratings, skipped)


def _shown_argv(args: argparse.Namespace) -> list[str]:
    argv = ["evaluate", *(Path(p).name if args.short_paths else p for p in args.paths)]
    if args.rubric:
        argv += ["--rubric", args.rubric]
    if args.weights_file:
        argv += ["--weights-file", args.weights_file]
    if args.weights:
        argv += ["--weights", args.weights]
    # Everything that changes a figure, so the command reproduces the report.
    if args.ratings:
        argv += ["--ratings", args.ratings]
    if args.criteria_map:
        argv += ["--criteria-map", args.criteria_map]
    if args.bootstrap != BOOTSTRAP_DRAWS:
        argv += ["--bootstrap", str(args.bootstrap)]
    if args.seed != 0:
        argv += ["--seed", str(args.seed)]
    if args.min_judged != MIN_JUDGED:
        argv += ["--min-judged", str(args.min_judged)]
    argv += ["--format", args.format]
    return argv


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _interval(row: Mapping[str, Any]) -> str:
    low, high = row.get("hnr_auc_ci95") or (None, None)
    return "" if low is None or high is None else f" [{_fmt(low)}, {_fmt(high)}]"


def in_sample_note(data: Mapping[str, Any]) -> str | None:
    """A warning for a file whose total used weights fitted on that file, or None."""
    fitted = data.get("weights_fitted_here")
    if not fitted:
        return None
    note = (
        f"The weights behind these figures (preset `{fitted['preset']}`) were fitted on "
        f"{data['file']}, so the total's rho with stars there is in-sample and flatters the rubric"
    )
    if fitted.get("cross_validated_rho") is None:
        return note + "."
    return note + (
        "; with weights fitted without the text being scored (cross-validated) it is "
        f"{fitted['cross_validated_rho']:.3f}. Quote that figure."
    )


def _in_sample_note(data: Mapping[str, Any]) -> list[str]:
    note = in_sample_note(data)
    return [f"Note: {note}", ""] if note else []


def _junk_left_out(flagged: int) -> str:
    """"34 junk texts left out" never said what junk is: the file's own ``text_flag``, set where
    the scraped text is not the article (a captcha page, a browser notice, a scrap)."""
    texts = "1 text" if flagged == 1 else f"{flagged} texts"
    return f"{texts} left out, flagged as junk in the file's `text_flag`"


def markdown_report(report: Mapping[str, Any]) -> str:
    """The agreement report as Markdown tables, one section per file."""
    lines = [f"# Agreement with HealthNewsReview experts: rubric `{report['rubric']}`", ""]
    for data in report["datasets"]:
        total, length = data["total"], data["length_baseline"]
        lines += [
            f"## {data['file']}",
            "",
            f"{data['n']} texts rated; {_junk_left_out(data['text_flagged'])} (a captcha page, "
            f"a browser notice, a scrap of text); {data['bad_lines']} bad lines skipped.",
            "",
            "| measure | rubric total | article length |",
            "|---|---|---|",
            f"| Spearman rho with stars | {_fmt(total['spearman'])} "
            f"[{_fmt(total['spearman_ci95'][0])}, {_fmt(total['spearman_ci95'][1])}] "
            f"| {_fmt(length['spearman'])} "
            f"[{_fmt(length['spearman_ci95'][0])}, {_fmt(length['spearman_ci95'][1])}] |",
            f"| AUC, stars >= 3 | {_fmt(total['auc_stars_ge_3'])} "
            f"| {_fmt(length['auc_stars_ge_3'])} |",
            "",
            *_in_sample_note(data),
            "| criterion | n scored | rho with stars | HNR criterion | n judged "
            "| AUC [95% interval] | length AUC |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in data["criteria"]:
            lines.append(
                f"| {row['criterion']} | {row['n']} | {_fmt(row['spearman'])} | "
                f"{row.get('hnr', '')} | "
                f"{row.get('hnr_n', '')} | {_fmt(row.get('hnr_auc'))}{_interval(row)} | "
                f"{_fmt(row.get('length_hnr_auc'))} |"
            )
        halves = data.get("halves_by_id_hash") or {}
        if halves:
            lines += ["", "Halves of the file by id hash (a check that figures are stable):", ""]
            for name, half in halves.items():
                aucs = ", ".join(f"{c} {_fmt(v)}" for c, v in half["hnr_auc"].items())
                lines.append(
                    f"- half {name} (n={half['n']}): rho {_fmt(half['spearman'])}, "
                    f"AUC stars>=3 {_fmt(half['auc_stars_ge_3'])}" + (f"; {aucs}" if aucs else "")
                )
            lines += [
                f"- half {name}: fewer than {MIN_HALF} texts, no figures"
                for name in ("A", "B")
                if name not in halves
            ]
        lines.append("")
    lines.append(f"Produced by `{report['command']}` on {report['date']}.")
    return "\n".join(lines) + "\n"


def cmd_fit_weights(args: argparse.Namespace) -> int:
    from srcgrade.cli import SHOWN_LINE_PROBLEMS, UsageError, _warn, finished
    from srcgrade.output import open_atomic

    ratings, scorer, _weights = _prepare(args)
    problems: list[Problem] = []
    records, flagged = _read(args.path, problems)
    _warn(problems, limit=SHOWN_LINE_PROBLEMS)
    if len(records) < 2 * args.folds:
        raise UsageError(f"{args.path}: too few usable rated texts to cross-validate")
    frame = score_table(scorer, records, None, label=Path(args.path).name)
    names = list(scorer.rubric.criteria)
    try:
        fit = fit_preset(frame[names].to_numpy(float), frame["stars"].to_numpy(float),
                         list(frame["id"]), names, scorer.rubric.default_weights(),
                         folds=args.folds, minimum=args.min_scored)
    except ValueError as error:
        raise UsageError(f"{args.path}: {error}") from None
    defaults = scorer.rubric.default_weights()
    same = fitted_here(ratings.presets.values(), scorer.rubric.id, defaults, Path(args.path).name)
    fit.defaults_fitted_here = same.name if same else None
    cv = fit.cv
    print(
        f"srcgrade: cross-validated rho {cv.rho:.3f} (folds: "
        + ", ".join(f"{r:.2f}" for r in cv.fold_rhos)
        + f"); in-sample {cv.in_sample_rho:.3f}; default weights {fit.default_rho:.3f}",
        file=sys.stderr,
    )
    notes = [("note", fit.held_note()), ("note", fit.defaults_note()),
             *(("warning", w) for w in fit.rho_warnings())]
    notes = [(kind, text) for kind, text in notes if text]
    for kind, text in notes:
        print(f"srcgrade: {kind}: {text}", file=sys.stderr)
    preset = _preset_document(args, scorer.rubric.id, fit, len(records), flagged)
    with open_atomic(args.output) as out:
        out.write(_preset_yaml(args, scorer.rubric.id, preset, fit, notes))
    return finished(ratings, problems)


def _preset_document(
    args: argparse.Namespace, rubric: str, fit: WeightFit, texts: int, flagged: int
) -> dict[str, Any]:
    cv = fit.cv
    held = fit.held_note()
    return {
        "name": args.name or f"{rubric}-fitted",
        "rubric": rubric,
        "description": (
            f"Non-negative weights maximising the correlation of the total with "
            f"HealthNewsReview stars; {cv.folds}-fold cross-validated Spearman rho "
            f"{cv.rho:.3f} (in-sample {cv.in_sample_rho:.3f}; rubric defaults "
            f"{fit.default_rho:.3f}). Weights of 0.01 mean the data gave the criterion no weight."
            + (f" {held[0].upper()}{held[1:]}." if held else "")
        ),
        "fitted_on": f"{Path(args.path).name} ({texts} texts; {_junk_left_out(flagged)})",
        "cross_validated_rho": None if math.isnan(cv.rho) else round(cv.rho, 3),
        "weights": fit.weights,
    }


def _preset_yaml(
    args: argparse.Namespace, rubric: str, preset: Mapping[str, Any], fit: WeightFit,
    notes: Sequence[tuple[str, str]],
) -> str:
    """The preset as YAML, with the warnings as comments on top and a comment on each weight
    kept at its default, so whoever opens the file later sees them where they apply."""
    import textwrap

    import yaml

    options = f" --folds {args.folds}" if args.folds != 5 else ""
    options += f" --min-scored {args.min_scored}" if args.min_scored is not None else ""
    head = [f"# srcgrade fit-weights {Path(args.path).name} --rubric {rubric}{options}"]
    for kind, text in notes:
        head += textwrap.wrap(f"{kind.capitalize()}: {text}.", 98, initial_indent="# ",
                              subsequent_indent="#   ", break_on_hyphens=False)
    body = yaml.safe_dump(dict(preset), sort_keys=False, allow_unicode=True, width=100)
    lines = body.splitlines()
    start = lines.index("weights:")  # the last key: every line after it is "  criterion: w"
    for i, line in enumerate(lines[start + 1:], start=start + 1):
        name = line.strip().split(":", 1)[0]
        if name in fit.held:
            lines[i] = f"{line}  # rubric default: scored on {fit.held[name]} of {fit.texts} texts"
    return "\n".join([*head, *lines]) + "\n"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``evaluate`` and ``fit-weights`` to the ``srcgrade`` command line."""
    from srcgrade.cli import _common
    from srcgrade.corpus import RATINGS_HELP

    p = sub.add_parser(
        "evaluate",
        help="agreement with expert ratings in JSONL files (text, stars, optional criteria)",
    )
    p.add_argument("paths", nargs="+", metavar="path", help="JSONL file(s) of expert-rated texts")
    _common(p)
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.add_argument(
        "--criteria-map",
        help="YAML lines `criterion: hnr_key`, added to the built-in map (`criterion: null` "
        "drops one); a criterion that is in no rubric is refused",
    )
    p.add_argument("--bootstrap", type=int, default=BOOTSTRAP_DRAWS, help="bootstrap draws (1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    p.add_argument("--min-judged", type=int, default=MIN_JUDGED,
                   help=f"report a criterion's AUC only with this many judged texts ({MIN_JUDGED})")
    p.add_argument("--short-paths", action="store_true",
                   help="record only file names in the report's command line")
    p.add_argument("-o", "--output", help="write here (atomically) instead of standard output")
    p.set_defaults(run=cmd_evaluate)

    p = sub.add_parser(
        "fit-weights",
        help="fit non-negative criterion weights to expert stars; print a YAML weight preset",
    )
    p.add_argument("path", help="JSONL file of expert-rated texts")
    p.add_argument("--rubric", help="rubric id (default: the one ratings/srcgrade.yaml names)")
    p.add_argument("--ratings", help=RATINGS_HELP)
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    p.add_argument(
        "--min-scored", type=int, metavar="N",
        help=f"fit a criterion's weight only when it is scored on N texts or more; others keep "
        f"the rubric default (default: {MIN_SCORED} or {MIN_SCORED_SHARE * 100:g}%% of the texts, "
        "whichever is more)",
    )
    p.add_argument("--name", help="the preset's name (default: <rubric>-fitted)")
    p.add_argument("-o", "--output", help="write here (atomically) instead of standard output")
    p.set_defaults(run=cmd_fit_weights, weights=None, weights_file=None)


# --- for the dashboard: a saved report as tables (pure) ----------------------------------------


def report_tables(report: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A saved ``evaluate --format json`` report as two tables for display.

    The first has one row per file and measure (Spearman rho with stars, AUC of stars >= 3) with
    the rubric's figure, its 95% interval where there is one, the cross-validated rho where the
    weights were fitted on that file (``in_sample``), and article length's figure; the second one
    row per file and criterion with an HNR counterpart (its AUC, with its 95% interval where the
    report has one, and length's AUC).
    """
    summary, criteria = [], []
    for data in report.get("datasets", []):
        total, length = data["total"], data["length_baseline"]
        fitted = data.get("weights_fitted_here") or {}
        common = {"file": data["file"], "n": data["n"], "in_sample": bool(fitted)}
        summary.append(
            {
                **common,
                "measure": "Spearman rho with stars",
                "rubric": total["spearman"],
                "ci95_low": total["spearman_ci95"][0],
                "ci95_high": total["spearman_ci95"][1],
                "cross_validated": fitted.get("cross_validated_rho"),
                "length": length["spearman"],
            }
        )
        summary.append(
            {
                **common,
                "measure": "AUC, stars >= 3",
                "rubric": total["auc_stars_ge_3"],
                "ci95_low": None,
                "ci95_high": None,
                "cross_validated": None,
                "length": length["auc_stars_ge_3"],
            }
        )
        for row in data["criteria"]:
            if row.get("hnr_auc") is not None:
                low, high = row.get("hnr_auc_ci95") or (None, None)
                criteria.append({"file": data["file"], "criterion": row["criterion"],
                                 "hnr": row["hnr"], "n": row["hnr_n"], "auc": row["hnr_auc"],
                                 "auc_ci95_low": low, "auc_ci95_high": high,
                                 "length_auc": row.get("length_hnr_auc")})
    return pd.DataFrame(summary), pd.DataFrame(criteria)
