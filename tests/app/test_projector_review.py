"""A review at the classroom projector's 1280 x 800 px: one score printed one way on every page,
a radar large enough to read, nothing cut at the right edge, and every row of a table in view."""

from __future__ import annotations

import json

import pytest
from app_helpers import no_exceptions

from srcgrade.ui import charts, data

PAGE_PX = 790  # the page's width at 1280 px with the sidebar open (1280 - sidebar - padding)
HUBERMAN = "huberman-wiki-mdma-ptsd"  # its citations score is exactly 12.5


def _figures(at) -> dict[str, dict]:
    """The plotly figures of a page by key, as the browser receives them."""
    return {c.proto.id.split("-")[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


# --- one score, one figure: rounded by Python everywhere, never by the browser --------------


def test_the_question_grid_prints_each_score_as_the_article_page_does(make_app, app_ratings):
    """12.5 read 13 in the grid (the browser rounds half up) and 12 on the Article page."""
    corpus = data.score_corpus(data.load(app_ratings), None)
    ranked = data.ranked(corpus.table, corpus.rubric.default_weights())
    labels = {c: corpus.rubric.criteria[c].label for c in corpus.criteria}
    at = make_app()
    no_exceptions(at)
    [grid] = [d.value for d in at.dataframe if "question" in d.value.columns]
    grid = grid.set_index("question")
    checked = 0
    for column, article in zip(grid.columns, ranked["id"], strict=True):
        for cid, label in labels.items():
            printed = data.score_text(corpus.by_id[article].criteria[cid].score)
            cell = grid.at[label, column]
            assert (printed == "n/a") if cell != cell else float(printed) == cell, (article, cid)
            checked += 1
    assert checked and data.score_text(corpus.by_id[HUBERMAN].criteria["citations"].score) == "12"


def test_chart_hovers_and_bar_labels_print_the_score_not_its_rounded_drawing():
    """A radar's hover said 13 for 12.5 (browser rounding), and a bar's label said 12 for 12.54
    (rounded to 12.5 to draw, then again to print); the Article page says 12 and 13."""
    labels = {f"c{i}": f"Criterion {i}" for i in range(4)}
    scores = {"c0": 12.5, "c1": 12.54, "c2": 87.5, "c3": None}
    radar = charts.radar([("a", scores)], labels)
    hovered = {t: text for trace in radar.data for t, text in zip(trace.theta, trace.text,
                                                                   strict=True)}
    assert [hovered[t] for t in hovered if not t.startswith("Criterion 3")] == ["12", "13", "88"]
    assert all("%{text}" in t.hovertemplate for t in radar.data)
    bars = charts.criterion_bars([("a", scores)], labels)
    assert list(bars.data[0].text) == [data.score_text(v) for v in scores.values()]


# --- the radar: readable in half a page, its legend under its labels -------------------------


def test_a_criterion_that_does_not_apply_does_not_shrink_the_radar():
    """"(n/a: dashed)" under an axis label widened both side margins by 32 px: in a narrow
    column the radar of a pasted text was 60 px across. The legend says which series lacks it."""
    labels = {"citations": "Citations", "hedging": "Hedging", "hype": "Hype language",
              "numeric_accuracy": "Numeric accuracy"}
    whole = dict.fromkeys(labels, 50.0)
    gap = whole | {"numeric_accuracy": None}
    plain = charts.radar([("This article", whole), ("Corpus average", whole)], labels)
    broken = charts.radar([("This article", gap), ("Corpus average", whole)], labels)
    assert broken.layout.margin.l == plain.layout.margin.l
    assert broken.layout.margin.r == plain.layout.margin.r
    assert any(n.endswith("(n/a)") for n in broken.layout.polar.angularaxis.categoryarray)
    assert "n/a: Numeric accuracy" in broken.data[0].name


def test_the_radar_legend_starts_below_the_bottom_axis_label():
    """At 1920 px the circle fills the plot and its bottom label ("Hype language", two lines)
    was drawn under a legend placed 4% of the plot below it."""
    labels = {"a": "Citations", "b": "Hedging", "c": "Hype language", "d": "Numeric accuracy"}
    fig = charts.radar([("This article", dict.fromkeys(labels, 50.0))], labels)
    layout = fig.layout
    plot_px = layout.height - layout.margin.t - layout.margin.b
    label_lines = max(n.count("<br>") + 1 for n in layout.polar.angularaxis.categoryarray)
    assert -layout.legend.y * plot_px >= 18 * label_lines
    assert layout.margin.b >= -layout.legend.y * plot_px + 22  # and the legend has its room


@pytest.mark.parametrize(("page", "query"), [("article", {}), ("score_your_own", {})])
def test_the_radar_gets_half_the_page_beside_the_text(make_app, page, query):
    """In two fifths of a 1280 px page the radar was about 110 px across."""
    at = make_app(page, **query)
    if page == "score_your_own":
        at.text_area(key="own_text").input("A new study says it may help, experts say. " * 40)
        at.run()
    no_exceptions(at)
    [radar_column] = [c for c in at.columns
                      if any(getattr(m, "value", "") == "#### Against the corpus average"
                             for m in c.markdown)]
    [text_column] = [c for c in at.columns
                     if any(getattr(m, "value", "").startswith("#### The text")
                            for m in c.markdown)]
    assert radar_column.weight == text_column.weight


# --- nothing cut at the right edge of a 1280 px page ----------------------------------------


def test_genre_and_study_are_words_beside_the_figures_not_cut_figures(make_app):
    """As large figures in quarter-page columns: "promoti…", "Reports a peer-reviewed st…"."""
    at = make_app("article", article="provider-blog-mdma-promising")
    no_exceptions(at)
    assert [m.label for m in at.metric] == ["Total (current weights)", "Rank"]
    [words] = [m.value for m in at.markdown if m.value.startswith("**Genre:**")]
    assert "**Genre:** promotional" in words and "**Reports a peer-reviewed study:** no" in words


def test_the_ranking_fits_a_1280_px_page_with_the_sidebar_open(make_app):
    """The ranking's columns added up to 894 px: its last column was cut to "pee"."""
    at = make_app()
    [table] = [d for d in at.dataframe if "rank" in d.value.columns]
    config = json.loads(table.proto.columns)
    assert set(config) >= set(table.value.columns)
    assert sum(config[c]["width"] for c in table.value.columns) <= PAGE_PX


def test_agreement_tables_show_every_column_and_every_row(make_app):
    """The per-criterion table hid its interval and length's AUC past the right edge, and the
    fitted weights showed 10 of 16 criteria behind a scroll bar: both are static tables now,
    and a column that says the same file on every row is said once above the table."""
    at = make_app("agreement")
    no_exceptions(at)
    [per_criterion] = [t.value for t in at.table if "HNR criterion" in t.value.columns]
    assert {"AUC", "95% interval", "length AUC"} <= set(per_criterion.columns)
    assert "file" not in per_criterion.columns
    assert any(c.value.startswith("All from hnr") for c in at.caption)
    [fitted] = [t.value for t in at.table if "fitted weight" in t.value.columns]
    preset = at.session_state["_srcgrade_context"].ratings.presets["health-news-review-fitted"]
    assert len(fitted) == len(preset.weights)
    assert not any("fitted weight" in d.value.columns for d in at.dataframe)


def test_the_sweep_legend_is_under_the_lines_not_beside_them(make_app):
    """Beside the plot the legend took half of a 1280 px page and cut the titles at 40."""
    at = make_app("weights")
    no_exceptions(at)
    legend = _figures(at)["sweep_chart"]["layout"]["legend"]
    assert legend.get("y", 1) <= 0 and legend.get("x", 1.02) <= 0 and legend["yref"] == "container"


def test_the_fitted_weights_are_introduced_once(make_app):
    """The lead-in and the preset's description both said what the weights are, joined by a
    colon into one run-on sentence: "...agree best with the stars: Non-negative weights..."."""
    at = make_app("agreement")
    [intro] = [m.value for m in at.markdown if m.value.startswith("`srcgrade fit-weights`")]
    assert "stars: " not in intro and intro.startswith(
        "`srcgrade fit-weights` fitted these weights to the experts' stars. ")
