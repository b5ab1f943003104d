"""Find the options of a project: `compose2k8s.yaml` beside the first compose file, or an
`x-compose2k8s` block in it; explicit options (flags, library callers) win.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import OptionsError
from .options import ConvertOptions, options_from_mapping

OPTIONS_FILE = "compose2k8s.yaml"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise OptionsError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                           line=mark.line + 1 if mark else None, hint="fix the syntax") from None
    if not isinstance(data, dict):
        raise OptionsError("options must be a mapping", file=str(path), hint="write key: value pairs")
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
