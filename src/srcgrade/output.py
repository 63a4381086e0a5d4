"""Writing results safely: an interrupted run never leaves a half-written output file."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class OutputError(OSError):
    """An output path that cannot be written; the message says why and what to do."""


def check_target(path: str | os.PathLike[str]) -> None:
    """Refuse an output path that cannot work before any work is done: hours of rating should
    not end in a traceback because the folder to write in does not exist."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give the name of a file to write")
    if not folder.is_dir():
        raise OutputError(f"{target}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: cannot write in {folder}; check its permissions")


def _file_mode(target: Path) -> int:
    """The mode the file would have had if written directly: the old file's when it is replaced,
    else the usual 0666 less the umask (``mkstemp`` creates its file readable by its owner only)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str] | None, binary: bool = False) -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    With no path, yield standard output. A rename within one folder is atomic on POSIX, so readers
    see either the old file or the complete new one.
    """
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    target = Path(path)
    check_target(target)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent or Path()
    )
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(
            handle, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})
        ) as out:
            yield out
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
