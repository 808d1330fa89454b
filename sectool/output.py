"""The one way sectool writes a file the user named: whole or not at all, and never by
replacing something that is not a regular file.

- a regular file (or a path that does not exist yet) is written through a temporary file
  beside it and renamed over it, so readers see the old bytes or the new, never half;
- a symlink to a regular file: the link's target is replaced that way and the link is kept;
- anything else that exists (a FIFO, a device such as /dev/null, a terminal, or a symlink to
  one, like /dev/stdout) is opened and written through: replacing it would destroy it;
- :data:`STDOUT` (``-o -``) is standard output.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from sectool.errors import OutputError

STDOUT = Path("-")
"""The output path that means standard output (what ``-o -`` gives)."""


def write_output(path: Path, data: bytes) -> bool:
    """Write ``data`` (bytes) to ``path``; return True when a regular file was (re)placed
    whole, False when the bytes went through to standard output or a special file.

    Raises OutputError (``bad-output``) when the path is a directory or a special file refuses
    the bytes (ENOSPC on /dev/full, a closed device); OSError when the folder cannot hold the
    temporary file (read-only, no permission). On any error a regular file is as it was."""
    if path == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return False
    if path.is_dir():
        raise OutputError(f"{path} is a directory", "give a file name with -o")
    try:  # the kernel follows links, /proc's magic ones (/dev/stdout) included
        mode: int | None = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(path, data)
        return False
    _replace(Path(os.path.realpath(path)) if path.is_symlink() else path, data, mode)
    return True


def current_umask() -> int:
    """The process's umask (read by setting it, and set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_through(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}",
            "it is not a regular file; give -o a file name, or - for standard output",
        ) from exc


def _replace(target: Path, data: bytes, mode: int | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        # keep the permissions of the file being replaced; a new file gets what open() would
        # give it (0666 less the umask), not mkstemp's private 0600
        os.chmod(name, stat.S_IMODE(mode) if mode is not None else 0o666 & ~current_umask())
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
