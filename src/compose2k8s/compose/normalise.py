"""Project-wide normalisation once the files are merged, as Compose does it: the services the
profiles enable, the dependencies links and `service:` modes imply, default mount targets of
secrets and configs, and the project name."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..errors import ComposeError


def apply_profiles(services: dict, profiles: set[str]) -> dict:
    """The services the profiles enable. An optional dependency (`required: false`) on a
    disabled service stays listed, as Compose prints it; a required one is an error."""
    enabled = {n: s for n, s in services.items()
               if not s.get("profiles") or "*" in profiles or profiles & set(s["profiles"])}
    for name, svc in enabled.items():
        for dep, spec in (svc.get("depends_on") or {}).items():
            if dep in services and dep not in enabled and spec.get("required", True):
                wanted = ", ".join(services[dep].get("profiles") or [])
                raise ComposeError(f"depends on '{dep}', which is disabled by its profiles ({wanted})",
                                   key=f"services.{name}.depends_on.{dep}",
                                   hint=f"add --profile {wanted.split(',')[0]} or mark the dependency required: false")
    return enabled


def implicit_dependencies(services: dict) -> None:
    """links, volumes_from and `service:` namespace modes imply depends_on, as in Compose."""
    for svc in services.values():
        implied = [str(link).split(":")[0] for link in svc.get("links") or []]
        implied += [str(v).split(":")[0] for v in svc.get("volumes_from") or [] if not str(v).startswith("container:")]
        for key in ("network_mode", "ipc", "pid"):
            value = str(svc.get(key) or "")
            if value.startswith("service:"):
                implied.append(value.split(":", 1)[1])
        for dep in implied:
            deps = svc.setdefault("depends_on", {})
            if dep not in deps:
                deps[dep] = {"condition": "service_started", "required": True}


def default_targets(services: dict) -> None:
    for svc in services.values():
        for ref in svc.get("secrets") or []:
            target = ref.get("target")
            if not target:
                ref["target"] = f"/run/secrets/{ref['source']}"
            elif not str(target).startswith("/"):
                ref["target"] = f"/run/secrets/{target}"
        for ref in svc.get("configs") or []:
            ref.setdefault("target", f"/{ref['source']}")


def project_name(data: dict, env: Mapping[str, str], working_dir: Path, override: str | None) -> str:
    raw = override or data.get("name") or env.get("COMPOSE_PROJECT_NAME") or working_dir.resolve().name
    name = re.sub(r"[^a-z0-9_-]", "", str(raw).lower())
    if not name or not name[0].isalnum():
        name = "project" + name
    return name
