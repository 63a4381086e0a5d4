"""Named regex fragments (``define:``, called as ``(?&name)``): expansion, and the errors a
maintainer gets for a misspelt name, a cycle or a broken fragment (srcgrade/definitions.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import RATINGS

from srcgrade.definitions import REGEX_KEYS, _wrapped, references
from srcgrade.lexicon import load_lexicon
from srcgrade.pattern_scan import _work_out_starts

_HEAD = """\
id: trial
label: Trial
description: Named fragments.
kind: hype
sources:
  s: {citation: "A source."}
define:
  word: '[A-Z][a-z]+'
  pair: '(?&word)\\s+(?&word)'
  ab: 'a|b'
entries:
  - id: ok
    pattern: '\\bvery\\s+good\\b'
    strength: 1.0
    source: s
    message: "m"
    examples: {fire: ["very good"]}
"""
_OK_LINES = len(_HEAD.splitlines())


def _entry(entry_id: str, body: str) -> str:
    return (f"  - id: {entry_id}\n{body}    strength: 1.0\n    source: s\n    message: \"m\"\n"
            "    examples: {fire: [\"x\"]}\n")


def _load(tmp_path: Path, text: str) -> tuple[Path, object, list[str]]:
    path = tmp_path / "trial.yaml"
    path.write_text(text, encoding="utf-8")
    lexicon, problems = load_lexicon(path)
    return path, lexicon, [str(p) for p in problems]


def _rules(lexicon) -> list[str]:
    return [e.rule for e in lexicon.entries]


def test_a_reference_expands_in_a_pattern_and_in_every_form_of_veto(tmp_path):
    _, lexicon, problems = _load(tmp_path, _HEAD + _entry(
        "named",
        "    pattern: 'said\\s+(?&pair)'\n    case_sensitive: true\n"
        "    unless_followed_by: '\\s+(?&word)\\s+University'\n"
        "    unless_preceded_by: ['(?-i:(?&word))\\s+$', 'not\\s+$']\n"))
    assert problems == []
    [named] = [e for e in lexicon.entries if e.rule == "trial.named"]
    assert all("(?&" not in (e.pattern or "") for e in lexicon.entries)
    text = "we said Anna Berg and also said Lena Park Yale University. Anna said Tom Lee."
    found = [m.group(0) for m in named.compiled.finditer(text)
             if not named.vetoed(text, m.start(), m.end())]
    assert found == ["said Anna Berg"]
    assert named.vetoed("not said Tom Lee", 4, 16)


def test_an_alternation_inside_a_fragment_stays_inside(tmp_path):
    """Each use is a group: "x(?&ab)y" is "x(?:a|b)y", never "xa|by"."""
    _, lexicon, problems = _load(tmp_path, _HEAD + _entry("xy", "    pattern: 'x(?&ab)y'\n"))
    [xy] = [e for e in lexicon.entries if e.rule == "trial.xy"]
    assert problems == [] and xy.compiled.search("by") is None
    assert [xy.compiled.search(t).group(0) for t in ("xay", "xby")] == ["xay", "xby"]
    assert xy.compiled.fullmatch("xaay") is None


@pytest.mark.parametrize(("fragment", "host", "text"), [
    ("per cent", "(?x) 45 \\s (?&f)", "45 per cent"),            # a space stays a space
    ("a[#]b", "(?x) (?&f)  # a comment", "a#b"),                   # '#' in a class is a '#'
    ("(?x) per \\s cent  # verbose, with a comment", "45 (?&f)", "45 per cent"),
    ("(?i)cent", "(?-i:per) (?&f)", "per CENT"),                  # own flags, scoped
])
def test_a_fragment_means_the_same_in_a_verbose_or_plain_regex(fragment, host, text):
    pattern = host.replace("(?&f)", _wrapped(fragment))
    assert re.fullmatch(pattern, text), pattern


def test_a_use_compiles_and_files_as_a_copy_would():
    """The group `(?:...)` costs nothing: the same `re` code, and the prefix finder files the
    entry under the same beginnings (a reference must not slow the scan down)."""
    from re import _compiler, _parser

    word = "[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-Z][a-z]+)*"
    copy = rf"\b(?:Dr|Prof)\.?\s+{word}(?:\s+{word})?"
    used = rf"\b(?:Dr|Prof)\.?\s+{_wrapped(word)}(?:\s+{_wrapped(word)})?"
    assert _compiler._code(_parser.parse(used), 0) == _compiler._code(_parser.parse(copy), 0)
    assert _work_out_starts(used, True) == _work_out_starts(copy, True) is not None
    spaced = r"\b\d+\s?(?:%|percent|per cent)\b"
    assert _work_out_starts(spaced.replace("(?:", "(?-x:"), False) == _work_out_starts(
        spaced, False) is not None


@pytest.mark.parametrize(("pattern", "names"), [
    ("(?&a)x(?&b_2)", ["a", "b_2"]),
    (r"\(?&a\)", []),                   # escaped: a literal "(", then "?&a)" (an error in re)
    ("[(?&a)]", []),                    # a class of characters
    (r"[]\](?&a)](?&b)", ["b"]),
    (r"\\(?&a)", ["a"]),                # an escaped backslash, then a reference
])
def test_references_are_found_outside_escapes_and_character_classes(pattern, names):
    assert references(pattern) == names


def test_an_unknown_name_is_an_error_at_the_line_of_the_key_and_only_its_entry_is_left_out(
        tmp_path):
    path, lexicon, problems = _load(tmp_path, _HEAD + _entry(
        "typo", "    pattern: 'said\\s+(?&pari)'\n"))
    assert _rules(lexicon) == ["trial.ok"]
    assert problems == [
        f"{path}:{_OK_LINES + 2}: entry 'typo': pattern uses (?&pari), which is not defined; "
        "did you mean (?&pair)? add it under `define:` at the top of the file, or fix the name"
    ]


def test_an_unknown_name_in_a_veto_list_is_reported_at_its_item(tmp_path):
    path, lexicon, problems = _load(tmp_path, _HEAD + _entry(
        "veto", "    terms: [grand]\n    unless_preceded_by:\n      - 'not\\s+$'\n"
        "      - '(?&nothing)\\s+$'\n"))
    assert _rules(lexicon) == ["trial.ok"]
    [problem] = problems
    assert problem.startswith(f"{path}:{_OK_LINES + 5}: entry 'veto': unless_preceded_by uses "
                              "(?&nothing), which is not defined;")


def test_a_cycle_is_an_error_at_the_definition_naming_the_loop(tmp_path):
    text = _HEAD.replace("  ab: 'a|b'\n", "  ab: 'a|(?&ba)'\n  ba: 'b|(?&ab)'\n") + _entry(
        "uses", "    pattern: 'x(?&ab)'\n")
    path, lexicon, problems = _load(tmp_path, text)
    assert _rules(lexicon) == ["trial.ok"]
    assert problems == [
        f"{path}:10: define: 'ab' refers back to itself (ab -> ba -> ab); a definition cannot "
        "use itself, so write one of them out in full",
        f"{path}:11: define: 'ba' uses (?&ab), whose definition (line 10) is broken; fix it there",
        f"{path}:{_OK_LINES + 3}: entry 'uses': pattern uses (?&ab), whose definition (line 10) "
        "is broken; fix it there",
    ]


def test_a_broken_fragment_is_reported_once_and_only_the_entries_using_it_are_left_out(
        tmp_path):
    """As a broken entry is: the rest of the lexicon still loads and scores."""
    text = _HEAD.replace("  ab: 'a|b'\n", "  ab: 'a|(b'\n  num: 5\n  9lives: 'x'\n") + (
        _entry("uses", "    pattern: 'x(?&ab)'\n") + _entry("fine", "    pattern: '(?&pair)'\n")
        + _entry("number", "    pattern: 'x(?&num)'\n"))
    path, lexicon, problems = _load(tmp_path, text)
    assert _rules(lexicon) == ["trial.ok", "trial.fine"]
    assert problems[0] == f"{path}:11: define.num must be string, not int 5"
    assert problems[1].startswith(f"{path}:10: define: 'ab' is not a valid regular expression (")
    assert problems[2] == (f"{path}:12: define: '9lives' cannot be called as (?&name); use a "
                           "name of letters, digits and _ that does not start with a digit")
    assert [p.split(": ", 1)[1] for p in problems[3:]] == [
        "entry 'uses': pattern uses (?&ab), whose definition (line 10) is broken; fix it there",
        "entry 'number': pattern uses (?&num), whose definition (line 11) is broken; fix it there",
    ]


def test_a_reference_without_definitions_is_a_regex_error_never_literal_text(tmp_path):
    _, lexicon, problems = _load(tmp_path, _HEAD + _entry("odd", "    pattern: 'x(?&a-b)'\n"))
    assert _rules(lexicon) == ["trial.ok"]
    [problem] = problems
    assert "entry 'odd': pattern is not a valid regular expression (unknown extension ?&" in problem


def test_validate_reports_a_broken_definition_with_its_line(ratings_copy, capsys):
    from srcgrade.cli import main

    lexicon = ratings_copy / "lexicons" / "attribution.yaml"
    text = lexicon.read_text(encoding="utf-8")
    line = text[: text.index("  name_word:")].count("\n") + 1
    lexicon.write_text(text.replace("  name_word: '", "  name_word: '(?&rol)"),
                       encoding="utf-8")
    assert main(["validate", str(ratings_copy)]) == 1
    out = capsys.readouterr().out
    assert f"attribution.yaml:{line}: define: 'name_word' uses (?&rol), which is not " \
           "defined; did you mean (?&role)?" in out


def test_the_bundled_lexicons_use_every_definition_and_leave_no_reference_unexpanded():
    """A definition no regex uses is a fragment a maintainer would edit in vain."""
    import yaml

    for path in sorted((RATINGS / "lexicons").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        defined = data.get("define") or {}
        used = {name for text in defined.values() for name in references(text)}
        for entry in data["entries"]:
            for key in REGEX_KEYS:
                value = entry.get(key) or []
                for text in value if isinstance(value, list) else [value]:
                    used.update(references(text))
        assert set(defined) <= used, (path.name, set(defined) - used)
        lexicon, problems = load_lexicon(path)
        assert problems == [] and lexicon is not None
        assert not any("(?&" in (e.pattern or "") for e in lexicon.entries), path.name


def test_a_finding_of_an_entry_that_uses_a_definition_points_at_the_entry():
    """Explanations and the dashboard show the entry's `file:line`, not the definition's."""
    for name in ("attribution", "hype"):
        path = RATINGS / "lexicons" / f"{name}.yaml"
        lexicon, _ = load_lexicon(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        for entry in lexicon.entries:
            entry_id = entry.rule.split(".", 1)[1]
            assert lines[entry.origin.line - 1].strip() == f"- id: {entry_id}", entry.rule
