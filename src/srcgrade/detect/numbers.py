"""Numeric claims: every number an article states about people, results and events.

The numeric-accuracy criterion (issue 3) traces each number to its source, SIFT's "trace the claim"
step made mechanical. This module only *finds* the numbers; ``srcgrade.facts`` checks them against
the ledger. What counts as a claim:

- percentages ("67%", "84 percent", "over 50%"), ranges of them ("20-30%", "2%-10%"), and
  proportions ("76 of 90", "one in five"), all as unit ``percent``;
- counts of people ("90 study participants", "over 50,000 Norwegians", "n = 90") as ``people``,
  and of research units ("six phase 2 studies", "15 sites") as ``count``;
- fractions in words ("half received", "two-thirds of") as ``percent`` marked ``approximate``,
  and multipliers ("roughly twice as much", "doubled", "3-fold") as ``ratio``;
- effect sizes ("d = 0.91", "effect size of 0.7") and score changes ("24 points");
- years tied to an event ("a 2016 meta-analysis", "initiated in 2018", "in the mid-2000s"), and
  relative years tied to one ("approval is expected this year"), the latter as unit
  ``relative_year`` with the offset as value (this year 0, next year 1), resolved against the
  article's date by the checker.

What is not a claim, because it states nothing a source could confirm: numbers inside dates,
DOIs, URLs, timestamps, phone numbers and identifiers ("Phase 3", "CAPS-5", "COVID-19",
"NCT03537014", "3,4-methylenedioxy..."), list markers, bare numbers with no unit, vague magnitudes
("millions"), and durations ("two decades ago", "at 6-month follow-up"): a duration is the time
frame *of* a claim, which the checker reads with :func:`time_points`.

Speed: this runs on every article of 100k-article corpora, so it is two compiled scans, one for
digits and one for number words (a character trie behind a lookahead on the first letter; see
``../shared/research/performance.md``: a leading ``\\b`` stops ``re`` from skipping ahead), then a
few anchored look-arounds per candidate and a sentence search around each claim only. No NLP
library, no per-term loop. About 3,600 articles/s of 4 KB on one core (CPU time, the seeds).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from srcgrade.model import Claim
from srcgrade.sentences import SENTENCE_END as _SENTENCE_END
from srcgrade.sentences import sentence_start_after

# --- vocabularies ------------------------------------------------------------------------------

_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
_UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25,
              "quarters": 0.25, "fifth": 0.2, "fifths": 0.2}  # fmt: skip
_MULTIPLIERS = {"twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3,
                "quadrupled": 4, "halved": 0.5, "twofold": 2, "threefold": 3, "fourfold": 4,
                "fivefold": 5, "tenfold": 10}  # fmt: skip
_CARDINAL = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four"
    r"|five|six|seven|eight|nine)\b)?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s+(?:hundred|thousand|million|billion)\b)?"
)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

# Nouns that make a number a count of people (unit "people") or of research units ("count").
# Plural only: after a number, a singular noun is a compound ("a 2024 trial", "one study").
# Demonyms ("Norwegians", "Americans") are matched by shape: a capitalised word ending -ans/-ers.
_PEOPLE = (
    r"(?:participants|patients|people|persons|individuals|adults|children|kids|teens"
    r"|teenagers|adolescents|veterans|subjects|volunteers|men|women|respondents|users"
    r"|survivors|sufferers|soldiers|members|residents|citizens|students|therapists"
    r"|clinicians|doctors|physicians|nurses|psychiatrists|smokers|panelists|voters"
    r"|[A-Z][a-z]+(?:ians|ans|ers))"
)
_COUNTED = (
    r"(?:studies|trials|sites|sessions|papers|countries|doses|meta-analyses|analyses|reviews"
    r"|clinics|centers|centres|hospitals|experiments|cases|deaths)"
)

# --- the two scans -----------------------------------------------------------------------------

# The digit scan consumes its first digit before anything else, so that Python's ``re`` can skip
# ahead to the next digit (a leading ``\b`` or look-around defeats that; performance.md). The
# alternatives are therefore written without their first digit.
_DIGITS = re.compile(
    r"\d(?<![\w.,/:#@+$€£\\]\d)"
    r"(?:(?P<skip>\d?:\d{2}(?::\d{2})?(?:\.\d+)?"  # timestamps 01:57:31
    r"|\d{3}-\d{1,2}-\d{1,2}\b"  # ISO dates 2024-01-29
    r"|\d?[/.]\d{1,2}[/.]\d{2,4}\b"  # 29/01/2024
    r"|(?<=1)0\.\d{4,9}/\S+"  # DOIs 10.1038/...
    r"|\d\d\)?[\s.-]\d{3}[\s.-]\d{4}\b"  # phone numbers
    r")|(?P<num>\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))"
)


def _word_trie(words: list[str]) -> str:
    """A regex alternation shaped as a character trie: ``re`` tries far fewer branches per word
    than with a flat list of 50 alternatives (performance.md: 1,600 vs 250 articles/s)."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node["$"] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [
            (r"\s+" if k == " " else re.escape(k)) + emit(v)
            for k, v in sorted(node.items())
            if k != "$"
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "$" in node else body

    return emit(root)


_NUMBER_WORDS = [
    *_UNITS_WORDS, *_TENS_WORDS, *_FRACTIONS, *_MULTIPLIERS, "this year", "next year",
    "last year",
]  # fmt: skip
_WORDS = re.compile(rf"(?i)(?=[tofsenhqdl])\b{_word_trie(_NUMBER_WORDS)}\b")
# Read at a word the scan found: compounds ("twenty-five", "two-thirds", "one hundred").
_CARDINAL_AT = re.compile(rf"(?i){_CARDINAL}\b")
_FRACTION_AT = re.compile(
    r"(?i)(?:(?:one|two|three|four)[\s-]+)?(?:thirds?|quarters?|fifths?)\b|(?:one[\s-]+)?half\b"
)

# --- look-arounds, tried at one candidate ------------------------------------------------------

# Before the number: the word that makes it a label, not a quantity ("Phase 3", "Type 2").
_LABEL_BEFORE = re.compile(
    r"(?i)\b(?:(?:phase|type|schedule|stage|grade|level|version|chapter|section|figure|table"
    r"|page|step|round|wave|episode|part|class|tier|cohort|study|trial|experiment|item"
    r"|question|number|volume|issue|appendix|lines?|room|article|day|week"
    r"|month|session|visit|covid|nct|pmid|isbn|issn)"
    r"|(?:fig|pp?|(?-i:No|NO)|vol)\.?)[\s-]*#?$"
)
"""A lowercase "no." before a number ends a sentence ("The panel voted no. 10 of the 11..."),
as ``srcgrade.sentences`` reads it; only "No." / "NO." is the number sign. Only an abbreviation
takes a full stop ("Fig. 3", "Vol. 2", "pp. 10"): after a whole word ("...in the first phase 3
trial. 95% of ...") the stop ends the sentence, and a label never spans a sentence end."""
# A statistic's letter is a word of its own: "<p>67%" (a pasted HTML paragraph) is no p-value.
_STAT_BEFORE = re.compile(r"(?:(?<![\w</])[prtzPRFTZ]|χ2|\bOR|\bHR|\bRR)\s*[<=>≤≥]\s*$")
_N_BEFORE = re.compile(r"(?:^|(?<=[\s(\[,;]))[nN]\s*=\s*$")
_EFFECT_BEFORE = re.compile(
    r"(?i)(?:(?:effect\s+sizes?|cohen['’]?s\s+d|hedges['’]?\s+g)\s*(?:of|was|were|is|=|:)?"
    r"|(?:^|(?<=[\s(\[,;]))[dg]\s*[=:])\s*(?:about\s+|approximately\s+|around\s+)?$"
)
_QUALIFIER_BEFORE = re.compile(
    r"(?i)(?:(?<![\w-])(?P<q>just\s+over|well\s+over|just\s+under|more\s+than|less\s+than"
    r"|fewer\s+than|greater\s+than|up\s+to|at\s+least|at\s+most|as\s+many\s+as|as\s+much\s+as"
    r"|no\s+more\s+than|upwards\s+of|in\s+excess\s+of|close\s+to|nearly|almost|roughly|about"
    r"|approximately|approx\.|around|over|under|above|below|some|an\s+estimated)\s+"
    r"|(?P<tilde>~)\s*)$"
)
_QUALIFIER_CANON = {
    "over": "over", "well over": "over", "just over": "over", "more than": "over",
    "greater than": "over", "above": "over", "upwards of": "over", "in excess of": "over",
    "at least": "at least",
    "under": "under", "just under": "under", "less than": "under", "fewer than": "under",
    "below": "under",
    "up to": "up to", "at most": "up to", "as many as": "up to", "as much as": "up to",
    "no more than": "up to",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly",
    "roughly": "about", "about": "about", "approximately": "about", "approx.": "about",
    "around": "about", "some": "about", "an estimated": "about", "~": "about",
}  # fmt: skip
_BETWEEN_BEFORE = re.compile(r"(?i)\bbetween\s+$")
_DETERMINER_BEFORE = re.compile(r"(?i)(?<![\w-])(?:an?|the|one)\s+$")
_DATE_BEFORE = re.compile(
    rf"(?:{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+)$"
)
_YEARISH_PREP_BEFORE = re.compile(r"(?i)\b(?:in|since|by|during|until|from|of|to|and)\s+$")
_CLAUSE_YEAR_BEFORE = re.compile(r"(?i)\b(?:in|since|by|during)\s+$")
_RANGE_END_BEFORE = re.compile(
    r"(?i)(?:\d\s*(?:[-–—]|to)\s*|\d\s*%\s*[-–—]\s*|between\s+[\d,.]+\s*%?\s+and\s+)$"
)

# Verbs and nouns that tie a year to an event ("initiated in 2018", "approval ... this year").
_EVENT_VERBS = (
    r"(?:initiated|initiate|began|begun|begins|begin|started|starts|start|launched|launch"
    r"|commenced|completed|ended|finished|published|approved|approve|approval|granted|designated"
    r"|designation|rejected|rejection|declined|expected|anticipated|due|slated|scheduled|planned"
    r"|founded|established|conducted|held|met|voted|vote|issued|submitted|filed|announced"
    r"|released|retracted|retraction|introduced|discovered|synthesi[sz]ed|patented|banned"
    r"|criminali[sz]ed|outlawed|legali[sz]ed|enrolled|enrolment|enrollment|recruited|ran|run"
    r"|underway|decision|decided|concluded|reported|found|showed|updated|passed|signed|enacted"
    r"|opened|funded|awarded|reviewed|took\s+place|came|come|arrive|arrives|happen|happened)"
)
_EVENT_BEFORE = re.compile(
    rf"(?i)\b(?P<ev>{_EVENT_VERBS})(?:\s+(?!\d)[a-z][\w'’-]*){{0,3}}?"
    r"(?:\s+(?:in|by|during|since|until|from|around|circa|as\s+of|as\s+early\s+as|on|for|at))?"
    r"(?:\s+the)?(?:\s+(?:end|start|beginning|middle|spring|summer|fall|autumn|winter"
    r"|first\s+half|second\s+half)\s+of)?(?:\s+the)?"
    rf"\s+(?:(?:early|mid|late)[\s-]+)?(?:{_MONTHS}\.?\s+)?$"
)
_EVENT_NOUN_AFTER = re.compile(
    r"(?i)^(?:[\s-]+(?!\d)[A-Za-z][\w'’]*){0,2}?[\s-]+(?P<noun>meta-?analys[ie]s|re-?analysis"
    r"|analys[ie]s|study|studies|trials?|review|survey|paper|report|article|publication"
    r"|decision|approval|letter|designation|ruling|law|vote|hearing|meeting|guidelines?"
    r"|guidance|recommendation|retraction|follow-?up|experiment|poll|census|committee|panel"
    r"|rejection|application|submission|filing|announcement)\b"
)
_EVENT_AFTER_CLAUSE = re.compile(rf"(?i)^,?\s+(?:[^\s.;:!?]+\s+){{0,6}}?{_EVENT_VERBS}\b")

# After the number.
_RANGE_TAIL = re.compile(rf"\s*(?:[-–—]|\s+to\s+)\s*(?P<n>{_NUM})(?![\d,.]?\d)")
_AND_TAIL = re.compile(rf"\s+and\s+(?P<n>{_NUM})(?![\d,.]?\d)")
# "2%-10%", "between 2% and 10%": one range, the unit said twice ("from 2% to 10%" is a change,
# two numbers, and stays two claims).
_PERCENT_RANGE_TAIL = re.compile(rf"%\s*[-–—]\s*(?P<n>{_NUM})(?![\d,.]?\d)(?=\s*%)")
_PERCENT_AND_TAIL = re.compile(rf"%\s+and\s+(?P<n>{_NUM})(?![\d,.]?\d)(?=\s*%)")
_SCALE_AFTER = re.compile(r"(?i)\s+(?P<s>million|billion|thousand)\b")
_PERCENT_AFTER = re.compile(
    r"(?i)\s*(?:(?P<pp>percentage[\s-]+points?)|%|percent\b|per\s+cent\b|pct\b)"
)
_NOT_A_CLAIM_AFTER_PERCENT = re.compile(r"(?i)\s*(?:CI|confidence|credible)\b")
_MULT_AFTER = re.compile(
    r"(?i)(?:\s*[x×](?![\w])|[\s-]?fold\b|\s+times\b(?=\s+(?:as|more|higher|greater|larger"
    r"|bigger|less|lower|smaller|faster|likelier|the|that)\b))"
)
_AS_MUCH_AFTER = re.compile(
    r"(?i)\s+as\s+(?:much|many|likely|high|often|great|large|effective|well|long|strong|fast)\b"
)
_POINTS_AFTER = re.compile(r"(?i)(?:\s+|-)points?\b")
_OF_AFTER = re.compile(
    r"(?i)\s+(?:out\s+)?of\s+(?:the\s+|all\s+|those\s+|these\s+|its\s+|their\s+)?"
    rf"(?P<n>{_NUM}|{_CARDINAL})(?![\d,.]?\d)(?![\w-])"
)
_IN_AFTER = re.compile(rf"(?i)\s+in\s+(?P<n>\d+|{_CARDINAL})\b(?![\d,.]\d)")
_NOUN_AFTER = re.compile(
    r"(?:\s+(?:[Pp]hase\s+(?:\d|I{1,3}|IV)\b|(?!(?:years?|months?|weeks?|days?|hours?|minutes?"
    r"|decades?|percent|times|in|per|and|or|to|than|vs|from|at|by|for|with|after|before|among"
    r"|across|within|into|during|including|over|under|through|on|about)\b)"
    r"[A-Za-z][\w'’]*(?:-[\w'’]+)*)){0,3}?"
    rf"\s+(?:(?P<people>{_PEOPLE})|(?P<counted>{_COUNTED}))\b"
)
_FRACTION_FOLLOW = re.compile(
    rf"(?i)\s+(?:of\b|no\s+longer\b|(?:the|all|its|their)\s+(?:{_PEOPLE}|{_COUNTED})\b"
    r"|(?:received|receive|got|get|were|was|are|is|had|have|has|reported|report|showed|show"
    r"|experienced|saw|see|did|do|didn't|responded|respond|improved|improve|met|meet|took|take"
    r"|completed|dropped|achieved|achieve|went|felt|said|continued|remained|still|also|would"
    r"|will|could|may|might|can|lost|developed|qualified|reached|needed|discontinued|withdrew"
    r"|stopped|became)\b)"
)
_MULT_FOLLOW = re.compile(r"(?i)\s+(?:as|the|that|what|more|than)\b")
_GLUED_ALLOWED = re.compile(r"(?i)(?:%|[x×](?![\w])|s\b|-(?:fold|points?|percent|times)\b)")

# --- sentences and time points (shared with srcgrade.facts) ------------------------------------

_DURATION_UNIT = r"(?P<u>days?|weeks?|months?|years?|decades?)"
_TIME_NUMBER = rf"(?P<n>\d+(?:\.\d+)?|an?|{_CARDINAL})"
_TIME_POINT = re.compile(
    rf"(?i)\b(?:(?:after|at|within|by|following|over|to|until|through)\s+(?:the\s+)?"
    rf"{_TIME_NUMBER}[\s-]+{_DURATION_UNIT}(?:[\s-]+(?:follow[\s-]?ups?|mark|point|visit))?"
    rf"|(?P<n2>\d+(?:\.\d+)?|an?|{_CARDINAL})[\s-]+(?P<u2>days?|weeks?|months?|years?|decades?)"
    r"(?:[\s-]+long)?[\s-]+(?:later|after(?:wards?)?|on|post[\s-]?\w+|follow[\s-]?ups?|out))\b"
)
_DURATION = re.compile(rf"(?i)\b{_TIME_NUMBER}[\s-]+{_DURATION_UNIT}\b")
_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 52.18 / 12, "year": 52.18, "decade": 521.8}


class _Hit(NamedTuple):
    start: int
    end: int
    value: float
    unit: str
    qualifier: str | None = None
    measure: str | None = None
    high: float | None = None
    approximate: bool = False


# --- public API --------------------------------------------------------------------------------


def extract_claims(text: str) -> list[Claim]:
    """Every numeric claim in ``text``, in order, each with its sentence.

    ``text[c.start:c.end] == c.text`` always holds, and ``c.sentence`` is the sentence the claim
    sits in (``text[c.sentence_start:c.sentence_start + len(c.sentence)] == c.sentence``), so the
    dashboard can show it in context and the checker can read the words around it.
    """
    claims = []
    bounds = (0, -1)
    sentence = ""
    for hit in _scan(text):
        if not bounds[0] <= hit.start <= hit.end <= bounds[1]:  # claims in one sentence share it
            bounds = sentence_bounds(text, hit.start, hit.end)
            # one string per sentence, not one per claim: a list of 30,000 figures in one
            # 200 KB sentence would otherwise hold 6 GB of copies
            sentence = text[bounds[0] : bounds[1]]
        claims.append(_claim(text, hit, bounds, sentence))
    return claims


def sentence_bounds(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` as (start, end), without surrounding whitespace.

    A sentence ends at ``.``/``!``/``?`` before a capital or digit, or at a line break that is not
    a hard wrap (the next line does not start lowercase); "vs.", "e.g.", "et al." and initials do
    not end one, and headings and list items are sentences of their own. Found by looking around
    the span only, so its cost does not grow with the article.
    """
    end = start if end is None else end
    s = _sentence_start(text, start)
    m = _SENTENCE_END.search(text, end)
    e = m.end() if m else len(text)
    s, e = _strip(text, s, e)
    return min(s, start), max(e, end)


def previous_sentence(text: str, sentence_start: int) -> tuple[int, int] | None:
    """The sentence before the one that starts at ``sentence_start``, if any."""
    q = sentence_start
    while q > 0 and text[q - 1].isspace():
        q -= 1
    return sentence_bounds(text, q - 1) if q > 0 else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """All non-blank sentences of ``text`` as (start, end), by the rules of
    :func:`sentence_bounds`."""
    spans = []
    start = 0
    for end in [*(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]:
        s, e = _strip(text, start, end)
        if s < e:
            spans.append((s, e))
        start = end
    return spans


def time_points(sentence: str) -> list[tuple[str, float]]:
    """The time points a sentence measures at ("one year later", "at 18 weeks"), in weeks.

    Only expressions that place a measurement in time count; a duration such as "had PTSD for
    17 years" or "sessions a month apart" does not, so it cannot make a claim look mistimed.
    """
    found = []
    for m in _TIME_POINT.finditer(sentence):
        number = m.group("n") or m.group("n2")
        unit = m.group("u") or m.group("u2")
        found.append((m.group(0), _weeks(number, unit)))
    return found


def durations(text: str) -> list[float]:
    """Every duration in ``text`` ("18 weeks", "12 months") in weeks, for a fact's time frame."""
    return [_weeks(m.group("n"), m.group("u")) for m in _DURATION.finditer(text)]


# --- scanning ----------------------------------------------------------------------------------


def _scan(text: str) -> list[_Hit]:
    digits = _DIGITS.finditer(text)
    hits = [h for m in digits if m.lastgroup == "num" and (h := _from_digits(text, m))]
    hits.extend(h for m in _WORDS.finditer(text) if (h := _from_words(text, m.start())))
    return _without_overlaps(hits) if hits else hits


def _without_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Hits in text order, dropping any that overlaps an earlier, longer one ("76 of 90
    participants" is one claim, not also "90 participants")."""
    merged: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and hit.start < merged[-1].end:
            continue
        merged.append(hit)
    return merged


def _from_digits(text: str, m: re.Match[str]) -> _Hit | None:
    start, end = m.span()
    raw = m.group()
    before = text[max(0, start - 80) : start]
    if _is_identifier(before):
        return None
    after = text[end : end + 100]
    if not _clean_after(after):
        return None
    value = _parse_number(raw)
    is_yearish = len(raw) == 4 and raw.isdigit() and 1800 <= value <= 2099
    if is_yearish and _DATE_BEFORE.search(before[-24:]):
        return None  # "January 29, 2024": a date, whatever follows
    if after[:1] == "s" and raw.isdigit() and len(raw) == 4 and raw.endswith("0"):
        return _decade(text, start, end + 1, int(raw), before)
    high = None
    tail = _range_tail(after, before)
    if tail is not None:
        high, used = tail
        end += used
        after = text[end : end + 100]
    scale = _SCALE_AFTER.match(after)
    if scale and not is_yearish:
        factor = _SCALES[scale.group("s").lower()]
        value, high = value * factor, None if high is None else high * factor
        end += scale.end()
        after = text[end : end + 100]
        is_yearish = False
    hit = _with_unit(text, start, end, value, high, after, before, is_yearish)
    if hit is None and is_yearish:
        return _year(text, start, end, value, high, before)
    return hit


def _from_words(text: str, start: int) -> _Hit | None:
    before = text[max(0, start - 80) : start]
    head = text[start : start + 40]
    first = head.split(None, 1)[0].lower() if head.strip() else ""
    if first in ("this", "next", "last"):
        end = start + len(re.match(r"\w+\s+year", head).group(0))
        offset = {"this": 0.0, "next": 1.0, "last": -1.0}[first]
        return _event_before(text, start, end, offset, None, before, unit="relative_year")
    if _LABEL_BEFORE.search(before[-24:]):
        return None
    if m := _FRACTION_AT.match(head):
        end = start + m.end()
        return _fraction(start, end, m.group(0).lower(), before, text[end : end + 100])
    if m := _CARDINAL_AT.match(head):
        end = start + m.end()
        value = _parse_cardinal(m.group(0).lower())
        return _with_unit(text, start, end, value, None, text[end : end + 100], before, False)
    word = re.match(r"\w+", head).group(0).lower()
    if word in _MULTIPLIERS:
        end = start + len(word)
        return _multiplier(start, end, word, before, text[end : end + 100])
    return None


def _with_unit(
    text: str,
    start: int,
    end: int,
    value: float,
    high: float | None,
    after: str,
    before: str,
    is_yearish: bool,
) -> _Hit | None:
    """The claim a number makes through the words around it: a unit sign or word after it
    (%, times, points), a whole it is part of ("of 90", "in 5"), the people or things it counts,
    or a statistic's name before it ("n =", "d =")."""
    if hit := _measured(start, end, value, high, after, before):
        return hit
    if high is None and (hit := _proportion(start, end, value, after, before)):
        return hit
    if is_yearish and _YEARISH_PREP_BEFORE.search(before[-12:]):
        return None  # "In 2018 patients were ..." reads as a year
    if (m := _NOUN_AFTER.match(after)) and value != 1:
        unit = "people" if m.group("people") else "count"
        measure = after[: m.end()].strip()
        return _qualified(start, end + m.end(), value, unit, before, measure=measure, high=high)
    if m := _N_BEFORE.search(before[-8:]):
        return _Hit(start - len(m.group(0)), end, value, "people")
    if not is_yearish and (m := _EFFECT_BEFORE.search(before[-32:])) and text[start].isdigit():
        return _Hit(start - len(m.group(0)), end, value, "effect_size", measure="effect size")
    return None


def _measured(
    start: int, end: int, value: float, high: float | None, after: str, before: str
) -> _Hit | None:
    """ "67%", "84 percent", "3-fold", "twice as much", "24 points": a unit right after it."""
    if m := _PERCENT_AFTER.match(after):
        if _NOT_A_CLAIM_AFTER_PERCENT.match(after, m.end()):
            return None  # "95% CI" is the confidence level, not a finding
        unit = "percentage_points" if m.group("pp") else "percent"
        return _qualified(start, end + m.end(), value, unit, before, high=high)
    if m := _MULT_AFTER.match(after):
        extra = _AS_MUCH_AFTER.match(after, m.end())
        stop = extra.end() if extra else m.end()
        return _qualified(start, end + stop, value, "ratio", before, measure=after[:stop].strip())
    if m := _POINTS_AFTER.match(after):
        return _qualified(start, end + m.end(), value, "points", before, high=high)
    return None


def _proportion(start: int, end: int, value: float, after: str, before: str) -> _Hit | None:
    """ "76 of 90", "one in five": a share of a whole, as a percentage."""
    m = _OF_AFTER.match(after) if value != 1 else None  # "one of 117 centres" is not a share
    m = m or _IN_AFTER.match(after)
    if m is None:
        return None
    n = m.group("n")
    whole = _parse_number(n) if n[0].isdigit() else _parse_cardinal(n.lower())
    if not 0 < value <= whole or 1800 <= whole <= 2099 or whole > 100_000:
        return None  # "3 of 2018" is not a share
    return _qualified(start, end + m.end(), 100 * value / whole, "percent", before)


def _qualified(
    start: int,
    end: int,
    value: float,
    unit: str,
    before: str,
    *,
    measure: str | None = None,
    high: float | None = None,
    approximate: bool = False,
) -> _Hit:
    """The hit with its qualifier ("over", "nearly", "roughly") folded into the span."""
    qualifier = None
    if high is not None and (m := _BETWEEN_BEFORE.search(before[-12:])):
        start -= len(m.group(0))
    elif m := _QUALIFIER_BEFORE.search(before[-24:]):
        surface = " ".join((m.group("q") or m.group("tilde")).lower().split())
        qualifier = _QUALIFIER_CANON[surface]
        start -= len(m.group(0))
    return _Hit(start, end, value, unit, qualifier, measure, high, approximate)


def _fraction(start: int, end: int, word: str, before: str, after: str) -> _Hit | None:
    """ "Half received", "two-thirds of": a share of a group, as an approximate percentage."""
    parts = re.split(r"[\s-]+", word)
    base = _FRACTIONS[parts[-1]]
    count = _UNITS_WORDS.get(parts[0], 1) if len(parts) > 1 else 1
    if len(parts) == 1 and parts[0] != "half":
        det = _DETERMINER_BEFORE.search(before[-8:])
        if not det or det.group(0).strip().lower() not in ("a", "an", "one"):
            return None  # "the third trial" is an ordinal
        start -= len(det.group(0))
    if not _FRACTION_FOLLOW.match(after):
        return None
    return _qualified(start, end, round(100 * count * base, 2), "percent", before, approximate=True)


def _multiplier(start: int, end: int, word: str, before: str, after: str) -> _Hit | None:
    """ "Roughly twice as much", "doubled", "threefold": a ratio between two quantities."""
    if word in ("twice", "double", "triple") and not _MULT_FOLLOW.match(after):
        return None
    extra = _AS_MUCH_AFTER.match(after)
    stop = end + (extra.end() if extra else 0)
    measure = extra.group(0).strip() if extra else None
    return _qualified(
        start, stop, float(_MULTIPLIERS[word]), "ratio", before, measure=measure, approximate=True
    )


def _year(
    text: str, start: int, end: int, value: float, high: float | None, before: str
) -> _Hit | None:
    """A year is a claim only when tied to an event; a dateline or citation year is not."""
    after = text[end : end + 80]
    if m := _EVENT_NOUN_AFTER.match(after):
        det = _DETERMINER_BEFORE.search(before[-8:])
        begin = start - len(det.group(0)) if det else start
        return _Hit(begin, end + m.end(), value, "year", None, m.group("noun").lower(), high)
    hit = _event_before(text, start, end, value, high, before, unit="year")
    if (
        hit is None
        and (m := _CLAUSE_YEAR_BEFORE.search(before[-12:]))
        and _EVENT_AFTER_CLAUSE.match(after)
    ):
        return _Hit(start - len(m.group(0)), end, value, "year", None, None, high)
    return hit


def _decade(text: str, start: int, end: int, decade: int, before: str) -> _Hit | None:
    """ "In the mid-2000s": a year range, a claim only when tied to an event like a year."""
    part = re.search(r"(?i)(early|mid|late)[\s-]+$", before[-8:])
    low, high = decade, decade + 9
    if part:
        low, high = {
            "early": (decade, decade + 3),
            "mid": (decade + 3, decade + 7),
            "late": (decade + 7, decade + 9),
        }[part.group(1).lower()]
    return _event_before(text, start, end, float(low), float(high), before, unit="year")


def _event_before(
    text: str,
    start: int,
    end: int,
    value: float,
    high: float | None,
    before: str,
    *,
    unit: str,
) -> _Hit | None:
    m = _EVENT_BEFORE.search(before)
    if not m:
        return None
    return _Hit(
        start - (len(before) - m.start()), end, value, unit, None, m.group("ev").lower(), high
    )


# --- small helpers -----------------------------------------------------------------------------


def _is_identifier(before: str) -> bool:
    """Part of a name, code, URL or statistic: "CAPS-5", "Phase 3", "p < 0.05", "3,4-MDMA"."""
    token = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
    if "://" in token or token.startswith("www.") or "](" in token:
        return True
    if before.endswith("="):  # a URL query (?id=12) unless it is "n=42" or "d=0.9"
        return not (_N_BEFORE.search(before[-8:]) or _EFFECT_BEFORE.search(before[-32:]))
    if before.endswith("-") and len(before) >= 2 and before[-2].isalnum():
        return not re.search(r"(?i)(?:early|mid|late)-$", before[-8:])
    if _RANGE_END_BEFORE.search(before[-24:]):
        return True  # the "30" of "20 to 30": read with the range's first number
    return bool(_LABEL_BEFORE.search(before[-24:]) or _STAT_BEFORE.search(before[-8:]))


def _clean_after(after: str) -> bool:
    """False when the characters after the number make it part of something else."""
    if not after:
        return True
    first = after[0]
    glued = first in "/:_" or first.isalpha() or (first == "-" and after[1:2].isalpha())
    return not glued or bool(_GLUED_ALLOWED.match(after))


def _range_tail(after: str, before: str) -> tuple[float, int] | None:
    m = _RANGE_TAIL.match(after) or _PERCENT_RANGE_TAIL.match(after)
    if m is None and _BETWEEN_BEFORE.search(before[-12:]):
        m = _AND_TAIL.match(after) or _PERCENT_AND_TAIL.match(after)
    if m is None:
        return None
    return _parse_number(m.group("n")), m.end()


def _parse_number(raw: str) -> float:
    return float(raw.replace(",", ""))


def _parse_cardinal(word: str) -> float:
    parts = re.split(r"[\s-]+", word)
    total = 0.0
    for part in parts:
        if part in _SCALES:
            total = max(total, 1.0) * _SCALES[part]
        else:
            total += _UNITS_WORDS.get(part, 0) + _TENS_WORDS.get(part, 0)
    return total


def _weeks(number: str, unit: str) -> float:
    word = number.lower()
    if word[0].isdigit():
        count = float(word)
    elif word in ("a", "an"):
        count = 1.0
    else:
        count = _parse_cardinal(word)
    return count * _WEEKS_PER[unit.lower().rstrip("s")]


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` begins: the end of the last boundary at or before it."""
    return sentence_start_after(text, pos, 0)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _claim(text: str, hit: _Hit, bounds: tuple[int, int], sentence: str) -> Claim:
    s, _ = bounds
    return Claim(
        start=hit.start,
        end=hit.end,
        text=text[hit.start : hit.end],
        value=hit.value,
        unit=hit.unit,
        qualifier=hit.qualifier,
        measure=hit.measure,
        sentence=sentence,
        sentence_start=s,
        high=hit.high,
        approximate=hit.approximate,
    )
