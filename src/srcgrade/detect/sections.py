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
        if not _ABOUT_THE_STUDY.match(heading.group(1)):
            return heading.start(1)
    return found
