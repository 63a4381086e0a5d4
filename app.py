"""srcgrade dashboard: `streamlit run app.py` (ratings: see srcgrade.corpus.default_ratings_dir).

This file only wires things up: the navigation, the sidebar (rubric picker, weight sliders bound to
the URL, reset) and the problems panel. Pages live in app_pages/; the logic lives in srcgrade.
"""

import streamlit as st

from srcgrade.ui import session

st.set_page_config(
    page_title="srcgrade: how trustworthy is this article?", page_icon="🔎", layout="wide"
)

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/leaderboard:", default=True),
    st.Page("app_pages/article.py", title="Article", icon=":material/article:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare:"),
    st.Page(
        "app_pages/agreement.py", title="Does it agree with experts?", icon=":material/handshake:"
    ),
    st.Page("app_pages/weights.py", title="Weights", icon=":material/tune:"),
    st.Page("app_pages/score_your_own.py", title="Score your own", icon=":material/edit_note:"),
    st.Page("app_pages/classroom.py", title="Classroom", icon=":material/school:"),
]
page = st.navigation(pages)
ctx = session.start()
session.problems_panel(ctx)
page.run()
