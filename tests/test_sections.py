"""The closing boilerplate of a press release, on release-shaped text written for the tests."""

from __future__ import annotations

import pytest

from srcgrade.detect.sections import closing_start

BODY = (
    "CHICAGO - Adults with migraine who took the new drug had two fewer headache days a month "
    "than those on placebo, according to a randomized trial of 412 patients published today in "
    "JAMA Neurology.\n\n"
    '"These results are modest but real," said Dr. Ana Ruiz, a neurologist at the University of '
    "Chicago who led the study. The trial lasted 12 weeks, so longer-term effects are unknown.\n\n"
    "Side effects, mostly nausea, led 6 percent of patients to stop the drug.\n"
)
ABOUT = (
    "About Lakeshore Health\n\n"
    "Lakeshore Health is a world-renowned academic medical center whose pioneering research "
    "brings breakthrough cures to patients.\n"
)


def test_a_release_ends_where_its_about_heading_starts():
    text = BODY + "\n" + ABOUT
    assert text[closing_start(text) :].startswith("About Lakeshore Health")


def test_the_end_mark_starts_the_closing_section_before_a_later_heading():
    text = BODY + "\n###\n\n" + ABOUT + "\nMedia contact: Jo Park\n"
    assert text[closing_start(text) :].startswith("###")
    assert text.replace("###", "-30-")[closing_start(text.replace("###", "-30-")) :].startswith(
        "-30-"
    )


@pytest.mark.parametrize(
    "line",
    [
        "About the study",
        "About this phase 3 trial",
        "About the research",
        "About 40 percent of adults get migraines",
        "About a third of patients improved",
        "About half of them stopped",
        "About 2.7 million Americans have it.",
        "About the drug. It is a pill.",
    ],
)
def test_headings_about_the_study_and_sentences_starting_with_about_are_not_boilerplate(line):
    text = BODY + "\n" + line + "\n\nThe trial randomized 412 adults at 30 clinics.\n"
    assert closing_start(text) == len(text)


def test_a_mark_or_heading_in_the_first_third_is_not_taken():
    text = "Lakeshore news\nAbout Lakeshore Health\n\n" + BODY * 3
    assert closing_start(text) == len(text)
    text = "Lakeshore news\n###\n" + BODY * 3
    assert closing_start(text) == len(text)
    assert closing_start(text + "\n###\n") == len(text) + 1  # the same mark at the end counts


def test_a_news_story_without_marks_has_no_closing_section():
    assert closing_start(BODY) == len(BODY)
    assert closing_start("") == 0


@pytest.mark.parametrize("later", [
    "## Concerns and Considerations\n\nMDMA raises blood pressure and heart rate; people with "
    "heart disease were left out of the trials.\n",
    "Doctors call the new drug a breakthrough and a game-changer for patients.\n",
])
def test_an_articles_about_section_is_not_a_release_closing(later):
    """An explainer heading ("About MDMA" in a podcast summary, "About migraine" at the end of
    a news story) set everything after it aside as boilerplate: the hype and hedges there went
    uncounted. Without a closing's signs after it, the article goes on."""
    for heading in ("About MDMA", "About migraine"):
        text = BODY + "\n" + heading + "\n\n" + later
        assert closing_start(text) == len(text)


def test_an_about_heading_with_a_media_contact_after_it_is_a_closing():
    text = BODY + "\nAbout Brightwell\n\nBrightwell develops migraine treatments.\n\n" + (
        "Media contact: Jo Park, jo@example.org\n")
    assert text[closing_start(text):].startswith("About Brightwell")
