"""srcgrade.textcheck: the warnings about a text as a whole (only a web address, too short, not
English), one code path for ``srcgrade score`` and the dashboard; and the plural kind names of
the explanations."""

from __future__ import annotations

import io

import pytest
from helpers import RATINGS
from test_language import GERMAN

from srcgrade.cli import main
from srcgrade.detect.language import english_share, looks_english
from srcgrade.score import kind_name, plural
from srcgrade.textcheck import SHORT_TEXT_WORDS, text_warnings, web_address

# 36 words (as the scorer counts them), under the 40 the language check used to need.
SPANISH_SHORT = (
    "La terapia asistida con MDMA para el trastorno de estrés postraumático mostró resultados "
    "prometedores en un ensayo de fase 3. Los investigadores dicen que es un avance histórico, "
    "aunque los datos son preliminares y faltan estudios."
)
FRENCH_SHORT = (
    "La thérapie assistée par la MDMA a donné des résultats prometteurs dans un essai de phase 3 "
    "contre le stress post-traumatique. Les chercheurs parlent d'une avancée historique, mais les "
    "données restent préliminaires et il faut d'autres études."
)
# English headlines have few function words: under 40 words they must not be taken for another
# language.
HEADLINES = (
    "Miracle drug cures PTSD overnight. MDMA therapy: FDA advisers vote against approval after "
    "Lykos trial data questioned. Patients, veterans groups urge agency to reconsider decision "
    "on psychedelic treatment."
)


def kinds(text: str, words: int) -> list[str]:
    return [w.kind for w in text_warnings(text, words)]


@pytest.mark.parametrize(
    ("text", "address"),
    [("https://www.vox.com/future-perfect/404567/mdma-ptsd", "https://www.vox.com/future-perfect/"
      "404567/mdma-ptsd"),
     ("  www.vox.com/a \n", "www.vox.com/a"), ("<https://example.org/x>", "https://example.org/x"),
     ("Read it at https://example.org/x today.", None), ("vox.com", None), ("", None)],
)
def test_a_text_that_is_only_a_web_address_is_told_apart(text, address):
    assert web_address(text) == address


def test_the_warnings_say_what_is_wrong_with_the_text():
    assert kinds("https://www.vox.com/x", 1) == ["web_address"]
    assert kinds("Miracle drug cures PTSD overnight", 5) == ["short"]
    [short] = text_warnings("Hello", 1)
    assert "only 1 word:" in short.message  # not "1 words"
    assert kinds(GERMAN * 4, 200) == ["not_english"]
    assert kinds("The trial was small, and the authors say so. " * 20, SHORT_TEXT_WORDS) == []


@pytest.mark.parametrize("text", [SPANISH_SHORT, FRENCH_SHORT])
def test_a_short_paragraph_in_another_language_is_told_apart(text):
    share, words = english_share(text)
    assert 20 <= words < 40 and share < 0.05
    assert not looks_english(text)


def test_short_english_headlines_are_not_taken_for_another_language():
    assert english_share(HEADLINES)[1] < 40
    assert looks_english(HEADLINES)


def _score_stdin(capsys, monkeypatch, text: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code = main(["score", "-", "--ratings", str(RATINGS)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_score_gives_the_dashboards_short_text_warning_on_stderr(capsys, monkeypatch):
    code, out, err = _score_stdin(capsys, monkeypatch, "Miracle drug cures PTSD overnight\n")
    assert code == 0 and "Total:" in out
    [warning] = text_warnings("Miracle drug cures PTSD overnight\n", 5)
    assert f"srcgrade: warning: {warning.message}" in err
    assert "too short to rate reliably" not in out


def test_score_says_how_to_fetch_a_piped_web_address(capsys, monkeypatch):
    _, _, err = _score_stdin(capsys, monkeypatch, "www.vox.com/future-perfect/mdma\n")
    assert "only a web address" in err
    assert "srcgrade score https://www.vox.com/future-perfect/mdma" in err


def test_score_warns_about_a_short_spanish_paragraph(capsys, monkeypatch):
    _, _, err = _score_stdin(capsys, monkeypatch, SPANISH_SHORT)
    assert "does not look like English" in err


@pytest.mark.parametrize(
    ("kind", "many"),
    [("attributed_statement", "attributed statements"), ("study_design", "study designs"),
     ("testimony", "testimonies"), ("expert_quoted", "experts quoted"),
     ("reported_speech", "instances of reported speech"),
     ("disease_mongering", "instances of disease mongering"),
     ("hedge", "calibrated hedges")],
)
def test_explanations_count_kinds_in_the_plural(kind, many):
    assert kind_name(kind, 2) == many
    assert kind_name(kind, 1) != many


def test_plural_follows_the_regular_rules():
    assert [plural(w) for w in ("claim", "study", "day", "box", "match")] == [
        "claims", "studies", "days", "boxes", "matches"]
