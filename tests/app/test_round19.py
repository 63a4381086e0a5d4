"""The round-19 reviewer's dashboard defects: a pasted web address scored as an article, a text
with nothing in it ranked above real articles, warnings the CLI did not share, the Article page's
caption on Compare, one rho in three roundings, explanations without plurals, a hedging table
that did not add up to its caption, and pasted titles, ids and URLs."""

from __future__ import annotations

import json

import pytest
from app_helpers import REPO, no_exceptions

from srcgrade import engine
from srcgrade.corpus import load_ratings
from srcgrade.ui import data, views
from srcgrade.ui.session import md

VOX_URL = "https://www.vox.com/future-perfect/404567/mdma-ptsd-fda-lykos"
SPANISH_SHORT = (
    "La terapia asistida con MDMA para el trastorno de estrés postraumático mostró resultados "
    "prometedores en un ensayo de fase 3. Los investigadores dicen que es un avance histórico, "
    "aunque los datos son preliminares y faltan estudios."
)


def _paste(make_app, text: str):
    at = make_app("score_your_own")
    at.text_area(key="own_text").set_value(text).run()
    no_exceptions(at)
    return at


def _scored(at) -> bool:
    return any("sg-text" in element.value for element in at.get("html"))


def _rank_lines(at) -> list[str]:
    return [m.value for m in at.markdown if "would rank" in m.value or "not ranked" in m.value]


# --- 1: a pasted web address, and texts with nothing to rank ---------------------------------


def test_a_pasted_web_address_is_not_scored_and_fetch_is_offered(make_app, monkeypatch):
    fetched = []
    monkeypatch.setattr("srcgrade.ingest.fetch_url", lambda url: fetched.append(url) or "")
    at = _paste(make_app, VOX_URL)
    assert any("only a web address" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not _scored(at) and not _rank_lines(at)
    at.button(key="own_fetch_instead").click().run()
    no_exceptions(at)
    assert at.radio(key="own_source").value == "Fetch a web address"
    assert at.text_input(key="own_url").value == VOX_URL
    assert not fetched and "own_fetched" not in at.session_state  # offered, not fetched


@pytest.mark.parametrize("text", ["Hello", "Miracle drug cures PTSD overnight"])
def test_a_text_too_short_to_rate_is_not_ranked(make_app, text):
    at = _paste(make_app, text)
    assert _scored(at)  # still scored, with its warning
    assert any("too short to rate reliably" in w.value for w in at.warning)
    [line] = _rank_lines(at)
    assert "not ranked" in line and "would rank" not in line
    assert [m.value for m in at.metric if m.label == "Rank"] == ["—"]


def test_a_long_text_with_nothing_found_has_its_rank_qualified(make_app):
    table = "\n".join(" | ".join(f"{i * j + 0.5}" for j in range(6)) for i in range(60))
    at = _paste(make_app, table)
    [line] = _rank_lines(at)
    assert "would rank" in line and views.NOTHING_FOUND in line


def test_a_real_article_is_ranked_without_a_qualification(make_app, app_ratings):
    text = (app_ratings / "articles/texts/002_norwegian-therapist-mdma-ptsd.txt").read_text()
    at = _paste(make_app, text + "\nA line of my own.")
    [line] = _rank_lines(at)
    assert "would rank" in line and views.NOTHING_FOUND not in line


# --- 2: the warnings the CLI shares ----------------------------------------------------------


def test_a_short_spanish_paragraph_gets_the_language_warning(make_app):
    at = _paste(make_app, SPANISH_SHORT)
    assert any("does not look like English" in w.value for w in at.warning)


# --- 3: Compare's own caption ----------------------------------------------------------------


def test_compare_captions_its_texts_without_the_article_pages_tables(make_app):
    at = make_app("compare")
    no_exceptions(at)
    captions = [c.value for c in at.caption if "Hover over a highlighted word" in c.value]
    assert captions == [views.COMPARE_HINT, views.COMPARE_HINT]
    for caption in captions:
        assert "under each question below" not in caption
        assert "explanations' counts" not in caption
    at = make_app("article")
    assert any(views.EVIDENCE_HINT in c.value for c in at.caption)


# --- 4: one rho, one rounding, from the agreement report -------------------------------------


def test_the_fitted_weights_give_the_reports_in_sample_rho_rounded_as_the_table(make_app):
    report = json.loads((REPO / "docs" / "agreement.json").read_text())
    [stories] = [d for d in report["datasets"] if d["weights_fitted_here"]]
    rho = f"{stories['total']['spearman']:.3f}"
    at = make_app("agreement")
    no_exceptions(at)
    [table] = [d.value for d in at.dataframe if "measure" in d.value.columns]
    shown = table[(table["file"] == stories["file"])
                  & (table["measure"] == "Spearman rho with stars")]["srcgrade"]
    assert list(shown) == [rho]
    [fitted] = [m.value for m in at.markdown if "fitted these weights" in m.value]
    assert md(f"in-sample {rho};") in fitted
    [caption] = [c.value for c in at.caption if "These fitted weights are the ones" in c.value]
    assert f"{stories['file']} rho {rho}" in caption.replace("\\", "")
    every = " ".join([fitted, caption, *(w.value for w in at.warning)]).replace("\\", "")
    two_places = f"{stories['total']['spearman']:.2f}"
    assert f"rho {two_places} " not in every and f"rho {two_places};" not in every


# --- 5: plurals, and a points column that adds up to its caption -----------------------------


def test_health_news_review_explanations_count_in_the_plural():
    ratings = load_ratings(REPO / "ratings")
    scorer = engine.make_scorer(ratings, "health-news-review")
    explanations = " ".join(
        result.explanation
        for score in engine.score_articles(scorer, ratings.articles)
        for result in score.criteria.values())
    assert "7 attributed statements" in explanations
    assert "2 study designs" in explanations
    assert "attributed statement (" not in explanations.replace("1 attributed statement (", "")


def test_a_points_column_says_what_its_rounded_rows_add_up_to():
    ratings = load_ratings(REPO / "ratings")
    scorer = engine.make_scorer(ratings, "health-news-review")
    [vox] = [a for a in ratings.articles if a.id == "vox-mdma-self-experience"]
    score = scorer.score(vox.text, article_id=vox.id, title=vox.title, meta=vox.meta)
    tallies = score.criteria["hedging"].tallies
    shown = views.findings_frame(ratings.rubric("health-news-review").criteria["hedging"],
                                 tallies)["points"]
    against = -sum(float(p) for p in shown if p.startswith("-"))
    assert f"{against:.2f}" == "1.18"  # 0.125 and 0.0625 shown as 0.12 and 0.06
    assert "the - rows add up to 1.19 (the points against; 1.18 as the rows are rounded)" in (
        views.points_sum(tallies))


# --- 6: pasted titles, ids and URLs ----------------------------------------------------------


def test_a_pasted_markdown_heading_is_titled_without_its_hashes(make_app):
    body = "The trial was small. " * 40
    at = _paste(make_app, "# MDMA for PTSD: what the trial found\n\n" + body)
    [title] = [t.value for t in at.text_input if t.key and t.key.startswith("own_title_")]
    assert title == "MDMA for PTSD: what the trial found"


def test_titles_without_latin_letters_get_ids_of_their_own():
    first, second = "Η θεραπεία με MDMA. " * 30, "Η θεραπεία με ψιλοκυβίνη. " * 30
    assert data.own_id("Η θεραπεία", first) != data.own_id("Η θεραπεία", second)
    assert data.own_id("Η θεραπεία", first).startswith("my-article-")
    assert data.own_id("Η θεραπεία", first) == data.own_id("Η θεραπεία", first)
    assert data.own_id("MDMA for PTSD", first) == "mdma-for-ptsd"


def test_a_fetched_address_as_a_title_has_no_invisible_characters(make_app):
    at = make_app("score_your_own")
    at.session_state["own_source"] = "Fetch a web address"
    at.session_state["own_fetched"] = (VOX_URL, "The trial was small, the authors said. " * 30)
    at.run()
    no_exceptions(at)
    [header] = [h.value for h in at.header]
    assert "\u2060" not in header and f"`{VOX_URL}`" in header
