"""Rubrics: criteria with their question, weight, scoring method, levels and sources.

A criterion is data. Its ``method`` is one of a closed set (see ``srcgrade.score.METHODS``) and its
parameters name finding kinds, so a new criterion is a YAML change that reuses existing detectors.
Weights given on the command line or a slider are an override of the rubric file, never an edit of
it (as Vale's ``.vale.ini`` overrides rule files).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from srcgrade.model import Origin, Problem
from srcgrade.yamlio import check_schema, load_yaml


class WeightError(ValueError):
    """A weight override that cannot be used; the message says which and what to do."""


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    question: str
    weight: float
    method: str
    params: Mapping[str, Any]
    levels: Mapping[int, str]
    sources: tuple[str, ...]
    origin: Origin
    param_lines: Mapping[str, int] = field(default_factory=dict)

    def kinds(self) -> set[str]:
        """The finding kinds this criterion draws on."""
        return set(self.params.get("reward", {})) | set(self.params.get("penalise", {}))


@dataclass(frozen=True)
class Rubric:
    id: str
    label: str
    description: str
    lexicons: tuple[str, ...]
    criteria: Mapping[str, Criterion]
    path: str
    lexicons_line: int | None = None

    def default_weights(self) -> dict[str, float]:
        return {cid: c.weight for cid, c in self.criteria.items()}


_NON_PARAMS = {"label", "question", "weight", "method", "levels", "sources", "description"}


def load_rubric(path: Path, display: str | None = None) -> tuple[Rubric | None, list[Problem]]:
    doc, problem = load_yaml(path, display)
    if problem:
        return None, [problem]
    assert doc is not None
    problems = check_schema(doc, "rubric")
    if problems:
        return None, problems
    data = doc.data
    if data["id"] != path.stem:
        problems.append(
            doc.problem(f"id '{data['id']}' differs from the file name '{path.stem}'", ("id",))
        )
    criteria = {}
    for cid, raw in data["criteria"].items():
        keys = ("criteria", cid)
        criteria[cid] = Criterion(
            id=cid,
            label=raw["label"],
            question=raw["question"],
            weight=float(raw["weight"]),
            method=raw["method"],
            params={k: v for k, v in raw.items() if k not in _NON_PARAMS},
            levels={int(k): v for k, v in raw["levels"].items()},
            sources=tuple(raw["sources"]),
            origin=Origin(doc.path, doc.line_of(keys)),
            param_lines={k: doc.line_of((*keys, k)) or 0 for k in raw},
        )
    rubric = Rubric(
        id=data["id"],
        label=data["label"],
        description=data.get("description", ""),
        lexicons=tuple(data["lexicons"]),
        criteria=criteria,
        path=doc.path,
        lexicons_line=doc.line_of(("lexicons",)),
    )
    return rubric, problems


def parse_weights(spec: str) -> dict[str, float]:
    """Read ``citations=2,hedging=1`` into a mapping; values are checked by ``resolve_weights``."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise WeightError(f"weight '{part}' is not of the form criterion=number")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise WeightError(
                f"weight for '{name.strip()}' is '{value}', not a number; use e.g. {name.strip()}=2"
            ) from None
    return weights


def resolve_weights(
    rubric: Rubric, overrides: Mapping[str, float] | None = None, *, allow_zero: bool = False
) -> dict[str, float]:
    """The rubric's default weights with overrides applied, every value checked.

    Zero is refused on the command line (a criterion is switched off by choosing another rubric,
    so a typo cannot silently drop one); the dashboard's sliders may pass ``allow_zero``, but at
    least one weight must stay positive so the total stays defined.
    """
    weights = rubric.default_weights()
    for name, value in (overrides or {}).items():
        if name not in weights:
            known = ", ".join(weights)
            raise WeightError(
                f"unknown criterion '{name}' in weights; rubric '{rubric.id}' has {known}"
            )
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise WeightError(f"weight for '{name}' must be a number, not {value!r}")
        if value < 0 or (value == 0 and not allow_zero):
            raise WeightError(
                f"weight for '{name}' is {value:g}; weights must be greater than zero"
            )
        weights[name] = float(value)
    if not any(w > 0 for w in weights.values()):
        raise WeightError("at least one weight must be greater than zero")
    return weights


def level_of(score: float | None) -> int | None:
    """The 1-5 rubric level a 0-100 score falls in (five equal bands)."""
    if score is None:
        return None
    return 1 + min(4, int(score // 20))
