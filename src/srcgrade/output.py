"""Writing results safely: an interrupted run never leaves a half-written output file."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any


class OutputError(OSError):
    """An output path that cannot be written; the message says why and what to do."""


class WriteError(OSError):
    """Writing the output failed midway (disk full, a folder that takes no new files); the
    message names the path and the system's reason, and nothing was left half-written."""


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO, errno.EPIPE}
"""Errors the writers raise while the output is being written (they carry no file name)."""


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file ``path`` writes to: a symlink's target, so the link itself stays a link."""
    target = Path(path)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def is_special(target: Path) -> bool:
    """An existing FIFO, device or socket (``/dev/null``, ``mkfifo out``): written through
    directly, as renaming a file over it would replace the node itself."""
    with contextlib.suppress(OSError):
        mode = target.stat().st_mode
        return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)
    return False


def check_target(path: str | os.PathLike[str]) -> None:
    """Refuse an output path that cannot work before any work is done: hours of rating should
    not end in a traceback because the folder to write in does not exist."""
    if not os.fspath(path).strip():  # Path("") is ".", which would be reported as a folder
        raise OutputError("the output file name is empty; give -o the name of a file to write")
    target = resolve_target(path)
    folder = target.parent
    if target.is_dir():
        raise OutputError(f"{path}: is a folder; give the name of a file to write")
    if is_special(target):
        if not os.access(target, os.W_OK):
            raise OutputError(f"{path}: cannot write to it; check its permissions")
        return
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write in {folder}; check its permissions")


def check_not_input(output: str | os.PathLike[str], inputs: Iterable[str]) -> None:
    """Refuse an output that is one of the inputs: the atomic rename would replace the corpus
    with its ratings, and the article texts would be gone for good."""
    for given in inputs:
        try:
            same = os.path.samefile(output, given)
        except OSError:  # one of them does not exist (yet): they cannot be one file
            continue
        if same:
            raise OutputError(
                f"{output}: is the input file {given}; writing there would destroy it; "
                "choose another name for -o"
            )


def _file_mode(target: Path) -> int:
    """The mode the file would have had if written directly: the old file's when it is replaced,
    else the usual 0666 less the umask (``mkstemp`` creates its file readable by its owner only)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _text_options(binary: bool) -> dict[str, Any]:
    return {} if binary else {"encoding": "utf-8", "newline": ""}


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str] | None, binary: bool = False) -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    With no path, yield standard output. A rename within one folder is atomic on POSIX, so readers
    see either the old file or the complete new one. A symlink's target is written (the link
    stays); a FIFO or device is written directly, as nothing can be renamed over it safely.
    An error while writing is raised as :class:`WriteError` naming ``path``.
    """
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    check_target(path)
    target = resolve_target(path)
    mode = "wb" if binary else "w"
    try:
        if is_special(target):
            with _writing(path):
                out = open(target, mode, **_text_options(binary))  # noqa: SIM115 (closed below)
            with out:
                yield out
            return
        with _atomic(path, target, mode, binary) as out:
            yield out
    except OSError as error:
        # The writers' own errors carry no file name; one that names a file is about an input.
        if error.filename is None and error.errno in _WRITE_ERRNOS:
            raise _write_error(path, error) from None
        raise


def _write_error(path: str | os.PathLike[str], error: OSError) -> WriteError:
    return WriteError(
        f"{path}: cannot write ({error.strerror or error}); free some space or write elsewhere"
        if error.errno in {errno.ENOSPC, errno.EDQUOT}
        else f"{path}: cannot write ({error.strerror or error}); choose another place to write"
    )


@contextlib.contextmanager
def _writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Creating, renaming or opening the output: any OSError there is the output's."""
    try:
        yield
    except WriteError:
        raise
    except OSError as error:
        raise _write_error(path, error) from None


@contextlib.contextmanager
def _atomic(
    path: str | os.PathLike[str], target: Path, mode: str, binary: bool
) -> Iterator[IO[Any]]:
    """A temporary file beside ``target``, renamed over it when the block ends without error.

    The name is chosen before the file is created, inside the ``try``: with ``mkstemp`` a Ctrl-C
    arriving between its creating the file and the ``try`` (its own return, ``_writing``'s exit)
    left the ``.part`` file behind, as nothing yet knew its name.
    """
    temporary, handle = "", None
    _created.pop(_key(target), None)
    try:
        with _writing(path):
            while handle is None:
                temporary = _temporary_name(target)
                with contextlib.suppress(FileExistsError):  # 64 random bits: never, in practice
                    handle = os.open(temporary, _CREATE_FLAGS, 0o600)
        _created[_key(target)] = _node(os.fstat(handle))
        with os.fdopen(handle, mode, **_text_options(binary)) as out:
            yield out
        with _writing(path):
            os.chmod(temporary, _file_mode(target))
            os.replace(temporary, target)
    except BaseException:
        # Before ``handle`` is known the file may not exist (creating it failed): then a failed
        # removal must not hide the error that stopped the run.
        with contextlib.suppress(FileNotFoundError if handle is not None else OSError):
            if temporary:
                os.unlink(temporary)
        raise


def was_written(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is now the complete file this process's last atomic write to it made.

    A Ctrl-C can arrive after the rename and before the run returns; asked then, "nothing
    written" would be wrong. The file on disk is compared with the one created, by inode, so
    any moment of the interrupt gets the right answer."""
    target = resolve_target(path)
    try:
        return _created.get(_key(target)) == _node(os.stat(target))
    except OSError:
        return False


_created: dict[str, tuple[int, int]] = {}
"""Per output (absolute path), the device and inode of the temporary file last created for it."""


def _key(target: Path) -> str:
    return os.path.abspath(target)


def _node(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


_CREATE_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_BINARY", 0))
"""How ``mkstemp`` creates its file: only if it does not exist yet, not through a symlink."""


def _temporary_name(target: Path) -> str:
    """A fresh name for the temporary file beside ``target``: ``.out.csv.<random>.part``."""
    return os.path.abspath(target.parent / f".{target.name}.{secrets.token_hex(8)}.part")
