"""The command line as a researcher uses it: validate, rate in every format, score files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import RATINGS, seed_text

from srcgrade.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_the_bundled_ratings(capsys):
    code, out, err = run(capsys, "validate", str(RATINGS))
    assert code == 0, out
    assert "ok" in err and "5 articles" in err


def test_rate_prints_a_ranking_table(capsys):
    code, out, _ = run(capsys, "rate", str(RATINGS))
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:2] == ["rank", "total"]
    assert len(lines) == 6 and lines[1].split()[0] == "1"


def test_rate_csv_with_weights_changes_totals(capsys):
    _, plain, _ = run(capsys, "rate", str(RATINGS), "--format", "csv")
    _, tilted, _ = run(
        capsys,
        "rate",
        str(RATINGS),
        "--format",
        "csv",
        "--weights",
        "citations=2,hedging=1,hype=1,numeric_accuracy=1",
    )
    plain_rows = {r["id"]: r for r in csv.DictReader(io.StringIO(plain))}
    tilted_rows = {r["id"]: r for r in csv.DictReader(io.StringIO(tilted))}
    assert set(plain_rows) == set(tilted_rows) and len(plain_rows) == 5
    assert {"id", "title", "total", "citations", "hedging", "hype", "numeric_accuracy"} <= set(
        next(iter(plain_rows.values()))
    )
    assert any(plain_rows[i]["total"] != tilted_rows[i]["total"] for i in plain_rows)


def test_rate_json_follows_the_contract(capsys):
    _, out, _ = run(capsys, "rate", str(RATINGS), "--format", "json")
    data = json.loads(out)
    assert len(data) == 5
    for item in data:
        assert {"id", "title", "total", "rubric", "criteria"} <= set(item)
        for criterion in item["criteria"].values():
            assert {"score", "weight", "explanation", "findings"} <= set(criterion)
            for finding in criterion["findings"]:
                fields = {"start", "end", "text", "kind", "quoted", "boilerplate", "message"}
                assert fields <= set(finding)


def test_score_a_file_prints_a_readable_report(capsys, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(seed_text("004"))
    code, out, _ = run(capsys, "score", str(path), "--ratings", str(RATINGS))
    assert code == 0
    for label in ("Citations", "Hedging", "Hype language", "Total"):
        assert label in out
    assert "[hype]" in out


def test_score_html_strips_markup(capsys, tmp_path):
    path = tmp_path / "page.html"
    body = "<p>" + "</p><p>".join(seed_text("001").split("\n\n")[:12]) + "</p>"
    path.write_text(f"<html><head><script>alert(1)</script></head><body>{body}</body></html>")
    code, out, _ = run(capsys, "score", str(path), "--ratings", str(RATINGS), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["word_count"] > 100
    texts = [f["text"] for c in data["criteria"].values() for f in c["findings"]]
    assert not any("<" in t or "alert" in t for t in texts)


def test_score_from_standard_input_as_json(capsys, monkeypatch):
    text = seed_text("000")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, _ = run(capsys, "score", "-", "--format", "json", "--ratings", str(RATINGS))
    data = json.loads(out)
    assert code == 0 and 0 <= data["total"] <= 100
    for criterion in data["criteria"].values():
        for finding in criterion["findings"]:
            assert text[finding["start"] : finding["end"]] == finding["text"]


def test_rate_jsonl_streams_lines_and_keeps_input_fields(capsys, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "a", "text": seed_text("000"), "source": "vox"}),
        "{not json",
        json.dumps({"id": "b", "text": seed_text("004"), "stars": 1}),
        json.dumps({"id": "c"}),
    ]
    corpus.write_text("\n".join(lines) + "\n")
    code, out, err = run(
        capsys, "rate", str(corpus), "--format", "jsonl", "--ratings", str(RATINGS)
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["source"] == "vox" and rows[1]["stars"] == 1 and "text" not in rows[0]
    assert set(rows[0]["scores"]) == {"citations", "hedging", "hype", "numeric_accuracy"}
    assert "corpus.jsonl:2: invalid JSON" in err and 'corpus.jsonl:4: no "text"' in err


def test_missing_input_file_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "score", str(tmp_path / "nope.txt"), "--ratings", str(RATINGS))
    assert code == 2 and "nope.txt: file not found" in err


def test_a_folder_given_as_the_article_is_a_clear_error(capsys, tmp_path):
    folder = tmp_path / "article.txt"
    folder.mkdir()
    code, _, err = run(capsys, "score", str(folder), "--ratings", str(RATINGS))
    assert code == 2 and "article.txt: is a folder, not a file" in err


def test_score_works_from_any_folder_with_the_bundled_ratings(capsys, tmp_path, monkeypatch):
    """Installed from the checkout, ``srcgrade score`` finds the checkout's ratings/ when the
    current folder has none; a ratings/ folder here, or $SRCGRADE_RATINGS, still comes first."""
    article = tmp_path / "article.txt"
    article.write_text(seed_text("003"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SRCGRADE_RATINGS", raising=False)
    code, out, _ = run(capsys, "score", str(article))
    assert code == 0 and "Rubric: core" in out
    (tmp_path / "ratings").mkdir()
    code, _, err = run(capsys, "score", str(article))
    assert code == 2 and f"no rubric in {Path('ratings') / 'rubrics'}" in err


@pytest.mark.parametrize(
    ("where", "message"),
    [("missing/scores.csv", "missing does not exist; create it first"), (".", "is a folder")],
)
def test_an_output_path_that_cannot_work_is_refused_before_rating(capsys, tmp_path, where, message):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": seed_text("001")}) + "\n")
    target = tmp_path / where
    code, out, err = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS), "-o", str(target))
    assert code == 2 and message in err and out == ""
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("article.txt", "srcgrade score"),
        ("corpus.parquet", "--engine dask"),
        ("corpus.jsonl.gz", "decompress it first"),
    ],
)
def test_rate_says_what_to_do_with_a_file_that_is_not_jsonl(capsys, tmp_path, name, message):
    path = tmp_path / name
    path.write_bytes(b"\x1f\x8b not json")
    code, _, err = run(capsys, "rate", str(path), "--ratings", str(RATINGS))
    assert code == 2 and message in err and "invalid JSON" not in err


def test_output_file_is_written_whole(capsys, tmp_path):
    target = tmp_path / "scores.csv"
    code, _, _ = run(capsys, "rate", str(RATINGS), "--format", "csv", "-o", str(target))
    assert code == 0 and len(target.read_text().splitlines()) == 6
    assert not list(Path(tmp_path).glob(".scores.csv.*"))


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "file:///etc/passwd", "http://10.0.0.1/"])
def test_score_refuses_non_public_urls(capsys, url):
    code, _, err = run(capsys, "score", url, "--ratings", str(RATINGS))
    assert code == 2 and ("only http" in err or "private, local or reserved" in err)


def test_score_starts_without_numpy_or_pandas(tmp_path):
    """`srcgrade score` in a shell loop over files pays the start-up each time: it loads only
    what scoring needs (evaluate and fit-weights, which do need numpy and pandas, still work)."""
    import subprocess
    import sys

    article = tmp_path / "a.txt"
    article.write_text(seed_text("000"), encoding="utf-8")
    probe = (
        "import sys; from srcgrade.cli import main; "
        f"code = main(['score', {str(article)!r}, '--ratings', {str(RATINGS)!r}]); "
        "print(code, sorted(m for m in ('numpy', 'pandas') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "total" in done.stdout.lower()
    assert done.stderr.strip().endswith("0 []"), done.stderr
    helped = subprocess.run([sys.executable, "-m", "srcgrade.cli", "fit-weights", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--folds" in helped.stdout
