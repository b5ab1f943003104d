"""Find the options of a project: `compose2k8s.yaml` beside the first compose file, or an
`x-compose2k8s` block in it; explicit options (flags, library callers) win.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .compose.yamlio import load_documents
from .errors import OptionsError
from .options import ConvertOptions, options_from_mapping

OPTIONS_FILE = "compose2k8s.yaml"


def _read(path: Path) -> dict[str, Any]:
    """The options file, read as compose files are (YAML 1.2, duplicate keys refused)."""
    docs = load_documents(path.read_bytes(), str(path))
    data = (docs[0] if docs else None) or {}
    if len(docs) > 1 or not isinstance(data, dict):
        raise OptionsError("options must be one mapping", file=str(path), hint="write key: value pairs")
    return data


def discover(files: list[Path], explicit: ConvertOptions | None) -> ConvertOptions:
    """Options before the project is loaded: options file < explicit options."""
    data: dict[str, Any] = {}
    source = "options"
    if files:
        options_file = Path(files[0]).parent / OPTIONS_FILE
        if options_file.is_file():
            data.update(_read(options_file))
            source = str(options_file)
    if explicit is not None:
        data.update(explicit.model_dump(exclude_unset=True))
    return options_from_mapping(data, source)


def with_embedded(options: ConvertOptions, explicit: ConvertOptions | None, block: Any,
                  compose_file: str) -> ConvertOptions:
    """Add the compose file's `x-compose2k8s` block (explicit options still win)."""
    if not block:
        return options
    if not isinstance(block, dict):
        raise OptionsError("x-compose2k8s must be a mapping", file=compose_file, key="x-compose2k8s",
                           hint="write option: value pairs under it")
    data = options.model_dump(exclude_unset=True)
    data.update(block)
    if explicit is not None:
        data.update(explicit.model_dump(exclude_unset=True))
    return options_from_mapping(data, f"{compose_file} (x-compose2k8s)")
