"""Weights: how the total is made, presets, and how much the ranking depends on the weights."""

import pandas as pd
import streamlit as st

from srcgrade import weigh
from srcgrade.corpus import WeightPreset
from srcgrade.ui import charts
from srcgrade.ui.session import apply_weights, chart, context, md

LINES = 8  # articles drawn in the sweep chart (the best ones now), so it stays readable
RANGE_ROWS = 25


def short_name(preset: WeightPreset) -> str:
    """A preset's name for its button: without the rubric it is for (the page shows only that
    rubric's presets), in words: 'health-news-review-equal' is "Equal weights". The whole name
    cut to fit the button read "Use 'health-news-review-equ…"."""
    name = preset.name
    if preset.rubric and name.startswith(f"{preset.rubric}-"):
        name = name[len(preset.rubric) + 1:]
    words = name.replace("-", " ").replace("_", " ").strip() or preset.name
    words = words[0].upper() + words[1:]
    return words if "weight" in words.lower() else f"{words} weights"

ctx = context()
ranked = ctx.ranked
labels = ctx.labels()
titles = dict(zip(ranked["id"], ranked["title"], strict=True))

st.title("Weights: what counts, and how much")
st.markdown(
    "The total is a **weighted average** of the criterion scores. The sliders in the sidebar (on "
    "every page) set the weights; a weight of 0 leaves that question out. The address bar carries "
    "the weights, so copying the link shares this exact weighting."
)
current = pd.DataFrame(
    {
        "criterion": [labels[c] for c in ctx.criteria],
        "question": [ctx.rubric.criteria[c].question for c in ctx.criteria],
        # two decimals, as the sliders show them (0.759 would read as another weight than 0.76)
        "rubric's weight": [f"{ctx.rubric.criteria[c].weight:.2f}" for c in ctx.criteria],
        "weight now": [f"{ctx.weights[c]:.2f}" for c in ctx.criteria],
        "share of the total": [
            f"{ctx.weights[c] / max(1e-9, sum(ctx.weights.values())):.0%}" for c in ctx.criteria
        ],
    }
)
# A static table: its cells wrap, so a long question is read whole and every column is in view
# (an interactive one cut the questions off and pushed "weight now" out of sight). st.table
# renders Markdown in cells, so the rubric's text is escaped with md().
st.table(current.map(md), hide_index=True, border="horizontal",
         alt="The criteria with their question, the rubric's weight, the current weight and its "
         "share of the total.")
if not ranked.empty and ranked[ctx.criteria].isna().any().any():
    # "25%" read as every article's share; an article with an n/a question gives its part to
    # the others (the content farm states no number: its three questions weigh 33% each).
    st.caption("The shares are those of an article on which every question applies. Where one "
               "is n/a (numeric accuracy, for an article that states no number), the total leaves "
               "it out and the other questions share its part.")
if ctx.weight_note:
    st.warning(ctx.weight_note)

presets = {
    name: p for name, p in ctx.ratings.presets.items() if p.fits(ctx.rubric)
}
if presets:
    st.subheader("Saved weightings")
    for name, preset in presets.items():
        cols = st.columns([1, 3])
        cols[0].button(f"Use: {short_name(preset)}", key=f"preset_{name}",
                       on_click=apply_weights, args=(ctx, preset.weights),
                       help=f"Set the sliders to the preset `{name}`.", width="stretch")
        cols[1].caption(f"**{md(name)}**: {md(preset.description)} ({md(preset.path)})")

if ranked.empty:
    st.stop()

st.subheader("Does the ranking depend on one weight?")
st.markdown(
    "Pick a criterion: each line is one article's total as that criterion's weight goes from 0 to "
    f"{ctx.slider_max:g}, the others staying where they are. Where two lines **cross**, the two "
    "articles swap places depending on that weight."
)
criterion = st.selectbox("Criterion to sweep", ctx.criteria, format_func=labels.get,
                         key="sweep_criterion")
top = ranked.head(LINES)
sweep = weigh.sensitivity(top, ctx.weights, criterion, steps=31, maximum=ctx.slider_max)
end = sweep[sweep["weight"] == sweep["weight"].max()].set_index("article")["total"]
chart(
    charts.sensitivity_lines(sweep, titles, ctx.weights[criterion], labels[criterion]),
    alt=f"Line chart: the total of the {len(top)} best articles as the weight of "
    f"{labels[criterion]} goes from 0 to {ctx.slider_max:g}. At the highest weight: "
    + "; ".join(f"{titles[i]} {v:.0f}" for i, v in end.items()),
    key="sweep_chart",
)
if len(ranked) > LINES:
    st.caption(f"The {LINES} best articles with the current weights, of {len(ranked)}.")

st.subheader("How far can each article move?")
st.markdown(
    "We tried 500 random weightings. The bar runs from each article's best rank to its worst; the "
    "diamond is its typical (median) rank. A short bar means the weights hardly matter for it."
)
ranges = weigh.rank_ranges(ranked, ctx.criteria, draws=500)
ranges["title"] = ranges.index.map(titles)
shown = ranges.sort_values("median").head(RANGE_ROWS)
chart(
    charts.rank_ranges_chart(shown),
    alt="Rank range chart over 500 random weightings: "
    + "; ".join(f"{r.title} from {r.best} to {r.worst}" for r in shown.head(10).itertuples()),
    key="ranges_chart",
)
