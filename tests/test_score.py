"""Scoring methods, totals and explanations, on real text from the bundled lexicons."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from helpers import RATINGS, seed_text

from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer, score_articles, scores_table
from srcgrade.rubric import WeightError, resolve_weights
from srcgrade.score import weighted_mean
from srcgrade.weigh import rank, top_n, weighted_totals

RATINGS_LOADED = load_ratings(RATINGS)
SCORER = make_scorer(RATINGS_LOADED)

FILLER = " ".join(["The trial enrolled adults with chronic pain at two clinics."] * 60)


def score(text: str, criterion: str) -> float:
    value = SCORER.score(text).criteria[criterion].score
    assert value is not None
    return value


def test_every_criterion_of_the_core_rubric_is_scored_or_not_applicable():
    result = SCORER.score(FILLER)
    assert set(result.criteria) == {"citations", "hedging", "hype", "numeric_accuracy"}
    for criterion in result.criteria.values():
        assert criterion.score is None or 0 <= criterion.score <= 100
        assert criterion.explanation


def test_author_hype_costs_more_than_the_same_words_quoted():
    own = FILLER + " This miracle cure is a breakthrough."
    quoted = FILLER + ' "This miracle cure is a breakthrough," a patient said.'
    assert score(FILLER, "hype") > score(quoted, "hype") > score(own, "hype")


def test_hype_explanation_says_quoted_words_weigh_less():
    text = FILLER + ' "This is a revolutionary breakthrough for patients," the founder said.'
    explanation = SCORER.score(text).criteria["hype"].explanation
    assert "inside quotations" in explanation and "breakthrough" in explanation


def test_hype_is_relative_to_length():
    short = "A breakthrough. " + " ".join(["Patients took the drug."] * 100)
    long = "A breakthrough. " + " ".join(["Patients took the drug."] * 600)
    assert score(long, "hype") > score(short, "hype")


def test_specific_sources_raise_citations_and_vague_ones_lower_it():
    specific = (
        FILLER + " The results were published in Nature Medicine (doi:10.1038/s41591-021-01336-3)."
    )
    vague = FILLER + " Studies show it works, and experts say it is safe."
    assert score(specific, "citations") > score(FILLER, "citations") > score(vague, "citations")


def test_a_ritual_hedge_beside_a_breakthrough_does_not_earn_full_marks():
    ritual = FILLER + " It is a breakthrough that cures PTSD. More research is needed."
    calibrated = (
        FILLER + " The results suggest a benefit, but the study was small and had no control"
        " group; it is preliminary."
    )
    assert score(ritual, "hedging") < 50 < score(calibrated, "hedging")


def test_numeric_accuracy_is_not_applicable_without_numbers_and_the_total_ignores_it():
    result = SCORER.score("Doctors say the therapy works well for many people with trauma.")
    assert result.criteria["numeric_accuracy"].score is None
    applicable = [c.score for c in result.criteria.values() if c.score is not None]
    assert result.total == pytest.approx(sum(applicable) / len(applicable))


def test_total_is_the_weighted_mean_and_weights_move_it():
    text = FILLER + " Studies show it is a breakthrough."
    equal = SCORER.score(text)
    tilted = SCORER.score(text, weights={"citations": 3})
    scores = {c: s.score for c, s in equal.criteria.items()}
    expected = weighted_mean(scores, {**resolve_weights(SCORER.rubric), "citations": 3})
    assert tilted.total == pytest.approx(expected)
    assert tilted.total != pytest.approx(equal.total)


def test_vectorised_totals_equal_the_per_article_totals():
    scores = score_articles(SCORER, RATINGS_LOADED.articles, {"hype": 2.5})
    table = scores_table(scores)
    weights = resolve_weights(SCORER.rubric, {"hype": 2.5})
    totals = weighted_totals(table, weights)
    for article in scores:
        assert totals[article.id] == pytest.approx(article.total)


def test_rank_and_top_n_agree():
    totals = pd.Series([50.0, math.nan, 90.0, 70.0, 70.0], index=list("abcde"))
    assert rank(totals).to_dict() == {"a": 4, "b": 5, "c": 1, "d": 2, "e": 2}
    assert list(top_n(totals, 3)) == ["c", "d", "e"]


@pytest.mark.parametrize("bad", [
    {"hype": -2}, {"hype": float("nan")}, {"nope": 1},
    {"citations": 0, "hedging": 0, "hype": 0, "numeric_accuracy": 0},
])
def test_resolve_weights_refuses_bad_values(bad):
    with pytest.raises(WeightError):
        resolve_weights(SCORER.rubric, bad)


def test_every_finding_points_at_its_yaml_line():
    text = FILLER + " Studies show this miracle cure works; the results suggest a benefit."
    for criterion in SCORER.score(text).criteria.values():
        for finding in criterion.findings:
            assert finding.origin is not None and finding.origin.line
            assert finding.origin.path.endswith(".yaml")
            assert text[finding.start : finding.end] == finding.text


def test_same_input_same_output():
    text = FILLER + " A breakthrough, studies show."
    assert SCORER.score(text).to_dict() == SCORER.score(text).to_dict()


def test_an_explanation_is_written_when_read_and_is_the_same_text(monkeypatch):
    """Scoring leaves the explanations unwritten (a table or a ranking never reads them); read,
    pickled or compared, each is the paragraph ``explain`` writes."""
    import pickle

    from srcgrade import score as score_module

    text = FILLER + " A breakthrough, studies show, published in the journal Neurology."
    written = []
    explain = score_module.explain
    monkeypatch.setattr(score_module, "explain", lambda *args: written.append(1) or explain(*args))
    unread, read = SCORER.score(text), SCORER.score(text)
    assert not written
    texts = {cid: c.explanation for cid, c in read.criteria.items()}
    assert len(written) == len(texts) and all(texts.values())
    assert read.criteria["hype"].explanation is texts["hype"]  # written once, kept
    assert unread == read and unread.criteria == pickle.loads(pickle.dumps(read.criteria))
    assert pickle.loads(pickle.dumps(unread)).to_dict() == read.to_dict()


def test_count_method_grows_on_a_log_scale_and_saturates_at_full_at():
    from srcgrade.model import Finding, Origin
    from srcgrade.rubric import Criterion
    from srcgrade.score import METHODS

    def _finding(kind: str, rule: str, at: int = 0) -> Finding:
        return Finding(
            start=at, end=at + 1, text="x", kind=kind, quoted=False, message="", rule=rule
        )

    criterion = Criterion(
        id="other_side",
        label="The other side",
        question="?",
        weight=1.0,
        method="count",
        params={
            "reward": {"contrast_marker": 1.0},
            "penalise": {"news_release": 1.0},
            "floor": 10.0,
            "full_at": 15.0,
        },
        levels={},
        sources=(),
        origin=Origin("rubrics/test.yaml", 1),
    )
    count = METHODS["count"]

    def score_of(n: int, penalties: int = 0) -> float:
        found = [_finding("contrast_marker", f"r{i}", i) for i in range(n)]
        found += [_finding("news_release", f"p{i}", 100 + i) for i in range(penalties)]
        result = count(criterion, found, 500, ())
        assert result.score is not None
        return result.score

    assert score_of(0) == pytest.approx(10.0)
    assert score_of(3) == pytest.approx(10.0 + 90.0 * math.log1p(3) / math.log1p(15))
    assert score_of(15) == pytest.approx(100.0) == score_of(40)
    # each further finding adds, but less than the one before (diminishing returns)
    gains = [score_of(n + 1) - score_of(n) for n in range(6)]
    assert all(g > 0 for g in gains) and gains == sorted(gains, reverse=True)
    assert score_of(5, penalties=2) == pytest.approx(score_of(3))
    assert score_of(1, penalties=4) == pytest.approx(10.0)


def test_score_matrix_agrees_with_weighted_totals():
    from srcgrade.weigh import ScoreMatrix

    frame = pd.DataFrame(
        {"a": [10.0, math.nan, 80.0, 50.0], "b": [90.0, 40.0, math.nan, 50.0]}, index=list("wxyz")
    )
    weights = {"a": 2.0, "b": 1.0}
    matrix = ScoreMatrix(frame, ["a", "b"])
    expected = weighted_totals(frame, weights)
    assert matrix.totals(weights) == pytest.approx(expected.to_numpy())
    assert list(matrix.top(weights, 2)) == list(top_n(expected, 2)) == ["y", "z"]


def _criterion(params: dict, method: str = "count"):
    from srcgrade.model import Origin
    from srcgrade.rubric import Criterion

    return Criterion(
        id="test",
        label="Test",
        question="?",
        weight=1.0,
        method=method,
        params=params,
        levels={},
        sources=(),
        origin=Origin("rubrics/test.yaml", 1),
    )


def _found(text: str, kind: str, rule: str, at: int):
    from srcgrade.model import Finding

    return Finding(
        start=at, end=at + len(text), text=text, kind=kind, quoted=False, message="", rule=rule
    )


def test_distinct_counts_each_normalised_text_once():
    from srcgrade.score import _points

    found = [
        _found("said Dr. Jane Smith", "named_source", "s.person", 0),
        _found("Smith", "named_source", "s.person", 40),
        _found("SMITH", "named_source", "s.person", 80),
        _found("according to Ann Lee", "named_source", "s.person", 120),
        _found("but", "contrast_marker", "b.but", 160),
        _found("But", "contrast_marker", "b.but", 200),
    ]
    table = {"reward": {"named_source": 1.0, "contrast_marker": 1.0}}
    # without the parameter every finding counts, as before
    points, used = _points(_criterion(table), found, "reward")
    assert points == {"named_source": 4.0, "contrast_marker": 2.0}
    # distinct by the whole text: "Smith" and "SMITH" are one, "said Dr. Jane Smith" another
    points, _ = _points(_criterion({**table, "distinct": ["named_source"]}), found, "reward")
    assert points == {"named_source": 3.0, "contrast_marker": 2.0}
    # by the last word (the surname): Smith three times is one person, Lee another
    by_name = {**table, "distinct": ["named_source"], "distinct_key": "last_word"}
    points, used = _points(_criterion(by_name), found, "reward")
    assert points == {"named_source": 2.0, "contrast_marker": 2.0}
    assert [f.start for f in used["named_source"]] == [0, 120]
    # distinct: true applies to every kind the table names
    points, _ = _points(_criterion({**table, "distinct": True}), found, "reward")
    assert points == {"named_source": 3.0, "contrast_marker": 1.0}


def test_overlap_once_counts_overlapping_findings_of_one_kind_once():
    from srcgrade.score import _tally

    found = [
        _found("Dr. Daniel Park", "named", "a.titled_name", 0),
        _found("Dr. Daniel Park, director", "named", "a.name_with_role", 0),
        _found("of the clinic", "named", "a.institution", 26),  # adjoins, does not overlap
        _found("but", "contrast", "b.but", 40),
        _found("but also", "contrast", "b.but_also", 40),
    ]
    table = {"reward": {"named": 1.0, "contrast": 1.0}}
    # without the parameter every finding counts, as before
    assert sum(t.counted for t in _tally(_criterion(table), found, "reward")) == 5
    tallies = _tally(_criterion({**table, "overlap_once": ["named"]}), found, "reward")
    counted = [t.finding.rule for t in tallies if t.counted]
    # on a tie the longer span is kept; the contrast kind is not listed, so both still count
    assert counted == ["a.name_with_role", "a.institution", "b.but", "b.but_also"]
    aside = next(t for t in tallies if not t.counted)
    assert aside.finding.rule == "a.titled_name" and aside.aside == "overlap"
    assert "'Dr. Daniel Park, director' (a.name_with_role)" in aside.reason
    assert "overlap_once" in aside.reason
    # `true` applies to every kind; a stronger finding wins over an earlier, longer one
    weaker = [
        _found("at Harvard Medical School, who was not", "named", "a.name_with_role", 0),
        _found("at Harvard Medical School", "named", "a.institution", 0),
        *found[3:],
    ]
    weaker[0] = weaker[0].__class__(**{**_fields(weaker[0]), "strength": 0.5})
    tallies = _tally(_criterion({**table, "overlap_once": True}), weaker, "reward")
    assert [t.finding.rule for t in tallies if t.counted] == ["a.institution", "b.but_also"]


def _fields(finding) -> dict:
    return {name: getattr(finding, name) for name in finding.__dataclass_fields__}


def test_one_person_matched_by_two_rules_is_one_source():
    """"Dr. Daniel Park, director" is a titled name and a name with a role: one citation, and the
    explanation says the other was found and why it earned nothing, with the rubric line."""
    text = (
        "Dr. Daniel Park, director of the sleep clinic, said the effect was small. "
        "The results appeared in the medical journal The Lancet."
    )
    citations = SCORER.score(text).criteria["citations"]
    counted = [t.finding.text for t in citations.tallies if t.counted]
    assert counted == ["Dr. Daniel Park, director", "The Lancet"]
    aside = [t for t in citations.tallies if not t.counted]
    assert [t.finding.text for t in aside] == ["Dr. Daniel Park"]
    assert "overlaps 'Dr. Daniel Park, director'" in aside[0].reason
    assert re.search(r"overlap_once, \S*rubrics/core\.yaml:\d+\)", citations.explanation)
    assert "'Dr. Daniel Park'" in citations.explanation


def test_one_person_with_two_roles_and_an_affiliation_is_one_source():
    """A real sentence (round 14): the titled name, "lead author" and the Keck School earned 2.5
    points for one person. The name with both roles holds the other two, and the affiliation
    right after it is the same person's."""
    text = (
        '"It was stunning," said Dr. Victoria Cortessis, the study\'s lead author and an associate '
        "professor at the Keck School of Medicine of USC."
    )
    citations = SCORER.score(text).criteria["citations"]
    counted = [t.finding.text for t in citations.tallies if t.counted]
    assert counted == ["Dr. Victoria Cortessis, the study's lead author and an associate professor"]
    assert "attribution.institution" not in {f.rule for f in SCORER.findings(text)}


@pytest.mark.parametrize("text, name", [
    ("Dr. JoAnn Manson said the results were clear.", "Dr. JoAnn Manson"),
    ("Dr. Melissa McNeil said the results were clear.", "Dr. Melissa McNeil"),
    ("Dr. Kirsten Bibbins-Domingo said the results were clear.", "Dr. Kirsten Bibbins-Domingo"),
    ("The study was published this week in the New England Journal of Medicine.",
     "published this week in the New England Journal of Medicine"),
    ("It appeared in the American Journal of Geriatric Psychiatry.",
     "American Journal of Geriatric Psychiatry"),
])
def test_a_name_is_found_whole_and_once(text, name):
    """Names with inner capitals and journals of several words were cut short, and one
    journal counted twice ("the New" and "England Journal of Medicine"), round 14."""
    cited = [f.text for f in SCORER.findings(text) if f.kind == "specific_citation"]
    assert cited == [name]


def test_only_with_counts_a_kind_only_beside_another():
    from srcgrade.score import METHODS

    params = {
        "penalise": {"causal_claim": 1.0},
        "only_with": {"causal_claim": ["weak_design", "animal_model"]},
        "per_words": 1000,
        "min_words": 100,
        "half_at": 1.0,
    }
    density = METHODS["density"]
    causal = _found("prevents", "causal_claim", "c.causal", 0)
    weak = _found("associated with", "weak_design", "c.weak", 50)
    alone = density(_criterion(params, "density"), [causal], 100, ())
    assert alone.score == pytest.approx(100.0) and alone.findings == ()
    beside = density(_criterion(params, "density"), [causal, weak], 100, ())
    assert beside.score == pytest.approx(100.0 * 0.5**10)
    assert [f.kind for f in beside.findings] == ["causal_claim"]
    # without only_with the causal claim counts on its own, as before
    plain = {k: v for k, v in params.items() if k != "only_with"}
    assert density(_criterion(plain, "density"), [causal], 100, ()).score == beside.score


def test_the_schema_accepts_distinct_and_only_with_and_refuses_a_bad_key(tmp_path):
    import yaml
    from helpers import copy_ratings

    from srcgrade.corpus import load_ratings as load

    root = copy_ratings(tmp_path)
    path = root / "rubrics" / "health-news-review.yaml"
    rubric = yaml.safe_load(path.read_text(encoding="utf-8"))
    rubric["criteria"]["independent_sources"]["distinct"] = ["independent_source"]
    rubric["criteria"]["independent_sources"]["distinct_key"] = "last_word"
    rubric["criteria"]["hype"]["only_with"] = {"overclaim": ["study_model"]}
    path.write_text(yaml.safe_dump(rubric, sort_keys=False), encoding="utf-8")
    loaded = load(root)
    assert [p for p in loaded.problems if "health-news-review" in p.path] == []
    assert loaded.rubric("health-news-review").criteria["hype"].params["only_with"] == {
        "overclaim": ["study_model"]
    }
    rubric["criteria"]["hype"]["distinct_key"] = "surname"
    path.write_text(yaml.safe_dump(rubric, sort_keys=False), encoding="utf-8")
    assert [p for p in load(root).problems if "health-news-review" in p.path]


def test_numbers_on_a_topic_no_ledger_covers_are_not_judged():
    """An asthma story's numbers have nothing in the MDMA ledger to be checked against."""
    off_topic = SCORER.score("The asthma pill cut attacks by 50% in 61 patients, researchers said.")
    on_topic = SCORER.score("MDMA therapy for PTSD: 67% of patients no longer met PTSD criteria.")
    assert off_topic.criteria["numeric_accuracy"].score is None and off_topic.claims == ()
    assert "No fact ledger" in off_topic.criteria["numeric_accuracy"].explanation
    assert on_topic.criteria["numeric_accuracy"].score is not None and on_topic.claims


RELEASE = (
    "Adults with migraine who took the new drug had two fewer headache days a month than those "
    "on placebo, in a randomized trial of 412 patients published in JAMA Neurology. The trial "
    "lasted 12 weeks, so longer-term effects are unknown. "
    + " ".join(["Patients kept a daily headache diary during the trial."] * 40)
    + "\n\n###\n\nAbout Lakeshore Health\n\nLakeshore Health is a world-renowned center whose "
    "pioneering, groundbreaking research brings breakthrough treatments to patients.\n"
)


def test_hype_in_a_releases_closing_boilerplate_is_flagged_and_not_counted():
    without_boilerplate = RELEASE[: RELEASE.index("\n\n###")]
    for rubric in ("core", "health-news-review"):
        scorer = make_scorer(RATINGS_LOADED, rubric)
        result = scorer.score(RELEASE)
        flagged = [f for f in result.findings if f.boilerplate]
        assert {f.text.lower() for f in flagged} >= {"pioneering", "breakthrough"}
        assert all(RELEASE.index("###") <= f.start for f in flagged)
        hype = result.criteria["hype"]
        assert hype.score == scorer.score(without_boilerplate).criteria["hype"].score
        assert not any(f.boilerplate for f in hype.findings)
        assert "closing boilerplate" in hype.explanation and "'breakthrough'" in hype.explanation
        aside = [f for f in flagged if f.kind == "hype"]
        verb = "is" if len(aside) == 1 else "are"
        assert f"{len(aside)} finding{'s' * (len(aside) != 1)} in the closing" in hype.explanation
        assert f"{verb} not counted." in hype.explanation
    one = RELEASE.replace("pioneering, groundbreaking research brings breakthrough", "research "
                          "brings breakthrough")
    note = make_scorer(RATINGS_LOADED, "core").score(one).criteria["hype"].explanation
    assert "1 finding in the closing boilerplate" in note
    assert "('breakthrough') is not counted" in note


def test_boilerplate_weight_one_counts_the_closing_section_like_the_rest():
    from srcgrade.score import METHODS

    scorer = make_scorer(RATINGS_LOADED, "health-news-review")
    findings = scorer.findings(RELEASE)
    criterion = scorer.rubric.criteria["hype"]
    words = len(RELEASE.split())
    skipping = METHODS["balance"](criterion, findings, words, None)
    params = {**criterion.params, "boilerplate_weight": 1.0}
    counting = METHODS["balance"](_criterion(params, "balance"), findings, words, None)
    assert counting.score < skipping.score
    assert any(f.boilerplate for f in counting.findings)


def test_the_json_contract_carries_the_boilerplate_flag():
    finding = SCORER.score(RELEASE).findings[-1]
    assert finding.to_dict()["boilerplate"] is True
    assert SCORER.score(FILLER + " A breakthrough.").findings[-1].to_dict()["boilerplate"] is False


def test_a_link_to_the_article_itself_is_not_counted_as_a_source():
    """Scraped pages repeat their own address in the header; that cites nothing."""
    own = "https://www.example.com/health/2024/mdma-study"
    other = "https://www.example.org/press/trial-results"
    text = f"[example.com/health]({own}/)\n\n{FILLER} The sponsor's release: {other}."
    as_page = SCORER.score(text, meta={"url": own}).criteria["citations"]
    cited = {f.text.rstrip("/") for f in as_page.findings if f.kind == "specific_citation"}
    assert cited == {other}
    without_address = SCORER.score(text).criteria["citations"]
    assert own in {f.text.rstrip("/") for f in without_address.findings}
    assert without_address.score > as_page.score


@pytest.mark.parametrize(
    ("sentence", "source", "rule"),
    [
        ("See https://doi.org/10.1056/NEJMoa2032994.", "https://doi.org/10.1056/NEJMoa2032994",
         "scholarly_url"),
        ("The paper is doi:10.1038/s41591-021-01336-3.", "10.1038/s41591-021-01336-3", "doi"),
        ("(See doi:10.1016/S0140-6736(20)30000-0.)", "10.1016/S0140-6736(20)30000-0",
         "doi"),
        ("Details: https://www.nih.gov/news/trial, in English.", "https://www.nih.gov/news/trial",
         "scholarly_url"),
        ("Read it at https://www.nih.gov.", "https://www.nih.gov", "scholarly_url"),
        ("The company's page is https://example.com/a?b=1;", "https://example.com/a?b=1",
         "other_url"),
    ],
)
def test_a_link_or_doi_ends_before_the_sentence_punctuation(sentence, source, rule):
    cited = [f for f in SCORER.findings(sentence) if f.kind == "specific_citation"]
    assert [(f.text, f.rule) for f in cited] == [(source, f"attribution.{rule}")]


# --- every figure of an explanation traced to findings and rubric lines (the Vox review) --------

VOX = seed_text("000")


def _figure(explanation: str, label: str) -> float:
    match = re.search(rf"{label}: (-?[\d.]+)[;.]", explanation)
    assert match, f"no '{label}' in: {explanation}"
    return float(match.group(1))


def _rubric_line(origin: str) -> str:
    path, line = origin.rsplit(":", 1)
    return Path(path).read_text(encoding="utf-8").splitlines()[int(line) - 1]


def test_the_points_of_each_finding_add_up_to_the_explanations_points_for_and_against():
    """The Vox citations card said "Points for: 8.0" beside a table of 9 sources with no points:
    each finding's points (weight x strength x quotation factor) must add up to the figures."""
    from srcgrade.score import points_rule, tally_how

    result = SCORER.score(VOX)
    for cid in ("citations", "hedging"):
        criterion = result.criteria[cid]
        counted = [t for t in criterion.tallies if t.counted]
        for direction, label in (("raises", "Points for"), ("lowers", "points against")):
            total = sum(t.points for t in counted if t.direction == direction)
            assert total == pytest.approx(_figure(criterion.explanation, label))
        assert tuple(t.finding for t in counted) == criterion.findings
        by_kind = Counter(t.finding.kind for t in counted)
        assert {c.kind: c.count for c in criterion.contributions} == by_kind
    half = [t for t in result.criteria["citations"].tallies if t.finding.strength == 0.5]
    assert half, "the Vox text cites a URL and an institution at half strength"
    citations = SCORER.rubric.criteria["citations"]
    assert all(t.points == 0.5 and "strength 0.5" in tally_how(citations, t) for t in half)
    quoted = [t for t in result.criteria["hedging"].tallies if t.finding.quoted and t.counted]
    hedging = SCORER.rubric.criteria["hedging"]
    assert quoted and all("x 50% inside a quotation" in tally_how(hedging, t) for t in quoted)
    where = f"{hedging.origin.path}:{hedging.param_lines['quoted_weight']}"
    assert (f"50% inside a quotation or reported (after a distancing phrase, before an "
            f"attribution) (quoted_weight, {where})" in points_rule(hedging))
    assert _rubric_line(where).strip().startswith("quoted_weight:")


def test_hedges_past_a_rules_limit_are_tallied_as_not_counted_with_the_rubric_line():
    """The Vox legend showed 16 hedges, the explanation 14: the other two are a rule's 5th and
    6th matches, past max_per_rule. They must be tallied as such, and the explanation say so."""
    from srcgrade.score import tally_how

    hedging = SCORER.score(VOX).criteria["hedging"]
    rubric = SCORER.rubric.criteria["hedging"]
    aside = [t for t in hedging.tallies if not t.counted]
    assert aside and all(t.aside == "cap" and t.points == 0 for t in aside)
    where = f"{rubric.origin.path}:{rubric.param_lines['max_per_rule']}"
    assert _rubric_line(where).strip().startswith("max_per_rule:")
    counted_rules = Counter(t.finding.rule for t in hedging.tallies if t.counted)
    for tally in aside:
        how = tally_how(rubric, tally)
        assert where in how and tally.finding.rule in how
        assert counted_rules[tally.finding.rule] == rubric.params["max_per_rule"]
    assert f"{len(aside)} calibrated hedges" in hedging.explanation
    assert f"not counted: only the first {rubric.params['max_per_rule']}" in hedging.explanation


FORMULA = re.compile(r"[Ss]core = ([^=]+) = (\d+\.\d)")
PARAMETERS = {
    "balance": ("prior_reward", "prior_penalty"),
    "count": ("full_at", "floor"),
    "presence": ("full_at", "floor"),
    "density": ("half_at",),
    "claims": ("verdicts",),
}


@pytest.mark.parametrize("rubric", ["core", "health-news-review"])
def test_every_formula_names_its_constants_at_their_rubric_lines_and_computes_the_score(rubric):
    """'Score = 100 x (8.0 + 0.5) / (8.0 + 5.0 + 0.5 + 2)' left 0.5 and 2 unexplained: each
    constant must be named with the file:line that sets it, and the formula give the score."""
    scorer = make_scorer(RATINGS_LOADED, rubric)
    for cid, result in scorer.score(VOX).criteria.items():
        criterion = scorer.rubric.criteria[cid]
        if result.score is None:
            continue
        for name in PARAMETERS[criterion.method]:
            where = f"{criterion.origin.path}:{criterion.param_lines[name]}"
            assert f"({name}, {where})" in result.explanation, (cid, name)
            assert _rubric_line(where).strip().startswith(f"{name}:")
        expression, shown = FORMULA.search(result.explanation).groups()
        python = expression.replace(" x ", " * ").replace("^", "**")
        # The explanation's own arithmetic, as Python: numbers, + - * / **, min and log only.
        value = eval(python, {"__builtins__": {}, "min": min, "log": math.log})
        held = re.search(r"the score is held at (\d+)", result.explanation)
        if held:  # a level gate (level_needs, level_forbids) holds it below the formula's value
            assert result.score == float(held[1]) < value
            continue
        assert max(0.0, min(100.0, value)) == pytest.approx(result.score, abs=0.15), (cid, python)
        assert float(shown) == pytest.approx(result.score, abs=0.05)


def test_numeric_accuracy_explains_its_points_per_verdict():
    from srcgrade.score import claim_points

    result = SCORER.score(VOX)
    numeric = result.criteria["numeric_accuracy"]
    criterion = SCORER.rubric.criteria["numeric_accuracy"]
    assert result.claims
    for contribution in numeric.contributions:
        weight = criterion.params["verdicts"][contribution.kind]
        said = f"{contribution.count} {contribution.kind.replace('_', ' ')} x {weight:+g}"
        assert f"{said} = {contribution.points:+g}" in numeric.explanation
    net = sum(claim_points(criterion, c) for c in result.claims)
    assert f"net {net:+.2f} points" in numeric.explanation


def test_hedges_without_a_named_limitation_stay_below_level_4(tmp_path):
    """The content farm's sixteen "may"/"potentially" add up to level 4 by points, but level 4
    asks for a named limitation and it names none: the rubric's `level_needs` holds it at 59."""
    from helpers import copy_ratings

    farm = seed_text("004")
    result = SCORER.score(farm).criteria["hedging"]
    assert "limitation" not in {t.finding.kind for t in result.tallies if t.counted}
    assert result.score == 59 and result.level == 3
    where = re.search(r"\(level_needs, ([^()]*core\.yaml:\d+)\)", result.explanation)
    assert where and _rubric_line(where[1]).strip().startswith("level_needs:")
    # without the key the same points give level 4: the gate, not the points, holds it
    root = copy_ratings(tmp_path)
    core = root / "rubrics" / "core.yaml"
    core.write_text(
        "".join(line for line in core.read_text().splitlines(True) if "level_needs:" not in line)
    )
    ungated = make_scorer(load_ratings(root)).score(farm).criteria["hedging"]
    assert ungated.level == 4 and ungated.score > 60
    # a text that names a limitation is scored by its points alone
    vox = SCORER.score(VOX).criteria["hedging"]
    assert "level_needs" not in vox.explanation and vox.level == 5


def test_promotional_words_in_the_authors_voice_keep_hype_below_level_5():
    """Level 5 says "no promotional language in the author's voice": Vox's 'amazing' and
    'tantalizing' reached it by density (82); `level_forbids` holds it at 79. The same words
    quoted are what level 5 allows ("attributed and put in context")."""
    vox = SCORER.score(VOX).criteria["hype"]
    own = [t.finding.text for t in vox.tallies if t.counted and not t.finding.quoted]
    assert own and vox.score == 79 and vox.level == 4
    where = re.search(r"\(level_forbids, ([^()]*core\.yaml:\d+)\)", vox.explanation)
    assert where and _rubric_line(where[1]).strip().startswith("level_forbids:")
    assert "rules out a promotional word in the author's own voice" in vox.explanation
    long_text = "The trial enrolled adults with chronic pain. " * 120
    said = SCORER.score(long_text + 'One patient called it "a breakthrough" for her.')
    assert said.criteria["hype"].level == 5 and "level_forbids" not in (
        said.criteria["hype"].explanation)
    own_word = SCORER.score(long_text + "It is a breakthrough for her.").criteria["hype"]
    assert own_word.score == 79


def test_a_rubric_naming_a_kind_no_lexicon_makes_is_reported_at_its_line(tmp_path):
    """A misspelt kind in `reward:` used to score nothing without a word."""
    from helpers import copy_ratings

    root = copy_ratings(tmp_path)
    core = root / "rubrics" / "core.yaml"
    text = core.read_text()
    text = text.replace("limitation: 1.5}", "limitaton: 1.5}")
    core.write_text(text)
    problems = [p for p in load_ratings(root).problems if p.path.endswith("core.yaml")]
    typo_line = 1 + text.splitlines().index(
        next(line for line in text.splitlines() if "limitaton" in line)
    )
    messages = {p.line: p.message for p in problems}
    assert "'limitaton'" in messages[typo_line]
    assert "did you mean 'limitation'" in messages[typo_line]
    # level_needs now names a kind the criterion no longer counts: reported too, at its own line
    gate_line = 1 + text.splitlines().index(
        next(line for line in text.splitlines() if "level_needs:" in line)
    )
    assert "could never be reached" in messages[gate_line]


def test_overlap_once_naming_a_kind_no_lexicon_makes_is_reported(tmp_path):
    from helpers import copy_ratings

    root = copy_ratings(tmp_path)
    core = root / "rubrics" / "core.yaml"
    text = core.read_text().replace("overlap_once: true", "overlap_once: [specific_citaton]")
    core.write_text(text)
    line = 1 + text.splitlines().index(
        next(line for line in text.splitlines() if "specific_citaton" in line)
    )
    messages = {p.line: p.message for p in load_ratings(root).problems
                if p.path.endswith("core.yaml")}
    assert "did you mean 'specific_citation'" in messages[line]
    core.write_text(text.replace("overlap_once: [specific_citaton]", "overlap_once: often"))
    assert [p for p in load_ratings(root).problems if p.path.endswith("core.yaml")]


def test_the_level_is_the_level_of_the_whole_number_shown():
    """A hedging score of 79.5 was printed "80/100 (level 4)", against the 20-point bands."""
    from srcgrade.rubric import level_of

    for hundredths in range(0, 10001, 5):
        value = hundredths / 100
        shown = int(f"{value:.0f}")
        assert level_of(value) == level_of(float(shown)) == 1 + min(4, shown // 20), value
    assert level_of(79.5) == 5 and level_of(79.4) == 4 and level_of(59.0) == 3


def test_hype_after_a_distancing_phrase_counts_as_quoted_speech():
    """'Some call it a miracle cure' reports other people's words: the hype in the rest of the
    clause counts as quoted (hype.distancing, reports_what_follows), the author's own words after
    the clause do not."""
    text = "Some call it a miracle cure, but the evidence is preliminary. It is a breakthrough."
    found = {f.text: f.quoted for f in SCORER.findings(text) if f.kind in ("hype", "hedge")}
    assert found == {"miracle": True, "cure": True, "preliminary": False, "breakthrough": False}
    for cue in ("what some have called a", "the so-called", "hailed by some as a", "touted as a"):
        (quoted,) = [f.quoted for f in SCORER.findings(f"It is {cue} miracle drug.")
                     if f.rule == "hype.miracle"]
        assert quoted, cue
    assert score(FILLER + " Some call it a miracle cure.", "hype") > score(
        FILLER + " It is a miracle cure.", "hype")


def test_hype_after_a_distancing_phrase_is_said_to_be_reported_not_in_a_quotation():
    """'Some call it a miracle cure' has no quotation marks: the explanations name the phrase
    that reports the words (and its YAML line), and keep "inside a quotation" for real quotes."""
    from srcgrade.highlight import finding_label
    from srcgrade.score import tally_how

    text = (FILLER + " Some call it a miracle cure. Dr. Smith said: \"It is a breakthrough.\"")
    result = SCORER.score(text)
    hype = result.criteria["hype"]
    by_text = {f.text: f for f in hype.findings}
    miracle, breakthrough = by_text["miracle"], by_text["breakthrough"]
    assert miracle.quoted and miracle.reported_by and miracle.reported_by.text == "Some call it"
    assert miracle.reported_by.rule == "hype.distancing"
    assert str(miracle.reported_by.origin).startswith(str(RATINGS / "lexicons" / "hype.yaml:"))
    assert breakthrough.quoted and breakthrough.reported_by is None
    assert "reported, after 'Some call it' (" in finding_label(miracle)
    assert "quotation" not in finding_label(miracle)
    assert finding_label(breakthrough).endswith("(inside a quotation)")
    criterion = SCORER.rubric.criteria["hype"]
    how = {t.finding.text: tally_how(criterion, t) for t in hype.tallies if t.counted}
    assert "x 30% reported, after 'Some call it'" in how["miracle"], how
    assert "x 30% inside a quotation" in how["breakthrough"], how
    assert ("1 of the 3 promotional words is inside a quotation and 2 are reported after 'Some "
            "call it'; they count 30% as much" in hype.explanation), hype.explanation
    # the JSON contract gains one field; "quoted" keeps its meaning (it counts as quoted)
    found = result.to_dict()["criteria"]["hype"]["findings"]
    as_json = {f["text"]: f for f in found}
    assert as_json["miracle"]["quoted"] is True
    assert as_json["miracle"]["reported_by"]["text"] == "Some call it"
    assert as_json["breakthrough"]["reported_by"] is None


def test_hype_that_backers_or_sellers_say_is_reported_not_the_authors():
    """'Supporters say it offers new hope' reports the backers' words as 'some call it' does
    (hype.distancing, round 15); the critics' half of the sentence is the author's report."""
    text = ("Supporters say the drug offers new hope to patients; critics say the evidence is "
            "thin. The manufacturer says that it is a breakthrough.")
    found = {f.rule: f for f in SCORER.findings(text) if f.kind == "hype"}
    assert found["hype.new_hope"].quoted
    assert found["hype.new_hope"].reported_by.text == "Supporters say"
    assert found["hype.breakthrough"].reported_by.text == "The manufacturer says that"
    # the author's own words after the clause still count in full
    (own,) = [f for f in SCORER.findings("Supporters say so; the drug offers new hope.")
              if f.rule == "hype.new_hope"]
    assert not own.quoted and own.reported_by is None


def test_a_reported_clause_runs_on_past_a_relative_clause_set_off_by_commas():
    """'She said the new procedure, which coaxes stem cells ..., offers promise': the speaker's
    claim resumes after the parenthetic 'which' clause (round 18, an HNR story); a 'which'
    clause that ends the sentence, and what follows a new clause, stay the author's."""
    text = ("She said the new procedure, which coaxes stem cells to regenerate normal tissue in "
            "the body, offers promise.")
    (promise,) = [f for f in SCORER.findings(text) if f.rule == "hype.great_promise"]
    assert promise.quoted and promise.reported_by.text == "said"
    for own in ("She said the drug works, which is a breakthrough.",
                "She said the drug, which is cheap, works, and it is a breakthrough."):
        (word,) = [f for f in SCORER.findings(own) if f.rule == "hype.breakthrough"]
        assert not word.quoted, own


def test_an_attribution_with_a_plural_present_verb_reports_the_clause_before_it():
    """', say scientists who developed the new procedure' (round 18, an HNR story)."""
    text = ("A new form of cataract surgery has restored vision in babies, and someday the "
            "technique may hold promise for millions of older Americans, say scientists who "
            "developed the new procedure.")
    (promise,) = [f for f in SCORER.findings(text) if f.rule == "hype.great_promise"]
    assert promise.quoted and promise.reported_by.rule == "hype.attributed_after"


def test_overlapping_hype_counts_once():
    """'offered hope for the millions' is one claim, not 'offered hope' and 'hope for the
    millions' (overlap_once on the hype criteria)."""
    hnr = make_scorer(RATINGS_LOADED, "health-news-review")
    text = FILLER + " Their findings offered hope for the millions of people with migraine."
    rules = [f.rule for f in hnr.findings(text)]
    assert "hype.new_hope" in rules and "hype.hope_for_millions" in rules
    result = hnr.score(text).criteria["hype"]
    assert "overlap_once" in result.explanation


def test_the_quoted_note_names_the_kinds_that_are_quoted():
    """The Vox article's hedging explanation ended "lowers by 3 promotional words ('amazing',
    ...). Of these, 3 are inside quotations": the promotional words are the author's own; the
    quoted findings were a limitation and two hedges."""
    text = (FILLER + ' "The drug seemed to help, and this suggests a benefit," one author said. '
            "This amazing result was striking. This phase 2 trial was small.")
    hedging = SCORER.score(text).criteria["hedging"]
    quoted = {f.kind for f in hedging.findings if f.quoted}
    assert quoted == {"hedge"}, [(f.text, f.kind, f.quoted) for f in hedging.findings]
    assert any(f.kind == "hype" and not f.quoted for f in hedging.findings)
    explanation = hedging.explanation
    assert "Both calibrated hedges are inside quotations; they count 50% as much" in explanation
    assert "Of these" not in explanation and "promotional words are inside" not in explanation


def test_quoted_findings_of_two_kinds_are_counted_per_kind():
    """The Vox article itself: quoted hedges and a quoted limitation, said kind by kind (the
    counts come from its findings, since other lexicon edits may move them)."""
    from srcgrade.score import kind_name

    text = (RATINGS / "articles" / "texts" / "000_vox-mdma-self-experience.txt").read_text()
    hedging = SCORER.score(text).criteria["hedging"]
    kinds = Counter(f.kind for f in hedging.findings)
    quoted = Counter(f.kind for f in hedging.findings if f.quoted)
    assert {"hedge", "limitation"} <= set(quoted) and "hype" not in quoted, quoted
    for kind in quoted:
        said = (f"{quoted[kind]} of the {kinds[kind]} {kind_name(kind, kinds[kind])} "
                f"{'is' if quoted[kind] == 1 else 'are'} inside")
        assert said in hedging.explanation.replace("\n", " "), (said, hedging.explanation)
    assert "Quoted findings count 50% as much as the author's own words." in hedging.explanation
    assert "Of these" not in hedging.explanation


def test_one_quoted_finding_is_counted_in_the_singular():
    """The explanation read "1 of these are inside quotations"."""
    text = FILLER + ' The director called the result "a breakthrough" in an interview.'
    hype = SCORER.score(text).criteria["hype"]
    assert "The promotional word is inside a quotation; it counts 30% as much" in hype.explanation


HNR_SCORER = make_scorer(RATINGS_LOADED, "health-news-review")


def _voice(text: str, kinds=("hype", "overclaim")) -> dict[str, str]:
    """Each hype or overclaim finding's text -> 'author', 'quoted' or the reporting phrase."""
    return {f.text: (f.reported_by.text if f.reported_by else "quoted" if f.quoted else "author")
            for f in SCORER.findings(text) if f.kind in kinds}


@pytest.mark.parametrize("text, expected", [
    # round 16 (QA review): an attribution after the words, without quotation marks
    ("The new pill is a breakthrough, the company said in a statement.",
     {"breakthrough": "the company said"}),
    ("This is a breakthrough, said Dr. Anna Berg, who led the study.",
     {"breakthrough": "said Dr. Anna Berg"}),
    ("The drug is a game-changer for patients, according to the company.",
     {"game-changer": "according to the company"}),
    ("The findings are encouraging but preliminary, the authors wrote.",
     {"are encouraging": "the authors wrote"}),
    ("The drug is a breakthrough for patients and families, the company said in a statement, and "
     "a game-changer for the field, according to its chief executive.",
     {"breakthrough": "the company said", "game-changer": "according to its chief executive"}),
    ("Headlines called it a breakthrough, but the study had only 12 participants.",
     {"breakthrough": "Headlines called it"}),
    ("Advertisements claim the device cures back pain, but no trial has tested it.",
     {"cures": "Advertisements claim"}),
    ("The website promises a cure for autism, which experts call dangerous.",
     {"cure": "website promises"}),
    # the writer's own words, and data, stay the author's
    ("It is a miracle, I said to myself.", {"miracle": "author"}),
    ("Patients improved dramatically, according to the study.",
     {"improved dramatically": "author"}),
    ("In a breakthrough study, researchers said the drug lowered blood pressure.",
     {"breakthrough": "author"}),
])
def test_hype_attributed_after_the_clause_is_reported(text, expected):
    assert _voice(text) == expected


def test_an_attribution_after_the_words_is_named_as_such_in_explanations():
    result = SCORER.score(FILLER + " The new pill is a breakthrough, the company said.")
    (finding,) = result.criteria["hype"].findings
    assert finding.reported_by.rule == "hype.attributed_after" and finding.reported_by.follows
    assert "reported, before 'the company said' (" in finding.reported_by.describe()
    assert "reported before 'the company said'" in result.criteria["hype"].explanation


@pytest.mark.parametrize("text", [
    # round 16 (QA review): denied, declined, doubted or warned against; a proper noun
    "These statements have not been evaluated by the Food and Drug Administration. This product "
    "is not intended to diagnose, treat, cure, or prevent any disease.",
    "Researchers were careful not to call the result a breakthrough.",
    "The authors stopped short of calling the drug a cure.",
    "The authors avoided calling it a miracle.",
    "None of the scientists we spoke to would describe the results as a breakthrough.",
    "It is a mistake to call this a breakthrough.",
    "The supplement is unlikely to be a miracle cure for anyone.",
    "Beware of any product that promises a miracle cure.",
    "The Revolutionary War veteran was treated at the VA hospital.",
])
def test_hype_denied_declined_or_warned_against_is_no_finding(text):
    assert _voice(text) == {}


def test_a_bare_no_side_effects_in_an_ad_is_an_overclaim_not_a_limitation():
    for text in ("No side effects.", "- 100% natural ingredients\n- No side effects\n"):
        kinds = {f.kind for f in SCORER.findings(text) if "side effects" in f.text}
        assert kinds == {"overclaim"}, text
    assert {f.kind for f in SCORER.findings("No side effects were reported in the trial.")
            if "side effects" in f.text} == set()
    assert "overclaim" in {f.kind for f in SCORER.findings("Our formula has no side effects.")}


def test_no_benefit_across_a_paragraph_break_or_from_a_discount():
    text = ("- 100% natural ingredients\n- No side effects\n- Made in the USA\n\n"
            "Order today and get 50% off your first bottle.")
    kinds = {f.kind for f in HNR_SCORER.findings(text)}
    assert not kinds & {"absolute_benefit", "benefit_number"}, kinds


def test_hedging_leaves_out_the_closing_boilerplate_as_hype_does():
    body = FILLER + " The results may not apply to older adults."
    about = "\n\nAbout Example University\nExample University is a pioneering research university."
    assert score(body + about, "hedging") == score(body, "hedging")


# Round 18: verbs of saying and believing, calling, and an attribution before the words report
# what follows them, as "she said" does (the QA review's sentences; hype.said_that,
# believes_before, called_it, according_before).
@pytest.mark.parametrize("verb", [
    "said", "announced", "stated", "wrote", "noted", "added", "explained", "reported", "tweeted",
    "declared", "predicted", "boasted", "asserted", "suggested", "argued", "insisted", "promised",
])
def test_hype_after_a_verb_of_saying_that_is_reported(verb):
    voice = _voice(f"The company {verb} that the drug is a breakthrough.")
    assert voice["breakthrough"] != "author", voice


@pytest.mark.parametrize("text, word", [
    ("The company believes the drug is a breakthrough.", "breakthrough"),
    ("Its makers hope the pill will be a game-changer.", "game-changer"),
    ("Dr. Lee called the drug a breakthrough.", "breakthrough"),
    ("Many patients call it a miracle.", "miracle"),
    ("He described the treatment as revolutionary, a view few colleagues share.", "revolutionary"),
    ("According to Dr. Lee, this is a breakthrough.", "breakthrough"),
    ("In Dr. Lee's words, this is a breakthrough.", "breakthrough"),
    # real sentences of the HNR evaluation texts
    ("Prof Nicholas Turner from the Institute of Cancer Research in London described the findings "
     "as really exciting and as a possible universal screening tool.", "exciting"),
    ("One U.S. neurologist agreed that the drug seems promising against a disease with few "
     "treatment options.", "promising"),
    ("Lorren Sandt, chairwoman of the National Viral Hepatitis Roundtable, an advocacy group, "
     "called the trial results impressive.", "impressive"),
])
def test_hype_after_a_belief_a_label_or_an_attribution_before_is_reported(text, word):
    voice = _voice(text)
    assert voice[word] != "author", voice


@pytest.mark.parametrize("text, word", [
    ("This suggests that the drug is a breakthrough.", "breakthrough"),
    ("The study reported that the drug is a breakthrough.", "breakthrough"),
    ("I think the results are remarkable.", "remarkable"),
    ("I would call it a breakthrough.", "breakthrough"),
    ("In my view, this is a breakthrough.", "breakthrough"),
    ("She wrote a groundbreaking book about the disease.", "groundbreaking"),
])
def test_the_writer_and_data_before_such_verbs_stay_the_authors(text, word):
    voice = _voice(text)
    assert voice.get(word) == "author", voice


def test_overlapping_overclaims_count_once_in_hedging():
    """'completely cured' is completely_permanently and cures_verb: one claim (round 18)."""
    text = FILLER + " The drug completely cured the disease in all 12 patients."
    for scorer in (SCORER, HNR_SCORER):
        hedging = scorer.score(text).criteria["hedging"]
        counted = [f.text for f in hedging.findings if f.kind == "overclaim"]
        assert counted == ["completely cured"], counted
