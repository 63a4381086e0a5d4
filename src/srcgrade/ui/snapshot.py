"""The dashboard's scored corpus kept on disk between starts, keyed on everything it is made of.

A dashboard start used to load ``ratings/`` (YAML, schemas, the lexicons compiled into the
scanner: about 0.45 s), build the scorer (0.15 s) and score every article, before the first
page could be drawn, although nothing had changed since the last start. What the pages read (the
folder without its compiled lexicons and fact ledger, and per rubric the scores and the scores
table) is kept here after it is computed, and read back (a few milliseconds) by the next start
that finds the very same inputs: the key is a hash of

- every file under the ratings folder, by path and **content** (not modification times: a file
  copied with its old time, or changed twice within a second, still changes the key), and the
  folder's own path (problems and the pages name files by it);
- every file of the installed ``srcgrade`` package (the scoring code, the C scanner, the schemas,
  the dashboard's own data code), this Python's version, and the versions of the libraries the
  stored objects come from (pandas, numpy, pyarrow) or that decide what loads (pyyaml,
  jsonschema); and ``SRCGRADE_PURE_SCAN``.

So an edit of any YAML file, lexicon or rubric, or of srcgrade itself, gives another key, and the
corpus is loaded and scored again: a stale score is never shown. The scorer itself (needed only by
"Score your own") is not stored; a corpus read from here builds it from ``ratings/`` when first
asked (:attr:`srcgrade.ui.data.Corpus.scorer`).

The files live beside the regex store (``srcgrade.regex_cache.cache_dir``: ``$SRCGRADE_CACHE_DIR``,
``~/.cache/srcgrade``; ``SRCGRADE_CACHE_DIR=""`` turns both off), one per ratings folder state,
the most recently written few kept. They are pickles, so, like ``.pyc`` files, they are trusted as
the user's own files, and read only when this user owns them and no one else may write them; a
file that is missing, damaged, unreadable or for another key is ignored (and the corpus
computed), and one that cannot be written only costs the time. Deleting them is
always safe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from srcgrade import regex_cache
from srcgrade.corpus import Ratings, files_under
from srcgrade.output import open_atomic

FORMAT = 1
KEEP = 12
"""Snapshots kept (the most recently written): one per state of a ratings folder, each about the
size of the folder's article texts plus their findings (0.13 MB for the bundled corpus)."""
PREFIX = "dashboard-"
_PACKAGE = Path(__file__).resolve().parents[1]
_VERSIONED = ("pandas", "numpy", "pyarrow", "pyyaml", "jsonschema")
_versions: str | None = None


def _library_versions() -> str:
    """The libraries' versions, read once per process (an upgrade restarts the server)."""
    global _versions
    if _versions is None:
        found = []
        for name in _VERSIONED:
            try:
                found.append(f"{name}={importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                found.append(f"{name}=-")
        _versions = " ".join(found)
    return _versions


def _hash_tree(digest: Any, root: Path, skip: Callable[[Path], bool] = lambda p: False) -> None:
    for path in files_under(root):
        if skip(path):
            continue
        digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError as error:  # unreadable or gone: the loader reports it; hash that state
            digest.update(f"\0unreadable {error.errno}\0".encode())


def _not_code(path: Path) -> bool:
    return "__pycache__" in path.parts or path.suffix == ".pyc"


def key(root: Path) -> str:
    """The hash of everything a stored corpus of ``root`` depends on (see the module's text)."""
    if regex_cache.cache_dir() is None:  # the store is off: nothing to key
        return ""
    digest = hashlib.sha256()
    # The folder as spelt, not resolved: the stored corpus shows its paths, and a second spelling
    # (a symlink) must show its own.
    digest.update(f"{FORMAT}\0{os.path.abspath(root)}\0{sys.version}\0".encode())
    digest.update(f"{_library_versions()}\0{os.environ.get('SRCGRADE_PURE_SCAN', '')}".encode())
    _hash_tree(digest, _PACKAGE, _not_code)
    digest.update(b"\0ratings\0")
    _hash_tree(digest, Path(root))
    return digest.hexdigest()


def _path(folder_key: str) -> Path | None:
    folder = regex_cache.cache_dir()
    return None if folder is None else folder / f"{PREFIX}{folder_key[:40]}.pickle"


def forget(root: Path) -> None:
    """Delete the stored corpus of ``root`` as it is now, so that the next start scores it (what
    a start after an edit costs; the dashboard benchmark measures that)."""
    path = _path(key(root))
    if path is not None:
        path.unlink(missing_ok=True)


def _own_file(status: os.stat_result) -> bool:
    """A pickle runs code when read, so only a file this user wrote, that no one else may
    change, is read (a ``SRCGRADE_CACHE_DIR`` in a shared folder must not let others in)."""
    if not hasattr(os, "getuid"):  # Windows: the user's profile folder is private already
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _read(folder_key: str) -> dict[str, Any] | None:
    path = _path(folder_key)
    if path is None:
        return None
    try:
        with open(path, "rb") as stored:
            if not _own_file(os.fstat(stored.fileno())):
                return None
            document = pickle.load(stored)
    except Exception:  # missing, unreadable, damaged, or from code that is gone: recompute
        return None
    if not isinstance(document, dict) or document.get("key") != folder_key:
        return None
    return document


def light(ratings: Ratings) -> Ratings:
    """The folder as the pages read it: everything but the compiled lexicons and the ledger,
    which only scoring needs."""
    return dataclasses.replace(ratings, lexicons={}, ledger=None)


def read_ratings(folder_key: str) -> Ratings | None:
    """The stored folder (without lexicons and ledger) for this key, or None."""
    document = _read(folder_key)
    return None if document is None else document["ratings"]


def read_scores(folder_key: str, rubric_id: str | None) -> tuple[Any, list, Any] | None:
    """The stored (rubric, article scores, scores table) of one rubric for this key, or None.
    ``rubric_id`` None is the folder's default rubric, as for ``data.score_corpus``."""
    document = _read(folder_key)
    if document is None:
        return None
    return document["corpora"].get(rubric_id or document["ratings"].default_rubric)


def write(folder_key: str, ratings: Ratings, rubric: Any, scores: list, table: Any) -> None:
    """Keep one rubric's scores of the folder (added to those of other rubrics kept for the
    same key). Never raises: a store that cannot be written only costs the time."""
    path = _path(folder_key)
    if path is None:
        return
    with contextlib.suppress(Exception):
        document = _read(folder_key) or {
            "format": FORMAT, "key": folder_key, "ratings": light(ratings), "corpora": {}}
        document["corpora"][rubric.id] = (rubric, scores, table)
        data = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open_atomic(path, binary=True) as out:  # readers see the old file or the new
            out.write(data)
        path.chmod(0o600)  # a umask of 002 would leave it group-writable, and never read
        _prune(path.parent)


def _prune(folder: Path) -> None:
    kept = sorted(folder.glob(f"{PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
