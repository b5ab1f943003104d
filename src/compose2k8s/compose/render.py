"""A `ComposeProject` printed the way `docker compose config` prints it.

Long-form shapes and field names follow `docker compose config --format json`, so the
two outputs can be diffed.
"""
from __future__ import annotations

from typing import Any

from .model import ComposeProject, Service
from .units import format_duration

_DURATIONS = ("interval", "timeout", "start_period", "start_interval")


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None and v != [] and v != {} or k in ("volume",)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _service(svc: Service) -> dict[str, Any]:
    data = svc.model_dump(exclude_none=True, exclude={"name"})
    out: dict[str, Any] = {k: v for k, v in data.items()
                           if v not in ([], {}, False) or k in ("environment",) and "environment" in svc.model_fields_set}
    out.pop("label_file", None)  # merged into labels, as the reference prints it
    out["command"] = svc.command
    out["entrypoint"] = svc.entrypoint
    out["ports"] = [_clean(p.model_dump(exclude_none=True)) for p in svc.ports] or None
    out["volumes"] = [_volume(m.model_dump(exclude_none=True)) for m in svc.volumes] or None
    if svc.healthcheck:
        health = svc.healthcheck.model_dump(exclude_none=True)
        for key in _DURATIONS:
            if key in health:
                health[key] = format_duration(health[key])
        if not health.get("disable"):
            health.pop("disable", None)
        out["healthcheck"] = health
    if svc.depends_on:
        out["depends_on"] = {n: {k: v for k, v in d.model_dump().items() if k != "restart" or v}
                             for n, d in svc.depends_on.items()}
    for key in ("post_start", "pre_stop", "pre_start"):
        hooks = getattr(svc, key)
        out[key] = [hook.model_dump(exclude_defaults=True) for hook in hooks] or None
    for key in ("mem_limit", "mem_reservation", "shm_size"):
        if key in out:
            out[key] = str(out[key])
    if svc.stop_grace_period is not None:
        out["stop_grace_period"] = format_duration(svc.stop_grace_period)
    return {k: v for k, v in sorted(out.items()) if v is not None or k in ("command", "entrypoint")}


def _volume(mount: dict[str, Any]) -> dict[str, Any]:
    if not mount.get("read_only"):
        mount.pop("read_only", None)
    return mount


def render_config(project: ComposeProject) -> dict[str, Any]:
    """The normalised project as a plain dict (JSON/YAML ready, keys sorted)."""
    out: dict[str, Any] = {"name": project.name,
                           "services": {n: _service(s) for n, s in sorted(project.services.items())}}
    for section in ("networks", "volumes", "secrets", "configs"):
        entries = getattr(project, section)
        if entries:
            out[section] = {n: e.model_dump(exclude_none=True) for n, e in sorted(entries.items())}
    out.update(project.extensions)
    return _escaped(out)


def _escaped(value: Any) -> Any:
    """Every `$` of a value doubled, as `docker compose config` prints them, so the output
    is itself a compose file that reads back to the same values.

    >>> _escaped({"command": ["echo", "$HOME"]})
    {'command': ['echo', '$$HOME']}
    """
    if isinstance(value, str):
        return value.replace("$", "$$") if "$" in value else value
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value
