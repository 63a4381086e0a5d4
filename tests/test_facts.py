"""The fact ledger and the verdicts (issue 3): seeds, altered copies, broken ledgers, properties.

The seed table below was written from ../shared/research/mdma-ptsd-facts.md before the matching
code, claim by claim, as a careful reader would judge each number; the code was then made to pass
it. Each row says why.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import RATINGS, seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srcgrade.detect.numbers import extract_claims
from srcgrade.facts import Ledger, check_claims, load_ledger
from srcgrade.model import VERDICTS

LEDGER, LEDGER_PROBLEMS = load_ledger(RATINGS / "facts", RATINGS)
# Article dates from the seeds' README (and ratings/articles/*.yaml); the others are undated.
DATES = {"000": dt.date(2024, 1, 29), "001": dt.date(2023, 8, 24)}

MAPP1_DOI = "doi:10.1038/s41591-021-01336-3"


def check(text: str, date: dt.date | None = None, ledger: Ledger = LEDGER):
    return check_claims(extract_claims(text), text, ledger, date)


# --- the shipped ledger encodes the facts file -------------------------------------------------


def test_the_bundled_ledger_loads_without_problems():
    assert LEDGER_PROBLEMS == []
    assert len(LEDGER) > 50


# (value, unit, DOI, status) of figures stated in mdma-ptsd-facts.md; each must be in the ledger.
FACTS_FILE = [
    (90, "people", "10.1038/s41591-021-01336-3", "verified"),  # MAPP1 n
    (67, "percent", "10.1038/s41591-021-01336-3", "verified"),  # no longer met criteria
    (32, "percent", "10.1038/s41591-021-01336-3", "verified"),
    (88, "percent", "10.1038/s41591-021-01336-3", "secondary"),  # response, secondary
    (0.91, "effect_size", "10.1038/s41591-021-01336-3", "verified"),
    (65.5, "percent", "10.1038/s41591-021-01336-3", "verified"),  # SSRI history
    (104, "people", "10.1038/s41591-023-02565-4", "verified"),  # MAPP2 n
    (71.2, "percent", "10.1038/s41591-023-02565-4", "secondary"),
    (46.2, "percent", "10.1038/s41591-023-02565-4", "secondary"),  # remission
    (9.4, "percent", "10.1038/s41591-023-02565-4", "verified"),  # severe adverse events
    (84.4, "percent", "10.1371/journal.pone.0295926", "verified"),  # developmental trauma
    (87.8, "percent", "10.1371/journal.pone.0295926", "verified"),  # multiple traumas
    (2016, "year", "10.1177/0269881116642542", "verified"),  # Amoroso & Workman
    (1.17, "effect_size", "10.1177/0269881116642542", "verified"),
    (54.2, "percent", "10.1007/s00213-019-05249-5", "retracted"),  # pooled phase 2
    (103, "people", "10.1007/s00213-019-05249-5", "retracted"),
    (56, "percent", "10.1007/s00213-020-05548-2", "retracted"),  # long-term follow-up
    (67, "percent", "10.1007/s00213-020-05548-2", "retracted"),
    (20, "people", "10.1177/0269881110378371", "verified"),  # first randomized trial
]


@pytest.mark.parametrize(("value", "unit", "doi", "status"), FACTS_FILE)
def test_every_figure_of_the_facts_file_is_in_the_ledger(value, unit, doi, status):
    found = [f for f in LEDGER if f.value == value and f.unit == unit and f.source.doi == doi]
    assert found, f"{value} {unit} from {doi} is missing"
    assert {f.status for f in found} == {status}


def test_the_regulatory_timeline_is_in_the_ledger_and_the_expectation_is_superseded():
    years = {(f.value, f.source.key) for f in LEDGER if f.unit == "year"}
    assert {(2017, "maps-timeline"), (2018, "mapp1"), (2024, "fda-crl-2024")} <= years
    expected = [f for f in LEDGER if f.superseded_by]
    assert expected and all(LEDGER.facts[f.superseded_by].value == 2024 for f in expected)


def test_citations_read_as_in_the_issue():
    assert LEDGER.facts["mapp1-no-longer-met-mdma"].source.citation() == (
        "Mitchell et al. 2021, Nat Med, " + MAPP1_DOI
    )
    assert (
        LEDGER.facts["amoroso2016-published"]
        .source.citation()
        .startswith("Amoroso & Workman 2016, J Psychopharmacol")
    )


def test_retracted_papers_carry_only_retracted_facts():
    for fact in LEDGER:
        assert (fact.source.retraction is not None) == (fact.status == "retracted"), fact.id


# --- every numeric claim of the five seeds -----------------------------------------------------

# (seed, claim text, verdict, fact id). Verdict None: extracted, but a year no fact is about, so
# left out of the score (see check_claims).
SEED_TABLE = [
    # Vox, 29 Jan 2024, reporting van der Kolk et al. 2024 (a re-analysis of MAPP1).
    ("000", "84 percent", "supported", "vdk2024-developmental-trauma"),  # 84.4% (76 of 90)
    ("000", "90 study participants", "supported", "vdk2024-participants"),  # n = 90
    ("000", "Half", "supported", "mapp1-share-mdma"),  # randomized 1:1, 46 of 90 to MDMA
    ("000", "half", "supported", "mapp1-share-placebo"),  # 44 of 90 to placebo
    # The paper reports emotion regulation improving more with MDMA; the facts file has no ratio.
    ("000", "roughly twice as much", "unverifiable", None),
    # Clinic blog, 24 Aug 2023: "no peer-reviewed source found for this figure".
    ("001", "over 50%", "unverifiable", None),
    # Norwegian therapist, undated.
    ("002", "over 50,000 Norwegians", "unverifiable", None),  # no Norwegian figure in the file
    ("002", "initiated in the mid-2000s", None, None),  # nothing in the file dates the start
    ("002", "initiated in 2018", "supported", "phase3-began-2018"),  # phase 3 began in 2018
    # The six phase 2 trials are known only from the retracted pooled analysis, whose retraction
    # is about its results, not the count: a count with no live source is unverifiable.
    ("002", "six different phase 2 studies", "unverifiable", None),
    ("002", "A 2016 meta-analysis", "supported", "amoroso2016-published"),  # Amoroso & Workman
    # Huberman summary, undated.
    ("003", "88%", "supported", "mapp1-response-mdma"),  # secondary source, but in the file
    ("003", "60%", "unverifiable", None),  # "not found in a primary source: treat as unverified"
    ("003", "67%", "supported", "mapp1-no-longer-met-mdma"),  # 67% vs 32% at 18 weeks
    # 004, the content farm, states no number at all.
]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_claim_has_the_verdict_a_careful_reader_gives_it(prefix):
    text = seed_text(prefix)
    rows = [r for r in SEED_TABLE if r[0] == prefix]
    extracted = extract_claims(text)
    assert [c.text for c in extracted] == [r[1] for r in rows], "extraction differs from the table"
    checked = {c.start: c for c in check_claims(extracted, text, LEDGER, DATES.get(prefix))}
    for claim, (_, said, verdict, fact_id) in zip(extracted, rows, strict=True):
        got = checked.get(claim.start)
        if verdict is None:
            assert got is None, f"{said!r} should not count: {got}"
            continue
        assert got is not None, f"{said!r} was dropped"
        assert (got.verdict, got.fact_id) == (verdict, fact_id), f"{said!r}: {got.note}"


def test_seed_verdicts_carry_source_and_note():
    [_, _, sixty, sixty_seven] = [None, None, *check(seed_text("003"))[1:]]
    assert sixty.source is None and "only for the mdma group" in sixty.note
    assert sixty_seven.source == "Mitchell et al. 2021, Nat Med, " + MAPP1_DOI
    assert sixty_seven.note == "67% vs 32% at 18 weeks"
    vox_84 = check(seed_text("000"), DATES["000"])[0]
    assert vox_84.source.endswith("doi:10.1371/journal.pone.0295926")


# --- altered copies (issue 3, "Tests that prove it") -------------------------------------------

HUBERMAN_67 = (
    "Furthermore, 67% of patients receiving MDMA-assisted therapy no longer meet the criteria for "
    "PTSD post-treatment"
)


def altered(old: str, new: str) -> str:
    text = seed_text("003")
    assert old in text
    return text.replace(old, new)


def claim_in(claims, text: str):
    [found] = [c for c in claims if c.text == text]
    return found


def test_67_changed_to_76_is_contradicted():
    claims = check(altered(HUBERMAN_67, HUBERMAN_67.replace("67%", "76%")))
    wrong = claim_in(claims, "76%")
    assert (wrong.verdict, wrong.fact_id) == ("contradicted", "mapp1-no-longer-met-mdma")
    assert "67%" in wrong.note and wrong.source.endswith(MAPP1_DOI)


def test_67_attributed_to_six_months_later_is_contradicted_on_time_frame():
    claims = check(altered(HUBERMAN_67, HUBERMAN_67.replace("post-treatment", "six months later")))
    wrong = claim_in(claims, "67%")
    assert (wrong.verdict, wrong.fact_id) == ("contradicted", "mapp1-no-longer-met-mdma")
    assert "18 weeks" in wrong.note and "six months later" in wrong.note


def test_67_one_year_later_is_the_retracted_follow_ups_figure_not_a_mistimed_mapp1_one():
    # MAPP1's 67% is at 18 weeks, the retracted phase 2 follow-up's 67% at 12 months or more:
    # a time point that conflicts with one fact and fits another is that other fact's figure
    claims = check(altered(HUBERMAN_67, HUBERMAN_67.replace("post-treatment", "one year later")))
    said = claim_in(claims, "67%")
    assert (said.verdict, said.fact_id) == (
        "retracted_source",
        "jerome2020-no-longer-met-long-term",
    )
    assert "'one year later' fits 12 months or more" in said.note


@pytest.mark.parametrize(
    "text",
    [
        "In MDMA trials for PTSD, 56% no longer met the criteria at the end of treatment, rising "
        "to 67% a year later.",
        "MDMA therapy for PTSD: 67% of participants no longer had PTSD a year after treatment.",
    ],
)
def test_a_figure_of_the_right_time_frame_beats_a_time_conflict_with_another_fact(text):
    said = claim_in(check(text), "67%")
    assert (said.verdict, said.fact_id) == (
        "retracted_source",
        "jerome2020-no-longer-met-long-term",
    )


def test_a_named_study_keeps_the_time_conflict_with_its_own_figure():
    text = "In MAPP1, 67% of the MDMA group no longer met PTSD criteria a year later."
    said = claim_in(check(text), "67%")
    assert (said.verdict, said.fact_id) == ("contradicted", "mapp1-no-longer-met-mdma")


def test_67_at_18_weeks_is_supported():
    claims = check(altered(HUBERMAN_67, HUBERMAN_67.replace("post-treatment", "at 18 weeks")))
    assert claim_in(claims, "67%").verdict == "supported"


def test_a_2019_pooled_analysis_is_a_retracted_source():
    new = (
        "Furthermore, a 2019 pooled analysis found 54% of patients receiving MDMA-assisted "
        "therapy no longer meet the criteria for PTSD"
    )
    claims = check(altered(HUBERMAN_67, new))
    assert claim_in(claims, "54%").verdict == "retracted_source"
    assert claim_in(claims, "54%").fact_id == "mithoefer2019-no-longer-met-active"
    assert claim_in(claims, "a 2019 pooled analysis").verdict == "retracted_source"
    assert "retracted" in claim_in(claims, "54%").note


def test_the_retracted_long_term_figure_is_caught_by_its_context():
    text = (
        "MDMA for PTSD. In the long-term follow-up of the phase 2 trials, 67% no longer met "
        "PTSD criteria 12 months later."
    )
    [claim] = check(text)
    assert (claim.verdict, claim.fact_id) == (
        "retracted_source",
        "jerome2020-no-longer-met-long-term",
    )


APPROVAL = "\nFDA approval is expected this year.\n"


def test_approval_expected_this_year_in_2024_is_outdated():
    claims = check(seed_text("003") + APPROVAL, dt.date(2024, 3, 1))
    expected = claim_in(claims, "approval is expected this year")
    assert (expected.verdict, expected.fact_id) == ("outdated", "fda-approval-expected-2024")
    assert "Complete Response Letter" in expected.note and "2024" in expected.note


def test_a_number_no_fact_is_about_says_so():
    """The dashboard's "what the ledger says" cell used to be empty for these."""
    claims = check("MDMA-assisted therapy for PTSD. Over 50,000 Norwegians live with PTSD.")
    [claim] = [c for c in claims if "50,000" in c.text]
    assert claim.verdict == "unverifiable" and claim.fact_id is None
    assert claim.note == "the ledger has no fact on what this number measures"


def test_a_typo_in_the_later_fact_costs_that_fact_only(tmp_path):
    """The expectation overtaken by the letter stays loaded when the letter's entry is broken,
    and a claim matching it is unverifiable (not supported: the ledger knows it was overtaken)."""
    ledger_text = (RATINGS / "facts" / "mdma-ptsd.yaml").read_text()
    letter = ledger_text.index("  - id: fda-crl-2024")
    broken = ledger_text[:letter] + ledger_text[letter:].replace(
        "source: fda-crl-2024", "source: fda-crl-2042", 1
    )
    (tmp_path / "mdma-ptsd.yaml").write_text(broken)
    ledger, problems = load_ledger(tmp_path, tmp_path)
    assert "fda-crl-2024" not in ledger.facts and "fda-approval-expected-2024" in ledger.facts
    typo_line = broken[: broken.index("source: fda-crl-2042")].count("\n") + 1
    assert any(p.line == typo_line and "fda-crl-2042" in p.message for p in problems)
    assert any("fda-approval-expected-2024" in p.message for p in problems)
    claims = check(seed_text("003") + APPROVAL, dt.date(2024, 3, 1), ledger)
    expected = claim_in(claims, "approval is expected this year")
    assert expected.verdict == "unverifiable" and "fda-crl-2024" in expected.note


@pytest.mark.parametrize(
    ("date", "verdict"),
    [(None, "unverifiable"), (dt.date(2023, 5, 1), "unverifiable"), (dt.date(2023, 6, 1), None)],
    ids=["undated", "dated 2023", "dated 2023 next-year"],
)
def test_relative_years_need_the_article_date(date, verdict):
    wording = APPROVAL if verdict else APPROVAL.replace("this year", "next year")
    claims = check(seed_text("003") + wording, date)
    expected = [c for c in claims if "approval" in c.text]
    if verdict is None:  # "next year" in 2023 is 2024: the expectation, now outdated
        assert [c.verdict for c in expected] == ["outdated"]
    else:
        assert [c.verdict for c in expected] == [verdict]


# --- matching rules, on the bundled ledger -----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "verdict", "fact_id"),
    [
        # paraphrases of the MAPP1 figure
        ("Two-thirds of the MDMA group no longer met the diagnostic criteria.", "supported",
         "mapp1-no-longer-met-mdma"),
        ("After treatment, 67% of those given MDMA lost their PTSD diagnosis.", "supported",
         "mapp1-no-longer-met-mdma"),
        ("Only 32% of the placebo group no longer qualified for a PTSD diagnosis.", "supported",
         "mapp1-no-longer-met-placebo"),
        # the MDMA figure given to the placebo group: wrong, but arms are read from prose, so
        # this is not an accusation
        ("67% of the placebo group no longer met the criteria for PTSD.", "unverifiable", None),
        ("40% of the placebo group no longer met the criteria for PTSD.", "contradicted",
         "mapp1-no-longer-met-placebo"),
        # another drug, another trial: never an accusation
        ("With ketamine, 40% of patients no longer met PTSD criteria.", "unverifiable", None),
        # remission is a different, stricter measure (MAPP2): not matched to the 67%
        ("67% of MDMA patients reached remission.", "unverifiable", None),
        # regulatory events are unique
        ("The FDA rejected MDMA-assisted therapy in August 2024.", "supported", "fda-crl-2024"),
        ("The FDA rejected MDMA-assisted therapy in 2023.", "contradicted", "fda-crl-2024"),
        ("The FDA granted it breakthrough therapy designation in 2017.", "supported",
         "fda-breakthrough-2017"),
        # a meta-analysis of another year may well exist: not an accusation
        ("A 2020 meta-analysis of MDMA found large effects.", "unverifiable", None),
        # a range with the percent sign twice is one claim, supported by a value inside it
        ("Between 2% and 10% of the MDMA group had severe adverse events.", "supported",
         "mapp2-severe-adverse-mdma"),
        ("2%-10% of the MDMA group had severe adverse events.", "supported",
         "mapp2-severe-adverse-mdma"),
    ],
)  # fmt: skip
def test_matching_rules(sentence, verdict, fact_id):
    [claim] = check("MDMA-assisted therapy for PTSD. " + sentence)
    assert (claim.verdict, claim.fact_id) == (verdict, fact_id), claim.note


def test_comparison_reads_each_number_with_its_own_arm():
    text = "MDMA for PTSD. 67% of the MDMA group, versus 32% with placebo, no longer met criteria."
    mdma, placebo = check(text)
    assert (mdma.fact_id, placebo.fact_id) == (
        "mapp1-no-longer-met-mdma",
        "mapp1-no-longer-met-placebo",
    )


@pytest.mark.parametrize(
    ("sentence", "verdict", "fact_id"),
    [
        # one trial's figure is not evidence about another: MAPP2's 71.2% does not support a
        # claim about MAPP1, whose own (verified, exclusive) figure is 67%
        ("In MAPP1, 71% of the MDMA group no longer met the criteria for PTSD.",
         "contradicted", "mapp1-no-longer-met-mdma"),
        ("In MAPP2, 71% of the MDMA group no longer met the criteria for PTSD.",
         "supported", "mapp2-no-longer-met-mdma"),
        ("In MAPP-1, 67% of the MDMA group no longer met the criteria for PTSD.",
         "supported", "mapp1-no-longer-met-mdma"),
        # no trial named, or both: every fact may judge, as before
        ("71% of the MDMA group no longer met the criteria for PTSD.",
         "supported", "mapp2-no-longer-met-mdma"),
        ("In MAPP1 and MAPP2, 71% of the MDMA group no longer met the criteria for PTSD.",
         "supported", "mapp2-no-longer-met-mdma"),
        ("MAPP 2 randomized 104 participants.", "supported", "mapp2-participants"),
        ("MAPP1 randomized 104 participants.", "unverifiable", None),
    ],
)  # fmt: skip
def test_a_named_trial_is_judged_by_its_own_facts(sentence, verdict, fact_id):
    [claim] = check("MDMA-assisted therapy for PTSD, the phase 3 trials. " + sentence)
    assert (claim.verdict, claim.fact_id) == (verdict, fact_id), claim.note


# The reviewer's sentences (QA of the numeric checker): each failed before the fix.
MAPP1_THEN_REMISSION = (
    "MDMA therapy for PTSD\n\n"
    "In MAPP1, 67% of the MDMA group no longer met criteria for PTSD at 18 weeks.\n"
    "In the same trial, 33% of participants in the MDMA group were in remission, against 5% in "
    "the placebo group."
)


def test_cues_borrowed_from_the_sentence_before_never_accuse():
    """The 5% is a remission rate: the previous sentence's "no longer met criteria" must not
    make it a wrong loss-of-diagnosis rate (it was contradicted by MAPP1's 32%)."""
    claims = check(MAPP1_THEN_REMISSION)
    assert claim_in(claims, "67%").fact_id == "mapp1-no-longer-met-mdma"
    for said in ("33%", "5%"):
        got = claim_in(claims, said)
        assert got.verdict == "unverifiable", f"{said}: {got.note}"
        assert "no longer met" not in got.note and "32%" not in got.note, got.note


def test_a_sentence_naming_another_measure_is_not_matched_to_the_borrowed_one():
    """Named measures keep facts of other measures away even when they are not exclusive."""
    text = (
        "MDMA therapy for PTSD. 67% of the MDMA group no longer met criteria for PTSD. "
        "The dropout rate was 32% in the placebo group."
    )
    got = claim_in(check(text), "32%")
    assert (got.verdict, got.fact_id) == ("unverifiable", None), got.note


def test_borrowed_cues_still_support():
    text = (
        "MDMA therapy for PTSD. 67% of the MDMA group no longer met criteria for PTSD. "
        "In the placebo group, the figure was 32%."
    )
    got = claim_in(check(text), "32%")
    assert (got.verdict, got.fact_id) == ("supported", "mapp1-no-longer-met-placebo"), got.note


@pytest.mark.parametrize(
    ("sentence", "verdict", "fact_id"),
    [
        ("In the first phase 3 trial, 71% of the MDMA group no longer met the criteria for PTSD.",
         "contradicted", "mapp1-no-longer-met-mdma"),
        ("In the second phase 3 trial, 71% of the MDMA group no longer met the criteria for PTSD.",
         "supported", "mapp2-no-longer-met-mdma"),
        ("In the first phase 3 trial, 33% of participants in the MDMA group were in remission.",
         "unverifiable", None),
    ],
)  # fmt: skip
def test_the_first_and_second_phase_3_trials_are_named_studies(sentence, verdict, fact_id):
    [claim] = check("MDMA-assisted therapy for PTSD. " + sentence)
    assert (claim.verdict, claim.fact_id) == (verdict, fact_id), claim.note


@pytest.mark.parametrize(
    ("sentence", "verdict", "fact_id"),
    [
        ("The first phase 3 trial, published in Nature Medicine in 2021, randomized 90 people.",
         "supported", "mapp1-published"),
        ("The second phase 3 trial was published in Nature Medicine in 2023.",
         "supported", "mapp2-published"),
    ],
)  # fmt: skip
def test_the_phase_3_trials_publication_years_are_checked(sentence, verdict, fact_id):
    [got] = [c for c in check("MDMA-assisted therapy for PTSD. " + sentence) if c.unit == "year"]
    assert (got.verdict, got.fact_id) == (verdict, fact_id), got.note


def test_a_year_the_ledger_has_only_for_other_studies_names_the_study_as_prose_does():
    """The note is for a reader: "MAPP1", as the ledger's `studies:` spell it, not the key."""
    text = "MDMA therapy for PTSD. The first phase 3 trial was published in PLOS ONE in 2024."
    [claim] = check(text)
    assert claim.verdict == "unverifiable"
    assert "only for studies other than MAPP1" in claim.note, claim.note


def test_a_figure_that_fits_two_trials_cites_both_not_the_neighbours():
    """"The second trial" is MAPP2, not the MAPP1 of the sentence before: when the value fits
    both trials' figures, both are cited rather than a guess."""
    text = (
        "In the first phase 3 trial, published in Nature Medicine in 2021, two-thirds of "
        "participants who received MDMA no longer met the criteria for PTSD, compared with about "
        "a third of those on placebo.\n"
        "In the second trial, about 7 in 10 participants in the MDMA group no longer had PTSD."
    )
    claims = check(text)
    assert claim_in(claims, "two-thirds").fact_id == "mapp1-no-longer-met-mdma"
    seven = claim_in(claims, "about 7 in 10")
    assert seven.verdict == "supported" and seven.fact_id is None
    assert "s41591-021-01336-3" in seven.source and "s41591-023-02565-4" in seven.source


SECOND_TRIAL = (
    "MDMA-assisted therapy for PTSD.\n\n"
    "In the second phase 3 trial, published in Nature Medicine in 2023, 104 participants were "
    "randomized.\n"
)
FIRST_TRIAL = SECOND_TRIAL.replace("second", "first").replace("2023, 104", "2021, 90")


@pytest.mark.parametrize(
    ("text", "said", "verdict", "fact_id"),
    [
        # MAPP2's figure is 71.2%: MAPP1's 67% no longer supports a claim about "the same trial"
        (SECOND_TRIAL + "In the same trial, 67% no longer met criteria.",
         "67%", "unverifiable", None),
        (SECOND_TRIAL + "In the same trial, 71% of the MDMA group no longer met criteria.",
         "71%", "supported", "mapp2-no-longer-met-mdma"),
        # a figure that fits both trials is the one of the trial named
        (SECOND_TRIAL + "In the same trial, about 7 in 10 participants in the MDMA group no "
         "longer had PTSD.", "about 7 in 10", "supported", "mapp2-no-longer-met-mdma"),
        # the plain reading contradicts it with the same trial's figure: so does the borrowed one
        (FIRST_TRIAL + "In the same trial, 80% of the MDMA group no longer met criteria.",
         "80%", "contradicted", "mapp1-no-longer-met-mdma"),
        # the borrowed trial may support, never accuse: MAPP1 had 67%, but the plain reading
        # finds MAPP2's 71.2%, so it is left unverifiable
        (FIRST_TRIAL + "In the same trial, 71% of the MDMA group no longer met criteria.",
         "71%", "unverifiable", None),
        # the sentence before names both trials: "the same trial" is left unread
        ("MDMA-assisted therapy for PTSD. The first phase 3 trial enrolled 90 people and the "
         "second phase 3 trial 104. In the same trial, 67% no longer met criteria.",
         "67%", "supported", "mapp1-no-longer-met-mdma"),
        # named four sentences back: too far to be sure
        (SECOND_TRIAL + "It ran at 13 sites. Sessions were long. Therapists worked in pairs. "
         "In the same trial, 67% no longer met criteria.", "67%", "supported",
         "mapp1-no-longer-met-mdma"),
    ],
)  # fmt: skip
def test_the_same_trial_is_the_trial_named_last(text, said, verdict, fact_id):
    got = claim_in(check(text), said)
    assert (got.verdict, got.fact_id) == (verdict, fact_id), got.note
    named = "MAPP2" if "second phase 3 trial, pub" in text else "MAPP1"
    borrowed = "'the same trial' read as" in got.note
    assert borrowed == ("enrolled" not in text and "Therapists" not in text), got.note
    assert not borrowed or f"read as {named}" in got.note, got.note


@pytest.mark.parametrize(
    "sentence",
    [
        "About 5% of people in the United States will have PTSD in a given year.",
        "A 2019 survey found that 20% of veterans had tried psychedelics.",
        "The dropout rate was 10% in the placebo group.",
    ],
)
def test_no_nearest_fact_about_another_measure(sentence):
    text = "Overall, 88% of participants in the MDMA group had a clinically meaningful response. "
    claim = check("MDMA therapy for PTSD. " + text + sentence)[-1]
    assert claim.verdict == "unverifiable"
    assert "nearest" not in claim.note and "randomized" not in claim.note, claim.note


def test_the_nearest_fact_is_shown_for_the_measure_the_sentence_names():
    [claim] = check("MDMA therapy for PTSD. In MAPP2, 30% of the MDMA group were in remission.")
    assert claim.verdict == "unverifiable" and "46.2%, remission" in claim.note


def test_a_study_that_is_not_a_source_is_reported_with_its_line(tmp_path):
    text = WIDGETS.replace("sources:", "studies:\n  s1: [Widget Study]\n  s9: [Other]\nsources:")
    (tmp_path / "widgets.yaml").write_text(text)
    ledger, problems = load_ledger(tmp_path, tmp_path)
    assert [(p.path, p.line) for p in problems] == [("widgets.yaml", line_of(text, "s9:"))]
    assert "s9" in problems[0].message and "sources" in problems[0].message
    assert len(ledger.facts) == 2


def test_the_ledger_only_applies_to_articles_on_its_topic():
    """The same sentence in an article about another drug and disorder matches nothing."""
    text = "Psilocybin for depression: 67% no longer met the diagnostic criteria."
    [claim] = check(text)
    assert (claim.verdict, claim.fact_id) == ("unverifiable", None)


# --- qualifiers and tolerance, on a small ledger of our own ------------------------------------

WIDGETS = """\
id: widgets
topic: Widgets
topic_cues: [[widget*]]
sources:
  s1: {authors: [Doe J, Roe R], title: Widgets, journal: J Widgets, year: 2020, doi: 10.1234/w.1}
facts:
  - id: share
    statement: 45% of widgets are blue.
    quantity: {value: 45, unit: percent, tolerance: 1}
    measure: {endpoint: blue widgets}
    cues: [[blue, azure]]
    source: s1
    status: verified
    exclusive: true
  - id: loose
    statement: 300 people own widgets.
    quantity: {value: 300, unit: people, tolerance: 0}
    measure: {endpoint: widget owners}
    cues: [[own*]]
    source: s1
    status: verified
"""


@pytest.fixture(scope="module")
def widgets(tmp_path_factory) -> Ledger:
    folder = tmp_path_factory.mktemp("widgets")
    (folder / "widgets.yaml").write_text(WIDGETS)
    ledger, problems = load_ledger(folder)
    assert problems == []
    return ledger


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("45% of widgets are blue.", "supported"),
        ("45.4% of widgets are blue.", "supported"),
        ("47% of widgets are blue.", "contradicted"),
        ("over 50% of widgets are blue.", "contradicted"),  # the issue's own example
        ("over 40% of widgets are blue.", "supported"),
        ("at least 46% of widgets are blue.", "supported"),  # within the tolerance
        ("at least 48% of widgets are blue.", "contradicted"),
        ("under 50% of widgets are blue.", "supported"),
        ("under 40% of widgets are blue.", "contradicted"),
        ("nearly 48% of widgets are blue.", "supported"),
        ("nearly 44% of widgets are blue.", "supported"),  # 45 is within the tolerance above
        ("about 48% of widgets are azure.", "supported"),
        ("about 55% of widgets are blue.", "contradicted"),
        ("Half of widgets are blue.", "supported"),  # words are read with 10% slack
        ("Two-thirds of widgets are blue.", "contradicted"),
        ("Between 40 and 50 percent of widgets are blue.", "supported"),
        ("60-70% of widgets are blue.", "contradicted"),
        ("300 people own widgets.", "supported"),
        ("400 people own widgets.", "unverifiable"),  # not exclusive: never contradicted
        ("45% of widgets are red.", "unverifiable"),  # cue absent
    ],
)
def test_qualifiers_and_tolerance(widgets, sentence, verdict):
    [claim] = check(sentence, ledger=widgets)
    assert claim.verdict == verdict, claim.note


def test_cues_may_sit_in_the_sentence_before(widgets):
    assert check("Widgets come in blue. 45% of them do.", ledger=widgets)[0].verdict == "supported"
    far = "Widgets come in blue. Nothing else. 45% of them do."
    assert check(far, ledger=widgets)[0].verdict == "unverifiable"


# --- broken ledgers are reported with file:line, and the rest still loads ----------------------

BROKEN = """\
id: broken
topic: Widgets
topic_cues: [[widget*]]
sources:
  s1: {authors: [Doe J], title: A widget census, journal: J Widgets, year: 2020, doi: 10.1234/w.1}
facts:
  - id: good-one
    statement: 45% of widgets are blue.
    quantity: {value: 45, unit: percent, tolerance: 1}
    measure: {endpoint: blue widgets}
    cues: [[blue]]
    source: s1
    status: verified
  - id: no-source
    statement: 10% of widgets are green.
    quantity: {value: 10, unit: percent, tolerance: 1}
    measure: {endpoint: green widgets}
    cues: [[green]]
    status: verified
  - id: not-a-number
    statement: Sixty percent of widgets are round.
    quantity: {value: sixty, unit: percent, tolerance: 1}
    measure: {endpoint: round widgets}
    cues: [[round]]
    source: s1
    status: verified
  - id: bad-status
    statement: 5% of widgets are broken.
    quantity: {value: 5, unit: percent, tolerance: 1}
    measure: {endpoint: broken widgets}
    cues: [[broken]]
    source: s1
    status: rumoured
  - id: unknown-source
    statement: 7% of widgets are old.
    quantity: {value: 7, unit: percent, tolerance: 1}
    measure: {endpoint: old widgets}
    cues: [[old]]
    source: s2
    status: verified
  - id: typo-key
    statement: 8% of widgets are new.
    quantity: {value: 8, unit: percent, tolerance: 1}
    measure: {endpoint: new widgets}
    cues: [[new]]
    source: s1
    status: verified
    exclusiv: true
  - id: good-two
    statement: 30 people own widgets.
    quantity: {value: 30, unit: people, tolerance: 0}
    measure: {endpoint: widget owners}
    cues: [[own*]]
    source: s1
    status: verified
"""


def line_of(text: str, needle: str) -> int:
    [line] = [n for n, row in enumerate(text.splitlines(), 1) if needle in row]
    return line


def test_a_broken_fact_is_reported_with_file_and_line_and_the_others_load(tmp_path):
    (tmp_path / "broken.yaml").write_text(BROKEN)
    ledger, problems = load_ledger(tmp_path, tmp_path)
    assert sorted(ledger.facts) == ["good-one", "good-two"]
    where = {(p.path, p.line) for p in problems}
    for needle in (
        "- id: no-source",
        "value: sixty",
        "status: rumoured",
        "source: s2",
        "exclusiv:",
    ):
        assert ("broken.yaml", line_of(BROKEN, needle)) in where, (
            needle,
            [str(p) for p in problems],
        )
    messages = " ".join(str(p) for p in problems)
    assert "source" in messages and "rumoured" in messages and "sixty" in messages
    assert all(str(p).startswith("broken.yaml:") for p in problems)


def test_one_unreadable_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "broken.yaml").write_text(BROKEN)
    (tmp_path / "bad.yaml").write_text("id: bad\nfacts: [unclosed\n")
    (tmp_path / "tagged.yaml").write_text("!!python/object:os.system {}\n")
    ledger, problems = load_ledger(tmp_path, tmp_path)
    assert {"good-one", "good-two"} <= set(ledger.facts)
    assert {p.path for p in problems} >= {"bad.yaml", "tagged.yaml", "broken.yaml"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("superseded_by: never", "status: verified\n    superseded_by: no-such-fact"),
            "superseded_by",
        ),
        (("id: broken", "id: other-name"), "file name"),
        (("value: 45,", "value: 145,"), "0-100"),
    ],
)
def test_cross_checks_a_schema_cannot_make(tmp_path, change, message):
    old, new = change
    good = BROKEN.split("  - id: no-source")[0]
    if old.startswith("superseded_by"):
        good = good.replace("status: verified", new, 1)
    else:
        good = good.replace(old, new, 1)
    (tmp_path / "broken.yaml").write_text(good)
    _, problems = load_ledger(tmp_path, tmp_path)
    assert any(message in p.message for p in problems), [str(p) for p in problems]


def test_validate_reports_a_broken_fact(ratings_copy, capsys):
    from srcgrade.cli import main

    (ratings_copy / "facts" / "broken.yaml").write_text(BROKEN)
    code = main(["validate", str(ratings_copy)])
    out = capsys.readouterr().out
    assert code != 0
    assert f"broken.yaml:{line_of(BROKEN, 'status: rumoured')}:" in out


def test_a_missing_directory_is_a_problem_not_an_error(tmp_path):
    ledger, problems = load_ledger(tmp_path / "nope")
    assert len(ledger) == 0 and len(problems) == 1


# --- properties --------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "MDMA", "PTSD", "67%", "76%", "32%", "88%", "no longer met", "criteria", "placebo", "vs",
        "compared to", "one year later", "at 18 weeks", "2019", "pooled", "analysis", "FDA",
        "approval", "expected", "this year", "rejected", "in", "2024", "half", "received", "90",
        "participants", ".", ",", "\n", "meta-analysis", "2016", "over", "nearly", "two-thirds",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=40).map(" ".join), st.none() | st.dates())
def test_checking_never_raises_and_keeps_spans(text, date):
    claims = check(text, date)
    for claim in claims:
        assert claim.verdict in VERDICTS
        assert text[claim.start : claim.end] == claim.text
        assert (claim.fact_id is None) == (claim.source is None)
        if claim.verdict == "contradicted":
            fact = LEDGER.facts[claim.fact_id]
            assert fact.status == "verified"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_checking_arbitrary_text_never_raises(text):
    for claim in check("MDMA PTSD " + text):
        assert claim.verdict in VERDICTS


# --- which articles a ledger covers --------------------------------------------------------------

_CUE_PIECES = [
    "MDMA", "mdma", "Ecstasy", "post-traumatic", "post  traumatic", "Post-Traumatic", "PTSD",
    "traumatised", "trauma", "molly", "midomafetamine", "therapy", "placebo", "the", " ", ", ",
    "-", "\n", "ſ", "K", "İ", "ı", "é", "’", "xMDMA", "PTSDs",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=12).map(" ".join))
def test_topic_quick_test_never_changes_which_topics_apply(text: str) -> None:
    """The first-word substring test only skips regexes that could not match: the same topics
    as running every cue group's regex (texts with the odd folds included)."""
    from srcgrade.facts import _all_cues
    from srcgrade.pattern_scan import lowered

    for topic in LEDGER.topics.values():
        assert _all_cues(topic.cues, text, lowered(text)) == _all_cues(topic.cues, text), text
    expected = [t for t in LEDGER.topics.values() if _all_cues(t.cues, text)]
    assert LEDGER.topics_in(text) == expected


def test_topics_in_finds_the_mdma_ledger_only_on_its_topic() -> None:
    assert [t.id for t in LEDGER.topics_in(seed_text("000"))] == ["mdma-ptsd"]
    assert LEDGER.topics_in("Ecstasy use among teenagers rose, a survey found.") == []
    assert LEDGER.topics_in("Posttraumatic stress and MDMA-assisted sessions") != []


def test_a_claims_origin_is_the_ledger_line_that_defines_its_fact():
    """The claims table and the number tooltips named a fact id but not where it is written: each
    judged claim of the Vox article carries the file:line of its fact's `- id:` entry."""
    claims = check(seed_text("000"), DATES["000"])
    judged = [c for c in claims if c.fact_id]
    assert judged
    for claim in judged:
        assert claim.origin is not None and claim.origin.line
        lines = (RATINGS / claim.origin.path).read_text(encoding="utf-8").splitlines()
        assert lines[claim.origin.line - 1].strip() == f"- id: {claim.fact_id}"
        assert claim.to_dict()["origin"] == f"{claim.origin.path}:{claim.origin.line}"
    assert all(c.origin is None for c in claims if not c.fact_id)


# --- which study a sentence is about (round 14 review): a figure of another study is never a
# wrong figure of the ledger's, and a fact of another measure never supports it ----------------


@pytest.mark.parametrize(
    ("text", "said", "verdict", "fact_id"),
    [
        # a year, a design, a place: another study
        ("In a 2024 open-label study in Israel, 80% of MDMA patients no longer met PTSD criteria.",
         "80%", "unverifiable", None),
        ("In a 2024 open-label study in Israel, 67% of MDMA patients no longer met PTSD criteria.",
         "67%", "unverifiable", None),
        ("In MAPP1, 67% of the MDMA group no longer met PTSD criteria. In a separate Dutch study, "
         "45% of the MDMA group no longer met criteria.", "45%", "unverifiable", None),
        # Mithoefer et al. 2011, identified by its year and size (its outcome is not in the ledger)
        ("A smaller 2011 trial of 20 people found that 83% of the MDMA group no longer met PTSD "
         "criteria.", "83%", "unverifiable", None),
        ("In an earlier study by Mithoefer, 83% of those receiving MDMA no longer met criteria.",
         "83%", "unverifiable", None),
        ("Two months after treatment ended, 58% of the MDMA group no longer met the PTSD criteria "
         "in an open-label extension.", "58%", "unverifiable", None),
        ("A Swiss study found that 90% of the MDMA group no longer met PTSD criteria.", "90%",
         "unverifiable", None),
        # "treatment exit" is the retracted phase 2 follow-up's own time point
        ("At treatment exit, 56% no longer met criteria for PTSD after MDMA therapy.", "56%",
         "retracted_source", "jerome2020-no-longer-met-exit"),
        # the follow-up's figure without its name: not a wrong MAPP1 figure either
        ("At the end of treatment, 56% of the MDMA group no longer met criteria for PTSD.", "56%",
         "unverifiable", None),
        # the sentence before names MAPP2: MAPP1's placebo figure does not accuse
        ("In MAPP2, 71% of the MDMA group no longer met PTSD criteria. 40% of the placebo group "
         "no longer met criteria.", "40%", "unverifiable", None),
        # a fact of another measure ("randomized 1:1") does not support a loss-of-diagnosis rate
        ("A small pilot study of 12 firefighters found that 50% of those given MDMA no longer met "
         "criteria for PTSD.", "50%", "unverifiable", None),
        ("Participants had 3 preparation sessions.", "3 preparation sessions", "supported",
         "mapp1-sessions-preparatory"),
        ("Participants had 3 MDMA sessions.", "3 MDMA sessions", "supported",
         "mapp1-sessions-experimental"),
        # "still met" is the complement: supported through it, never accused through it
        ("At the 18-week endpoint, 33% of the MDMA group still met the criteria.", "33%",
         "supported", "mapp1-no-longer-met-mdma"),
        ("At the 18-week endpoint, 50% of the MDMA group still met the criteria.", "50%",
         "unverifiable", None),
        ("That paper was retracted in August 2024.", "retracted in August 2024", "supported",
         "phase2-analyses-retracted"),
        # what the ledger's own study says still decides
        ("A 2021 trial found that 67% of the MDMA group no longer met PTSD criteria.", "67%",
         "supported", "mapp1-no-longer-met-mdma"),
        ("In the trial, 80% of the MDMA group no longer met PTSD criteria.", "80%",
         "contradicted", "mapp1-no-longer-met-mdma"),
        ("After 18 weeks, 80% of the MDMA group no longer met PTSD criteria.", "80%",
         "contradicted", "mapp1-no-longer-met-mdma"),
        ("After several years of phase 1 and 2, phase 3 was initiated in 2018.",
         "initiated in 2018", "supported", "phase3-began-2018"),
        ("The trial enrolled 90 veterans and first responders.", "90 veterans", "supported",
         "mapp1-participants"),
    ],
)  # fmt: skip
def test_a_figure_of_another_study_is_not_judged_by_the_ledgers(text, said, verdict, fact_id):
    got = claim_in(check("MDMA-assisted therapy for PTSD.\n\n" + text), said)
    assert (got.verdict, got.fact_id) == (verdict, fact_id), got.note


def test_notes_say_why_a_claim_was_not_checked():
    first = "A smaller 2011 trial of 20 people found that 83% of the MDMA group no longer met PTSD "
    got = claim_in(check("MDMA for PTSD. " + first + "criteria."), "83%")
    assert "Mithoefer et al. 2011" in got.note and "2011" in got.note
    got = claim_in(check("MDMA for PTSD. In a 2024 open-label study, 80% no longer met criteria."),
                   "80%")  # fmt: skip
    assert "2024" in got.note and "open-label" in got.note and "67%" not in got.note
    text = "MDMA for PTSD. At 18 weeks, 33% of the MDMA group still met the criteria."
    got = claim_in(check(text), "33%")
    assert "complement" in got.note and "placebo" not in got.note


def test_over_a_share_still_meeting_criteria_does_not_point_at_the_placebo_group():
    text = "MDMA for PTSD. Over 40% of the MDMA group still met PTSD criteria at 18 weeks."
    got = claim_in(check(text), "Over 40%")
    assert got.verdict == "unverifiable" and "placebo group" not in got.note, got.note


def test_a_complement_phrase_must_name_a_measure(tmp_path):
    text = WIDGETS.replace("sources:", "complements:\n  blue: [not blue]\nsources:")
    (tmp_path / "widgets.yaml").write_text(text)
    _, problems = load_ledger(tmp_path, tmp_path)
    assert [(p.path, p.line) for p in problems] == [("widgets.yaml", line_of(text, "blue: [not"))]


def test_the_readme_states_no_stale_count_of_facts():
    """The README said "72 facts" when `srcgrade validate ratings/` counted 73: a count written
    in prose goes stale. It now names none; one written again must be the ledger's."""
    import re

    readme = (RATINGS.parent / "README.md").read_text(encoding="utf-8")
    ledger, problems = load_ledger(RATINGS / "facts")
    assert not problems
    stated = [int(n.replace(",", "")) for n in re.findall(r"\b(\d[\d,]*) facts\b", readme)]
    assert all(n == len(ledger) for n in stated), (stated, len(ledger))


# --- round 16: a claim is judged by its own clause (QA round 16, findings 1, 2 and 16) ---------

# The QA's sentences: every number in them is true, and each was contradicted before the fix.
TIMELINE = [
    # the 2024 dates the PDUFA decision, not the 2017 designation of the first clause
    ("The FDA granted breakthrough therapy designation in 2017 and, after the sponsor filed its "
     "application, set a decision date in 2024.",
     {"granted breakthrough therapy designation in 2017": "supported",
      "decision date in 2024": "unverifiable"}),
    # Australia's TGA approved it in 2023; "FDA" and "rejected" belong to the other clause
    ("Australia approved MDMA for PTSD in 2023, while the FDA rejected it in 2024.",
     {"approved MDMA for PTSD in 2023": "unverifiable", "rejected it in 2024": "supported"}),
    # Spravato (esketamine), March 2019; "rejected" is the MDMA clause's
    ("The FDA approved esketamine for depression in 2019, and rejected MDMA in 2024.",
     {"approved esketamine for depression in 2019": "unverifiable",
      "rejected MDMA in 2024": "supported"}),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "verdicts"), TIMELINE)
def test_a_year_is_judged_only_by_the_event_its_own_clause_names(sentence, verdicts):
    claims = check("MDMA-assisted therapy for PTSD. " + sentence)
    assert {c.text: c.verdict for c in claims} == verdicts, [c.note for c in claims]
    for c in claims:
        if c.verdict == "unverifiable":
            assert "another clause" in c.note


def test_a_year_whose_own_clause_names_the_event_is_still_contradicted():
    text = (
        "MDMA-assisted therapy for PTSD. "
        "Australia approved MDMA in 2023, while the FDA rejected it in 2023."
    )
    australia, fda = check(text)
    assert australia.verdict == "unverifiable"
    assert (fda.verdict, fda.fact_id) == ("contradicted", "fda-crl-2024")


@pytest.mark.parametrize(
    "sentence",
    [
        "In the first phase 3 trial, 67% of the MDMA group no longer met the criteria for PTSD, "
        "and a 12-month follow-up is planned.",
        "In the first phase 3 trial, 67% of the MDMA group no longer met the criteria for PTSD; "
        "at 12 months, 80% of those followed up did not.",
    ],
)
def test_a_time_frame_of_another_clause_does_not_date_the_claim(sentence):
    claims = check("MDMA therapy for PTSD: " + sentence)
    first = claims[0]
    assert (first.text, first.verdict) == ("67%", "supported"), first.note
    assert first.fact_id == "mapp1-no-longer-met-mdma"


def test_a_time_frame_of_the_claims_own_clause_still_contradicts():
    text = "MDMA for PTSD. In MAPP1, 67% of the MDMA group no longer met the criteria a year later."
    [claim] = check(text)
    assert claim.verdict == "contradicted" and "ledger says 18 weeks" in claim.note


def test_a_later_time_point_in_another_clause_does_not_make_a_figure_retracted():
    text = (
        "MDMA therapy for PTSD: Two months after treatment, 67% of the MDMA group no longer met "
        "the criteria for PTSD, and the researchers will check again at 12 months."
    )
    [claim] = check(text)
    assert (claim.verdict, claim.fact_id) == ("supported", "mapp1-no-longer-met-mdma")


def test_the_therapists_of_a_trial_are_not_its_sample():
    text = (
        "MDMA-assisted therapy for PTSD. In the first phase 3 trial, each participant had three "
        "preparation sessions with two therapists, then three eight-hour sessions in which they "
        "took MDMA or a placebo, spaced about a month apart."
    )
    by_text = {c.text: c for c in check(text)}
    assert by_text["three preparation sessions"].fact_id == "mapp1-sessions-preparatory"
    assert by_text["three eight-hour sessions"].fact_id == "mapp1-sessions-experimental"


def test_a_population_count_is_written_as_prose_writes_it():
    text = (
        "MDMA-assisted therapy for PTSD. About 13 million American adults have PTSD in a given "
        "year, according to the National Center for PTSD, and roughly half of patients do not "
        "respond well to existing treatments such as prolonged exposure therapy."
    )
    notes = " ".join(c.note for c in check(text))
    assert "e+0" not in notes
    assert "counts other people (13 million)" in notes
    assert "another study" not in notes


def test_a_note_citing_a_retracted_figure_says_it_is_retracted():
    text = (
        "MDMA-assisted therapy for PTSD. Roughly one in four participants in the MDMA group still "
        "had PTSD at the end of the study, and the long-term effects are unknown because "
        "follow-up lasted only a few months."
    )
    [claim] = check(text)
    assert claim.verdict == "unverifiable"
    assert "67% at 12 months or more (Jerome et al. 2020, retracted August 2024)" in claim.note


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [(13_000_000, "people", "13 million people"), (50_000, "people", "50,000 people"),
     (2017, "year", "2017"), (71.2, "percent", "71.2%"), (-24.4, "points", "-24.4 points"),
     (1_234_567, "people", "1,234,567 people")],
)  # fmt: skip
def test_numbers_in_notes_never_use_exponents(value, unit, said):
    from srcgrade.facts import _fmt

    assert _fmt(value, unit) == said


# --- round 17: a fact's subject, and "9 of the 11" read as a count ----------------------------


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        # another drug named in the clause: the FDA's other decisions are not MDMA's
        ("The FDA rejected esketamine in 2019.", "unverifiable"),
        ("Esketamine was rejected by the FDA in 2019.", "unverifiable"),
        ("The FDA rejected ketamine in 2019.", "unverifiable"),
        # "it" or "the treatment" may be the regulator or another drug ("the psilocybin
        # treatment"): a referring word counts only in a sentence that names the subject
        ("The FDA rejected the psilocybin treatment in 2022.", "unverifiable"),
        ("In 2019 the FDA granted the psilocybin therapy breakthrough status.", "unverifiable"),
        ("This is not the first time the FDA has rejected a psychedelic: it rejected a "
         "psilocybin application in 2022.", "unverifiable"),
        ("Esketamine had a rockier path: the FDA declined it in 2018.", "unverifiable"),
        ("The FDA rejected the application in 2023.", "unverifiable"),
        # the subject named, or referred back to in a sentence that names it: still contradicted
        ("The FDA rejected MDMA in 2023.", "contradicted"),
        ("Lykos applied, and the FDA rejected the application in 2023.", "contradicted"),
        ("The FDA rejected Lykos's application in 2023.", "contradicted"),
        ("Australia approved MDMA in 2023, while the FDA rejected it in 2023.", "contradicted"),
    ],
)  # fmt: skip
def test_a_regulatory_year_is_contradicted_only_about_the_ledgers_subject(sentence, verdict):
    claims = check("MDMA-assisted therapy for PTSD is under review. " + sentence)
    fda = [c for c in claims if c.unit == "year"][-1]
    assert fda.verdict == verdict, fda.note
    if verdict == "unverifiable":
        assert "does not say it is about MDMA" in fda.note


@pytest.mark.parametrize(
    ("sentence", "verdict", "fact_id"),
    [
        ("9 of the 11 FDA advisers voted that the benefits did not outweigh the risks.",
         "unverifiable", None),
        ("10 of the 11 FDA advisers voted that the benefits did not outweigh the risks.",
         "supported", "fda-adcomm-benefit-risk-no"),
        ("2 of the 11 FDA advisers voted in favor of its effectiveness.",
         "supported", "fda-adcomm-effectiveness-yes"),
        ("10 of the 11 FDA advisers voted against its effectiveness.", "unverifiable", None),
        # which question, which way: not said, so not read
        ("At the FDA advisory committee meeting, 9 of the 11 members voted no.",
         "unverifiable", None),
        ("5 of the 11 FDA panelists said it was not effective.", "unverifiable", None),
    ],
)  # fmt: skip
def test_k_of_n_advisers_is_read_as_a_count_and_never_contradicted(sentence, verdict, fact_id):
    claims = check("MDMA-assisted therapy for PTSD. " + sentence)
    [share] = [c for c in claims if " of the 11" in c.text]
    assert (share.verdict, share.fact_id) == (verdict, fact_id), share.note
    assert share.unit == "percent"  # the claim stays as written


def test_k_of_n_needs_the_vote_in_its_own_clause():
    text = (
        "MDMA-assisted therapy for PTSD. FDA advisers weighed whether the benefits outweighed "
        "the risks. 9 of the 11 FDA advisers voted against its effectiveness."
    )
    [share] = [c for c in check(text) if c.text == "9 of the 11"]
    assert share.verdict == "supported" and share.fact_id == "fda-adcomm-effectiveness-no"
    text = (
        "MDMA-assisted therapy for PTSD. FDA advisers weighed whether the benefits outweighed "
        "the risks. 10 of the 11 FDA advisers voted against its effectiveness."
    )
    [share] = [c for c in check(text) if c.text == "10 of the 11"]
    assert share.verdict == "unverifiable", share.note


@pytest.mark.parametrize("broken", ["subject: MDMA", "subject: 5", "subject: []", "subject:"])
def test_a_broken_subject_makes_the_ledger_accuse_less_not_more(tmp_path, broken):
    """A typo in the guard used to drop it, and "the FDA rejected esketamine in 2019" came back
    contradicted; now no fact without a study arm contradicts, and validate says how to write it."""
    shipped = (RATINGS / "facts" / "mdma-ptsd.yaml").read_text(encoding="utf-8")
    start = shipped.index("\nsubject: [") + 1
    end = shipped.index("\n", start)
    (tmp_path / "mdma-ptsd.yaml").write_text(shipped[:start] + broken + shipped[end:])
    ledger, problems = load_ledger(tmp_path, tmp_path)
    assert any(p.line == shipped[:start].count("\n") + 1 for p in problems), problems
    if broken == "subject: MDMA":
        assert any("write it as a list in brackets: [MDMA]" in p.message for p in problems)
    text = "MDMA-assisted therapy for PTSD is under review. The FDA rejected esketamine in 2019."
    assert [c.verdict for c in check(text, ledger=ledger) if c.unit == "year"] == ["unverifiable"]


# --- round 18: the numeric checker's QA findings ------------------------------------------------

OTHER_EVENT = [
    "In 2025, a year after the FDA rejected MDMA for PTSD, Lykos began a new trial.",
    "Lykos resubmitted MDMA for PTSD to the FDA in 2025 after it was rejected.",
]


@pytest.mark.parametrize("sentence", OTHER_EVENT)
def test_a_year_dating_a_later_event_is_not_checked_against_the_rejection(sentence):
    [year] = check(sentence)
    assert year.verdict == "unverifiable" and "another clause" in year.note, year.note


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        # the year inside the subordinate clause dates the event that clause names
        ("Lykos resubmitted MDMA for PTSD after the FDA rejected it in 2023, a spokesperson said.",
         "contradicted"),
        ("The FDA rejected MDMA for PTSD in 2023 after an advisory panel voted against it.",
         "contradicted"),
        # "when" dates the same event
        ("In 2023, when the FDA rejected MDMA for PTSD, Lykos cut staff.", "contradicted"),
        ("The FDA rejected MDMA for PTSD in 2024 after an advisory panel voted against it.",
         "supported"),
    ],
)  # fmt: skip
def test_a_year_in_the_clause_of_its_event_is_still_checked(sentence, verdict):
    [year] = check(sentence)
    assert year.verdict == verdict, year.note


def test_a_year_beside_another_claims_measure_is_context_not_unverifiable():
    text = (
        "In August 2024 the FDA declined to approve MDMA for PTSD. The earlier trial, MAPP1, "
        "published in 2021, had reported that 67% of the MDMA group no longer met the criteria "
        "at 18 weeks."
    )
    claims = check(text)
    assert [c.text for c in claims if c.unit == "year"] == []
    assert claim_in(claims, "67%").verdict == "supported"
    assert not any("no fact in the ledger on" in c.note for c in claims)


RETRACTION_NOTICE = (
    "The journal Psychopharmacology has retracted a 2019 pooled analysis of MDMA-assisted "
    "therapy for PTSD, citing unethical conduct at one trial site. A 2020 follow-up paper by the "
    "same group was also retracted. The analysis of six phase 2 trials had reported that 54.2% "
    "of participants no longer met PTSD criteria."
)


def test_a_claim_whose_clause_reports_the_retraction_is_not_penalised():
    claims = check(RETRACTION_NOTICE)
    notice = claim_in(claims, "a 2019 pooled analysis")
    assert (notice.verdict, notice.fact_id) == ("supported", "mithoefer2019-published")
    assert "the article says the paper was retracted" in notice.note
    assert claim_in(claims, "A 2020 follow-up").verdict == "supported"
    # a figure whose own clause does not say so is still the retracted paper's
    assert claim_in(claims, "54.2%").verdict == "retracted_source"


def test_a_misspelt_topic_cues_makes_the_topic_apply_to_no_text(tmp_path):
    shipped = (RATINGS / "facts" / "mdma-ptsd.yaml").read_text(encoding="utf-8")
    (tmp_path / "mdma-ptsd.yaml").write_text(shipped.replace("\ntopic_cues:", "\ntopic_cue:"))
    ledger, problems = load_ledger(tmp_path, tmp_path)
    assert any("unknown key 'topic_cue'" in p.message for p in problems)
    assert any("applies to no article" in p.message for p in problems), problems
    coffee = "Drinking coffee cut the risk by 30%, a study of 500 people found."
    assert ledger.topics_in(coffee) == []
    assert ledger.topics_in(seed_text("000")) == []


def test_many_numbers_in_one_sentence_are_read_once_per_sentence(monkeypatch):
    """1,000 figures in one sentence took 29 s: each claim read the whole sentence again for
    every cue phrase. Now a sentence's phrase matches are found once: the regex searches do not
    grow with the number of claims times the sentence's length."""
    import srcgrade.facts as facts

    calls = 0
    pattern = facts._phrase_pattern

    class Counting:
        def __init__(self, compiled):
            self.compiled = compiled

        def finditer(self, *args):
            nonlocal calls
            calls += 1
            return self.compiled.finditer(*args)

        def __getattr__(self, name):
            return getattr(self.compiled, name)

    monkeypatch.setattr(facts, "_phrase_pattern", lambda phrases: Counting(pattern(phrases)))
    text = ", ".join(f"{i} people" for i in range(300)) + " with MDMA for PTSD."
    claims = check(text)
    assert len(claims) > 250
    assert calls < 1_000, calls  # 300 claims x ~40 phrases would be 12,000 and more


# --- round 19: planned follow-ups, sentence-initial figures, sessions, HTML, tables -----------

PLANNED = [
    "In the MDMA trial for PTSD, 67% of participants no longer met the criteria, and a 12-month "
    "follow-up is planned.",
    "In the MDMA trial for PTSD, 67% of participants no longer met the criteria; a follow-up a "
    "year later is planned.",
    "A 12-month follow-up of the MDMA trial for PTSD is planned. In the trial, 67% of "
    "participants no longer met the criteria.",
    "In the MDMA trial for PTSD, 67% of participants no longer met the criteria, and the "
    "researchers will follow them up for a year.",
]


@pytest.mark.parametrize("text", PLANNED)
def test_a_planned_follow_up_does_not_date_the_figure(text):
    """A clause about what is planned reports no result: its "follow-up" neither picks the
    retracted follow-up's 67% nor points away from MAPP1's 67% at 18 weeks."""
    [claim] = check(text)
    assert (claim.verdict, claim.fact_id) == ("supported", "mapp1-no-longer-met-mdma"), claim.note


@pytest.mark.parametrize(
    "text",
    [
        "In the long-term follow-up of MDMA for PTSD, 67% of participants no longer met the "
        "criteria.",
        "In the MDMA trial for PTSD, 67% of participants no longer met the criteria a year later.",
        "MDMA for PTSD: in a follow-up that will be published soon, 67% of participants no longer "
        "met the criteria a year later.",
    ],
)
def test_a_follow_up_the_claims_own_clause_reports_is_still_the_retracted_one(text):
    [claim] = check(text)
    assert (claim.verdict, claim.fact_id) == (
        "retracted_source",
        "jerome2020-no-longer-met-long-term",
    ), claim.note


def test_a_sentence_initial_figure_after_a_trial_is_checked():
    text = (
        "MDMA therapy for PTSD was tested against placebo in the first phase 3 trial. 95% of the "
        "MDMA group no longer met the criteria."
    )
    [claim] = check(text)
    assert (claim.text, claim.verdict) == ("95%", "contradicted")
    assert claim.fact_id == "mapp1-no-longer-met-mdma"


def test_sessions_after_another_claims_measure_are_the_sessions():
    text = (
        "In the first phase 3 trial of MDMA for PTSD, 67% of participants no longer met the "
        "criteria after three sessions."
    )
    share, sessions = check(text)
    assert (share.verdict, share.fact_id) == ("supported", "mapp1-no-longer-met-mdma")
    assert (sessions.text, sessions.verdict) == ("three sessions", "supported"), sessions.note
    assert sessions.fact_id == "mapp1-sessions-experimental"


def test_a_pasted_html_paragraph_keeps_its_figure():
    [claim] = check("<p>MDMA for PTSD.</p><p>67% of participants no longer met the criteria.</p>")
    assert (claim.text, claim.verdict) == ("67%", "supported")


TABLE_PROSE = (
    "In the first phase 3 trial of MDMA for PTSD, 67% of the MDMA group and 32% of the placebo "
    "group no longer met the criteria.\n\n"
)


@pytest.mark.parametrize(
    "table",
    [
        "| MDMA | 67% |\n| Placebo | 32% |\n",
        "| Arm | Share |\n|---|---|\n| MDMA | 67% |\n| Placebo | 32% |\n",
        "| Group | No longer met criteria |\n| --- | --- |\n| MDMA | 67% |\n| Placebo | 32% |",
    ],
)
def test_a_table_cell_reads_its_tables_caption_and_header(table):
    claims = check(TABLE_PROSE + table)
    assert [(c.text, c.verdict, c.fact_id) for c in claims] == [
        ("67%", "supported", "mapp1-no-longer-met-mdma"),
        ("32%", "supported", "mapp1-no-longer-met-placebo"),
    ] * 2


def test_a_table_cell_the_ledger_cannot_place_is_left_out():
    """A cell has no sentence to say what it measures: unplaced, it is not counted at all."""
    text = (
        "MDMA-assisted therapy for PTSD, in numbers.\n\n"
        "| Group | Dropped out | In remission |\n|---|---|---|\n| MDMA | 12% | 33% |\n"
    )
    assert check(text) == []
    # the same figures in prose are unverifiable, as before
    prose = "MDMA-assisted therapy for PTSD: 12% of the MDMA group dropped out."
    assert [c.verdict for c in check(prose)] == ["unverifiable"]


def test_a_table_row_that_states_its_measure_is_judged_like_a_sentence():
    text = (
        "MDMA-assisted therapy for PTSD.\n\n| Trial | Result |\n|---|---|\n"
        "| MAPP1 | 95% of the MDMA group no longer met the criteria |\n"
    )
    [claim] = check(text)
    assert (claim.verdict, claim.fact_id) == ("contradicted", "mapp1-no-longer-met-mdma")


def test_a_planned_clause_still_keeps_a_figure_from_being_accused():
    """Blanking a plan only ever helps a figure find its fact: the plan's design words still
    keep the trial's 67% from accusing an 80% the plain reading would not accuse either."""
    text = (
        "In the MDMA trial for PTSD, 80% of participants no longer met the criteria, and an "
        "open-label extension is planned."
    )
    [claim] = check(text)
    assert claim.verdict == "unverifiable" and "open-label" in claim.note


def test_a_table_column_is_about_the_measure_its_header_names():
    text = (
        "In the first phase 3 trial of MDMA for PTSD, 67% of the MDMA group no longer met the "
        "criteria.\n\n| Arm | Dropped out | No longer met criteria |\n|---|---|---|\n"
        "| MDMA | 67% | 67% |\n"
    )
    claims = check(text)
    # the prose's 67% and the third column's; the "Dropped out" 67% is not MAPP1's response
    assert [(c.start, c.verdict) for c in claims] == [
        (text.index("67%"), "supported"),
        (text.rindex("67%"), "supported"),
    ]
