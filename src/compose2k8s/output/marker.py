"""The marker `.compose2k8s-generated`: which files of an output folder are ours (what the
last run wrote), and the relative paths a tree may hold.

>>> is_safe_relative("base/web.yaml"), is_safe_relative("../etc/passwd")
(True, False)
"""
from __future__ import annotations

import os
from pathlib import Path

from .nofollow import CREATE, read_regular, regular

MARKER = ".compose2k8s-generated"
MARKER_BYTES = 16 * 1024 * 1024


def is_ours(directory: str | Path) -> bool:
    """True when `directory` holds a tree compose2k8s wrote (its marker is a regular file)."""
    return regular(Path(directory) / MARKER)


def is_safe_relative(rel: str) -> bool:
    """A plain relative path inside the tree (no '..', no absolute path)."""
    return bool(rel) and not rel.startswith("/") and "\0" not in rel and all(
        part not in ("", ".", "..") for part in rel.split("/"))


def listed_files(directory: Path) -> set[str]:
    data = read_regular(str(directory / MARKER), MARKER_BYTES) or b""
    lines = data.decode("utf-8", errors="replace").splitlines()
    return {line.strip() for line in lines if is_safe_relative(line.strip()) and not line.startswith("#")}


def write_marker(directory: Path, staging: Path, listed: set[str]) -> None:
    text = ("# files written by compose2k8s; others here are yours and kept\n" + "\n".join(sorted(listed)) + "\n")
    temporary = staging / MARKER
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, CREATE, 0o666)
    try:
        os.write(handle, text.encode("utf-8"))
    finally:
        os.close(handle)
    os.replace(temporary, directory / MARKER)
