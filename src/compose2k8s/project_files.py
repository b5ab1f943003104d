"""Reading files the compose project points at, inside the project folder only.

Paths that leave the project folder (`../../etc/passwd`, a symlink pointing out) are
refused unless the caller allows it; sizes are bounded.
"""
from __future__ import annotations

from pathlib import Path

from .errors import ComposeError

MAX_FILE_BYTES = 1024 * 1024  # a ConfigMap or Secret holds at most 1 MiB


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def read_project_file(path: Path, root: Path, allow_outside: bool, key: str) -> bytes:
    """The bytes of `path`, refusing paths outside `root` (after symlinks) and big files."""
    if not allow_outside and not inside(path, root):
        raise ComposeError(f"{path} is outside the project folder {root}", key=key,
                           hint="move the file into the project, or pass --allow-outside-project")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ComposeError(f"{path} is {size:,} bytes; Kubernetes ConfigMaps and Secrets hold at most 1 MiB",
                               key=key, hint="mount it from a volume instead, or shrink it")
        return path.read_bytes()
    except FileNotFoundError:
        raise ComposeError(f"{path} does not exist", key=key, hint="create it or fix the path") from None
    except OSError as exc:
        raise ComposeError(f"cannot read {path}: {exc.strerror}", key=key, hint="check permissions") from None
