"""Article text with its evidence highlighted, as an HTML string: a pure function, no Streamlit.

The article text is escaped with :func:`html.escape` *before* any markup is added, so nothing an
article contains can reach the page as live HTML or script. The only markup emitted is built here:
``<mark>`` spans (one per stretch of text covered by the same set of findings, so overlapping
findings never produce broken nesting), a legend, and a wrapping ``<div>``. Every mark carries a
``title`` (the browser's tooltip) naming each rule behind it and the YAML ``file:line`` it lives at.
A finding that no criterion counted (a rule's repeats past its limit, say) is still marked, but
unfilled with a dotted underline, its tooltip says why, and the legend counts it apart: the
legend's counts are then the explanations' counts.

Markdown syntax that extracted web pages carry (``## `` before a heading, ``**``, ``<br/>``, the
brackets and address of ``[text](address)``) is kept, since the offsets index the text as
stored, but drawn small and grey, so a class reads the words rather than the markup.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from srcgrade.model import Claim, Finding

# Colours: light tints a projector still shows, with dark text; kinds that mean "good evidence"
# get a solid underline, kinds that mean "warning sign" a double one, so colour is never the only
# cue (WCAG 1.4.1). Hues follow the Okabe-Ito palette.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    # kind: (plain-language label, background, underline colour)
    "hype": ("Hype / promotional word", "#f9c89b", "#d55e00"),
    "overclaim": ("Overclaim (certainty the evidence does not give)", "#f4b6c2", "#cc79a7"),
    "hedge": ("Calibrated hedge", "#bfe3f5", "#0072b2"),
    "limitation": ("Limitation or study-design detail", "#a8d8ea", "#005a8c"),
    "ritual_hedge": ("Ritual hedge ('more research is needed')", "#e2e2e2", "#666666"),
    "specific_citation": ("Specific, checkable source", "#b8e6c9", "#009e73"),
    "vague_citation": ("Vague attribution ('studies show')", "#f6e7a1", "#b59a00"),
    "number_supported": ("Number: matches the source", "#b8e6c9", "#009e73"),
    "number_contradicted": ("Number: contradicts the source", "#f4a6a6", "#b00020"),
    "number_unverifiable": ("Number: cannot be checked", "#e6dcf0", "#7a5195"),
    "number_retracted_source": ("Number: from a retracted paper", "#f4a6a6", "#b00020"),
    "number_outdated": ("Number: out of date", "#f6e7a1", "#b59a00"),
}
GOOD_KINDS = {"hedge", "limitation", "specific_citation", "number_supported"}
# Kinds a rubric adds (e.g. the HealthNewsReview ones) get one of these, chosen by name.
_SPARE_STYLES = [
    ("#d9ecf7", "#56b4e9"), ("#fbf3b5", "#c9b800"), ("#f2dcea", "#a3527e"),
    ("#dff0e8", "#2e8b57"), ("#fde5cc", "#b36b00"), ("#e4e4f4", "#4b4b9b"),
]


# Markdown syntax, not words: a heading's hashes, bold markers (next to a word, so "a ** b" stays
# plain), line breaks written as HTML, wiki-link brackets, and the brackets and address of an
# inline link (its text stays plain).
_MARKUP = re.compile(
    r"^[ \t]*#{1,6}[ \t]+"
    r"|\*\*(?=\S)|(?<=\S)\*\*"
    r"|<br\s*/?>"
    r"|\[\[|\]\]"
    r"|\[(?=[^\[\]\n]*\]\([^()\s]*\))"
    r"|\]\([^()\s]*\)",
    re.MULTILINE | re.IGNORECASE,
)
_MARKUP_STYLE = "color:#767676;font-size:0.85em"


def markup_spans(text: str) -> list[tuple[int, int]]:
    """Where the text has Markdown syntax rather than words: drawn muted, never removed, so no
    character (and no evidence inside a link's address) disappears from view."""
    return [m.span() for m in _MARKUP.finditer(text) if m.end() > m.start()]


def _inside(ranges: Sequence[tuple[int, int]], left: int, right: int) -> bool:
    """Whether ``[left, right)`` lies within one of the sorted, disjoint ``ranges`` (a bisection,
    so a long pasted text with thousands of links stays fast)."""
    at = bisect.bisect_right(ranges, (left, math.inf)) - 1
    return at >= 0 and right <= ranges[at][1]


def _style(kind: str) -> tuple[str, str, str]:
    if kind in KIND_STYLE:
        return KIND_STYLE[kind]
    background, line = _SPARE_STYLES[sum(map(ord, kind)) % len(_SPARE_STYLES)]
    return ("", background, line)


def kind_label(kind: str) -> str:
    """The plain-language name of a highlight kind (finding kinds and ``number_<verdict>``)."""
    label = _style(kind)[0]
    return label or kind.replace("_", " ").capitalize()


def claim_kind(claim: Claim) -> str:
    return f"number_{claim.verdict}"


@dataclass(frozen=True, slots=True)
class Span:
    """One highlight: a stretch of the text, its kind, and the tooltip line that explains it."""

    start: int
    end: int
    kind: str
    note: str
    counted: bool = True
    aside: str = ""  # when not counted: why, in a few words for the legend


def finding_label(finding: Finding) -> str:
    """The finding's kind as a reader says it, and where it stands: in a quotation, reported after
    a distancing phrase ("some call it"), or in a release's closing boilerplate (which the hype
    criteria do not count)."""
    where = f" ({finding.where_quoted()})" if finding.quoted else ""
    where += " (closing boilerplate)" if finding.boilerplate else ""
    return kind_label(finding.kind) + where


def spans_of(
    findings: Iterable[Finding] = (),
    claims: Iterable[Claim] = (),
    set_aside: Mapping[Finding, tuple[str, str]] | None = None,
) -> list[Span]:
    """Findings and numeric claims as highlight spans, each with its rule and YAML file:line.

    ``set_aside`` maps the findings no criterion counted to (a few words, the full reason), as
    :func:`srcgrade.score.set_aside` gives them; their spans are marked as not counted.
    """
    spans = []
    for f in findings:
        where = str(f.origin) if f.origin else "no file"
        # The words found come first: a rule's message names its best-known term ("'Impressive'
        # tells you..."), which is not always the one in the text ("tantalizing").
        note = f"'{f.text}': {finding_label(f)} - rule {f.rule or '?'} ({where}): {f.message}"
        aside = (set_aside or {}).get(f)
        if aside:
            note = f"NOT COUNTED ({aside[1]}) - {note}"
            spans.append(Span(f.start, f.end, f.kind, note, False, aside[0]))
        else:
            spans.append(Span(f.start, f.end, f.kind, note))
    for c in claims:
        note = f"Number '{c.text}': {c.verdict.replace('_', ' ')}"
        if c.fact_id:
            note += f" - fact {c.fact_id}"
            if c.origin:
                note += f" ({c.origin})"
        if c.source:
            note += f" ({c.source})"
        if c.note:
            note += f": {c.note}"
        spans.append(Span(c.start, c.end, claim_kind(c), note))
    return spans


def _priority(kind: str) -> int:
    """Which kind's colour shows where spans overlap: the narrower, more specific signals win."""
    order = list(KIND_STYLE)
    return order.index(kind) if kind in order else len(order)


def _mark_style(kinds: Sequence[str], counted: bool = True) -> str:
    """Filled with the kind's colour, underlined solid (good evidence) or double (a warning sign);
    a finding no criterion counted is left unfilled with a dotted underline."""
    _, background, line = _style(kinds[0])
    decoration = "solid" if kinds[0] in GOOD_KINDS else "double"
    if not counted:
        background, decoration = "transparent", "dotted"
    style = (
        f"background:{background};color:#111;border-bottom:3px {decoration} {line};"
        "padding:0 1px;border-radius:2px"
    )
    if len(kinds) > 1:  # overlapping evidence: an outline in the second kind's colour
        style += f";outline:2px dashed {_style(kinds[1])[2]}"
    return style


def render(
    text: str,
    findings: Iterable[Finding] = (),
    claims: Iterable[Claim] = (),
    *,
    show: Collection[str] | None = None,
    legend: bool = True,
    max_height: int | None = None,
    set_aside: Mapping[Finding, tuple[str, str]] | None = None,
) -> str:
    """The text as escaped HTML with ``<mark>`` spans over the findings and claims.

    ``show`` limits the kinds highlighted (``None`` shows all; an empty collection shows none), so
    a page can offer a toggle per kind. Spans outside the text are clipped; empty spans are ignored.
    Overlapping spans are split into stretches covered by the same set of spans, each one ``<mark>``
    whose tooltip lists every rule covering it. ``set_aside``: see :func:`spans_of`; a stretch is
    styled as not counted only when no counted span covers it.
    """
    spans = [
        Span(max(0, s.start), min(len(text), s.end), s.kind, s.note, s.counted, s.aside)
        for s in spans_of(findings, claims, set_aside)
        if show is None or s.kind in show
    ]
    spans = [s for s in spans if s.end > s.start]
    markup = markup_spans(text)
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans),
                   *itertools.chain.from_iterable(markup)})
    pieces: list[str] = []
    for left, right in itertools.pairwise(cuts):
        chunk = html.escape(text[left:right], quote=True)
        if _inside(markup, left, right):
            chunk = f'<span class="sg-markup" style="{_MARKUP_STYLE}">{chunk}</span>'
        covering = [s for s in spans if s.start <= left and right <= s.end]
        if not covering:
            pieces.append(chunk)
            continue
        counted = [s for s in covering if s.counted]
        kinds = sorted({s.kind for s in counted or covering}, key=_priority)
        notes = list(dict.fromkeys(s.note for s in covering))
        title = html.escape("\n".join(notes), quote=True)
        classes = " ".join(f"sg-{k}" for k in kinds) + ("" if counted else " sg-not-counted")
        pieces.append(
            f'<mark class="{html.escape(classes, quote=True)}" '
            f'data-kinds="{html.escape(",".join(kinds), quote=True)}" '
            f'style="{_mark_style(kinds, bool(counted))}" title="{title}">{chunk}</mark>'
        )
    box = "white-space:pre-wrap;line-height:1.7;font-size:1.05rem;max-width:75ch"
    if max_height:
        box += f";max-height:{int(max_height)}px;overflow-y:auto;padding-right:0.5rem"
    body = f'<div class="sg-text" style="{box}">{"".join(pieces)}</div>'
    if not legend:
        return body
    counts = Counter(s.kind for s in spans if s.counted)
    aside: dict[str, Counter[str]] = {}
    for s in spans:
        if not s.counted:
            aside.setdefault(s.kind, Counter())[s.aside] += 1
    return legend_html(counts, aside) + body


def legend_html(
    counts: Counter[str] | dict[str, int], aside: Mapping[str, Counter[str]] | None = None
) -> str:
    """A legend of the kinds shown, with a swatch styled like the marks and how many there are.

    ``counts`` are the counted marks per kind (what the explanations count), ``aside`` the marks
    no criterion counted, per kind and reason: "x14 counted, 2 not counted (over a rule's limit)".
    """
    aside = aside or {}
    kinds = sorted({*counts, *aside}, key=_priority)
    if not kinds:
        return (
            '<p class="sg-legend" style="margin:0 0 0.5rem 0">'
            "No highlighted evidence is shown for this text.</p>"
        )
    items = []
    for kind in kinds:
        swatch = f'<mark style="{_mark_style([kind])}">{html.escape(kind_label(kind))}</mark>'
        items.append(f'<li style="display:inline-block;margin:0 1rem 0.3rem 0">{swatch} '
                     f"{_legend_count(kind, int(counts.get(kind, 0)), aside.get(kind))}</li>")
    return (
        '<ul class="sg-legend" aria-label="Legend" '
        'style="list-style:none;padding:0;margin:0 0 0.75rem 0">' + "".join(items) + "</ul>"
    )


def _legend_count(kind: str, counted: int, aside: Counter[str] | None) -> str:
    """ "&times;14", or "&times;14 counted, 2 not counted (over a rule's limit)" with "not
    counted" in the not-counted style, so the legend's numbers are the explanations'."""
    if not aside:
        return f"&times;{counted}"
    reasons = ", ".join(html.escape(reason) for reason in aside)
    swatch = f'<mark style="{_mark_style([kind], counted=False)}">not counted</mark>'
    shown = f"{sum(aside.values())} {swatch} ({reasons})"
    return f"&times;{counted} counted, {shown}" if counted else shown


def kinds_present(findings: Iterable[Finding] = (), claims: Iterable[Claim] = ()) -> list[str]:
    """The highlight kinds that occur, in legend order: the toggles a page offers."""
    return sorted({s.kind for s in spans_of(findings, claims)}, key=_priority)
