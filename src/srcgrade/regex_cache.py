"""Compiled regexes kept on disk between runs, as Python keeps compiled modules in ``.pyc`` files.

Compiling a rubric means compiling a few hundred lexicon patterns and the combined tries that
find them (one of them 42,000 characters); ``re`` parses and compiles in Python, about 0.2 s per
rubric, which every ``srcgrade score`` and every dashboard start would pay again. ``re`` turns a
pattern into a list of integer instructions for its C matcher; that list is stored here, keyed by
the pattern, its flags and this Python's version and ``re`` engine, and handed back to the C
matcher the next time (``_sre.compile``, what ``re.compile`` itself calls last); what
``pattern_scan`` reads from a pattern's parse tree (how its matches can begin) is kept beside
them. The C matcher checks the instructions it is given and each entry carries a checksum; a
store that is missing, unreadable, from another Python or damaged is ignored and the pattern
compiled the usual way, so the store only ever saves time.

Where: ``$SRCGRADE_CACHE_DIR``, else ``$XDG_CACHE_HOME/srcgrade``, else ``~/.cache/srcgrade``;
``SRCGRADE_CACHE_DIR=""`` turns it off. Deleting the folder is always safe.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import os
import re
import sys
import threading
import zlib
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from srcgrade.output import open_atomic

try:  # the engine behind `re` (CPython); without it, patterns are compiled the usual way
    import _sre
    from re import _compiler as _sre_compiler
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - other Pythons
    _sre = None

ENV_DIR = "SRCGRADE_CACHE_DIR"
_FORMAT = 1
_MOST_BYTES = 10_000_000
"""Past this size (each edit of a lexicon adds new tries of up to 0.5 MB), the entries that the
process writing the store did not use are dropped. Reading the store costs about 45 ms per MB at
every start: both bundled rubrics need about 5 MB with the pure-Python scan's tries (round 19), and
a store of 15 MB, grown over a day of lexicon edits, added 0.7 s to every dashboard start. The limit
sits well above what both rubrics need: below it, a process that used one rubric dropped the
other's entries, and the next start rebuilt them (3.5 s of CPU instead of 0.9 s)."""


def cache_dir() -> Path | None:
    """The folder the store lives in, or None when the user turned it off."""
    configured = os.environ.get(ENV_DIR)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "srcgrade"


def _store_name() -> str:
    """One file per Python version and `re` engine: the instructions are only valid there."""
    magic = getattr(_sre, "MAGIC", 0)
    size = getattr(_sre, "CODESIZE", 0)
    version = "".join(str(v) for v in sys.version_info[:3])
    return f"regex-{sys.implementation.name}{version}-{magic}-{size}.json"


class _Store:
    """The patterns compiled so far, the ones read from disk and the ones to write back."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._entries: dict[str, list[Any]] | None = None
        self._used: set[str] = set()
        self._dirty = False
        self._depth = 0
        self._path: Path | None = None

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is not None and self._path == self._current_path():
            return self._entries
        self._path = self._current_path()
        self._entries, self._used, self._dirty = {}, set(), False
        if self._path is None or _sre is None:
            return self._entries
        with contextlib.suppress(OSError, ValueError):
            document = self._path.read_text(encoding="utf-8")
            stored = json.loads(document)
            if isinstance(stored, dict) and stored.get("format") == _FORMAT:
                entries = stored.get("patterns")
                if isinstance(entries, dict):
                    self._entries = entries
                    # Too large already: written again, with only what is used, at the end of
                    # this batch, though nothing new was compiled.
                    self._dirty = len(document) > _MOST_BYTES
        return self._entries

    @staticmethod
    def _current_path() -> Path | None:
        folder = cache_dir()
        return None if folder is None else folder / _store_name()

    def compile(self, pattern: str, flags: int) -> re.Pattern[str]:
        if _sre is None or not isinstance(pattern, str):
            return re.compile(pattern, flags)
        key = f"re:{flags}:{pattern}"
        with self._lock:
            entries = self._load()
            stored = entries.get(key)
        if stored is not None:
            compiled = _from_instructions(pattern, stored)
            if compiled is not None:
                with self._lock:
                    self._used.add(key)
                return compiled
        compiled, instructions = _compile_with_instructions(pattern, flags)
        if instructions is not None:
            with self._lock:
                entries[key] = instructions
                self._used.add(key)
                self._dirty = True
        return compiled

    def recall(self, key: str) -> Any:
        """A value stored with ``keep`` (JSON), or None."""
        with self._lock:
            value = self._load().get(f"v:{key}")
            if value is not None:
                self._used.add(f"v:{key}")
            return value

    def keep(self, key: str, value: Any) -> None:
        with self._lock:
            self._load()[f"v:{key}"] = value
            self._used.add(f"v:{key}")
            self._dirty = True

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """Write what was compiled inside the block to disk when the outermost block ends."""
        with self._lock:
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._dirty:
                    self._write()

    def _write(self) -> None:
        path, entries = self._path, self._entries
        self._dirty = False
        if path is None or entries is None:
            return
        document = json.dumps({"format": _FORMAT, "patterns": entries}, separators=(",", ":"))
        if len(document) > _MOST_BYTES:
            entries = self._entries = {k: v for k, v in entries.items() if k in self._used}
            document = json.dumps({"format": _FORMAT, "patterns": entries}, separators=(",", ":"))
        with contextlib.suppress(OSError):  # an unwritable store only costs the time
            path.parent.mkdir(parents=True, exist_ok=True)
            with open_atomic(path) as out:  # readers see the old store or the new, never half
                out.write(document)


def _compile_with_instructions(pattern: str, flags: int) -> tuple[re.Pattern[str], list | None]:
    """``re.compile``, step by step as it does it, keeping the instructions for the store."""
    try:
        parsed = _sre_parser.parse(pattern, flags)
        code = _sre_compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        final_flags, groups = flags | parsed.state.flags, parsed.state.groups - 1
        compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
        raw = array("I", code).tobytes()
        words = base64.b64encode(raw).decode("ascii")
        instructions = [final_flags, groups, groupindex, indexgroup, words, _check(pattern, raw)]
    except Exception:  # an invalid pattern, or `re`'s private steps changed: the public way
        return re.compile(pattern, flags), None
    return compiled, instructions


def _check(pattern: str, raw: bytes) -> int:
    """A checksum of the pattern and its instructions: a store damaged on disk is not used."""
    return zlib.crc32(raw, zlib.crc32(pattern.encode("utf-8", "surrogatepass")))


def _from_instructions(pattern: str, stored: list[Any]) -> re.Pattern[str] | None:
    """The compiled pattern from stored instructions, or None when they cannot be used (the C
    matcher validates them: damaged ones raise and the pattern is compiled again)."""
    try:
        final_flags, groups, groupindex, indexgroup, words, check = stored
        raw = base64.b64decode(words, validate=True)
        if check != _check(pattern, raw):
            return None
        code = array("I")
        code.frombytes(raw)
        return _sre.compile(
            pattern, int(final_flags), code.tolist(), int(groups), dict(groupindex),
            tuple(indexgroup),
        )
    except Exception:  # anything wrong with the stored entry means: compile it again
        return None


_STORE = _Store()


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, served from the on-disk store when it holds the pattern."""
    return _STORE.compile(pattern, flags)


def recall(key: str) -> Any:
    """What an analysis of a pattern found last time (stored with ``keep``), or None."""
    return _STORE.recall(key)


def keep(key: str, value: Any) -> None:
    """Store a JSON value worked out from a pattern (the key must say how it was worked out)."""
    _STORE.keep(key, value)


@functools.cache
def source_digest(module_file: str) -> str:
    """A digest of a module's source, for the keys of what it works out from patterns: answers
    stored by another version of the module are not reused."""
    return hashlib.sha1(Path(module_file).read_bytes()).hexdigest()[:16]


def remembered(key: str, work: Callable[[], Any]) -> Any:
    """``work()``'s value as stored under ``key``, worked out and kept the first time; a None
    answer is kept as "unknown", so a pattern it fails on is not analysed again at each start."""
    stored = recall(key)
    if stored is None:
        stored = work()
        keep(key, "unknown" if stored is None else stored)
    return stored


def kept() -> contextlib.AbstractContextManager[None]:
    """Compile a batch of patterns, then write the new ones to the store once."""
    return _STORE.kept()
