"""Overview: every article ranked with the current weights, its score on each question, and two
charts of the corpus."""

import json

import pandas as pd
import streamlit as st

from srcgrade import report
from srcgrade.ui import charts, data
from srcgrade.ui.session import Context, chart, context, md

CHART_ROWS = 30  # charts draw the best rows only; the table holds them all
# Streamlit wraps a cell's text only in rows taller than 4 rem (68 px at the theme's 17 px
# base font, .streamlit/config.toml): rows of 70 px show a long title whole on two lines.
TALL_ROW_PX = 70
# The page's width at 1280 px (a classroom projector) with the sidebar open: a table wider than
# this scrolls sideways, and its last column (then "peer-reviewed?") was cut to "pee".
PAGE_PX = 790
TITLE_PX = 240  # with the other columns (549 px), the ranking fits PAGE_PX
GRID_ROW_PX = 38
PIN_AFTER = 8  # articles in the question grid beyond which it scrolls sideways: pin the labels
NA = "n/a"
NOT_RATED = "not rated (n/a)"
PEER = {True: "yes", False: "no"}


def header_px(text: str) -> int:
    """A column wide enough for its whole header (about 7.5 px a character, plus the sort icon
    and padding), so a header is not cut to "Numeric ac"."""
    return int(7.5 * len(text)) + 32


def left_out(frame: pd.DataFrame, criteria: list[str], labels: dict[str, str]) -> list[str]:
    """Per row, the criteria with no score (they do not apply), which the total leaves out."""
    missing = frame[criteria].isna().to_numpy()
    return [", ".join(labels[c] for c, gap in zip(criteria, row, strict=True) if gap)
            for row in missing]


def ranking_table(ranked: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The ranking in readable words: the article, its total, the questions its total leaves
    out, its genre and whether it reports a study. The scores themselves are in the question
    grid below: sixteen score columns beside a title do not fit a projected page, nor do four
    beside these."""
    table = ranked[["rank", "title", "total"]].copy()
    table[NOT_RATED] = left_out(ranked, list(labels), labels)
    table["genre"] = ranked["genre"]
    table["reports a study?"] = [PEER.get(v, "not stated")
                               for v in ranked["reports_peer_reviewed_study"]]
    return table


def ranking_columns() -> dict:
    """Each column as wide as its header and the title as wide as the rest, so no column is
    pushed out of sight (the table stretches them all on a wider screen)."""
    return {
        "rank": st.column_config.NumberColumn("rank", width=header_px("rank")),
        "title": st.column_config.TextColumn("title", width=TITLE_PX),
        "total": st.column_config.NumberColumn(
            "total", format="%.1f", width=header_px("total"),
            help="The weighted average of the scores that apply (n/a ones are left out)."),
        NOT_RATED: st.column_config.TextColumn(
            NOT_RATED, width=header_px(NOT_RATED),
            help="Questions that do not apply to this article; the total leaves them out."),
        "genre": st.column_config.TextColumn("genre", width=header_px("content-farm")),
        "reports a study?": st.column_config.TextColumn(
            "reports a study?", width=header_px("reports a study?"),
            help="Does the article report on a peer-reviewed study? This is about the study it "
                 "reports: the article itself is not peer-reviewed."),
    }


def left_out_note(ranked: pd.DataFrame, ctx: Context) -> None:
    """Says what n/a means and that the total leaves it out, with the scorer's own reason for
    the first such cell, so a class is not left to guess why a cell is empty."""
    missing = ranked[ctx.criteria].isna()
    if not missing.any().any():
        return
    row = missing.any(axis=1).idxmax()
    criterion = missing.columns[missing.loc[row]][0]
    article = ranked.at[row, "id"]
    reason = ctx.corpus.by_id[article].criteria[criterion].explanation
    st.caption(
        f"**n/a** means the question does not apply to that article, and its total leaves the "
        f"question out: the total is the weighted average of the other questions. For example, "
        f"{ctx.labels()[criterion]} for “{md(ranked.at[row, 'title'])}”: {md(reason)}"
    )


def tone_key(points: pd.DataFrame) -> None:
    """The key to the numbers on the evidence-and-tone chart: each article's whole title (on the
    chart, titles cut to fit ran into other points and hid what the article was about)."""
    numbers = charts.key_numbers(points)
    st.markdown(
        "**On the chart, each number is the article's rank:**  \n"
        + "  \n".join(f"**{n}** · {md(t)} ({md(g)})"
                       for n, t, g in zip(numbers, points["title"], points["genre"], strict=True))
    )


def question_grid(top: pd.DataFrame, criteria: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """The scores turned round: a row per question, its label whole, and a column per article
    headed by its rank (tied articles' columns are "#3", "#3-2", "#3-3"...). Sixteen questions
    fit down a page; across it, beside the titles, they did not fit even four."""
    grid = pd.DataFrame({"question": [labels[c] for c in criteria]})
    seen: dict[int, int] = {}
    for rank, (_, row) in zip(top["rank"], top.iterrows(), strict=True):
        seen[rank] = seen.get(rank, 0) + 1
        head = f"#{rank}" + ("" if seen[rank] == 1 else f"-{seen[rank]}")
        # Rounded as the Article page prints them: left to the browser, 12.5 showed as 13.
        grid[head] = [row[c] if pd.isna(row[c]) else data.whole(row[c]) for c in criteria]
    return grid


def grid_columns(grid: pd.DataFrame, top: pd.DataFrame) -> dict:
    """The question column as wide as its longest label; each article's column headed by its
    rank, with its title as the header's tooltip."""
    titles = list(top["title"])
    width = header_px(max(grid["question"], key=len, default=""))
    # Pinned columns are drawn in grey: pinned only when the grid is wide enough to scroll.
    config = {"question": st.column_config.TextColumn("question", width=width,
                                                      pinned=len(top) > PIN_AFTER)}
    for head, title in zip(grid.columns[1:], titles, strict=True):
        # A number, not a progress bar: Streamlit leaves an empty bar blank, while a number
        # column shows the placeholder, "n/a".
        config[head] = st.column_config.NumberColumn(head, format="%.0f", help=title, width=64)
    return config


ctx = context()
ranked = ctx.ranked
labels = ctx.labels()

st.title("How trustworthy is each article?")
st.markdown(
    f"Every article in the collection, rated on **{len(ctx.criteria)} questions** a careful "
    "reader asks. Each score runs from 0 to 100; **higher is more trustworthy**. The total is "
    "the weighted average of the scores: change the weights in the sidebar and the ranking "
    "updates."
)
if ranked.empty:
    st.info("No articles loaded yet. Add some under ratings/articles/ (see docs/formats.md).")
    st.stop()

for criterion in ctx.rubric.criteria.values():
    st.markdown(f"- **{criterion.label}**: {criterion.question}")

st.subheader("Ranking")
table = ranking_table(ranked, labels)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=min(640, TALL_ROW_PX * len(table) + 40),
    row_height=TALL_ROW_PX,
    placeholder=NA,
    key="ranking",
    column_config=ranking_columns(),
    alt="Ranking table: each article's rank, title and total, the questions that do not apply "
    "to it, its genre and whether it reports a peer-reviewed study.",
)
left_out_note(ranked, ctx)

export = ranked[["rank", "id", "title", "total", *ctx.criteria, "genre",
                 "reports_peer_reviewed_study", "words"]]
# A row sized to its buttons: in columns of a sixth of the page, "Download JSON" was cut at
# 1280 px with the sidebar open.
downloads = st.container(horizontal=True, key="downloads")
downloads.download_button(
    "Download CSV",
    data=lambda: report.csv_text(export),
    file_name="srcgrade-ranking.csv",
    mime="text/csv",
    on_click="ignore",
)
downloads.download_button(
    "Download JSON",
    data=lambda: json.dumps(
        {"weights": ctx.weights, "rubric": ctx.rubric.id,
         "articles": json.loads(export.to_json(orient="records"))}, indent=2),
    file_name="srcgrade-ranking.json",
    mime="application/json",
    on_click="ignore",
)

st.subheader(f"Scores on each of the {len(ctx.criteria)} questions")
top = ranked.head(CHART_ROWS)
grid = question_grid(top, ctx.criteria, labels)
st.caption(
    "One column per article, headed by its rank in the table above (hover over the number for "
    "the title)."
    + (f" The best {CHART_ROWS} of {len(ranked)} articles." if len(ranked) > CHART_ROWS else "")
)
st.dataframe(
    grid,
    hide_index=True,
    width="stretch",
    height=GRID_ROW_PX * (len(grid) + 1) + 3,  # every question without scrolling
    row_height=GRID_ROW_PX,
    placeholder=NA,
    key="question_grid",
    column_config=grid_columns(grid, top),
    alt="Table of every article's score on each question: one row per question, one column per "
    "article by rank; n/a where the question does not apply.",
)

st.subheader("Totals, coloured by genre")
if len(ranked) > CHART_ROWS:
    st.caption(f"The best {CHART_ROWS} of {len(ranked)} articles.")
best = top.iloc[0]
chart(
    charts.totals_bar(top[["title", "total", "genre"]]),
    alt=f"Bar chart of total scores, best first: {best['title']} leads with "
    f"{best['total']:.0f}; bars are coloured by genre.",
    key="totals_chart",
)

st.subheader("Evidence against tone")
st.markdown(
    "Like the media-bias chart used in classrooms: **right** means the claims can be checked "
    "(named sources, numbers that match the study); **up** means it reports rather than sells "
    "(admits uncertainty, no hype words). The top right is where trustworthy writing sits."
)
points = data.axes(top, ctx.criteria).assign(rank=top["rank"])
if points[["evidence", "tone"]].isna().all().all():
    st.caption("This rubric has none of the criteria the two axes are made of.")
else:
    numbered = len(points) <= 40
    chart(
        charts.evidence_tone(points, labels=numbered),
        alt="Scatter chart, one point per article: x is evidence (citations and numeric "
        "accuracy), y is tone (hedging, absence of hype), both 0 to 100. "
        + "; ".join(f"{r.title}: evidence {r.evidence:.0f}, tone {r.tone:.0f}"
                    for r in points.head(10).itertuples()),
        key="axes_chart",
    )
    if numbered:
        tone_key(points)
