"""Loading ``ratings/``: rubrics, lexicons, the fact ledger, articles and weight presets.

Loading never raises on bad data. Each problem is collected with its file and line and the rest
still loads: a broken article YAML costs that article, not the corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srcgrade import regex_cache
from srcgrade.model import Problem
from srcgrade.rubric import Rubric, WeightError, load_rubric
from srcgrade.yamlio import (
    YamlDoc,
    check_schema,
    did_you_mean,
    load_yaml,
    read_text_file,
    schema,
    schema_errors,
)

if TYPE_CHECKING:  # the lexicons (and the scanner behind them) are imported when a folder loads
    from srcgrade.lexicon import Lexicon

NOT_APPLICABLE = "n/a"
"""An expert's level for a question that does not fit the article (numbers, when it states none),
as the machine says "n/a" and the Classroom offers "Does not apply"."""


@dataclass(frozen=True)
class ExpertRating:
    level: int | None
    """1-5 on the rubric's scale; None when the question does not apply to the article."""
    rationale: str


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    meta: dict[str, Any]
    expert: dict[str, ExpertRating] = field(default_factory=dict)
    expert_rater: str = ""
    expert_rubric: str | None = None
    """The rubric whose levels the expert used (``expert_ratings.rubric``): a level 3 on one
    rubric's scale is not a level 3 on another's."""
    path: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    """Lines of the keys a later check reports on ("id", "expert_ratings.criteria.hype")."""

    def experts_rubric(self, default_rubric: str | None) -> str | None:
        """The rubric the expert's levels belong to: the one named, else the folder's default."""
        return self.expert_rubric or default_rubric

    @property
    def date(self) -> dt.date | None:
        value = self.meta.get("date")
        return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class WeightPreset:
    name: str
    weights: dict[str, float]
    rubric: str | None
    description: str
    path: str
    fitted_on: str | None = None
    cross_validated_rho: float | None = None
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of ``rubric`` and of each criterion under ``weights``, so a misfit names its line."""

    def fitted_file(self) -> str | None:
        """The file name the weights were fitted on (``fitted_on`` reads "name (n texts ...)")."""
        return self.fitted_on.split(" (", 1)[0].strip() if self.fitted_on else None

    def fits(self, rubric: Rubric) -> bool:
        """Whether the preset can be applied to ``rubric``: written for it (or for no rubric in
        particular) and naming only its criteria. A weight for another rubric's criterion would
        otherwise be dropped without a word, and the rest applied as if it were the whole."""
        return not self.problems(rubric)

    def problems(self, rubric: Rubric, hint: str = "") -> list[Problem]:
        """Why the preset cannot weigh ``rubric``, each at its line; empty when it can.

        ``hint`` is what to do about a preset written for another rubric (the command line says
        ``pass --rubric ...``; the dashboard offers the preset only with its own rubric).
        """
        if self.rubric is not None and self.rubric != rubric.id:
            message = f"this preset is for rubric '{self.rubric}', not '{rubric.id}'"
            return [Problem(self.path, self.lines.get("rubric"), message + hint)]
        known = list(rubric.criteria)
        return [
            Problem(self.path, self.lines.get(f"weights.{name}"),
                    unknown_criterion(name, known, f"rubric '{rubric.id}'"))
            for name in self.weights
            if name not in rubric.criteria
        ]


def unknown_criterion(name: str, known: Sequence[str], where: str) -> str:
    """'criterion x is not in <where>', with the criteria there, the likely intended name and
    what to do (``where``: "rubric 'core'", "any rubric")."""
    guess = did_you_mean(name, known)
    return (
        f"criterion '{name}' is not in {where} (criteria: {', '.join(known)}); "
        f"{guess}fix the name or remove the line"
    )


@dataclass
class Ratings:
    root: Path
    default_rubric: str | None = None
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    ledger: Any = None
    articles: list[Article] = field(default_factory=list)
    presets: dict[str, WeightPreset] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed_rubrics: dict[str, str] = field(default_factory=dict)
    """Rubric id (its file name) -> the file, for rubrics whose YAML is there but broken."""
    failed_lexicons: dict[str, str] = field(default_factory=dict)
    """Lexicon id (its file name) -> ``file:line`` of its first problem, for lexicons whose file
    is there but did not load: a rubric naming one is told to fix it, not to add it."""

    _by_words: tuple[int, dict[str, Article]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def article_with_text(self, text: str) -> Article | None:
        """The article of this folder whose text this is (white space aside), so that scoring
        its file gives what `rate` gives: with its address (its own link is no citation) and
        its date (a claim is judged against the facts known then).

        The articles' texts are indexed once (again if articles were added since): the
        dashboard asks at every rerun of Score your own, and splitting a thousand texts each
        time cost about 40 ms."""
        if self._by_words is None or self._by_words[0] != len(self.articles):
            index: dict[str, Article] = {}
            for article in self.articles:
                index.setdefault(" ".join(article.text.split()), article)
            self._by_words = (len(self.articles), index)
        return self._by_words[1].get(" ".join(text.split()))

    def rubric(self, name: str | None = None) -> Rubric:
        """The named rubric, or the default one; KeyError names the ones there are."""
        chosen = name or self.default_rubric
        known = ", ".join(sorted(self.rubrics)) or "none"
        if chosen in self.failed_rubrics and chosen not in self.rubrics:
            # Not "no rubric 'core'" while core.yaml is right there: its problems say what to fix.
            raise KeyError(
                f"{self.failed_rubrics[chosen]}: rubric '{chosen}' failed to load (see the "
                f"problems above); fix them, or choose another with --rubric (rubrics: {known})"
            )
        if not self.rubrics:
            raise KeyError(
                f"{self.root}: no rubric in {self.root / 'rubrics'}; give the ratings folder that "
                "holds rubrics/ and lexicons/ (--ratings DIR)"
            )
        if chosen is None:
            raise KeyError(
                f"{self.root}: srcgrade.yaml names no default_rubric; choose one with --rubric "
                f"(rubrics: {known})"
            )
        if chosen not in self.rubrics:
            raise KeyError(f"no rubric '{chosen}' in {self.root}; "
                           f"{did_you_mean(chosen, self.rubrics)}rubrics: {known}")
        return self.rubrics[chosen]


ENV_RATINGS = "SRCGRADE_RATINGS"
CHECKOUT_RATINGS = Path(__file__).resolve().parents[2] / "ratings"
"""The bundled ratings/ of the checkout srcgrade is installed from (editable, as ./dev does)."""


RATINGS_HELP = (
    f"the ratings folder with rubrics and lexicons (default: ${ENV_RATINGS}, else ./ratings, "
    "else the bundled one)"
)


def default_ratings_dir() -> Path:
    """``$SRCGRADE_RATINGS``, else ``./ratings``, else the checkout's bundled ratings/.

    The last lets ``srcgrade score article.txt`` work from any folder after ``./dev`` set it up;
    the CLI and the dashboard both ask here.
    """
    env = os.environ.get(ENV_RATINGS)
    if env:
        return Path(env)
    here = Path("ratings")
    return here if here.is_dir() or not CHECKOUT_RATINGS.is_dir() else CHECKOUT_RATINGS


def _display(path: Path, root: Path) -> str:
    """The path as the user gave the root, so a message's file:line opens in an editor."""
    return str(path)


def files_under(root: Path) -> list[Path]:
    """Every file below ``root``, sorted, through symlinked folders too (each real folder once).

    What the loader reads (``lexicons/*.yaml`` globbed through a symlinked ``lexicons/``) must be
    what the dashboard's cache keys hash: ``Path.rglob`` does not enter symlinked folders, and an
    edit there used to leave stale scores on screen."""
    found: list[Path] = []
    seen: set[str] = set()
    for folder, subfolders, names in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree
            subfolders.clear()
            continue
        seen.add(real)
        found.extend(Path(folder, name) for name in names)
    return sorted(found)


def fingerprint(root: Path) -> str:
    """A hash of every file's name, size and modification time: a cache key for the dashboard.
    A file that vanishes or cannot be read meanwhile (an editor's swap file) is hashed as such."""
    digest = hashlib.sha256()
    for path in files_under(root):
        try:
            stat = path.stat()
        except OSError:
            digest.update(f"{path}:gone".encode())
            continue
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def load_ratings(root: Path) -> Ratings:
    root = Path(root)
    ratings = Ratings(root=root)
    if not root.is_dir():
        ratings.problems.append(
            Problem(str(root), None, "not a directory; give the ratings/ folder")
        )
        return ratings
    from srcgrade.lexicon import load_lexicon

    _load_config(ratings)
    with regex_cache.kept():
        for path in sorted((root / "lexicons").glob("*.yaml")):
            lexicon, problems = load_lexicon(path, _display(path, root))
            ratings.problems.extend(problems)
            if lexicon:
                ratings.lexicons[lexicon.id] = lexicon
            elif problems:
                ratings.failed_lexicons[path.stem] = problems[0].where
    for path in sorted((root / "rubrics").glob("*.yaml")):
        _load_one_rubric(ratings, path)
    ratings.problems.extend(_misspelt_kinds(ratings))
    _load_ledger(ratings)
    _load_articles(ratings)
    _load_presets(ratings)
    missing = ratings.default_rubric not in ratings.rubrics
    if ratings.default_rubric and missing and ratings.default_rubric not in ratings.failed_rubrics:
        ratings.problems.append(
            Problem(
                _display(root / "srcgrade.yaml", root),
                None,
                f"default_rubric '{ratings.default_rubric}' is not in rubrics/; "
                f"{did_you_mean(ratings.default_rubric, ratings.rubrics)}"
                f"found: {', '.join(sorted(ratings.rubrics)) or 'none'}",
            )
        )
    return ratings


def _load_config(ratings: Ratings) -> None:
    path = ratings.root / "srcgrade.yaml"
    if not path.exists():
        return
    doc, problem = load_yaml(path, _display(path, ratings.root))
    if problem:
        ratings.problems.append(problem)
        return
    assert doc is not None
    problems = check_schema(doc, "config")
    ratings.problems.extend(problems)
    if not problems:
        ratings.default_rubric = doc.data["default_rubric"]


def _load_one_rubric(ratings: Ratings, path: Path) -> None:
    kinds = {name: lexicon.kinds() for name, lexicon in ratings.lexicons.items()}
    rubric, problems = load_rubric(path, _display(path, ratings.root), kinds)
    ratings.problems.extend(problems)
    if rubric is None:
        ratings.failed_rubrics[path.stem] = _display(path, ratings.root)
        return
    missing = [name for name in rubric.lexicons if name not in ratings.lexicons]
    if missing:
        ratings.problems.extend(_missing_lexicons(ratings, rubric, missing))
    ratings.rubrics[rubric.id] = rubric
    if ratings.default_rubric is None and len(ratings.rubrics) == 1:
        ratings.default_rubric = rubric.id


def _misspelt_kinds(ratings: Ratings) -> list[Problem]:
    """An entry whose kind no criterion counts, but which is one letter or so from a kind one
    does (``kind: hyp``): its findings would be highlighted and score nothing, without a word.
    A kind that is uncounted on purpose (``ritual_hedge``, ``reported_speech``) is not near any."""
    counted = {k for rubric in ratings.rubrics.values()
               for criterion in rubric.criteria.values() for k in criterion.kinds()}
    if not counted:
        return []
    problems = []
    for lexicon in ratings.lexicons.values():
        for entry in lexicon.entries:
            if entry.kind in counted or not (guess := did_you_mean(entry.kind, counted,
                                                                      cutoff=0.75)):
                continue
            message = (f"entry '{entry.rule}' makes kind '{entry.kind}', which no criterion "
                       f"counts, so its findings score nothing; {guess}")
            problems.append(Problem(entry.origin.path, entry.origin.line, message.rstrip()))
    return problems


def _missing_lexicons(ratings: Ratings, rubric: Rubric, missing: list[str]) -> list[Problem]:
    """One problem per lexicon the rubric names but that is not loaded. A file that is there but
    broken has its own error above; the advice is to fix it (and what is lost until then), not
    to add a file that already exists."""
    kinds = {name: lexicon.kinds() for name, lexicon in ratings.lexicons.items()}
    unscored = list(rubric.without_lexicons(kinds))
    if unscored:
        names = ", ".join(f"'{cid}'" for cid in unscored)
        are = "is" if len(unscored) == 1 else "are"
        effect = (f"{'criterion' if len(unscored) == 1 else 'criteria'} {names} of rubric "
                  f"'{rubric.id}' {are} not scored (n/a, left out of the total) until it is fixed")
    else:
        effect = (f"until it is fixed, rubric '{rubric.id}' is scored without its entries "
                  "(other lexicons make the same kinds, so no criterion is n/a, but scores miss "
                  "its words)")
    problems = []
    for name in missing:
        failed = ratings.failed_lexicons.get(name)
        if failed:
            message = f"lexicon '{name}' failed to load ({failed}, above); {effect}"
        else:
            message = (f"lexicon '{name}' is not in lexicons/; add lexicons/{name}.yaml or "
                       "remove it from `lexicons:`")
        problems.append(Problem(rubric.path, rubric.lexicons_line, message))
    return problems


def _load_ledger(ratings: Ratings) -> None:
    facts_dir = ratings.root / "facts"
    if not any(facts_dir.glob("*.yaml")):
        return
    from srcgrade.facts import load_ledger

    ledger, problems = load_ledger(facts_dir)
    ratings.ledger = ledger
    ratings.problems.extend(problems)


def _load_articles(ratings: Ratings) -> None:
    articles, problems = load_articles(ratings.root / "articles", ratings.root)
    ratings.articles.extend(articles)
    ratings.problems.extend(problems)
    for article in articles:
        ratings.problems.extend(_expert_misfits(ratings, article))


def _expert_misfits(ratings: Ratings, article: Article) -> list[Problem]:
    """An expert rating the dashboard could never show (a misspelt criterion or rubric): named
    at its line, as a warning; the article and its other ratings still load."""
    if not article.expert:
        return []
    rubric_id = article.experts_rubric(ratings.default_rubric)
    rubric = ratings.rubrics.get(rubric_id or "")
    if rubric is None:
        if rubric_id in ratings.failed_rubrics or not article.expert_rubric:
            return []  # reported with the rubric (or no rubric to check against)
        known = sorted(ratings.rubrics)
        message = (f"expert_ratings.rubric '{rubric_id}' is not in rubrics/ "
                   f"(rubrics: {', '.join(known)}); {did_you_mean(rubric_id, known)}"
                   "name the rubric whose levels the expert used")
        return [Problem(article.path, article.lines.get("expert_ratings.rubric"), message,
                        level="warning")]
    return [
        Problem(article.path, article.lines.get(f"expert_ratings.criteria.{cid}"),
                unknown_criterion(cid, list(rubric.criteria), f"rubric '{rubric.id}'")
                + " (the expert's rating of it is not shown)", level="warning")
        for cid in article.expert
        if cid not in rubric.criteria and cid not in rubric.left_out
    ]


def load_articles(folder: Path, shown_from: Path) -> tuple[list[Article], list[Problem]]:
    """Every article YAML in ``folder``, paths shown relative to ``shown_from``; a broken one is
    reported and skipped, so that it costs the user none of the others."""
    loaded: list[Article] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        article, found = load_article(path, _display(path, shown_from))
        problems.extend(found)
        if article is not None:
            loaded.append(article)
    kept: dict[str, Article] = {}
    for article in loaded:  # by file name: the first keeps an id, unless a later one is named so
        holder = kept.get(article.id)
        if holder is None or (_named_after_id(article) and not _named_after_id(holder)):
            kept[article.id] = article
    for article in loaded:
        if kept[article.id] is not article:
            problems.append(_id_taken(article, kept[article.id]))
    return [a for a in loaded if kept[a.id] is a], problems


def _named_after_id(article: Article) -> bool:
    """Whether the article's file is named after its id: of two articles with one id, that one
    keeps it, so a new file that copied an id cannot displace the article it was copied from."""
    return Path(article.path).stem == article.id


def _id_taken(article: Article, holder: Article) -> Problem:
    message = (f"article id '{article.id}' is already used by {holder.path}; give this article "
               "an id of its own (it was skipped)")
    return Problem(article.path, article.lines.get("id"), message)


def load_article(path: Path, display: str | None = None) -> tuple[Article | None, list[Problem]]:
    """One article: metadata, the text file beside it, and its expert ratings."""
    doc, problem = load_yaml(path, display)
    if problem:
        return None, [problem]
    assert doc is not None
    if isinstance(doc.data, dict) and isinstance(doc.data.get("date"), dt.date):
        doc.data["date"] = doc.data["date"].isoformat()  # YAML reads 2024-01-29 as a date
    problems, data = _article_schema(doc)
    if data is None:
        return None, problems
    text_path = path.parent / data["text_file"]
    relative = Path(data["text_file"])
    if relative.is_absolute() or ".." in relative.parts:
        # A shared ratings folder must not make the dashboard show other files of its machine
        # (a symlink the owner of the folder made is theirs to make).
        message = (
            f"text_file '{data['text_file']}' is outside this article's folder; put the text "
            "beside the YAML (e.g. texts/<id>.txt)"
        )
        return None, [doc.problem(message, ("text_file",))]
    shown_text = f"{Path(doc.path).parent / data['text_file']}"
    text, text_problem = read_text_file(text_path, shown_text)
    if text_problem:
        message = f"text_file '{data['text_file']}': {text_problem.message}"
        return None, [doc.problem(message, ("text_file",))]
    assert text is not None
    if not text.strip():
        return None, [doc.problem(f"text_file '{data['text_file']}' is empty", ("text_file",))]
    expert_block = data.get("expert_ratings") or {}
    expert = {
        cid: ExpertRating(None if r["level"] == NOT_APPLICABLE else int(r["level"]), r["rationale"])
        for cid, r in (expert_block.get("criteria") or {}).items()
    }
    meta = {k: v for k, v in data.items() if k not in {"id", "title", "expert_ratings"}}
    article = Article(
        id=data["id"],
        title=data["title"],
        text=text,
        meta=meta,
        expert=expert,
        expert_rater=expert_block.get("rater", ""),
        expert_rubric=expert_block.get("rubric"),
        path=doc.path,
        lines=_article_lines(doc, expert_block),
    )
    return article, problems


def _article_lines(doc: YamlDoc, expert_block: dict[str, Any]) -> dict[str, int]:
    keys = [("id",), ("expert_ratings", "rubric")]
    keys += [("expert_ratings", "criteria", c) for c in expert_block.get("criteria") or {}]
    return {".".join(k): line for k in keys if (line := doc.line_of(k))}


# Keys an article can be rated without: a mistake in one is reported and the key left out (a
# misspelt genre shows as "unknown"), rather than costing the reader the whole article.
_DESCRIPTIVE_KEYS = frozenset(
    {"publisher", "author", "date", "url", "genre", "reports_peer_reviewed_study", "study",
     "notes", "expert_ratings"}
)


def _article_schema(doc: YamlDoc) -> tuple[list[Problem], dict[str, Any] | None]:
    """The article's schema problems and its data without the descriptive parts they concern
    (None when a key the rating needs is wrong): an unknown key, a misspelt genre, one
    criterion's expert rating."""
    errors = schema_errors(doc, "article")
    problems = [problem for _, problem in errors]
    dropped = [_descriptive_part(keys) for keys, _ in errors]
    if None in dropped:
        return problems, None
    data = dict(doc.data)
    expert = data.get("expert_ratings")
    if isinstance(expert, dict) and isinstance(expert.get("criteria"), dict):
        data["expert_ratings"] = {**expert, "criteria": dict(expert["criteria"])}
    for part in dropped:
        holder = data if len(part) == 1 else data["expert_ratings"]["criteria"]
        holder.pop(part[-1], None)
    return [_still_loaded(p, part) for p, part in zip(problems, dropped, strict=True)], data


def _descriptive_part(keys: tuple) -> tuple | None:
    """The part of an article a schema error at ``keys`` can be left out with, or None."""
    if keys[:2] == ("expert_ratings", "criteria") and len(keys) > 2:
        return keys[:3]
    if keys and (keys[0] in _DESCRIPTIVE_KEYS or keys[0] not in schema("article")["properties"]):
        return keys[:1]
    return None


def _still_loaded(problem: Problem, part: tuple) -> Problem:
    what = f"the expert rating of {part[-1]}" if len(part) > 1 else f"'{part[0]}'"
    message = f"{problem.message} (the article is still rated, without {what})"
    return Problem(problem.path, problem.line, message, level="warning")


def _load_presets(ratings: Ratings) -> None:
    """Presets in ``weights/``, each checked against the rubric it names: the dashboard applies
    a preset's weights to the sliders, so one for another rubric, or with a mistyped criterion,
    must be reported and left out rather than half applied."""
    for path in sorted((ratings.root / "weights").glob("*.yaml")):
        preset, problems = load_weight_preset(path, _display(path, ratings.root))
        if preset:
            problems = _preset_misfits(ratings, preset)
        ratings.problems.extend(problems)
        if preset and not problems:
            ratings.presets[preset.name] = preset


def _preset_misfits(ratings: Ratings, preset: WeightPreset) -> list[Problem]:
    """What is wrong with a loaded preset given the rubrics there are (empty when it is usable)."""
    known = ", ".join(sorted(ratings.rubrics)) or "none"
    if preset.rubric in ratings.failed_rubrics:
        return []  # its rubric's own problems are reported; nothing can apply the preset anyway
    if preset.rubric is not None:
        rubric = ratings.rubrics.get(preset.rubric)
        if rubric is None:
            message = (
                f"rubric '{preset.rubric}' is not in rubrics/ (rubrics: {known}); "
                "fix `rubric:` to name the rubric these weights are for"
            )
            return [Problem(preset.path, preset.lines.get("rubric"), message)]
        lost = [name for name in preset.weights if name in rubric.left_out]
        if lost:  # its rubric's problem is reported; the preset cannot be applied whole
            message = (f"not offered while criterion '{lost[0]}' is left out of rubric "
                       f"'{rubric.id}' (see its problem)")
            return [Problem(preset.path, preset.lines.get(f"weights.{lost[0]}"), message,
                            level="warning")]
        return preset.problems(rubric)
    if not ratings.rubrics or any(preset.fits(r) for r in ratings.rubrics.values()):
        return []
    rubrics = ratings.rubrics.values()
    strays = [n for n in preset.weights if all(n not in r.criteria for r in rubrics)]
    first = (strays or list(preset.weights))[0]
    named = f"{', '.join(strays)} in none of them; " if strays else ""
    message = (
        f"no rubric ({known}) has all of this preset's criteria ({named}it names no `rubric:`); "
        "add `rubric: <id>` for the rubric it is for, and fix the names"
    )
    return [Problem(preset.path, preset.lines.get(f"weights.{first}"), message)]


def load_weight_preset(
    path: Path, display: str | None = None
) -> tuple[WeightPreset | None, list[Problem]]:
    doc, problem = load_yaml(path, display)
    if problem:
        return None, [problem]
    assert doc is not None
    problems = check_schema(doc, "weights")
    if problems:
        return None, problems
    data = doc.data
    lines = {"rubric": doc.line_of(("rubric",)) or 1}
    lines.update({f"weights.{k}": doc.line_of(("weights", k)) or 1 for k in data["weights"]})
    preset = WeightPreset(
        name=data.get("name", path.stem),
        weights={k: float(v) for k, v in data["weights"].items()},
        rubric=data.get("rubric"),
        description=data.get("description", ""),
        path=doc.path,
        fitted_on=data.get("fitted_on"),
        cross_validated_rho=data.get("cross_validated_rho"),
        lines=lines,
    )
    return preset, []


def read_weights_file(path: Path, rubric: Rubric | None = None) -> dict[str, float]:
    """Weights from a preset file for ``--weights-file``; WeightError says what is wrong, at
    ``file:line``, and what to do.

    Given the ``rubric`` about to be used, the preset must be for it (its ``rubric:``) and name
    only its criteria: a preset fitted for another rubric would otherwise weigh this one with
    whichever criteria happen to share a name.
    """
    preset, problems = load_weight_preset(path)
    if not problems and preset is not None and rubric is not None:
        hint = f"; pass --rubric {preset.rubric} to use it, or give a preset for '{rubric.id}'"
        problems = preset.problems(rubric, hint)
    if problems:
        raise WeightError("\n".join(str(p) for p in problems))
    assert preset is not None
    return preset.weights
