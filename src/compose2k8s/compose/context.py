"""What loading carries from file to file: the interpolation environment, the file reader, the
texts read (to name an error's line), the values interpolation put in (kept out of messages),
and what the whole load shares (files `extends` read, files included, a budget)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import ComposeError
from ..project_files import ProjectFiles
from .interpolate import Substituted, scrub
from .merge import merge
from .shapes import kind_name
from .yamlio import load_documents, locate


@dataclass
class SharedState:
    """What one load keeps across its files: files `extends` read (each parsed once), files
    included (each once), and the entries services got through `extends` (bounded)."""

    extends_files: dict[str, dict] = field(default_factory=dict)
    included: set[str] = field(default_factory=set)
    extended_entries: int = 0


@dataclass
class LoadContext:
    env: dict[str, str]
    files: ProjectFiles
    texts: dict[str, str] = field(default_factory=dict)
    loading: tuple[str, ...] = ()
    substituted: Substituted = field(default_factory=Substituted)
    shared: SharedState = field(default_factory=SharedState)

    def read(self, path: Path, key: str | None = None) -> Any:
        """Read, parse and merge the documents of one file (cached text for error lines)."""
        name = str(path)
        kind = self.files.kind(path, key)
        if kind == "missing":
            raise ComposeError("file not found", file=name, hint="check the path, or run from the project folder")
        if kind == "folder":
            raise ComposeError("is a folder, not a compose file", file=name, hint="name the compose file inside it")
        raw = self.files.read_bytes(path, key, limits.COMPOSE_FILE_BYTES, "compose file")
        docs = load_documents(raw, name)
        self.texts[name] = raw.decode("utf-8-sig", errors="replace")
        docs = [d for d in docs if d is not None]
        if not docs:
            raise ComposeError("the file is empty", file=name,
                               hint="add a services: section, e.g. services: {web: {image: nginx}}")
        data: Any = None
        for doc in docs:
            if not isinstance(doc, dict):
                raise ComposeError(f"top level must be a mapping, not a {kind_name(doc)}", file=name, line=1,
                                   hint="start the file with services:")
            data = doc if data is None else merge(data, doc)
        return data


def locate_error(exc: ComposeError, ctx: LoadContext, files: Sequence[str]) -> ComposeError:
    """Name the file and line of the error's key; values interpolation put there are not shown."""
    exc.message = scrub(exc.message, exc.key, ctx.substituted)
    exc.hint = exc.hint and scrub(exc.hint, exc.key, ctx.substituted)
    if exc.file is None and exc.key:
        path = tuple(p for p in exc.key.split("."))
        for name in reversed(files):
            line = locate(ctx.texts.get(name, ""), path)
            if line:
                exc.file, exc.line = name, line
                break
        else:
            exc.file = files[0] if files else None
    return exc
