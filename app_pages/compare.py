"""Compare: genres side by side per criterion, and any two articles against each other."""

import pandas as pd
import streamlit as st

from srcgrade.ui import charts, data, views
from srcgrade.ui.session import chart, context, md, url_selectbox

ctx = context()
corpus = ctx.corpus
ranked = ctx.ranked
labels = ctx.labels()

st.title("Compare")
if ranked.empty:
    st.info("No articles loaded yet.")
    st.stop()

st.subheader("Journalism against promotional copy, question by question")
st.markdown(
    "Each mark is one article's score on one question; colour and shape give its genre, and the "
    "legend says how many articles each genre has (n). A genre with 5 or more articles also gets "
    "a box around its middle half. With one or two articles in a genre, the chart shows those "
    "articles, not the genre: do not generalise from them. Do journalists who report a study "
    "score differently from promotional pages?"
)
long = data.long_scores(ranked, ctx.rubric)
means = long.groupby(["label", "genre"])["score"].mean().round(0)
chart(
    charts.genre_strip(long),
    alt="Dot plot of each article's score per question, by genre (boxes only for genres of 5 or "
    "more articles). Genre averages: "
    + "; ".join(f"{g} {c}: {v:.0f}" for (c, g), v in means.items()),
    key="genre_chart",
)

st.subheader("Two articles side by side")
ids = list(ranked["id"])
titles = dict(zip(ranked["id"], ranked["title"], strict=True))
pick_a, pick_b = st.columns(2)
a = url_selectbox(pick_a, "First article", ids, "a", index=0, format_func=titles.get)
b = url_selectbox(pick_b, "Second article", ids, "b", index=len(ids) - 1, format_func=titles.get)
score_a, score_b = corpus.by_id[a], corpus.by_id[b]

left, right = st.columns(2, gap="large")
with left:
    chart(
        charts.radar([(titles[a], score_a.scores()), (titles[b], score_b.scores())], labels),
        alt=(f"Radar chart overlaying the criterion scores of '{titles[a]}' (solid) and "
             f"'{titles[b]}' (dashed)." if len(labels) <= charts.RADAR_MAX else
             f"Bar chart of the criterion scores of '{titles[a]}' (plain bars) and "
             f"'{titles[b]}' (hatched bars)."),
        key="compare_radar",
    )
    views.rings_note(labels)
with right:
    sa, sb = score_a.scores(), score_b.scores()
    diff = pd.DataFrame(
        {
            "label": [labels[c] for c in ctx.criteria],
            "difference": [
                None if sa.get(c) is None or sb.get(c) is None else sa[c] - sb[c]
                for c in ctx.criteria
            ],
        }
    )
    chart(
        charts.difference_bar(diff, titles[a], titles[b]),
        alt="Bar chart of the score difference per criterion (first minus second): "
        + "; ".join(f"{r.label} {data.score_text(r.difference)}" for r in diff.itertuples()),
        key="compare_diff",
    )
    st.markdown(
        f"**Totals with the current weights:** first {data.score_text(ranked.at[a, 'total'])}, "
        f"second {data.score_text(ranked.at[b, 'total'])}."
    )

text_a, text_b = st.columns(2, gap="large")
with text_a:
    st.markdown("#### First article")
    st.caption(md(titles[a]))
    views.highlighted_text(corpus.article(a).text, score_a, "compare_text_a",
                           max_height=520, caption=views.COMPARE_HINT)
with text_b:
    st.markdown("#### Second article")
    st.caption(md(titles[b]))
    views.highlighted_text(corpus.article(b).text, score_b, "compare_text_b",
                           max_height=520, caption=views.COMPARE_HINT)
