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
from srcgrade.yamlio import YamlDoc, broken_items, did_you_mean, load_yaml, schema_errors


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
    # Criteria of the file left out for their problems (reported with the rubric): a weight
    # preset naming one is not offered, and not reported as naming an unknown criterion.
    left_out: tuple[str, ...] = ()

    def default_weights(self) -> dict[str, float]:
        return {cid: c.weight for cid, c in self.criteria.items()}

    def without_lexicons(self, lexicon_kinds: Mapping[str, set[str]]) -> dict[str, list[str]]:
        """Criterion id -> the finding kinds it counts that none of the rubric's loaded lexicons
        (``lexicon_kinds``: name -> kinds) makes. Scoring leaves such a criterion n/a, and the
        loader says so, from this one answer, when a lexicon fails to load."""
        made = set().union(*(lexicon_kinds[n] for n in self.lexicons if n in lexicon_kinds))
        lost = {cid: sorted(c.kinds() - made) for cid, c in self.criteria.items()}
        return {cid: kinds for cid, kinds in lost.items() if kinds}


_NON_PARAMS = {"label", "question", "weight", "method", "levels", "sources", "description"}


def load_rubric(
    path: Path, display: str | None = None, lexicon_kinds: Mapping[str, set[str]] | None = None
) -> tuple[Rubric | None, list[Problem]]:
    """``lexicon_kinds``: the finding kinds each loaded lexicon makes, to report a kind the rubric
    names that none of its lexicons makes (a typo there would silently score nothing)."""
    doc, problem = load_yaml(path, display)
    if doc is None or (problem and not doc.repeated_keys):
        return None, [problem] if problem else []
    problems, broken = _schema_problems(doc)
    if broken is None:
        return None, problems
    data = doc.data
    if data["id"] != path.stem:
        problems.append(
            doc.problem(f"id '{data['id']}' differs from the file name '{path.stem}'", ("id",))
        )
    criteria = {}
    for cid, raw in data["criteria"].items():
        if cid not in broken:
            criteria[cid] = _criterion(doc, cid, raw)
            problems.extend(_kind_problems(doc, criteria[cid], data["lexicons"], lexicon_kinds))
    rubric = Rubric(
        id=data["id"],
        label=data["label"],
        description=data.get("description", ""),
        lexicons=tuple(data["lexicons"]),
        criteria=criteria,
        path=doc.path,
        lexicons_line=doc.line_of(("lexicons",)),
        left_out=tuple(broken),
    )
    return rubric, problems


def _schema_problems(doc: YamlDoc) -> tuple[list[Problem], list[str] | None]:
    """The rubric's schema problems and the criteria they leave out; None when the rubric cannot
    load. A mistake inside one criterion (a negative weight, a misspelt method) costs that
    criterion, reported, not the rubric's others, as a broken lexicon entry costs that entry."""
    errors = schema_errors(doc, "rubric")
    problems = [problem for _, problem in errors]
    items = broken_items(errors, ("criteria",))
    if items is None or len(items["criteria"]) == len(doc.data["criteria"]):
        return problems, None
    broken = [cid for cid in doc.data["criteria"] if cid in items["criteria"]]
    for cid in broken:
        message = (f"criterion '{cid}' is left out of rubric '{doc.data['id']}' until its "
                   "problems above are fixed; the other criteria still rate")
        problems.append(doc.problem(message, ("criteria", cid)))
    return problems, broken


def _criterion(doc: YamlDoc, cid: str, raw: dict[str, Any]) -> Criterion:
    keys = ("criteria", cid)
    return Criterion(
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


def _named_kinds(criterion: Criterion) -> list[tuple[tuple[str, ...], str]]:
    """Every finding kind a criterion's parameters name, with the YAML keys that lead to it."""
    params = criterion.params
    named = [
        ((table, kind), kind) for table in ("reward", "penalise") for kind in params.get(table, {})
    ]
    for kind, partners in (params.get("only_with") or {}).items():
        named += [(("only_with", kind), k) for k in (kind, *partners)]
    for key in ("distinct", "overlap_once"):
        if isinstance(params.get(key), list):
            named += [((key,), k) for k in params[key]]
    for key in ("level_needs", "level_forbids"):
        for level, kinds in (params.get(key) or {}).items():
            named += [((key, level), k) for k in kinds]
    return named


_LEVEL_EFFECT = {
    "level_needs": "the level could never be reached; add it to `reward:`",
    "level_forbids": "it could never hold the level back; add it to `penalise:`",
}


def _kind_problems(
    doc: Any,
    criterion: Criterion,
    lexicon_names: list[str],
    lexicon_kinds: Mapping[str, set[str]] | None,
) -> list[Problem]:
    problems = []
    counted = criterion.kinds()
    for keys, kind in _named_kinds(criterion):
        if keys[0] in _LEVEL_EFFECT and kind not in counted:
            problems.append(
                doc.problem(
                    f"criterion '{criterion.id}': {keys[0]} names '{kind}', which its reward "
                    f"and penalise tables do not count, so {_LEVEL_EFFECT[keys[0]]} or name a "
                    "kind that is there",
                    ("criteria", criterion.id, *keys),
                )
            )
    if lexicon_kinds is None or any(name not in lexicon_kinds for name in lexicon_names):
        return problems  # a missing lexicon is reported on its own; its kinds are unknown
    made = set().union(*(lexicon_kinds[name] for name in lexicon_names))
    for keys, kind in dict.fromkeys(_named_kinds(criterion)):
        if kind in made:
            continue
        hint = did_you_mean(kind, made)
        counted = keys[0] in ("reward", "penalise")  # scoring leaves the criterion n/a then
        effect = ("the criterion is not scored (n/a) until it is fixed" if counted
                  else "it never counts")
        problems.append(
            doc.problem(
                f"criterion '{criterion.id}' names the kind '{kind}', which no entry of its "
                f"lexicons ({', '.join(lexicon_names)}) makes, so {effect}; {hint}"
                "check the spelling or add entries of that kind",
                ("criteria", criterion.id, *keys),
            )
        )
    return problems


def parse_weights(spec: str) -> dict[str, float]:
    """Read ``citations=2,hedging=1`` into a mapping; values are checked by ``resolve_weights``."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise WeightError(f"weight '{part}' is not of the form criterion=number")
        if name.strip() in weights:
            raise WeightError(
                f"'{name.strip()}' is given twice ({name.strip()}={weights[name.strip()]:g} and "
                f"{part.replace(' ', '')}); give each criterion once"
            )
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise WeightError(
                f"weight for '{name.strip()}' is '{value}', not a number; use e.g. {name.strip()}=2"
            ) from None
    return weights


def resolve_weights(
    rubric: Rubric, overrides: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The rubric's default weights with overrides applied, every value checked.

    A weight of 0 leaves its criterion out of the total, on the command line as on the
    dashboard's sliders, so a weighting a teacher shares as a link (``?w_hype=0``) can be
    reproduced with ``--weights hype=0``; at least one weight must stay positive so the total
    stays defined.
    """
    weights = rubric.default_weights()
    for name, value in (overrides or {}).items():
        if name not in weights:
            known = ", ".join(weights)
            raise WeightError(
                f"unknown criterion '{name}' in weights; {did_you_mean(name, weights)}"
                f"rubric '{rubric.id}' has {known}"
            )
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise WeightError(f"weight for '{name}' must be a number, not {value!r}")
        if value < 0:
            raise WeightError(
                f"weight for '{name}' is {value:g}; weights must be zero or more (0 leaves "
                "the criterion out of the total)"
            )
        weights[name] = float(value)
    if not any(w > 0 for w in weights.values()):
        raise WeightError("at least one weight must be greater than zero")
    return weights


LEVEL_WIDTH = 20
"""Points of a 0-100 score per rubric level: five equal bands."""


def level_of(score: float | None) -> int | None:
    """The 1-5 rubric level a 0-100 score falls in (five equal bands), read from the whole
    number every page and report prints: 79.5 is shown as 80, so it is level 5, not 4."""
    if score is None:
        return None
    return 1 + min(4, round(score) // LEVEL_WIDTH)
