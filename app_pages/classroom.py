"""Classroom: rate an article yourself with the rubric's levels, then compare with the machine
and the experts, with the evidence for each."""

import pandas as pd
import streamlit as st

from srcgrade import highlight
from srcgrade.ui import views
from srcgrade.ui.session import context, md, url_selectbox

ctx = context()
corpus = ctx.corpus
articles = corpus.ratings.articles

st.title("Classroom: rate it yourself first")
st.markdown(
    "1. Read the article. 2. For each question, choose the level that fits best. "
    "3. Press **Reveal** to see how the machine and the experts rated it, and why."
)
if not articles:
    st.info("No articles loaded yet.")
    st.stop()

titles = {a.id: a.title for a in articles}
chosen = url_selectbox(st, "Article", list(titles), "article", format_func=titles.get)
article = corpus.article(chosen)
score = corpus.by_id[chosen]
revealed_key = f"class_revealed_{chosen}"

with st.expander("Read the article", expanded=not st.session_state.get(revealed_key)):
    st.caption(md(" · ".join(str(article.meta[k]) for k in ("publisher", "date")
                             if article.meta.get(k))))
    # The text only, with no highlights (they would give the answers away). Safe: render()
    # escapes the text with html.escape; st.html sanitises again.
    st.html(highlight.render(article.text, legend=False, max_height=480))

st.subheader("Your ratings")
answers = {}
with st.form(f"class_form_{chosen}"):
    student = st.text_input("Your name (optional, for the download)", key="class_name")
    for cid, criterion in ctx.rubric.criteria.items():
        st.markdown(f"**{md(criterion.label)}: {md(criterion.question)}**")
        levels = sorted(criterion.levels)
        answers[cid] = st.radio(
            criterion.label,
            levels,
            index=None,
            format_func=lambda n, levels_=criterion.levels: f"Level {n}: {levels_[n]}",
            key=f"class_{chosen}_{cid}",
            label_visibility="collapsed",
        )
    submitted = st.form_submit_button("Reveal the machine's and the experts' ratings",
                                      type="primary")
if submitted:
    missing = [ctx.labels()[c] for c, v in answers.items() if v is None]
    if missing:
        st.warning("Choose a level for every question first: " + ", ".join(missing))
    else:
        st.session_state[revealed_key] = dict(answers)

mine = st.session_state.get(revealed_key)
if not mine:
    st.stop()

st.subheader("How your ratings compare")
rows = []
for cid in ctx.criteria:
    result = score.criteria[cid]
    expert = article.expert.get(cid)
    rows.append(
        {
            "criterion": ctx.labels()[cid],
            "you": mine.get(cid),
            "machine": result.level,
            "machine score": None if result.score is None else round(result.score),
            "expert": expert.level if expert else None,
        }
    )
frame = pd.DataFrame(rows)
st.dataframe(frame, hide_index=True, width="stretch", key="class_table",
             alt="Your level, the machine's level and score, and the expert's level per criterion.")
download = frame.assign(article_id=chosen, article=article.title,
                        student=st.session_state.get("class_name", ""))
st.download_button("Download your answers (CSV)", data=download.to_csv(index=False),
                   file_name=f"srcgrade-classroom-{chosen}.csv", mime="text/csv",
                   on_click="ignore", key="class_csv")
st.markdown("### The evidence behind each rating")
views.highlighted_text(article.text, score, "class_evidence")
views.criterion_details(ctx.rubric, score, article.expert, key="class")
