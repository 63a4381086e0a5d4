"""srcgrade.ui.data's pure helpers for table cells: the words around a number, and a source's
citation without the DOI a neighbouring link already gives."""

from __future__ import annotations

import pytest

from srcgrade.ui import data

VOX_SENTENCE = (
    "Not only were participants with early childhood trauma allowed into the study, they made up "
    "84 percent of the sample — and they responded very well to treatment."
)


def around(sentence: str, number: str, words: int = 8) -> str:
    start = sentence.index(number)
    before, found, after = data.words_around(sentence, start, start + len(number), words)
    assert found == number
    return f"{before}[{found}]{after}"


def test_a_long_sentence_is_cut_to_the_words_around_its_number():
    assert around(VOX_SENTENCE, "84 percent", words=4) == (
        "…study, they made up [84 percent] of the sample —…")


@pytest.mark.parametrize(("sentence", "number", "shown"), [
    ("Half received therapy with MDMA.", "Half", "[Half] received therapy with MDMA."),
    ("The rate (84%) fell.", "84%", "The rate ([84%]) fell."),
    ("It fell by 84%", "84%", "It fell by [84%]"),
])
def test_a_short_sentence_is_shown_whole_with_its_punctuation(sentence, number, shown):
    assert around(sentence, number) == shown


@pytest.mark.parametrize(("source", "citation"), [
    ("Mitchell et al. 2021, Nat Med, doi:10.1038/s41591-021-01336-3",
     "Mitchell et al. 2021, Nat Med"),
    ("Amoroso 2016; https://doi.org/10.1177/0269881116642542", "Amoroso 2016"),
    ("FDA briefing document, 2024", "FDA briefing document, 2024"),
    (None, ""),
])
def test_the_citation_is_kept_and_the_doi_dropped(source, citation):
    assert data.citation_without_doi(source) == citation


def test_a_claim_two_studies_support_links_each_citation_to_its_own_doi():
    from srcgrade.ui.views import source_cell

    one = "Mitchell et al. 2021, Nat Med, doi:10.1038/s41591-021-01336-3"
    two = "Mitchell et al. 2023, Nat Med, doi:10.1038/s41591-023-02565-4"
    cell = source_cell(f"{one} or {two}")
    assert cell == (
        r"[Mitchell et al\. 2021, Nat Med](https://doi.org/10.1038/s41591-021-01336-3) or "
        r"[Mitchell et al\. 2023, Nat Med](https://doi.org/10.1038/s41591-023-02565-4)"
    )
    assert source_cell(one).count("https://doi.org/") == 1


def test_an_article_with_no_total_is_labelled_so_on_the_totals_chart(ratings):
    """Weights that leave only numeric accuracy, which the content-farm page has no checkable
    number for: its bar said "NaN"."""
    from srcgrade.ui import charts

    corpus = data.score_corpus(ratings, None)
    weights = {c: 0.0 for c in corpus.criteria} | {"numeric_accuracy": 3.0}
    ranked = data.ranked(corpus.table, weights)
    assert ranked["total"].isna().any()
    figure = charts.totals_bar(ranked[["title", "total", "genre"]])
    labels = [text for trace in figure.data for text in trace.text]
    assert charts.NO_TOTAL in labels
    assert not any("nan" in text.lower() for text in labels)
    assert len(labels) == len(ranked)


# --- charts that fit a 390 px phone screen as well as 1280 px --------------------------------


def _phone_charts(ratings):
    """The four charts the phone review named, built from the bundled corpus."""
    from srcgrade import weigh
    from srcgrade.ui import charts

    corpus = data.score_corpus(ratings, None)
    ranked = data.ranked(corpus.table, corpus.rubric.default_weights())
    points = data.axes(ranked, corpus.criteria).assign(rank=ranked["rank"])
    ranges = weigh.rank_ranges(ranked, corpus.criteria, draws=50)
    ranges["title"] = ranges.index.map(dict(zip(ranked["id"], ranked["title"], strict=True)))
    return ranked, {
        "totals": charts.totals_bar(ranked[["title", "total", "genre"]]),
        "tone": charts.evidence_tone(points),
        "genres": charts.genre_strip(data.long_scores(ranked, corpus.rubric)),
        "ranges": charts.rank_ranges_chart(ranges),
    }


def test_legends_sit_under_the_charts_side_by_side(ratings):
    """Beside the plot the genre legend sat over the bars at 390 px and took half the width of
    Compare's chart: under it, horizontal, each chart keeps the whole width for its plot, with
    the room the legend needs kept below the axis title."""
    _, figures = _phone_charts(ratings)
    for name, fig in figures.items():
        legend = fig.layout.legend
        placed = (legend.orientation, legend.yref, legend.y, legend.x)
        assert placed == ("h", "container", 0, 0), name
        assert fig.layout.margin.b >= 70 + 26, name


def test_article_titles_on_bar_axes_are_two_short_lines_and_whole_in_the_hover(ratings):
    """One line of up to 48 characters took most of a phone's width and was cut at its edge."""
    import html

    from srcgrade.ui import charts

    ranked, figures = _phone_charts(ratings)
    for name in ("totals", "ranges"):
        fig = figures[name]
        bars = [t for t in fig.data if t.type == "bar"]
        labels = [y for trace in bars for y in trace.y]
        assert len(set(labels)) == len(labels) == len(ranked), name
        for text in labels:
            lines = text.split("<br>")
            assert len(lines) <= 2 and all(len(html.unescape(x)) <= charts.TITLE_CHARS
                                           for x in lines), text
        hover = " ".join(str(c) for trace in fig.data for c in (trace.customdata or ()))
        for title in ranked["title"]:
            assert charts.label(title, 200) in hover, title


def test_corner_captions_are_short_enough_for_half_a_phone_screen(ratings):
    """The two captions of a row ran into each other at 390 px (about 160 px each)."""
    _, figures = _phone_charts(ratings)
    corners = figures["tone"].layout.annotations
    assert len(corners) == 4
    assert all(len(line) <= 16 for a in corners for line in a.text.split("<br>"))


def test_unique_labels_keep_two_articles_that_shorten_alike_apart():
    from srcgrade.ui import charts

    same = "A very long title that is shortened to the same two lines either way, part "
    labels = charts.unique_labels([charts.title_label(same + "one"),
                                   charts.title_label(same + "two")])
    assert len(set(labels)) == 2
