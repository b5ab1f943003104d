"""The one reader of the files a compose project points at.

Every file the loader or a pass reads (`.env`, `env_file`, `label_file`, `extends.file`,
`include`, secret and config files, bind-mounted files and folders; Dockerfiles and config
folders through `try_read_text` and `folder`) goes through `ProjectFiles` (in the passes:
`plan.project.reader(plan.options.allow_outside_project)`, one per run), which:

- resolves symbolic links, then refuses a path outside the project folder (the folders of
  the compose files the caller named) unless the *caller* allowed it; files the caller
  named themselves (`--env-file`) are read wherever they are;
- refuses anything but a regular file without opening it (a FIFO would hang the run, a
  device may act on being opened), and checks again on the open descriptor;
- reads at most cap + 1 bytes: a file's reported size is not trusted (/dev/zero says 0);
- reads each file once per run and counts every use against RUN_FILE_BYTES (one file
  mounted by thousands of services would otherwise multiply).

Its refusals name the path, never the content.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp()); _ = (root / "a.txt").write_text("hi")
>>> ProjectFiles.at(root).read_bytes(root / "a.txt", key="configs.a.file")
b'hi'
>>> ProjectFiles.at(root / "sub").kind(root / "a.txt"), ProjectFiles.at(root).kind(root / "nope")
('file', 'missing')
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import limits
from .errors import ComposeError

Kind = Literal["file", "folder", "missing", "other"]
OUTSIDE_HINT = ("move the file into the project folder, or pass --allow-outside-project "
                "(only the caller can: compose files and compose2k8s.yaml cannot allow it)")
# the open never follows a last-moment link, never blocks on a FIFO, never leaks to sops
_OPEN = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
         | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _what_it_is(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


@dataclass(frozen=True)
class FolderFiles:
    """The regular files under a folder: {relative POSIX path: bytes}, and what was left out
    (FIFOs, sockets, devices) so the caller can say so."""

    files: dict[str, bytes]
    skipped: tuple[str, ...] = ()


@dataclass
class _Ledger:
    """One run's reads: each file's bytes (read once) and the bytes used so far."""

    read: dict[Path, bytes] = field(default_factory=dict)
    used: int = 0


@dataclass(frozen=True)
class ProjectFiles:
    """Confined, bounded reading under the project folder(s) `roots`."""

    roots: tuple[Path, ...]
    allow_outside: bool = False
    trusted: frozenset[Path] = field(default_factory=frozenset)
    ledger: _Ledger = field(default_factory=_Ledger, compare=False)

    @classmethod
    def at(cls, root: str | Path, allow_outside: bool = False, trusted: Iterable[str | Path] = ()) -> ProjectFiles:
        """The reader for one project folder; `trusted` files are the caller's own."""
        return cls((Path(os.path.realpath(root)),), allow_outside,
                   frozenset(Path(os.path.realpath(p)) for p in trusted))

    @classmethod
    def of_compose_files(cls, files: Iterable[str | Path], allow_outside: bool = False,
                         trusted: Iterable[str | Path] = ()) -> ProjectFiles:
        """The reader of a project whose compose files the caller named: their folders are the project."""
        roots = tuple(dict.fromkeys(Path(os.path.realpath(Path(f).parent)) for f in files))
        return cls(roots, allow_outside, frozenset(Path(os.path.realpath(p)) for p in trusted))

    def resolve(self, path: str | Path, key: str | None = None, what: str = "file") -> Path:
        """The real path of `path`, refused when it leaves the project."""
        real = Path(os.path.realpath(path))
        if self.allow_outside or real in self.trusted or any(_within(real, r) for r in self.roots):
            return real
        via = f" (a link to {real})" if real != Path(os.path.abspath(path)) else ""
        folder = self.roots[0] if self.roots else "(none: no compose file named)"
        raise ComposeError(f"{what} {path}{via} is outside the project folder {folder}", key=key, hint=OUTSIDE_HINT)

    def kind(self, path: str | Path, key: str | None = None) -> Kind:
        """What `path` leads to (links followed), without reading it."""
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except OSError as exc:
            raise ComposeError(f"cannot read {path}: {exc.strerror}", key=key,
                               hint="check the path and its permissions") from None
        return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"

    def read_bytes(self, path: str | Path, key: str | None = None, cap: int = limits.PROJECT_FILE_BYTES,
                   what: str = "file") -> bytes:
        """The bytes of the regular file `path`, confined and at most `cap` long."""
        real = self.resolve(path, key, what)
        data = self.ledger.read.get(real)
        if data is None:
            data = _read_regular(real, cap, path, key, what)
        if len(data) > cap:
            raise ComposeError(f"{what} {path} is larger than {cap:,} bytes", key=key,
                               hint="a ConfigMap or Secret holds at most 1 MiB: mount big files from a volume"
                               if cap <= limits.MIB else "split it into smaller files")
        self.ledger.read[real] = data
        self._use(len(data), path, key, what)
        return data

    def _use(self, size: int, path: str | Path, key: str | None, what: str) -> None:
        self.ledger.used += size
        if self.ledger.used > limits.RUN_FILE_BYTES:
            raise ComposeError(f"the project's files, counted at each use, add up to more than "
                               f"{limits.RUN_FILE_BYTES:,} bytes (at {what} {path})", key=key,
                               hint="mount big or shared files from a volume, not once per service")

    def read_text(self, path: str | Path, key: str | None = None, cap: int = limits.PROJECT_FILE_BYTES,
                  what: str = "file") -> str:
        """`read_bytes` decoded as UTF-8 (a byte-order mark dropped, bad bytes replaced)."""
        return self.read_bytes(path, key, cap, what).decode("utf-8-sig", errors="replace")

    def try_read_text(self, path: str | Path, cap: int = limits.PROJECT_FILE_BYTES) -> str | None:
        """The text of a file read only to learn from it (a Dockerfile, a small config), or
        None when it is missing, outside, not a regular file, too big or not UTF-8."""
        try:
            return self.read_bytes(path, cap=cap).decode("utf-8-sig")
        except (ComposeError, UnicodeDecodeError):
            return None

    def folder(self, path: str | Path, key: str | None = None, max_files: int = limits.FOLDER_FILES,
               max_bytes: int = limits.FOLDER_BYTES) -> FolderFiles:
        """Every regular file under the folder `path`, bounded in count and total bytes.

        Links are resolved: one that leaves the project is refused; linked folders are read
        once. FIFOs, sockets and devices are listed in `skipped`, never opened.
        """
        top = self.resolve(path, key, "folder")
        if self.kind(top, key) != "folder":
            raise ComposeError(f"{path} is not a folder", key=key, hint="point at a folder")
        files: dict[str, bytes] = {}
        skipped: list[str] = []
        total = 0
        seen: set[tuple[int, int]] = set()
        pending = [(top, "")]
        while pending:
            real, prefix = pending.pop()
            info = os.stat(real)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            for name in sorted(os.listdir(real)):
                rel = prefix + name
                entry = self.resolve(real / name, key, f"file {rel} in folder")
                kind = self.kind(entry, key)
                if kind == "folder":
                    pending.append((entry, rel + "/"))
                elif kind == "file":
                    if len(files) >= max_files:
                        raise ComposeError(f"folder {path} holds more than {max_files:,} files", key=key,
                                           hint="mount a folder this big from a volume, not a ConfigMap")
                    files[rel] = _read_regular(entry, max_bytes - total, real / name, key, "file")
                    total += len(files[rel])
                    self._use(len(files[rel]), real / name, key, "file")
                    if total > max_bytes:
                        raise ComposeError(f"folder {path} holds more than {max_bytes:,} bytes", key=key,
                                           hint="a ConfigMap holds at most 1 MiB: mount big folders from a volume")
                else:  # a FIFO, socket or device; a dangling link
                    skipped.append(rel)
        return FolderFiles(dict(sorted(files.items())), tuple(sorted(skipped)))


def _read_regular(real: Path, cap: int, shown: str | Path, key: str | None, what: str) -> bytes:
    """At most cap + 1 bytes of `real`, refused (unopened) unless it is a regular file."""
    try:
        info = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        raise ComposeError(f"{what} {shown} does not exist", key=key, hint="create it or fix the path") from None
    except OSError as exc:
        raise ComposeError(f"cannot read {what} {shown}: {exc.strerror}", key=key,
                           hint="check the path and its permissions") from None
    if not stat.S_ISREG(info.st_mode):
        raise ComposeError(f"{what} {shown} is {_what_it_is(info.st_mode)}, not a regular file", key=key,
                           hint="point at a regular file")
    try:
        handle = os.open(real, _OPEN)
    except OSError as exc:
        raise ComposeError(f"cannot read {what} {shown}: {exc.strerror}", key=key,
                           hint="check the path and its permissions") from None
    try:
        opened = os.fstat(handle)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise ComposeError(f"{what} {shown} changed while it was read", key=key, hint="run again")
        chunks, remaining = [], max(cap, 0) + 1
        while remaining > 0:
            chunk = os.read(handle, min(remaining, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ComposeError(f"cannot read {what} {shown}: {exc.strerror}", key=key,
                           hint="check the path and its permissions") from None
    finally:
        os.close(handle)
