"""One compose file to its canonical content: read, checked, interpolated and canonicalised,
its `extends` resolved and the files it includes merged in (each with its own `.env`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import limits
from ..errors import ComposeError
from .canonical import RESOURCE_SECTIONS, canonical_file
from .checks import check_top_level, check_v1
from .context import LoadContext, locate_error
from .environment import environment
from .extends import resolve_extends
from .interpolate import interpolate
from .merge import merge
from .paths import absolute


def load_file(path: Path, base: Path, ctx: LoadContext, key: str | None = None) -> dict:
    """One file, interpolated and canonical, with its extends and includes resolved."""
    name = str(path)
    data = ctx.read(path, key)
    check_v1(data, name)
    try:
        check_top_level(data, name)
        data = interpolate(data, ctx.env, substituted=ctx.substituted)
        data = canonical_file(data, base)
        resolve_extends(data["services"], path, ctx)
    except ComposeError as exc:
        raise locate_error(exc, ctx, [name]) from None
    for included in _includes(data.pop("include", None), base, name):
        _add_included(data, included, ctx, name)
    return data


def _includes(raw: Any, base: Path, file: str) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ComposeError("include must be a list", file=file, key="include", hint="write include: [path.yaml]")
    out = []
    for item in raw:
        if not isinstance(item, (str, dict)) or isinstance(item, dict) and not item.get("path"):
            raise ComposeError(f"include entry {item!r} is neither a path nor a mapping with path:", file=file,
                               key="include", hint="write include: [other/compose.yaml]")
        entry = {"path": item} if isinstance(item, str) else dict(item)
        paths = entry["path"] if isinstance(entry.get("path"), list) else [entry.get("path")]
        entry["path"] = [Path(absolute(str(p), base)) for p in paths]
        if entry.get("project_directory"):
            entry["project_directory"] = Path(absolute(str(entry["project_directory"]), base))
        env_file = entry.get("env_file")
        if env_file:
            entry["env_file"] = [Path(absolute(str(p), base))
                                 for p in (env_file if isinstance(env_file, list) else [env_file])]
        out.append(entry)
    return out


def _add_included(data: dict, entry: dict, ctx: LoadContext, file: str) -> None:
    first = entry["path"][0]
    if str(first) in ctx.loading:
        raise ComposeError(f"include cycle through {first}", file=file, key="include",
                           hint="remove the include that points back")
    if len(ctx.loading) > limits.INCLUDE_DEPTH:
        raise ComposeError(f"includes nest deeper than {limits.INCLUDE_DEPTH} files", file=file, key="include",
                           hint="flatten the includes")
    if str(first) in ctx.shared.included:
        return  # the same file again: merging it twice changes nothing
    ctx.shared.included.add(str(first))
    base = entry.get("project_directory") or first.parent
    env_paths = entry.get("env_file") or [base / ".env"]
    env = environment(ctx.env, env_paths, ctx.files, explicit=bool(entry.get("env_file")))
    sub = LoadContext(env=env, files=ctx.files, texts=ctx.texts, loading=ctx.loading + (str(first),),
                      substituted=ctx.substituted, shared=ctx.shared)
    merged: dict = {}
    for path in entry["path"]:
        loaded = load_file(path, base, sub, key="include")
        merged = merge(merged, loaded) if merged else loaded
    for section in ("services",) + RESOURCE_SECTIONS:
        for name, value in (merged.get(section) or {}).items():
            mine = data[section] = data.get(section) or {}
            if name in mine and mine[name] != value:
                raise ComposeError(f"{section}.{name} is defined both here and in included {first}",
                                   file=file, key=f"{section}.{name}", hint="rename one of them")
            mine[name] = value
