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
