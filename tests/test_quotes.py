"""Quotation spans (``srcgrade.detect.quotes``): which marks pair, within what, on real sentences.

The C scanner's ``quote_spans`` is compared with the pure one on random texts in test_c_scan.py;
here every case runs on both paths where the C scanner is built.
"""

from __future__ import annotations

import pytest

from srcgrade import c_trie
from srcgrade.detect.quotes import QuoteSpans, quote_spans

PATHS = [False] + ([True] if c_trie.built() is not None else [])


def quoted(text: str, in_c: bool) -> list[str]:
    return [text[start:end] for start, end in QuoteSpans(text, in_c).spans]


@pytest.mark.parametrize("in_c", PATHS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("No quotation here.", []),
        # British usage: single curly quotes
        ("Doctors called it a \u2018breakthrough\u2019 in care.", ["\u2018breakthrough\u2019"]),
        ("Researchers say erenumab is \u2018incredibly important step forward\u2019 for migraine.",
         ["\u2018incredibly important step forward\u2019"]),
        # an apostrophe inside is no closing mark
        ("A user puts in a negative thought, like \u2018I\u2019m stupid,\u2019 and sends it.",
         ["\u2018I\u2019m stupid,\u2019"]),
        # apostrophes are no quotation: \u2018 after a letter or before a space does not open
        ("The patients\u2019 doctors don\u2019t agree.", []),
        # a known limit: \u2018 misused for the apostrophe, then a plural possessive (none in the
        # HNR texts, whose 27 new single-quote pairs are all quotations)
        ("In the \u201890s, patients\u2019 outcomes improved.", ["\u201890s, patients\u2019"]),
        ("It\u2018s the patients\u2019 choice.", []),
        # nested double quotes in British single quotes
        ("\u2018He called it a \u201cmiracle\u201d,\u2019 she said.",
         ["\u2018He called it a \u201cmiracle\u201d,\u2019"]),
        # doubled apostrophes (wire copy)
        ("He does not expect the new drug to be a ''game-changer.''", ["''game-changer.''"]),
        ("Patients ''would be thrilled'' to skip chemo, she said.", ["''would be thrilled''"]),
        ("The patients'' rooms", []),
    ],
)
def test_marks(text, expected, in_c):
    assert quoted(text, in_c) == expected
    assert quote_spans(text) == QuoteSpans(text, in_c).spans


@pytest.mark.parametrize("in_c", PATHS)
def test_a_quotation_runs_on_across_a_wrapped_line(in_c):
    text = ('The director said the results were "a real breakthrough for\npatients, a '
            'game-changer," and left.')
    assert quoted(text, in_c) == ['"a real breakthrough for\npatients, a game-changer,"']


@pytest.mark.parametrize("in_c", PATHS)
@pytest.mark.parametrize("brk", ["\n\n", "\n", "\r\n\r\n", "\n \n"])
def test_a_paragraph_ends_an_open_quotation(brk, in_c):
    """A stray mark does not make the next paragraph quoted: a blank line, or a single line break
    after a finished sentence, ends the paragraph."""
    text = f'He is 6" tall.{brk}It is a miracle cure, "she said" nothing.'
    assert quoted(text, in_c) == ['"she said"']


@pytest.mark.parametrize("in_c", PATHS)
@pytest.mark.parametrize("mark", [("\u201c", "\u201d"), ('"', '"'), ("\u2018", "\u2019")])
def test_a_quotation_of_several_paragraphs(mark, in_c):
    """The convention for a long quotation: no closing mark at the end of a paragraph, an opening
    mark at the start of the next (a real release, news_reviews_00494)."""
    o, c = mark
    text = (
        f"Dr Smith, of Parkinson's UK, said:\n\n{o}People affected by Parkinson's have said that "
        "preventing falls is the biggest unmet need, other than finding a cure.\n\n"
        f"{o}Things that may be simple to us become a challenge.{c}\n\nThe study was small."
    )
    (span,) = quoted(text, in_c)
    assert span.startswith(f"{o}People") and span.endswith(f"challenge.{c}")
    # without the opening mark in the next paragraph it was no quotation
    cut = text.replace(f"\n\n{o}Things", "\n\nThings")
    assert quoted(cut, in_c) == []
