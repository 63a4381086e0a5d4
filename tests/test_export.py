"""srcgrade.export: an article YAML a user can drop into ratings/ and that loads cleanly."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from srcgrade import export
from srcgrade.corpus import load_ratings

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("", "my-article"), ("MDMA: a Breakthrough?!", "mdma-a-breakthrough"),
     ("Ünïcödé títle", "unicode-title"), ("<script>", "script"),
     ("../../etc/passwd", "etc-passwd")],
)
def test_slug(title, expected):
    assert export.slug(title) == expected


def test_exported_article_loads_into_a_ratings_folder(tmp_path):
    root = tmp_path / "ratings"
    shutil.copytree(REPO / "ratings", root)
    text = "A pasted article: <script>alert(1)</script> with a breakthrough.\nSecond line.\n"
    blob = export.article_zip(text, title="My pasted: article", genre="promotional",
                              url="https://example.org/a", reports_peer_reviewed_study=False)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        archive.extractall(root)
    ratings = load_ratings(root)
    assert not [p for p in ratings.problems if "my-pasted-article" in p.path]
    [article] = [a for a in ratings.articles if a.id == "my-pasted-article"]
    assert article.text == text
    assert article.meta["genre"] == "promotional"
    assert article.title == "My pasted: article"


def test_yaml_only_matches_the_documented_keys():
    doc = yaml.safe_load(export.article_yaml("text", title="T", date="2024-01-29"))
    assert doc["id"] == "t" and doc["text_file"] == "texts/t.txt"
    assert set(doc) <= {"id", "title", "publisher", "author", "date", "url", "genre",
                        "reports_peer_reviewed_study", "text_file", "notes"}
    with pytest.raises(ValueError, match="genre"):
        export.article_files("x", title="t", genre="blog")
