"""Agreement with experts: metrics by hand, bad lines, weight recovery, the HNR rubric's YAML."""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from srcgrade import evaluate
from srcgrade.cli import EXIT_PROBLEMS, main
from srcgrade.corpus import load_ratings, read_weights_file
from srcgrade.lexicon import example_problems
from srcgrade.yamlio import schema_errors

REPO = Path(__file__).resolve().parents[1]

# --- pure metrics ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "ranks"),
    [([], []), ([3.0], [1.0]), ([10, 20, 20, 5], [2, 3.5, 3.5, 1]), ([1, 1, 1], [2, 2, 2])],
)
def test_rankdata_averages_ties(values, ranks):
    assert evaluate.rankdata(values).tolist() == ranks


def test_spearman_and_auc_by_hand():
    # ranks of x: 5 4 2 3 1; of y: 5 4 3 2 1; sum d^2 = 2; rho = 1 - 6*2 / (5*24) = 0.9
    assert evaluate.spearman([100, 75, 25, 50, 0], [5, 4, 3, 2, 1]) == pytest.approx(0.9)
    # positives 3 and 1 against negatives 2 and 0: 3>2, 3>0, 1<2, 1>0 -> 3 of 4 pairs
    assert evaluate.auc([3, 2, 1, 0], [True, False, True, False]) == pytest.approx(0.75)
    assert evaluate.auc([1, 1], [True, False]) == pytest.approx(0.5)  # a tie counts one half
    assert math.isnan(evaluate.auc([1, 2], [True, True]))  # one class only
    assert math.isnan(evaluate.spearman([1, 1, 1], [1, 2, 3]))  # constant side


def test_bootstrap_interval_brackets_the_estimate_and_is_seeded():
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = x + rng.normal(size=200)
    low, high = evaluate.bootstrap_ci(x, y, draws=300, seed=3)
    assert low < evaluate.spearman(x, y) < high
    assert (low, high) == evaluate.bootstrap_ci(x, y, draws=300, seed=3)


# --- evaluate on a small JSONL with a tiny rubric ----------------------------------------------

LEXICON = """\
id: mini
label: Mini lexicon for tests
kind: harm_mention
sources:
  test: {citation: "Written for the tests."}
entries:
  - id: side_effects
    terms: [side effects]
    strength: 1
    source: test
    message: "Mentions side effects."
    examples: {fire: ["It has side effects."], quiet: ["It has effects."]}
  - id: price
    kind: cost_mention
    terms: [price]
    strength: 1
    source: test
    message: "Mentions the price."
    examples: {fire: ["The price is high."]}
"""

RUBRIC = """\
id: mini
label: Mini rubric
lexicons: [mini]
criteria:
  harms:
    label: Harms
    question: Harms?
    weight: 1
    method: presence
    reward: {harm_mention: 1}
    full_at: 2
    levels: {1: a, 2: b, 3: c, 4: d, 5: e}
    sources: [test]
  costs:
    label: Costs
    question: Costs?
    weight: 1
    method: presence
    reward: {cost_mention: 1}
    full_at: 1
    levels: {1: a, 2: b, 3: c, 4: d, 5: e}
    sources: [test]
"""

SAT, NOT = "Satisfactory", "Not Satisfactory"
# harms = 50 per mention (full at 2), costs = 0 or 100; total = their mean
ROWS = [
    ("a", "side effects, side effects and the price.", 5, SAT),  # 100, 100 -> 100
    ("b", "side effects and the price.", 4, SAT),  # 50, 100 -> 75
    ("c", "side effects only.", 3, NOT),  # 50, 0 -> 25
    ("d", "only the price.", 2, NOT),  # 0, 100 -> 50
    ("e", "nothing to see.", 1, NOT),  # 0, 0 -> 0
]


@pytest.fixture
def mini(tmp_path: Path) -> tuple[Path, Path]:
    ratings = tmp_path / "ratings"
    (ratings / "lexicons").mkdir(parents=True)
    (ratings / "rubrics").mkdir()
    (ratings / "lexicons" / "mini.yaml").write_text(LEXICON, encoding="utf-8")
    (ratings / "rubrics" / "mini.yaml").write_text(RUBRIC, encoding="utf-8")
    lines = [
        json.dumps({"id": i, "text": t, "stars": s, "criteria": {"harms": h}})
        for i, t, s, h in ROWS
    ]
    lines += [
        "{not json",  # line 6
        json.dumps({"id": "x", "stars": 3}),  # line 7: no text
        json.dumps({"id": "y", "text": "side effects", "stars": "three"}),  # line 8
        json.dumps({"id": "z", "text": "captcha", "stars": 2, "text_flag": "captcha page"}),
    ]
    data = tmp_path / "rated.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ratings, data


def test_evaluate_gives_the_figures_computed_by_hand(mini, capsys):
    ratings, data = mini
    code = main(["evaluate", str(data), "--ratings", str(ratings), "--format", "json",
                 "--bootstrap", "50", "--min-judged", "5"])
    captured = capsys.readouterr()
    assert code == EXIT_PROBLEMS
    report = json.loads(captured.out)["datasets"][0]
    assert report["n"] == 5
    assert report["text_flagged"] == 1
    assert report["bad_lines"] == 3
    assert report["total"]["spearman"] == pytest.approx(0.9)
    # stars >= 3 (totals 100, 75, 25) against below (50, 0): 5 of 6 pairs ordered right
    assert report["total"]["auc_stars_ge_3"] == pytest.approx(5 / 6, abs=1e-3)
    harms = next(r for r in report["criteria"] if r["criterion"] == "harms")
    # Satisfactory (100, 50) against Not (50, 0, 0): 3 + (0.5 + 1 + 1) = 5.5 of 6 pairs
    assert harms["hnr"] == "harms"
    assert harms["hnr_auc"] == pytest.approx(5.5 / 6, abs=1e-3)
    low, high = harms["hnr_auc_ci95"]  # resampled texts: brackets the figure, within [0, 1]
    assert 0 <= low <= harms["hnr_auc"] <= high <= 1 and low < high
    assert report["length_baseline"]["n"] == 5
    for line in (6, 7, 8):
        assert f"{data}:{line}:" in captured.err
    assert "not a number" in captured.err and "invalid JSON" in captured.err


def test_evaluate_markdown_names_the_baseline(mini, capsys):
    ratings, data = mini
    given = ["evaluate", str(data), "--ratings", str(ratings), "--bootstrap", "20"]
    assert main(given) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "| Spearman rho with stars | 0.90" in out
    assert "article length" in out
    # "1 junk texts left out" never said what junk is
    assert ("5 texts rated; 1 text left out, flagged as junk in the file's `text_flag` (a "
            "captcha page, a browser notice, a scrap of text); 3 bad lines skipped.") in out


def test_a_half_too_small_for_figures_is_named_not_dropped(mini, capsys):
    """Four of the five ids hash to half A; half B's one text is too few, and the report says so
    instead of leaving a reader to wonder where half B went."""
    ratings, data = mini
    given = ["evaluate", str(data), "--ratings", str(ratings), "--bootstrap", "20"]
    assert main(given) == EXIT_PROBLEMS  # the mini file's bad lines
    out = capsys.readouterr().out
    assert "- half A (n=4): rho" in out
    assert "- half B: fewer than 3 texts, no figures" in out


def test_evaluate_refuses_a_missing_file(mini, capsys):
    ratings, _ = mini
    assert main(["evaluate", "nowhere.jsonl", "--ratings", str(ratings)]) == 2
    assert "no such file" in capsys.readouterr().err


# --- fit-weights -------------------------------------------------------------------------------


def test_fit_weights_recovers_known_weights():
    rng = np.random.default_rng(7)
    values = rng.uniform(0, 100, size=(400, 4))
    values[rng.random(values.shape) < 0.1] = np.nan  # some criteria do not apply
    true = np.array([0.5, 0.3, 0.2, 0.0])
    target = evaluate.weighted_totals(values, true)
    fitted = evaluate.fit_weights(values, target)
    assert fitted == pytest.approx(true, abs=0.03)
    assert (fitted >= 0).all() and fitted.sum() == pytest.approx(1.0)


def test_cross_validation_reports_out_of_fold_rho():
    rng = np.random.default_rng(8)
    values = rng.uniform(0, 100, size=(300, 3))
    target = evaluate.weighted_totals(values, np.array([0.6, 0.4, 0.0]))
    target = target + rng.normal(0, 10, size=target.size)
    ids = [f"id{i}" for i in range(300)]
    cv = evaluate.cross_validate(values, target, ids, folds=5)
    assert len(cv.fold_rhos) == 5
    assert 0.5 < cv.rho <= cv.in_sample_rho + 0.05


def test_fit_weights_prints_a_valid_loadable_preset(mini, tmp_path, capsys):
    ratings, data = mini
    # enough rated texts for five folds: the five rows repeated under new ids
    rows = [json.loads(line) for line in data.read_text().splitlines()[:5]]
    many = [dict(r, id=f"{r['id']}{k}") for k in range(4) for r in rows]
    big = tmp_path / "many.jsonl"
    big.write_text("\n".join(json.dumps(r) for r in many) + "\n", encoding="utf-8")
    out = tmp_path / "weights.yaml"
    assert main(["fit-weights", str(big), "--ratings", str(ratings), "-o", str(out)]) == 0
    assert "cross-validated rho" in capsys.readouterr().err
    preset = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert set(preset) == {"name", "rubric", "description", "fitted_on", "cross_validated_rho",
                           "weights"}
    assert not list(schema_errors(_doc(out), "weights"))
    weights = read_weights_file(out)
    assert set(weights) == {"harms", "costs"} and all(w > 0 for w in weights.values())
    assert main(["rate", str(big), "--ratings", str(ratings), "--weights-file", str(out),
                 "--format", "csv"]) == 0


def test_evaluate_warns_when_the_weights_were_fitted_on_the_file_it_rates(mini, tmp_path, capsys):
    """Scoring a file with weights fitted on that same file flatters the rubric; the report must
    say so and give the cross-validated figure instead (and stay quiet otherwise)."""
    ratings, data = mini
    rows = [json.loads(line) for line in data.read_text().splitlines()[:5]]
    big = tmp_path / "many.jsonl"
    big.write_text(
        "\n".join(json.dumps(dict(r, id=f"{r['id']}{k}")) for k in range(4) for r in rows) + "\n",
        encoding="utf-8",
    )
    other = tmp_path / "other.jsonl"
    other.write_text(big.read_text(encoding="utf-8"), encoding="utf-8")
    (ratings / "weights").mkdir()
    preset = ratings / "weights" / "mini-fitted.yaml"
    assert main(["fit-weights", str(big), "--ratings", str(ratings), "-o", str(preset)]) == 0
    fitted = yaml.safe_load(preset.read_text(encoding="utf-8"))
    capsys.readouterr()

    def report(*extra: str) -> dict:
        assert main(["evaluate", str(big), str(other), "--ratings", str(ratings), "--bootstrap",
                     "20", "--format", "json", *extra]) == 0
        return {d["file"]: d for d in json.loads(capsys.readouterr().out)["datasets"]}

    with_fitted = report("--weights-file", str(preset))
    assert with_fitted["many.jsonl"]["weights_fitted_here"] == {
        "preset": "mini-fitted", "cross_validated_rho": fitted["cross_validated_rho"]}
    assert with_fitted["other.jsonl"]["weights_fitted_here"] is None  # not fitted on that file
    assert all(d["weights_fitted_here"] is None for d in report("--weights", "harms=5").values())

    # the README's way: the preset written outside the ratings folder and given as a file
    outside = tmp_path / "weights.yaml"
    preset.rename(outside)
    assert main(["evaluate", str(big), "--ratings", str(ratings), "--bootstrap", "20",
                 "--weights-file", str(outside)]) == 0
    out = capsys.readouterr().out
    assert "in-sample" in out
    assert f"it is {fitted['cross_validated_rho']:.3f}" in out


# --- fit-weights: criteria scored on too few texts, weak agreement ---------------------------


def _one_text_criterion(n: int = 60) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Two criteria scored on every text and following the stars with noise, and a third scored
    on one text only: a top-rated text the other two rate low, so a weight fitted to that one
    text pays off in-sample."""
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0, 100, n), rng.uniform(0, 100, n)
    stars = np.clip(np.round((0.6 * a + 0.4 * b) / 20 + rng.normal(0, 0.8, n)), 1, 5)
    a[0], b[0], stars[0] = 10.0, 20.0, 5.0
    c = np.full(n, np.nan)
    c[0] = 100.0
    return np.column_stack([a, b, c]), stars, [f"t{k}" for k in range(n)]


def test_a_criterion_scored_on_one_text_keeps_its_default_weight():
    values, stars, ids = _one_text_criterion()
    names, defaults = ["a", "b", "c"], {"a": 1.0, "b": 1.0, "c": 2.0}
    # Fitted like the others, the one text decides the weight: c takes most of it.
    unguarded = evaluate.fit_preset(values, stars, ids, names, defaults, minimum=0).weights
    assert unguarded["c"] > unguarded["a"] + unguarded["b"]
    fit = evaluate.fit_preset(values, stars, ids, names, defaults)
    assert fit.held == {"c": 1} and fit.minimum == evaluate.min_scored(len(ids))
    assert fit.weights["c"] == defaults["c"]
    # a and b share the weight the rubric gives them together, so c keeps its share of a total
    assert fit.weights["a"] + fit.weights["b"] == pytest.approx(2.0, abs=0.01)
    assert fit.weights["a"] > fit.weights["b"]  # the stars follow a more than b
    assert "c (1 text)" in fit.held_note() and f"fewer than {fit.minimum} of 60" in fit.held_note()


def test_the_minimum_is_ten_texts_or_five_percent_but_never_more_than_the_file():
    assert evaluate.min_scored(94) == 10
    assert evaluate.min_scored(743) == math.ceil(0.05 * 743)
    assert evaluate.min_scored(8) == 8  # a criterion scored on every text can always be fitted


def test_fit_weights_warns_when_its_weights_do_not_beat_chance_or_the_defaults():
    rng = np.random.default_rng(2)
    values = rng.uniform(0, 100, size=(80, 3))
    ids, names = [f"t{k}" for k in range(80)], ["a", "b", "c"]
    defaults = {"a": 1.0, "b": 1.0, "c": 1.0}
    noise = np.random.default_rng(10).integers(1, 6, 80).astype(float)  # stars unrelated
    chance = evaluate.fit_preset(values, noise, ids, names, defaults)
    assert chance.cv.rho <= 0
    assert ["no better than chance" in w for w in chance.rho_warnings()] == [True]
    flat = evaluate.fit_preset(values, np.full(80, 3.0), ids, names, defaults)
    assert math.isnan(flat.cv.rho)
    assert ["undefined" in w for w in flat.rho_warnings()] == [True]
    follows = values @ np.array([0.7, 0.2, 0.1]) + rng.normal(0, 5, 80)
    good = evaluate.fit_preset(values, follows, ids, names, defaults)
    assert good.cv.rho > max(good.default_rho, evaluate.LOW_RHO) and good.rho_warnings() == []


def test_fit_weights_reports_held_criteria_on_stderr_and_in_the_preset(
    mini, tmp_path, capsys, monkeypatch
):
    """Through the command: the rubric's 'costs' is scored on one text (the scores are made up
    by a stand-in for score_table, so the case does not hang on what the lexicon finds)."""
    ratings, _ = mini
    values, stars, ids = _one_text_criterion()
    data = tmp_path / "sixty.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": "x", "stars": float(s)}) + "\n"
                            for i, s in zip(ids, stars, strict=True)), encoding="utf-8")

    def made_up(scorer, records, weights, label=""):
        frame = pd.DataFrame({"id": [r.id for r in records], "stars": stars, "criteria": None,
                              "words": 100, "harms": values[:, 0], "costs": values[:, 2]})
        return frame.assign(total=np.nan)

    monkeypatch.setattr(evaluate, "score_table", made_up)
    out = tmp_path / "preset.yaml"
    assert main(["fit-weights", str(data), "--ratings", str(ratings), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "srcgrade: note: kept at the rubric default, scored on fewer than 10 of 60" in err
    assert "costs (1 text)" in err
    text = out.read_text(encoding="utf-8")
    assert "# Note: kept at the rubric default" in text
    assert "costs: 1.0  # rubric default: scored on 1 of 60 texts" in text
    preset = yaml.safe_load(text)
    assert preset["weights"]["costs"] == 1.0
    assert "costs (1 text)" in preset["description"]


def test_fit_weights_warns_on_stderr_when_the_fit_is_worse_than_the_defaults(
    mini, tmp_path, capsys, monkeypatch
):
    ratings, _ = mini
    rng = np.random.default_rng(2)
    ids = [f"t{k}" for k in range(40)]
    harms, costs = rng.uniform(0, 100, 40), rng.uniform(0, 100, 40)
    # Equal weights (the rubric's) are right: a fit can only chase the noise.
    stars = np.clip(np.round((harms + costs) / 40 + rng.normal(0, 1.2, 40)), 1, 5)
    fit = evaluate.fit_preset(np.column_stack([harms, costs]), stars, ids, ["harms", "costs"],
                              {"harms": 1.0, "costs": 1.0})
    assert fit.cv.rho < fit.default_rho  # the case to warn about
    data = tmp_path / "forty.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": "x", "stars": 3}) + "\n" for i in ids),
                    encoding="utf-8")

    def made_up(scorer, records, weights, label=""):
        return pd.DataFrame({"id": ids, "stars": stars, "criteria": None, "words": 100,
                             "total": np.nan, "harms": harms, "costs": costs})

    monkeypatch.setattr(evaluate, "score_table", made_up)
    assert main(["fit-weights", str(data), "--ratings", str(ratings), "-o",
                 str(tmp_path / "p.yaml")]) == 0
    err = capsys.readouterr().err
    assert f"srcgrade: warning: the cross-validated rho {fit.cv.rho:.3f} is below the rubric " \
           f"defaults' {fit.default_rho:.3f}" in err
    assert "# Warning: the cross-validated rho" in (tmp_path / "p.yaml").read_text()


# --- evaluate: the criteria map and the report's command line ---------------------------------


def test_a_criteria_map_adds_to_the_built_in_one(mini, tmp_path, capsys):
    ratings, data = mini
    extra = tmp_path / "map.yaml"
    extra.write_text("costs: costs\n", encoding="utf-8")
    given = ["evaluate", str(data), "--ratings", str(ratings), "--format", "json",
             "--bootstrap", "20", "--min-judged", "5", "--criteria-map", str(extra)]
    assert main(given) == EXIT_PROBLEMS
    rows = json.loads(capsys.readouterr().out)["datasets"][0]["criteria"]
    assert next(r for r in rows if r["criterion"] == "harms")["hnr"] == "harms"  # kept


def test_a_criteria_map_with_a_typo_names_the_file_and_line(mini, tmp_path, capsys):
    ratings, data = mini
    typo = tmp_path / "map.yaml"
    typo.write_text("costs: costs\nharmss: harms\n", encoding="utf-8")
    assert main(["evaluate", str(data), "--ratings", str(ratings), "--criteria-map",
                 str(typo)]) == 2
    err = capsys.readouterr().err
    assert f"{typo}:2: criterion 'harmss' is not in any rubric" in err
    assert "did you mean 'harms'?" in err
    unknown_key = tmp_path / "key.yaml"
    unknown_key.write_text("harms: harmz\n", encoding="utf-8")
    assert main(["evaluate", str(data), "--ratings", str(ratings), "--bootstrap", "20",
                 "--criteria-map", str(unknown_key)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert f"{unknown_key}:1: 'harmz' (for harms) is not a criteria key in rated.jsonl" in err
    assert main(["evaluate", str(data), "--ratings", str(ratings), "--criteria-map",
                 str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: file not found" in capsys.readouterr().err


def test_the_reports_command_reproduces_the_report(mini, tmp_path, capsys):
    ratings, data = mini
    given = ["evaluate", str(data), "--ratings", str(ratings), "--format", "json",
             "--bootstrap", "30", "--seed", "7", "--min-judged", "5"]
    assert main(given) == EXIT_PROBLEMS
    first = json.loads(capsys.readouterr().out)
    again = shlex.split(first["command"])
    assert again[0] == "srcgrade"
    assert main(again[1:]) == EXIT_PROBLEMS  # the same bad lines, skipped again
    second = json.loads(capsys.readouterr().out)
    assert second["datasets"] == first["datasets"]
    assert main(["evaluate", str(data), "--ratings", str(ratings), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["datasets"] != first["datasets"]


def _doc(path: Path):
    from srcgrade.yamlio import load_yaml

    doc, problem = load_yaml(path)
    assert problem is None
    return doc


# --- the health-news-review rubric -------------------------------------------------------------


def test_health_news_review_rubric_and_its_lexicons_validate():
    ratings = load_ratings(REPO / "ratings")
    assert "health-news-review" in ratings.rubrics
    rubric = ratings.rubrics["health-news-review"]
    own = [name for name in rubric.lexicons if name.startswith("hnr_")]
    assert own, "the rubric should draw on its own lexicons"
    mine = [p for p in ratings.problems
            if "health-news-review" in p.path or any(f"{n}.yaml" in p.path for n in own)]
    # another lexicon the rubric names may still be missing while it is being written
    mine = [p for p in mine if "is not in lexicons/" not in p.message]
    assert not mine, "\n".join(map(str, mine))
    for name in own:
        assert name in ratings.lexicons, f"{name} failed to load"
        problems = example_problems(ratings.lexicons[name].entries)
        assert not problems, "\n".join(map(str, problems))


def test_health_news_review_examples_hold_with_all_its_lexicons_together():
    """Each entry's examples hold in the rubric's full matcher, beside every other lexicon."""
    ratings = load_ratings(REPO / "ratings")
    rubric = ratings.rubrics["health-news-review"]
    loaded = [ratings.lexicons[n] for n in rubric.lexicons if n in ratings.lexicons]
    entries = [e for lexicon in loaded for e in lexicon.entries]
    own = [e for e in entries if e.rule.startswith("hnr_")]
    from srcgrade.lexicon import Matcher

    matcher = Matcher(entries)
    for entry in own:
        for example in entry.fire:
            assert any(m.entry is entry for m in matcher.scan(example)), (entry.rule, example)
        for example in entry.quiet:
            assert not any(m.entry is entry for m in matcher.scan(example)), (entry.rule, example)


def test_every_hnr_criterion_draws_on_kinds_some_lexicon_produces():
    ratings = load_ratings(REPO / "ratings")
    rubric = ratings.rubrics["health-news-review"]
    kinds = {e.kind for n in rubric.lexicons if n in ratings.lexicons
             for e in ratings.lexicons[n].entries}
    for cid, criterion in rubric.criteria.items():
        if criterion.method == "claims":
            continue
        assert criterion.kinds() & kinds, f"{cid} names no kind any lexicon produces"


def test_a_file_without_stars_is_reported_in_a_few_plain_lines(tmp_path, capsys):
    """300 lines without "stars" printed 300 warnings of `"stars" is None, not a number`."""
    data = tmp_path / "unrated.jsonl"
    rows = [json.dumps({"id": i, "text": "The drug lowered pain in a trial."}) for i in range(300)]
    rows += [json.dumps({"id": "e", "text": "", "stars": 3}), json.dumps({"text": 5, "stars": 2})]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["evaluate", str(data)]) == 2  # nothing left to evaluate
    err = capsys.readouterr().err
    assert f'{data}:1: no "stars"; skipped' in err and "None" not in err
    assert "... and 292 more lines skipped" in err and len(err.splitlines()) <= 12
    assert main(["fit-weights", str(data)]) == 2
    assert len(capsys.readouterr().err.splitlines()) <= 12


def test_stars_outside_the_scale_are_reported_and_skipped(mini, capsys):
    """"stars": 7 (a typo, or ratings out of 10) was rated silently, and the AUC's threshold of 3
    then split another scale."""
    ratings, data = mini
    lines = data.read_text(encoding="utf-8").splitlines()[:5]
    lines += [json.dumps({"id": "s7", "text": "side effects", "stars": 7}),
              json.dumps({"id": "neg", "text": "side effects", "stars": -1})]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["evaluate", str(data), "--ratings", str(ratings), "--format", "json",
                 "--bootstrap", "20"])
    captured = capsys.readouterr()
    assert code == EXIT_PROBLEMS
    assert json.loads(captured.out)["datasets"][0]["n"] == 5
    assert f'{data}:6: "stars" is 7, outside 0-5' in captured.err
    assert f'{data}:7: "stars" is -1, outside 0-5' in captured.err
