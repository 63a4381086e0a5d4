"""Article: one article's text with its evidence highlighted, each score explained, the experts'
ratings beside the machine's, and its numbers checked against the fact ledger."""

import streamlit as st

from srcgrade.ui import views
from srcgrade.ui.session import context, md, url_selectbox

ctx = context()
corpus = ctx.corpus
ranked = ctx.ranked

st.title("One article, explained")
if ranked.empty:
    st.info("No articles loaded yet.")
    st.stop()

ids = list(ranked["id"])
titles = dict(zip(ranked["id"], ranked["title"], strict=True))
chosen = url_selectbox(
    st,
    "Article (in ranking order)",
    ids,
    "article",
    format_func=lambda i: f"#{int(ranked.at[i, 'rank'])} · {titles[i]}",
)
article = corpus.article(chosen)
score = corpus.by_id[chosen]
expert, expert_note = views.experts_for(ctx, article)
st.header(md(titles[chosen]), anchor=False)
if expert_note:
    st.caption(expert_note)
views.article_view(
    ctx,
    score,
    article.text,
    article.meta,
    key="article_view",
    expert=expert,
    rank=int(ranked.at[chosen, "rank"]),
    of=len(ranked),
)
if expert and article.expert_rater:
    st.caption(f"Expert ratings by: {article.expert_rater}. Source file: {article.path}")
