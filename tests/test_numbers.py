"""Numeric-claim extraction (issue 3): what must fire, what must not, and the invariants.

The tables follow proselint's example tables: each row names the case, so a failure says which
example broke. Expected values are what a reader sees in the sentence, not what the code computes.
"""

from __future__ import annotations

import time

import pytest
from helpers import seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srcgrade.detect.numbers import (
    extract_claims,
    previous_sentence,
    sentence_bounds,
    sentence_spans,
    time_points,
)

SEEDS = ("000", "001", "002", "003", "004")

# (text, [(claim text, value, unit, qualifier), ...]) -- every claim the text makes, in order.
MUST_FIRE = {
    "k of n after a lowercase 'no.'": (
        "The panel voted no. 10 of the 11 members said the risks were too high.",
        [("10 of the 11", 100 * 10 / 11, "percent", None)],
    ),
    "percent sign": ("In the trial, 67% of patients improved.", [("67%", 67, "percent", None)]),
    # round 19: a label word's full stop ends the sentence ("trial 95" was read as a label)
    "sentence-initial after 'trial.'": (
        "MDMA was tested against placebo in the first phase 3 trial. 95% of the MDMA group no "
        "longer met the criteria.",
        [("95%", 95, "percent", None)],
    ),
    "sentence-initial after 'study.'": (
        "More than 800 Mexican women were included in the study. Half were randomly selected to "
        "be in the treatment group.",
        [("More than 800 Mexican women", 800, "people", "over"), ("Half", 50, "percent", None)],
    ),
    "sentence-initial in words after 'study.'": (
        "It was run by the committee of the study. Nineteen sites across Europe took part.",
        [("Nineteen sites", 19, "count", None)],
    ),
    "after a week.": ("Pain eased within a week. 40% of patients slept better.",
                      [("40%", 40, "percent", None)]),
    # round 19: "<p>" opens an HTML paragraph; "p>67" is no p-value
    "HTML paragraph": (
        "<p>67% of participants no longer met the criteria.</p>",
        [("67%", 67, "percent", None)],
    ),
    "percent word": (
        "They made up 84 percent of the sample.",
        [("84 percent", 84, "percent", None)],
    ),
    "per cent": ("Some 12 per cent dropped out.", [("Some 12 per cent", 12, "percent", "about")]),
    "over": ("It cuts symptoms by over 50% at follow-up.", [("over 50%", 50, "percent", "over")]),
    "nearly": ("Nearly 70% of patients", [("Nearly 70%", 70, "percent", "nearly")]),
    "up to": ("up to 40 percent of people", [("up to 40 percent", 40, "percent", "up to")]),
    "more than": (
        "more than 90 participants",
        [("more than 90 participants", 90, "people", "over")],
    ),
    "people with demonym": (
        "PTSD affects over 50,000 Norwegians.",
        [("over 50,000 Norwegians", 50000, "people", "over")],
    ),
    "people with adjective": (
        "The researchers enlisted 90 study participants.",
        [("90 study participants", 90, "people", None)],
    ),
    "people in millions": (
        "over 5 million Americans",
        [("over 5 million Americans", 5_000_000, "people", "over")],
    ),
    "sample size": ("CAPS-5 change -24.4 (MDMA, n=42)", [("n=42", 42, "people", None)]),
    "count of studies": (
        "After six different phase 2 studies were published",
        [("six different phase 2 studies", 6, "count", None)],
    ),
    "count of sites": ("It ran at 15 sites.", [("15 sites", 15, "count", None)]),
    "half received": (
        "Half received therapy with MDMA and half received therapy with a placebo.",
        [("Half", 50, "percent", None), ("half", 50, "percent", None)],
    ),
    "two-thirds": (
        "Two-thirds no longer met the criteria.",
        [("Two-thirds", 66.67, "percent", None)],
    ),
    "a third of": ("A third of patients relapsed.", [("A third", 33.33, "percent", None)]),
    "one in five": ("about 1 in 5 adults", [("about 1 in 5", 20, "percent", "about")]),
    "one of many is a count, not a share": (
        "The hospital was one of 117 medical centers in the trial.",
        [("117 medical centers", 117, "count", None)],
    ),
    "x of y in words": ("four of six patients", [("four of six", 66.67, "percent", None)]),
    "x of y": (
        "76 of the 90 participants had developmental trauma.",
        [("76 of the 90", 84.44, "percent", None)],
    ),
    "roughly twice as much": (
        "reducing dysregulation roughly twice as much as placebo",
        [("roughly twice as much", 2, "ratio", "about")],
    ),
    "doubled": ("The response rate doubled.", [("doubled", 2, "ratio", None)]),
    "times as likely": ("three times as likely", [("three times as likely", 3, "ratio", None)]),
    "fold": ("a 3-fold increase", [("3-fold", 3, "ratio", None)]),
    "comparison": (
        "a response rate of 88%, compared to 60% with placebo plus therapy",
        [("88%", 88, "percent", None), ("60%", 60, "percent", None)],
    ),
    "versus": (
        "67% vs 32% at 18 weeks",
        [("67%", 67, "percent", None), ("32%", 32, "percent", None)],
    ),
    "range with dash": (
        "Some 20-30% of patients relapse.",
        [("Some 20-30%", 20, "percent", "about")],
    ),
    "range between": (
        "Between 20 and 30 participants dropped out.",
        [("Between 20 and 30 participants", 20, "people", None)],
    ),
    "range with the percent sign twice": (
        "Nausea affected 2%-10% of patients.",
        [("2%-10%", 2, "percent", None)],
    ),
    "range between, percent sign twice": (
        "between 5% and 15% of patients relapsed",
        [("between 5% and 15%", 5, "percent", None)],
    ),
    "a change from one percentage to another is two numbers": (
        "Response rose from 20% to 30% of patients.",
        [("20%", 20, "percent", None), ("30%", 30, "percent", None)],
    ),
    "year before study noun": (
        "A 2016 meta-analysis concluded that it works.",
        [("A 2016 meta-analysis", 2016, "year", None)],
    ),
    "year with two adjectives": (
        "a 2019 pooled analysis found 54%",
        [("a 2019 pooled analysis", 2019, "year", None), ("54%", 54, "percent", None)],
    ),
    "year after event verb": (
        "phase 3 (the final phase) was initiated in 2018.",
        [("initiated in 2018", 2018, "year", None)],
    ),
    "month-year after event verb": (
        "The FDA rejected it in August 2024.",
        [("rejected it in August 2024", 2024, "year", None)],
    ),
    "year opening a clause": (
        "In 2018, MAPS began phase 3 trials.",
        [("In 2018", 2018, "year", None)],
    ),
    "decade after event verb": (
        "studies were first initiated in the mid-2000s.",
        [("initiated in the mid-2000s", 2003, "year", None)],
    ),
    "relative year": (
        "FDA approval is expected this year.",
        [("approval is expected this year", 0, "relative_year", None)],
    ),
    "effect size": ("Cohen's d = 0.91", [("Cohen's d = 0.91", 0.91, "effect_size", None)]),
    "score points": ("CAPS-5 scores fell 24.4 points.", [("24.4 points", 24.4, "points", None)]),
}

MUST_NOT_FIRE = {
    "date, month first": "Sigal Samuel\n\nJanuary 29, 2024\n\nFinding the best ways to do good.",
    "date glued to next word": "Aug 24, 2023Prescription MDMA, more commonly known as ecstasy",
    "date, day first": "Published 29 January 2024 by the agency.",
    "ISO date": "Published 2024-01-29.",
    "date before a study noun": "On January 29, 2024 trial results were posted.",
    "slashed date": "Updated 29/01/2024.",
    "dateline month-year": "August 2024",
    "DOI": "doi:10.1038/s41591-021-01336-3",
    "DOI URL": "https://doi.org/10.1371/journal.pone.0295926",
    "URL path": "[V vox.com/future-perfect/24051647/x](https://www.vox.com/future-perfect/24051647/x)",
    "URL query": "see https://example.org/page?id=123&n=5",
    "query without scheme": "see example.org/list?page=42 participants",
    "URL path punctuation": "https://example.org/stats;84%",
    "timestamps": "([01:57:31](#t=01:57:31), [02:00:00](#t=02:00:00))",
    "timestamp in prose": "At 00:19:02 he said so.",
    "list markers": "1. First item\n2. Second item\n## 3. Results",
    "phone numbers": "Call (555) 123-4567 or +47 22 33 44 55.",
    "Phase 3 as a phase": "Phase 3 trials are underway.",
    "phase 2 as a phase": "in our phase 2, we did work with people",
    "phase three in words": "phase three trials",
    "chemical name": "MDMA, or 3,4-methylenedioxymethamphetamine, is an empathogen.",
    "scale names": "scored on the CAPS-5 and TAS-20 scales",
    "disease name": "during COVID-19",
    "receptor": "the 5-HT2A receptor",
    "trial registration": "NCT03537014",
    "p-value": "p < 0.0001",
    "p-value, no spaces": "(p>0.05) and (P=0.3) and, in a table cell, |p<0.01|",
    "abbreviated labels": "See Fig. 3, Vol. 2 and pp. 10 of No. 4.",
    "confidence interval": "95% CI 1.24 to 1.91",
    "citation year": "(Mitchell et al., 2021)",
    "journal volume and pages": "Nature Medicine 27:1025-1033 (2021).",
    "year without an event": "In 2019 he moved to Boston.",
    "duration": "She pioneered the field two decades ago.",
    "follow-up time point": "at 6-month follow-ups",
    "one of": "one of the world's top trauma experts",
    "half an hour": "It lasts half an hour.",
    "half-life": "the half-life of MDMA",
    "ordinal fraction word": "the third trial",
    "double-blind": "a double-blind trial",
    "vague magnitude": "as millions worldwide remain shackled by anguish",
    "bare numbers": "MDMA 46, placebo 44",
    "years in a span": "Deaths fell from 1996 to 2005 among participating women.",
    "times over a period": "They received acupuncture nine times over three weeks.",
    "end of a span of years": "on cocoa and stroke between 2001 and 2009, are scheduled to report",
    "version": "version 3.8.1",
    "number sign": "It was bill No. 5 of 20 on the docket.",
    "schedule": "MDMA is still a Schedule I substance.",
    "this year without event": "This year was hard.",
}


@pytest.mark.parametrize("name", list(MUST_FIRE))
def test_must_fire(name):
    text, expected = MUST_FIRE[name]
    claims = extract_claims(text)
    got = [(c.text, c.value, c.unit, c.qualifier) for c in claims]
    assert len(got) == len(expected), f"{name}: {got}"
    for (g_text, g_value, g_unit, g_qual), (e_text, e_value, e_unit, e_qual) in zip(
        got, expected, strict=True
    ):
        assert (g_text, g_unit, g_qual) == (e_text, e_unit, e_qual), f"{name}: {got}"
        assert g_value == pytest.approx(e_value, abs=0.01), f"{name}: {got}"


@pytest.mark.parametrize("name", list(MUST_NOT_FIRE))
def test_must_not_fire(name):
    claims = extract_claims(MUST_NOT_FIRE[name])
    assert claims == [], f"false positive on {name}: {[c.text for c in claims]}"


def test_ranges_keep_their_upper_end():
    [claim] = extract_claims("20 to 30 percent of adults")
    assert (claim.value, claim.high) == (20, 30)
    [both] = extract_claims("2%–10% of adults")
    assert (both.value, both.high) == (2, 10)
    [decade] = extract_claims("studies were first initiated in the mid-2000s")
    assert (decade.value, decade.high) == (2003, 2007)


def test_numbers_in_words_are_marked_approximate():
    half, digits = extract_claims("Half received MDMA; 51% of them responded.")
    assert half.approximate and not digits.approximate


@pytest.mark.parametrize("prefix", SEEDS)
def test_seed_claims_index_the_text_and_sit_in_their_sentence(prefix):
    text = seed_text(prefix)
    for claim in extract_claims(text):
        assert text[claim.start : claim.end] == claim.text
        s = claim.sentence_start
        assert text[s : s + len(claim.sentence)] == claim.sentence
        assert s <= claim.start and claim.end <= s + len(claim.sentence)
        assert "\n\n" not in claim.sentence


def test_no_seed_claim_comes_from_a_date_timestamp_or_identifier():
    """The seeds are full of traps: a dateline, a URL, 30 podcast timestamps, a chemical name."""
    texts = " ".join(c.text for p in SEEDS for c in extract_claims(seed_text(p)))
    for trap in ("2024-01", "29", "01:", "3,4", "24051647", "Phase 3", "phase 3", "CAPS"):
        assert trap not in texts


# --- sentences and time points -----------------------------------------------------------------


def test_sentence_bounds_skip_abbreviations_and_stop_at_headings():
    text = "### Clinical Trial Success\n\nIt worked, e.g. 67% vs. 32% at 18 weeks. Next one here."
    start = text.index("67%")
    s, e = sentence_bounds(text, start, start + 3)
    assert text[s:e] == "It worked, e.g. 67% vs. 32% at 18 weeks."
    before = previous_sentence(text, s)
    assert before is not None and text[before[0] : before[1]] == "### Clinical Trial Success"
    assert previous_sentence(text, 0) is None


def test_sentence_spans_cover_every_sentence_once():
    text = "One sentence. Another one!\nA heading\n\nLast line without a stop"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "One sentence.",
        "Another one!",
        "A heading",
        "Last line without a stop",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Furthermore, one year later, 67% no longer met criteria.", [("one year later", 52.2)]),
        ("67% vs 32% at 18 weeks", [("at 18 weeks", 18.0)]),
        ("two months after the last session", [("two months after", 8.7)]),
        ("cuts symptoms by over 50% at 6-month follow-ups", [("at 6-month follow-ups", 26.1)]),
        ("They had PTSD for 17 years; sessions were a month apart.", []),
    ],
)
def test_time_points(sentence, expected):
    got = [(said, round(weeks, 1)) for said, weeks in time_points(sentence)]
    assert got == expected


# --- properties and speed ----------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "67%", "84 percent", "over", "nearly", "about", "half", "two-thirds", "twice", "as much",
        "90", "participants", "Norwegians", "2016", "meta-analysis", "initiated in", "this year",
        "expected", "January 29,", "2024-01-29", "01:57:31", "Phase 3", "3,4-", "doi:10.1/x",
        "n =", "d =", "0.91", "-", "to", "and", "between", "of", ".", ",", "\n", "(", ")", "%",
        "MDMA", "placebo", "vs.", "1.", "##", "mid-", "2000s", "one", "in", "five", "x", "fold",
    ]
)  # fmt: skip
_NUMBERY = st.lists(_TOKENS, max_size=40).map(" ".join)


def _check_invariants(text: str) -> None:
    for claim in extract_claims(text):
        assert text[claim.start : claim.end] == claim.text
        s = claim.sentence_start
        assert text[s : s + len(claim.sentence)] == claim.sentence
        assert s <= claim.start <= claim.end <= s + len(claim.sentence)
        assert claim.value == claim.value  # not NaN


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_extracts_without_error_and_spans_index_it(text):
    _check_invariants(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NUMBERY)
def test_number_heavy_text_extracts_without_error_and_spans_index_it(text):
    _check_invariants(text)


@pytest.mark.parametrize(
    "text",
    [
        "1" * 20_000,
        "1," * 10_000,
        "over " * 5_000 + "50%",
        "a " * 20_000,
        "2018 " * 5_000,
        "initiated in " * 3_000 + "2018",
        ("." * 5000) + " 67%",
        "half of " * 3_000,
        "x" * 50_000 + " 50%",
    ],
    ids=[
        "digits",
        "commas",
        "qualifiers",
        "words",
        "years",
        "event verbs",
        "dots",
        "fractions",
        "long",
    ],
)
def test_pathological_inputs_finish_quickly(text):
    """No catastrophic backtracking: each of these takes milliseconds, a bad regex takes minutes."""
    started = time.perf_counter()
    _check_invariants(text)
    assert time.perf_counter() - started < 2.0


def test_extraction_is_fast_enough_for_large_corpora():
    """The issue asks for > 2,000 articles/s on 4 KB articles; this only guards against a
    regression by an order of magnitude, since shared test machines vary."""
    blob = "\n".join(seed_text(p) for p in SEEDS)
    articles = [blob[i : i + 4096] for i in range(0, len(blob) - 4096, 2048)]
    started = time.perf_counter()
    for _ in range(5):
        for article in articles:
            extract_claims(article)
    per_second = 5 * len(articles) / (time.perf_counter() - started)
    assert per_second > 300, f"{per_second:.0f} articles/s"
