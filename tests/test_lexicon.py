"""Lexicon semantics and every entry's own examples (Vale-style rule tests).

Each entry carries texts that must fire and texts that must not; an entry that no example makes
fire is a silent bug, so the whole set runs here, one test per entry.
"""

from __future__ import annotations

import functools

import pytest
from helpers import RATINGS

from srcgrade.corpus import load_ratings
from srcgrade.lexicon import LexiconEntry, Matcher, example_problems
from srcgrade.model import Origin

ALL = load_ratings(RATINGS)
ENTRIES = [e for lexicon in ALL.lexicons.values() for e in lexicon.entries]


@functools.cache
def _bundled_matcher() -> Matcher:
    return Matcher(ENTRIES)


def fires_on(rule: str, text: str) -> bool:
    """Whether the bundled lexicons' entry ``rule`` finds something in ``text``: the question
    every table of real sentences below asks."""
    return rule in {m.entry.rule for m in _bundled_matcher().scan(text)}


def entry(
    terms=(), pattern=None, *, after=None, before=None, case=False, rule="t.x"
) -> LexiconEntry:
    import re

    return LexiconEntry(
        rule=rule,
        kind="hype",
        strength=1.0,
        message="m",
        source="s",
        source_url=None,
        terms=tuple(terms),
        pattern=pattern,
        case_sensitive=case,
        unless_followed_by=re.compile(after, re.I) if after else None,
        unless_preceded_by=re.compile(before, re.I) if before else None,
        compiled=re.compile(pattern, 0 if case else re.I) if pattern else None,
        fire=("x",),
        quiet=(),
        origin=Origin("test.yaml", 1),
    )


def spans(matcher: Matcher, text: str) -> list[str]:
    return [text[m.start : m.end] for m in matcher.scan(text)]


def test_the_bundled_lexicons_are_not_empty():
    kinds = {e.kind for e in ENTRIES}
    expected = {"hype", "hedge", "ritual_hedge", "overclaim", "limitation"}
    assert expected | {"specific_citation", "vague_citation"} <= kinds


@functools.cache
def _example_problems(lexicon_id: str) -> list:
    return example_problems(ALL.lexicons[lexicon_id].entries)


@pytest.mark.parametrize("lexicon_entry", ENTRIES, ids=lambda e: e.rule)
def test_every_entry_fires_on_its_examples_and_stays_quiet_on_its_counterexamples(lexicon_entry):
    problems = [
        p
        for p in _example_problems(lexicon_entry.rule.split(".")[0])
        if p.message.startswith(lexicon_entry.rule + ":")
    ]
    assert problems == [], "\n".join(str(p) for p in problems)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", []),
        ("A Breakthrough!", ["Breakthrough"]),
        ("breakthroughs", []),  # whole words only: the plural is its own term
        (
            "a game-changer and a game changer and a gamechanger",
            ["game-changer", "game changer", "gamechanger"],
        ),
        ("the miracle\n  drug", ["miracle\n  drug"]),
        ("it’s a miracle drug", ["miracle drug"]),
        ("unbreakthroughable", []),
    ],
)
def test_terms_match_whole_words_folding_case_space_hyphen(text, found):
    matcher = Matcher([entry(["breakthrough", "game-changer", "miracle drug"])])
    assert spans(matcher, text) == found


def test_one_entry_counts_its_longest_term_once():
    matcher = Matcher([entry(["more research", "more research is needed"], rule="a.ritual")])
    [match] = matcher.scan("Still, more research is needed.")
    assert "Still, more research is needed."[match.start : match.end] == "more research is needed"


def test_shorter_terms_inside_a_longer_one_fire_for_their_own_entries():
    matcher = Matcher(
        [
            entry(["serious adverse events"], rule="a.serious"),
            entry(["adverse events", "serious adverse"], rule="b.adverse"),
            entry(["serious"], rule="c.serious"),
        ]
    )
    found = sorted(
        (m.entry.rule, "x serious adverse events"[m.start : m.end])
        for m in matcher.scan("x serious adverse events")
    )
    assert found == [
        ("a.serious", "serious adverse events"),
        (
            "b.adverse",
            "serious adverse",
        ),  # the entry's second term overlaps its first: counted once
        ("c.serious", "serious"),
    ]


def test_a_shorter_term_never_ends_inside_a_word_of_the_longer_match():
    matcher = Matcher(
        [
            entry(["serious adverse events"], rule="a.plural"),
            entry(["serious adverse event"], rule="b.one"),
        ]
    )
    assert [m.entry.rule for m in matcher.scan("two serious adverse events")] == ["a.plural"]


def test_context_vetoes_rule_out_a_match():
    matcher = Matcher(
        [entry(["breakthrough"], after=r"\s+therapy\s+designation", before=r"\bno\s+$")]
    )
    assert spans(matcher, "It got Breakthrough Therapy designation.") == []
    assert spans(matcher, "This is no breakthrough.") == []
    assert spans(matcher, "A true breakthrough.") == ["breakthrough"]


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        # "whether" is 44 characters before "cure": read to the start of the sentence, not 40
        ("Longer studies are needed to assess whether the treatment provides a long-term cure and "
         "if it reduces stroke and death, Wilber said.", "hype.cure", False),
        ("More studies will assess whether the treatment provides a long-term cure.",
         "hype.cure", False),
        ("Scientists have found a cure for baldness.", "hype.cure", True),
        # "not only ..., but" with a long first half is one point made twice, not a contrast
        ("Not only do these bypass the liver to block CGRP, but one injection appears to be "
         "effective for a month.", "hnr_balance.but", False),
        ("The drug lowered blood pressure, but it did not prevent strokes.",
         "hnr_balance.but", True),
        # the sentence before never vetoes: "of death" ended the line above, and "of researchers"
        # is what the entry rules out
        ("A new study suggests that people who drink a lot of coffee have lower rates of death\n\n"
         "Researchers suspect that ingredients in coffee could have direct health benefits.",
         "attribution.researchers_say", True),
        ("A team of researchers say the drug is safe.", "attribution.researchers_say", False),
        ("Researchers say the drug is safe.", "attribution.researchers_say", True),
    ],
)  # fmt: skip
def test_unless_preceded_by_reads_back_to_the_start_of_the_sentence(text, rule, fires):
    assert fires_on(rule, text) == fires


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        # a frame that denies or doubts the claim, any distance back in the sentence
        ("That does not prove the drug works for everyone.", "hedges.works_for_everyone", False),
        ("There is no evidence that the drug works for everyone.",
         "hedges.works_for_everyone", False),
        ("The researchers did not say the treatment is completely safe.",
         "hedges.no_side_effects", False),
        ("It is far from clear that the drug is completely safe.", "hedges.no_side_effects",
         False),
        ("The study does not show that the pill is clinically proven to help.",
         "hedges.clinically_proven", False),
        ("It is unclear whether the herb, taken for years, cures anxiety.", "hedges.cures_verb",
         False),
        # a clause that asserts anew is the author's claim again
        ("It does not cure cancer, but it works for everyone.", "hedges.works_for_everyone", True),
        ("There is no evidence that it harms the liver; it is completely safe.",
         "hedges.no_side_effects", True),
        # "no doubt" and "nobody doubts" boost the claim, they do not doubt it
        ("There is no doubt that the drug works for everyone.", "hedges.works_for_everyone",
         True),
        ("Nobody doubts that it is completely safe.", "hedges.no_side_effects", True),
    ],
)  # fmt: skip
def test_a_denied_or_doubted_overclaim_is_not_made(text, rule, fires):
    """hedges.yaml's shared veto (?&not_asserted), which every overclaim entry lists (round 15)."""
    assert fires_on(rule, text) == fires


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        # sentences from HNR-reviewed stories and releases: an existing option named and weighed
        ("Widely available ibuprofen is a better choice for pain relief in children.", True),
        ("Jevtana increased survival by an average of 2.4 months compared with standard "
         "chemotherapy.", True),
        ("Radiation treatments were associated with increased urinary or bowel problems, "
         "compared with no treatment or no initial treatment.", True),
        ("Close contact casting resulted in similar functional outcomes at 6 months compared "
         "with surgery.", True),
        # praise of the new thing, or a comparison with a placebo or another group of people
        ("The results indicate that SBRT is a viable option for these patients.", False),
        ("The drug reduced pain compared with a placebo.", False),
        ("Heavy drinkers had more strokes compared with people who drank little.", False),
        ("This should help doctors and caregivers to make better choices.", False),
    ],
)  # fmt: skip
def test_a_comparison_with_an_existing_option_is_an_alternative(text, fires):
    """hnr_context.compared_with_option (round 17)."""
    assert fires_on("hnr_context.compared_with_option", text) == fires


def test_every_overclaim_entry_lists_the_shared_doubt_veto():
    """A new overclaim entry that forgot the shared veto would call a denied claim an overclaim."""
    import yaml

    raw = yaml.safe_load((RATINGS / "lexicons" / "hedges.yaml").read_text())
    missing = []
    for item in raw["entries"]:
        if item.get("kind") == "overclaim":
            vetoes = item.get("unless_preceded_by") or []
            if "(?&not_asserted)" not in (vetoes if isinstance(vetoes, list) else [vetoes]):
                missing.append(item["id"])
    assert missing == []


def test_a_veto_reads_through_quotation_marks():
    """A word in scare quotes is denied or doubted as the bare word is (round 16)."""
    matcher = Matcher([entry(["breakthrough"], before=r"\bnot\s+(?:\w+\s+){0,2}$",
                             after=r"\s+would\s+be\s+premature")])
    assert spans(matcher, 'The trial is not a "breakthrough", the authors stress.') == []
    assert spans(matcher, "It is not a \u201chuge breakthrough\u201d at all.") == []
    assert spans(matcher, "Calling it a \u2018breakthrough\u2019 would be premature.") == []
    assert spans(matcher, 'Calling it a "breakthrough" would be premature.') == []
    # the marks are skipped, not the words: still asserted
    assert spans(matcher, 'It is a "breakthrough", the CEO said.') == ["breakthrough"]
    assert spans(matcher, 'It is not cheap, but a "breakthrough".') == ["breakthrough"]


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        # a question that doubts the word, the word mentioned, a claim the sentence disputes
        ("Is a new Alzheimer's drug really a \"breakthrough\"? Experts urge caution",
         "hype.breakthrough", False),
        ('"Calling this a miracle sets people up for disappointment," said Dr. Ronald Petersen.',
         "hype.miracle", False),
        ("Prompting some to use words such as \"dramatic,\" \"breakthrough\" and \"game "
         "changing,\" to describe early-stage clinical trial results.", "hype.game_changer", False),
        ("The company's presentation to the FDA included the unsubtle phrase \u201chuge "
         "breakthrough,\u201d it said.", "hype.tremendous", False),
        ("But whether it\u2019s truly a \u201chuge breakthrough\u201d is a question that "
         "can\u2019t be answered.", "hype.tremendous", False),
        ("The trial is not a \"breakthrough\", the authors stress.", "hype.breakthrough", False),
        ("Alzheimer's drug: breakthrough or just hype?", "hype.breakthrough", False),
        # said, not doubted: still hype (quoted, where quoted)
        ("Its chief executive called the antibody a \"breakthrough\" and a \"game-changer\".",
         "hype.game_changer", True),
        ("Is aspirin the new wonder drug?", "hype.wonder_drug", True),
        ("It is really a breakthrough.", "hype.breakthrough", True),
        ("The terms of the breakthrough were kept secret.", "hype.breakthrough", True),
    ],
)  # fmt: skip
def test_hype_questioned_mentioned_or_disputed_is_not_claimed(text, rule, fires):
    """hype.yaml's `doubt_question`, `mentioned` and `&doubted` (round 16)."""
    assert fires_on(rule, text) == fires


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        # a relative clause without "that" after the claim is no judgement of it (contact_clause)
        ("The supplement cures joint pain most drugs have never been shown to help.",
         "hedges.cures_verb", True),
        ("This herb cures the headaches you have never been able to shake.",
         "hedges.cures_verb", True),
        ("Claims that the diet cures diabetes have not been proven.", "hedges.cures_verb", False),
        ("Claims that it cures pain in most patients have not been shown to work.",
         "hedges.cures_verb", False),
        # a claim reported as another's (claim_frame); the noun "claims" is judged_after's
        ("Bhat said he also paused when he read the statement in the paper that claimed a 100 "
         "percent success rate three months after surgery.", "hedges.works_for_everyone", False),
        ("For close to a decade now, Pom Wonderful has touted what it claims are the fruit's "
         "scientifically proven health benefits.", "hedges.clinically_proven", False),
        ("Claims that it cures diabetes are now backed by two trials.", "hedges.cures_verb", True),
        # sentences from HNR stories and releases: "cure" as a rate, an aim, denied, doubted
        ("Existing treatments can cure about half of the cases.", "hype.cure", False),
        ("Early diagnosis of melanoma is critical to cure and long term survival.", "hype.cure",
         False),
        ("Nor do the study authors advise drinking as a cure for arthritis.", "hype.cure", False),
        ("It's far too early to know if this scientific first will prove to be a cure, or even a "
         "new treatment.", "hype.cure", False),
        ('He warned that it would be "way overstated" to suggest that the results so far are a '
         "possible cure.", "hype.cure", False),
        ("The new drug is a cure for hepatitis C.", "hype.cure", True),
        # amplifiers that describe or doubt, not sell
        ("Such central post-stroke pain can be extremely disabling and difficult to treat.",
         "hnr_sensational.amplifiers", False),
        ("The IceSense3 device delivers a stable cycle of extremely cold temperatures.",
         "hnr_sensational.amplifiers", False),
        ("All the men had very high levels of LDL, or bad cholesterol.",
         "hnr_sensational.amplifiers", False),
        ("Subjects rated their eczema on a scale from 0 (none) to 10 (extremely bad).",
         "hnr_sensational.amplifiers", False),
        ("Three-D mammography may very well be more accurate than 2-D.",
         "hnr_sensational.amplifiers", False),
        ("To really get a sense of whether gluten sensitivity is a thing, researchers need a "
         "trial.", "hnr_sensational.amplifiers", False),
        ("The ongoing refinement of the technology makes treatment more precise and extremely "
         "reliable.", "hnr_sensational.amplifiers", True),
        ("The team can conduct biopsies with a very high success rate.",
         "hnr_sensational.amplifiers", True),
        # "encouraged" as "urged", "inspired" as a source
        ("In the program group, barbers encouraged the men to meet with specially trained "
         "pharmacists.", "hnr_sensational.emotion_words", False),
        ("Researchers at the Wyss Institute for Biologically Inspired Engineering have developed "
         "a chip.", "hnr_sensational.emotion_words", False),
        ("While encouraged by the results of the study, Bredesen admits more needs to be done.",
         "hnr_sensational.emotion_words", True),
    ],
)  # fmt: skip
def test_round_18_false_findings_are_gone_and_true_ones_stay(text, rule, fires):
    """Precision round 18: sentences from the HNR evaluation texts (docs/validity.md)."""
    assert fires_on(rule, text) == fires


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        # a disease's symptoms, or the illness measured, are not harms of a treatment
        ("Symptoms include recurring headaches, loss of appetite, blurred vision, vomiting, "
         "shifts in personality and seizures.", "hnr_harms.named_side_effects", False),
        ("Surgery also led to an average 76 percent improvement in the migraine-specific MHI "
         "score, measuring outcomes like headache frequency, duration, and severity.",
         "hnr_harms.named_side_effects", False),
        ("Two large recent studies show Botox can reduce the number of headache days in chronic "
         "sufferers.", "hnr_harms.named_side_effects", False),
        ("For the first 3 to 6 months, a woman's period may become irregular and the number of "
         "bleeding days may increase.", "hnr_harms.named_side_effects", True),
        ("Side effects from antidepressants can include constipation, diarrhea and dizziness.",
         "hnr_harms.named_side_effects", True),
        ("The intervention involves creating a safety plan for each patient.", "hnr_harms.safety",
         False),
        # a share, a dose, a population or a disease's stage is not the size or stage of a study
        ("Eli Lilly and Co's new Jardiance pill slashed deaths by 32 percent in patients with "
         "type 2 diabetes.", "hnr_evidence.sample_size", False),
        ("Iron deficiency is the most common nutritional disorder in the world, affecting 2 "
         "billion people.", "hnr_evidence.sample_size", False),
        ("Some of the HIV-1 infected participants received the antibody at the University of "
         "Cologne.", "hnr_evidence.sample_size", False),
        ("Researchers at Brigham and Women's Hospital in Boston looked at 3.8 million pregnant "
         "women nationwide.", "hnr_evidence.sample_size", True),
        ("The new study included 319 black men across 52 black-owned barbershops.",
         "hnr_evidence.sample_size", True),
        ("Many women with early-stage breast cancer can skip chemotherapy.",
         "hnr_evidence.size_or_stage_caveat", False),
        ("In an early-stage study conducted by Geron, the therapy showed potential.",
         "hnr_evidence.early_stage_study", True),
        # "supported by" evidence, a company that "disclosed" a result, funding as an amount
        ("Lozano's finding is supported by a recent animal study demonstrating that DBS in rats "
         "causes the release of growth factors.", "hnr_sources.funded_by", False),
        ("The study was supported by the National Institute on Aging.", "hnr_sources.funded_by",
         True),
        ("Lilly and Boehringer last month disclosed that Jardiance met its primary study goal.",
         "hnr_sources.conflicts", False),
        ("Coleman disclosed receiving speaker fees from Novartis.", "hnr_sources.conflicts",
         True),
        ("More than half of its departments ranked in the top 20 in the nation in research "
         "funding.", "hnr_sources.funding_source", False),
        ("Dr. Ros has previously received research funding from the California Walnut "
         "Commission.", "hnr_sources.funding_source", True),
        # a payer as a source of data; the gold standard of evidence; relative risks listed
        ("He and his team analyzed Medicare claims data from 2001 to 2011.", "hnr_costs.who_pays",
         False),
        ("Forteo is covered by Medicare, Miller said.", "hnr_costs.who_pays", True),
        ("Trials like this are the gold standard of medical evidence.",
         "hnr_context.head_to_head", False),
        ("When it comes to the treatment of Parkinson's disease, the oral drug levodopa has long "
         "been considered the gold standard.", "hnr_context.head_to_head", True),
        ("Those taking Jardiance had a 32 percent lower risk of dying from any cause, and a 35 "
         "percent lower rate of hospitalization.", "hnr_benefits.rate_compared", False),
        ("Acupuncture patients had an average 20 percent drop in their pain score, compared with "
         "a little more than 6 percent among those who had usual care.",
         "hnr_benefits.rate_compared", True),
        # 1. a negative subject before a verb of showing denies the claim (none_showed)
        ("No study has proven that MDMA cures PTSD.", "hedges.cures_verb", False),
        ("None of the trials showed that MDMA cures PTSD.", "hedges.cures_verb", False),
        ("None of the trials proved that the drug is safe.", "hedges.proves", False),
        ("No drug has been proven to cure PTSD.", "hedges.clinically_proven", False),
        ("No drug has been proven to cure PTSD.", "hype.cure", False),
        ("No drug has been proven to cure PTSD.", "attribution.agentless_passive", False),
        ("No study has shown that MDMA is a cure for PTSD.", "hype.cure", False),
        ("A few studies have shown that it cures PTSD.", "hedges.cures_verb", True),
        ("No doubt the new drug cures PTSD.", "hedges.cures_verb", True),
        ("No study has shown harm, but the pill is a breakthrough.", "hype.breakthrough", True),
        ("Patients no longer showed signs of decline, and the drug cures PTSD.",
         "hedges.cures_verb", True),
        # 2. people named by their diagnosis are described, not mongered (the Vox article)
        ("So the researchers enlisted 90 study participants suffering from PTSD and split them "
         "into two groups.", "hnr_mongering.grave_words", False),
        ("This new study offers a tantalizing answer, one that suggests PTSD sufferers with "
         "childhood trauma may actually benefit the most from MDMA.",
         "hnr_mongering.grave_words", False),
        ("Self-compassion is also a powerful counter to the shame that often plagues trauma "
         "survivors.", "hnr_mongering.grave_words", False),
        ("Self-compassion is also a powerful counter to the shame that often plagues trauma "
         "survivors.", "hnr_mongering.plagued_by_illness", False),
        ('You might find yourself thinking, "I did the best I could with the understanding and '
         'awareness I had at the time."', "hnr_mongering.first_person_testimony", False),
        ("I had migraines for years.", "hnr_mongering.first_person_testimony", True),
        # ... but a head count beside "suffer" inflates prevalence (HNR stories)
        ("Novak, now in her 60s, is one of the roughly 35 million Americans who suffer from "
         "migraines.", "hnr_mongering.suffer_prevalence", True),
        ("Millions of Americans suffer from pet allergies.", "hnr_mongering.suffer_prevalence",
         True),
        ("Only 5% of eligible allergy sufferers actually sign on for immunotherapy.",
         "hnr_mongering.suffer_prevalence", False),
        ("Undereye bags, a condition that plagues so many middle-aged and older people.",
         "hnr_mongering.plagued_by_illness", True),
        ("Existing therapies are plagued by inconsistent efficacy and troublesome side effects.",
         "hnr_mongering.plagued_by_illness", False),
        # 3. "promising" as a class of drugs, or a promise that failed
        ("In 2017 the FDA gave MDMA breakthrough therapy designation, a status meant to speed "
         "the review of promising drugs.", "hype.promising", False),
        ("The trial's promising early results did not hold up in a larger study.",
         "hype.promising", False),
        ("Early trials show promising results.", "hype.promising", True),
        # 4. a place after an institution's comma is no person; a cited review is no vague claim
        ("said Dr. Antoni Ribas of the University of California, Los Angeles, who was an "
         "investigator in the trial.", "attribution.name_with_role", False),
        ("The drug was tested at Cedars-Sinai Medical Center, Los Angeles, who led the clinical "
         "trial.", "attribution.name_with_role", False),
        ("Tom Lue, a professor of urology, was not involved.", "attribution.name_with_role",
         True),
        ("Studies show, according to a 2020 Cochrane review of 15 trials, that exercise eases "
         "depression.", "attribution.studies_show", False),
        ("Studies show that exercise eases depression.", "attribution.studies_show", True),
        # 5. harms named by kind, and weighed against the benefit (HNR stories)
        ("Shut down one of its CAR T-cell programs after five patients died of brain swelling.",
         "hnr_harms.complications", True),
        ("The evidence wasn't sufficient to prove that the test's benefits outweighed its "
         "harms.", "hnr_harms.risks_weighed", True),
        ("The panel concluded the benefits did not outweigh its risks.",
         "hnr_harms.risks_weighed", True),
        ("Smoking raises the risk of lung cancer.", "hnr_harms.risks_weighed", False),
    ],
)  # fmt: skip
def test_round_19_false_findings_are_gone_and_true_ones_stay(text, rule, fires):
    """Precision round 19: the HNR criteria's false credits, a reviewer's sentences, and ones
    from the HNR evaluation texts (docs/validity.md, the two precision entries of round 19)."""
    assert fires_on(rule, text) == fires


def test_the_look_behind_stops_at_the_sentence_and_at_its_limit():
    from srcgrade.lexicon import LOOKBEHIND_CHARS

    matcher = Matcher([entry(["breakthrough"], before=r"\bno\b.*$")])
    assert spans(matcher, "This is no ordinary, widely praised, much discussed breakthrough.") == []
    assert spans(matcher, "There is no doubt. A breakthrough.") == ["breakthrough"]
    far = "There is no " + "x " * LOOKBEHIND_CHARS + "breakthrough."
    assert spans(matcher, far) == ["breakthrough"]


def test_case_sensitive_patterns_keep_case():
    matcher = Matcher([entry(pattern=r"\bScience\b", case=True)])
    assert spans(matcher, "Published in Science. science says") == ["Science"]


def test_overlapping_patterns_all_fire():
    matcher = Matcher(
        [
            entry(pattern=r"\bcould\s+help\b", rule="a.hedge"),
            entry(pattern=r"\bcould\s+help\s+millions\b", rule="b.hype"),
            entry(pattern=r"\bpublished\s+in\s+Nature\b", rule="c.pub"),
            entry(pattern=r"\bNature\s+Medicine\b", rule="d.journal"),
        ]
    )
    text = "It could help millions, as published in Nature Medicine."
    assert sorted(m.entry.rule for m in matcher.scan(text)) == [
        "a.hedge",
        "b.hype",
        "c.pub",
        "d.journal",
    ]


def test_a_term_shared_by_two_entries_fires_for_both():
    matcher = Matcher([entry(["cure"], rule="a.one"), entry(["cure"], rule="b.two")])
    assert sorted(m.entry.rule for m in matcher.scan("a cure")) == ["a.one", "b.two"]


def test_seeds_do_not_fire_known_false_friends():
    """'May' the month, 'novel' and FDA designations are not hype or hedges."""
    matcher = Matcher(ENTRIES)
    text = "In May 2024 the FDA granted Breakthrough Therapy designation to a novel compound."
    fired = {(m.entry.kind, text[m.start : m.end].lower()) for m in matcher.scan(text)}
    assert not {k for k, _ in fired} & {"hype", "hedge", "overclaim"}, fired


_EMPTY_MATCH_LEXICON = """\
id: trial
label: Trial
description: A lexicon to break.
kind: hype
sources:
  s: {citation: "A source."}
entries:
  - id: ok
    pattern: '\\bvery\\s+good\\b'
    strength: 1.0
    source: s
    message: "m"
    examples: {fire: ["very good"]}
"""


def _load_with_a_broken_entry(tmp_path, entry_yaml: str) -> tuple:
    """Load the trial lexicon with one more entry, which must be refused while "ok" still loads;
    the file's path and the problems reported."""
    from srcgrade.lexicon import load_lexicon

    path = tmp_path / "trial.yaml"
    path.write_text(_EMPTY_MATCH_LEXICON + entry_yaml, encoding="utf-8")
    lexicon, problems = load_lexicon(path)
    assert lexicon is not None and [e.rule for e in lexicon.entries] == ["trial.ok"]
    return path, problems


@pytest.mark.parametrize(
    "pattern", [r"(?:very\s+)?", "zz*|", r"(?=x)", r"\b", r"(?:ab)?c{0,2}", r"(?i:x)*"]
)
def test_a_pattern_that_can_match_empty_text_is_refused_with_its_line(tmp_path, pattern):
    """Such a pattern made every scan spin forever at the end of the text; now the loader says
    where it is, and the other entries still load."""
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        f"  - id: empty\n    pattern: '{pattern}'\n    strength: 1.0\n    source: s\n"
        '    message: "m"\n    examples: {fire: ["x"]}\n',
    )
    assert [str(p) for p in problems] == [
        f"{path}:15: entry 'empty': pattern can match empty text; make every alternative match "
        "at least one character (no `x?`, `x*` or lookaround alone)"
    ]


_ENTRY_TAIL = "    source: s\n    message: \"m\"\n    examples: {fire: [x]}\n"


@pytest.mark.parametrize(
    ("entry", "line", "message"),
    [
        # "entries.1: 'strength' is a required property" sent the reader counting list items
        ("  - id: nostrength\n    terms: [x]\n", 14,
         "entry 'nostrength': 'strength' is a required property; add `strength:`"),
        # both, or neither, printed the whole entry as a dict and "is valid under each of"
        ("  - id: both\n    terms: [x]\n    pattern: 'y'\n    strength: 1\n", 14,
         "entry 'both' has `terms:` and `pattern:`; it takes one of `terms:` or `pattern:`: keep "
         "one, delete the other"),
        ("  - id: both\n    strength: 1\n", 14, "entry 'both' needs one of `terms:` or `pattern:`"),
        # twelve lines for one mistake buried the other problems of the file
        ("  - id: numbers\n    terms: [1, 2, 3, 4, 5, 6.5, x]\n    strength: 1\n", 15,
         "entry 'numbers' terms: 6 items must be string, not 1, 2, 3, 4, 5, ...; put each in "
         "quotes"),
    ],
    ids=["missing key", "terms and pattern", "neither", "numbers in a list"],
)
def test_a_broken_entry_is_one_problem_said_plainly_at_its_line(tmp_path, entry, line, message):
    path, problems = _load_with_a_broken_entry(tmp_path, entry + _ENTRY_TAIL)
    [problem] = problems
    assert (problem.line, problem.message) == (line, message)
    assert str(path) in str(problem)


def _affiliations() -> Matcher:
    import dataclasses

    person = entry(pattern=r"\b[A-Z][a-z]+\s+[A-Z][a-z]+,\s+a\s+psychiatrist\b", case=True,
                   rule="a.person")
    place = entry(pattern=r"\b(?:at|of)\s+(?:the\s+)?[A-Z][a-z]+\s+(?:University|Hospital)\b",
                  case=True, rule="a.place")
    place = dataclasses.replace(place, unless_right_after=frozenset({"a.person", "a.place"}))
    return Matcher([person, place])


def test_an_affiliation_right_after_a_credited_person_is_not_a_second_source():
    matcher = _affiliations()
    assert spans(matcher, "Lena Park, a psychiatrist at Stanford University, led it.") == [
        "Lena Park, a psychiatrist"
    ]
    # The chain after one name is one affiliation, even past the dropped first part.
    assert spans(matcher, "Lena Park, a psychiatrist at Oslo Hospital, of Bergen University.") == [
        "Lena Park, a psychiatrist"
    ]
    # Not right after: words between, or no person at all.
    assert spans(matcher, "Lena Park, a psychiatrist, ran a trial at Oslo Hospital.") == [
        "Lena Park, a psychiatrist", "at Oslo Hospital"
    ]
    assert spans(matcher, "The trial ran at Oslo Hospital.") == ["at Oslo Hospital"]


def test_the_bundled_institution_entry_does_not_credit_a_named_person_twice():
    """Review of the Vox article: MAPS, named as Rick Doblin's organisation, is not a citation
    of its own."""
    text = ("But when Rick Doblin, the founder of the Multidisciplinary Association for "
            "Psychedelic Studies (MAPS), invited van der Kolk to help lead a new study, he agreed.")
    citations = [(m.entry.rule, text[m.start : m.end]) for m in Matcher(ENTRIES).scan(text)
                 if m.entry.kind == "specific_citation"]
    assert citations == [("attribution.name_with_role", "Rick Doblin, the founder")]


def test_unless_right_after_must_name_an_entry_of_the_same_lexicon(tmp_path):
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        "  - id: place\n    pattern: '\\bat\\s+Oslo\\b'\n    unless_right_after: [ok, okay]\n"
        '    strength: 1.0\n    source: s\n    message: "m"\n    examples: {fire: ["at Oslo"]}\n',
    )
    assert [str(p) for p in problems] == [
        f"{path}:16: entry 'place': unless_right_after names okay, which is no entry of this "
        "lexicon; use the id of an entry in this file"
    ]


def test_reports_what_follows_must_list_finding_kinds(tmp_path):
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        "  - id: cue\n    pattern: '\\bso-called\\b'\n    reports_what_follows: true\n"
        '    strength: 1.0\n    source: s\n    message: "m"\n    examples: {fire: ["so-called"]}\n',
    )
    assert len(problems) == 1 and "reports_what_follows" in str(problems[0])
    assert str(problems[0]).startswith(f"{path}:")


def test_an_entry_id_used_twice_names_both_lines_and_which_is_kept(tmp_path):
    """A researcher who copies an entry to make a new one must learn where the first one is."""
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        "  - id: ok\n    terms: [grand]\n    strength: 1.0\n    source: s\n"
        '    message: "m"\n    examples: {fire: ["grand"]}\n',
    )
    assert [str(p) for p in problems] == [
        f"{path}:14: entry id 'ok' is used twice (first at line 8, which is kept); "
        "give this entry an id of its own"
    ]


def test_an_empty_lexicon_file_says_it_is_empty(tmp_path):
    from srcgrade.lexicon import load_lexicon

    path = tmp_path / "blank.yaml"
    path.write_text("# to be written\n", encoding="utf-8")
    lexicon, problems = load_lexicon(path)
    assert lexicon is None
    assert [str(p) for p in problems] == [
        f"{path}: the file is empty (or only comments); write its keys, or delete the file"
    ]


def test_a_veto_given_as_a_list_rules_out_a_match_when_any_item_does(tmp_path):
    """An entry adds its own case to a shared (aliased) veto instead of copying it; each item
    keeps its own flags (a verbose one may end in a comment)."""
    from srcgrade.lexicon import load_lexicon

    path = tmp_path / "trial.yaml"
    path.write_text(
        _EMPTY_MATCH_LEXICON
        + "  - id: grand\n    terms: [grand]\n    strength: 1.0\n    source: s\n"
        '    message: "m"\n'
        "    unless_followed_by:\n"
        "      - '\\s+piano'\n"
        "      - &doubted |-\n"
        "        (?x)\n"
        "        \\s+ (?:would \\s+ be \\s+ premature)  # a doubt the sentence goes on to state\n"
        "    examples: {fire: [\"a grand result\"], quiet: [\"a grand piano\", "
        "\"calling it grand would be premature\"]}\n",
        encoding="utf-8",
    )
    lexicon, problems = load_lexicon(path)
    assert problems == [] and lexicon is not None
    [grand] = [e for e in lexicon.entries if e.rule == "trial.grand"]
    for text, vetoed in [("a grand piano", True), ("it would be grand would be premature", True),
                         ("a grand result", False)]:
        start = text.index("grand")
        assert grand.vetoed(text, start, start + 5) is vetoed, text


def test_a_broken_regex_in_a_veto_list_is_reported_at_its_own_line(tmp_path):
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        "  - id: grand\n    terms: [grand]\n    strength: 1.0\n    source: s\n"
        '    message: "m"\n    examples: {fire: ["grand"]}\n'
        "    unless_preceded_by:\n      - 'not\\\\s+$'\n      - '(unclosed'\n",
    )
    [problem] = problems
    assert str(problem).startswith(f"{path}:22: entry 'grand': unless_preceded_by is not a valid")


_HANGS = (
    "can take exponential time on a long run of 'a' (a repeat inside a repeat, both able to "
    "match the same text, as in (\\w+\\s?)+ or (a|aa)+), and would hang scoring; make the "
    "inner repeat unambiguous (a separator each round must end with, as in (?:\\w+\\s)+), or "
    "use an atomic group (?>...) or a possessive quantifier (++, *+)"
)


def test_a_pattern_that_would_hang_scoring_is_refused_at_its_line(tmp_path):
    """This pattern took 41 s on "Experts hail it as the best" and 18 more letters without the
    word it wants (each more letter doubles it); now the loader says where it is, and the other
    entries still load."""
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        "  - id: hails\n    pattern: '\\bexperts\\s+(?:\\w+\\s?)+breakthrough'\n"
        '    strength: 1.0\n    source: s\n    message: "m"\n'
        '    examples: {fire: ["Experts hail it as a breakthrough."]}\n',
    )
    assert [str(p) for p in problems] == [f"{path}:15: entry 'hails': pattern {_HANGS}"]


def test_a_veto_that_would_hang_scoring_is_refused_at_its_own_line(tmp_path):
    path, problems = _load_with_a_broken_entry(
        tmp_path,
        "  - id: grand\n    terms: [grand]\n    strength: 1.0\n    source: s\n"
        '    message: "m"\n    examples: {fire: ["grand"]}\n'
        "    unless_preceded_by:\n      - 'not\\s+$'\n"
        "      - '\\bwhether\\s+(?:\\w+\\s?)*$'\n",
    )
    assert [str(p) for p in problems] == [
        f"{path}:22: entry 'grand': unless_preceded_by {_HANGS}"
    ]


def test_an_atomic_or_possessive_repeat_is_the_fix(tmp_path):
    from srcgrade.lexicon import load_lexicon

    for fixed in ("(?>\\w+\\s?)+", "(?:\\w++\\s?)+", "(?:\\w+\\s)+"):
        path = tmp_path / "trial.yaml"
        path.write_text(
            _EMPTY_MATCH_LEXICON
            + f"  - id: hails\n    pattern: '\\bexperts\\s+{fixed}breakthrough'\n"
            '    strength: 1.0\n    source: s\n    message: "m"\n'
            '    examples: {fire: ["Experts hail it as a breakthrough."]}\n',
            encoding="utf-8",
        )
        lexicon, problems = load_lexicon(path)
        assert problems == [] and len(lexicon.entries) == 2, fixed
        assert example_problems(lexicon.entries) == [], fixed


def test_the_sentence_start_read_right_to_left_equals_the_left_to_right_search():
    """``sentence_start_after`` tries only the places where a boundary can begin; it must give
    what a search of the whole window gives, also for runs of marks ("F.D.A.. Dr. Bardy")."""
    from srcgrade.sentences import SENTENCE_END, sentence_start_after

    def _windowed_start(text: str, pos: int, low: int) -> int:
        last = low
        for m in SENTENCE_END.finditer(text, low, min(len(text), pos + 40)):
            if m.end() > pos:
                break
            last = m.end()
        return last

    texts = [
        "Human trial data went to the F.D.A.. Dr. Bardy said a large trial was needed.",
        'He said "Stop." Then she left. What?! No... it was e.g. fine vs. bad.\nNext line\nlower',
        "Dr. Smith et al. found it. U.S. data (Fig. 2) agree. The end.",
        "",
    ]
    for text in texts:
        for pos in range(len(text) + 1):
            for low in (0, max(0, pos - 12)):
                assert sentence_start_after(text, pos, low) == _windowed_start(text, pos, low), (
                    text, pos, low)


def test_a_misspelt_kind_is_reported_with_the_kind_meant(ratings_copy):
    """`kind: hyp` passed validate: the entry's findings were highlighted and scored nothing."""
    path = ratings_copy / "lexicons" / "hype.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    terms: [breakthrough, breakthroughs]\n"
    path.write_text(text.replace(anchor, anchor + "    kind: hyp\n", 1), encoding="utf-8")
    entry_start = text.rindex("  - id: ", 0, text.index(anchor))  # the entry's own line
    line = text[:entry_start].count("\n") + 1
    problems = [p for p in load_ratings(ratings_copy).problems if "'hyp'" in p.message]
    assert [(p.path.endswith("hype.yaml"), p.line) for p in problems] == [(True, line)]
    assert "no criterion counts" in problems[0].message
    assert "did you mean 'hype'?" in problems[0].message


def test_the_bundled_lexicons_make_no_kind_near_a_counted_one_by_mistake():
    assert not [p for p in load_ratings(RATINGS).problems if "no criterion counts" in p.message]
