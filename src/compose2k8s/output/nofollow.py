"""File access that never follows links: the open flags, whether a path is a regular file,
and reading one with a size cap."""
from __future__ import annotations

import os
import stat
from pathlib import Path

# a new file in the fresh staging folder; O_NOFOLLOW and O_BINARY where the platform has them
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def regular(path: str | Path) -> bool:
    """`path` is a regular file (a link to one is not)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file (links not followed), or None."""
    try:
        handle = os.open(path, READ)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        data = b""
        while len(data) <= limit:
            chunk = os.read(handle, limit + 1 - len(data))
            if not chunk:
                break
            data += chunk
        return data
    finally:
        os.close(handle)
