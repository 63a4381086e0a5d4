"""Classroom: rate an article yourself with the rubric's levels, then compare with the machine
and the experts, with the evidence for each."""

import pandas as pd
import streamlit as st

from srcgrade import highlight, report
from srcgrade.corpus import ExpertRating
from srcgrade.ui import views
from srcgrade.ui.session import context, md, url_selectbox

NOT_APPLICABLE = 0  # the form's extra choice: the question does not fit this article
DOES_NOT_APPLY = "does not apply"


def choice_label(n: int, levels: dict[int, str]) -> str:
    return "Does not apply to this article" if n == NOT_APPLICABLE else f"Level {n}: {levels[n]}"


def level_cell(level: int | None) -> str:
    """A level for the table: "does not apply" rather than a bare None or 0."""
    return DOES_NOT_APPLY if not level else str(level)


def versus_expert(you: int | None, expert: ExpertRating | None) -> str:
    """Where the student and the expert part ways, the point of the exercise."""
    if expert is None:
        return "no expert rating"
    if not expert.level:
        return "same" if not you else "expert: does not apply"
    if not you:
        return "you: does not apply"
    expert_level = expert.level
    if you == expert_level:
        return "same"
    gap = abs(you - expert_level)
    return f"you {gap} level{'s' if gap > 1 else ''} {'higher' if you > expert_level else 'lower'}"


ctx = context()
corpus = ctx.corpus
articles = corpus.ratings.articles

st.title("Classroom: rate it yourself first")
st.markdown(  # one item per line: Markdown needs the line breaks to make a list of three
    "1. Read the article.\n"
    "2. For each question, choose the level that fits best (or *Does not apply*, say for "
    "numbers when the article states none).\n"
    "3. Press **Reveal** to see how the machine and the experts rated it, and why."
)
if not articles:
    st.info("No articles loaded yet.")
    st.stop()

titles = {a.id: a.title for a in articles}
chosen = url_selectbox(st, "Article", list(titles), "article", format_func=titles.get)
article = corpus.article(chosen)
score = corpus.by_id[chosen]
experts, expert_note = views.experts_for(ctx, article)
revealed_key = f"class_revealed_{chosen}"

revealed = bool(st.session_state.get(revealed_key))
# A new label after Reveal makes a new expander, closed: Streamlit keeps one that has been drawn
# open, and the results then began some 1,800 px down, below the whole text.
with st.expander("The article (open to read it again)" if revealed else "Read the article",
                 expanded=not revealed):
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
        answers[cid] = st.radio(
            criterion.label,
            [*sorted(criterion.levels), NOT_APPLICABLE],
            index=None,
            format_func=lambda n, levels_=criterion.levels: choice_label(n, levels_),
            key=f"class_{chosen}_{cid}",
            label_visibility="collapsed",
        )
    submitted = st.form_submit_button("Reveal the machine's and the experts' ratings",
                                      type="primary")
if submitted:
    missing = [ctx.labels()[c] for c, v in answers.items() if v is None]
    if missing:
        st.warning("Choose a level, or *Does not apply*, for every question first: "
                   + ", ".join(missing))
    else:
        st.session_state[revealed_key] = dict(answers)
        st.rerun()  # drawn again from the top: the article closed, the results in view

mine = st.session_state.get(revealed_key)
if not mine:
    st.stop()

st.subheader("How your ratings compare")
rows = []
for cid in ctx.criteria:
    result = score.criteria[cid]
    expert = experts.get(cid)
    row = {
        "criterion": ctx.labels()[cid],
        "you": level_cell(mine.get(cid)),
        "machine": level_cell(result.level),
        "machine score": DOES_NOT_APPLY if result.score is None else f"{result.score:.0f}",
    }
    if not expert_note:  # an expert's level on another rubric's scale is no answer to compare
        row["expert"] = level_cell(expert.level) if expert else "no expert rating"
        row["you vs expert"] = versus_expert(mine.get(cid), expert)
    rows.append(row)
frame = pd.DataFrame(rows)
if expert_note:
    st.caption(expert_note)
st.dataframe(frame, hide_index=True, width="stretch", key="class_table",
             alt="Your level, the machine's level and score, the expert's level and how yours "
                 "differs from the expert's, per criterion.")
download = frame.assign(article_id=chosen, article=article.title,
                        student=st.session_state.get("class_name", ""))
st.download_button("Download your answers (CSV)", data=report.csv_text(download),
                   file_name=f"srcgrade-classroom-{chosen}.csv", mime="text/csv",
                   on_click="ignore", key="class_csv")
st.markdown("### The evidence behind each rating")
views.highlighted_text(article.text, score, "class_evidence")
views.criterion_details(ctx.rubric, score, experts, key="class")
