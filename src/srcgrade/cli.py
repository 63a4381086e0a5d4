"""The ``srcgrade`` command line: argument parsing and output only; the work is in the core."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from srcgrade import batch, engine, report
from srcgrade.corpus import (
    ENV_RATINGS,
    RATINGS_HELP,
    Article,
    Ratings,
    default_ratings_dir,
    load_articles,
    load_ratings,
    read_weights_file,
)
from srcgrade.ingest import (
    HTML_SUFFIXES,
    IngestError,
    UnreachableError,
    describe_corpus,
    fetch_url,
    text_from_path,
)
from srcgrade.lexicon import example_problems
from srcgrade.model import Problem
from srcgrade.output import (
    OutputError,
    WriteError,
    check_not_input,
    check_target,
    open_atomic,
    was_written,
)
from srcgrade.rubric import WeightError, parse_weights, resolve_weights
from srcgrade.textcheck import text_warnings, web_address

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C
SHOWN_LINE_PROBLEMS = 10
"""Bad input lines reported one by one; past this, a count (a wrong file has thousands)."""


class UsageError(Exception):
    """A mistake in how the command was called; printed without a traceback, exit 2."""


def _load(path: Path, warn: bool = True, given_by: str | None = None) -> Ratings:
    """Load a ratings folder and print its problems: a broken lexicon or rubric drops rules,
    which changes every score, so no command may use the rest silently (validate, which lists
    the problems itself, passes ``warn=False``). ``given_by`` says where the path came from, so
    a wrong one is fixed where it was set."""
    if not path.is_dir():
        raise UsageError(_no_ratings_folder(path, given_by))
    ratings = load_ratings(path)
    if warn:
        # A broken article is left out; any other broken file changes how the rest is scored.
        articles = str(path / "articles")
        for problem in ratings.problems:
            left_out = problem.path.startswith(articles) and problem.level == "error"
            _warn([problem], "skipped" if left_out else "problem")
    return ratings


def finished(ratings: Ratings, skipped: Sequence[Problem] = ()) -> int:
    """The exit status of a command that did its work: 1 when it had to leave something out (a
    broken file in the ratings folder, a bad input line), which it has printed, so a script
    notices what a person reads on the terminal; its output is complete for everything else."""
    left_out = [p for p in skipped if p.level == "error"]
    return EXIT_PROBLEMS if ratings.problems or left_out else EXIT_OK


def _no_ratings_folder(path: Path, given_by: str | None) -> str:
    """What to do about a ratings path that is no folder, said where the path was set: telling
    someone whose $SRCGRADE_RATINGS is wrong to "set SRCGRADE_RATINGS" does not help."""
    what = "not a folder" if path.exists() else "no such folder"
    holds = "the ratings folder, the one that holds rubrics/ and lexicons/"
    if given_by == "argument":  # validate's own argument
        return f"{path}: {what}; give {holds}"
    if given_by == "--ratings":
        return f"{path}: {what} (given by --ratings); give {holds}"
    if given_by == ENV_RATINGS:
        return (
            f"{path}: {what} (set by ${ENV_RATINGS}); point ${ENV_RATINGS} at {holds}, "
            "or unset it to use the bundled ratings"
        )
    return (
        f"{path}: no ratings folder here; run from the repository, pass --ratings DIR "
        "(or set SRCGRADE_RATINGS), or install srcgrade editable from its checkout (./dev)"
    )


def load_for(args: argparse.Namespace) -> Ratings:
    """The ratings folder a command reads (``--ratings``, else ``$SRCGRADE_RATINGS``, else the
    default), loaded and its problems printed."""
    if getattr(args, "ratings", None):
        return _load(Path(args.ratings), given_by="--ratings")
    given_by = ENV_RATINGS if os.environ.get(ENV_RATINGS) else None
    return _load(default_ratings_dir(), given_by=given_by)


def _weights(args: argparse.Namespace, ratings: Ratings) -> dict[str, float]:
    """The weights to score with: the rubric's, then a preset file's, then ``--weights``.

    A preset is checked against the rubric in use (its ``rubric:`` and its criteria, each
    reported at its line), and weights so large that a total overflows are refused, since
    every total would silently come out as n/a.
    """
    overrides: dict[str, float] = {}
    try:
        rubric = ratings.rubric(args.rubric)
        if getattr(args, "weights_file", None):
            overrides.update(read_weights_file(Path(args.weights_file), rubric))
        if getattr(args, "weights", None):
            overrides.update(parse_weights(args.weights))
        weights = resolve_weights(rubric, overrides)
    except (WeightError, KeyError) as error:
        message = str(error.args[0]) if isinstance(error, KeyError) else str(error)
        # One problem a line, each with the prefix main() gives the first.
        raise UsageError(message.replace("\n", "\nsrcgrade: ")) from None
    if not math.isfinite(sum(weights.values()) * 100):
        raise UsageError(
            "the weights are too large to add up (a total would overflow); only their ratios "
            "matter, so scale them down (e.g. citations=2,hedging=1)"
        )
    for criterion in (c for c in overrides if weights[c] == 0):
        print(f"srcgrade: note: '{criterion}' has weight 0, so the totals leave it out",
              file=sys.stderr)
    return weights


def _warn(problems: Iterable[Problem], what: str | None = None, limit: int | None = None) -> None:
    """Print problems as ``srcgrade: file:line: message``; past ``limit``, only how many more
    (a wrong input file would otherwise bury the one line that says so)."""
    shown = list(problems)
    prefix = f"{what}: " if what else ""
    for problem in shown[:limit]:
        level = "warning: " if problem.level == "warning" and not what else ""
        print(f"srcgrade: {prefix}{level}{problem}", file=sys.stderr)
    if limit is not None and len(shown) > limit:
        rest = shown[limit:]
        kind = "lines skipped" if all(p.level == "error" for p in rest) else "lines with problems"
        print(f"srcgrade: ... and {len(rest)} more {kind}", file=sys.stderr)


# --- validate ----------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if root.is_dir() and not _is_ratings_folder(root):
        if _is_article_folder(root):  # as `rate` takes one
            return _validate_article_folder(root)
        # Else a typo'd path, or the lexicons/ folder itself, would pass as "ok (0 rubrics)".
        raise UsageError(
            f"{root}: not a ratings folder; give the folder that holds rubrics/ and lexicons/"
        )
    ratings = _load(root, warn=False, given_by="argument")
    problems = list(ratings.problems)
    if not ratings.rubrics and not ratings.failed_rubrics:  # rate and score would refuse it
        problems.append(Problem(str(root / "rubrics"), None,
                                "no rubric here; rate and score need at least one rubric YAML"))
    for lexicon in ratings.lexicons.values():
        problems.extend(example_problems(lexicon.entries))
    for problem in problems:
        print(problem)
    counts = (
        f"{len(ratings.rubrics)} rubrics, {len(ratings.lexicons)} lexicons "
        f"({sum(len(x.entries) for x in ratings.lexicons.values())} entries), "
        f"{len(ratings.articles)} articles"
    )
    if ratings.ledger is not None:
        counts += f", {len(ratings.ledger)} facts"
    status = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems else "ok"
    print(f"{args.path}: {status} ({counts})", file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _validate_article_folder(folder: Path) -> int:
    """The articles of a folder that ``rate`` accepts, checked as ``rate`` would read them."""
    articles, problems = load_articles(folder, folder)
    for problem in problems:
        print(problem)
    status = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems else "ok"
    print(f"{folder}: {status} ({len(articles)} article{'s' if len(articles) != 1 else ''})",
          file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


# --- rate --------------------------------------------------------------------------------------


def cmd_rate(args: argparse.Namespace) -> int:
    source = Path(args.path)
    dask = args.engine == "dask"
    if not dask:
        args.format = _output_format(args.format, args.output)
        if args.format == "parquet" and not args.output and sys.stdout.isatty():
            raise UsageError("Parquet is a binary format: give -o FILE.parquet")
    if source.is_dir():
        if dask:
            raise UsageError("the dask engine rates JSONL or Parquet shards, not a ratings folder")
        if not _is_ratings_folder(source):
            return _rate_article_folder(args, source)
        if args.ratings:
            raise UsageError("give either a ratings folder to rate or --ratings, not both")
        ratings = _load(source)
        _rate_articles(args, ratings, ratings.articles)
        return finished(ratings)
    if not dask and not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if not dask:
        _check_corpus_file(source)
    if dask and (args.format or "parquet") != "parquet":
        raise UsageError("the dask engine writes Parquet shards: drop --format or use parquet")
    if dask and not args.output:
        raise UsageError("the dask engine writes a folder of Parquet shards: give -o DIR")
    if args.scheduler and not dask:
        raise UsageError("--scheduler is for --engine dask")
    ratings = load_for(args)
    weights = _weights(args, ratings)
    scorer = engine.make_scorer(ratings, args.rubric)
    problems: list[Problem] = []
    written = 0
    try:
        if dask:
            written = batch.rate_dask(
                args.path,
                scorer,
                output=args.output,
                weights=weights,
                scheduler=args.scheduler,
                jobs=args.jobs,
                progress=args.progress,
                problems=problems,
            )
        else:
            written = batch.rate_jsonl(
                source,
                scorer,
                output=args.output,
                fmt=args.format or "table",
                weights=weights,
                jobs=args.jobs or 1,
                progress=args.progress,
                problems=problems,
            )
    except batch.BatchError as error:
        _warn(problems, limit=SHOWN_LINE_PROBLEMS)
        raise UsageError(str(error)) from None
    _report_skipped(source, problems, written)
    return finished(ratings, problems)


def _is_ratings_folder(path: Path) -> bool:
    return any((path / sub).is_dir() for sub in ("rubrics", "lexicons"))


_ARTICLE_KEY = re.compile(rb"(?m)^(?:text_file|text):")


def _is_article_folder(path: Path) -> bool:
    """Whether the folder holds article YAMLs (a ``text_file:`` or ``text:`` key in one of its
    first files), not lexicons, rubrics or other YAML: those are not articles to rate."""
    for n, file in enumerate(sorted(path.glob("*.yaml"))):
        if n == 20:
            break
        with contextlib.suppress(OSError), file.open("rb") as handle:
            if _ARTICLE_KEY.search(handle.read(65536)):
                return True
    return False


def _rate_article_folder(args: argparse.Namespace, folder: Path) -> int:
    """A folder of article YAMLs (such as ``ratings/articles``), rated with the ratings folder
    of ``--ratings`` or the default one: typing the folder the articles are in is as natural as
    typing the ratings folder above it."""
    if not _is_article_folder(folder):
        raise UsageError(
            f"{folder}: neither a ratings folder (rubrics/, lexicons/) nor a folder of article "
            "YAML files; give the ratings folder, a folder of articles, or a JSONL file"
        )
    ratings = load_for(args)
    articles, problems = load_articles(folder, folder)
    for problem in problems:  # as for ratings/articles: "skipped" only for what was left out
        _warn([problem], "skipped" if problem.level == "error" else "problem")
    _rate_articles(args, ratings, articles)
    return EXIT_PROBLEMS if problems else finished(ratings)


def _rate_articles(args: argparse.Namespace, ratings: Ratings, articles: list[Article]) -> None:
    weights = _weights(args, ratings)
    scorer = engine.make_scorer(ratings, args.rubric)
    scores = [(a.meta, engine.score_article(scorer, a, weights)) for a in articles]
    _write_scores(args, scores, scorer.rubric.criteria)


def _report_skipped(source: Path, problems: list[Problem], written: int) -> None:
    """The skipped lines, or, when nothing could be rated, one line on what the file looks
    like: a wrong file (srcgrade's own JSON output, a table with other field names) would
    otherwise give a warning per line and leave the reason to guess."""
    if written or not problems:
        _warn(problems, limit=SHOWN_LINE_PROBLEMS)
        return
    looks = describe_corpus(source) if source.is_file() else None
    if looks is None:
        _warn(problems, limit=SHOWN_LINE_PROBLEMS)
        looks = f"{source}: no line could be rated; fix the lines above"
    print(f"srcgrade: {looks}", file=sys.stderr)


_FORMAT_OF_SUFFIX = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def _output_format(given: str | None, output: str | None) -> str | None:
    """``--format``, else the one ``-o``'s extension names (a table in ``res.parquet`` is no
    Parquet file); a format that contradicts the extension is refused, not written."""
    suffix = Path(output).suffix.lower() if output else ""
    implied = _FORMAT_OF_SUFFIX.get(suffix)
    if not given and suffix and not implied and suffix not in (".txt", ".text"):
        raise UsageError(
            f"{output}: srcgrade writes csv, json, jsonl, parquet or a text table (.txt), not "
            f"{suffix}; name the file for one of them (e.g. {Path(output or '').stem}.csv) or "
            "give --format"
        )
    if given and implied and given != implied:
        raise UsageError(
            f"{output}: a .{Path(output or '').suffix.lower()[1:]} name but --format {given}; "
            f"drop --format (the name says {implied}) or choose a name that fits {given}"
        )
    return given or implied


_ARTICLE_SUFFIXES = {".txt", ".md", *HTML_SUFFIXES}
_COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz", ".zst", ".zip"}


def _check_corpus_file(source: Path) -> None:
    """Catch a file that is not a JSONL corpus before its lines are each reported as bad JSON."""
    suffix = source.suffix.lower()
    if suffix in _ARTICLE_SUFFIXES:
        raise UsageError(
            f"{source}: one article; rate takes a ratings folder or a JSONL corpus. "
            f"Score one article with: srcgrade score {source}"
        )
    if suffix == ".parquet":
        raise UsageError(
            f"{source}: Parquet corpora are rated with --engine dask (-o DIR); "
            "for one process, give a JSONL file"
        )
    if suffix in _COMPRESSED_SUFFIXES:
        raise UsageError(f"{source}: a compressed file; decompress it first (e.g. gunzip -k)")


def _write_scores(args: argparse.Namespace, pairs: Iterable[tuple[dict, object]], criteria) -> None:
    """A ratings folder's few articles, all at once (a JSONL corpus streams through batch)."""
    fmt = args.format or "table"
    with open_atomic(args.output, binary=fmt == "parquet") as out:
        if fmt == "jsonl":
            for extra, score in pairs:
                out.write(report.jsonl_row(score, extra) + "\n")
        elif fmt == "json":
            json.dump([report.to_json(s) for _, s in pairs], out, indent=2, ensure_ascii=False)
            out.write("\n")
        else:
            frame = _frame(pairs, digits=None if fmt == "table" else 1)
            if fmt == "csv":
                out.write(report.csv_text(frame))
            elif fmt == "parquet":
                frame.to_parquet(out, index=False)
            else:
                empty = frame.empty
                out.write("no articles\n" if empty else report.ranking_table(frame, criteria))


def _frame(pairs: Iterable[tuple[dict, object]], digits: int | None = 1):
    import pandas as pd

    return pd.DataFrame([report.flat_row(score, extra, digits) for extra, score in pairs])


# --- score -------------------------------------------------------------------------------------


_MAGIC = (
    (b"%PDF", "a PDF; srcgrade reads text: extract it first (e.g. pdftotext {path} out.txt) "
              "and score that"),
    (b"\x89PNG", "an image; srcgrade reads text (.txt, .md, .html)"),
    (b"\xff\xd8\xff", "an image; srcgrade reads text (.txt, .md, .html)"),
    (b"GIF8", "an image; srcgrade reads text (.txt, .md, .html)"),
    (b"PK\x03\x04", "a zip archive (or a Word/OpenDocument file); save the article as .txt "
                    "or unzip it first"),
    (b"\x1f\x8b", "a compressed file; decompress it first (e.g. gunzip -k {path})"),
    (b"BZh", "a compressed file; decompress it first (e.g. bunzip2 -k {path})"),
    (b"\xfd7zXZ\x00", "a compressed file; decompress it first (e.g. unxz -k {path})"),
    (b"\x28\xb5\x2f\xfd", "a compressed file; decompress it first (e.g. unzstd {path})"),
    (b"{\\rtf", "a rich-text (RTF) document, whose formatting codes would be read as words; "
                "save it as plain text first (TextEdit: Format > Make Plain Text)"),
)
"""File signatures of what ``score`` cannot read, with what to do: decoding them as text would
say "not valid UTF-8; save the file as UTF-8", which is the wrong advice."""


_WEB_ADDRESS = re.compile(
    r"(?i)(?![^/]*\.(?:txt|md|html?|ya?ml|jsonl?|csv|pdf)$)(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]|$)"
)
"""A host name with nothing before it ("www.vox.com/story", "nytimes.com"): a URL typed without
its scheme. A bare name with a file's ending ("article.txt") is taken for a file."""


def _check_article_file(given: str) -> None:
    """Refuse a file that is not one article before it is scored as if it were one (a JSONL
    corpus would be scored as a single 64,000-word article, an article YAML with its expert
    rationales as the text)."""
    path = Path(given)
    if not path.exists() and len(given.split()) > 2:
        # `srcgrade score "Scientists say this cures..."`: text where a file name goes.
        raise UsageError(
            f"'{given if len(given) <= 40 else given[:40] + '...'}' is not a file; to score "
            "text itself, pipe it in: "
            "echo 'the text' | srcgrade score -"
        )
    if not path.exists() and _WEB_ADDRESS.match(given):
        raise UsageError(
            f"{given}: no such file; if it is a web address, write it with its scheme: "
            f"srcgrade score https://{given}"
        )
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        raise UsageError(
            f"{given}: a JSONL corpus (an article per line); rate it with: srcgrade rate {given}"
        )
    if suffix in {".csv", ".tsv"}:
        raise UsageError(
            f"{given}: a table, not an article's text; to rate a column of articles, write it "
            "as JSONL with a text field (pandas: read_csv(...).to_json('corpus.jsonl', "
            "orient='records', lines=True)) and use srcgrade rate corpus.jsonl"
        )
    if suffix in {".yaml", ".yml"}:
        folder = path.parent.parent if path.parent.name == "articles" else Path("FOLDER")
        raise UsageError(
            f"{given}: a YAML file, not an article's text; score the text file its text_file: "
            f"names, or rate the ratings folder it is in (srcgrade rate {folder})"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return  # text_from_path says what is wrong with the path
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UsageError(f"{given}: {what.format(path=given)}")


def cmd_score(args: argparse.Namespace) -> int:
    ratings = load_for(args)
    weights = _weights(args, ratings)
    # Anything with a scheme is a URL: only public http(s) is fetched, anything else refused.
    is_url = "://" in args.input
    if not is_url and args.input != "-":
        _check_article_file(args.input)
    try:
        text = fetch_url(args.input) if is_url else text_from_path(args.input)
    except UnreachableError as error:
        raise UsageError(f"{error}: is this computer online? Or save the article's text to a "
                         "file and score that (srcgrade score article.txt)") from None
    except IngestError as error:
        raise UsageError(str(error)) from None
    scorer = engine.make_scorer(ratings, args.rubric)
    known = None if is_url else ratings.article_with_text(text)
    if known is not None:
        print(
            f"srcgrade: note: this is the text of '{known.id}' ({known.path}); scored with its "
            "address and date, as `srcgrade rate` scores it",
            file=sys.stderr,
        )
        score = scorer.score(text, article_id=known.id, title=known.title, weights=weights,
                             article_date=args.date or known.date, meta=known.meta)
    else:
        name = "standard input" if args.input == "-" else args.input
        score = scorer.score(text, article_id=name, title=name, weights=weights,
                             article_date=args.date, meta={"url": args.input} if is_url else None)
    # The same warnings, from the same code, as the dashboard's "Score your own".
    for warning in text_warnings(text, score.word_count):
        message = warning.message
        if warning.kind == "web_address":
            address = web_address(text) or ""
            scheme = "" if "://" in address else "https://"
            message = f"{message.rstrip('.')}: srcgrade score {scheme}{address}"
        print(f"srcgrade: warning: {message}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.to_json(score), indent=2, ensure_ascii=False))
    else:
        print(report.score_report(score), end="")
    return finished(ratings)


# --- parser ------------------------------------------------------------------------------------


def _iso_date(text: str) -> dt.date:
    """``--date``: a calendar date, refused by argparse (exit 2, one line) when it is none."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def _job_count(text: str) -> int:
    """``--jobs``: refused before any input is read, so its message is not buried under the
    warnings about the input's fields."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(
            f"must be 0 (one per core) or more, not '{text}'") from None
    return jobs


def _common(parser: argparse.ArgumentParser, ratings_flag: bool = True) -> None:
    parser.add_argument("--rubric", help="rubric id (default: the one ratings/srcgrade.yaml names)")
    parser.add_argument("--weights", help="override weights, e.g. citations=2,hedging=1")
    parser.add_argument("--weights-file", help="a weight preset YAML (e.g. from fit-weights)")
    if ratings_flag:
        parser.add_argument("--ratings", help=RATINGS_HELP)


_BUILT_IN = ("validate", "rate", "score")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the ``command`` about to run, only what it needs (the
    extensions import numpy and pandas, a third of a second that ``srcgrade score`` need not
    wait for)."""
    parser = argparse.ArgumentParser(
        prog="srcgrade",
        description="Rate how trustworthy health and science writing is, against a YAML rubric.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every YAML file; list problems as file:line")
    p.add_argument("path", help="the ratings folder")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("rate", help="rate a ratings folder's articles or a JSONL corpus")
    p.add_argument(
        "path",
        help="a ratings folder, a folder of article YAML files (rated with --ratings or the "
        "default ratings), or a JSONL file with id and text per line",
    )
    _common(p)
    p.add_argument(
        "--format",
        choices=["table", "csv", "json", "jsonl", "parquet"],
        help="output format (default: table; parquet for --engine dask). All stream but "
        "table, which ranks every article and so keeps a small row per article in memory: "
        "for large corpora use csv, jsonl, json or parquet",
    )
    p.add_argument(
        "-o",
        "--output",
        help="write here (atomically) instead of standard output; "
        "a folder of Parquet shards for --engine dask",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=_job_count,
        default=None,
        metavar="N",
        help="processes rating a JSONL corpus (default 1; 0 = one per core); "
        "with --engine dask, workers of the local cluster",
    )
    p.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="dask: rate JSONL or Parquet shards (a path or a glob) on a Dask cluster; "
        "needs pip install 'srcgrade[dask]'",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: an existing cluster's scheduler, e.g. tcp://host:8786 "
        "(default: a local cluster)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar with rate and ETA on standard error (default: when it is a terminal)",
    )
    p.set_defaults(run=cmd_rate)

    p = sub.add_parser("score", help="score one article: a file (.txt .md .html), - or a URL")
    p.add_argument("input", help="path, '-' for standard input, or an http(s) URL")
    _common(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--date", type=_iso_date,
                   help="the article's publication date, YYYY-MM-DD (for currency)")
    p.set_defaults(run=cmd_score)

    if command not in _BUILT_IN:
        for register in _extensions():
            register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands that live beside the feature they expose (evaluate, fit-weights)."""
    from srcgrade import evaluate

    return [evaluate.register]


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
    output = getattr(args, "output", None)
    try:
        if output is not None and getattr(args, "engine", None) != "dask":  # dask: a folder
            check_target(output)
            check_not_input(output, _inputs(args))
        code = int(args.run(args))
        sys.stdout.flush()  # a full disk under `> file` shows here, not at exit
        return code
    except (UsageError, OutputError) as error:
        print(f"srcgrade: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        kept = f"; nothing written to {output}" if output else ""
        if output and was_written(output):
            kept = f" after {output} was written in full"
        print(f"srcgrade: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:
        _quiet_stdout()
        print(f"srcgrade: {_os_error(error)}", file=sys.stderr)
        return EXIT_PROBLEMS


def _inputs(args: argparse.Namespace) -> list[str]:
    """The files a command reads, which its ``-o`` must not overwrite."""
    found = [getattr(args, "path", None), *(getattr(args, "paths", None) or [])]
    return [str(path) for path in found if path]


def _os_error(error: OSError) -> str:
    """One line for an error of the system (a write error names its path already)."""
    if isinstance(error, WriteError) or (error.filename is None and error.errno is None):
        return str(error)
    reason = error.strerror or error
    if error.filename is None:  # the output files' errors are WriteErrors: this is stdout
        return f"standard output: cannot write ({reason}); check the disk it goes to"
    return f"{error.filename}: {reason}; check the file and its folder"


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so Python's own flush at exit cannot fail again
    and print a traceback of its own (the fix the Python docs give for SIGPIPE)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
