"""What a run writes into the output folder: the files that are new or changed and the
folders missing, refusing, before anything is written, a user's file or link in the way."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import OutputError
from .nofollow import read_regular
from .marker import MARKER


def plan_writes(directory: Path, files: dict[str, str], previous: set[str], ours: bool) -> tuple[list[str], set[str]]:
    """Which files to write (new or changed) and which folders are missing; refuses, before
    anything is written, a user's file or link in the way."""
    base = str(directory)
    missing: set[str] = set()
    checked: set[str] = {""}
    if not ours and os.path.lexists(os.path.join(base, MARKER)):
        raise OutputError(f"{MARKER} is in the way and is not a file compose2k8s wrote",
                          file=os.path.join(base, MARKER), hint="move it away")
    changed = []
    for rel in sorted(files):
        folder = os.path.dirname(rel)
        _check_folders(base, folder, checked, missing)
        if folder in missing or any(folder.startswith(m + "/") for m in missing if m):
            changed.append(rel)
            continue
        path = os.path.join(base, rel)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            changed.append(rel)
            continue
        if rel not in previous:
            raise OutputError(f"{rel} exists and was not written by compose2k8s", file=path,
                              hint="move or rename your file: compose2k8s never replaces files it did not write")
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{rel} is a folder where compose2k8s writes a file", file=path, hint="move it away")
        if not stat.S_ISREG(info.st_mode) or not _same(path, info.st_size, files[rel]):
            changed.append(rel)
    return changed, missing


def _same(path: str, size: int, text: str) -> bool:
    """The file at `path` (of `size` bytes) holds exactly `text`."""
    content = text.encode("utf-8")
    return size == len(content) and read_regular(path, size) == content


def _check_folders(base: str, folder: str, checked: set[str], missing: set[str]) -> None:
    """Every folder on the way to `folder` is a real folder, or missing (then created)."""
    if folder in checked:
        return
    parent = os.path.dirname(folder)
    _check_folders(base, parent, checked, missing)
    checked.add(folder)
    if parent in missing:
        missing.add(folder)
        return
    try:
        mode = os.lstat(os.path.join(base, folder)).st_mode
    except FileNotFoundError:
        missing.add(folder)
        return
    if not stat.S_ISDIR(mode):
        what = "a link" if stat.S_ISLNK(mode) else "a file"
        raise OutputError(f"{folder} is {what} where compose2k8s needs a folder", file=os.path.join(base, folder),
                          hint="move it away: compose2k8s does not write through links or over your files")
