"""Invariants over any text (hypothesis): no errors, scores in range, spans exact, hype monotone."""

from __future__ import annotations

from helpers import RATINGS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer

SCORER = make_scorer(load_ratings(RATINGS))
HYPE_TERMS = sorted(
    {t for lex in SCORER.matcher.entries if lex.kind == "hype" for t in lex.terms if '"' not in t}
)
# Prose-like text: words, punctuation, quotes, digits and any unicode now and then.
WORDS = st.sampled_from(
    [
        "the",
        "study",
        "patients",
        "may",
        "suggests",
        "breakthrough",
        '"',
        "“",
        "”",
        "50%",
        "2019",
        "\n",
        ".",
        ",",
        "experts",
        "say",
        "published",
        "in",
        "Nature",
        "doi:10.1/x",
        "cure",
        "-",
    ]
)
PROSE = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=120).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROSE)
def test_any_text_scores_in_range_with_exact_spans(text):
    result = SCORER.score(text)
    assert result.total is None or 0 <= result.total <= 100
    for criterion in result.criteria.values():
        assert criterion.score is None or 0 <= criterion.score <= 100
        for finding in criterion.findings:
            assert text[finding.start : finding.end] == finding.text
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text):
    SCORER.score(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROSE, st.sampled_from(HYPE_TERMS), st.data())
def test_adding_a_hype_term_outside_quotes_never_raises_the_hype_score(text, term, data):
    text = text.replace('"', "").replace("“", "").replace("”", "")
    cut = data.draw(st.integers(0, len(text)))
    while 0 < cut < len(text) and not text[cut - 1].isspace():
        cut -= 1  # insert between words, not inside one
    before = SCORER.score(text).criteria["hype"].score
    after = SCORER.score(f"{text[:cut]} {term} {text[cut:]}").criteria["hype"].score
    assert after <= before + 1e-9
