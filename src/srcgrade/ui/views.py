"""Views several pages share: an article's highlighted text, its scores explained, its claims.

The only HTML these views put on the page comes from :func:`srcgrade.highlight.render`, which
escapes the article text with ``html.escape`` before adding ``<mark>`` spans; everything else goes
through Streamlit elements that show text as text (markdown is escaped with ``session.md``).
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from srcgrade import highlight
from srcgrade.corpus import Article, ExpertRating
from srcgrade.model import ArticleScore, Claim, Tally
from srcgrade.rubric import Criterion, Rubric
from srcgrade.score import (
    claim_points,
    number,
    param_at,
    points_rule,
    set_aside,
    tally_how,
)
from srcgrade.textcheck import SHORT_TEXT_WORDS
from srcgrade.ui import charts, data
from srcgrade.ui.session import Context, chart, md


def level_words(level: int | None) -> str:
    """An expert's level as the page words it: a question that does not fit is no level 0."""
    return f"level {level}" if level else "does not apply"


def experts_for(ctx: Context, article: Article) -> tuple[dict[str, ExpertRating], str | None]:
    """The article's expert ratings if they were made against the rubric being viewed, else
    none and a note saying which rubric they were made against: levels of one rubric do not
    mean the same on another, so showing them side by side would mislead."""
    rubric = article.experts_rubric(ctx.ratings.default_rubric)
    if not article.expert or rubric == ctx.rubric.id:
        return dict(article.expert), None
    return {}, (f"The experts rated this article against the “{md(rubric)}” rubric, whose levels "
                "differ from this one's: pick that rubric in the sidebar to see their ratings.")


def text_digest(text: str) -> str:
    """A short fingerprint of a text, for widget keys that must change when the text does."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


EVIDENCE_TABLE = "The evidence found"
# A highlight's rule and line are in its title attribute, which a touch screen never shows: the
# per-question tables below hold the same, so the hint names them rather than hover alone.
EVIDENCE_HINT = (f"Hover over a highlighted word to see the rule behind it and its YAML "
                 f"file:line, or, on a phone or tablet, open “{EVIDENCE_TABLE}” under each "
                 "question below: it lists every finding with its rule and line.")


# Compare shows two texts and no per-question explanations: its caption sends the reader to the
# Article page for those, rather than to tables and counts it does not have.
COMPARE_HINT = ("Hover over a highlighted word to see the rule behind it and its YAML file:line. "
                "Words with a dotted underline and no fill were found but count for nothing; the "
                "legend counts them apart. To see every finding listed with its rule and line (on "
                "a phone or tablet, which shows no hover text), open the article on the Article "
                "page.")


def highlighted_text(
    text: str, score: ArticleScore, key: str, *, toggles: bool = True, max_height: int | None = 640,
    caption: str | None = None,
) -> None:
    """The text with its evidence marked, a legend, and a toggle per kind of evidence.
    ``caption``: what to say under it, when the page is not one with each question explained
    below (the Article page's, by default)."""
    findings = list(score.findings)  # every match, also repeats past a rule's cap
    kinds = highlight.kinds_present(findings, score.claims)
    shown: list[str] | None = None
    if toggles and kinds:
        shown = st.pills(
            "Show these kinds of evidence (click to hide or show)",
            kinds,
            selection_mode="multi",
            default=kinds,
            format_func=highlight.kind_label,
            # Inside a column Streamlit keeps pills on one row by default, which pushed the last
            # kinds past the window's edge where they could be neither seen nor clicked.
            wrap=True,
            # Keyed on the text, not the id: a pasted text's id is its title, which a new text
            # keeps until the title is edited, so it would inherit the last text's selection.
            key=f"{key}_kinds_{text_digest(text)}",
        )
    markup = highlight.render(
        text, findings, score.claims, show=shown, max_height=max_height, set_aside=set_aside(score)
    )
    # Safe: highlight.render escapes the article text with html.escape before adding its own
    # <mark> markup, and st.html sanitises the result again (no scripts, no event handlers).
    st.html(markup)
    st.caption(caption or (
        f"{EVIDENCE_HINT} Words with a dotted underline and no fill were found but count for "
        "nothing (the tooltip and the table say why); the legend counts them apart, so its other "
        "counts are the explanations' counts."
    ))


def criterion_details(
    rubric: Rubric,
    score: ArticleScore,
    expert: Mapping[str, ExpertRating] | None = None,
    *,
    key: str = "",
) -> None:
    """Per criterion: the question, the score and its level sentence, the explanation, the
    findings with their YAML file:line, and the expert's rating beside the machine's."""
    for cid, criterion in rubric.criteria.items():
        result = score.criteria.get(cid)
        if result is None:
            continue
        with st.container(border=True):
            level = result.level
            head = f"#### {md(criterion.label)}: "
            shown = data.score_text(result.score)
            head += f"{shown}/100 · level {level} of 5" if level else "does not apply"
            st.markdown(head)
            st.markdown(f"**The question:** {md(criterion.question)}")
            if level:
                st.markdown(f"**Level {level} means:** {md(criterion.levels.get(level, ''))}")
            plain = result.plain_explanation()
            st.markdown(f"**Why this score:** {md(plain)}")
            if plain != result.explanation:
                with st.expander("How the number is worked out, with the rubric's YAML lines"):
                    st.markdown(md(result.working))
            rating = (expert or {}).get(cid)
            if rating:
                st.markdown(
                    f"**Expert rating: {level_words(rating.level)}** "
                    f"(machine: {'level ' + str(level) if level else 'n/a'}). "
                    f"Their reason: “{md(rating.rationale)}”"
                )
            if result.tallies:
                evidence_table(criterion, result.tallies)
            if criterion.method == "claims" and score.claims and result.score is not None:
                numbers_table(criterion, score.claims)
            with st.expander(f"All five levels of '{criterion.label}' and their sources"):
                for n in sorted(criterion.levels):
                    st.markdown(f"**{n}.** {md(criterion.levels[n])}")
                for source in criterion.sources:
                    st.caption(source)
                st.caption(f"Defined at {criterion.origin}")


def evidence_table(criterion: Criterion, tallies: tuple[Tally, ...]) -> None:
    """The findings behind a score with the points of each, so that the column adds up to the
    explanation's points for and against, and those that count for nothing say why."""
    counted = sum(t.counted for t in tallies)
    aside = len(tallies) - counted
    label = f"{EVIDENCE_TABLE} ({counted} counted"
    label += f", {aside} not counted)" if aside else ")"
    with st.expander(f"{label}: the words, their points, and the rule and YAML file:line behind "
                     "each", icon=":material/search:"):
        # st.table renders Markdown in cells: every cell is escaped with md().
        st.table(
            findings_frame(criterion, tallies).map(md),
            hide_index=True,
            border="horizontal",
            alt=f"Findings behind the {criterion.label} score: the words, their kind, their "
            "points and how they are worked out, the rule and YAML file:line behind them, and "
            "why they count.",
        )
        st.caption(md(f"{points_rule(criterion)} {points_sum(tallies)}"))


def points_sum(tallies: tuple[Tally, ...]) -> str:
    """What the points column adds up to, in the explanation's words."""
    sums = []
    for direction, sign, name in (("raises", "+", "for"), ("lowers", "-", "against")):
        rows = [t.points for t in tallies if t.counted and t.direction == direction]
        if rows:
            # The rows are shown to two decimals (0.125 as 0.12): as shown they can add up to a
            # hundredth less or more than the exact sum, which is said rather than left to puzzle.
            exact, shown = number(sum(rows)), number(sum(float(number(p)) for p in rows))
            rounding = f"; {shown} as the rows are rounded" if shown != exact else ""
            sums.append(f"the {sign} rows add up to {exact} (the points {name}{rounding})")
    if not sums:
        return "None of these findings is counted, so they add no points."
    return "In the points column, " + " and ".join(sums) + ": the figures the formula uses."


def findings_frame(criterion: Criterion, tallies: tuple[Tally, ...]) -> pd.DataFrame:
    """One row per finding: the words, their signed points (0 when not counted), how those are
    worked out from the rubric's lines, and the rule and lexicon line behind the match."""
    findings = [t.finding for t in tallies]
    return pd.DataFrame(
        {
            "words": [f.text for f in findings],
            "kind": [highlight.finding_label(f) for f in findings],
            "points": [_signed(t) for t in tallies],
            "how the points are worked out": [tally_how(criterion, t) for t in tallies],
            "rule, and where it is defined": [
                f"{f.rule} — {f.origin}" if f.origin else f.rule for f in findings
            ],
            "why it counts": [f.message for f in findings],
        }
    )


def _signed(tally: Tally) -> str:
    if not tally.counted:
        return "0 (not counted)"
    return ("+" if tally.direction == "raises" else "-") + number(tally.points)


def numbers_table(criterion: Criterion, claims: tuple[Claim, ...]) -> None:
    """The numeric claims behind a ``claims`` criterion: each one's verdict, its points, and the
    fact ledger line that decided it."""
    with st.expander(f"The numbers checked ({len(claims)}): each with its verdict, its points, "
                     "and the fact and YAML file:line behind it", icon=":material/search:"):
        points = [claim_points(criterion, c) for c in claims]
        # The sentence and DOI are in the full table below the criteria: here, what adds up.
        frame = claims_frame(claims).drop(columns=["DOI", "sentence", "about"])
        frame.insert(2, "points", [f"{p:+g}" for p in points])
        st.table(
            frame.map(md),
            hide_index=True,
            border="horizontal",
            alt=f"Numeric claims behind the {criterion.label} score: verdict, points, what the "
            "ledger says, the fact and its YAML file:line, and the source.",
        )
        st.caption(md(f"The points add up to the net {sum(points):+.2f} that the formula above "
                      "uses; each verdict's points are set in the rubric "
                      f"({param_at(criterion, 'verdicts')})."))


def claims_frame(claims: tuple[Claim, ...]) -> pd.DataFrame:
    """The claims, most telling columns first: the number, its verdict, what the ledger says,
    the fact and the ledger line defining it, the source's DOI, then the sentence."""
    return pd.DataFrame(
        {
            "number": [c.text for c in claims],
            "verdict": [c.verdict.replace("_", " ") for c in claims],
            "what the ledger says": [c.note for c in claims],
            "fact, and where it is defined": [
                f"{c.fact_id} — {c.origin}" if c.origin else (c.fact_id or "") for c in claims
            ],
            "DOI": [data.doi_link(c.source) for c in claims],
            "sentence": [c.sentence for c in claims],
            "source": [c.source or "" for c in claims],
            "about": [c.measure or "" for c in claims],
        }
    )


def claims_table(score: ArticleScore) -> None:
    """The numbers the article states, each with its verdict against the fact ledger.

    A static table whose cells wrap: as a data grid its eight columns scrolled sideways in the
    800 px a page has at 1280 px. The source is one cell linking its DOI; the sentence is cut to
    the words around the number (a whole sentence per row made each row a column of text); what
    the number measures is in those words and in the ledger's note."""
    st.markdown("#### Numbers in the text, checked against the fact ledger")
    if not score.claims:
        st.caption(
            "No numeric claims were checked (the text states none, or ratings/facts/ has no facts "
            "yet)."
        )
        return
    frame = claims_frame(score.claims)
    shown = frame.drop(columns=["DOI", "source", "about", "sentence"]).map(md)
    shown.insert(3, "source", [source_cell(c.source) for c in score.claims])
    shown["in the text"] = [in_the_text(c) for c in score.claims]
    st.table(
        shown,
        hide_index=True,
        border="horizontal",
        alt="Numeric claims of the article with their verdicts, what the ledger says, the "
        "source linked to its DOI, the fact and its YAML file:line, and the words around each "
        "number in the text.",
    )


def in_the_text(claim: Claim) -> str:
    """The words around the number, the number in bold, as inert Markdown."""
    offset = claim.start - claim.sentence_start
    before, number, after = data.words_around(claim.sentence, offset, offset + len(claim.text))
    return f"{md(before)}**{md(number)}**{md(after)}"


def source_cell(source: str | None) -> str:
    """A source as Markdown: its citation, linked to its DOI when it has one. The citation is
    escaped like all YAML text; the link is only ever an https://doi.org/ address."""
    if not source:
        return ""
    parts = source.split(" or ")
    if len(parts) > 1 and all(data.doi_link(part) for part in parts):
        # A figure two trials fit cites both ("A, doi:x or B, doi:y"): each linked to its own DOI,
        # not the pair to the first one.
        return " or ".join(source_cell(part) for part in parts)
    link = data.doi_link(source)
    citation = md(data.citation_without_doi(source) or source)
    if not link:
        return citation
    return f"[{citation}]({urllib.parse.quote(link, safe=':/')})"


def summary_line(ctx: Context, score: ArticleScore, meta: Mapping[str, Any], total: float | None,
                 rank: int | None = None, of: int | None = None) -> None:
    """The total and rank in large figures; the genre and the study in words beside them. As
    large figures in quarter-page columns they were cut at 1280 px ("promoti…", "content-f…",
    "Reports a peer-reviewed st…")."""
    cols = st.columns([1, 1, 2], vertical_alignment="center")
    cols[0].metric("Total (current weights)", data.score_text(total))
    cols[1].metric("Rank", f"{rank} of {of}" if rank else "—")
    peer = meta.get("reports_peer_reviewed_study")
    cols[2].markdown(
        f"**Genre:** {md(meta.get('genre') or 'unknown')}  \n"
        f"**Reports a peer-reviewed study:** {({True: 'yes', False: 'no'}.get(peer, '—'))}"
    )
    bits = [str(meta[k]) for k in ("publisher", "author", "date") if meta.get(k)]
    if bits:
        st.caption(" · ".join(bits))
    link = data.safe_url(meta.get("url"))
    if link:
        st.link_button("Open the original", link)


def rank_sentence(total: float | None, totals: pd.Series, rank: int) -> str:
    """Where the text would stand among the collection's totals, in words that read well at
    either end ("rank #6, above 0 of them" did not)."""
    totals = totals.dropna()
    n = len(totals)
    if total is None:
        return "No question of the rubric applies to it, so it has no total to rank."
    if not n:
        return "The collection has no totals to rank it against."
    above, below = int((totals < total).sum()), int((totals > total).sum())
    if above == n:
        return f"It would rank **#1**, above all {n} articles of the collection."
    if below == n:
        return f"It would rank **last (#{n + 1})**, below all {n} articles of the collection."
    level = n - above - below
    tie = f", level with {level}" if level else ""
    return f"It would rank **#{rank} of {n + 1}**: above {above} of the {n} articles{tie}."


NOTHING_FOUND = ("But nothing the rubric looks for was found in it: its scores are where every "
                 "text starts, not a judgement of it, so read this rank with care.")


def unranked_sentence(words: int) -> str:
    """Said instead of a rank for a text too short to rank (:func:`srcgrade.textcheck.is_short`):
    a text with no evidence at all gets the rubric's neutral scores, which can place it above
    articles of the collection that were faulted for something."""
    noun = "word" if words == 1 else "words"
    return (f"It is **not ranked** against the collection: with {words} {noun}, its total says "
            "little. A text with almost nothing in it gets middling scores, which can place it "
            "above real articles that were faulted for something; ranks are given from "
            f"{SHORT_TEXT_WORDS} words.")


def radar_against_corpus(ctx: Context, score: ArticleScore, key: str, name: str = "This article"):
    mean = data.corpus_mean(ctx.corpus.table, ctx.criteria)
    fig = charts.radar([(name, score.scores()), ("Corpus average", mean)], ctx.labels())
    values = ", ".join(f"{ctx.labels()[c]} {data.score_text(score.scores().get(c))} (average "
                       f"{data.score_text(mean.get(c))})" for c in ctx.criteria)
    kind = "Bar chart" if len(ctx.criteria) > charts.RADAR_MAX else "Radar chart"
    chart(fig, alt=f"{kind} of this article's criterion scores against the corpus average: "
                   f"{values}.", key=key)
    rings_note(ctx.labels())


def rings_note(labels: Mapping[str, str]) -> None:
    """What the radar's rings stand for, under it: inside the figure the note was cut off at
    1280 px ("... the edge is"). Bars have their own axis, so they need none."""
    if len(labels) <= charts.RADAR_MAX:
        st.caption(charts.RINGS_NOTE)


def article_view(
    ctx: Context,
    score: ArticleScore,
    text: str,
    meta: Mapping[str, Any],
    *,
    key: str,
    expert: Mapping[str, ExpertRating] | None = None,
    rank: int | None = None,
    of: int | None = None,
) -> None:
    """Everything about one article: totals, highlighted text, radar, criteria, claims."""
    total = data.total_for(score.scores(), ctx.weights)
    summary_line(ctx, score, meta, total, rank, of)
    # Halves: in two fifths of the page the radar was 110 px across at 1280 px (60 px with a
    # criterion that does not apply), too small to read on a projector.
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("#### The text, with its evidence highlighted")
        highlighted_text(text, score, key)
    with right:
        st.markdown("#### Against the corpus average")
        radar_against_corpus(ctx, score, key=f"{key}_radar")
    # Full width: in the narrow column the expert level and the weight were scrolled out of view.
    st.markdown("#### Scores at a glance")
    glance = pd.DataFrame(
        {
            "criterion": [ctx.labels()[c] for c in ctx.criteria],
            "machine": [data.score_text(score.criteria[c].score) for c in ctx.criteria],
            "level": [str(score.criteria[c].level or "n/a") for c in ctx.criteria],
            "expert level": [
                str(expert[c].level or "n/a") if expert and c in expert else "—"
                for c in ctx.criteria
            ],
            "weight now": [f"{ctx.weights.get(c, 0.0):.2f}" for c in ctx.criteria],
        }
    )
    st.dataframe(glance, hide_index=True, width="stretch", key=f"{key}_glance",
                 alt="Each criterion's machine score and level, the expert level and weight.")
    st.markdown("### Each criterion explained")
    criterion_details(ctx.rubric, score, expert, key=key)
    claims_table(score)
