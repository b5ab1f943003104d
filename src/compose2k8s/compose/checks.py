"""The checks Compose makes on a project: the format and top-level keys of each file, then,
once merged, service names and keys, references (networks, volumes, secrets, configs,
dependencies), declared sources and dependency cycles.

>>> suggest("imgae", ["image", "build"])
"did you mean 'image'?"
"""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence

from ..errors import ComposeError
from ..tables.keys import compose_keys

_SERVICE_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "remove it or check the Compose specification"


def check_v1(data: dict, file: str) -> None:
    if "services" in data:
        return
    looks_v1 = data and all(isinstance(v, dict) and ({"image", "build"} & set(v)) for k, v in data.items()
                            if not str(k).startswith("x-") and k != "version")
    if looks_v1:
        raise ComposeError("this is the old Compose v1 format (services at the top level, no services: key)",
                           file=file, line=1,
                           hint="move the services under a top-level services: key (Compose v2+ format)")


def check_top_level(data: dict, file: str) -> None:
    allowed = compose_keys().top_level
    for key in data:
        if not isinstance(key, str):
            raise ComposeError(f"top-level key {key!r} is not a string", file=file, hint="quote it")
        if key not in allowed and not key.startswith("x-"):
            raise ComposeError(f"unknown top-level key '{key}'", key=key,
                               hint=suggest(key, list(allowed)))


def check_services(services: dict, data: dict, defined: set[str]) -> None:
    """Keys, names, references; `defined` also holds the services the profiles disabled."""
    allowed = compose_keys().service
    for name, svc in services.items():
        if not _SERVICE_NAME.match(name):
            raise ComposeError(f"service name '{name}' has characters Compose does not allow",
                               key=f"services.{name}", hint="use letters, digits, '.', '_' and '-'")
        for key in svc:
            if key not in allowed and not str(key).startswith("x-"):
                raise ComposeError(f"unknown key '{key}' in service '{name}'", key=f"services.{name}.{key}",
                                   hint=suggest(str(key), list(allowed)))
        if not svc.get("image") and "build" not in svc and "provider" not in svc:
            raise ComposeError(f"service '{name}' has neither image nor build", key=f"services.{name}",
                               hint="add image: <name:tag>")
        _check_networks(name, svc, data)
        _check_develop(name, svc)
        for dep, spec in (svc.get("depends_on") or {}).items():
            if dep not in defined:
                raise ComposeError(f"depends on unknown service '{dep}'", key=f"services.{name}.depends_on",
                                   hint=suggest(dep, list(services)))
            if dep not in services and spec.get("required", True):
                raise ComposeError(f"needs '{dep}' (links, volumes_from or a service: mode), which its profiles "
                                   "disable", key=f"services.{name}", hint=f"enable a profile of '{dep}'")
        for mount in svc.get("volumes") or []:
            source = mount.get("source") if isinstance(mount, dict) else None
            if mount.get("type") == "volume" and source and source not in (data.get("volumes") or {}):
                raise ComposeError(f"uses volume '{source}', which is not declared under the top-level volumes:",
                                   key=f"services.{name}.volumes",
                                   hint=f"add volumes: {{{source}: {{}}}} at the top level, or use ./{source} for a folder")
        for section in ("secrets", "configs"):
            for ref in svc.get(section) or []:
                if ref.get("source") not in (data.get(section) or {}):
                    raise ComposeError(f"uses {section[:-1]} '{ref.get('source')}', which is not declared "
                                       f"under the top-level {section}:", key=f"services.{name}.{section}",
                                       hint=f"declare it: {section}: {{{ref.get('source')}: {{file: ./path}}}}")
    _check_cycles(services)


def _check_networks(name: str, svc: dict, data: dict) -> None:
    declared = set(data.get("networks") or {}) | {"default"}
    networks = svc.get("networks") or {}
    if networks and svc.get("network_mode"):
        raise ComposeError("network_mode and networks are mutually exclusive", key=f"services.{name}",
                           hint="keep one of them")
    for network in networks:
        if network not in declared:
            raise ComposeError(f"uses network '{network}', which is not declared under the top-level networks:",
                               key=f"services.{name}.networks",
                               hint=f"add networks: {{{network}: {{}}}} at the top level")


def _check_develop(name: str, svc: dict) -> None:
    for index, watch in enumerate((svc.get("develop") or {}).get("watch") or []):
        missing = [k for k in ("path", "action") if k not in (watch or {})]
        if missing:
            raise ComposeError(f"develop.watch entry {index} misses '{missing[0]}'",
                               key=f"services.{name}.develop.watch", hint="give path: and action:")


def check_sources(data: dict) -> None:
    wanted = {"secrets": ("file", "environment"), "configs": ("file", "environment", "content")}
    for section, sources in wanted.items():
        for name, entry in (data.get(section) or {}).items():
            if not entry.get("external") and not any(entry.get(k) is not None for k in sources):
                raise ComposeError(f"{section[:-1]} '{name}' must declare one of {', '.join(sources)} or external",
                                   key=f"{section}.{name}", hint="e.g. file: ./secret.txt")


def _check_cycles(services: dict) -> None:
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for dep in services[name].get("depends_on") or {}:
            if dep not in services:
                continue  # an optional dependency on a disabled service
            if state.get(dep) == 1:
                cycle = trail[trail.index(dep):] + [dep] if dep in trail else [name, dep]
                raise ComposeError(f"dependency cycle: {' -> '.join(cycle)}", key=f"services.{name}.depends_on",
                                   hint="remove one depends_on entry of the cycle")
            if state.get(dep) is None:
                visit(dep, trail + [dep])
        state[name] = 2

    for name in sorted(services):
        if state.get(name) is None:
            visit(name, [name])


def check_files(data: dict) -> None:
    for section in ("secrets", "configs"):
        for name, entry in (data.get(section) or {}).items():
            file = entry.get("file")
            if file is not None and not isinstance(file, str):
                raise ComposeError("must be a string", key=f"{section}.{name}.file",
                                   hint="write file: ./path/to/the/file")
            if file and not entry.get("external") and not os.path.exists(file):
                raise ComposeError(f"{section[:-1]} '{name}' points to {file}, which does not exist",
                                   key=f"{section}.{name}.file", hint="create the file or fix the path")
