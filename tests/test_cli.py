"""The command line as a researcher uses it: validate, rate in every format, score files."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import RATINGS, seed_text

from srcgrade.cli import main
from srcgrade.model import VERDICTS


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
    # no criterion id is cut ("numeric_accu"): a long one is stacked word by word over its column
    assert lines[0].split()[2:] == ["citations", "hedging", "hype", "numeric", "id"]
    assert lines[1].split() == ["accuracy"]
    assert lines[0].index("numeric") + 7 == lines[1].index("accuracy") + 8  # right-aligned
    assert len(lines) == 7 and lines[2].split()[0] == "1"
    assert max(map(len, lines)) <= 80


def test_the_ranking_table_shows_every_criterion_id_whole(capsys):
    code, out, _ = run(capsys, "rate", str(RATINGS), "--rubric", "health-news-review")
    header = [line.split() for line in out.splitlines()[:3]]
    assert code == 0 and "numeric_accu" not in out and "beyond_relea" not in out
    for words in (["benefits", "quantified"], ["no", "mongering"], ["independent", "sources"]):
        assert words[0] in header[0] and words[1] in header[1], header


def test_rate_a_folder_of_articles_uses_the_ratings_folder_and_skips_a_broken_one(
    capsys, tmp_path
):
    """`srcgrade rate ratings/articles` (the folder the articles are in) rates them like
    `srcgrade rate ratings/`; a broken article is named and the rest are still rated."""
    _, whole, _ = run(capsys, "rate", str(RATINGS), "--format", "csv")
    code, out, err = run(capsys, "rate", str(RATINGS / "articles"), "--format", "csv")
    assert code == 0 and out == whole and not err
    folder = tmp_path / "picked"
    (folder / "texts").mkdir(parents=True)
    vox = RATINGS / "articles" / "vox-mdma-self-experience.yaml"
    (folder / vox.name).write_text(vox.read_text())
    text_file = next(line for line in vox.read_text().splitlines() if line.startswith("text_file"))
    shutil.copy(RATINGS / "articles" / text_file.split(":", 1)[1].strip(), folder / "texts")
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    code, out, err = run(capsys, "rate", str(folder), "--ratings", str(RATINGS), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == ["vox-mdma-self-experience"]
    assert code == 1 and "skipped" in err and f"{folder / 'broken.yaml'}:" in err
    # A mistake the article is still rated with is a "problem", not "skipped", and exits 1 as
    # the same mistake in ratings/articles does; `validate` checks the folder `rate` took.
    (folder / "broken.yaml").unlink()
    dated = (folder / vox.name).read_text().replace("date: ", "date: 2024-02-30 #", 1)
    (folder / vox.name).write_text(dated)
    code, out, err = run(capsys, "rate", str(folder), "--ratings", str(RATINGS), "--format", "csv")
    assert code == 1 and len(list(csv.DictReader(io.StringIO(out)))) == 1
    assert "srcgrade: problem:" in err and "skipped" not in err and "2024-02-30" in err
    code, out, err = run(capsys, "validate", str(folder))
    assert code == 1 and "2024-02-30" in out and err.strip() == f"{folder}: 1 problem (1 article)"


def test_rate_a_folder_of_neither_articles_nor_ratings_says_what_it_takes(capsys, tmp_path):
    code, _, err = run(capsys, "rate", str(tmp_path))
    assert code == 2 and "neither a ratings folder" in err and "JSONL" in err


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


def test_a_weight_of_zero_leaves_the_criterion_out_as_on_the_dashboard(capsys):
    """A teacher's link `?w_hype=0` leaves hype out; `--weights hype=0` must reproduce it."""
    code, out, err = run(capsys, "rate", str(RATINGS), "--format", "csv", "--weights", "hype=0")
    assert code == 0 and "'hype' has weight 0" in err
    for row in csv.DictReader(io.StringIO(out)):
        scores = [float(row[c]) for c in ("citations", "hedging", "numeric_accuracy")
                  if row[c] != ""]
        assert float(row["total"]) == pytest.approx(sum(scores) / len(scores), abs=0.06)


def test_score_refuses_binary_data_and_says_how_to_score_text_given_as_an_argument(
        capsys, tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02binary")  # valid UTF-8, yet no text
    code, out, err = run(capsys, "score", str(binary))
    assert code == 2 and not out and "binary data" in err and "bin.txt" in err
    code, out, err = run(capsys, "score", "This miracle cure works for everyone, experts say")
    assert code == 2 and not out and "srcgrade score -" in err and "is not a file" in err
    code, _, err = run(capsys, "score", str(tmp_path / "missing.txt"))
    assert code == 2 and "file not found" in err


@pytest.mark.parametrize(
    ("given", "url"),
    [("www.vox.com/story", True), ("nytimes.com", True), ("example.org/page.html", True),
     ("article.txt", False), ("notes.md", False)],
)
def test_a_web_address_without_its_scheme_is_told_to_add_it(capsys, monkeypatch, tmp_path,
                                                            given, url):
    """"file not found; check the path" sent a student looking for a file that was a URL."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "score", given)
    assert code == 2 and not out
    assert (f"srcgrade score https://{given}" in err) == url
    assert ("file not found" in err) == (not url)


def test_score_warns_when_the_text_is_not_english(capsys, tmp_path):
    from test_language import GERMAN

    german = tmp_path / "de.txt"
    german.write_text(GERMAN, encoding="utf-8")
    code, out, err = run(capsys, "score", str(german))
    assert code == 0 and "Total:" in out
    assert "does not look like English" in err
    vox = RATINGS / "articles/texts/000_vox-mdma-self-experience.txt"
    _, _, err = run(capsys, "score", str(vox))
    assert "English" not in err


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


def test_a_jsonl_text_that_is_an_html_page_is_read_as_score_reads_the_page(capsys, tmp_path):
    """A corpus of saved pages was scored raw: a <title> "Miracle" and a footer counted as hype."""
    body = "<p>" + "</p><p>".join(seed_text("001").split("\n\n")[:12]) + "</p>"
    page = (f"<!DOCTYPE html><html><head><title>Miracle breakthrough!</title><script>alert(1)"
            f"</script></head><body>{body}</body></html>")
    (tmp_path / "page.html").write_text(page)
    corpus = tmp_path / "pages.jsonl"
    corpus.write_text(json.dumps({"id": "p", "text": page}) + "\n")
    _, single, _ = run(capsys, "score", str(tmp_path / "page.html"), "--ratings", str(RATINGS),
                       "--format", "json")
    code, out, err = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS),
                         "--format", "jsonl")
    [row] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and not err
    assert row["total"] == pytest.approx(json.loads(single)["total"], abs=0.05)
    assert row["scores"] == {c: v["score"] for c, v in json.loads(single)["criteria"].items()}


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
    assert code == 1 and [r["id"] for r in rows] == ["a", "b"]  # 1: lines were skipped
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


def test_score_offline_says_could_not_reach_and_what_to_do(capsys, monkeypatch):
    """Offline, `srcgrade score https://www.nhs.uk/...` said "cannot resolve host", as if the
    address were wrong; no network is touched here (the resolver fails as it does offline)."""
    import socket

    def offline(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    code, out, err = run(capsys, "score", "https://www.nhs.uk/conditions/ptsd/",
                         "--ratings", str(RATINGS))
    assert code == 2 and not out
    assert ("srcgrade: could not reach www.nhs.uk (its name could not be looked up): is this "
            "computer online? Or save the article's text to a file and score that") in err, err


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


# --- the reviewer's defects (tests/../review): each test fails without its fix ---------------


def _break_attribution_lexicon(ratings: Path) -> None:
    """A YAML syntax error on line 3: the whole attribution lexicon is dropped when loading."""
    path = ratings / "lexicons" / "attribution.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:2], "  bad: [unclosed\n", *lines[2:]]), encoding="utf-8")


def _rated_corpus(path: Path, count: int = 8) -> Path:
    """Expert-rated texts (text, stars) cut from the seeds, as evaluate and fit-weights read."""
    seeds = [seed_text(f"00{i}") for i in range(5)]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = seeds[i % 5][: 3000 + 700 * i]
            out.write(json.dumps({"id": f"r{i}", "text": text, "stars": i % 5 + 1}) + "\n")
    return path


@pytest.mark.parametrize("command", ["score", "rate", "evaluate", "fit-weights"])
def test_every_command_that_loads_ratings_prints_their_problems(
    capsys, tmp_path, ratings_copy, command
):
    """A broken lexicon changes every score: no command may use the rest of the folder silently."""
    _break_attribution_lexicon(ratings_copy)
    article = tmp_path / "article.txt"
    article.write_text(seed_text("001"), encoding="utf-8")
    corpus = _rated_corpus(tmp_path / "rated.jsonl")
    given = {
        "score": [str(article)],
        "rate": [str(corpus), "--format", "jsonl"],
        "evaluate": [str(corpus), "--bootstrap", "10"],
        "fit-weights": [str(corpus), "--folds", "2"],
    }[command]
    code, out, err = run(capsys, command, *given, "--ratings", str(ratings_copy))
    # the work is done (output written) and the status says something was left out
    assert code == 1 and out
    assert f"{ratings_copy / 'lexicons' / 'attribution.yaml'}:3:" in err
    assert "lexicon 'attribution' failed to load" in err


def test_a_lexicon_that_fails_to_parse_is_to_be_fixed_not_added(capsys, ratings_copy):
    """An indentation slip in hype.yaml was followed by "lexicon 'hype' is not in lexicons/ (or
    failed to load); add lexicons/hype.yaml": the file is there. The rubric's line now points at
    the file's error and says which criteria are n/a until it is fixed (as scoring shows)."""
    hype = ratings_copy / "lexicons" / "hype.yaml"
    lines = hype.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  not_only:"))
    lines[at] = " " + lines[at]
    hype.write_text("".join(lines), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(ratings_copy))
    assert code == 1
    broken = re.search(rf"^({re.escape(str(hype))}:\d+): ", out + err, re.M)
    assert broken, out + err
    core = ratings_copy / "rubrics" / "core.yaml"
    line = 1 + next(i for i, text in enumerate(core.read_text(encoding="utf-8").splitlines())
                    if text.startswith("lexicons:"))
    assert (f"{core}:{line}: lexicon 'hype' failed to load ({broken.group(1)}, above); criteria "
            "'hedging', 'hype' of rubric 'core' are not scored (n/a, left out of the total) "
            "until it is fixed") in out + err
    assert "add lexicons/hype.yaml" not in out + err
    code, out, err = run(capsys, "rate", str(ratings_copy), "--format", "json")
    rows = json.loads(out)
    assert all(row["criteria"]["hype"]["score"] is None for row in rows)
    assert all(row["criteria"]["hedging"]["score"] is None for row in rows)
    assert all(row["criteria"]["citations"]["score"] is not None for row in rows)


def test_a_missing_lexicon_is_still_to_be_added(capsys, ratings_copy):
    (ratings_copy / "lexicons" / "hype.yaml").unlink()
    code, out, err = run(capsys, "validate", str(ratings_copy))
    assert code == 1
    assert ("lexicon 'hype' is not in lexicons/; add lexicons/hype.yaml or remove it from "
            "`lexicons:`") in out + err
    assert "failed to load" not in out + err


def _append_hype_pattern(ratings_copy: Path, entry_id: str, pattern: str, fire: str) -> int:
    """Add an entry with ``pattern`` to hype.yaml; the line its pattern is on."""
    hype = ratings_copy / "lexicons" / "hype.yaml"
    line = len(hype.read_text(encoding="utf-8").splitlines()) + 2
    with hype.open("a", encoding="utf-8") as out:
        out.write(
            f"  - id: {entry_id}\n"
            f"    pattern: '{pattern}'\n"
            "    strength: 1.0\n"
            "    source: hnr-red-flags\n"
            '    message: "x"\n'
            f'    examples: {{fire: ["{fire}"]}}\n'
        )
    return line


def test_validate_refuses_a_pattern_that_can_match_empty_text(capsys, ratings_copy):
    """Such a pattern used to make validate, score and rate spin forever at the end of a text."""
    line = _append_hype_pattern(ratings_copy, "empty_match", "(?:very\\s+)?", "zzz")
    code, out, _ = run(capsys, "validate", str(ratings_copy))
    assert code == 1
    assert f"hype.yaml:{line}: entry 'empty_match': pattern can match empty text;" in out


def test_validate_refuses_a_pattern_that_would_hang_scoring(capsys, ratings_copy):
    """Its own example would have taken hours to scan: the entry is left out, reported at its
    pattern's line, and everything else is validated."""
    line = _append_hype_pattern(ratings_copy, "hailed",
                                "\\bhail(?:s|ed)?\\s+(?:\\w+\\s?)+breakthrough",
                                "Experts hailed it as the best " + "a" * 40 + ".")
    code, out, _ = run(capsys, "validate", str(ratings_copy))
    assert code == 1
    [problem] = out.splitlines()
    assert problem.startswith(
        f"{ratings_copy / 'lexicons' / 'hype.yaml'}:{line}: entry 'hailed': pattern can take "
        "exponential time on a long run of"
    )
    assert "use an atomic group (?>...) or a possessive quantifier (++, *+)" in problem


def test_output_that_is_the_input_is_refused_before_rating(capsys, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": seed_text("001")}) + "\n")
    before = corpus.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(corpus)
    for target in (corpus, tmp_path / "link.jsonl"):
        code, out, err = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS),
                             "--format", "jsonl", "-o", str(target))
        assert code == 2 and out == "" and "choose another name for -o" in err
    assert corpus.read_bytes() == before


def test_output_through_a_symlink_keeps_the_link(capsys, tmp_path):
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_text("old\n")
    link.symlink_to(target.name)
    code, _, _ = run(capsys, "rate", str(RATINGS), "--format", "csv", "-o", str(link))
    assert code == 0 and link.is_symlink()
    written = target.read_text()
    assert written.startswith("id,title,total") and len(written.splitlines()) == 6


def test_output_to_a_fifo_writes_through_it(capsys, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, _ = run(capsys, "rate", str(RATINGS), "--format", "csv", "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0 and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"id,title,total")


def _limited(size: int):
    """For a child process: files may grow to ``size`` bytes only (EFBIG past it, as a full
    disk gives ENOSPC), without the signal that would otherwise kill it."""
    import resource
    import signal

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize("to_stdout", [False, True])
def test_an_error_while_writing_is_one_line_and_exit_1(tmp_path, to_stdout):
    import subprocess
    import sys

    target = tmp_path / "out.json"
    command = [sys.executable, "-m", "srcgrade.cli", "rate", str(RATINGS), "--format", "json"]
    with target.open("wb") as sink:
        done = subprocess.run(
            command if to_stdout else [*command, "-o", str(target)],
            stdout=sink if to_stdout else subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=_limited(4096), timeout=120,
        )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.splitlines()
    where = "standard output" if to_stdout else str(target)
    assert line.startswith(f"srcgrade: {where}: cannot write (File too large);")
    assert not list(tmp_path.glob(".out.json.*"))


@pytest.mark.parametrize("date", ["2024-13-45", "yesterday"])
def test_a_date_that_is_no_date_is_a_usage_error(capsys, tmp_path, date):
    article = tmp_path / "article.txt"
    article.write_text(seed_text("001"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["score", str(article), "--ratings", str(RATINGS), "--date", date])
    assert exit_.value.code == 2
    assert f"'{date}' is not a date; use YYYY-MM-DD" in capsys.readouterr().err


def test_rate_reports_a_corpus_of_srcgrades_own_json_output_in_one_line(capsys, tmp_path):
    output = tmp_path / "out.json"
    assert run(capsys, "rate", str(RATINGS), "--format", "json", "-o", str(output))[0] == 0
    code, _, err = run(capsys, "rate", str(output), "--ratings", str(RATINGS))
    assert code == 1 and err.splitlines() == [
        f"srcgrade: {output}:1: a JSON array; rate takes JSONL, one JSON object per line: "
        f"convert it (jq -c '.[]' {output} > {output.with_suffix('.jsonl')}), or if srcgrade "
        "wrote it, write it again with --format jsonl"
    ]


def test_rate_names_the_fields_when_no_line_has_a_text(capsys, tmp_path):
    corpus = tmp_path / "sentences.jsonl"
    corpus.write_text("".join(
        json.dumps({"sentence": f"Drug {i} may help.", "label": i % 2}) + "\n" for i in range(50)
    ))
    code, _, err = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS))
    [line] = err.splitlines()
    assert code == 1 and 'no line has a "text" field (fields found: label, sentence)' in line


def test_rate_caps_per_line_warnings_and_exits_1_when_lines_were_skipped(capsys, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": "ok", "text": seed_text("001")})] + ["{broken"] * 30
    corpus.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS),
                         "--format", "jsonl")
    shown = err.splitlines()
    assert code == 1 and [json.loads(x)["id"] for x in out.splitlines()] == ["ok"]
    assert len(shown) == 11 and shown[-1] == "srcgrade: ... and 20 more lines skipped"
    assert shown[0] == f"srcgrade: {corpus}:2: invalid JSON (expecting property name enclosed " \
        "in double quotes at column 2); skipped"


@pytest.mark.parametrize(
    ("name", "starts"),
    [("res.parquet", b"PAR1"), ("res.csv", b"id,title,total"), ("res.json", b"[")],
)
def test_output_format_follows_the_extension(capsys, tmp_path, name, starts):
    target = tmp_path / name
    code, _, _ = run(capsys, "rate", str(RATINGS), "-o", str(target))
    assert code == 0 and target.read_bytes().startswith(starts)


def test_a_format_that_contradicts_the_extension_is_refused(capsys, tmp_path):
    code, _, err = run(capsys, "rate", str(RATINGS), "--format", "json", "-o",
                       str(tmp_path / "res.csv"))
    assert code == 2 and "a .csv name but --format json" in err
    assert not (tmp_path / "res.csv").exists()


def test_a_jsonl_corpus_may_start_with_a_bom(capsys, tmp_path):
    corpus = tmp_path / "bom.jsonl"
    corpus.write_bytes(
        b'\xef\xbb\xbf{"id":"a","text":"A small study suggests a miracle."}\r\n'
        b'{"id":"b","text":"Experts say it works."}\r\n'
    )
    code, out, err = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS),
                         "--format", "jsonl")
    assert code == 0 and err == "" and [json.loads(x)["id"] for x in out.splitlines()] == ["a", "b"]


@pytest.mark.parametrize("where", ["lexicons", "empty"])
def test_validate_refuses_a_folder_that_is_not_a_ratings_folder(capsys, tmp_path, where):
    folder = RATINGS / "lexicons" if where == "lexicons" else tmp_path
    code, _, err = run(capsys, "validate", str(folder))
    assert code == 2 and err == (
        f"srcgrade: {folder}: not a ratings folder; give the folder that holds rubrics/ and "
        "lexicons/\n"
    )


def test_a_rubric_that_failed_to_load_is_named_as_such(capsys, ratings_copy):
    core = ratings_copy / "rubrics" / "core.yaml"
    core.write_text(core.read_text().replace("lexicons: [hype,", "lexicons: [[hype],", 1))
    code, _, err = run(capsys, "rate", str(ratings_copy), "--rubric", "core")
    assert code == 2 and "core.yaml:7: lexicons.0 must be string" in err
    assert err.splitlines()[-1] == (
        f"srcgrade: {core}: rubric 'core' failed to load (see the problems above); fix them, "
        "or choose another with --rubric (rubrics: health-news-review)"
    )
    assert "no rubric 'core'" not in err


def test_a_broken_criterion_is_left_out_and_the_rest_of_its_rubric_rates(capsys, ratings_copy):
    """A misspelt method or a negative weight costs that criterion, named at its line, not the
    rubric: the ranking still comes out, on the other three criteria, and the exit status says
    something was left out."""
    core = ratings_copy / "rubrics" / "core.yaml"
    text = core.read_text().replace("method: balance", "method: balanse", 1)
    core.write_text(text.replace("\n    weight: 1.0", "\n    weight: -2", 2))
    code, out, err = run(capsys, "rate", str(ratings_copy), "--rubric", "core")
    assert "core.yaml:13: criteria.citations.method is 'balanse'; did you mean 'balance'?" in err
    assert "core.yaml:37: criteria.hedging.weight is -2; it must be more than 0" in err
    assert "criterion 'citations' is left out of rubric 'core' until its problems" in err
    assert code == 1 and len(_ranked_ids(out)) == 5
    header = out.splitlines()[0]
    assert "citations" not in header and "hedging" not in header and "hype" in header


# --- weight presets: the rubric they are for, and their criteria at their line ------------------


def _preset(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _ranked_ids(out: str) -> list[str]:
    """The ids of a ranking table's rows (below its header lines, each starting with a rank)."""
    return [line.split()[-1] for line in out.splitlines() if line.split()[0].isdigit()]


def test_a_preset_for_another_rubric_is_refused_at_its_rubric_line(capsys, tmp_path):
    core = _preset(tmp_path / "wf6.yaml", "name: c\nrubric: core\nweights:\n  citations: 5\n")
    code, out, err = run(capsys, "rate", str(RATINGS), "--rubric", "health-news-review",
                         "--weights-file", str(core))
    assert code == 2 and out == ""
    assert err == (
        f"srcgrade: {core}:2: this preset is for rubric 'core', not 'health-news-review'; "
        "pass --rubric core to use it, or give a preset for 'health-news-review'\n"
    )
    # the bundled health-news-review preset with the default rubric (core) is named as such
    fitted = RATINGS / "weights" / "health-news-review-fitted.yaml"
    code, _, err = run(capsys, "rate", str(RATINGS), "--weights-file", str(fitted))
    assert code == 2 and "pass --rubric health-news-review to use it" in err
    # and with its own rubric it weighs the totals
    _, plain, _ = run(capsys, "rate", str(RATINGS), "--rubric", "core")
    code, tilted, _ = run(capsys, "rate", str(RATINGS), "--rubric", "core", "--weights-file",
                          str(core))
    assert code == 0 and tilted != plain


def test_a_preset_criterion_not_in_the_rubric_is_named_with_its_line(capsys, tmp_path):
    typo = _preset(tmp_path / "wf1.yaml",
                   "name: m\nrubric: core\nweights:\n  citations: 2\n  hedgeing: 1\n  zzz: 3\n")
    code, _, err = run(capsys, "rate", str(RATINGS), "--weights-file", str(typo))
    assert code == 2
    assert err.splitlines() == [
        f"srcgrade: {typo}:5: criterion 'hedgeing' is not in rubric 'core' (criteria: citations, "
        "hedging, hype, numeric_accuracy); did you mean 'hedging'? fix the name or remove the line",
        f"srcgrade: {typo}:6: criterion 'zzz' is not in rubric 'core' (criteria: citations, "
        "hedging, hype, numeric_accuracy); fix the name or remove the line",
    ]


def test_evaluate_checks_its_weights_file_the_same_way(capsys, tmp_path):
    core = _preset(tmp_path / "core.yaml", "rubric: core\nweights:\n  hype: 2\n")
    corpus = _rated_corpus(tmp_path / "rated.jsonl")
    code, _, err = run(capsys, "evaluate", str(corpus), "--rubric", "health-news-review",
                       "--weights-file", str(core), "--ratings", str(RATINGS))
    assert code == 2 and f"{core}:1: this preset is for rubric 'core'" in err


def test_presets_in_the_ratings_folder_are_checked_against_their_rubric(capsys, ratings_copy):
    """The dashboard applies ratings/weights/*.yaml to its sliders: one naming a criterion its
    rubric lacks, or a rubric there is not, is reported at its line and not offered."""
    from srcgrade.corpus import load_ratings

    weights = ratings_copy / "weights"
    _preset(weights / "typo.yaml", "name: typo\nrubric: core\nweights:\n  hedgeing: 1\n")
    _preset(weights / "gone.yaml", "name: gone\nrubric: nosuch\nweights:\n  hype: 1\n")
    _preset(weights / "loose.yaml", "name: loose\nweights:\n  hype: 2\n  harms: 1\n")
    _preset(weights / "stray.yaml", "name: stray\nweights:\n  hype: 2\n  hedgeing: 1\n")
    ratings = load_ratings(ratings_copy)
    found = {Path(p.path).name: p for p in ratings.problems}
    assert found["typo.yaml"].line == 4
    assert found["typo.yaml"].message.startswith("criterion 'hedgeing' is not in rubric 'core'")
    assert found["gone.yaml"].line == 2 and "rubric 'nosuch' is not in rubrics/" in str(
        found["gone.yaml"])
    assert found["stray.yaml"].line == 4 and "hedgeing in none of them" in str(found["stray.yaml"])
    assert "loose.yaml" not in found  # no rubric: named, but its criteria are all HNR's
    assert {"typo", "gone", "stray"}.isdisjoint(ratings.presets)
    loose = ratings.presets["loose"]
    assert loose.fits(ratings.rubrics["health-news-review"])
    assert not loose.fits(ratings.rubrics["core"])  # harms is no core criterion
    assert all(p.fits(ratings.rubrics["health-news-review"]) for p in ratings.presets.values()
               if p.rubric == "health-news-review")
    code, out, _ = run(capsys, "validate", str(ratings_copy))
    assert code == 1 and f"{weights / 'typo.yaml'}:4:" in out


# --- JSON streams; the table keeps only what it shows --------------------------------------------


def test_json_rows_are_written_as_they_come_and_make_the_same_array(tmp_path):
    from srcgrade import batch

    rows = [{"id": "a", "text": "line\nbreak", "n": [1, {"x": None}]}, {"id": "b", "n": []}]
    out = io.StringIO()
    writer = batch.make_writer("json", out, None, ["hype"])
    writer.write(rows[0])
    assert json.loads(out.getvalue() + "\n]") == rows[:1]  # on its way out before the next
    writer.write(rows[1])
    writer.close()
    assert out.getvalue() == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    empty = io.StringIO()
    batch.make_writer("json", empty, None, ["hype"]).close()
    assert empty.getvalue() == "[]\n"


def test_rate_json_of_a_jsonl_corpus_is_one_array_in_input_order(capsys, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"r{i}", "text": seed_text(f"00{i}")}) + "\n"
                              for i in range(5)), encoding="utf-8")
    code, out, _ = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS), "--format", "json")
    assert code == 0 and [row["id"] for row in json.loads(out)] == [f"r{i}" for i in range(5)]
    code, table, _ = run(capsys, "rate", str(corpus), "--ratings", str(RATINGS))
    totals = {row["id"]: row["total"] for row in json.loads(out)}
    assert _ranked_ids(table) == sorted(totals, key=lambda i: -totals[i])


# --- other reported defects -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("corpus.jsonl", b'{"id": "a", "text": "x"}\n', "a JSONL corpus (an article per line); "
                                                       "rate it with: srcgrade rate"),
        ("article.yaml", b"id: a\ntitle: A\n", "a YAML file, not an article's text"),
        ("paper.pdf", b"%PDF-1.4\n1 0 obj\n", "a PDF; srcgrade reads text: extract it first"),
        ("notes.txt.gz", b"\x1f\x8b\x08\x00rest", "a compressed file; decompress it first"),
        ("picture.png", b"\x89PNG\r\n\x1a\n", "an image; srcgrade reads text"),
        ("story.rtf", b"{\\rtf1\\ansi A miracle cure.}", "a rich-text (RTF) document"),
        ("corpus.csv", b"id,text\na,A small study.\n", "a table, not an article's text"),
    ],
)
def test_score_refuses_what_is_not_one_article(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "score", str(path), "--ratings", str(RATINGS))
    assert code == 2 and out == "" and err.startswith(f"srcgrade: {path}: {message}")
    assert "UTF-8" not in err


def test_weights_too_large_to_add_up_are_refused(capsys):
    code, out, err = run(capsys, "rate", str(RATINGS), "--weights", "citations=1e308,hedging=1e308")
    assert code == 2 and out == "" and "too large to add up" in err


def test_an_empty_output_name_is_named_as_such(capsys):
    code, _, err = run(capsys, "rate", str(RATINGS), "-o", "")
    assert code == 2 and err == (
        "srcgrade: the output file name is empty; give -o the name of a file to write\n"
    )


def test_a_missing_ratings_folder_says_where_its_path_came_from(capsys, tmp_path, monkeypatch):
    article = tmp_path / "a.txt"
    article.write_text("A small study.", encoding="utf-8")
    gone = tmp_path / "gone"
    code, _, err = run(capsys, "score", str(article), "--ratings", str(gone))
    assert code == 2 and f"{gone}: no such folder (given by --ratings)" in err
    monkeypatch.setenv("SRCGRADE_RATINGS", str(gone))
    code, _, err = run(capsys, "score", str(article))
    assert code == 2 and f"{gone}: no such folder (set by $SRCGRADE_RATINGS)" in err
    assert "unset it" in err
    code, _, err = run(capsys, "validate", str(article))
    assert code == 2 and "--ratings" not in err and "not a folder; give the ratings folder" in err


def test_json_findings_carry_the_points_that_add_up_to_the_explanation(capsys):
    """A researcher reading --format json must be able to recompute "points for: 18.75" from
    the findings, and see what was found but not counted, and why."""
    _, out, _ = run(capsys, "rate", str(RATINGS), "--format", "json")
    seen_not_counted = 0
    for item in json.loads(out):
        for criterion in item["criteria"].values():
            for contribution in criterion["contributions"]:
                if contribution["kind"] in VERDICTS:  # numeric accuracy: points per claim
                    continue
                summed = sum(
                    f["points"]
                    for f in criterion["findings"]
                    if f["kind"] == contribution["kind"]
                    and f["direction"] == contribution["direction"]
                )
                assert summed == pytest.approx(contribution["points"], abs=0.01)
            for aside in criterion["not_counted"]:
                assert "points" not in aside and aside["reason"]
                assert ".yaml:" in aside["reason"] or "boilerplate" in aside["reason"]
                seen_not_counted += 1
    assert seen_not_counted  # the seeds have rules past their cap (Vox: two hedges)


def test_the_text_report_signs_each_findings_points_and_the_table_rounds_alike(capsys, tmp_path):
    path = tmp_path / "vox.txt"
    path.write_text(seed_text("000"), encoding="utf-8")
    _, report, _ = run(capsys, "score", str(path), "--ratings", str(RATINGS))
    hedging = report.split("\nHedging:")[1].split("\n\n")[0]
    assert '+1.5 [limitation] "a placebo"' in hedging
    assert '-0.5 [hype] "amazing"' in hedging  # the author's own word, weight 0.5
    # `rate`'s table and `score`'s report print the same whole number (88.54: the table
    # used to round it to 88.5 first and print 88)
    _, table, _ = run(capsys, "rate", str(RATINGS))
    row = next(line.split() for line in table.splitlines() if "vox-mdma" in line)
    assert row[3] == report.split("Hedging: ")[1].split("/")[0]


def test_an_output_name_of_no_format_srcgrade_writes_is_refused(capsys, tmp_path):
    """`-o out.xlsx` used to write the text table into a file Excel cannot open."""
    code, _, err = run(capsys, "rate", str(RATINGS), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2 and "not .xlsx" in err and "out.csv" in err
    assert not (tmp_path / "out.xlsx").exists()
    assert run(capsys, "rate", str(RATINGS), "-o", str(tmp_path / "out.txt"))[0] == 0
    assert (tmp_path / "out.txt").read_text().startswith("rank")


def test_parquet_is_not_poured_onto_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, err = run(capsys, "rate", str(RATINGS), "--format", "parquet")
    assert code == 2 and out == "" and "give -o FILE.parquet" in err


def test_scoring_a_bundled_articles_file_gives_what_rate_gives(capsys):
    """`score` on the Vox text counted the article's own vox.com link as a source (total 78
    against rate's 77): it now recognises the text and scores it with the article's address."""
    path = next((RATINGS / "articles" / "texts").glob("000_*.txt"))
    code, out, err = run(capsys, "score", str(path), "--ratings", str(RATINGS), "--format", "json")
    assert code == 0 and "the text of 'vox-mdma-self-experience'" in err
    scored = json.loads(out)
    _, rated, _ = run(capsys, "rate", str(RATINGS), "--format", "json")
    vox = next(row for row in json.loads(rated) if row["id"] == "vox-mdma-self-experience")
    assert scored["total"] == vox["total"]
    assert scored["criteria"]["citations"] == vox["criteria"]["citations"]


def test_misspelt_criterion_and_rubric_names_get_a_guess(capsys, tmp_path):
    """YAML keys got a did-you-mean; the same typo on the command line or in srcgrade.yaml did
    not ("unknown criterion 'Hype'" beside a list that holds "hype")."""
    code, _, err = run(capsys, "rate", str(RATINGS), "--weights", "Hype=2")
    assert code == 2 and "unknown criterion 'Hype' in weights; did you mean 'hype'?" in err
    code, _, err = run(capsys, "rate", str(RATINGS), "--rubric", "healt")
    assert code == 2 and "no rubric 'healt'" in err and "rubrics: core, health-news-review" in err
    ratings = tmp_path / "r"
    shutil.copytree(RATINGS, ratings)
    settings = ratings / "srcgrade.yaml"
    settings.write_text(settings.read_text().replace("default_rubric: core", "default_rubric: cor"))
    code, _, err = run(capsys, "rate", str(ratings))
    assert code == 2
    assert "default_rubric 'cor' is not in rubrics/; did you mean 'core'?" in err


def test_validate_reports_a_ratings_folder_without_rubrics(capsys, tmp_path):
    """`validate` said "ok (0 rubrics ...)" with exit 0 where `rate` and `score` refuse."""
    shutil.copytree(RATINGS / "lexicons", tmp_path / "lexicons")
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 1 and "no rubric here; rate and score need at least one rubric YAML" in out
    assert "1 problem (0 rubrics" in err


@pytest.mark.parametrize("jobs", ["-1", "two"])
def test_a_bad_job_count_is_refused_before_the_input_is_read(capsys, tmp_path, jobs):
    """`--jobs -1` was refused only after the input's field warnings, which buried it."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "A small study.", "extra": 1}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["rate", str(corpus), "--format", "json", "--jobs", jobs])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "warning" not in err
    assert f"--jobs/-j: must be 0 (one per core) or more, not '{jobs}'" in err
