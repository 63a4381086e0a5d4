"""Overview: every article ranked with the current weights, and two charts of the corpus."""

import json

import streamlit as st

from srcgrade.ui import charts, data
from srcgrade.ui.session import chart, context

CHART_ROWS = 30  # charts draw the best rows only; the table holds them all

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
columns = ["rank", "title", "total", *ctx.criteria, "genre", "reports_peer_reviewed_study"]
table = ranked[columns].rename(
    columns={"reports_peer_reviewed_study": "peer-reviewed study?", **labels}
)
score_cfg = {
    labels[c]: st.column_config.ProgressColumn(labels[c], min_value=0, max_value=100, format="%.0f",
                                               help=ctx.rubric.criteria[c].question,
                                               width="small")
    for c in ctx.criteria
}
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=min(600, 38 * len(table) + 40),
    key="ranking",
    column_config={
        "rank": st.column_config.NumberColumn("rank", width="small"),
        "title": st.column_config.TextColumn("title", width="medium"),
        "total": st.column_config.NumberColumn("total", format="%.1f"),
        **score_cfg,
    },
    alt="Ranking table: each article's rank, title, total, criterion scores, genre and whether it "
    "reports a peer-reviewed study.",
)
export = ranked[["rank", "id", "title", "total", *ctx.criteria, "genre",
                 "reports_peer_reviewed_study", "words"]]
left, right, _ = st.columns([1, 1, 4])
left.download_button(
    "Download CSV",
    data=lambda: export.to_csv(index=False),
    file_name="srcgrade-ranking.csv",
    mime="text/csv",
    on_click="ignore",
)
right.download_button(
    "Download JSON",
    data=lambda: json.dumps(
        {"weights": ctx.weights, "rubric": ctx.rubric.id,
         "articles": json.loads(export.to_json(orient="records"))}, indent=2),
    file_name="srcgrade-ranking.json",
    mime="application/json",
    on_click="ignore",
)

top = ranked.head(CHART_ROWS)
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
points = data.axes(top, ctx.criteria)
if points[["evidence", "tone"]].isna().all().all():
    st.caption("This rubric has none of the criteria the two axes are made of.")
else:
    chart(
        charts.evidence_tone(points, labels=len(points) <= 40),
        alt="Scatter chart, one point per article: x is evidence (citations and numeric "
        "accuracy), y is tone (hedging, absence of hype), both 0 to 100. "
        + "; ".join(f"{r.title}: evidence {r.evidence:.0f}, tone {r.tone:.0f}"
                    for r in points.head(10).itertuples()),
        key="axes_chart",
    )
