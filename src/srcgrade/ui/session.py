"""Streamlit session glue: cached loading keyed on the corpus fingerprint, the sidebar, the context.

``app.py`` calls :func:`start` once per run (load or reuse the cached corpus, draw the rubric picker
and the weight sliders), then the page calls :func:`context` to get what it needs. Scoring happens
once per corpus change; moving a slider only re-runs :func:`srcgrade.ui.data.ranked`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from srcgrade.corpus import Ratings, WeightPreset, default_ratings_dir, fingerprint
from srcgrade.rubric import Rubric, WeightError, resolve_weights
from srcgrade.ui import data, snapshot
from srcgrade.ui.handover import quick_handover
from srcgrade.yamlio import did_you_mean

if TYPE_CHECKING:
    from srcgrade.score import Scorer

CTX_KEY = "_srcgrade_context"
RUBRIC_KEY = "rubric"
SLIDER_MAX = 3.0  # the sliders' usual top; a rubric or preset with a higher weight raises it
SLIDER_STEP = 0.05
SLIDER_FORMAT = "%.2f"  # fitted weights such as 0.01 or 0.783 must not read as "0.0" or "0.8"


@st.cache_resource(max_entries=4, show_spinner="Reading the ratings folder…")
def cached_ratings(root: str, corpus_fingerprint: str) -> Ratings:
    """The ratings folder as the pages read it; a new fingerprint (any file edited) reads it again.

    From the dashboard's store when it holds the folder exactly as it is now (without the compiled
    lexicons and fact ledger, which only scoring needs), else loaded (:func:`cached_loaded`).
    """
    with quick_handover():
        stored = snapshot.read_ratings(snapshot.key(Path(root)))
        return stored if stored is not None else cached_loaded(root, corpus_fingerprint)[1]


@st.cache_resource(max_entries=4, show_spinner="Reading the ratings folder…")
def cached_loaded(root: str, corpus_fingerprint: str) -> tuple[str, Ratings]:
    """The whole loaded folder, lexicons and ledger included, and the store's key for the files
    as they were *before* loading (scores computed from them are stored under it only if the
    key is the same after scoring, so a file edited meanwhile cannot leave stale scores)."""
    with quick_handover():
        folder_key = snapshot.key(Path(root))
        return folder_key, data.load(Path(root))


@st.cache_resource(max_entries=8, show_spinner="Scoring every article (once per change)…")
def cached_corpus(root: str, corpus_fingerprint: str, rubric_id: str) -> data.Corpus:
    """Every article scored with one rubric. Shared read-only between sessions: never mutate.

    Read from the dashboard's store when it holds this folder's scores (the scorer is then
    built only if a page asks for it), else scored and stored."""
    with quick_handover():
        folder_key = snapshot.key(Path(root))
        stored = snapshot.read_scores(folder_key, rubric_id)
        if stored is not None:
            rubric, scores, table = stored

            def scorer() -> Scorer:
                from srcgrade import engine

                with quick_handover():
                    return engine.make_scorer(cached_loaded(root, corpus_fingerprint)[1],
                                              rubric.id)

            return data.stored_corpus(cached_ratings(root, corpus_fingerprint), rubric, scores,
                                      table, scorer)
        loaded_key, ratings = cached_loaded(root, corpus_fingerprint)
        corpus = data.score_corpus(ratings, rubric_id)
        if snapshot.key(Path(root)) == loaded_key:
            snapshot.write(loaded_key, ratings, corpus.rubric, corpus.scores, corpus.table)
        return corpus


@dataclass
class Context:
    """What every page reads: the corpus, the rubric, the weights chosen and the ranking."""

    root: Path
    ratings: Ratings
    corpus: data.Corpus | None
    weights: dict[str, float] = field(default_factory=dict)
    ranked: pd.DataFrame = field(default_factory=pd.DataFrame)
    weight_note: str | None = None

    @property
    def rubric(self) -> Rubric:
        assert self.corpus is not None
        return self.corpus.rubric

    @property
    def criteria(self) -> list[str]:
        return list(self.rubric.criteria)

    def labels(self) -> dict[str, str]:
        return {c: self.rubric.criteria[c].label for c in self.criteria}

    @property
    def slider_max(self) -> float:
        return slider_max(self.rubric, self.ratings.presets)


def slider_max(rubric: Rubric, presets: Mapping[str, WeightPreset] | None = None) -> float:
    """One top for every slider of a rubric, so a knob position means the same weight on each.

    It is SLIDER_MAX unless a default or preset weight of the rubric is higher; then it is that
    weight rounded up to the next half, so no weight has to be cut down to fit its slider.
    """
    weights = list(rubric.default_weights().values())
    weights += [w for preset in (presets or {}).values() if preset.fits(rubric)
                for w in preset.weights.values()]
    return max(SLIDER_MAX, math.ceil(max(weights, default=0.0) * 2) / 2)


def slider_key(rubric: Rubric, criterion: str, default_rubric: str | None) -> str:
    """The slider's key, which is also its URL parameter: ``w_citations`` (``w_<rubric>_<c>``)."""
    if rubric.id == default_rubric:
        return f"w_{criterion}"
    return f"w_{rubric.id}_{criterion}"


def _reset(keys: dict[str, str], defaults: dict[str, float]) -> None:
    for criterion, key in keys.items():
        st.session_state[key] = defaults[criterion]


def apply_weights(ctx: Context, weights: dict[str, float]) -> None:
    """Set the sliders (for a preset button's on_click): the URL follows."""
    top = ctx.slider_max
    for criterion, key in weight_keys(ctx).items():
        if criterion in weights:
            st.session_state[key] = float(min(top, max(0.0, weights[criterion])))


def weight_keys(ctx: Context) -> dict[str, str]:
    return {c: slider_key(ctx.rubric, c, ctx.ratings.default_rubric) for c in ctx.criteria}


def url_selectbox(container, label: str, options: list[str], param: str, *, index: int = 0,
                  **kwargs) -> str:
    """A selectbox whose choice is the URL parameter ``param`` as a plain id.

    ``bind="query-params"`` would put the *formatted* option (a whole title) in the URL, so ids are
    kept in the URL by hand: read on the first run, written back after every choice.
    """
    wanted = st.query_params.get(param)
    if wanted in options:
        index = options.index(wanted)
    elif wanted is not None and f"pick_{param}" not in st.session_state:
        # A mistyped link opened the default without a word: a teacher's "health-news-reviw"
        # showed the core rubric and nobody knew why.
        guess = did_you_mean(wanted, options)
        st.warning(f"The link's {param}={wanted} is not one of the choices here; {guess}"
                   f"showing {options[index]} instead.", icon=":material/link_off:")
    chosen = container.selectbox(label, options, index=index, key=f"pick_{param}", **kwargs)
    if chosen is not None and st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    return chosen


def default_rubric_id(ratings: Ratings) -> str | None:
    """The rubric the dashboard opens with: srcgrade.yaml's default, else the first by name."""
    names = sorted(ratings.rubrics)
    if not names:
        return None
    return ratings.default_rubric if ratings.default_rubric in names else names[0]


def warm() -> data.Corpus | None:
    """Load and score the ratings folder into the caches the first run reads; the corpus of the
    default rubric, None if there is none.

    ``srcgrade.ui.serve`` calls it in a thread as the server starts: while a browser loads
    Streamlit's front end (about a second) the work is done, and the first run finds it ready.
    A first run that starts sooner waits for the same cache entry rather than computing it twice
    (Streamlit locks each entry while it is computed).
    """
    loaded = _cached_default_ratings()
    if loaded is None:
        return None
    root, key, ratings = loaded
    rubric_id = default_rubric_id(ratings)
    return None if rubric_id is None else cached_corpus(root, key, rubric_id)


def warm_others() -> None:
    """Score the corpus with every other rubric of the ratings folder, into the same cache.

    ``srcgrade.ui.serve`` calls it after the first page is served: the first switch to another
    rubric then finds its scores ready (scoring them then took about 2.5 s), and the first page
    is not slowed by the work (both would want the one interpreter lock). Then it builds the
    default rubric's scorer, which a corpus read from the store lacks until "Score your own"
    asks for it (loading the lexicons and compiling them took about 0.6 s).
    """
    loaded = _cached_default_ratings()
    if loaded is None:
        return
    root, key, ratings = loaded
    default = default_rubric_id(ratings)
    for rubric_id in sorted(ratings.rubrics):
        if rubric_id != default:
            cached_corpus(root, key, rubric_id)
    if default is not None:  # read from the store, the corpus has no scorer yet: build it too
        _ = cached_corpus(root, key, default).scorer


def _cached_default_ratings() -> tuple[str, str, Ratings] | None:
    """The ratings folder the dashboard reads, its cache key and its cached contents; None when
    there is no such folder."""
    root = default_ratings_dir()
    if not root.is_dir():
        return None
    key = fingerprint(root)
    return str(root), key, cached_ratings(str(root), key)


def _pick_rubric(ratings: Ratings) -> str | None:
    names = sorted(ratings.rubrics)
    default = default_rubric_id(ratings)
    if default is None or len(names) == 1:
        return default
    return url_selectbox(
        st.sidebar,
        "Rubric",
        names,
        RUBRIC_KEY,
        index=names.index(default),
        format_func=lambda r: f"{ratings.rubrics[r].label} ({r})",
        help="ratings/rubrics/ holds more than one rubric; pick the one to rate with.",
    )


def _sliders(rubric: Rubric, ratings: Ratings,
             top: float) -> tuple[dict[str, float], str | None]:
    default_rubric = ratings.default_rubric
    st.sidebar.markdown("### Weights")
    st.sidebar.caption(
        "How much each criterion counts in the total. 0 leaves it out. "
        "The weights are part of the page address, so you can share this weighting as a link."
    )
    defaults = rubric.default_weights()
    keys = {c: slider_key(rubric, c, default_rubric) for c in rubric.criteria}
    every_key = {slider_key(r, c, default_rubric) for r in ratings.rubrics.values()
                 for c in r.criteria}
    _check_url_weights(list(keys.values()), top, every_key)
    chosen = {}
    for cid, criterion in rubric.criteria.items():
        chosen[cid] = st.sidebar.slider(
            criterion.label,
            min_value=0.0,
            max_value=top,
            value=float(criterion.weight),
            step=SLIDER_STEP,
            format=SLIDER_FORMAT,
            key=keys[cid],
            bind="query-params",
            help=criterion.question,
        )
    st.sidebar.button(
        "Reset to the rubric's weights",
        on_click=_reset,
        args=(keys, defaults),
        disabled=chosen == defaults,
        width="stretch",
    )
    try:
        return resolve_weights(rubric, chosen), None
    except WeightError as error:
        note = f"{error}. Using the rubric's own weights until one is above 0."
        st.sidebar.warning(note)
        return defaults, note


def url_weight(param: str, raw: str, top: float) -> tuple[float | None, str | None]:
    """A weight from a shared link, and what to tell the user about it.

    Streamlit resets a bound slider to its default and drops the parameter, without a word, when
    the value is out of range or not a number: a teacher's shared weighting was lost unseen. A
    value above the range is clamped (the closest weight the slider can show); a non-number or
    a negative one is refused, and either way the warning names the parameter.
    """
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        return None, f"{param}={raw} is not a number: ignored, the rubric's weight is used."
    if value < 0:
        return None, f"{param}={raw} is below 0: ignored, the rubric's weight is used."
    if value > top:
        return top, f"{param}={raw} is above the slider's range (0-{top:g}): set to {top:g}."
    return value, None


def _check_url_weights(keys: list[str], top: float, every_key: set[str]) -> None:
    """Warn about the weight parameters of the link that the sliders cannot take as they are,
    and clamp those above the range. Only on a slider's first run: afterwards the slider, not
    the link, holds the weight."""
    notes = _unknown_url_weights(keys, every_key)
    for key in keys:
        raw = st.query_params.get(key)
        if key in st.session_state or raw is None:
            continue
        value, note = url_weight(key, raw, top)
        if note:
            notes.append(note)
        if note and value is not None:
            st.session_state[key] = value  # the slider reads it (Streamlit had dropped it)
    if notes:
        st.warning("The link's weights were changed: " + " ".join(notes),
                   icon=":material/link_off:")


def _unknown_url_weights(keys: list[str], every_key: set[str]) -> list[str]:
    """A link's weight parameter that is no slider's (``w_citatons``), said on the first run:
    Streamlit ignores it, and the shared weighting was lost unseen. ``every_key``: the sliders
    of every rubric (a link keeps another rubric's weights when the rubric changes)."""
    if any(key in st.session_state for key in keys):
        return []
    strays = [p for p in st.query_params if p.startswith("w_") and p not in every_key]
    return [f"{p} is not a weight of this rubric; {did_you_mean(p, keys)}it is ignored."
            for p in strays]


def start() -> Context:
    """Load (or reuse) the corpus, draw the rubric picker and weight sliders; store the context."""
    root = default_ratings_dir()
    key = fingerprint(root) if root.is_dir() else "missing"
    ratings = cached_ratings(str(root), key)
    rubric_id = _pick_rubric(ratings)
    if rubric_id is None:
        ctx = Context(root, ratings, None)
    else:
        # The sliders need the rubric only: drawn before the scoring, the browser fetches and
        # draws them while the corpus is scored (or while the warm-up finishes scoring it).
        rubric = ratings.rubric(rubric_id)
        top = slider_max(rubric, ratings.presets)
        weights, note = _sliders(rubric, ratings, top)
        corpus = cached_corpus(str(root), key, rubric_id)
        ranked = data.ranked(corpus.table, weights)
        ctx = Context(root, ratings, corpus, weights, ranked, note)
    st.session_state[CTX_KEY] = ctx
    return ctx


def context() -> Context:
    """The context ``app.py`` stored this run; stops the page with a message if there is none."""
    ctx = st.session_state.get(CTX_KEY)
    if ctx is None or ctx.corpus is None:
        st.error("No rubric could be loaded, so nothing can be rated. See the problems above.")
        st.stop()
    return ctx


def problems_panel(ctx: Context) -> None:
    """Every load problem with its file and line; the articles that loaded are still shown."""
    problems = ctx.ratings.problems
    if not problems:
        return
    n = len(problems)
    with st.expander(
        f"{n} problem{'s' if n != 1 else ''} in the ratings files — "
        f"{len(ctx.ratings.articles)} articles loaded anyway",
        expanded=ctx.corpus is None,
        icon=":material/warning:",
    ):
        st.caption(
            f"Folder: {ctx.root}. Fix the file at the line shown; the page updates on the next "
            "rerun."
        )
        frame = pd.DataFrame(
            {
                "file": [p.path for p in problems],
                "line": [p.line if p.line else None for p in problems],
                "problem": [p.message for p in problems],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={"line": st.column_config.NumberColumn(format="%d", width="small")},
            alt="Problems found while loading the ratings folder: file, line and message.",
        )


def chart(fig: go.Figure, alt: str, key: str | None = None) -> None:
    """Every chart with alt text (read by screen readers) and the viewer toolbar only."""
    st.plotly_chart(
        fig,
        width="stretch",
        alt=alt,
        key=key,
        config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
        theme=None,  # the figures carry their own template, fonts and Okabe-Ito colours
    )


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


# What GFM turns into a live link: an address with its scheme, or one starting "www.". Such an
# address is shown as code, which is never linked and copies as typed (a WORD JOINER put inside
# it broke a copy-paste of the address). Trailing punctuation is the sentence's, not the URL's.
_URL = re.compile(r"(?:https?://|www\.)[^\s`]*[^\s`.,;:!?'\")\]]", re.IGNORECASE)


def md(text: object) -> str:
    """Text from an article or a YAML file made inert for ``st.markdown`` and ``st.table``: every
    markup character escaped, so ``[x](javascript:...)`` or ``<b>`` is shown as typed, and URLs
    are shown as code, not turned into live links."""
    raw = str(text).replace("\n", " ")
    parts, last = [], 0
    for match in _URL.finditer(raw):
        parts += [raw[last:match.start()].translate(_MD_SPECIAL), f"`{match.group()}`"]
        last = match.end()
    parts.append(raw[last:].translate(_MD_SPECIAL))
    return "".join(parts)
