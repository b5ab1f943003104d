"""Short → long syntax, per file, before merging (as Compose does).

Every function takes the raw value and returns the long form Compose's
`config --format json` prints, with relative paths made absolute from `base`; ports and
mounts have their own modules (ports.py, mounts.py).

>>> service({"image": "web", "environment": ["A=1", "B"], "command": "run --fast"}, "web", Path("/p"))
{'image': 'web', 'environment': {'A': '1', 'B': None}, 'command': ['run', '--fast']}
"""
from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ComposeError
from .mounts import is_bind_volume, one_per_target, parse_volume, tmpfs_entries
from .paths import absolute
from .ports import expose_entries, service_ports
from .shapes import bad, check_types, kind_name, mapping, string_list, text_list
from .yamlio import Override, Reset

RESOURCE_SECTIONS = ("volumes", "networks", "secrets", "configs")


def key_values(value: Any, key: str, empty: Any = None) -> dict[str, Any]:
    """environment / labels / sysctls: list of `K=V` or mapping → mapping of strings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): empty if v is None else _scalar_text(v) for k, v in value.items()}
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for item in value:
            text = str(item)
            name, sep, val = text.partition("=")
            out[name] = val if sep else empty
        return out
    raise bad(f"must be a list of KEY=VALUE or a mapping, not {type(value).__name__}", key,
              "write KEY: value pairs")


def _scalar_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def command_list(value: Any) -> Any:
    """command / entrypoint: a string is split like a shell would."""
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def depends_on(value: Any, key: str) -> dict[str, Any]:
    if isinstance(value, list):
        return {str(n): {"condition": "service_started", "required": True} for n in value}
    if isinstance(value, dict):
        out = {}
        for name, spec in value.items():
            if spec is not None and not isinstance(spec, dict):
                raise bad(f"depends_on.{name} must be a mapping (condition, required, restart)", key,
                          "write name: {condition: service_healthy}, or list the names")
            spec = dict(spec or {})
            spec.setdefault("condition", "service_started")
            spec.setdefault("required", True)
            out[str(name)] = spec
        return out
    raise bad("must be a list of service names or a mapping", key, "list the services this one needs")


def env_files(value: Any, base: Path) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, (str, dict)) or isinstance(item, dict) and "path" not in item:
            raise ValueError(f"entry {item!r} is neither a path nor a mapping with path:")
        entry = {"path": item, "required": True} if isinstance(item, str) else dict(item)
        entry["path"] = absolute(str(entry["path"]), base)
        entry.setdefault("required", True)
        out.append(entry)
    return out


def _file_mounts(value: Any) -> list[dict[str, Any]]:
    out = []
    for item in value or []:
        if isinstance(item, str):
            out.append({"source": item})
        elif isinstance(item, dict) and item.get("source") and isinstance(item["source"], str):
            out.append(dict(item))
        else:
            raise ValueError(f"entry {item!r} is neither a name nor a mapping with source:")
    return out


def _networks(value: Any) -> dict[str, Any]:
    """networks: a list of names, or a mapping of name → settings (or nothing)."""
    if isinstance(value, list):
        return {str(n): None for n in value}
    for name, spec in mapping(value).items():
        if spec is not None and not isinstance(spec, dict):
            raise ValueError(f"networks.{name} must be a mapping or empty, not {type(spec).__name__}")
        if spec and spec.get("aliases") is not None and not isinstance(spec["aliases"], list):
            raise ValueError(f"networks.{name}.aliases must be a list")
    return value


def _transforms(key: str, base: Path) -> dict[str, Callable[[Any], Any]]:
    """Per service key, the function that gives its long form."""
    return {
        "ports": lambda v: service_ports(v, f"{key}.ports"),
        "volumes": lambda v: one_per_target([parse_volume(x, base, f"{key}.volumes") for x in (v or [])]),
        "environment": lambda v: key_values(v, f"{key}.environment"),
        "labels": lambda v: key_values(v, f"{key}.labels", ""),
        "annotations": lambda v: key_values(v, f"{key}.annotations", ""),
        "sysctls": lambda v: key_values(v, f"{key}.sysctls", ""),
        "depends_on": lambda v: depends_on(v, f"{key}.depends_on"),
        "env_file": lambda v: env_files(v, base),
        "label_file": lambda v: [absolute(path, base) for path in string_list(v)],
        "command": command_list,
        "entrypoint": command_list,
        "secrets": _file_mounts,
        "configs": _file_mounts,
        "expose": lambda v: expose_entries(v, f"{key}.expose"),
        "links": text_list,
        "volumes_from": text_list,
        "dns": string_list,
        "dns_search": string_list,
        "dns_opt": string_list,
        "tmpfs": lambda v: tmpfs_entries(v, f"{key}.tmpfs"),
        "profiles": string_list,
        "networks": _networks,
        "extends": lambda v: {"service": v} if isinstance(v, str) else v,
        "build": lambda v: {"context": v} if isinstance(v, str) else v,
        "ulimits": lambda v: {k: ({"soft": u, "hard": u} if isinstance(u, int) else u)
                              for k, u in mapping(v).items()},
    }


def _transformed(value: Any, field: str, transform: Callable[[Any], Any], key: str) -> Any:
    """`transform` applied to one key's value (under its `!override` tag, if any)."""
    override = isinstance(value, Override)
    raw_value = value.value if override else value
    try:
        result = transform(raw_value)
    except ComposeError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        raise bad(f"{field} has an unexpected shape ({exc})", f"{key}.{field}",
                  f"see the Compose specification for the forms {field} takes") from None
    return Override(result) if override else result


def _long_healthcheck_and_paths(svc: dict[str, Any], base: Path) -> None:
    """A string healthcheck test run by a shell; extends' file and a local build context absolute."""
    health = svc.get("healthcheck")
    if isinstance(health, dict) and isinstance(health.get("test"), str):
        health = dict(health)
        health["test"] = ["CMD-SHELL", health["test"]]
        svc["healthcheck"] = health
    if isinstance(svc.get("extends"), dict) and svc["extends"].get("file"):
        svc["extends"] = {**svc["extends"], "file": absolute(str(svc["extends"]["file"]), base)}
    build = svc.get("build")
    if isinstance(build, dict) and isinstance(build.get("context"), str) and "://" not in build["context"] \
            and not build["context"].startswith("git@"):
        svc["build"] = {**build, "context": absolute(build["context"], base)}


def service(raw: Any, name: str, base: Path) -> dict[str, Any]:
    """Canonical long form of one service."""
    key = f"services.{name}"
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise bad(f"service must be a mapping, not {type(raw).__name__}", key, "indent its keys under it")
    check_types(raw, key)
    svc = dict(raw)
    for field, transform in _transforms(key, base).items():
        if field in svc and not isinstance(svc[field], Reset):
            svc[field] = _transformed(svc[field], field, transform, key)
    _long_healthcheck_and_paths(svc, base)
    return svc


def top_level_resource(raw: Any, base: Path) -> dict[str, Any]:
    """volumes / networks / secrets / configs entries: `file:` and a bind volume's
    `driver_opts.device` made absolute, as Compose resolves them."""
    entry = dict(mapping(raw))
    if isinstance(entry.get("file"), str):
        entry["file"] = absolute(entry["file"], base)
    opts = entry.get("driver_opts")
    if isinstance(opts, dict) and is_bind_volume(opts) and isinstance(opts.get("device"), str):
        entry["driver_opts"] = {**opts, "device": absolute(opts["device"], base)}
    return entry


def canonical_file(data: dict, base: Path) -> dict:
    """Canonicalise one file's parsed, interpolated content."""
    out = dict(data)
    services = out.get("services")
    if services is None:
        services = {}
    if not isinstance(services, dict):
        raise ComposeError(f"services must be a mapping, not a {kind_name(services)}", key="services",
                           hint="list each service as name: {image: ...}")
    out["services"] = {str(n): service(s, str(n), base) for n, s in services.items()}
    for section in RESOURCE_SECTIONS:
        entries = out.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise ComposeError(f"{section} must be a mapping", key=section, hint=f"write {section}: {{name: {{}}}}")
        try:
            out[section] = {str(n): top_level_resource(e, base) for n, e in entries.items()}
        except ValueError as exc:
            raise ComposeError(f"{section} entries must be mappings ({exc})", key=section,
                               hint=f"write {section}: {{name: {{}}}}") from None
    return out
