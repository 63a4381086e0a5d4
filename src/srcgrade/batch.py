"""Rating corpora too large to wait for: many processes on one machine, or Dask on a cluster.

Both engines stream: records are read a chunk at a time, scored where the rubric was compiled once
(each pool worker or Dask worker compiles it when it starts, not per article), turned into output
rows right there, and written as they arrive, so peak memory does not grow with the input. Output
goes to a temporary name that is renamed only on success (:func:`srcgrade.output.open_atomic`; for
Dask, a staging folder), so an interrupted run leaves no half-written file.

- :func:`rate_jsonl`: ``srcgrade rate corpus.jsonl --jobs N``; rows come back in input order.
- :func:`rate_dask`: ``srcgrade rate 'shards/*.jsonl' --engine dask -o DIR``: JSONL or Parquet
  shards, split into pieces (byte ranges of JSONL files, row groups of Parquet files), each piece
  rated by one Dask task into one Parquet shard ``part-00000.parquet``... in input order. Read the
  folder back with ``pandas.read_parquet(DIR)`` to get the rows of the single-process run, in order.

Every row is built by the same functions (:func:`srcgrade.report.flat_row`,
:func:`srcgrade.report.jsonl_row`) and every Parquet table by :func:`rows_to_table`, so all engines
give the same rows.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from srcgrade import report
from srcgrade.ingest import Record, _parse_line
from srcgrade.model import Problem
from srcgrade.output import open_atomic
from srcgrade.score import Scorer

CHUNK_RECORDS = 32
"""Records per task sent to a worker: large enough to amortise the hand-off, small enough to
keep every core busy to the end and memory flat."""
ROW_GROUP_ROWS = 8192
"""Rows per Parquet row group (both engines)."""
SCHEMA_HEAD = 1000
"""Extra input fields become columns when they appear in the first this-many records."""
DASK_PIECE_BYTES = 32 * 1024 * 1024
"""JSONL files are split into pieces of about this size, one Dask task and one shard each."""
FORMATS = ("jsonl", "csv", "parquet", "json", "table")
DASK_MISSING = (
    "the dask engine needs Dask: pip install 'srcgrade[dask]' (dask[dataframe] and distributed)"
)


class BatchError(ValueError):
    """A batch that cannot run as asked; the message says why and what to do."""


# --- rows --------------------------------------------------------------------------------------


def make_row(scorer: Scorer, record: Record, fmt: str, weights: Mapping[str, float] | None) -> Any:
    """Score one record and return its output row: a JSONL line, a JSON object or a flat dict."""
    title = str(record.extra.get("title") or record.extra.get("original_title") or "")
    score = scorer.score(
        record.text, article_id=record.id, title=title, weights=weights, meta=record.extra
    )
    if fmt == "jsonl":
        return report.jsonl_row(score, record.extra)
    if fmt == "json":
        return report.to_json(score)
    return report.flat_row(score, record.extra, digits=None if fmt == "table" else 1)


def fixed_columns(criteria: Iterable[str]) -> list[str]:
    return ["id", "title", "total", *criteria, "words"]


def output_schema(criteria: Sequence[str], head: Iterable[Record]) -> Any:
    """The Parquet schema of a run: the fixed columns, then the input's scalar fields.

    Fields are taken from the first records of the input (as :func:`report.flat_row` keeps them:
    scalars only, never ``text``), in order of first appearance; a field that is always empty
    there becomes a string column. Both engines use this, so their shards have one schema.
    """
    import pyarrow as pa

    fields = [pa.field("id", pa.string()), pa.field("title", pa.string()),
              pa.field("total", pa.float64())]
    fields += [pa.field(c, pa.float64()) for c in criteria]
    fields.append(pa.field("words", pa.int64()))
    for key, seen in _extra_values(criteria, head).items():
        try:
            kind = pa.array(seen).type
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            kind = pa.string()
        if pa.types.is_null(kind):
            kind = pa.string()
        fields.append(pa.field(key, kind))
    integers = [f.name for f in fields[len(criteria) + 4:] if pa.types.is_int64(f.type)]
    return pa.schema(fields, metadata=_nullable_integers(integers))


def _nullable_integers(names: Sequence[str]) -> dict[bytes, bytes] | None:
    """pandas metadata that reads the input's integer fields back as nullable ``Int64``.

    The Parquet column is int64 with nulls where a line lacked the field, but without this
    ``pandas.read_parquet`` turns an integer column with a null into float64 (a ``year`` of
    2020.0). pyarrow restores the dtypes pandas metadata names; the columns not named keep
    their usual types.
    """
    if not names:
        return None
    columns = [{"name": n, "field_name": n, "pandas_type": "int64", "numpy_type": "Int64",
                "metadata": None} for n in names]
    pandas = {"index_columns": [], "column_indexes": [], "columns": columns}
    return {b"pandas": json.dumps(pandas).encode()}


def passthrough_losses(fmt: str, criteria: Sequence[str], head: Iterable[Record]) -> list[str]:
    """Input fields the output will not carry as they were, judged on the first records.

    The README promises every input field is passed through; where a format cannot do that
    (a field named like an output column, a list or object in a flat row, ``json``'s score
    objects), saying so once beats a join that later finds the column silently gone.
    """
    fields: dict[str, bool] = {}  # name -> holds a list or object somewhere
    for record in head:
        for key, value in record.extra.items():
            fields[key] = fields.get(key, False) or isinstance(value, list | dict)
    if not fields:
        return []
    if fmt == "json":
        dropped = [k for k in fields if k not in {"id", "title"}]
        return [f"--format json carries srcgrade's scores, not the input's fields "
                f"({_names(dropped)}); use --format jsonl to keep them"] if dropped else []
    if fmt == "table":
        return []
    own = {"total", "scores"} if fmt == "jsonl" else {"total", "words", *criteria}
    found = []
    if clash := [k for k in fields if k in own]:
        found.append(f"input {_fields(clash, 'is', 'are')} replaced by srcgrade's own in the "
                     f"output; rename {'it' if len(clash) == 1 else 'them'} in the input to keep "
                     f"{'it' if len(clash) == 1 else 'them'}")
    if fmt != "jsonl" and (nested := [k for k, deep in fields.items() if deep]):
        found.append(f"input {_fields(nested, 'holds', 'hold')} lists or objects, which {fmt} "
                     "rows leave out; use --format jsonl to keep them")
    return found


def _fields(names: Sequence[str], one: str, many: str) -> str:
    """'field x is' or 'fields x, y are'."""
    return f"field {names[0]} {one}" if len(names) == 1 else f"fields {_names(names)} {many}"


def _names(fields: Iterable[str], shown: int = 5) -> str:
    names = list(fields)
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def output_columns(criteria: Sequence[str], head: Iterable[Record]) -> list[str]:
    """The CSV columns: those of :func:`output_schema`, without importing pyarrow (and the
    pandas it loads on first use, some 80 MB that a CSV run would otherwise carry)."""
    return [*fixed_columns(criteria), *_extra_values(criteria, head)]


def _extra_values(criteria: Sequence[str], head: Iterable[Record]) -> dict[str, list[Any]]:
    """The input's scalar fields in order of first appearance, with the values seen. A field
    that holds a list or an object in any of these records is left out whole, as the warning
    of :func:`passthrough_losses` says: a column that is empty wherever the field had content
    (HNR's ``criteria``, null in most stories) would only look like data lost."""
    taken = set(fixed_columns(criteria))
    values: dict[str, list[Any]] = {}
    nested: set[str] = set()
    for record in head:
        for key, value in record.extra.items():
            if key in taken:
                continue
            if not isinstance(value, str | int | float | bool | type(None)):
                nested.add(key)
                continue
            values.setdefault(key, []).append(value)
    return {key: seen for key, seen in values.items() if key not in nested}


def rows_to_table(
    rows: Sequence[Mapping[str, Any]], schema: Any, warn: Callable[[str], None]
) -> Any:
    """A pyarrow table of flat rows in ``schema``: missing fields empty, unknown fields left out.

    A value that does not fit its column's type (text in a number column) is left empty, a
    number in a text column written as text, each reported once per column through ``warn``.
    """
    import pyarrow as pa

    columns = []
    for field in schema:
        values = [row.get(field.name) for row in rows]
        try:
            columns.append(pa.array(values, type=field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            if pa.types.is_string(field.type):
                fixed = [None if v is None else str(v) for v in values]
                warn(f"column '{field.name}': values that are not text were written as text")
            else:
                fixed = [v if _fits(v, field.type) else None for v in values]
                warn(f"column '{field.name}': values that are not {field.type} were left empty")
            columns.append(pa.array(fixed, type=field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _fits(value: Any, kind: Any) -> bool:
    import pyarrow as pa

    try:
        pa.array([value], type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return False
    return True


# --- writers -----------------------------------------------------------------------------------


class Writer:
    """Writes rows of one format to an open file, as they come."""

    binary = False

    def __init__(self, out: IO[Any], schema: Any, criteria: Sequence[str]):
        self.out, self.schema, self.criteria = out, schema, list(criteria)

    def write(self, row: Any) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last row, on success only."""

    def abort(self) -> None:
        """Called on failure, before the temporary file is removed."""


class JsonlWriter(Writer):
    def write(self, row: str) -> None:
        self.out.write(row + "\n")


class CsvWriter(Writer):
    def __init__(self, out: IO[Any], schema: Any, criteria: Sequence[str]):
        super().__init__(out, schema, criteria)
        self.names = list(schema) if isinstance(schema, list) else schema.names
        self._csv = csv.writer(out, lineterminator="\n")
        self._csv.writerow(self.names)

    def write(self, row: Mapping[str, Any]) -> None:
        self._csv.writerow([_csv_cell(row.get(name)) for name in self.names])


def _csv_cell(value: Any) -> Any:
    return "" if value is None else report.spreadsheet_safe(value)


class ParquetWriter(Writer):
    """Parquet written a row group at a time with ``pyarrow.parquet.ParquetWriter``."""

    binary = True

    def __init__(self, out: IO[Any], schema: Any, criteria: Sequence[str],
                 warn: Callable[[str], None] | None = None):
        import pyarrow.parquet as pq

        super().__init__(out, schema, criteria)
        self._pending: list[Mapping[str, Any]] = []
        self._warned: set[str] = set()
        self._warn = warn or _print_warning
        self._writer = pq.ParquetWriter(out, schema, compression="zstd")

    def write(self, row: Mapping[str, Any]) -> None:
        self._pending.append(row)
        if len(self._pending) >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(rows_to_table(self._pending, self.schema, self._once))
            self._pending = []

    def _once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):  # the file is about to be deleted anyway
            self._writer.close()


class JsonWriter(Writer):
    """A JSON array written an element at a time, so memory stays flat however many rows.

    The bytes are those of ``json.dump(rows, indent=2)``: each object indented two spaces more
    (JSON text has no raw newline inside a string, so indenting every line is exact).
    """

    def __init__(self, out: IO[Any], schema: Any, criteria: Sequence[str]):
        super().__init__(out, schema, criteria)
        self.count = 0

    def write(self, row: Any) -> None:
        text = json.dumps(row, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        self.out.write(("[\n  " if self.count == 0 else ",\n  ") + text)
        self.count += 1

    def close(self) -> None:
        self.out.write("\n]\n" if self.count else "[]\n")


class TableWriter(Writer):
    """The ranking table: sorted by total, so it needs every row before printing the first.

    It keeps only what the table shows (id, total, the criterion scores: a few hundred bytes an
    article), but that still grows with the corpus; ``--help`` and the README point large corpora
    to csv, jsonl or parquet.
    """

    def __init__(self, out: IO[Any], schema: Any, criteria: Sequence[str]):
        super().__init__(out, schema, criteria)
        self.columns = ["id", "total", *self.criteria]
        self.rows: list[tuple[Any, ...]] = []

    def write(self, row: Mapping[str, Any]) -> None:
        self.rows.append(tuple(row.get(c) for c in self.columns))

    def close(self) -> None:
        import pandas as pd

        frame = pd.DataFrame(self.rows, columns=self.columns)
        if frame.empty:
            self.out.write("no articles\n")
        else:
            self.out.write(report.ranking_table(frame, self.criteria))


def make_writer(fmt: str, out: IO[Any], schema: Any, criteria: Sequence[str]) -> Writer:
    if fmt == "jsonl":
        return JsonlWriter(out, schema, criteria)
    if fmt == "csv":
        return CsvWriter(out, schema, criteria)
    if fmt == "parquet":
        return ParquetWriter(out, schema, criteria)
    if fmt == "json":
        return JsonWriter(out, schema, criteria)
    return TableWriter(out, schema, criteria)


def _print_warning(message: str) -> None:
    print(f"srcgrade: warning: {message}", file=sys.stderr)


# --- reading JSONL in chunks -------------------------------------------------------------------

@dataclass(frozen=True)
class Chunk:
    """A byte range of whole lines of the JSONL file, and the number of its first line.

    Workers read the lines themselves, so what crosses the process pipe is three integers. A task
    of a hundred kilobytes could leave the pool's feeder thread blocked in a pipe write when the
    workers are terminated (an interrupted run), and ``Pool.terminate`` would then wait forever.
    """

    start: int
    end: int
    first_line: int


def iter_chunks(path: Path, size: int = CHUNK_RECORDS) -> Iterator[Chunk]:
    """Ranges of ``size`` non-blank lines each, in file order."""
    with path.open("rb") as handle:
        start, offset, first, count = 0, 0, 1, 0
        for number, raw in enumerate(handle, start=1):
            offset += len(raw)
            count += bool(raw.strip())
            if count == size:
                yield Chunk(start, offset, first)
                start, first, count = offset, number + 1, 0
        if offset > start:
            yield Chunk(start, offset, first)


def chunk_lines(path: str, chunk: Chunk) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of a chunk with their 1-based numbers in the file."""
    with open(path, "rb") as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.end - chunk.start)
    # Split as iterating the file does (at b"\n" only), so line numbers agree with iter_chunks.
    for number, raw in enumerate(io.BytesIO(data), start=chunk.first_line):
        if raw.strip():
            yield number, raw


def head_records(path: Path, limit: int = SCHEMA_HEAD) -> list[Record]:
    """The first valid records of a JSONL or Parquet file (for the output columns)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        found: list[Record] = []
        for batch in pq.ParquetFile(path).iter_batches(batch_size=limit):
            found.extend(r for r in _parquet_records(batch.to_pylist(), 1, str(path), []) if r)
            break
        return found[:limit]
    found = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip() and (record := _parse_line(raw, number, str(path), [])) is not None:
                found.append(record)
                if len(found) >= limit:
                    break
    return found


def _parquet_records(rows: list[dict[str, Any]], first: int, shown: str,
                     problems: list[Problem]) -> list[Record | None]:
    """Parquet rows as records, by the rules for JSONL lines (``text`` needed, ``id`` used)."""
    out: list[Record | None] = []
    for number, data in enumerate(rows, start=first):
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(shown, number, "no \"text\" string; skipped (row number)"))
            out.append(None)
            continue
        record_id = data.get("id")
        record_id = str(record_id) if record_id is not None else f"row-{number}"
        out.append(Record(record_id, text, {k: v for k, v in data.items() if k != "text"}, number))
    return out


# --- the local engine: a process pool ----------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What a worker needs: the compiled rubric, the weights and the output format."""

    scorer: Scorer
    weights: Mapping[str, float] | None
    fmt: str
    shown: str  # the JSONL file's path as given: workers read their chunks from it


_TASK: Task | None = None


def _init_worker(task: Task) -> None:
    """Pool initializer: keep the rubric compiled once per worker; leave Ctrl-C to the parent."""
    global _TASK
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _TASK = task


@dataclass
class ChunkResult:
    """What a worker sends back for one chunk: its output rows, its problems, its size in bytes,
    and each rated line's id digest and line number (for :class:`IdLedger`)."""

    rows: list[Any]
    problems: list[Problem]
    size: int
    digests: array[int]
    lines: array[int]


def _rate_chunk(chunk: Chunk) -> ChunkResult:
    """Parse, score and format one chunk."""
    task = _TASK
    assert task is not None, "worker not initialised"
    done = ChunkResult([], [], chunk.end - chunk.start, array("Q"), array("Q"))
    for number, raw in chunk_lines(task.shown, chunk):
        record = _parse_line(raw, number, task.shown, done.problems)
        if record is not None:
            done.rows.append(make_row(task.scorer, record, task.fmt, task.weights))
            done.digests.append(id_digest(record.id))
            done.lines.append(number)
    return done


def rate_jsonl(
    path: Path,
    scorer: Scorer,
    *,
    output: str | None,
    fmt: str,
    weights: Mapping[str, float] | None = None,
    jobs: int = 1,
    progress: bool | None = None,
    problems: list[Problem] | None = None,
) -> int:
    """Rate a JSONL file with ``jobs`` processes, writing rows in input order as they arrive.

    Returns the number of rows written; bad lines go to ``problems`` with their line numbers.
    With ``jobs == 1`` everything runs in this process. ``progress=None`` shows a bar only when
    standard error is a terminal.
    """
    if fmt not in FORMATS:
        raise BatchError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    problems = problems if problems is not None else []
    criteria = list(scorer.rubric.criteria)
    head = head_records(path)
    schema = (output_schema(criteria, head) if fmt == "parquet"
              else output_columns(criteria, head) if fmt == "csv" else None)
    for message in passthrough_losses(fmt, criteria, head):
        _print_warning(message)
    del head  # the first records' texts need not stay in memory for the whole run
    task = Task(scorer, weights, fmt, str(path))
    jobs = resolve_jobs(jobs)
    with contextlib.ExitStack() as stack:
        if jobs > 1:
            import multiprocessing

            pool = stack.enter_context(
                multiprocessing.Pool(jobs, initializer=_init_worker, initargs=(task,))
            )
            # imap hands out chunks (byte ranges: tiny tasks) as workers free up and yields results
            # in input order; results are written as they arrive, so memory stays flat.
            results: Iterator[ChunkResult] = pool.imap(
                _rate_chunk, iter_chunks(path), chunksize=1
            )
        else:
            _install(task)
            results = map(_rate_chunk, iter_chunks(path))
        bar = stack.enter_context(Progress(path.stat().st_size, progress))
        out = stack.enter_context(open_atomic(output, binary=fmt == "parquet"))
        writer = make_writer(fmt, out, schema, criteria)
        written, ids = 0, IdLedger()
        try:
            for done in results:
                for row in done.rows:
                    writer.write(row)
                written += len(done.rows)
                problems.extend(done.problems)
                ids.add(done.digests, done.lines)
                bar.update(done.size, len(done.rows))
        except BaseException:
            writer.abort()
            raise
        writer.close()
    problems.extend(ids.repeats(path))
    return written


# --- ids used twice ----------------------------------------------------------------------------

def id_digest(record_id: str) -> int:
    """A 64-bit digest of an id, the same in every process (``hash()`` is salted per process)."""
    raw = record_id.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


class IdLedger:
    """The ids a run has rated, to warn about an id that two lines share: tables joined on id
    (the usual next step) would silently mix the two articles up.

    Kept as 64-bit digests and line numbers in two arrays, 16 bytes an article (1.6 MB per
    100,000; a set of the id strings would take about six times that), so the check does not
    undo the flat memory of a streamed run. Digests that repeat are confirmed by reading those
    lines' ids back from the file, so a digest collision is never reported.
    """

    def __init__(self) -> None:
        self.digests: array[int] = array("Q")
        self.lines: array[int] = array("Q")

    def add(self, digests: array[int], lines: array[int]) -> None:
        self.digests.extend(digests)
        self.lines.extend(lines)

    def repeats(self, path: Path) -> list[Problem]:
        """One warning per line whose id an earlier line already used, in line order."""
        import numpy as np

        digests = np.frombuffer(self.digests, dtype=np.uint64)
        order = np.argsort(digests, kind="stable")
        ranked = digests[order]
        twice = np.flatnonzero(ranked[1:] == ranked[:-1])
        if not len(twice):
            return []
        lines = np.frombuffer(self.lines, dtype=np.uint64)
        suspects = {int(lines[order[i]]) for i in (*twice, *(twice + 1))}
        first_line: dict[str, int] = {}
        warnings = []
        for number, record_id in _ids_at(path, suspects):
            if record_id in first_line:
                warnings.append(Problem(
                    str(path), number,
                    f"id {json.dumps(record_id)} is also the id of line {first_line[record_id]}; "
                    "both were rated, but results joined on id would mix them up: give each "
                    "article an id of its own", level="warning"))
            else:
                first_line[record_id] = number
        return warnings


def _ids_at(path: Path, wanted: set[int]) -> Iterator[tuple[int, str]]:
    """The ids of the given lines, in line order (one pass over the file)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number in wanted:
                record = _parse_line(raw, number, str(path), [])
                if record is not None:
                    yield number, record.id


def _install(task: Task) -> None:
    global _TASK
    _TASK = task


def resolve_jobs(jobs: int | None) -> int:
    """``0`` or ``None`` means one process per core."""
    if not jobs:
        return os.cpu_count() or 1
    if jobs < 0:
        raise BatchError(f"--jobs must be 0 (one per core) or more, not {jobs}")
    return jobs


class Progress:
    """A tqdm bar on standard error with articles/s and ETA (by bytes read); quiet when piped."""

    def __init__(self, total_bytes: int, enabled: bool | None = None, desc: str = "rating"):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.enabled = enabled
        self.articles = 0
        self.started = time.perf_counter()
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
                             desc=desc, file=sys.stderr, dynamic_ncols=True, leave=True)

    def update(self, size: int, articles: int) -> None:
        self.articles += articles
        if self._bar is not None:
            rate = self.articles / max(time.perf_counter() - self.started, 1e-9)
            self._bar.set_postfix_str(f"{self.articles:,} articles, {rate:,.0f}/s", refresh=False)
            self._bar.update(size)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()


# --- the Dask engine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One Dask task's share of the input: a byte range of a JSONL file or a Parquet row group.

    A JSONL piece owns the lines that start in ``[start, end)``.
    """

    path: str
    start: int = 0
    end: int = 0
    row_group: int | None = None


def expand_inputs(spec: str) -> list[Path]:
    """A path or a glob, in sorted order; files ending in .parquet are Parquet, others JSONL."""
    matches = sorted(glob.glob(spec)) if glob.has_magic(spec) else [spec]
    paths = [Path(m) for m in matches if Path(m).is_file()]
    if not paths:
        raise BatchError(f"{spec}: no such file (give a JSONL or Parquet file, or a glob of them)")
    return paths


def plan_pieces(paths: Sequence[Path], piece_bytes: int) -> list[Piece]:
    pieces: list[Piece] = []
    for path in paths:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            groups = pq.ParquetFile(path).num_row_groups
            pieces.extend(Piece(str(path), row_group=i) for i in range(groups))
            continue
        size = path.stat().st_size
        starts = range(0, max(size, 1), max(piece_bytes, 1))
        pieces.extend(Piece(str(path), s, min(s + piece_bytes, size)) for s in starts)
    return pieces


def _piece_records(piece: Piece, problems: list[Problem]) -> Iterator[Record]:
    if piece.row_group is not None:
        import pyarrow.parquet as pq

        file = pq.ParquetFile(piece.path)
        first = 1 + sum(file.metadata.row_group(i).num_rows for i in range(piece.row_group))
        for batch in file.iter_batches(batch_size=1024, row_groups=[piece.row_group]):
            rows = batch.to_pylist()
            yield from (r for r in _parquet_records(rows, first, piece.path, problems) if r)
            first += len(rows)
        return
    with open(piece.path, "rb") as handle:
        position = piece.start
        if position > 0:
            handle.seek(position - 1)
            if handle.read(1) != b"\n":  # the line under way belongs to the piece before
                position += len(handle.readline())
        number = 1 + _count_newlines(piece.path, position)
        handle.seek(position)
        while position < piece.end:
            raw = handle.readline()
            if not raw:
                break
            position += len(raw)
            if raw.strip():
                record = _parse_line(raw, number, piece.path, problems)
                if record is not None:
                    yield record
            number += 1


def _count_newlines(path: str, end: int, block: int = 1 << 22) -> int:
    """Lines before byte ``end``: cheap (memory speed) next to scoring them."""
    count = 0
    with open(path, "rb") as handle:
        remaining = end
        while remaining > 0 and (data := handle.read(min(block, remaining))):
            count += data.count(b"\n")
            remaining -= len(data)
    return count


def rate_piece(scorer: Scorer, piece: Piece, index: int, folder: str, schema: Any,
               weights: Mapping[str, float] | None) -> tuple[int, list[Problem], list[str]]:
    """One Dask task: rate a piece into ``folder/part-<index>.parquet``, a row group at a time.

    Returns the rows written, the problems (with line or row numbers) and warnings.
    """
    import pyarrow.parquet as pq

    problems: list[Problem] = []
    warnings: list[str] = []

    def warn(message: str) -> None:
        if message not in warnings:
            warnings.append(message)

    rows: list[dict[str, Any]] = []
    written = 0
    writer = None
    target = Path(folder) / f"part-{index:05d}.parquet"
    try:
        for record in _piece_records(piece, problems):
            rows.append(make_row(scorer, record, "parquet", weights))
            if len(rows) >= ROW_GROUP_ROWS:
                writer = writer or pq.ParquetWriter(target, schema, compression="zstd")
                writer.write_table(rows_to_table(rows, schema, warn))
                written += len(rows)
                rows = []
        if rows or (writer is None and index == 0):
            # the first shard is written even when empty, so the folder always has the schema
            writer = writer or pq.ParquetWriter(target, schema, compression="zstd")
            writer.write_table(rows_to_table(rows, schema, warn))
            written += len(rows)
    finally:
        if writer is not None:
            writer.close()
    return written, problems, warnings


def rate_dask(
    spec: str,
    scorer: Scorer,
    *,
    output: str,
    weights: Mapping[str, float] | None = None,
    scheduler: str | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
    problems: list[Problem] | None = None,
    piece_bytes: int | None = None,
    client: Any = None,
) -> int:
    """Rate JSONL or Parquet shards with Dask into Parquet shards in the folder ``output``.

    Uses the cluster at ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``), the given
    ``client``, or a LocalCluster of ``jobs`` single-threaded worker processes. Workers must see
    the input and output paths (a local cluster does; a remote one needs a shared file system).
    Shards are written into a staging folder beside ``output`` that replaces it only on success.
    """
    try:
        import dask
        import dask.bag as db
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise BatchError(DASK_MISSING) from None
    problems = problems if problems is not None else []
    paths = expand_inputs(spec)
    pieces = plan_pieces(paths, piece_bytes or DASK_PIECE_BYTES)
    head = head_records(paths[0])
    schema = output_schema(list(scorer.rubric.criteria), head)
    for message in passthrough_losses("parquet", list(scorer.rubric.criteria), head):
        _print_warning(message)
    del head
    target = Path(output)
    _check_output_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    total_bytes = sum(p.stat().st_size for p in paths)
    with contextlib.ExitStack() as stack:
        stack.callback(_discard, staging)  # no-op after the rename into place
        if client is None:
            if scheduler:
                client = stack.enter_context(Client(scheduler))
            else:
                cluster = stack.enter_context(
                    LocalCluster(n_workers=resolve_jobs(jobs), threads_per_worker=1,
                                 processes=True, dashboard_address=None)
                )
                client = stack.enter_context(Client(cluster))
        # The compiled rubric travels once to each worker and stays there for all its tasks.
        shared = dask.delayed(scorer, pure=True, traverse=False)
        bag = db.from_sequence(list(enumerate(pieces)), npartitions=max(len(pieces), 1))
        rated = bag.map(lambda item, s: rate_piece(s, item[1], item[0], str(staging), schema,
                                                   weights), shared)
        futures = client.compute(rated.to_delayed())
        order = {future.key: i for i, future in enumerate(futures)}
        outcomes: list[list[tuple[int, list[Problem], list[str]]]] = [[] for _ in futures]
        sizes = [_piece_size(p) for p in pieces]
        bar = stack.enter_context(Progress(total_bytes, progress))
        try:
            for future in as_completed(futures):
                index = order[future.key]
                outcomes[index] = future.result()
                bar.update(sizes[index], sum(n for n, _, _ in outcomes[index]))
        except BaseException:
            client.cancel(futures)
            raise
        written = 0
        warned: set[str] = set()
        for outcome in outcomes:
            for count, piece_problems, warnings in outcome:
                written += count
                problems.extend(piece_problems)
                for message in warnings:
                    if message not in warned:
                        warned.add(message)
                        _print_warning(message)
        _replace_folder(staging, target)
    return written


def _discard(staging: Path) -> None:
    """Remove a failed run's staging folder, even while cancelled tasks are still writing.

    A task already running on a worker cannot be stopped by cancelling it. Renaming the folder
    first (atomic) makes any shard such a task opens later fail at the old path, so the removal
    cannot race with a new file appearing in it.
    """
    if not staging.exists():
        return
    trash = staging.with_name(staging.name + ".discarded")
    try:
        staging.rename(trash)
    except OSError:
        trash = staging
    shutil.rmtree(trash, ignore_errors=True)


def _piece_size(piece: Piece) -> int:
    if piece.row_group is None:
        return piece.end - piece.start
    import pyarrow.parquet as pq

    return pq.ParquetFile(piece.path).metadata.row_group(piece.row_group).total_byte_size


def _check_output_folder(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise BatchError(f"{target}: exists and is not a folder; the dask engine writes a folder "
                         "of Parquet shards")
    if target.is_dir():
        strangers = [p.name for p in target.iterdir() if not p.name.startswith("part-")]
        if strangers:
            raise BatchError(f"{target}: holds files other than earlier Parquet shards "
                             f"({', '.join(sorted(strangers)[:3])}); choose an empty folder")


def _replace_folder(staging: Path, target: Path) -> None:
    """Put the finished shards in place: the old folder (earlier shards only) goes last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
