"""Chart builders for the dashboard: small frames in, ``plotly.graph_objects.Figure`` out.

Built with ``graph_objects`` rather than plotly express (about three times faster to build, see
``/work/shared/research/performance.md``), from frames of at most a few dozen rows where possible.
Article titles are HTML-escaped before they become labels: plotly renders a few tags in text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies (Okabe & Ito 2008).
GENRE_COLOURS = {
    "journalism": "#0072B2",
    "summary": "#009E73",
    "press-release": "#E69F00",
    "promotional": "#D55E00",
    "content-farm": "#CC79A7",
    "other": "#666666",
}
_SPARE = ["#56B4E9", "#F0E442", "#000000"]
GENRE_SYMBOLS = {
    "journalism": "circle",
    "summary": "square",
    "press-release": "diamond",
    "promotional": "triangle-up",
    "content-farm": "x",
    "other": "cross",
}
FONT = {"size": 16, "color": "#1a1a1a"}
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
ROW_PX = 30  # height per bar of a horizontal bar chart, enough for a 16 px label
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def genre_colour(genre: str) -> str:
    if genre in GENRE_COLOURS:
        return GENRE_COLOURS[genre]
    return _SPARE[sum(map(ord, genre)) % len(_SPARE)]


def label(text: object, limit: int = 48) -> str:
    """A title shortened for a chart axis, escaped so plotly shows it as text."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return html.escape(value, quote=False)


_AXIS = {"gridcolor": "#e4e4e4", "zerolinecolor": "#c8c8c8", "linecolor": "#888888",
         "automargin": True}
# A small template, made once: plotly deep-copies a figure's template on every new figure, and
# copying the stock "plotly_white" was most of the cost of a redraw.
TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"],
        "font": {"size": 16, "color": "#1a1a1a"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "polar": {"bgcolor": "white", "radialaxis": {"gridcolor": "#dddddd"},
                  "angularaxis": {"gridcolor": "#dddddd", "linecolor": "#888888"}},
        "hoverlabel": {"font": {"size": 15}},
    }
)


def _figure(*data) -> go.Figure:
    return go.Figure(data=list(data), layout={"template": TEMPLATE})


def _layout(fig: go.Figure, **extra) -> go.Figure:
    settings = {
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "legend": {"title": {"text": "Genre"}},
    }
    settings.update(extra)
    fig.update_layout(**settings)
    return fig


def totals_bar(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars of the totals, best at the top, one colour per genre."""
    fig = _figure()
    order = [label(t) for t in frame["title"]]
    for genre, group in frame.groupby("genre", sort=False):
        fig.add_trace(
            go.Bar(
                x=group["total"].round(1),
                y=[label(t) for t in group["title"]],
                orientation="h",
                name=label(genre),
                marker_color=genre_colour(str(genre)),
                text=group["total"].round(0),
                textposition="outside",
                hovertemplate="%{y}<br>total %{x:.1f}<extra>" + label(genre) + "</extra>",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None)
    fig.update_xaxes(range=[0, 105], title="Total score (0-100, higher is more trustworthy)")
    return _layout(fig, height=max(260, 48 * len(frame) + 90), barmode="overlay")


def evidence_tone(frame: pd.DataFrame, labels: bool = True) -> go.Figure:
    """x = evidence, y = tone, one labelled point per article, quadrants named in plain words."""
    fig = _figure()
    frame = frame.sort_values(["evidence", "tone"])
    # Neighbouring points get their labels on alternating sides, so close points stay readable.
    # Labels go towards the middle of the chart (plotly clips text outside the plot area).
    right = ["middle right", "top right", "bottom right"]
    left = ["middle left", "top left", "bottom left"]
    frame = frame.assign(side=[(left if x > 60 else right)[i % 3]
                               for i, x in enumerate(frame["evidence"].fillna(0))])
    for genre, group in frame.groupby("genre", sort=False):
        fig.add_trace(
            go.Scatter(
                x=group["evidence"].round(1),
                y=group["tone"].round(1),
                mode="markers+text" if labels else "markers",
                text=[label(t, 32) for t in group["title"]],
                textposition=list(group["side"]),
                textfont={"size": 14},
                name=label(genre),
                marker={
                    "size": 16,
                    "color": genre_colour(str(genre)),
                    "symbol": GENRE_SYMBOLS.get(str(genre), "circle"),
                    "line": {"width": 1, "color": "#222"},
                },
                hovertemplate="%{text}<br>evidence %{x:.0f}, tone %{y:.0f}<extra></extra>",
            )
        )
    line = {"color": "#999", "dash": "dot", "width": 1}
    shapes = [  # the two midlines, set in one go (add_vline/add_hline validate the figure each)
        {"type": "line", "xref": "x", "yref": "paper", "x0": 50, "x1": 50, "y0": 0, "y1": 1,
         "line": line},
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 50, "y1": 50,
         "line": line},
    ]
    corners = [
        (0, 1, "left", "bottom", "↖ measured, but hard to check"),
        (1, 1, "right", "bottom", "checkable and measured ↗"),
        (0, 0, "left", "bottom", "↙ hard to check, and selling"),
        (1, 0, "right", "bottom", "checkable, but selling ↘"),
    ]
    annotations = [
        {"x": x, "y": y, "xref": "paper", "yref": "paper", "text": text, "showarrow": False,
         "xanchor": xanchor, "yanchor": yanchor, "yshift": 4, "font": {"size": 14, "color": "#444"}}
        for x, y, xanchor, yanchor, text in corners
    ]
    fig.update_layout(shapes=shapes, annotations=annotations)
    fig.update_xaxes(range=[-3, 103], title="Evidence: can I check it? (citations, numbers) →",
                     title_standoff=28)
    fig.update_yaxes(range=[-3, 103], title="Tone: reports rather than sells (hedging, no hype) →")
    return _layout(fig, height=600, margin={"l": 10, "r": 10, "t": 50, "b": 40})


def radar(series: Sequence[tuple[str, Mapping[str, float | None]]],
          labels: Mapping[str, str]) -> go.Figure:
    """One closed polygon per series over the criteria in a fixed order, radial range 0-100."""
    criteria = list(labels)
    names = [html.escape(labels[c]).replace(" ", "<br>", 1) if len(labels[c]) > 9
             else html.escape(labels[c]) for c in criteria]
    theta = [*names, names[0]] if criteria else []
    fig = _figure()
    for i, (name, values) in enumerate(series):
        r = [values.get(c) for c in criteria]
        r = [None if v is None or np.isnan(v) else round(float(v), 1) for v in r]
        colour = SERIES[i % len(SERIES)]
        fig.add_trace(
            go.Scatterpolar(
                r=[*r, r[0]] if r else [],
                theta=theta,
                name=label(name, 40),
                fill="toself" if i == 0 else "none",
                opacity=0.85,
                line={"color": colour, "width": 3, "dash": "solid" if i == 0 else "dash"},
                connectgaps=True,
            )
        )
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100], "angle": 45,
                           "tickangle": 45, "tickfont": {"size": 12, "color": "#555"}},
            "angularaxis": {"tickfont": {"size": 14}, "direction": "clockwise", "rotation": 90},
        }
    )
    return _layout(fig, height=470, legend={"orientation": "h", "y": -0.2},
                   margin={"l": 70, "r": 70, "t": 50, "b": 90})


def genre_strip(long: pd.DataFrame) -> go.Figure:
    """Per criterion, a box and every article's score as a point, one colour per genre."""
    fig = _figure()
    for genre, group in long.groupby("genre", sort=False):
        fig.add_trace(
            go.Box(
                x=group["label"],
                y=group["score"].round(1),
                name=label(genre),
                marker_color=genre_colour(str(genre)),
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                text=[label(t, 40) for t in group["title"]],
                hovertemplate="%{text}<br>%{x}: %{y:.0f}<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 105], title="Score (0-100)")
    fig.update_xaxes(title=None)
    return _layout(fig, boxmode="group", height=460)


def difference_bar(diff: pd.DataFrame, name_a: str, name_b: str) -> go.Figure:
    """Score of A minus score of B per criterion: bars right favour A, left favour B."""
    colours = ["#0072B2" if v >= 0 else "#D55E00" for v in diff["difference"].fillna(0)]
    texts = ["n/a" if pd.isna(v) else f"{v:+.0f}" for v in diff["difference"]]
    fig = _figure(
        go.Bar(
            x=diff["difference"].fillna(0).round(1),
            y=diff["label"],
            orientation="h",
            marker_color=colours,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:+.0f}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#333", "width": 1})
    fig.update_xaxes(range=[-105, 105], title="← second better  |  first better →")
    # Every criterion labelled: plotly drops every other category label once rows get tight
    # (16 criteria at a fixed 320 px), so the chart grows with the rows and dtick=1 keeps all.
    fig.update_yaxes(autorange="reversed", dtick=1, tickmode="linear")
    return _layout(fig, height=max(320, ROW_PX * len(diff) + 110), showlegend=False)


def sensitivity_lines(sweep: pd.DataFrame, titles: Mapping[str, str], current: float,
                      criterion_label: str) -> go.Figure:
    """Each article's total as one weight sweeps; crossings show rankings that hinge on it."""
    fig = _figure()
    for i, (article, group) in enumerate(sweep.groupby("article", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=group["weight"],
                y=group["total"].round(2),
                mode="lines",
                name=label(titles.get(article, article), 40),
                line={"width": 3, "color": SERIES[i % len(SERIES)],
                      "dash": DASHES[i % len(DASHES)]},
                hovertemplate="weight %{x:.1f}: total %{y:.1f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_vline(x=current, line={"color": "#333", "dash": "dash"},
                  annotation_text="current weight", annotation_position="top")
    fig.update_xaxes(title=f"Weight of {html.escape(criterion_label)}")
    fig.update_yaxes(title="Total score")
    return _layout(fig, height=480, legend={"title": {"text": "Article"}})


def rank_ranges_chart(frame: pd.DataFrame) -> go.Figure:
    """Best to worst rank over random weightings (a bar), the median rank as a dot."""
    frame = frame.sort_values("median")
    names = [label(t) for t in frame["title"]]
    fig = _figure()
    fig.add_trace(
        go.Bar(
            x=(frame["worst"] - frame["best"]).clip(lower=0.08),
            base=frame["best"],
            y=names,
            orientation="h",
            marker_color="rgba(0,114,178,0.35)",
            name="range of ranks",
            hovertemplate="%{y}: rank %{base} to %{customdata}<extra></extra>",
            customdata=frame["worst"],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["median"], y=names, mode="markers", name="median rank",
            marker={"size": 14, "color": "#0072B2", "symbol": "diamond"},
            hovertemplate="%{y}: median rank %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], title=None)
    fig.update_xaxes(title="Rank (1 = best)", range=[0.5, max(1, int(frame["worst"].max())) + 0.5],
                     dtick=1 if len(frame) <= 20 else None)
    return _layout(fig, height=max(260, 44 * len(frame) + 90), legend={"title": {"text": ""}})


class Bars(NamedTuple):
    """One series of :func:`grouped_bars`: a value per category, optionally with an interval."""

    name: str
    values: Sequence[float | None]
    colour: str
    low: Sequence[float | None] | None = None
    high: Sequence[float | None] | None = None


def _whiskers(bars: Bars) -> dict | None:
    if bars.low is None or bars.high is None:
        return None
    values = pd.Series(bars.values, dtype=float)
    return {"type": "data", "symmetric": False,
            "array": (pd.Series(bars.high, dtype=float) - values).tolist(),
            "arrayminus": (values - pd.Series(bars.low, dtype=float)).tolist()}


def grouped_bars(categories: Sequence[str], series: Sequence[Bars], y_title: str, *,
                 reference: float | None = None, height: int = 400) -> go.Figure:
    """Side-by-side bars per category on a 0-1 scale (agreement figures), on the same template
    and fonts as every other chart so they stay readable on a projector."""
    x = [html.escape(str(c), quote=False) for c in categories]
    fig = _figure(*(go.Bar(name=label(b.name, 70), x=x, y=list(b.values), marker_color=b.colour,
                           error_y=_whiskers(b), hovertemplate="%{x}: %{y:.3f}<extra></extra>")
                    for b in series))
    if reference is not None:
        fig.add_hline(y=reference, line={"color": "#555", "dash": "dot", "width": 2})
    fig.update_yaxes(range=[0, 1], title=y_title)
    fig.update_xaxes(title=None)
    return _layout(fig, barmode="group", height=height,
                   legend={"title": {"text": ""}, "orientation": "h", "x": 0, "y": 1.02,
                           "yanchor": "bottom"},
                   margin={"l": 10, "r": 10, "t": 80, "b": 10})
