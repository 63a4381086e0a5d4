"""srcgrade.detect.language: a text in another language is told apart, so its flawless-looking
scores (no English hype word or hedge found) come with a warning instead of a ranking alone."""

from __future__ import annotations

import pytest
from helpers import RATINGS

from srcgrade.detect.language import MIN_WORDS, english_share, looks_english

GERMAN = (
    "Die MDMA-gestützte Therapie gegen posttraumatische Belastungsstörungen gilt als Durchbruch. "
    "Laut Dr. Anna Müller zeigten 67 Prozent der Teilnehmer eine deutliche Besserung; die Daten "
    "sind jedoch vorläufig, und weitere Studien sind nötig, bevor das Wundermittel zugelassen "
    "werden kann. Kritiker warnen vor überzogenen Erwartungen an die Behandlung. "
)
SPANISH = (
    "La terapia asistida con MDMA para el trastorno de estrés postraumático mostró resultados "
    "prometedores en un ensayo de fase 3. Los investigadores dicen que es un avance histórico, "
    "aunque los datos son preliminares y se necesitan más estudios para confirmar la eficacia. "
)


@pytest.mark.parametrize("text", [GERMAN, SPANISH * 2])
def test_other_languages_are_not_taken_for_english(text):
    share, words = english_share(text)
    assert words >= MIN_WORDS and share < 0.1
    assert not looks_english(text)


def test_every_bundled_article_is_english():
    for path in sorted((RATINGS / "articles" / "texts").glob("*.txt")):
        assert looks_english(path.read_text(encoding="utf-8")), path.name


def test_a_short_or_empty_text_is_not_judged():
    assert looks_english("")
    assert looks_english("Durchbruch! Wundermittel!")  # too few words to tell
