"""Pure data helpers for the dashboard: where ratings/ is, the loaded corpus, derived frames.

Everything here is plain Python over the core's records; caching (keyed on the corpus fingerprint)
is applied in :mod:`srcgrade.ui.session`, so these functions stay testable without Streamlit.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from srcgrade import weigh
from srcgrade.corpus import Ratings, load_ratings
from srcgrade.model import ArticleScore, Problem
from srcgrade.rubric import Rubric

if TYPE_CHECKING:  # the scorer's modules are imported when something is scored, not before
    from srcgrade.score import Scorer

# The two axes of the evidence-and-tone chart (in the spirit of the Ad Fontes media chart). Both
# are plain means of criterion scores (higher is better); criteria a rubric lacks are left out.
EVIDENCE = ("citations", "numeric_accuracy")
TONE = ("hedging", "hype")


@dataclass
class Corpus:
    """One rubric's scores for every article of a loaded ratings/ folder (read-only, cached).

    A corpus read back from the dashboard's store (:mod:`srcgrade.ui.snapshot`) has no scorer
    until one is asked for: ``scorer_source`` builds it then, once (only "Score your own" scores
    new text)."""

    ratings: Ratings
    rubric: Rubric
    built_scorer: Scorer | None
    scores: list[ArticleScore] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_id: dict[str, ArticleScore] = field(default_factory=dict)
    error: str | None = None
    scorer_source: Callable[[], Scorer] | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False,
                                  compare=False)

    @property
    def scorer(self) -> Scorer | None:
        """The rubric's scorer, built on first use for a corpus read from the store."""
        if self.built_scorer is None and self.scorer_source is not None:
            with self._lock:  # shared between sessions: built once
                if self.built_scorer is None:
                    self.built_scorer = self.scorer_source()
        return self.built_scorer

    @property
    def criteria(self) -> list[str]:
        return list(self.rubric.criteria)

    def article(self, article_id: str):
        return next((a for a in self.ratings.articles if a.id == article_id), None)


def load(root: Path) -> Ratings:
    """``load_ratings``, which collects problems rather than raising; should it raise all the same
    (a half-installed module, a bug), the app still starts and shows why in the problems panel."""
    try:
        return load_ratings(root)
    except Exception as error:
        ratings = Ratings(root=Path(root))
        ratings.problems.append(
            Problem(str(root), None, f"could not load the folder: {type(error).__name__}: {error}")
        )
        return ratings


def score_corpus(ratings: Ratings, rubric_id: str | None) -> Corpus:
    """Score every article once with the rubric's default weights; sliders only reweight later."""
    from srcgrade import engine

    rubric = ratings.rubric(rubric_id)
    scorer = engine.make_scorer(ratings, rubric.id)
    scores = engine.score_articles(scorer, ratings.articles)
    return Corpus(ratings, rubric, scorer, scores, scores_frame(scores, rubric),
                  {s.id: s for s in scores})


def stored_corpus(ratings: Ratings, rubric: Rubric, scores: list[ArticleScore],
                  table: pd.DataFrame, scorer_source: Callable[[], Scorer]) -> Corpus:
    """A corpus read back from the store: the scorer is built by ``scorer_source`` when asked."""
    return Corpus(ratings, rubric, None, scores, table, {s.id: s for s in scores},
                  scorer_source=scorer_source)


def scores_frame(scores: list[ArticleScore], rubric: Rubric) -> pd.DataFrame:
    """The scores table the pages rank: a row per article, a column per criterion."""
    from srcgrade import engine

    table = engine.scores_table(scores)
    if table.empty:
        table = pd.DataFrame(columns=["id", "title", "total", *rubric.criteria, "genre", "words"])
    for column in ("genre", "publisher", "reports_peer_reviewed_study"):
        if column not in table.columns:
            table[column] = None
    table["genre"] = table["genre"].fillna("other").astype(str)
    return table


def ranked(table: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """The table with totals for these weights and a rank column, best first (vectorised)."""
    totals = weigh.weighted_totals(table, weights)
    frame = table.assign(total=totals, rank=weigh.rank(totals))
    return frame.sort_values(["rank", "title"], kind="stable")


def axes(frame: pd.DataFrame, criteria: list[str]) -> pd.DataFrame:
    """Evidence (x) and tone (y) per article: means of the criteria on each axis that apply."""
    evidence = [c for c in EVIDENCE if c in criteria]
    tone = [c for c in TONE if c in criteria]
    out = frame[["id", "title", "genre", "total"]].copy()
    out["evidence"] = frame[evidence].mean(axis=1, skipna=True) if evidence else np.nan
    out["tone"] = frame[tone].mean(axis=1, skipna=True) if tone else np.nan
    return out


def long_scores(frame: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """One row per (article, criterion) with the criterion's label: for strip and box plots."""
    criteria = list(rubric.criteria)
    long = frame.melt(
        id_vars=["id", "title", "genre"], value_vars=criteria, var_name="criterion",
        value_name="score",
    )
    long["label"] = long["criterion"].map({c: rubric.criteria[c].label for c in criteria})
    return long.dropna(subset=["score"])


def corpus_mean(frame: pd.DataFrame, criteria: list[str]) -> dict[str, float | None]:
    means = frame[criteria].mean(axis=0, skipna=True)
    return {c: (None if pd.isna(means[c]) else float(means[c])) for c in criteria}


def score_text(score: float | None) -> str:
    """A score as every page prints it: a whole number, or "n/a" where there is none.

    Rounded here, by Python (half to even, as the core's explanations round), never by the
    browser: its formatter rounds 12.5 up, so the Overview's grid said 13 where the Article page
    and the explanation said 12 for the same score.
    """
    return "n/a" if score is None or pd.isna(score) else f"{score:.0f}"


def whole(score: float | None) -> float | None:
    """A score rounded as :func:`score_text` prints it, for a table the browser formats."""
    return None if score is None or pd.isna(score) else float(score_text(score))


def total_for(scores: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """One article's total for these weights, through the same vectorised path as the table."""
    row = pd.DataFrame([{c: (np.nan if v is None else v) for c, v in scores.items()}])
    value = weigh.weighted_totals(row, weights).iloc[0]
    return None if pd.isna(value) else float(value)


_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>,;)]+)")
# The DOI as a source string ends with it: ", doi:10..." or " https://doi.org/10...".
_DOI_SUFFIX = re.compile(r"[,;]?\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/)" + _DOI.pattern, re.I)


def doi_link(text: str | None) -> str | None:
    """An https://doi.org/ link for the first DOI in a source string, else None."""
    match = _DOI.search(text or "")
    return f"https://doi.org/{match.group(1).rstrip('.')}" if match else None


def citation_without_doi(text: str | None) -> str:
    """"Mitchell et al. 2021, Nat Med, doi:10.1038/..." as "Mitchell et al. 2021, Nat Med": where
    a table links the DOI in a column of its own, the DOI spelt out again only widens the table."""
    return _DOI_SUFFIX.sub("", text or "").strip()


def words_around(sentence: str, start: int, end: int, words: int = 8) -> tuple[str, str, str]:
    """The number at ``sentence[start:end]`` with up to ``words`` words either side ("…" where
    cut): enough to say what it counts, and short enough that a table of numbers does not grow
    a whole sentence per row on a projector."""
    head, number, tail = sentence[:start], sentence[start:end], sentence[end:]
    head_words, tail_words = head.split(), tail.split()
    before = " ".join(head_words[-words:]) + (" " if head[-1:].isspace() else "")
    after = (" " if tail[:1].isspace() else "") + " ".join(tail_words[:words])
    if len(head_words) > words:
        before = "…" + before
    if len(tail_words) > words:
        after += "…"
    return before, number, after


def safe_url(url: object) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is shown as text."""
    if isinstance(url, str) and re.match(r"^https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


# A Markdown heading's marks: "# Title", "## Title ##" (CommonMark ATX headings, up to six #).
_HEADING = re.compile(r"^#{1,6}(?:\s+|$)|\s+#+$")


def short_title(text: str, limit: int = 90) -> str:
    """The first line of a text as a title, cut at a word (not "...pinpoint peo") with "…";
    a Markdown heading's marks are not part of it ("# MDMA for PTSD" is "MDMA for PTSD")."""
    lines = (_HEADING.sub("", ln.strip()).strip() for ln in text.splitlines())
    line = next((ln for ln in lines if ln), "")
    if len(line) <= limit:
        return line
    cut = textwrap.shorten(line, limit - 1, placeholder="")
    return (cut or line[: limit - 1]).rstrip(" ,;:-") + "…"


def upload_title(raw: bytes, file_name: str) -> str:
    """An uploaded page's <title>, else its file name: "a.html" says nothing of the article."""
    from srcgrade.ingest import HTML_SUFFIXES, html_title, looks_like_html

    is_html = Path(file_name).suffix.lower() in HTML_SUFFIXES or looks_like_html(
        raw[:2000].decode("utf-8", errors="replace"))
    return (html_title(raw) if is_html else None) or file_name


def own_id(title: str, text: str) -> str:
    """A pasted or uploaded text's article id: its title as a slug; a title with no Latin
    letters or digits (Greek, Chinese) is "my-article-" and a short hash of the text, so two
    such texts do not share one id (a second download was skipped as a duplicate)."""
    from srcgrade.export import slug

    return slug(title, fallback="") or f"my-article-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
