"""What a bind-mounted project path is to the pods: configuration a ConfigMap carries, data
that lives on a claim, or the source the service's image was built from
(mappings/mount-rules.yaml decides; nothing here reads a file's content).

>>> rules = mount_rules()
>>> folder_role(FolderScan((ScannedFile("nginx.conf", 120, False),)), "nginx", "/etc/nginx/conf.d", None, rules)
('config', '')
>>> folder_role(FolderScan((ScannedFile("app.db", 9000, False),)), "state", "/srv/app", None, rules)
('data', 'it holds app.db')
"""
from __future__ import annotations

import fnmatch
import os
import posixpath
import stat
from dataclasses import dataclass
from typing import Literal

from ..tables.storage import MountRules, mount_rules
from .dockerfile import Image

Role = Literal["config", "data"]
MAX_DOCKERIGNORE_BYTES = 64 * 1024


@dataclass(frozen=True)
class ScannedFile:
    path: str  # relative POSIX path under the folder
    size: int
    executable: bool


@dataclass(frozen=True)
class FolderScan:
    """The regular files under a folder (stat only), or why the scan stopped (`over`)."""

    files: tuple[ScannedFile, ...] = ()
    over: str = ""


def scan_folder(path: str, max_files: int, max_bytes: int) -> FolderScan:
    """The files under `path` (links followed, each folder once), stopping at the first limit
    crossed: a folder too big for a ConfigMap is never listed to its end."""
    files: list[ScannedFile] = []
    total, seen, pending = 0, set(), [(path, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                info = os.stat(entry.path)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append((entry.path, f"{prefix}{entry.name}/"))
            elif stat.S_ISREG(info.st_mode):
                files.append(ScannedFile(prefix + entry.name, info.st_size, bool(info.st_mode & 0o111)))
                total += info.st_size
                if len(files) > max_files:
                    return FolderScan(over=f"more than {max_files} files")
                if total > max_bytes:
                    return FolderScan(over=f"more than {max_bytes // 1024} KiB")
    return FolderScan(tuple(sorted(files, key=lambda f: f.path)))


def data_marker(scan: FolderScan, leaf: str, target: str, data_path: str | None, rules: MountRules) -> str:
    """Why the folder holds data rather than configuration ('' when nothing says so)."""
    target = posixpath.normpath(target)
    for marked in (*rules.data_targets, *([data_path] if data_path else [])):
        if target == marked or target.startswith(marked.rstrip("/") + "/"):
            return f"its target {target} is where data lives" if marked != data_path else \
                f"its target {target} is where the image keeps its data"
    own = {leaf.lower(), posixpath.basename(target).lower()}
    inner: set[str] = set()
    for file in scan.files:
        inner.update(part.lower() for part in file.path.split("/")[:-1])
        if file.path.lower().endswith(rules.data_suffixes):
            return f"it holds {file.path}"
    named = sorted(own & (rules.data_names | rules.data_folder_names))
    holds = sorted(inner & rules.data_names)
    return f"it is named {named[0]}" if named else f"it holds a folder named {holds[0]}" if holds else ""


def folder_role(scan: FolderScan, leaf: str, target: str, data_path: str | None,
                rules: MountRules) -> tuple[Role, str]:
    """('config' or 'data', why) for a folder that exists, from its scan."""
    if scan.over:
        return "data", f"it holds {scan.over} (a ConfigMap holds at most 1 MiB)"
    if all(posixpath.basename(f.path) in rules.placeholder_files for f in scan.files):
        return "data", "it is empty: the service fills it"
    marker = data_marker(scan, leaf, target, data_path, rules)
    return ("data", marker) if marker else ("config", "")


def shell_less(image: str | None, built: Image | None, rules: MountRules) -> bool:
    """Has the image no shell (mappings/mount-rules.yaml), judged by its reference or, for a
    local build, by the image its Dockerfile starts FROM?

    >>> shell_less("gcr.io/distroless/static:nonroot", None, mount_rules()), shell_less("nginx:1.27", None, mount_rules())
    (True, False)
    """
    names = [n.lower() for n in (image, built.base if built else None) if n]
    return any(fnmatch.fnmatchcase(n, p) for n in names for p in rules.shell_less_images)


def dockerignore_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore (comments and blanks dropped, leading '/' removed)."""
    lines = (line.strip() for line in text.splitlines())
    return [line.lstrip("/") for line in lines if line and not line.startswith("#")]


def ignored(patterns: list[str], relative: str) -> bool:
    """Is build-context path `relative` (or a folder above it) left out by these patterns?
    The last matching pattern wins; `!pattern` takes a path back in.

    >>> ignored(["data", "*.log", "!keep.log"], "data/x"), ignored(["*.log", "!keep.log"], "keep.log")
    (True, False)
    """
    parts = relative.strip("/").split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = (pattern[1:] if negate else pattern).rstrip("/")
        forms = [body[3:], "*/" + body[3:]] if body.startswith("**/") else ["*" if body == "**" else body]
        if any(fnmatch.fnmatchcase(p, form) for p in prefixes for form in forms):
            verdict = not negate
    return verdict


def is_source_mount(image: Image | None, context: str, ignore: list[str], source: str, target: str,
                    is_folder: bool) -> bool:
    """Is bind mount `source` → `target` the service's own source: a path of its build `context`
    that the Dockerfile copies (not .dockerignored) to exactly `target` in the image?

    >>> from .dockerfile import Copy
    >>> is_source_mount(Image(copies=[Copy(".", "/code", False)]), "/p", [], "/p/src", "/code/src", True)
    True
    """
    if image is None or not (source == context or source.startswith(context.rstrip("/") + "/")):
        return False
    relative = os.path.relpath(source, context)
    if relative != "." and ignored(ignore, relative):
        return False
    return posixpath.normpath(target) in image.lands_at(relative, is_folder)
