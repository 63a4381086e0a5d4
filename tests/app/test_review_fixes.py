"""The reviewer's dashboard defects: experts shown only under their rubric, weight links that are
out of range, n/a in radars, text clipped at 1280 px, and Score your own's rank line and titles."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from app_helpers import REPO, no_exceptions, ranking

from srcgrade.ui import charts, data, views

HNR = "health-news-review"
VOX = "vox-mdma-self-experience"


def _reveal(at) -> None:
    for radio in [r for r in at.radio if r.key and r.key.startswith("class_")]:
        radio.set_value(2)
    at.button[[b.label for b in at.button].index(
        "Reveal the machine's and the experts' ratings")].click().run()


def _with_rubric(at, rubric_id: str):
    at.selectbox(key="pick_rubric").select(rubric_id).run()
    no_exceptions(at)
    return at


def _figures(at) -> dict[str, dict]:
    """The plotly figures of a page by key, as the browser receives them."""
    return {c.proto.id.split("-")[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


# --- 1: expert ratings only under the rubric they were made against --------------------------


def test_expert_ratings_are_shown_only_under_their_own_rubric(make_app):
    core = make_app("article", article=VOX)
    assert any("Expert rating: level" in m.value for m in core.markdown)
    hnr = _with_rubric(make_app("article", article=VOX), HNR)
    assert not any("Expert rating: level" in m.value for m in hnr.markdown)
    assert any("against the “core” rubric" in c.value for c in hnr.caption)
    [glance] = [d.value for d in hnr.dataframe if "expert level" in d.value.columns]
    assert set(glance["expert level"]) == {"—"}


def test_classroom_compares_with_the_expert_only_under_the_experts_rubric(make_app):
    core = make_app("classroom", article=VOX)
    _reveal(core)
    [table] = [d.value for d in core.dataframe if "machine" in d.value.columns]
    assert "you vs expert" in table.columns
    hnr = _with_rubric(make_app("classroom", article=VOX), HNR)
    _reveal(hnr)
    no_exceptions(hnr)
    [table] = [d.value for d in hnr.dataframe if "machine" in d.value.columns]
    assert "expert" not in table.columns and "you vs expert" not in table.columns
    assert any("against the “core” rubric" in c.value for c in hnr.caption)
    assert not any("Expert rating: level" in m.value for m in hnr.markdown)


# --- 2: a shared weight link the slider cannot take is clamped or refused, with a word ------


@pytest.mark.parametrize(("raw", "expected", "said"), [
    ("3.5", 3.0, "w_citations=3.5 is above the slider's range (0-3): set to 3"),
    ("abc", None, "w_citations=abc is not a number"),
    ("-1", None, "w_citations=-1 is below 0"),
])
def test_a_weight_link_out_of_range_is_clamped_or_refused_with_a_warning(make_app, app_ratings,
                                                                         raw, expected, said):
    default = data.load(app_ratings).rubric().criteria["citations"].weight
    at = make_app(w_citations=raw)
    no_exceptions(at)
    assert at.slider(key="w_citations").value == pytest.approx(expected or default)
    assert any(said in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_link_with_a_mistyped_rubric_or_weight_says_so_with_a_guess(make_app):
    """'?rubric=health-news-reviw' opened the core rubric and '?w_citatons=2' was dropped,
    without a word: a teacher's shared link failed unseen."""
    at = make_app(**{"rubric": "health-news-reviw", "w_citatons": "2"})
    no_exceptions(at)
    said = " ".join(w.value for w in at.warning)
    assert "rubric=health-news-reviw is not one of the choices here" in said
    assert "did you mean 'health-news-review'? showing core instead" in said
    assert "w_citatons is not a weight of this rubric; did you mean 'w_citations'?" in said
    # another rubric's weights, kept in a link when the rubric changed, are not strays
    other = make_app(**{"w_health-news-review_hype": "2"})
    assert not any("not a weight" in w.value for w in other.warning)


def test_a_weight_link_in_range_says_nothing(make_app):
    at = make_app(w_citations="2")
    assert at.slider(key="w_citations").value == pytest.approx(2.0)
    assert not any("w_citations" in w.value for w in at.warning)


# --- 3: a criterion that does not apply is a gap labelled n/a, never a spoke to 0 -----------


def test_a_radar_leaves_a_criterion_that_does_not_apply_out_of_the_polygon():
    labels = {f"c{i}": f"Criterion {i}" for i in range(5)}
    values = {c: 50.0 for c in labels} | {"c2": None}
    fig = charts.radar([("This article", values), ("Corpus average", dict.fromkeys(labels, 60.0))],
                       labels)
    mine = [t for t in fig.data if t.legendgroup == "series0"]
    assert all(isinstance(t, go.Scatterpolar) for t in mine)
    assert all(None not in t.r and 0 not in t.r for t in mine)  # no point at the centre
    drawn = {theta for t in mine for theta in t.theta}
    assert not any(theta.startswith("Criterion 2") for theta in drawn)
    assert all(t.fill == "none" for t in mine)  # a fill would close it through the centre
    assert sum(t.showlegend for t in mine) == 1
    [axis] = [n for n in fig.layout.polar.angularaxis.categoryarray if n.startswith("Criterion 2")]
    assert "n/a" in axis


def test_a_whole_radar_is_one_closed_filled_polygon():
    labels = {f"c{i}": f"Criterion {i}" for i in range(4)}
    fig = charts.radar([("a", dict.fromkeys(labels, 40.0))], labels)
    [trace] = fig.data
    assert trace.fill == "toself" and len(trace.r) == 5 and trace.theta[0] == trace.theta[-1]


# --- 4: text that was clipped at 1280 px -------------------------------------------------------


@pytest.mark.parametrize(("page", "query"), [("article", {}), ("compare", {})])
def test_the_rings_note_is_a_caption_under_the_radar_not_inside_it(make_app, page, query):
    at = make_app(page, **query)
    assert any(c.value == charts.RINGS_NOTE for c in at.caption)
    for spec in _figures(at).values():
        notes = [a.get("text", "") for a in spec.get("layout", {}).get("annotations", [])]
        assert not any("Rings" in n for n in notes)


def test_compare_radar_legend_is_stacked_below_in_short_lines(make_app):
    at = make_app("compare")
    [spec] = [s for s in _figures(at).values()
              if any(t.get("type") == "scatterpolar" for t in s["data"])]
    legend = spec["layout"]["legend"]
    assert legend["orientation"] == "v" and legend["y"] < 0
    names = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    lines = [line for n in names for line in n.split("<br>")]
    assert lines and all(len(line) <= charts.LEGEND_CHARS for line in lines), lines


def test_legend_lines_break_at_words_and_say_when_cut():
    title = "Why does MDMA work for PTSD? A new study yields clues about psychedelics and trauma"
    lines = charts._legend_lines(title)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(len(line) <= charts.LEGEND_CHARS for line in lines)
    assert all(word in title.split() for line in lines for word in line.rstrip("…").split())


def test_overview_download_buttons_sit_in_a_row_sized_to_their_labels(make_app):
    at = make_app()
    [row] = [b for b in at.main.children.values()
             if type(b).__name__ == "Block" and "downloads" in b.proto.id]
    assert row.proto.flex_container.direction == row.proto.flex_container.HORIZONTAL
    labels = [c.proto.label for c in row.children.values()]
    assert labels == ["Download CSV", "Download JSON"]


# --- 5: Score your own: the rank line, a long first line as title, an HTML page's title -----


def test_rank_sentence_reads_well_at_either_end_and_between():
    totals = pd.Series([20.0, 40.0, 60.0, 80.0, 90.0])
    assert views.rank_sentence(10.0, totals, 6) == (
        "It would rank **last (#6)**, below all 5 articles of the collection.")
    assert views.rank_sentence(95.0, totals, 1) == (
        "It would rank **#1**, above all 5 articles of the collection.")
    assert views.rank_sentence(50.0, totals, 4) == (
        "It would rank **#4 of 6**: above 2 of the 5 articles.")


def test_score_your_own_says_last_rather_than_above_0(make_app):
    at = make_app("score_your_own")
    at.text_area(key="own_text").set_value("Miracle cure! Buy now! " * 40).run()
    no_exceptions(at)
    lines = [m.value for m in at.markdown if "would rank" in m.value]
    assert lines and not any("above 0 of them" in line for line in lines), lines
    assert any("below all 5 articles" in line for line in lines), lines


def test_a_long_first_line_becomes_a_title_cut_at_a_word(make_app):
    first = ("Researchers at the university used a new kind of brain scan to help pinpoint people "
             "who are most likely to benefit from the therapy")
    at = make_app("score_your_own")
    at.text_area(key="own_text").set_value(first + "\n\n" + "The trial was small. " * 30).run()
    [title] = [t.value for t in at.text_input if t.key and t.key.startswith("own_title_")]
    assert title.endswith("…") and len(title) <= 90
    assert first.startswith(title[:-1]) and first[len(title) - 1] == " "


def test_an_uploaded_page_is_titled_by_its_html_title(make_app):
    page = (b"<!doctype html><html><head><title>MDMA therapy &amp; PTSD: what the trial "
            b"found</title></head><body><article><p>" + b"The trial was small but careful. " * 40
            + b"</p></article></body></html>")
    at = make_app("score_your_own")
    at.radio(key="own_source").set_value("Upload a file").run()
    at.file_uploader(key="own_upload").upload("a.html", page, "text/html").run()
    no_exceptions(at)
    [title] = [t.value for t in at.text_input if t.key and t.key.startswith("own_title_")]
    assert title == "MDMA therapy & PTSD: what the trial found"


def test_a_pasted_collection_article_is_scored_as_the_collection_scores_it(make_app):
    """Its own vox.com link is no citation when the address is known (as `srcgrade score` on the
    file gives): the pasted text gets the collection's scores, not a stranger's."""
    text = (REPO / "ratings/articles/texts/000_vox-mdma-self-experience.txt").read_text()
    at = make_app("score_your_own")
    at.text_area(key="own_text").set_value(text).run()
    no_exceptions(at)
    [info] = [i.value for i in at.info]
    assert "already in the collection" in info and "Why does MDMA work for PTSD?" in info
    [link] = at.get("page_link")
    assert link.proto.query_string == "article=vox-mdma-self-experience"
    assert not [h for h in at.subheader if h.value == "Add it to the collection"]
    # Ranked against the other four, as the Overview ranks it.
    overview = make_app("overview")
    order = ranking(overview)
    position = next(i for i, t in enumerate(order) if t.startswith("Why does MDMA work")) + 1
    lines = [m.value for m in at.markdown if "would rank" in m.value]
    assert lines and f"#{position}" in lines[0], (lines, order)


def test_a_slightly_edited_collection_article_is_a_new_text(make_app):
    text = (REPO / "ratings/articles/texts/000_vox-mdma-self-experience.txt").read_text()
    at = make_app("score_your_own")
    at.text_area(key="own_text").set_value(text + "\nA line of my own.").run()
    no_exceptions(at)
    assert not [i for i in at.info if "already in the collection" in i.value]
    assert [h for h in at.subheader if h.value == "Add it to the collection"]
