"""The closing boilerplate of a press release: where the release's own content ends.

A news release ends with an end mark on a line of its own ("###" or "-30-", the newswire
convention) and one or more "About <organisation>" paragraphs, the institution's standing
self-description ("pioneering research", "world-renowned", "cures for rare diseases"), followed by
media contacts. That text is the same in every release the institution sends, so it says nothing
about how this release reports its study. HealthNewsReview.org's reviewers judged the release's
claims; on their releases, leaving the boilerplate out of the sensational-language criterion
agrees better with their verdicts (docs/validity.md, round 6). A criterion opts in with
``boilerplate_weight``; the findings stay in the text, flagged, so the highlighting still shows
them.

"About the study" and its kin are not boilerplate: they describe the study the release is about.
Nor is an "About <topic>" section of an article ("About MDMA", "About migraine") with none of a
closing's signs after it (an organisation's self-description, a media contact): without this, one
explainer heading set the rest of an article aside.
"""

from __future__ import annotations

import re

# A line holding only an end mark.
_END_MARK = re.compile(r"\n[ \t]*(?:###|-30-|- 30 -|-###-)[ \t]*(?=\n|$)")
# A heading line "About <name>": no full stop (a sentence such as "About 40 percent of adults..."
# is not a heading) and not an estimate ("About a third", "About half of them").
_ABOUT_HEADING = re.compile(
    r"\n[ \t]*(About[ \t]+(?!(?:a|an|one|half|two|three|four|five|six|ten|twice)\b)[^\d\s.]"
    r"[^\n.]{0,99})(?=\n|$)"
)
_ABOUT_THE_STUDY = re.compile(
    r"About\s+(?:the|this|these|our)\s+(?:[\w-]+\s+){0,3}?(?:study|studies|trial|trials|research|"
    r"science|findings|survey|results|paper|data|analysis)\b",
    re.IGNORECASE,
)
# What a release's closing shows from its "About" heading on: an organisation describing itself
# (founded, headquartered, a company, Inc., a stock ticker, a registered mark), a media contact,
# an address to write to, or a further "About" heading. Every "About" closing in the evaluation
# releases has one (25 of 25); an explainer's "About MDMA" or "About migraine" section in an
# article has none, and the article's own words after it are not boilerplate.
_CLOSING_SIGNS = re.compile(
    r"(?i)\b(?:founded|established in|headquartered|compan(?:y|ies)|corporation|non-?profit|"
    r"NYSE|NASDAQ|inc\.|llc|ltd|plc|gmbh|media contacts?|contacts?:|for more information|www\.|"
    r"[\w.+-]+@[\w-]+\.\w+)|[\u00ae\u2122]|\n[ \t]*About\s"
)
# An organisation named in the heading or the paragraph under it ("Lakeshore Health is an
# academic medical center"): anywhere later in an article such a word names a source instead.
_ORGANISATION = re.compile(
    r"(?i)\b(?:universit(?:y|ies)|institut(?:e|ion)|hospital|medical cent(?:er|re)|"
    r"health system|foundation|association|society|college|agency|academic)\b"
)
_ORGANISATION_REACH = 400
# A closing section starts after the first third of the text: an end mark or "About" heading
# above that is a title or a layout oddity, and taking it would set most of the text aside.
_EARLIEST = 1 / 3


def closing_start(text: str) -> int:
    """Where the closing boilerplate begins, or ``len(text)`` when the text has none."""
    earliest = int(len(text) * _EARLIEST)
    found = len(text)
    # Both regexes begin with a newline, which `re` skips to quickly: faster than testing first
    # whether "###" or "About" occur at all.
    if mark := _END_MARK.search(text, earliest):
        found = mark.start() + 1
    for heading in _ABOUT_HEADING.finditer(text, earliest, found):
        if _ABOUT_THE_STUDY.match(heading.group(1)):
            continue
        start = heading.start(1)
        if (_CLOSING_SIGNS.search(text, start)
                or _ORGANISATION.search(text, start, start + _ORGANISATION_REACH)):
            return start
    return found
