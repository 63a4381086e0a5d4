"""Batch rating: --jobs N and the Dask engine give the single-process rows, in order, and an
interrupted run leaves no half-written output."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import pty
import stat
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pandas as pd
import pytest

from srcgrade import batch, engine, report
from srcgrade.cli import main
from srcgrade.corpus import load_ratings
from srcgrade.ingest import iter_jsonl
from srcgrade.output import open_atomic, was_written

RATINGS = Path(__file__).resolve().parents[1] / "ratings"
N_ARTICLES = 240


@pytest.fixture(scope="module")
def scorer():
    return engine.make_scorer(load_ratings(RATINGS))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A few hundred varied articles cut from the bundled seeds, plus two broken lines."""
    folder = RATINGS / "articles" / "texts"
    seeds = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(N_ARTICLES):
            paragraphs = seeds[i % len(seeds)].split("\n\n")
            cut = i % len(paragraphs)
            text = "\n\n".join(paragraphs[cut:] + paragraphs[:cut][: i % 7])
            record = {"id": f"a{i:04d}", "title": f"Article {i}", "text": text,
                      "publisher": ["vox", "blog", None][i % 3], "stars": i % 6}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if i == 17:
                out.write("{not json\n")
            if i == 101:
                out.write('{"id": "no-text"}\n')
    return path


def plain_rows(scorer, path: Path) -> list[dict]:
    """The single-process reference: engine.score_records over ingest.iter_jsonl."""
    records = iter_jsonl(path, [])
    return [report.flat_row(s, r.extra) for r, s in engine.score_records(scorer, records)]


def test_corpus_scores_vary(scorer, corpus):
    # Equality tests below mean little if every article got the same score.
    totals = {row["total"] for row in plain_rows(scorer, corpus)}
    assert len(totals) > 5


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_jobs_2_gives_the_plain_rows_in_order(capsys, tmp_path, corpus, scorer, fmt):
    expected = plain_rows(scorer, corpus)
    outputs = {}
    for jobs in ("1", "2"):
        target = tmp_path / f"out{jobs}.{fmt}"
        code = main(["rate", str(corpus), "--ratings", str(RATINGS), "--format", fmt,
                     "--jobs", jobs, "-o", str(target)])
        err = capsys.readouterr().err
        assert code == 1  # the two broken lines were skipped: a pipeline must be able to tell
        assert f"{corpus}:19: invalid JSON" in err and f"{corpus}:104: no \"text\"" in err
        outputs[jobs] = target.read_bytes()
    assert outputs["1"] == outputs["2"]
    target = tmp_path / f"out2.{fmt}"
    if fmt == "jsonl":
        got = [json.loads(line) for line in target.read_text().splitlines()]
        assert [r["id"] for r in got] == [r["id"] for r in expected]
        assert [r["total"] for r in got] == [r["total"] for r in expected]
        assert [r["scores"]["hype"] for r in got] == [r["hype"] for r in expected]
    else:
        frame = pd.read_csv(target) if fmt == "csv" else pd.read_parquet(target)
        _assert_frame_matches(frame, expected)


def _assert_frame_matches(frame: pd.DataFrame, expected: list[dict]) -> None:
    reference = pd.DataFrame(expected)
    assert list(frame["id"]) == list(reference["id"])
    for column in ["total", "citations", "hedging", "hype", "numeric_accuracy", "words", "stars"]:
        pd.testing.assert_series_equal(frame[column].astype(float), reference[column].astype(float),
                                       check_names=False)
    assert list(frame["publisher"].fillna("-")) == list(reference["publisher"].fillna("-"))


def test_jsonl_output_equals_the_plain_jsonl_rows(tmp_path, corpus, scorer):
    records = iter_jsonl(corpus, [])
    expected = [report.jsonl_row(s, r.extra) for r, s in engine.score_records(scorer, records)]
    target = tmp_path / "out.jsonl"
    written = batch.rate_jsonl(corpus, scorer, output=str(target), fmt="jsonl", jobs=2)
    assert written == N_ARTICLES
    assert target.read_text().splitlines() == expected


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local:
        yield local


def test_dask_engine_gives_the_plain_rows(capsys, monkeypatch, tmp_path, corpus, scorer, cluster):
    monkeypatch.setattr(batch, "DASK_PIECE_BYTES", 64 * 1024)  # several pieces per file
    assert len(batch.plan_pieces([corpus], batch.DASK_PIECE_BYTES)) > 3
    out = tmp_path / "shards"
    code = main(["rate", str(corpus), "--ratings", str(RATINGS), "--engine", "dask",
                 "--scheduler", cluster.scheduler_address, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1  # two lines skipped
    assert f"{corpus}:19: invalid JSON" in err and f"{corpus}:104: no \"text\"" in err
    shards = sorted(p.name for p in out.iterdir())
    assert len(shards) > 3 and shards[0] == "part-00000.parquet"
    frame = pd.read_parquet(out)
    _assert_frame_matches(frame, plain_rows(scorer, corpus))
    single = tmp_path / "single.parquet"
    batch.rate_jsonl(corpus, scorer, output=str(single), fmt="parquet")
    pd.testing.assert_frame_equal(frame, pd.read_parquet(single))


def test_dask_engine_reads_a_glob_of_jsonl_and_parquet_shards(tmp_path, corpus, scorer, cluster):
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "in-0.jsonl", tmp_path / "in-1.parquet"
    first.write_text("".join(lines[:100]), encoding="utf-8")
    rest = [json.loads(line) for line in lines[100:] if line.startswith('{"id": "a')]
    pd.DataFrame(rest).to_parquet(second, row_group_size=50)
    out = tmp_path / "shards"
    with pytest.importorskip("distributed").Client(cluster) as client:
        written = batch.rate_dask(str(tmp_path / "in-*"), scorer, output=str(out), client=client)
    assert written == N_ARTICLES
    frame = pd.read_parquet(out)
    _assert_frame_matches(frame, plain_rows(scorer, corpus))


def test_dask_missing_says_how_to_install(monkeypatch, tmp_path, corpus, scorer, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    code = main(["rate", str(corpus), "--ratings", str(RATINGS), "--engine", "dask",
                 "-o", str(tmp_path / "out")])
    assert code == 2
    assert "pip install 'srcgrade[dask]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- interrupted runs --------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_interrupted_batch_leaves_no_half_written_file(monkeypatch, tmp_path, corpus, scorer,
                                                       jobs, fmt):
    target = tmp_path / f"scores.{fmt}"
    target.write_text("the previous run\n")
    writer_class = batch.JsonlWriter if fmt == "jsonl" else batch.ParquetWriter
    original = writer_class.write
    calls = []

    def interrupted(self, row):
        calls.append(row)
        if len(calls) == 150:
            raise KeyboardInterrupt
        original(self, row)

    monkeypatch.setattr(batch, "ROW_GROUP_ROWS", 40)  # some row groups are on disk already
    monkeypatch.setattr(writer_class, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        batch.rate_jsonl(corpus, scorer, output=str(target), fmt=fmt, jobs=jobs)
    assert len(calls) == 150
    assert target.read_text() == "the previous run\n"
    assert _leftovers(tmp_path) == []


def test_a_record_that_breaks_the_writer_leaves_no_file(monkeypatch, tmp_path, corpus, scorer):
    real = batch.rows_to_table

    def broken(rows, schema, warn):
        if any(row["id"] == "a0130" for row in rows):
            raise OSError("disk full")
        return real(rows, schema, warn)

    monkeypatch.setattr(batch, "ROW_GROUP_ROWS", 25)
    monkeypatch.setattr(batch, "rows_to_table", broken)
    target = tmp_path / "scores.parquet"
    with pytest.raises(OSError, match="disk full"):
        batch.rate_jsonl(corpus, scorer, output=str(target), fmt="parquet", jobs=2)
    assert not target.exists() and _leftovers(tmp_path) == []


def test_failed_dask_run_leaves_no_shards(monkeypatch, tmp_path, corpus, scorer, cluster):
    real = batch.rate_piece

    def failing(scorer, piece, index, *args):
        if index == 2:
            raise RuntimeError("worker lost")
        return real(scorer, piece, index, *args)

    monkeypatch.setattr(batch, "rate_piece", failing)  # threads of this process: patch applies
    out = tmp_path / "shards"
    with (pytest.importorskip("distributed").Client(cluster) as client,
          pytest.raises(RuntimeError, match="worker lost")):
        batch.rate_dask(str(corpus), scorer, output=str(out), client=client, piece_bytes=64 * 1024)
    assert not out.exists() and _leftovers(tmp_path) == []


# --- progress bar ------------------------------------------------------------------------------


def _rate_command(corpus: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "srcgrade.cli", "rate", str(corpus), "--ratings", str(RATINGS),
            "--format", "csv", "--jobs", "2", *extra]


def test_progress_bar_is_quiet_when_piped(corpus):
    done = subprocess.run(_rate_command(corpus), capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.startswith("id,title,total")  # 2 lines skipped
    assert "articles" not in done.stderr and "\r" not in done.stderr
    forced = subprocess.run(_rate_command(corpus, "--progress"), capture_output=True, text=True)
    assert f"{N_ARTICLES} articles" in forced.stderr and "/s" in forced.stderr


def test_progress_bar_shows_on_a_terminal(corpus, tmp_path):
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run(_rate_command(corpus, "-o", str(tmp_path / "o.csv")),
                              stderr=follower, stdout=subprocess.DEVNULL, timeout=120)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            shown += data
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 1  # the corpus's two broken lines
    assert b"rating" in shown and f"{N_ARTICLES} articles".encode() in shown


def test_chunks_keep_exact_line_numbers_across_blank_lines_and_carriage_returns(tmp_path, scorer):
    """Workers read their own byte ranges; bad lines must keep the numbers iter_jsonl gives."""
    lines = []
    for i in range(80):
        lines.append(json.dumps({"id": f"r{i}", "text": f"Studies show item {i} works."}))
        if i % 9 == 0:
            lines.append("")  # blank lines count as lines but are not records
        if i % 13 == 0:
            lines.append("{broken")
        if i == 40:
            lines.append('{"id": "cr",\r "text": "A carriage return as JSON whitespace."}')
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected: list = []
    expected_ids = [r.id for r in iter_jsonl(path, expected)]
    for jobs in (1, 2):
        problems: list = []
        target = tmp_path / f"out{jobs}.jsonl"
        batch.rate_jsonl(path, scorer, output=str(target), fmt="jsonl", jobs=jobs,
                         problems=problems)
        ids = [json.loads(line)["id"] for line in target.read_text().splitlines()]
        assert ids == expected_ids
        assert [(p.line, p.message) for p in problems] == [(p.line, p.message) for p in expected]


def test_an_output_file_gets_the_usual_permissions_not_the_temporary_files(tmp_path):
    """The temporary file is private to its owner; the renamed result must not stay so."""
    fresh, replaced = tmp_path / "new.csv", tmp_path / "old.csv"
    replaced.write_text("old")
    replaced.chmod(0o640)
    umask = os.umask(0o022)
    try:
        for target in (fresh, replaced):
            with open_atomic(target) as out:
                out.write("id,total\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o640
    assert replaced.read_text() == "id,total\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_is_one_line_exit_130_and_no_output(tmp_path, jobs):
    """Ctrl-C used to print a KeyboardInterrupt traceback (two with --jobs 2)."""
    import signal
    import time

    folder = RATINGS / "articles" / "texts"
    seeds = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    corpus = tmp_path / "long.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for i in range(3000):
            out.write(json.dumps({"id": f"a{i}", "text": seeds[i % len(seeds)]}) + "\n")
    target = tmp_path / "out.csv"
    child = subprocess.Popen(
        [sys.executable, "-m", "srcgrade.cli", "rate", str(corpus), "--ratings", str(RATINGS),
         "--jobs", jobs, "-o", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.csv.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)  # rating has begun once the temporary output exists
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err == f"srcgrade: interrupted; nothing written to {target}\n"
    assert not target.exists() and not list(tmp_path.glob(".out.csv.*"))


@pytest.mark.parametrize(
    ("fmt", "warned"),
    [
        ("jsonl", ["input fields total, scores are replaced by srcgrade's own in the output"]),
        ("csv", ["input field total is replaced by srcgrade's own in the output",
                 "input fields meta, tags hold lists or objects, which csv rows leave out"]),
        ("json", ["--format json carries srcgrade's scores, not the input's fields (total, "
                  "source, meta, scores, tags)"]),
        ("table", []),
    ],
)
def test_input_fields_the_output_cannot_carry_are_named_once(capsys, tmp_path, fmt, warned):
    """Every other input field is passed through, says the README; where a format cannot (an
    input 'total' beside srcgrade's, a nested field in a flat row), one warning says which."""
    corpus = tmp_path / "extra.jsonl"
    rows = [{"id": "a", "text": "A small study suggests.", "total": 5, "source": "x",
             "meta": {"a": 1}},
            {"id": "b", "text": "Experts say it works.", "scores": "s", "tags": [1, 2]}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code = main(["rate", str(corpus), "--ratings", str(RATINGS), "--format", fmt,
                 "-o", str(tmp_path / f"out.{fmt}")])
    err = capsys.readouterr().err
    assert code == 0
    found = [line.removeprefix("srcgrade: warning: ") for line in err.splitlines()]
    assert len(found) == len(warned)
    assert all(line.startswith(start) for line, start in zip(found, warned, strict=True))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_field_left_out_as_nested_leaves_no_empty_column(capsys, tmp_path, fmt):
    """HNR's `criteria` is null in most stories and an object in a few: the warning said rows
    leave it out, yet an empty column of that name stood beside srcgrade's own criteria."""
    corpus = tmp_path / "mixed.jsonl"
    rows = [{"id": "a", "text": "A small study suggests.", "criteria": None, "stars": 3},
            {"id": "b", "text": "Experts say it works.", "criteria": {"harms": "Satisfactory"},
             "stars": 1}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    target = tmp_path / f"out.{fmt}"
    assert main(["rate", str(corpus), "--ratings", str(RATINGS), "-o", str(target)]) == 0
    assert "field criteria holds lists or objects" in capsys.readouterr().err
    if fmt == "csv":
        columns = next(csv.reader(target.open(encoding="utf-8")))
    else:
        import pyarrow.parquet as pq

        columns = pq.read_schema(target).names
    assert "stars" in columns and "criteria" not in columns


def _corpus_with_ids(path: Path, ids: list[str | None]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i, record_id in enumerate(ids):
            record = {"text": f"Article {i}: a small randomized trial of 40 people, Dr. Lee said."}
            if record_id is not None:
                record["id"] = record_id
            out.write(json.dumps(record) + "\n")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_id_two_lines_share_is_a_warning_naming_both_lines_and_every_row_is_written(
        capsys, tmp_path, jobs):
    ids = ["a", "b", "a", None, "line-4", "c", "b", "a"] + [f"x{i}" for i in range(70)]
    corpus = _corpus_with_ids(tmp_path / "dup.jsonl", ids)
    target = tmp_path / "out.jsonl"
    status = main(["rate", str(corpus), "--ratings", str(RATINGS), "--format", "jsonl",
                   "-o", str(target), "--jobs", str(jobs)])
    err = capsys.readouterr().err
    assert status == 0  # nothing was left out: a warning, not a skipped line
    assert len(target.read_text().splitlines()) == len(ids)
    warned = [line for line in err.splitlines() if "is also the id of" in line]
    assert warned == [
        f'srcgrade: warning: {corpus}:3: id "a" is also the id of line 1; both were rated, but '
        "results joined on id would mix them up: give each article an id of its own",
        f'srcgrade: warning: {corpus}:5: id "line-4" is also the id of line 4; both were rated, '
        "but results joined on id would mix them up: give each article an id of its own",
        f'srcgrade: warning: {corpus}:7: id "b" is also the id of line 2; both were rated, but '
        "results joined on id would mix them up: give each article an id of its own",
        f'srcgrade: warning: {corpus}:8: id "a" is also the id of line 1; both were rated, but '
        "results joined on id would mix them up: give each article an id of its own",
    ]


def test_digests_that_collide_are_checked_against_the_ids_themselves(monkeypatch, tmp_path,
                                                                      scorer):
    monkeypatch.setattr(batch, "id_digest", lambda record_id: 7)  # every id collides
    corpus = _corpus_with_ids(tmp_path / "ids.jsonl", ["a", "b", "c", "b"])
    problems: list = []
    batch.rate_jsonl(corpus, scorer, output=str(tmp_path / "o.csv"), fmt="csv",
                     problems=problems)
    assert [(p.line, p.level) for p in problems] == [(4, "warning")]
    assert '"b" is also the id of line 2' in problems[0].message


def test_unique_ids_give_no_warning(capsys, corpus, tmp_path):
    main(["rate", str(corpus), "--ratings", str(RATINGS), "-o", str(tmp_path / "o.csv")])
    assert "is also the id of" not in capsys.readouterr().err


def test_an_integer_field_that_some_lines_lack_stays_integer_in_parquet(tmp_path, capsys):
    """`year` came back from pandas.read_parquet as float64 (2020.0) when a line lacked it: the
    column was int64 with nulls, which pandas reads as float unless the file says Int64."""
    import pyarrow.parquet as pq

    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": "a", "text": "A breakthrough cure.", "year": 2020, "pages": 3},
            {"id": "b", "text": "A study suggests a benefit.", "pages": 4},
            {"id": "c", "text": "More words here.", "year": 2021, "pages": 5}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    target = tmp_path / "out.parquet"
    assert main(["rate", str(corpus), "--ratings", str(RATINGS), "-o", str(target)]) == 0
    assert str(pq.read_schema(target).field("year").type) == "int64"
    frame = pd.read_parquet(target)
    assert str(frame["year"].dtype) == "Int64" and frame["year"].isna().tolist() == [
        False, True, False]
    assert frame["year"].dropna().tolist() == [2020, 2021]
    assert str(frame["pages"].dtype) == "Int64" and frame["pages"].tolist() == [3, 4, 5]
    assert str(frame["words"].dtype) == "int64" and str(frame["total"].dtype) == "float64"


def _interrupt_at_line(n: int):
    """A trace function that raises KeyboardInterrupt at the ``n``-th line run, as Python's SIGINT
    handler does when Ctrl-C arrives there; a trace function that raises is then switched off."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count == n:
                raise KeyboardInterrupt
        return trace

    return trace


def test_ctrl_c_at_any_line_of_writing_the_output_leaves_no_temporary_file(tmp_path):
    """Ctrl-C just after the temporary file was created (still inside mkstemp, or before the
    cleanup's try began) used to leave the .part file behind: the test above, under load."""
    target = tmp_path / "out.csv"

    def write() -> None:
        with open_atomic(target) as out:
            out.write("id,total\n")

    interrupted = 0
    for n in range(1, 5000):
        previous = sys.gettrace()
        sys.settrace(_interrupt_at_line(n))
        try:
            write()
        except KeyboardInterrupt:
            interrupted += 1
        else:
            break
        finally:
            sys.settrace(previous)
        left = [p.name for p in tmp_path.iterdir() if p != target]
        assert not left, f"Ctrl-C at line {n} left {left}"
        assert not target.exists() or target.read_text() == "id,total\n"
    else:
        pytest.fail("open_atomic never ran to its end")
    assert interrupted > 20 and target.read_text() == "id,total\n"


def test_after_ctrl_c_at_any_line_the_output_is_known_written_or_not(tmp_path):
    """What Ctrl-C's message says: "nothing written" was wrong when it came after the rename."""
    target = tmp_path / "out.csv"
    answers = set()
    for n in range(1, 5000):
        target.unlink(missing_ok=True)
        previous = sys.gettrace()
        sys.settrace(_interrupt_at_line(n))
        try:
            with open_atomic(target) as out:
                out.write("id,total\n")
        except KeyboardInterrupt:
            pass
        else:
            break
        finally:
            sys.settrace(previous)
        assert was_written(target) == target.exists(), f"Ctrl-C at line {n}"
        answers.add(target.exists())
    assert answers == {True, False} and was_written(target)


def test_ctrl_c_right_after_the_rename_says_the_output_was_written(tmp_path, monkeypatch, capsys):
    import srcgrade.output

    real_replace = os.replace

    def replace_then_interrupt(source, destination):
        real_replace(source, destination)
        raise KeyboardInterrupt

    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "A breakthrough cure."}) + "\n")
    target = tmp_path / "out.csv"
    monkeypatch.setattr(srcgrade.output.os, "replace", replace_then_interrupt)
    code = main(["rate", str(corpus), "--ratings", str(RATINGS), "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 130 and err == f"srcgrade: interrupted after {target} was written in full\n"
    assert target.read_text().startswith("id,")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_csv_cells_a_spreadsheet_would_run_are_kept_as_text(tmp_path, jobs):
    """An id or title typed as a formula (CSV injection) must not run when the researcher opens
    the export in a spreadsheet; a number stays a number."""
    corpus = tmp_path / "in.jsonl"
    rows = [{"id": '=HYPERLINK("http://evil.example","x")', "title": "+1 cmd", "text": "A cure."},
            {"id": "-7", "title": "@SUM(A1)", "text": "A miracle."}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    target = tmp_path / "out.csv"
    assert main(["rate", str(corpus), "--ratings", str(RATINGS), "--jobs", jobs,
                 "-o", str(target)]) == 0
    with target.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["id"] for r in read] == ['\'=HYPERLINK("http://evil.example","x")', "-7"]
    assert [r["title"] for r in read] == ["'+1 cmd", "'@SUM(A1)"]
    assert all(float(r["total"]) >= 0 for r in read)


def test_a_ratings_folder_exported_as_csv_keeps_formula_titles_as_text(tmp_path):
    from helpers import copy_ratings

    root = copy_ratings(tmp_path)
    article = next((root / "articles").glob("*.yaml"))
    article.write_text(article.read_text().replace("title:", "title: '=1+1' #", 1))
    target = tmp_path / "out.csv"
    main(["rate", str(root), "--format", "csv", "-o", str(target)])
    assert "'=1+1" in pd.read_csv(target)["title"].tolist()


def test_mixed_types_in_parquet_say_what_was_done_with_them():
    """A number in a text column is written as text: "were left empty" said the opposite."""
    import pyarrow as pa

    said: list[str] = []
    schema = pa.schema([("stars", pa.string()), ("words", pa.int64())])
    table = batch.rows_to_table([{"stars": "4", "words": 3}, {"stars": 2, "words": "many"}],
                                schema, said.append)
    assert table.column("stars").to_pylist() == ["4", "2"]
    assert table.column("words").to_pylist() == [3, None]
    assert said == ["column 'stars': values that are not text were written as text",
                    "column 'words': values that are not int64 were left empty"]
