"""Quotation spans (``srcgrade.detect.quotes``): which marks pair, within what, on real sentences.

The C scanner's ``quote_spans`` is compared with the pure one on random texts in test_c_scan.py;
here every case runs on both paths where the C scanner is built.
"""

from __future__ import annotations

import pytest

from srcgrade import c_trie
from srcgrade.detect.quotes import QuoteSpans, quote_spans
from srcgrade.engine import make_scorer

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
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # British and web usage: straight single quotes, apostrophes inside (round 19)
        ("Dr Smith said: 'It's a breakthrough, and it's safe.' Others disagreed.",
         ["'It's a breakthrough, and it's safe.'"]),
        ("Kennedy Institute's Professor Kim Midwood said: 'What is particularly exciting is "
         "that we could see these antibodies.'",
         ["'What is particularly exciting is that we could see these antibodies.'"]),
        ("'There are women who are alive today because of this drug,' says a professor.",
         ["'There are women who are alive today because of this drug,'"]),
        ("It is time to move from a 'one size fits all' approach.", ["'one size fits all'"]),
        ("(the 'up' phase), and ('significant response' was defined",
         ["'up'", "'significant response'"]),
        ("He said 'no' to it.", ["'no'"]),
        # nested in double quotes: the outer quotation holds it
        ('"I thought, \'Did he just fall?\' ... Even before," Forcade said.',
         ['"I thought, \'Did he just fall?\' ... Even before,"']),
        # apostrophes: contractions, possessives (patients' is a closing candidate, but nothing
        # opened), O'Brien, a lone one
        ("It's the patients' choice, and they don't agree; Jones' study was a miracle.", []),
        ("Peggy O'Brien-Murphy called it a 'lone apostrophe, a breakthrough.", []),
        # ' opens only after a space, a bracket, a dash or a double quote: not after a full stop
        # or a symbol (U.K.'s, Inc.'s, Proove\u00ae's)
        ("a study from the U.K.'s University of Cambridge found the patients' lives improved",
         []),
        ("Proove\u00ae's patented platform is a breakthrough, the patients' doctors say.", []),
        # not before a digit (the '90s) or an elided word (clitics set apart by a tokenizer,
        # 'em, rock 'n' roll, 'tis)
        ("In the '90s, patients' outcomes improved.", []),
        ("Novartis AG 's Gilenya, so far the only oral MS drug, is a miracle, patients' say.", []),
        ("I can feel pressure onto 'em, throughout my legs, a breakthrough for patients' lives.",
         []),
        ("Rock 'n' roll and 'Tis the season for miracle cures, Jones' study says.", []),
        # a known limit: a plural possessive inside closes the quotation early (the rest is
        # counted as the author's, as before round 19; never more than the quotation)
        ("'The patients' lives are at stake,' he said.", ["'The patients'"]),
        # doubled apostrophes are still one mark
        ("''The future is bright'' for gene tests, he said.", ["''The future is bright''"]),
    ],
)
def test_straight_single_quotes(text, expected, in_c):
    assert quoted(text, in_c) == expected
    assert quote_spans(text) == QuoteSpans(text, in_c).spans


def test_hype_in_straight_single_quotes_is_reported(ratings):
    """The same words count as reported in straight single quotes as in double or curly ones."""
    scorer = make_scorer(ratings)
    for o, c in (("'", "'"), ('"', '"'), ("\u2018", "\u2019")):
        text = f"Dr Smith said: {o}It's a breakthrough, and it's safe.{c} Others disagreed."
        (hype,) = [f for f in scorer.findings(text) if f.text == "breakthrough"]
        assert hype.quoted, (o, c)
    text = "It's a breakthrough for the patients' families, and it's safe."
    (hype,) = [f for f in scorer.findings(text) if f.text == "breakthrough"]
    assert not hype.quoted


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
@pytest.mark.parametrize(
    "mark", [("\u201c", "\u201d"), ('"', '"'), ("\u2018", "\u2019"), ("'", "'")]
)
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
