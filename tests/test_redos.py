"""The guard against catastrophic backtracking (``srcgrade.redos``): the classic ReDoS patterns
are reported, the safe nested repeats the lexicons are written with are not."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers import RATINGS

from srcgrade.corpus import load_ratings
from srcgrade.redos import dangerous

# OWASP's "Regular expression Denial of Service - ReDoS" examples, and their kin.
EXPONENTIAL = [
    r"(a+)+",
    r"([a-zA-Z]+)*",
    r"(a|aa)+",
    r"(a|a?)+",
    r"(.*a){11}",
    r"(\w+\s?)*$",
    r"(?:a+)+b",
    r"(\w+\s?)+$",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|"
    r"([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
    r"(a*)*b",
    r"(?:x+x+)+y",
    r"(?:a|b|ab)+c",
    r"(?:[a-z]+\.?)+@",
    r"\b(?:\d+|\w+)+!",
    # inside what is read as no character: a lookaround, an atomic group, a counted repeat
    r"(?=(?:a+)+b)x",
    r"x(?<!y)(?!(?:\w+\s?)+$)",
    r"(?>(?:a+)+b)",
    r"(?:(?:a|aa)+!){2}",
    # as lexicon entries write them: case-folded, verbose, a word list, a fragment repeated
    r"(?i)(?:(?:very|Very)\s+)+good",
    "(?x) (?: [a-z]+ \\s? ) +  $",
    r"\b(?:not|never)\s+(?:[\w'-]+\s*)+(?:proven|shown)\b",
    r"(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)+,\s+a\s+doctor",
]

SAFE = [
    r"(?:\w+ ){0,3}x",  # each round ends with the space
    r"(?:[A-Z]\w+\s)+said",
    r"\w+\s+\w+",
    r"(?:a|b)+c",
    r"(?:ab|ba)+c",
    r"(?:\w+\s?){2}",  # a small bound: the square of a run's length
    r"(?:\w+\s){4}",
    r"(?:(?:(?:(?:a{0,10}b){0,10}c){0,10}d){0,10}e)+",  # each round ends with its own letter
    r"[^.]{0,80}x",
    r"(?:[\w'-]+,?\s+(?:and\s+|or\s+)?){0,4}$",  # ambiguous, but four rounds at most
    # the fixes the message proposes: an atomic group, a possessive quantifier
    r"(?>a+)+b",
    r"(?:a++)+b",
    r"(?:\w++\s?)+$",
    r"(?>\w+\s?)+$",
]


# Counted repeats whose rounds can split a run between them: the run's length to the power of
# the rounds (``(?:\w+\s?){4}$`` took over 20 s on 200 letters, ``(.*a){3}$`` 3.6 s).
POLYNOMIAL = [
    (r"(?:\w+\s?){4}$", "4th", "'a'"),
    (r"(.*a){3}$", "3rd", "'a'"),
    (r"\b(?:[a-z]+-?){5}x", "5th", "'a'"),
    (r"(?:(?:a|b){0,10}){0,10}x", "10th", "'a'"),
    (r"(?=(?:[\w'-]+\s*){0,6}$)", "6th", "'a'"),
]


@pytest.mark.parametrize(("pattern", "power", "char"), POLYNOMIAL)
def test_a_counted_repeat_whose_rounds_can_split_a_run_is_found(pattern, power, char):
    assert dangerous(pattern, re.IGNORECASE) == (
        f"time of the order of the {power} power of the length of a long run of {char}")


def test_a_repeat_around_a_thousand_overlapping_words_is_checked_in_seconds():
    import time

    words = "|".join(f"{a}{b}{c}" for a in "abcdefghij" for b in "abcdefghij" for c in "abcdefghij")
    start = time.perf_counter()
    assert dangerous(f"(?:[a-j]+|{words})+x") == "exponential time on a long run of 'a'"
    assert dangerous(f"(?:\\b(?:{words})\\s+)+x") is None
    assert time.perf_counter() - start < 20


@pytest.mark.parametrize("pattern", EXPONENTIAL)
def test_a_pattern_that_can_backtrack_exponentially_is_found(pattern):
    assert dangerous(pattern, re.IGNORECASE), pattern


@pytest.mark.parametrize("pattern", SAFE)
def test_a_nested_repeat_that_cannot_match_one_text_two_ways_is_not_reported(pattern):
    assert dangerous(pattern, re.IGNORECASE) is None


def test_the_message_names_a_character_that_repeats():
    assert dangerous(r"(?:\w+\s?)+$") == "exponential time on a long run of 'a'"
    assert dangerous(r"(?:a|aa)+c") == "exponential time on a long run of 'a'"
    assert dangerous(r"(?:\d+|\d+,)+!") == "exponential time on a long run of '0'"


def test_no_bundled_regex_is_reported():
    """Of the 287 bundled regexes (entry patterns and vetoes), 135 repeat a group, most of them
    nested like ``(?:[\\w'-]+\\s+){0,4}``: none can match one text in two ways."""
    checked = 0
    for lexicon in load_ratings(RATINGS).lexicons.values():
        for entry in lexicon.entries:
            for regex in (entry.compiled, entry.unless_followed_by, entry.unless_preceded_by):
                if regex is not None:
                    checked += 1
                    assert dangerous(regex.pattern, regex.flags) is None, entry.rule
    assert checked > 250


@pytest.mark.parametrize(
    ("pattern", "fixed"),
    [(r"(?:a+)+b", r"(?:a++)+b"), (r"(a|aa)+$", r"(a|aa)++$"), (r"(?:\w+\s?)+$", r"(?>\w+\s?)+$")],
)
def test_a_reported_pattern_is_slow_and_its_fixed_form_is_not(pattern, fixed):
    """What the check reports does hang ``re`` (40 characters take over 2 s, in a child process
    stopped after 2 s), and what the message proposes does not."""
    def seconds(regex: str) -> str:
        code = f"import re; re.search({regex!r}, 'a' * 40 + '!')"
        try:
            subprocess.run([sys.executable, "-c", code], timeout=2, check=True)
        except subprocess.TimeoutExpired:
            return "slow"
        return "fast"

    assert dangerous(pattern) and dangerous(fixed) is None
    assert (seconds(pattern), seconds(fixed)) == ("slow", "fast")
