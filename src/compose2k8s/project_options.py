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


def _embedded(compose_file: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(compose_file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # the loader reports compose-file problems with full context
    block = data.get("x-compose2k8s") if isinstance(data, dict) else None
    return block if isinstance(block, dict) else {}


def discover(files: list[Path], explicit: ConvertOptions | None) -> ConvertOptions:
    """Options file < x-compose2k8s block < explicit options (only fields they set)."""
    data: dict[str, Any] = {}
    source = "options"
    if files:
        first = Path(files[0])
        options_file = first.parent / OPTIONS_FILE
        if options_file.is_file():
            data.update(_read(options_file))
            source = str(options_file)
        data.update(_embedded(first))
    if explicit is not None:
        data.update(explicit.model_dump(exclude_unset=True))
    return options_from_mapping(data, source)
