"""What a class sees on a projector, from the classroom review's sections 6, 7, 9, 12, 13, 15
and 16: whole labels and titles, "n/a" where a question does not apply, one genre order on every
chart, dots rather than boxes for a handful of articles, readable preset buttons, glosses for the
agreement measures, and the other rubric scored before a class switches to it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from app_helpers import no_exceptions

from srcgrade.export import GENRES
from srcgrade.ui import charts, data

HNR = "health-news-review"


def _plain(label: str) -> str:
    """A chart label as read: line breaks are spaces."""
    return label.replace("<br>", " ")


def _corpus(ratings: Path, rubric_id: str | None = None) -> data.Corpus:
    return data.score_corpus(data.load(ratings), rubric_id)


def _legend(fig: go.Figure) -> list[str]:
    """The genres in a figure's legend, top to bottom, without their counts."""
    return [t.name.split(" (n=")[0] for t in fig.data if t.showlegend is not False]


# --- #6 and #15: the radar, or bars for a long rubric ----------------------------------------


def test_a_short_rubric_gets_a_radar_with_every_label_and_no_numbers_on_the_polygons(
        app_ratings):
    corpus = _corpus(app_ratings, "core")
    labels = {c: corpus.rubric.criteria[c].label for c in corpus.criteria}
    assert len(labels) <= 8
    fig = charts.radar([("a", corpus.scores[0].scores())], labels)
    assert fig.data and all(isinstance(t, go.Scatterpolar) for t in fig.data)
    axes = fig.layout.polar.angularaxis.categoryarray  # every label, n/a ones with "(n/a)"
    assert {_plain(t).split(" (n/a")[0] for t in axes} == set(labels.values())
    assert fig.layout.polar.radialaxis.showticklabels is False
    longest = max(len(line) for t in axes for line in t.split("<br>"))
    assert fig.layout.margin.l >= 8 * longest and fig.layout.margin.r >= 8 * longest


def test_a_long_rubric_gets_bars_with_every_label(app_ratings):
    corpus = _corpus(app_ratings, HNR)
    labels = {c: corpus.rubric.criteria[c].label for c in corpus.criteria}
    assert len(labels) > 8  # a radar's labels crowd and run off a narrow column
    mean = data.corpus_mean(corpus.table, corpus.criteria)
    fig = charts.radar([("This article", corpus.scores[0].scores()), ("Corpus average", mean)],
                       labels)
    assert [type(t) for t in fig.data] == [go.Bar, go.Bar]
    for trace in fig.data:
        assert [_plain(y) for y in trace.y] == list(labels.values())
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickmode == "linear"
    assert fig.layout.height >= 2 * charts.ROW_PX * len(labels)


@pytest.mark.parametrize("n_criteria", [4, 16])
def test_a_criterion_that_does_not_apply_leaves_a_gap_and_says_so(n_criteria):
    labels = {f"c{i}": f"Criterion {i}" for i in range(n_criteria)}
    values = {c: 50.0 for c in labels} | {"c2": None}
    fig = charts.radar([("Content farm", values), ("Other", dict.fromkeys(labels, 60.0))],
                       labels)
    first, other = fig.data[0], fig.data[-1]
    assert "n/a: Criterion 2" in _plain(first.name) and "n/a" not in other.name
    if isinstance(first, go.Scatterpolar):
        # no point for the missing axis: the line breaks there rather than dropping to 0
        assert None not in first.r
        assert not any(_plain(t).startswith("Criterion 2") for t in first.theta)
    else:
        assert first.text[2] == "n/a"


# --- #12 and #13: one genre order, counts, dots, numbered points -----------------------------


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The same five articles, in the orders each chart receives them: totals best first,
    axes by rank, long scores per criterion. Each order meets the genres in another order."""
    wide = pd.DataFrame({
        "id": list("abcde"),
        "title": [f"Article {x}" for x in "abcde"],
        "genre": ["content-farm", "summary", "promotional", "journalism", "promotional"],
        "total": [90.0, 70.0, 60.0, 50.0, 40.0],
        "evidence": [80.0, 10.0, 50.0, 30.0, 70.0],
        "tone": [20.0, 90.0, 50.0, 40.0, 60.0],
        "rank": [1, 2, 3, 4, 5],
    })
    long = pd.DataFrame([
        {"id": r.id, "title": r.title, "genre": r.genre, "label": c, "score": 50.0}
        for c in ("Hedging", "Citations") for r in wide.iloc[::-1].itertuples()
    ])
    return wide, wide.sort_values("evidence"), long


def test_every_chart_lists_the_genres_in_one_order():
    totals, points, long = _frames()
    expected = [g for g in GENRES if g in set(totals["genre"])]
    legends = [
        _legend(charts.totals_bar(totals)),
        _legend(charts.evidence_tone(points)),
        _legend(charts.genre_strip(long)),
    ]
    assert legends == [expected] * 3


def test_genre_strip_counts_articles_and_draws_a_box_only_from_five():
    five = 5  # fewer articles than this make a box that is a tick, not a spread
    rows = [{"id": f"j{i}", "title": f"J {i}", "genre": "journalism", "label": "Hedging",
             "score": 10.0 * i} for i in range(five)]
    rows += [{"id": "p", "title": "P", "genre": "promotional", "label": "Hedging", "score": 50.0}]
    fig = charts.genre_strip(pd.DataFrame(rows))
    assert [t.name for t in fig.data if t.showlegend is not False] == [
        f"journalism (n={five})", "promotional (n=1)"]
    boxes = {t.name: t for t in fig.data if isinstance(t, go.Box)}
    assert boxes[f"journalism (n={five})"].line.width > 0
    dots = boxes["promotional (n=1)"]
    assert dots.line.width == 0 and dots.boxpoints == "all"  # its one point, no box


def test_genre_strip_gives_each_criterion_of_a_long_rubric_a_readable_row(app_ratings):
    corpus = _corpus(app_ratings, HNR)
    ranked = data.ranked(corpus.table, corpus.rubric.default_weights())
    fig = charts.genre_strip(data.long_scores(ranked, corpus.rubric))
    labels = [corpus.rubric.criteria[c].label for c in corpus.criteria]
    assert all(t.orientation == "h" for t in fig.data if isinstance(t, go.Box))
    assert list(fig.layout.yaxis.categoryarray) == labels  # horizontal text, never rotated
    assert fig.layout.yaxis.dtick == 1
    assert fig.layout.height >= charts.ROW_PX * len(labels)


def test_evidence_tone_numbers_points_by_rank_and_keeps_numbers_off_markers():
    points = pd.DataFrame({
        "title": ["Why does MDMA work for PTSD? A new study yields clues", "Near it", "Far"],
        "genre": ["journalism", "summary", "promotional"],
        "evidence": [46.0, 47.0, 90.0], "tone": [50.0, 47.0, 10.0], "rank": [3, 1, 2],
    })
    fig = charts.evidence_tone(points)
    shown = {t: (side, x, y) for trace in fig.data
             for t, side, x, y in zip(trace.text, trace.textposition, trace.x, trace.y,
                                      strict=True)}
    assert set(shown) == {"1", "2", "3"}  # ranks, not titles cut at 32 characters
    # The two close points: the lower one's number goes below it, the upper one's above.
    assert shown["3"][0] == "top center" and shown["1"][0] == "bottom center"
    assert all("Why does MDMA" not in t for trace in fig.data for t in trace.text)


def test_number_sides():
    assert charts.number_sides([10, 90], [10, 90]) == ["top center"] * 2
    assert charts.number_sides([50, 51], [50, 54]) == ["bottom center", "top center"]
    assert charts.number_sides([50, 51, 49], [50, 54, 46])[0] == "middle right"


# --- #7: the Overview's ranking ---------------------------------------------------------------


def _table(at, column: str):
    return next(d for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("rubric", ["core", HNR])
def test_overview_ranking_shows_whole_titles_and_says_what_does_not_apply(make_app, app_ratings,
                                                                          rubric):
    corpus = _corpus(app_ratings, rubric)
    labels = {c: corpus.rubric.criteria[c].label for c in corpus.criteria}
    at = make_app(rubric=rubric)
    no_exceptions(at)
    ranking = _table(at, "rank")
    frame = ranking.value
    # Every column in view: no criterion columns crowding out genre and peer review.
    assert list(frame.columns) == ["rank", "title", "total", "not rated (n/a)", "genre",
                                   "reports a study?"]
    assert ranking.proto.row_height > 68  # over 4 rem at the 17 px theme: titles wrap
    assert set(frame["title"]) == set(corpus.table["title"])
    farm = frame.set_index("title").loc[
        corpus.table.set_index("id").at["contentfarm-mdma-breakthrough", "title"]]
    assert farm["not rated (n/a)"] == labels["numeric_accuracy"]
    assert any("**n/a**" in c.value and "leaves the question out" in c.value
               for c in at.caption)
    grid = _table(at, "question")
    assert list(grid.value["question"]) == list(labels.values())  # each one whole, in a row
    assert grid.proto.placeholder == "n/a"  # what the empty cell shows
    assert grid.value.isna().sum().sum() == corpus.table[corpus.criteria].isna().sum().sum() >= 1


def test_overview_key_gives_each_numbered_point_its_whole_title(make_app, app_ratings):
    corpus = _corpus(app_ratings)
    at = make_app()
    [key] = [m.value for m in at.markdown if "each number is the article's rank" in m.value]
    shown = key.replace("\\", "")  # md() escapes markup characters
    for title in corpus.table["title"]:
        assert title in shown


# --- #15: the Weights page --------------------------------------------------------------------


def test_weights_page_names_presets_shortly_and_shows_each_question_whole(make_app, app_ratings):
    ratings = data.load(app_ratings)
    at = make_app("weights")
    at.selectbox(key="pick_rubric").select(HNR).run()
    no_exceptions(at)
    presets = [p for p in ratings.presets.values() if p.rubric == HNR]
    assert presets
    for preset in presets:
        button = at.button(key=f"preset_{preset.name}")
        assert HNR not in button.label and len(button.label) <= 24, button.label
    labels = [at.button(key=f"preset_{p.name}").label for p in presets]
    assert "Use: Equal weights" in labels
    [table] = [t.value for t in at.table if "question" in t.value.columns]
    questions = [q.replace("\\", "") for q in table["question"]]
    assert questions == [c.question for c in ratings.rubric(HNR).criteria.values()]
    assert {"weight now", "share of the total"} <= set(table.columns)
    # the bundled content farm states no number: its questions' shares are not those shown
    assert any("every question applies" in c.value for c in at.caption)


# --- #9: the agreement page -------------------------------------------------------------------


def test_agreement_page_glosses_each_measure_and_disables_a_button_with_nothing_to_do(
        make_app, app_ratings):
    at = make_app("agreement")
    at.selectbox(key="pick_rubric").select(HNR).run()
    no_exceptions(at)
    [glosses] = [m.value for m in at.markdown if "How to read the figures" in m.value]
    for term in ("Spearman rho", "AUC", "bootstrap", "in-sample", "Cross-validated"):
        assert term in glosses
    assert "numeric_accuracy" not in " ".join(m.value for m in at.markdown)
    fitted = data.load(app_ratings).presets["health-news-review-fitted"]
    for criterion, weight in fitted.weights.items():  # the sliders hold the fitted weights
        at.slider(key=f"w_{HNR}_{criterion}").set_value(weight)
    at.run()
    [button] = [b for b in at.button if b.label == "Use the fitted weights"]
    assert button.disabled
    at.slider(key=f"w_{HNR}_citations").set_value(fitted.weights["citations"] + 1).run()
    [button] = [b for b in at.button if b.label == "Use the fitted weights"]
    assert not button.disabled


# --- #16: the other rubric warmed once the first page is served -----------------------------


def test_serve_scores_the_other_rubrics_only_after_the_first_run(app_ratings, monkeypatch):
    from srcgrade.ui import serve, session

    scored: list[str | None] = []
    score = data.score_corpus
    monkeypatch.setattr(data, "score_corpus",
                        lambda ratings, rid: scored.append(rid) or score(ratings, rid))
    served = threading.Event()
    monkeypatch.setattr(serve, "_server_started", lambda: True)
    monkeypatch.setattr(serve, "_first_run_finished", served.is_set)
    warm = threading.Thread(target=serve._warm)
    warm.start()
    try:
        deadline = time.monotonic() + 30
        while not scored and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # time enough to go on, were it not waiting for a first run
        assert warm.is_alive()
        assert scored == [session.default_rubric_id(data.load(app_ratings))]
    finally:
        served.set()
        warm.join(timeout=60)
    assert sorted(scored) == sorted(data.load(app_ratings).rubrics)


def test_first_switch_to_the_other_rubric_scores_nothing_after_the_warm_up(app_ratings,
                                                                           monkeypatch):
    from streamlit.testing.v1 import AppTest

    from srcgrade.ui import session

    session.warm()
    session.warm_others()

    def must_not_score(*args, **kwargs):
        raise AssertionError("the switch scored the corpus again")

    monkeypatch.setattr(data, "score_corpus", must_not_score)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"),
                           default_timeout=60)
    at.run()
    at.selectbox(key="pick_rubric").select(HNR).run()
    no_exceptions(at)
    assert at.slider(key=f"w_{HNR}_no_mongering")  # the other rubric's sidebar, from the cache


def test_overview_gives_tied_articles_columns_of_their_own(make_app, app_ratings):
    """A corpus with the same text many times (a syndicated story) ties many articles at one
    rank; the question table's headers ran out of letters after ten and the page failed."""
    import yaml

    seed = app_ratings / "articles" / "vox-mdma-self-experience.yaml"
    doc = yaml.safe_load(seed.read_text(encoding="utf-8"))
    for copy in range(14):
        (app_ratings / "articles" / f"copy-{copy}.yaml").write_text(
            yaml.safe_dump({**doc, "id": f"copy-{copy}", "title": f"Copy {copy}"}),
            encoding="utf-8")
    at = make_app()
    no_exceptions(at)
    grid = _table(at, "question").value
    heads = list(grid.columns[1:])
    assert len(heads) == len(set(heads)) == 19
    assert "#1-15" in heads
