"""The five seed articles: a sanity check on a reading a careful person agrees with.

Not a target to tune to (validity is measured against outside experts, see docs/validity.md): the
Vox report of a peer-reviewed study should rank first and the clinic blog and the content-farm page
last, and the machine should not be far from the expert ratings written before any detector.
"""

from __future__ import annotations

import pandas as pd
from helpers import RATINGS

from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer, score_articles, scores_table

LOADED = load_ratings(RATINGS)
TABLE = scores_table(score_articles(make_scorer(LOADED), LOADED.articles)).sort_values(
    "total", ascending=False
)
GENRE = {a.id: a.meta["genre"] for a in LOADED.articles}


def test_vox_ranks_first_and_the_clinic_blog_and_content_farm_rank_last_two():
    order = list(TABLE.index)
    assert GENRE[order[0]] == "journalism", TABLE[["total"]]
    assert {GENRE[order[-1]], GENRE[order[-2]]} == {"promotional", "content-farm"}, TABLE
    assert order[-2:] != [] and "provider-blog-mdma-promising" in order[-2:]


def test_machine_levels_track_the_expert_levels():
    """Averaged over the questions that apply, the machine's totals rank the articles like the
    experts' levels do."""
    rows = []
    for article in LOADED.articles:
        levels = [r.level for r in article.expert.values() if r.level]
        expert = sum(levels) / len(levels)
        rows.append({"id": article.id, "expert": expert, "machine": TABLE.loc[article.id, "total"]})
    frame = pd.DataFrame(rows)
    rho = frame["expert"].rank().corr(frame["machine"].rank())
    assert rho >= 0.6, frame


def test_content_farm_is_caught_for_hype_and_vague_sourcing():
    row = TABLE.loc["contentfarm-mdma-breakthrough"]
    vox = TABLE.loc["vox-mdma-self-experience"]
    assert row["hype"] < vox["hype"] and row["citations"] < vox["citations"]
