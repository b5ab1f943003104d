"""Writing a tree safely: build beside the target, then swap; never delete what we did
not write; refuse a non-empty folder we did not create unless forced.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError

MARKER = ".compose2k8s-generated"


def _is_ours(directory: Path) -> bool:
    return (directory / MARKER).is_file()


def _listed(directory: Path) -> set[str]:
    marker = directory / MARKER
    if not marker.is_file():
        return set()
    return {line.strip() for line in marker.read_text().splitlines() if line.strip() and not line.startswith("#")}


def write_tree(directory: Path, files: dict[str, str], force: bool = False) -> Path:
    """Write `files` under `directory` atomically.

    A fresh or earlier-generated folder is replaced as a whole (files we did not write are
    carried over untouched); a non-empty foreign folder needs `force`, and then only
    our files are added or replaced.
    """
    directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise OutputError("output path exists and is not a folder", file=str(directory),
                          hint="choose another -o path")
    foreign = directory.exists() and any(directory.iterdir()) and not _is_ours(directory)
    if foreign and not force:
        raise OutputError("output folder is not empty and was not written by compose2k8s", file=str(directory),
                          hint="choose an empty folder, or pass --force to add our files (nothing is deleted)")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        for folder in sorted({(staging / rel).parent for rel in files}):
            folder.mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            with open(staging / rel, "w", encoding="utf-8") as handle:
                handle.write(text)
        (staging / MARKER).write_text("# files written by compose2k8s; others here are yours and kept\n"
                                      + "\n".join(sorted(files)) + "\n")
        if directory.exists():
            previous = _listed(directory) if not foreign else set()
            _carry_over(directory, staging, previous | set(files) | {MARKER})
            backup = directory.with_name(f".{directory.name}.old")
            if backup.exists():
                shutil.rmtree(backup)
            os.replace(directory, backup)
            os.replace(staging, directory)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, directory)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write the tree: {exc.strerror}", file=str(directory),
                          hint="check permissions and free space") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def _carry_over(directory: Path, staging: Path, ours: set[str]) -> None:
    """Copy every file we did not write from the old tree into the new one."""
    for path in directory.rglob("*"):
        rel = path.relative_to(directory).as_posix()
        if path.is_file() and rel not in ours:
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
