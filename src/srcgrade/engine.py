"""The one code path from loaded ratings to scores, shared by the CLI, the dashboard and batch jobs.

Compiling a rubric (its lexicons into one matcher) happens once per rubric; scoring happens once per
article; reweighting works on the table these functions return.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from srcgrade.corpus import Article, Ratings, load_ratings
from srcgrade.ingest import Record
from srcgrade.model import ArticleScore
from srcgrade.score import Scorer

if TYPE_CHECKING:
    import pandas as pd

META_COLUMNS = ("genre", "publisher", "date", "reports_peer_reviewed_study")


def make_scorer(ratings: Ratings, rubric: str | None = None) -> Scorer:
    return Scorer(ratings.rubric(rubric), ratings.lexicons, ratings.ledger)


def score_article(
    scorer: Scorer, article: Article, weights: Mapping[str, float] | None = None
) -> ArticleScore:
    return scorer.score(
        article.text,
        article_id=article.id,
        title=article.title,
        weights=weights,
        article_date=article.date,
        meta=article.meta,
    )


def score_articles(
    scorer: Scorer, articles: Iterable[Article], weights: Mapping[str, float] | None = None
) -> list[ArticleScore]:
    return [score_article(scorer, a, weights) for a in articles]


def score_records(
    scorer: Scorer, records: Iterable[Record], weights: Mapping[str, float] | None = None
) -> Iterator[tuple[Record, ArticleScore]]:
    """Score a stream of JSONL records lazily, so memory stays flat however long the input."""
    for record in records:
        title = str(record.extra.get("title") or record.extra.get("original_title") or "")
        yield (
            record,
            scorer.score(
                record.text, article_id=record.id, title=title, weights=weights, meta=record.extra
            ),
        )


def scores_table(scores: Iterable[ArticleScore]) -> pd.DataFrame:
    """One row per article: id, title, total, one column per criterion, and key metadata."""
    rows = []
    criteria: dict[str, None] = {}
    for s in scores:
        criteria.update(dict.fromkeys(s.criteria))
        row = {"id": s.id, "title": s.title, "total": s.total, **s.scores()}
        row.update({k: s.meta.get(k) for k in META_COLUMNS if k in s.meta})
        row["words"] = s.word_count
        rows.append(row)
    import pandas as pd  # here, not at the top: `srcgrade score` does not need it

    frame = pd.DataFrame(rows)
    if not frame.empty:
        numeric = ["total", *criteria]
        frame[numeric] = frame[numeric].astype(float)
        frame = frame.set_index("id", drop=False)
        frame.index.name = None
    return frame


def rate_directory(
    root: Path, rubric: str | None = None, weights: Mapping[str, float] | None = None
) -> tuple[Ratings, list[ArticleScore]]:
    ratings = load_ratings(root)
    scorer = make_scorer(ratings, rubric)
    return ratings, score_articles(scorer, ratings.articles, weights)
