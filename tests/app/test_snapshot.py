"""The scored corpus kept on disk between dashboard starts (srcgrade.ui.snapshot): a start that
finds the folder as it was reads the scores back instead of loading and scoring, and any edit, of
a YAML file, an article's text or srcgrade itself, is scored again: never a stale score."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
import streamlit as st
from app_helpers import REPO, no_exceptions
from streamlit.testing.v1 import AppTest

from srcgrade.ui import data, snapshot

APP = str(REPO / "app.py")


def _new_process() -> None:
    """What a restart of the dashboard forgets: Streamlit's in-memory caches."""
    st.cache_data.clear()
    st.cache_resource.clear()


def _shown_totals(at: AppTest) -> dict[str, float]:
    [table] = [d.value for d in at.dataframe if "rank" in d.value.columns]
    return dict(zip(table["title"], table["total"], strict=True))


def _fresh_totals(root: Path) -> dict[str, float]:
    """The totals computed from the files as they are now, without the dashboard's store."""
    corpus = data.score_corpus(data.load(root), None)
    ranked = data.ranked(corpus.table, corpus.rubric.default_weights())
    return dict(zip(ranked["title"], ranked["total"], strict=True))


def _start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    no_exceptions(at)
    return at


def _no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not(*args, **kwargs):
        raise AssertionError("the start loaded or scored the folder instead of reading the store")

    monkeypatch.setattr(data, "load", must_not)
    monkeypatch.setattr(data, "score_corpus", must_not)


def test_a_second_start_reads_the_scores_from_the_store(app_ratings, monkeypatch):
    first = _shown_totals(_start())
    _new_process()
    _no_loading(monkeypatch)
    at = _start()
    assert _shown_totals(at) == first
    assert at.slider(key="w_hype")  # the sidebar, from the stored folder


def _hype_in_a_text(root: Path) -> None:
    text = sorted((root / "articles" / "texts").glob("*.txt"))[0]
    text.write_text(text.read_text(encoding="utf-8")
                    + "\n\nThis miracle breakthrough is a game-changer." * 5, encoding="utf-8")


def _weight_in_the_rubric(root: Path) -> None:
    rubric = root / "rubrics" / "core.yaml"
    text = rubric.read_text(encoding="utf-8")
    assert "    weight: 1.0\n" in text
    rubric.write_text(text.replace("    weight: 1.0\n", "    weight: 2.5\n", 1), encoding="utf-8")


def _hype_lexicon_left_out(root: Path) -> None:
    (root / "lexicons" / "hype.yaml").unlink()


@pytest.mark.parametrize("edit", [_hype_in_a_text, _weight_in_the_rubric, _hype_lexicon_left_out])
def test_an_edit_made_while_the_dashboard_was_stopped_is_scored_again(app_ratings, edit):
    before = _shown_totals(_start())
    _new_process()
    edit(app_ratings)
    expected = _fresh_totals(app_ratings)
    assert expected != before  # the edit changes what should be shown
    assert _shown_totals(_start()) == pytest.approx(expected, nan_ok=True)


def test_an_edit_that_keeps_size_and_time_is_scored_again(app_ratings):
    """The store's key is the files' content: a file copied back with its old modification time
    (`cp -p`, an archive), or changed twice within one tick, still counts as changed."""
    _start()
    _new_process()
    path = sorted((app_ratings / "articles").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    old_title = next(line for line in text.splitlines() if line.startswith("title:"))
    new_title = "title: " + "X" * (len(old_title) - len("title: "))
    stat = path.stat()
    path.write_text(text.replace(old_title, new_title), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert new_title.removeprefix("title: ") in _shown_totals(_start())


def test_a_stored_corpus_scores_new_text_on_score_your_own(app_ratings):
    _start()
    _new_process()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/score_your_own.py").run()
    at.text_area(key="own_text").input(
        "A miracle breakthrough, the company said. Researchers told me the results suggest a "
        "modest effect in a small trial published in Nature Medicine.").run()
    no_exceptions(at)
    assert at.download_button(key="own_yaml")  # scored: its article file is offered


def test_the_store_is_keyed_on_srcgrades_own_code(tmp_path, monkeypatch, ratings_copy):
    package = tmp_path / "srcgrade"
    shutil.copytree(Path(snapshot.__file__).parents[1], package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(snapshot, "_PACKAGE", package)
    before = snapshot.key(ratings_copy)
    assert snapshot.key(ratings_copy) == before
    score = package / "score.py"
    score.write_text(score.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert snapshot.key(ratings_copy) != before


def test_a_damaged_or_foreign_store_file_is_ignored(app_ratings):
    first = _shown_totals(_start())
    folder_key = snapshot.key(app_ratings)
    path = snapshot._path(folder_key)
    assert path is not None and path.is_file()
    for damage in (b"not a pickle", pickle.dumps({"key": "another folder's key"}),
                   path.read_bytes()[:100]):
        _new_process()
        path.write_bytes(damage)
        assert _shown_totals(_start()) == first
    assert snapshot.read_ratings(folder_key) is not None  # written again


def test_no_store_when_the_cache_is_turned_off(app_ratings, monkeypatch):
    monkeypatch.setenv("SRCGRADE_CACHE_DIR", "")
    first = _shown_totals(_start())
    assert snapshot._path(snapshot.key(app_ratings)) is None
    _new_process()
    assert _shown_totals(_start()) == first


def test_only_the_most_recent_snapshots_are_kept(tmp_path, monkeypatch, ratings):
    monkeypatch.setenv("SRCGRADE_CACHE_DIR", str(tmp_path))
    rubric = ratings.rubric()
    for i in range(snapshot.KEEP + 3):
        snapshot.write(f"{i:02d}" + "0" * 62, ratings, rubric, [], None)
    assert len(list(tmp_path.glob(f"{snapshot.PREFIX}*.pickle"))) == snapshot.KEEP


def test_an_edit_in_a_symlinked_folder_is_scored_again(app_ratings, tmp_path):
    """The loader reads through a symlinked `articles/texts/`; the key used to skip it
    (``Path.rglob`` does not enter symlinked folders), and the edit never showed."""
    texts = app_ratings / "articles" / "texts"
    elsewhere = tmp_path / "texts-elsewhere"
    shutil.move(texts, elsewhere)
    texts.symlink_to(elsewhere, target_is_directory=True)
    before = _shown_totals(_start())
    _new_process()
    first = sorted(elsewhere.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8")
                     + "\nThis miracle breakthrough is a game-changer." * 5, encoding="utf-8")
    expected = _fresh_totals(app_ratings)
    assert expected != before
    assert _shown_totals(_start()) == pytest.approx(expected, nan_ok=True)


def test_a_folder_reached_through_a_symlink_shows_its_own_paths(app_ratings, tmp_path,
                                                               monkeypatch):
    """Both spellings of one folder used to share a stored corpus, so the second start showed
    the first spelling's paths in its problems and explanations."""
    link = tmp_path / "ratings-link"
    link.symlink_to(app_ratings, target_is_directory=True)
    _start()
    _new_process()
    monkeypatch.setenv("SRCGRADE_RATINGS", str(link))
    _start()
    stored = snapshot.read_ratings(snapshot.key(link))
    assert stored is not None and stored.root == link
    assert snapshot.read_ratings(snapshot.key(app_ratings)).root == app_ratings


def test_an_unreadable_file_does_not_stop_the_dashboard(app_ratings, monkeypatch):
    """A file that cannot be read, or vanishes while the key is computed (an editor's swap
    file), used to end the first page in a traceback, even with the store turned off."""
    (app_ratings / "notes.txt").write_text("private", encoding="utf-8")
    real_read = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "notes.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert _shown_totals(_start()) == pytest.approx(_fresh_totals(app_ratings), nan_ok=True)


def test_a_store_file_others_may_write_is_not_read(app_ratings):
    """Reading a pickle runs code: one that another user could have replaced is ignored."""
    _start()
    path = snapshot._path(snapshot.key(app_ratings))
    assert path is not None and snapshot.read_ratings(snapshot.key(app_ratings)) is not None
    path.chmod(0o666)
    assert snapshot.read_ratings(snapshot.key(app_ratings)) is None
