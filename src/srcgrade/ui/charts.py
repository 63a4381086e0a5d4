"""Chart builders for the dashboard: small frames in, ``plotly.graph_objects.Figure`` out.

Built with ``graph_objects`` rather than plotly express (about three times faster to build, see
``/work/shared/research/performance.md``), from frames of at most a few dozen rows where possible.
Article titles are HTML-escaped before they become labels: plotly renders a few tags in text.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from srcgrade.export import GENRES
from srcgrade.ui.data import score_text

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
RADAR_MAX = 8  # more criteria than this and a radar's labels crowd and run off the chart: bars
BOX_MIN = 5  # a box of fewer articles than this draws a spread that is not there: dots only


def genre_colour(genre: str) -> str:
    if genre in GENRE_COLOURS:
        return GENRE_COLOURS[genre]
    return _SPARE[sum(map(ord, genre)) % len(_SPARE)]


def genre_order(genre: str) -> tuple[int, str]:
    """Sort key of a genre: the core's genres in their order (srcgrade.export.GENRES, the list
    Score your own offers; "other" last), any genre outside it before "other", by name. Every
    chart's legend lists the genres in this one order, so a class does not have to find the
    same genre in a new place on each chart."""
    known = [g for g in GENRES if g != "other"]
    if genre in known:
        return known.index(genre), ""
    return (len(known) + 1, "") if genre == "other" else (len(known), genre)


def by_genre(frame: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """The rows of each genre, genres in :func:`genre_order` (the legend order of every chart)."""
    groups = {str(g): rows for g, rows in frame.groupby("genre", sort=False)}
    for genre in sorted(groups, key=genre_order):
        yield genre, groups[genre]


def label(text: object, limit: int = 48) -> str:
    """A title shortened for a chart axis, escaped so plotly shows it as text."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return html.escape(value, quote=False)


TITLE_CHARS = 22  # a line of an article title on a bar chart's axis: 14 px, 2 lines at most
TITLE_FONT = {"size": 14}


def title_label(text: object) -> str:
    """An article title as a bar chart's axis label: two short lines at most, the second ending
    in "…" if cut. On one line of 48 characters the labels took most of a 390 px phone screen
    and were cut at its left edge; the whole title is in the hover."""
    lines = textwrap.wrap(str(text), TITLE_CHARS) or [""]
    if len(lines) > 2:
        rest = textwrap.shorten(" ".join(lines[1:]), TITLE_CHARS - 1, placeholder="")
        lines = [lines[0], (rest or lines[1][: TITLE_CHARS - 1]).rstrip() + "…"]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def unique_labels(labels: Sequence[str]) -> list[str]:
    """Axis categories must differ, or plotly stacks two articles on one row: a label shared
    after shortening gets a number ("… (2)")."""
    seen: dict[str, int] = {}
    out = []
    for text in labels:
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return out


LEGEND_ROWS_PX = 26  # one row of a horizontal legend at 16 px


def legend_under(rows: int = 2) -> tuple[dict, int]:
    """A horizontal legend at the foot of the figure and the room it takes, reserved for
    ``rows`` rows: the server cannot know the screen, and a legend beside the plot took half of
    a phone's width (on the bars, at 390 px). Side by side the entries fill one row at 1280 px
    and wrap at 390 px. No legend title: beside the entries it pushed them off a phone's
    screen, above them plotly indented them by its width; the entries (genres) and the page's
    heading say what they are."""
    legend = {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0,
              "yanchor": "bottom", "title": {"text": ""}}
    return legend, LEGEND_ROWS_PX * rows + 10


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


NO_TOTAL = "no total (n/a)"
"""The bar label of an article whose weighted questions are all n/a (short: it sits at 0)."""
NO_TOTAL_WHY = "no total: every question weighted above 0 is n/a for it"


def totals_bar(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars of the totals, best at the top, one colour per genre; titles in two
    short lines (whole in the hover), the genre legend under the chart."""
    fig = _figure()
    frame = frame.assign(name=unique_labels([title_label(t) for t in frame["title"]]))
    for genre, group in by_genre(frame):
        fig.add_trace(
            go.Bar(
                # An article whose weighted questions are all n/a has no total: a bar of 0
                # labelled so, not "NaN" (plotly's text for a missing value).
                x=group["total"].round(1).fillna(0),
                y=list(group["name"]),
                orientation="h",
                name=label(genre),
                marker_color=genre_colour(str(genre)),
                text=[NO_TOTAL if pd.isna(v) else f"{v:.0f}" for v in group["total"]],
                textposition="outside",
                customdata=[
                    f"{label(t, 200)}<br>" + (NO_TOTAL_WHY if pd.isna(v) else f"total {v:.1f}")
                    for t, v in zip(group["title"], group["total"], strict=True)
                ],
                hovertemplate="%{customdata}<extra>" + label(genre) + "</extra>",
            )
        )
    order = list(frame["name"])
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None,
                     tickfont=TITLE_FONT)
    # two short lines: centred under the bars, one line ran off a phone screen's right edge
    fig.update_xaxes(range=[0, 105], title={"text": "Total score (0-100):<br>higher is more "
                                            "trustworthy", "font": {"size": 14}})
    legend, legend_px = legend_under()
    # the bottom margin holds the ticks and the two-line axis title, then the legend
    return _layout(fig, height=max(260, 48 * len(frame) + 120) + legend_px, barmode="overlay",
                   legend=legend, margin={"l": 10, "r": 10, "t": 20, "b": 90 + legend_px})


def key_numbers(frame: pd.DataFrame) -> list[str]:
    """The number each article carries on the evidence-and-tone chart: its rank when the frame
    has one (the same number as in the ranking table), else its position."""
    if "rank" in frame.columns:
        return [str(int(r)) for r in frame["rank"]]
    return [str(i) for i in range(1, len(frame) + 1)]


def number_sides(x: Sequence[float], y: Sequence[float]) -> list[str]:
    """Where each point's number goes: above its marker, below when another marker sits just
    above, beside it when one sits below too, so a number is never printed over a marker.

    A 16 px number above a 16 px marker spans about 1.5 to 5 units of the 0-100 axes of the
    600 px chart, and half a unit either side; a marker within 5 units across and 7 up (or
    down) would be in its way.
    """
    sides = []
    for i, (xi, yi) in enumerate(zip(x, y, strict=True)):
        near = [yj - yi for j, (xj, yj) in enumerate(zip(x, y, strict=True))
                if j != i and abs(xj - xi) < 5 and abs(yj - yi) < 7]
        above, below = any(d >= 0 for d in near), any(d < 0 for d in near)
        if not above:
            sides.append("top center")
        elif not below:
            sides.append("bottom center")
        else:
            sides.append("middle left" if xi > 50 else "middle right")
    return sides


def evidence_tone(frame: pd.DataFrame, labels: bool = True) -> go.Figure:
    """x = evidence, y = tone, one point per article, quadrants named in plain words.

    Each point carries a number (its rank) rather than its title: titles cut to fit collided
    with other markers and hid what the article is about. The page lists the numbers with the
    whole titles under the chart (see :func:`key_numbers`); hovering shows the title too.
    """
    fig = _figure()
    frame = frame.assign(
        number=key_numbers(frame), x=frame["evidence"].fillna(0), y=frame["tone"].fillna(0)
    )
    frame = frame.assign(side=number_sides(list(frame["x"]), list(frame["y"])))
    for genre, group in by_genre(frame):
        fig.add_trace(
            go.Scatter(
                x=group["evidence"].round(1),
                y=group["tone"].round(1),
                mode="markers+text" if labels else "markers",
                text=list(group["number"]),
                textposition=list(group["side"]),
                textfont={"size": 16, "color": "#1a1a1a"},
                cliponaxis=False,  # a number above a point at the top edge stays whole
                customdata=[label(t, 80) for t in group["title"]],
                name=label(genre),
                marker={
                    "size": 16,
                    "color": genre_colour(str(genre)),
                    "symbol": GENRE_SYMBOLS.get(str(genre), "circle"),
                    "line": {"width": 1, "color": "#222"},
                },
                hovertemplate="%{text}. %{customdata}<br>evidence %{x:.0f}, tone %{y:.0f}"
                "<extra></extra>",
            )
        )
    line = {"color": "#999", "dash": "dot", "width": 1}
    shapes = [  # the two midlines, set in one go (add_vline/add_hline validate the figure each)
        {"type": "line", "xref": "x", "yref": "paper", "x0": 50, "x1": 50, "y0": 0, "y1": 1,
         "line": line},
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 50, "y1": 50,
         "line": line},
    ]
    # Two short lines each: on one line, the two captions of a row ran into each other on a
    # 390 px phone screen.
    corners = [
        (0, 1, "left", "bottom", "↖ measured, but<br>hard to check"),
        (1, 1, "right", "bottom", "checkable and<br>measured ↗"),
        (0, 0, "left", "bottom", "↙ hard to check,<br>and selling"),
        (1, 0, "right", "bottom", "checkable, but<br>selling ↘"),
    ]
    annotations = [
        {"x": x, "y": y, "xref": "paper", "yref": "paper", "text": text, "showarrow": False,
         "xanchor": xanchor, "yanchor": yanchor, "yshift": 4, "align": xanchor,
         "font": {"size": 13, "color": "#444"}}
        for x, y, xanchor, yanchor, text in corners
    ]
    fig.update_layout(shapes=shapes, annotations=annotations)
    fig.update_xaxes(range=[-3, 103], title="Evidence: can I check it? →<br>"
                     "<sup>citations, numbers</sup>", title_standoff=20)
    fig.update_yaxes(range=[-3, 103], title="Tone: reports, not sells →<br>"
                     "<sup>hedging, no hype</sup>")
    legend, legend_px = legend_under()
    return _layout(fig, height=620 + legend_px, legend=legend,
                   margin={"l": 10, "r": 10, "t": 60, "b": 90 + legend_px})


def _wrapped(text: str, width: int) -> str:
    """A label broken into lines of at most ``width`` characters, escaped for plotly."""
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width) or [""])


def _values(values: Mapping[str, float | None], criteria: Sequence[str]) -> list[float | None]:
    """The scores in the criteria's order, rounded; None where a criterion does not apply."""
    r = [values.get(c) for c in criteria]
    return [None if v is None or np.isnan(v) else round(float(v), 1) for v in r]


LEGEND_CHARS = 30  # a legend line this long fits half of a 1280 px page; legends do not wrap
RINGS_NOTE = "Rings: 20, 40, 60, 80; the edge is 100."
"""Said under a radar (st.caption): inside the figure the note was cut at a narrow width."""


def _legend_lines(text: str, lines: int = 2) -> list[str]:
    """Text broken at words into at most ``lines`` lines of LEGEND_CHARS, the last one ending in
    "…" if cut: a legend entry does not wrap, and a narrow column cut it mid-word."""
    wrapped = textwrap.wrap(text, LEGEND_CHARS) or [""]
    if len(wrapped) > lines:
        last = textwrap.shorten(" ".join(wrapped[lines - 1:]), LEGEND_CHARS - 1, placeholder="")
        wrapped = [*wrapped[: lines - 1], last.rstrip() + "…"]
    return wrapped


def _series_name(name: str, values: Sequence[float | None], labels: Sequence[str]) -> str:
    """A series' legend entry, naming the criteria that do not apply to it (no point or bar),
    in lines short enough for half a page."""
    lines = _legend_lines(name)
    missing = [labels[i] for i, v in enumerate(values) if v is None]
    if missing:
        lines += _legend_lines(f"n/a: {', '.join(missing)}")
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _legend_below(lines: int) -> tuple[dict, int]:
    """A legend stacked under the plot (entries side by side ran past a half-page column's
    edge) and the bottom margin it needs."""
    return ({"orientation": "v", "x": 0, "xanchor": "left", "y": -0.04, "yanchor": "top",
             "title": {"text": ""}}, 22 * lines + 20)


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """The positions of the criteria that apply, in runs of neighbours around the circle: each
    run is drawn as its own line, so a criterion that does not apply is a gap, not a spoke."""
    n = len(values)
    if all(v is not None for v in values):
        return [[*range(n), 0]] if n else []
    start = next(i for i, v in enumerate(values) if v is None)  # begin after a gap
    runs: list[list[int]] = []
    for step in range(1, n + 1):
        i = (start + step) % n
        if values[i] is None:
            continue
        if runs and values[(i - 1) % n] is not None and step > 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _axis_names(series_values: Sequence[Sequence[float | None]],
                labels: Sequence[str]) -> list[str]:
    """The radar's axis labels, wrapped, with "(n/a)" under a criterion a series has no score
    for, so its gap cannot be read as a 0. Which series lacks it is said in the legend ("n/a:
    ..." under its name): said here too, "(n/a: dashed)" was the longest line, and the side
    margins made for it shrank the radar of a pasted text to 60 px at 1280 px."""
    names = []
    for i, text in enumerate(labels):
        missing = any(values[i] is None for values in series_values)
        names.append(_wrapped(text, 12) + ("<br>(n/a)" if missing else ""))
    return names


RADAR_PLOT_PX = 320  # the plot's height; in a half-page column the width limits it first
LABEL_LINE_PX = 18  # one line of a 14 px angular label


def _radar_frame(names: Sequence[str], legend_lines: int) -> dict:
    """Height, margins and legend of a radar: room for the angular labels on every side
    (plotly makes none), and the legend below the bottom label rather than over it (at 1920 px
    the circle filled the plot and "Hype language" was drawn under the legend)."""
    lines = max((n.count("<br>") + 1 for n in names), default=1)
    longest = max((len(line) for n in names for line in n.split("<br>")), default=0)
    # about 8 px a character at 14 px, so no label is cut at the chart's edge
    side = max(40, 8 * longest + 16)
    label_room = LABEL_LINE_PX * lines + 12
    legend, legend_px = _legend_below(legend_lines)
    legend["y"] = -label_room / RADAR_PLOT_PX
    top, bottom = max(50, label_room), label_room + legend_px
    return {"height": RADAR_PLOT_PX + top + bottom, "legend": legend,
            "margin": {"l": side, "r": side, "t": top, "b": bottom}}


def radar(series: Sequence[tuple[str, Mapping[str, float | None]]],
          labels: Mapping[str, str]) -> go.Figure:
    """One closed polygon per series over the criteria in a fixed order, radial range 0-100.

    A criterion a series has no score for is left out of its polygon: the line breaks there
    (a line into the centre read as a score of 0) and the axis label says "n/a". Above
    RADAR_MAX criteria the labels of a radar crowd each other and run off the sides of a narrow
    column, so the same scores are drawn as bars (:func:`criterion_bars`) instead.
    """
    if len(labels) > RADAR_MAX:
        return criterion_bars(series, labels)
    criteria = list(labels)
    values = [_values(v, criteria) for _, v in series]
    names = _axis_names(values, [labels[c] for c in criteria])
    fig = _figure()
    legend_lines = 0
    for i, ((name, scores), r) in enumerate(zip(series, values, strict=True)):
        entry = _series_name(name, r, [labels[c] for c in criteria])
        legend_lines += entry.count("<br>") + 1
        texts = [score_text(scores.get(c)) for c in criteria]
        for j, run in enumerate(_runs(r)):
            fig.add_trace(_radar_trace(i, entry, [r[k] for k in run], [names[k] for k in run],
                                       [texts[k] for k in run], whole=None not in r,
                                       first=j == 0))
    fig.update_layout(
        polar={
            # No numbers on the radial axis: they were printed over the polygons. The rings are
            # named under the chart instead (RINGS_NOTE).
            "radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100],
                           "showticklabels": False},
            "angularaxis": {"tickfont": {"size": 14}, "direction": "clockwise", "rotation": 90,
                            "categoryarray": names, "categoryorder": "array"},
        },
    )
    return _layout(fig, **_radar_frame(names, legend_lines))


def _radar_trace(i: int, name: str, r: list, theta: list[str], texts: list[str], *,
                 whole: bool, first: bool) -> go.Scatterpolar:
    """One run of a series' polygon; filled only when the series is whole (the fill of a broken
    polygon would close it through the centre), and in the legend once. The hover shows the
    score as the pages print it (``texts``), not the browser's rounding of the drawn value."""
    return go.Scatterpolar(
        r=r,
        theta=theta,
        text=texts,
        name=name,
        legendgroup=f"series{i}",
        showlegend=first,
        mode="lines+markers",
        fill="toself" if i == 0 and whole else "none",
        opacity=0.85,
        line={"color": SERIES[i % len(SERIES)], "width": 3,
              "dash": "solid" if i == 0 else "dash"},
        hovertemplate="%{theta}: %{text}<extra>%{fullData.name}</extra>",
    )


def criterion_bars(series: Sequence[tuple[str, Mapping[str, float | None]]],
                   labels: Mapping[str, str]) -> go.Figure:
    """Per criterion a bar for each series, criteria top to bottom in the rubric's order: the
    radar's stand-in for long rubrics, where every label stays whole and readable. A criterion
    that does not apply gets no bar, and "n/a" where the bar would start."""
    criteria = list(labels)
    names = [_wrapped(labels[c], 20) for c in criteria]
    fig = _figure()
    for i, (name, values) in enumerate(series):
        r = _values(values, criteria)
        fig.add_trace(
            go.Bar(
                x=[0 if v is None else v for v in r],
                y=names,
                orientation="h",
                name=_series_name(name, r, [labels[c] for c in criteria]),
                marker={"color": SERIES[i % len(SERIES)],
                        # hatched after the first, like the radar's dashed line (and in print)
                        "pattern": {"shape": "" if i == 0 else "/", "fillmode": "overlay",
                                    "fgcolor": "white", "solidity": 0.3}},
                # from the score itself: "12.54" drawn as 12.5 would print as 12, not 13
                text=[score_text(values.get(c)) for c in criteria],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_yaxes(autorange="reversed", dtick=1, tickmode="linear", title=None)
    # three ticks: the chart often sits in a narrow column, where six ran into each other
    fig.update_xaxes(range=[0, 100], title="Score (0-100)", tickvals=[0, 50, 100])
    # room for two 16 px lines of label, and for each series' bar
    rows = len(criteria) * max(2 * ROW_PX - 8, 16 * len(series) + 20)
    # Entries stacked above the bars: side by side they ran past a half-page column's edge.
    top = 22 * sum(t.name.count("<br>") + 1 for t in fig.data) + 20
    return _layout(fig, barmode="group", bargap=0.25, height=rows + 80 + top,
                   legend={"title": {"text": ""}, "orientation": "v", "x": 0, "y": 1.0,
                           "yanchor": "bottom"},
                   # the right margin holds a full bar's "100" (drawn outside the plot)
                   margin={"l": 10, "r": 40, "t": top, "b": 10})


def genre_strip(long: pd.DataFrame) -> go.Figure:
    """Per criterion (one row each, labels whole), every article's score as a point, one colour
    per genre, genres in the legend order of every chart, each with its number of articles.

    A box is drawn only for a genre of at least BOX_MIN articles: the box of one or two articles
    is a tick that looks like a spread, and invites a class to generalise from one example.
    """
    fig = _figure()
    counts = long.groupby("genre")["id"].nunique()
    rows = list(dict.fromkeys(long["label"]))
    genres = 0
    for genre, group in by_genre(long):
        n = int(counts[genre])
        box = n >= BOX_MIN
        genres += 1
        marker = {"color": genre_colour(genre), "size": 10,
                  "symbol": GENRE_SYMBOLS.get(genre, "circle"),
                  "line": {"width": 1, "color": "#222"}}
        fig.add_trace(
            go.Box(
                x=group["score"].round(1),
                y=group["label"],
                orientation="h",
                name=f"{label(genre)} (n={n})",
                legendgroup=genre,
                showlegend=False,
                marker=marker,
                line={"width": 2 if box else 0},
                fillcolor=None if box else "rgba(0,0,0,0)",
                boxpoints="all",
                jitter=0.5,
                pointpos=0,
                hoveron="boxes+points" if box else "points",
                text=[label(t, 40) for t in group["title"]],
                customdata=[score_text(v) for v in group["score"]],
                hovertemplate="%{text}<br>%{y}: %{customdata}<extra></extra>",
            )
        )
        # The legend entry, a marker like the points (a box without lines has an empty icon).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=marker,
                                 name=f"{label(genre)} (n={n})", legendgroup=genre))
    fig.update_xaxes(range=[-3, 105], title="Score (0-100)", tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_yaxes(categoryorder="array", categoryarray=rows, autorange="reversed",
                     dtick=1, tickmode="linear", title=None)
    per_row = max(ROW_PX + 6, 11 * genres + 12)
    # The legend under the chart: beside it, it took half of a phone's width.
    legend, legend_px = legend_under(rows=3 if genres > 3 else 2)
    return _layout(fig, boxmode="group", height=len(rows) * per_row + 130 + legend_px,
                   legend=legend, margin={"l": 10, "r": 10, "t": 20, "b": 70 + legend_px})


def difference_bar(diff: pd.DataFrame, name_a: str, name_b: str) -> go.Figure:
    """Score of A minus score of B per criterion: bars right favour A, left favour B.

    Drawn in half a page: labels over 20 characters break onto a second line (a long label
    took most of the width and squeezed the bars), and the axis has room for "+100".
    """
    colours = ["#0072B2" if v >= 0 else "#D55E00" for v in diff["difference"].fillna(0)]
    texts = ["n/a" if pd.isna(v) else f"{v:+.0f}" for v in diff["difference"]]
    names = [_wrapped(str(t), 20) for t in diff["label"]]
    fig = _figure(
        go.Bar(
            x=diff["difference"].fillna(0).round(1),
            y=names,
            orientation="h",
            marker_color=colours,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:+.0f}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#333", "width": 1})
    fig.update_xaxes(range=[-130, 130], tickvals=[-100, -50, 0, 50, 100],
                     title={"text": "← second better  |  first better →", "font": {"size": 14}})
    # Every criterion labelled: plotly drops every other category label once rows get tight
    # (16 criteria at a fixed 320 px), so the chart grows with the rows and dtick=1 keeps all.
    fig.update_yaxes(autorange="reversed", dtick=1, tickmode="linear")
    per_row = 2 * ROW_PX - 8 if any("<br>" in n for n in names) else ROW_PX
    return _layout(fig, height=max(320, per_row * len(diff) + 110), showlegend=False)


def sensitivity_lines(sweep: pd.DataFrame, titles: Mapping[str, str], current: float,
                      criterion_label: str) -> go.Figure:
    """Each article's total as one weight sweeps; crossings show rankings that hinge on it.

    The legend is stacked under the plot: beside it, it took half the width at 1280 px, leaving
    the lines (the point of the chart) a third of the page and the titles cut at 40 characters.
    """
    fig = _figure()
    for i, (article, group) in enumerate(sweep.groupby("article", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=group["weight"],
                y=group["total"].round(2),
                mode="lines",
                name=label(titles.get(article, article), 90),
                line={"width": 3, "color": SERIES[i % len(SERIES)],
                      "dash": DASHES[i % len(DASHES)]},
                hovertemplate="weight %{x:.1f}: total %{y:.1f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_vline(x=current, line={"color": "#333", "dash": "dash"},
                  annotation_text="current weight", annotation_position="top")
    fig.update_xaxes(title=f"Weight of {html.escape(criterion_label)}")
    fig.update_yaxes(title="Total score")
    legend_px = 22 * len(fig.data) + 30
    return _layout(fig, height=420 + legend_px,
                   legend={"title": {"text": "Article", "side": "top"}, "orientation": "v",
                           "x": 0, "xanchor": "left", "yref": "container", "y": 0,
                           "yanchor": "bottom"},
                   margin={"l": 10, "r": 10, "t": 40, "b": 70 + legend_px})


def rank_ranges_chart(frame: pd.DataFrame) -> go.Figure:
    """Best to worst rank over random weightings (a bar), the median rank as a dot; titles in
    two short lines (whole in the hover), the legend under the chart."""
    frame = frame.sort_values("median")
    names = unique_labels([title_label(t) for t in frame["title"]])
    titles = [label(t, 200) for t in frame["title"]]
    fig = _figure()
    fig.add_trace(
        go.Bar(
            x=(frame["worst"] - frame["best"]).clip(lower=0.08),
            base=frame["best"],
            y=names,
            orientation="h",
            marker_color="rgba(0,114,178,0.35)",
            name="range of ranks",
            hovertemplate="%{customdata[0]}: rank %{base} to %{customdata[1]}<extra></extra>",
            customdata=list(zip(titles, frame["worst"], strict=True)),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["median"], y=names, mode="markers", name="median rank",
            marker={"size": 14, "color": "#0072B2", "symbol": "diamond"},
            customdata=titles,
            hovertemplate="%{customdata}: median rank %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], title=None,
                     tickfont=TITLE_FONT)
    fig.update_xaxes(title="Rank (1 = best)", range=[0.5, max(1, int(frame["worst"].max())) + 0.5],
                     dtick=1 if len(frame) <= 20 else None)
    legend, legend_px = legend_under(rows=1)
    return _layout(fig, height=max(260, 48 * len(frame) + 90) + legend_px, legend=legend,
                   margin={"l": 10, "r": 10, "t": 20, "b": 70 + legend_px})


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
