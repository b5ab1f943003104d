"""Values from env files: the interpolation environment (the shell's over `.env`), `env_file`
contents under a service's `environment`, `label_file` contents under its `labels`."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import ComposeError
from ..project_files import ProjectFiles
from .dotenv import parse_dotenv, parse_raw


def environment(environ: Mapping[str, str], env_paths: Sequence[Path], files: ProjectFiles,
                 explicit: bool) -> dict[str, str]:
    """Shell environment over the .env values (which may use the shell's)."""
    values: dict[str, str] = {}
    for path in env_paths:
        kind = files.kind(path)
        if kind == "missing":
            if explicit:
                raise ComposeError("env file not found", file=str(path), hint="check the --env-file path")
            continue
        if kind == "folder":
            continue
        text = files.read_text(path, cap=limits.ENV_FILE_BYTES, what="env file")
        parsed = parse_dotenv(text, str(path), {**values, **environ})
        values.update({k: v for k, v in parsed.items() if v is not None})
    return {**values, **environ}


_ENV_FILE_FORMATS = {"": parse_dotenv, "raw": parse_raw}


def resolve_environment(services: dict, env: Mapping[str, str], files: ProjectFiles) -> None:
    """env_file contents under `environment`; bare keys filled from the environment. A file
    several services use is parsed once (and counted at each use by the reader)."""
    parsed: dict[tuple[Path, str], dict[str, str | None]] = {}
    for name, svc in services.items():
        merged: dict[str, Any] = {}
        for entry in svc.get("env_file") or []:
            path, key = Path(entry["path"]), f"services.{name}.env_file"
            form = entry.get("format") or ""
            if form not in _ENV_FILE_FORMATS:
                raise ComposeError(f"unsupported env_file format '{entry['format']}'", key=key,
                                   hint="use format: raw, or leave format out")
            files.resolve(path, key, "env_file")
            if files.kind(path, key) == "missing":
                if entry.get("required", True):
                    raise ComposeError(f"env_file {path} not found", key=key,
                                       hint="create it, fix the path, or set required: false")
                continue
            text = files.read_text(path, key, limits.ENV_FILE_BYTES, "env file")
            values = parsed.get((path, form))
            if values is None:
                values = parsed[(path, form)] = _ENV_FILE_FORMATS[form](text, str(path), env)
            merged.update({k: v for k, v in values.items() if v is not None})  # a bare unset KEY is left out
        for key, value in (svc.get("environment") or {}).items():
            merged[key] = env.get(key) if value is None else value
        if merged or "environment" in svc:
            svc["environment"] = merged


def resolve_labels(services: dict, env: Mapping[str, str], files: ProjectFiles) -> None:
    """label_file contents under `labels` (entries of `labels` win; keys without a value are
    dropped), as Compose merges them; the files stay listed for the audit."""
    for name, svc in services.items():
        merged: dict[str, Any] = {}
        for file in svc.get("label_file") or []:
            path, key = Path(file), f"services.{name}.label_file"
            files.resolve(path, key, "label_file")
            if files.kind(path, key) == "missing":
                raise ComposeError(f"label_file {path} not found", key=key, hint="create it or fix the path")
            values = parse_dotenv(files.read_text(path, key, limits.ENV_FILE_BYTES, "label file"), str(path), env)
            merged.update({k: v for k, v in values.items() if v is not None})
        if merged:
            svc["labels"] = {**merged, **(svc.get("labels") or {})}
