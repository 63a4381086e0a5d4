"""srcgrade.highlight: escaped text, marks over every span, tooltips with rule and file:line."""

from __future__ import annotations

import html
import re
from collections import Counter

import pytest
from helpers import RATINGS, parse_marked, seed_text

from srcgrade import highlight
from srcgrade.corpus import load_ratings
from srcgrade.engine import make_scorer
from srcgrade.model import VERDICTS, Claim, Finding, Origin

SCORER = make_scorer(load_ratings(RATINGS))


def finding(text: str, needle: str, kind: str = "hype", rule: str = "hype.test",
            occurrence: int = 0, line: int = 7) -> Finding:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Finding(start, start + len(needle), needle, kind, False, f"message for {rule}", rule,
                   1.0, Origin("ratings/lexicons/hype.yaml", line))


def claim(text: str, needle: str, verdict: str = "contradicted") -> Claim:
    start = text.index(needle)
    return Claim(start, start + len(needle), needle, 84.0, "%", None, "remission", text, 0,
                 verdict, "mdma.remission", "Mitchell et al. 2021, doi:10.1038/s41591-021-01336-3",
                 "the paper reports 67%")


parse = parse_marked


@pytest.mark.parametrize("text", ["", " ", "\n\n", "plain text"])
def test_text_without_findings_round_trips(text):
    parsed = parse(highlight.render(text))
    assert "".join(parsed.chars) == text
    assert "mark" not in parsed.tags or all(t is None for t in parsed.titles)


HOSTILE = [
    "<script>alert(1)</script> a breakthrough",
    '<img src=x onerror="alert(1)"> a breakthrough',
    "a breakthrough\" onmouseover=\"alert(1)",
    "</div></mark><script>x</script> breakthrough",
    "&lt;script&gt; is already escaped; breakthrough",
    "<!-- comment --> <style>*{display:none}</style> breakthrough",
    "javascript:alert(1) [x](javascript:alert(2)) breakthrough",
    "emoji 🧪 and RTL \u202e text and NUL \x00 breakthrough",
    "CRLF\r\nline breakthrough\r\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_and_round_trips(text):
    f = finding(text, "breakthrough")
    markup = highlight.render(text, [f])
    parsed = parse(markup)
    assert "".join(parsed.chars) == text
    assert set(parsed.tags) <= {"div", "mark", "span", "ul", "li", "p"}
    assert set(parsed.attrs) <= {"class", "style", "title", "data-kinds", "aria-label"}
    lowered = markup.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<style" not in lowered
    assert all(parsed.titles[i] for i in range(f.start, f.end))


def test_hostile_rule_id_and_message_in_the_tooltip_are_escaped():
    text = "a miracle cure"
    bad = Finding(2, 9, "miracle", "hype", False, '"><script>alert(1)</script>',
                  'x"><img src=x onerror=alert(1)>', 1.0, Origin('a"b.yaml', 3))
    markup = highlight.render(text, [bad])
    assert "<script" not in markup and "<img" not in markup
    parsed = parse(markup)
    assert "<script>alert(1)</script>" in parsed.titles[2]
    assert 'a"b.yaml:3' in parsed.titles[2]


def test_every_finding_is_marked_with_its_rule_and_file_line():
    text = "Experts say this breakthrough may help; studies show it suggests a benefit."
    findings = [
        finding(text, "Experts say", "vague_citation", "attribution.experts-say", line=12),
        finding(text, "breakthrough", "hype", "hype.breakthrough", line=30),
        finding(text, "may help", "hedge", "hedges.may", line=44),
        finding(text, "studies show", "vague_citation", "attribution.studies-show", line=13),
        finding(text, "suggests", "hedge", "hedges.suggests", line=50),
    ]
    parsed = parse(highlight.render(text, findings))
    for f in findings:
        for i in range(f.start, f.end):
            assert f.rule in parsed.titles[i]
            assert parsed.titles[i].startswith(f"'{f.text}': ")  # the words found, first
            assert f"ratings/lexicons/hype.yaml:{f.origin.line}" in parsed.titles[i]
    unmarked = [i for i, t in enumerate(parsed.titles) if t is None]
    assert text[unmarked[0]] == " "


def test_overlapping_and_nested_findings_split_cleanly():
    text = "this is a game changer breakthrough indeed"
    outer = finding(text, "game changer breakthrough", "hype", "hype.outer")
    inner = finding(text, "changer", "overclaim", "hedges.inner")
    crossing = finding(text, "breakthrough indeed", "hedge", "hedges.cross")
    markup = highlight.render(text, [outer, inner, crossing])
    parsed = parse(markup)
    assert "".join(parsed.chars) == text
    assert markup.count("<mark") == markup.count("</mark>")
    i = text.index("changer")
    assert "hype.outer" in parsed.titles[i] and "hedges.inner" in parsed.titles[i]
    j = text.index("breakthrough")
    assert "hype.outer" in parsed.titles[j] and "hedges.cross" in parsed.titles[j]
    k = text.index("indeed")
    assert "hedges.cross" in parsed.titles[k] and "hype.outer" not in parsed.titles[k]


def test_identical_spans_are_one_mark_listing_both_rules():
    text = "a breakthrough"
    a = finding(text, "breakthrough", "hype", "hype.a")
    b = finding(text, "breakthrough", "overclaim", "hedges.b")
    markup = highlight.render(text, [a, b])
    assert markup.split("sg-text", 1)[1].count("<mark") == 1
    title = parse(markup).titles[text.index("b")]
    assert "hype.a" in title and "hedges.b" in title


def test_spans_outside_the_text_are_clipped_and_empty_ones_ignored():
    text = "short"
    outside = Finding(3, 50, "rt", "hype", False, "m", "hype.x", 1.0, None)
    empty = Finding(2, 2, "", "hype", False, "m", "hype.y", 1.0, None)
    negative = Finding(-5, 1, "s", "hedge", False, "m", "hedges.z", 1.0, None)
    parsed = parse(highlight.render(text, [outside, empty, negative]))
    assert "".join(parsed.chars) == text
    assert parsed.titles[0] and "hedges.z" in parsed.titles[0]
    assert parsed.titles[3] and "no file" in parsed.titles[3]
    assert not any("hype.y" in (t or "") for t in parsed.titles)


def test_claims_are_coloured_by_verdict_with_source():
    text = "It helped 84% of patients and 12 people."
    c1 = claim(text, "84%", "contradicted")
    c2 = claim(text, "12", "supported")
    markup = highlight.render(text, [], [c1, c2])
    parsed = parse(markup)
    assert "contradicted" in parsed.titles[text.index("84%")]
    assert "doi:10.1038" in parsed.titles[text.index("84%")]
    assert "sg-number_contradicted" in markup and "sg-number_supported" in markup
    assert "Number: contradicts the source" in markup  # legend


def test_show_limits_the_kinds_and_an_empty_show_marks_nothing():
    text = "a breakthrough that may help"
    hype = finding(text, "breakthrough", "hype", "hype.b")
    hedge = finding(text, "may help", "hedge", "hedges.m")
    only_hedges = parse(highlight.render(text, [hype, hedge], show={"hedge"}))
    assert only_hedges.titles[text.index("breakthrough")] is None
    assert only_hedges.titles[text.index("may")]
    nothing = parse(highlight.render(text, [hype, hedge], show=()))
    assert not any(nothing.titles)


def test_legend_counts_each_kind_and_names_it_plainly():
    text = "breakthrough and breakthrough, may"
    findings = [finding(text, "breakthrough", occurrence=0),
                finding(text, "breakthrough", occurrence=1),
                finding(text, "may", "hedge", "hedges.may")]
    markup = highlight.render(text, findings)
    legend = markup.split('class="sg-text"')[0]
    assert "Hype / promotional word</mark> &times;2" in legend
    assert "Calibrated hedge</mark> &times;1" in legend
    assert highlight.render(text, findings, legend=False).startswith('<div class="sg-text"')


def test_unknown_kinds_get_a_readable_label_and_a_colour():
    text = "costs $5,000 a month"
    f = finding(text, "$5,000", "cost_mentioned", "hnr_costs.price")
    markup = highlight.render(text, [f])
    assert "Cost mentioned" in markup
    assert "background:#" in markup.split("sg-text", 1)[1]


def test_kinds_present_in_legend_order():
    text = "may breakthrough"
    kinds = highlight.kinds_present([finding(text, "may", "hedge"), finding(text, "breakthrough")])
    assert kinds == ["hype", "hedge"]


def test_legend_counts_counted_and_not_counted_apart():
    legend = highlight.legend_html({"hedge": 14}, {"hedge": Counter({"over a rule's limit": 2})})
    assert "Calibrated hedge</mark> &times;14 counted, 2 <mark " in legend
    assert "dotted" in legend and "not counted</mark> (over a rule&#x27;s limit)" in legend
    assert "&times;3</li>" in highlight.legend_html({"hype": 3})
    unused = highlight.legend_html({}, {"hype": Counter({"no criterion uses them": 1})})
    assert "&times;" not in unused and "</mark> 1 <mark " in unused


_LEGEND_ITEM = re.compile(
    r"<li [^>]*><mark [^>]*>([^<]*)</mark> (?:&times;(\d+))?(?: counted, )?"
    r"(?:(\d+) <mark [^>]*>not counted</mark> \(([^)]*)\))?</li>"
)


def test_the_legend_counts_what_the_explanations_count_on_the_vox_article():
    """The Vox legend said 'Calibrated hedge x16' where the explanation said 14 hedges: the two
    a rule's limit left out must be counted apart, marked as such, and say why."""
    from srcgrade.score import set_aside

    text = seed_text("000")
    score = SCORER.score(text)
    aside = set_aside(score)
    markup = highlight.render(text, score.findings, score.claims, set_aside=aside)
    legend = {
        html.unescape(label): (int(n or 0), int(out or 0), html.unescape(why or ""))
        for label, n, out, why in _LEGEND_ITEM.findall(markup.split('class="sg-text"')[0])
    }
    for result in score.criteria.values():
        for contribution in result.contributions:
            kind = contribution.kind
            label = highlight.kind_label(f"number_{kind}" if kind in VERDICTS else kind)
            assert legend[label][0] == contribution.count, (result.criterion, label)
    hedges_aside = sum(f.kind == "hedge" for f in aside)
    assert hedges_aside > 0, "the Vox text repeats 'might be' past its rule's limit"
    assert legend[highlight.kind_label("hedge")][1:] == (hedges_aside, "over a rule's limit")
    marked = parse(markup)
    for finding in aside:
        title = marked.titles[finding.start]
        assert title and "NOT COUNTED" in title and finding.rule in title
    assert markup.count("sg-not-counted") >= len(aside) > 0


def muted_text(text: str, markup: str) -> str:
    parsed = parse(markup)
    assert "".join(parsed.chars) == text  # muted, never removed
    return "".join(c if m else "|" for c, m in zip(parsed.chars, parsed.muted, strict=True))


def test_markdown_syntax_is_muted_and_the_words_are_not():
    text = ("## **How MDMA works**\nFrom: [[hubermanlab]] <br/>\n"
            "See [the trial](https://doi.org/10.1/x).")
    shown = muted_text(text, highlight.render(text, legend=False))
    assert [part for part in shown.split("|") if part] == [
        "## **", "**", "[[", "]]", "<br/>", "[", "](https://doi.org/10.1/x)"]


@pytest.mark.parametrize("text", [
    "Risk fell [by 20%] (relative).", "a ** b", "#hashtag and 3 # 4", "[x](has space)"])
def test_brackets_stars_and_hashes_that_are_not_markdown_stay_plain(text):
    assert not any(parse(highlight.render(text, legend=False)).muted)


def test_evidence_inside_a_link_address_stays_marked_while_muted():
    text = "Read [the paper](https://doi.org/10.1038/s41591-021-01336-3) today."
    f = finding(text, "doi.org/10.1038/s41591-021-01336-3", kind="specific_citation")
    parsed = parse(highlight.render(text, [f], legend=False))
    assert all(parsed.titles[i] and parsed.muted[i] for i in range(f.start, f.end))


def test_the_huberman_pages_headings_and_timestamp_links_are_muted():
    text = seed_text("003")
    parsed = parse(highlight.render(text, legend=False))
    for match in re.finditer(r"\]\(#t=[0-9:]+\)|^#+ ", text, re.MULTILINE):
        assert all(parsed.muted[match.start():match.end()]), match.group()
    muted_share = sum(parsed.muted) / len(text)
    assert 0 < muted_share < 0.1  # the syntax only, not the prose
