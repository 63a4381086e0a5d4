"""Writing results safely: an interrupted run never leaves a half-written output file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


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
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent or Path()
    )
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(
            handle, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})
        ) as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
