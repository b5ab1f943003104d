"""Writing a tree into a folder that may hold the user's files.

What is guaranteed (POSIX):

- Only our files are written, replaced or removed: the paths listed in the folder's marker
  `.compose2k8s-generated` (what the last run wrote). A user's file at a path we write is
  an error naming it, with or without `force` (which only allows writing into a non-empty
  folder we did not create). Links are not followed: a link where we need a folder is an
  error; a link put in place of one of our files is replaced by the file.
- The folder itself keeps its inode, mode and owner; folders we create get the usual mode.
- Each file is replaced whole (written in a staging folder inside the output folder, then
  renamed over the old one); unchanged files are not touched.
- A run that fails before the commit (bad input, full disk, kill) changes nothing but its
  staging folder. The commit (renames, the new marker, removing files we no longer write)
  takes milliseconds, and SIGINT/SIGTERM wait for its end. Only a SIGKILL or a power loss in
  those milliseconds leaves a mix of old and new files: each one whole, the marker listing
  them all, so the next run completes the tree.
- Staging folders (`.compose2k8s-staging-<random>`, holding a marker and locked while in
  use) left by killed runs are removed by the next run. Nothing else is ever removed.

The steps have their modules: marker.py (which files are ours), plan.py (what to write),
staging.py (where it is written first), commit.py (moving it into place); nofollow.py reads
and opens files without following links.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import OutputError
from .commit import move_staged, remove_if_empty, remove_stale, signals_deferred
from .marker import is_ours, is_safe_relative, listed_files, write_marker
from .plan import plan_writes
from .staging import new_staging, remove_abandoned_staging, write_files


def write_tree(directory: Path, files: dict[str, str], force: bool = False) -> Path:
    """Write `files` ({relative path: text}) under `directory` (see the module's guarantees)."""
    directory = Path(os.path.abspath(directory))
    unsafe = sorted(rel for rel in files if not is_safe_relative(rel))
    if unsafe:
        raise OutputError(f"refusing to write {unsafe[0]!r}: it leaves the output folder", file=str(directory),
                          hint="rename the service or file it comes from")
    created = not os.path.lexists(directory)
    try:
        os.makedirs(directory, exist_ok=True)
        if not directory.is_dir():
            raise FileExistsError
    except OSError as exc:
        raise OutputError(f"cannot use it as the output folder: {exc.strerror or 'not a folder'}",
                          file=str(directory), hint="choose another -o path (a folder you can write)") from None
    staging: Path | None = None
    lock: int | None = None
    try:
        remove_abandoned_staging(directory)
        ours = is_ours(directory)
        if not ours and (any(os.scandir(directory)) and not force):
            raise OutputError("output folder is not empty and was not written by compose2k8s", file=str(directory),
                              hint="choose an empty folder, or pass --force to add our files beside yours "
                                   "(yours are never replaced or removed)")
        previous = listed_files(directory) if ours else set()
        changed, missing = plan_writes(directory, files, previous, ours)
        stale = sorted(previous - set(files))
        if not changed and not stale and previous == set(files):
            return directory
        staging, lock = new_staging(directory)
        write_files(staging, {rel: files[rel] for rel in changed})
        with signals_deferred():
            write_marker(directory, staging, previous | set(files))  # a kill from here on loses nothing of ours
            move_staged(directory, staging, changed, missing)
            remove_stale(directory, stale)
            write_marker(directory, staging, set(files))
    except OSError as exc:
        raise OutputError(f"cannot write the tree: {exc.strerror}", file=str(exc.filename or directory),
                          hint="check permissions and free space") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if lock is not None:
            os.close(lock)
        if created:
            remove_if_empty(directory)
    return directory

