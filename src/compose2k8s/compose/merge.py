"""Compose's merge rules for several files and for `extends`.

Mappings merge key by key; sequences are appended and de-duplicated by the identity
Compose uses for them (a port by its target/published/protocol, a mount by its target,
…); `command`, `entrypoint` and `healthcheck.test` are replaced; `!reset` removes and
`!override` replaces.

>>> merge({"ports": [{"target": 80}]}, {"ports": [{"target": 80}, {"target": 81}]}, ("services", "s"))
{'ports': [{'target': 80}, {'target': 81}]}
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .yamlio import Override, Reset

_REPLACED = {"command", "entrypoint", "test"}


def _port_id(p: Any) -> str:
    if isinstance(p, dict):
        return f"{p.get('host_ip', '')}:{p.get('published', '')}:{p.get('target')}/{p.get('protocol', 'tcp')}"
    return str(p)


def _mount_id(default_dir: str) -> Callable[[Any], str]:
    def ident(m: Any) -> str:
        if isinstance(m, dict):
            return str(m.get("target") or f"{default_dir}/{m.get('source')}")
        return str(m)
    return ident


_IDENTITY: dict[str, Callable[[Any], str]] = {
    "ports": _port_id,
    "volumes": lambda v: str(v.get("target")) if isinstance(v, dict) else str(v),
    "secrets": _mount_id("/run/secrets"),
    "configs": _mount_id(""),
    "env_file": lambda v: str(v.get("path")) if isinstance(v, dict) else str(v),
}


def _identity(field: str) -> Callable[[Any], str]:
    return _IDENTITY.get(field, lambda v: json.dumps(v, sort_keys=True, default=str))


def _merge_sequence(base: list, extra: list, field: str) -> list:
    ident = _identity(field)
    index = {ident(item): pos for pos, item in enumerate(base)}
    out = list(base)
    for item in extra:
        key = ident(item)
        if key in index:
            out[index[key]] = item
        else:
            index[key] = len(out)
            out.append(item)
    return out


def merge(base: Any, extra: Any, path: tuple[str, ...] = ()) -> Any:
    """Merge `extra` over `base` (both canonical), returning a new value."""
    if isinstance(extra, Override):
        return strip_tags(extra.value)
    if isinstance(extra, Reset):
        return None
    field = path[-1] if path else ""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            if isinstance(value, Reset):
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value, path + (str(key),))
            else:
                out[key] = strip_tags(value)
        return out
    if isinstance(base, list) and isinstance(extra, list) and field not in _REPLACED:
        return _merge_sequence(base, strip_tags(extra), field)
    return strip_tags(extra)


def strip_tags(value: Any) -> Any:
    """Drop `!reset` / `!override` markers once no merge needs them."""
    if isinstance(value, Override):
        return strip_tags(value.value)
    if isinstance(value, dict):
        return {k: strip_tags(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [strip_tags(v) for v in value if not isinstance(v, Reset)]
    if isinstance(value, Reset):
        return None
    return value
