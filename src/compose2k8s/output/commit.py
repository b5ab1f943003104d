"""The commit of a run: staged files moved into place, files no longer written removed (with
the folders that leaves empty), SIGINT and SIGTERM deferred meanwhile."""
from __future__ import annotations

import os
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def move_staged(directory: Path, staging: Path, changed: list[str], missing: set[str]) -> None:
    """Move the staged files into place: a missing folder as a whole, other files one by one."""
    base, root = str(directory), str(staging)
    tops = {m for m in missing if m and os.path.dirname(m) not in missing}
    for top in sorted(tops):
        os.rename(os.path.join(root, top), os.path.join(base, top))
    for rel in changed:
        if not any(rel.startswith(top + "/") for top in tops):
            os.replace(os.path.join(root, rel), os.path.join(base, rel))


def remove_stale(directory: Path, stale: list[str]) -> None:
    """Remove files we wrote before and no longer write, and the folders that leaves empty."""
    base = str(directory)
    for rel in stale:
        path = os.path.join(base, rel)
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                continue
            os.unlink(path)
        except FileNotFoundError:
            continue
        folder = os.path.dirname(rel)
        while folder:
            try:
                os.rmdir(os.path.join(base, folder))
            except OSError:
                break
            folder = os.path.dirname(folder)


def remove_if_empty(directory: Path) -> None:
    try:
        os.rmdir(directory)
    except OSError:
        pass


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is over (POSIX, main thread)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
