"""Every bad input gets a clear message naming the file (and line), and costs nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RATINGS

from srcgrade.cli import main
from srcgrade.corpus import load_ratings

ARTICLE = """\
id: {id}
title: A test article
genre: journalism
text_file: texts/{id}.txt
"""


def add_article(
    root: Path, article_id: str, text: str | bytes, yaml_text: str | None = None
) -> Path:
    texts = root / "articles" / "texts"
    data = text.encode() if isinstance(text, str) else text
    (texts / f"{article_id}.txt").write_bytes(data)
    path = root / "articles" / f"{article_id}.yaml"
    path.write_text(yaml_text if yaml_text is not None else ARTICLE.format(id=article_id))
    return path


def problems_for(root: Path, name: str) -> list[str]:
    ratings = load_ratings(root)
    return [str(p) for p in ratings.problems if name in p.path]


def test_the_bundled_ratings_have_no_problems(ratings):
    assert [str(p) for p in ratings.problems] == []
    assert len(ratings.articles) == 5


def test_malformed_yaml_names_file_and_line_and_others_still_load(ratings_copy):
    add_article(ratings_copy, "broken", "Some text.", "id: broken\ntitle: [unclosed\ngenre: x\n")
    loaded = load_ratings(ratings_copy)
    [message] = [str(p) for p in loaded.problems]
    assert "articles/broken.yaml:" in message and "fix the YAML syntax" in message
    assert len(loaded.articles) == 5


@pytest.mark.parametrize(("text", "line", "column"), [
    ("id: x\ntitle:\n\tA title\n", 3, 1),
    ("id: x\nexpert_ratings:\n  citations:\n  \tlevel: 3\n", 4, 3),
    ("id: x\n\ttitle: y\n", 2, 1),
])
def test_a_tab_used_as_indentation_is_named(text, line, column):
    """A tab gave "found character that cannot start any token; fix the YAML syntax", which does
    not say that a tab is the trouble (libyaml's and PyYAML's words differ; both are tried)."""
    import yaml

    from srcgrade import yamlio

    for loader in {yamlio.SAFE_LOADER, yaml.SafeLoader}:
        yamlio.SAFE_LOADER, kept = loader, yamlio.SAFE_LOADER
        try:
            _, problem = yamlio.parse_yaml(text, "a.yaml")
        finally:
            yamlio.SAFE_LOADER = kept
        assert str(problem) == (
            f"a.yaml:{line}: a tab (column {column}) indents this line; YAML indents with spaces "
            "only: replace the tab with spaces"), (loader, str(problem))


def test_other_syntax_errors_are_not_blamed_on_a_tab():
    from srcgrade.yamlio import parse_yaml

    _, problem = parse_yaml("id: x\ntitle: [unclosed\n", "a.yaml")
    assert "tab" not in str(problem) and "fix the YAML syntax" in str(problem)


def test_a_misspelt_key_is_matched_to_the_key_meant(ratings_copy):
    """"unknown key 'stregth' in entries.0" listed thirteen allowed keys; it names the one meant,
    as rubric kinds already do."""
    hedges = ratings_copy / "lexicons" / "hedges.yaml"
    text = hedges.read_text(encoding="utf-8")
    hedges.write_text(text.replace("\n    strength:", "\n    stregth:", 1), encoding="utf-8")
    messages = problems_for(ratings_copy, "hedges.yaml")
    assert any("unknown key 'stregth' in entries." in m and "; did you mean 'strength'? allowed "
               "keys: " in m for m in messages), messages


def test_a_key_like_no_other_gets_no_guess(ratings_copy):
    yaml_text = ARTICLE.format(id="odd") + "zzzz: Vox\n"
    add_article(ratings_copy, "odd", "Some text here.", yaml_text)
    [message] = problems_for(ratings_copy, "odd.yaml")
    assert "unknown key 'zzzz'; allowed keys:" in message


def test_wrong_type_is_reported_at_its_line(ratings_copy):
    yaml_text = ARTICLE.format(id="typed") + "reports_peer_reviewed_study: sometimes\n"
    add_article(ratings_copy, "typed", "Some text here.", yaml_text)
    [message] = problems_for(ratings_copy, "typed.yaml")
    assert message.startswith(str(ratings_copy / "articles" / "typed.yaml") + ":5:")
    assert "reports_peer_reviewed_study must be boolean" in message


def test_unknown_key_is_refused_so_a_typo_is_not_ignored(ratings_copy):
    yaml_text = ARTICLE.format(id="typo") + "publsher: Vox\n"
    add_article(ratings_copy, "typo", "Some text here.", yaml_text)
    [message] = problems_for(ratings_copy, "typo.yaml")
    assert ":5: unknown key 'publsher'" in message and "publisher" in message


def test_a_misspelt_genre_or_key_costs_only_that_key(ratings_copy):
    """What describes an article (its genre, a key spelt wrong) is not needed to rate it: the
    mistake is reported at its line with the likely spelling, and the article is still rated."""
    farm = ratings_copy / "articles/contentfarm-mdma-breakthrough.yaml"
    farm.write_text(farm.read_text().replace("genre: content-farm", "genre: contentfarm")
                    + "publsher: nobody\n")
    loaded = load_ratings(ratings_copy)
    [genre] = [p for p in loaded.problems if "genre is" in p.message]
    [key] = [p for p in loaded.problems if "publsher" in p.message]
    assert genre.line == 7 and "did you mean 'content-farm'?" in genre.message
    assert genre.message.endswith("(the article is still rated, without 'genre')")
    assert "unknown key 'publsher'" in key.message and genre.level == key.level == "warning"
    [article] = [a for a in loaded.articles if a.id == "contentfarm-mdma-breakthrough"]
    assert "genre" not in article.meta and "publsher" not in article.meta
    assert article.expert["hype"].level == 1 and len(loaded.articles) == 5


def test_an_expert_can_say_a_question_does_not_apply_and_nothing_else(ratings_copy):
    """`level: n/a` (the machine's n/a, the Classroom's "Does not apply") loads as no level;
    another word is refused at its line with the values allowed, and the rest still loads: the
    article is rated, with its other experts' levels, and only that one level is left out."""
    farm = ratings_copy / "articles/contentfarm-mdma-breakthrough.yaml"
    loaded = load_ratings(ratings_copy)
    [article] = [a for a in loaded.articles if a.id == "contentfarm-mdma-breakthrough"]
    assert article.expert["numeric_accuracy"].level is None
    assert article.expert["hype"].level == 1
    farm.write_text(farm.read_text().replace("level: n/a", "level: none"))
    broken = load_ratings(ratings_copy)
    [problem] = broken.problems
    assert problem.line == 35 and "expected one of: 1, 2, 3, 4, 5, n/a" in problem.message
    assert "still rated, without the expert rating of numeric_accuracy" in problem.message
    [kept] = [a for a in broken.articles if a.id == "contentfarm-mdma-breakthrough"]
    assert "numeric_accuracy" not in kept.expert and kept.expert["hype"].level == 1
    assert len(broken.articles) == 5


def test_missing_text_file(ratings_copy):
    path = ratings_copy / "articles" / "ghost.yaml"
    path.write_text(ARTICLE.format(id="ghost"))
    [message] = problems_for(ratings_copy, "ghost.yaml")
    assert ":4: text_file 'texts/ghost.txt'" in message and "file not found" in message


@pytest.mark.parametrize(
    "where", ["../../secret.txt", "{root}/secret.txt", "texts/../../secret.txt"]
)
def test_a_text_file_outside_the_articles_folder_is_not_read(ratings_copy, tmp_path, where):
    """A shared ratings folder must not make the dashboard show another file of its machine."""
    secret = ratings_copy.parent / "secret.txt"
    secret.write_text("the server's private notes")
    where = where.format(root=ratings_copy.parent)
    yaml_text = ARTICLE.format(id="escape").replace("texts/escape.txt", where)
    add_article(ratings_copy, "escape", "A text.", yaml_text)
    [message] = problems_for(ratings_copy, "escape.yaml")
    assert ":4: text_file" in message and "outside this article's folder" in message
    loaded = load_ratings(ratings_copy)
    assert "escape" not in {a.id for a in loaded.articles} and len(loaded.articles) == 5
    assert not any("private notes" in a.text for a in loaded.articles)


def test_two_articles_with_one_id(ratings_copy):
    add_article(ratings_copy, "twin", "First text.")
    second = ratings_copy / "articles" / "zz-twin.yaml"
    second.write_text(ARTICLE.format(id="twin"))
    [message] = problems_for(ratings_copy, "zz-twin.yaml")
    assert "article id 'twin' is already used by" in message
    assert sum(a.id == "twin" for a in load_ratings(ratings_copy).articles) == 1


def test_a_new_file_that_copied_an_id_does_not_displace_the_article_named_after_it(ratings_copy):
    """The copy sorts first ("aaa-..."), but the Vox article keeps its id and its row: the copy
    is skipped, named at its `id:` line."""
    vox = ratings_copy / "articles" / "vox-mdma-self-experience.yaml"
    copy = ratings_copy / "articles" / "aaa-walking-release.yaml"
    copy.write_text(vox.read_text().replace("texts/000_vox-mdma-self-experience.txt",
                                            "texts/004_contentfarm-mdma-breakthrough.txt"))
    loaded = load_ratings(ratings_copy)
    [article] = [a for a in loaded.articles if a.id == "vox-mdma-self-experience"]
    assert article.path.endswith("vox-mdma-self-experience.yaml")
    assert "# Why does MDMA work for PTSD?" in article.text[:100]
    [problem] = loaded.problems
    assert problem.path.endswith("aaa-walking-release.yaml") and problem.line == 1
    assert "is already used by" in problem.message and "(it was skipped)" in problem.message


def test_an_impossible_date_is_reported_at_its_line_and_costs_only_the_date(ratings_copy):
    """YAML's own date reading raised on 2023-13-10 and every command printed a traceback."""
    norway = ratings_copy / "articles" / "norwegian-therapist-mdma-ptsd.yaml"
    norway.write_text(norway.read_text().replace("date: null", "date: 2023-13-10"))
    loaded = load_ratings(ratings_copy)
    [problem] = loaded.problems
    assert problem.line == 5 and "'2023-13-10', which is not a date; write it as YYYY-MM-DD" in (
        problem.message)
    assert len(loaded.articles) == 5
    [article] = [a for a in loaded.articles if a.id == "norwegian-therapist-mdma-ptsd"]
    assert article.date is None


def test_a_criterion_given_twice_is_refused_at_its_second_line_and_costs_only_it(ratings_copy):
    """YAML keys must be unique; PyYAML keeps the last silently (a criterion block copied and
    not yet renamed replaced the original without a word). Like any other mistake inside one
    criterion, it costs that criterion, not the rubric."""
    core = ratings_copy / "rubrics" / "core.yaml"
    text = core.read_text()
    hype_block = text[text.index("  hype:\n"):text.index("  numeric_accuracy:\n")]
    core.write_text(text + hype_block.replace("weight: 1.0", "weight: 2.0", 1))
    loaded = load_ratings(ratings_copy)
    twice, left_out = [p for p in loaded.problems if p.path.endswith("core.yaml")]
    first = text[: text.index("  hype:\n")].count("\n") + 1
    assert f"key 'hype' is given twice (first at line {first})" in twice.message
    assert twice.line == text.count("\n") + 1
    assert "criterion 'hype' is left out of rubric 'core'" in left_out.message
    assert set(loaded.rubrics["core"].criteria) == {"citations", "hedging", "numeric_accuracy"}


def test_a_key_given_twice_in_a_lexicon_entry_costs_only_that_entry(ratings_copy):
    """A second `unless_preceded_by:` in one entry dropped all fifty of hype.yaml's entries, and
    with them the core rubric's hedging and hype."""
    hype = ratings_copy / "lexicons" / "hype.yaml"
    text = hype.read_text()
    veto = "    unless_preceded_by: *not_claimed\n"
    at = text.index(veto, text.index("  - id: miracle\n"))
    hype.write_text(text[:at] + veto + veto + text[at + len(veto):])
    loaded = load_ratings(ratings_copy)
    [problem] = loaded.problems
    assert problem.path.endswith("hype.yaml")
    assert problem.line == text[:at].count("\n") + 2
    assert problem.message.startswith("entry 'miracle': key 'unless_preceded_by' is given twice")
    ids = {entry.rule for entry in loaded.lexicons["hype"].entries}
    assert "hype.miracle" not in ids and "hype.breakthrough" in ids
    assert loaded.rubrics["core"].criteria.keys() >= {"hedging", "hype"}


def test_an_expert_rating_of_a_criterion_the_rubric_lacks_is_named(ratings_copy):
    """A misspelt criterion or rubric in expert_ratings made the expert's level vanish from the
    Article page without a word; now a warning at its line guesses the spelling."""
    vox = ratings_copy / "articles" / "vox-mdma-self-experience.yaml"
    vox.write_text(vox.read_text().replace("    numeric_accuracy:", "    numeric_acuracy:"))
    wiki = ratings_copy / "articles" / "huberman-wiki-mdma-ptsd.yaml"
    wiki.write_text(wiki.read_text().replace("  rubric: core", "  rubric: cor"))
    loaded = load_ratings(ratings_copy)
    criterion, rubric = sorted(loaded.problems, key=lambda p: "cor'" in p.message)
    assert "criterion 'numeric_acuracy' is not in rubric 'core'" in criterion.message
    assert "did you mean 'numeric_accuracy'?" in criterion.message and criterion.line
    assert "expert_ratings.rubric 'cor' is not in rubrics/" in rubric.message
    assert "did you mean 'core'?" in rubric.message and rubric.line
    assert {p.level for p in loaded.problems} == {"warning"} and len(loaded.articles) == 5


def test_empty_article(ratings_copy):
    add_article(ratings_copy, "empty", "  \n\n ")
    [message] = problems_for(ratings_copy, "empty.yaml")
    assert "is empty" in message


def test_invalid_utf8_names_the_text_file(ratings_copy):
    add_article(ratings_copy, "latin1", "Caf\xe9 au lait".encode("latin-1"))
    [message] = problems_for(ratings_copy, "latin1.yaml")
    assert "not valid UTF-8" in message and "texts/latin1.txt" in message


def test_a_50_mb_file_is_refused_without_reading_it_all(ratings_copy):
    path = add_article(ratings_copy, "huge", "x")
    with (path.parent / "texts" / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    [message] = problems_for(ratings_copy, "huge.yaml")
    assert "52.4 MB, over the 10 MB limit" in message


def test_yaml_tags_are_refused_not_executed(ratings_copy, tmp_path):
    marker = tmp_path / "pwned"
    evil = f"!!python/object/apply:os.system ['touch {marker}']\n"
    add_article(ratings_copy, "evil", "Text.", evil)
    [message] = problems_for(ratings_copy, "evil.yaml")
    assert "evil.yaml:1:" in message and "tags are not allowed" in message
    assert not marker.exists()


def test_broken_lexicon_entry_costs_only_that_entry(ratings_copy):
    path = ratings_copy / "lexicons" / "hype.yaml"
    before = len(load_ratings(ratings_copy).lexicons["hype"].entries)
    text = path.read_text()
    text = text.replace("strength:", "strength: [oops]  #", 1)
    path.write_text(text)
    loaded = load_ratings(ratings_copy)
    [message] = [str(p) for p in loaded.problems]
    assert "lexicons/hype.yaml:" in message and "strength must be number" in message
    assert len(loaded.lexicons["hype"].entries) == before - 1


def test_bad_regex_in_a_lexicon_is_reported(ratings_copy):
    path = ratings_copy / "lexicons" / "hype.yaml"
    path.write_text(
        path.read_text().replace(
            "entries:\n",
            """entries:
  - id: broken-regex
    pattern: '(unclosed'
    strength: 1
    source: srcgrade-editors
    message: m
    examples: {fire: [x]}
""",
            1,
        )
    )
    messages = [str(p) for p in load_ratings(ratings_copy).problems]
    assert any("broken-regex" in m and "not a valid regular expression" in m for m in messages)


def test_validate_lists_all_problems_and_exits_1(ratings_copy, capsys):
    add_article(ratings_copy, "typo", "Text.", ARTICLE.format(id="typo") + "colour: red\n")
    add_article(ratings_copy, "empty", " ")
    assert main(["validate", str(ratings_copy)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and any("typo.yaml:5" in line for line in out)


def test_rate_skips_broken_articles_says_which_and_rates_the_rest(ratings_copy, capsys):
    add_article(ratings_copy, "empty", " ")
    assert main(["rate", str(ratings_copy), "--format", "csv"]) == 1  # done, with a file skipped
    captured = capsys.readouterr()
    assert "skipped" in captured.err and "empty.yaml" in captured.err
    assert len(captured.out.strip().splitlines()) == 1 + 5


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("citations=0,hedging=0,hype=0,numeric_accuracy=0", "at least one weight"),
        ("citations=-1", "weights must be zero or more"),
        ("citations=2,hedging=1,citations=3", "'citations' is given twice"),
        ("citations=lots", "not a number"),
        ("citation=2", "unknown criterion 'citation'"),
        ("citations", "not of the form criterion=number"),
    ],
)
def test_bad_weights_are_refused_with_a_clear_message(spec, message, capsys):
    assert main(["rate", str(RATINGS), "--weights", spec]) == 2
    assert message in capsys.readouterr().err


def test_a_lexicon_that_fails_to_load_leaves_its_criteria_unscored_not_perfect(
    capsys, ratings_copy
):
    """With hype.yaml broken, hype found nothing and scored 100 ("nothing this criterion looks
    for was found"): the content farm rose from last to third. Its criteria are now n/a, with
    the reason, and the exit status says something was left out."""
    import json

    hype = ratings_copy / "lexicons" / "hype.yaml"
    hype.write_text(hype.read_text().replace("entries:", "entries:\n    bad: [unclosed", 1))
    assert main(["rate", str(ratings_copy), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert f"problem: {hype}:" in captured.err
    rows = {row["id"]: row["criteria"] for row in json.loads(captured.out)}
    farm = rows["contentfarm-mdma-breakthrough"]
    for cid in ("hype", "hedging"):  # hedging counts promotional words against a text too
        assert farm[cid]["score"] is None
        assert "lexicon 'hype' did not load" in farm[cid]["explanation"]
    assert farm["citations"]["score"] is not None  # its lexicon loaded: still scored


def test_a_collection_text_is_found_whatever_its_white_space_and_after_an_article_is_added(
        ratings_copy):
    """`score` and Score your own recognise a bundled article's text with other line breaks;
    an edited text is a new one; an article added after the first question is found too."""
    ratings = load_ratings(ratings_copy)
    [vox] = [a for a in ratings.articles if a.id == "vox-mdma-self-experience"]
    rewrapped = "\n\n  ".join(vox.text.split(" "))
    assert ratings.article_with_text(rewrapped) is vox
    assert ratings.article_with_text(vox.text + " One more sentence.") is None
    add_article(ratings_copy, "late", "A late article about MDMA trials. " * 20)
    late = [a for a in load_ratings(ratings_copy).articles if a.id == "late"]
    ratings.articles.extend(late)
    assert ratings.article_with_text("A late article about MDMA trials. " * 20) is late[0]


def test_a_broken_criterion_costs_that_criterion_and_the_presets_naming_it(ratings_copy):
    """A mistake inside one criterion (here a misspelt method) leaves that criterion out, named
    at its line; the rubric still loads with the others, and a preset that weighs the missing
    criterion is not offered half applied: it says why, at its line."""
    review = ratings_copy / "rubrics/health-news-review.yaml"
    review.write_text(review.read_text().replace("method: balance", "method: balanse", 1))
    loaded = load_ratings(ratings_copy)
    rubric = loaded.rubrics["health-news-review"]
    assert "hype" not in rubric.criteria and rubric.left_out == ("hype",)
    assert len(rubric.criteria) > 5 and "health-news-review" not in loaded.failed_rubrics
    messages = [str(p) for p in loaded.problems]
    assert any("health-news-review.yaml:83: criteria.hype.method is 'balanse'" in m
               for m in messages)
    assert any(":79: criterion 'hype' is left out of rubric 'health-news-review'" in m
               for m in messages)
    assert not loaded.presets
    offered = [m for m in messages if "not offered while criterion 'hype'" in m]
    assert len(offered) == 2 and "health-news-review-fitted.yaml:16" in " ".join(offered)


def test_a_criterion_counting_only_a_misspelt_kind_is_not_scored_rather_than_perfect(ratings_copy):
    """'hpye' is made by no lexicon: the hype criterion found nothing and gave every article
    100 ("nothing this criterion looks for was found"). It is n/a, with the reason."""
    from srcgrade.engine import make_scorer

    core = ratings_copy / "rubrics" / "core.yaml"
    core.write_text(core.read_text().replace("penalise: {hype: 1.0}", "penalise: {hpye: 1.0}"))
    loaded = load_ratings(ratings_copy)
    [problem] = [p for p in loaded.problems if "'hpye'" in p.message]
    assert "names the kind 'hpye'" in problem.message and "did you mean 'hype'?" in problem.message
    assert "the criterion is not scored (n/a) until it is fixed" in problem.message
    farm = next(a for a in loaded.articles if a.id == "contentfarm-mdma-breakthrough")
    hype = make_scorer(loaded).score(farm.text).criteria["hype"]
    assert hype.score is None
    assert "counts hpye findings, which no entry of the rubric's lexicons makes" in hype.explanation


def test_an_undefined_alias_is_named_with_a_guess(ratings_copy):
    """libyaml said only "found undefined alias": a misspelt `*not_claimed` in one of hype.yaml's
    entries, among dozens of aliases, had to be found by eye."""
    hype = ratings_copy / "lexicons" / "hype.yaml"
    text = hype.read_text()
    veto = "unless_preceded_by: *not_claimed\n"
    typo = text.replace(veto, veto.replace("claimed", "claimd"), 1)
    hype.write_text(typo)
    [problem] = [p for p in load_ratings(ratings_copy).problems if p.path.endswith("hype.yaml")]
    assert problem.line == typo[: typo.index("*not_claimd")].count("\n") + 1
    assert problem.message.startswith("alias '*not_claimd' refers to no anchor (&not_claimd)")
    assert "did you mean '*not_claimed'?" in problem.message
