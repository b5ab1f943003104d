"""Docker's volume copy-up: Docker copies the image's files at the mount path into an empty
named volume when a container first mounts it (unless `nocopy: true`); Kubernetes does not.
Where a stack relies on it — a named volume several services share (by default), or one the
caller (storage.copy_up) or a `compose2k8s.copy-up` volume label switches on — the service
Compose starts first gets an init container, running its own image, that copies the path's
files into the volume when it is empty, once: a marker file in the volume records it.
"""
from __future__ import annotations

import posixpath
import shlex
from typing import Any

from ...analysis.mounts import shell_less
from ...ir.model import Claim, Plan
from ...names import dns_label
from ...tables.storage import mount_rules
from .claims import Storage, Use, data_path

MARKER = ".compose2k8s-copied-up"
LABEL = "compose2k8s.copy-up"
VOLUME_AT = "/compose2k8s-volume"


def script(source: str) -> str:
    """The copy: only into an empty volume, only once, and nothing when the image has nothing there."""
    src, volume = shlex.quote(source.rstrip("/") or "/"), VOLUME_AT
    return (f"if [ -e {volume}/{MARKER} ]; then echo 'copied before'; exit 0; fi\n"
            f"if [ -n \"$(ls -A {volume} | grep -v '^lost+found$')\" ]; then echo 'the volume holds files: "
            "nothing copied'; exit 0; fi\n"
            f"if [ -z \"$(ls -A {src} 2>/dev/null)\" ]; then echo 'the image has nothing at {source}'; exit 0; fi\n"
            f"cp -a {src}/. {volume}/ 2>/dev/null || cp -R {src}/. {volume}/\n"
            f"touch {volume}/{MARKER}\n"
            f"echo 'copied {source} into the volume'\n")


def _wanted(plan: Plan, volume: str, users: int) -> tuple[bool, str]:
    """(copy up?, who decided): the caller's option, else the volume's label, else shared or not."""
    chosen = plan.options.storage.copy_up.get(volume)
    if chosen is not None:
        return chosen, "storage.copy_up"
    top = plan.project.volumes.get(volume)
    label = str((top.labels if top and isinstance(top.labels, dict) else {}).get(LABEL, "")).lower()
    if label in ("true", "false"):
        return label == "true", f"label {LABEL}"
    return users > 1, "it is shared"


def _start_order(plan: Plan) -> dict[str, int]:
    """service → how deep it sits in depends_on: Compose starts the shallow ones first (a cycle,
    which Compose refuses, counts as no dependency)."""
    services = plan.project.services
    depth: dict[str, int] = {}
    for root in services:
        stack = [root]
        visiting: set[str] = set()
        while stack:
            name = stack[-1]
            if name in depth:
                stack.pop()
                continue
            visiting.add(name)
            pending = [d for d in services[name].depends_on if d in services and d not in depth and d not in visiting]
            if pending:
                stack += pending
                continue
            depth[name] = 1 + max((depth[d] for d in services[name].depends_on if d in depth), default=-1)
            visiting.discard(name)
            stack.pop()
    return depth


def copy_up(plan: Plan, storages: dict[tuple[str, str], Storage], claims: dict[tuple[str, str], Claim]) -> None:
    order = _start_order(plan)
    for key in sorted(storages):
        kind, volume = key
        storage, claim = storages[key], claims[key]
        users = {u.service for u in storage.uses}
        if kind != "volume" or claim.external:
            continue
        wanted, why = _wanted(plan, volume, len(users))
        if not wanted:
            continue
        first = min(storage.uses, key=lambda u: (order.get(u.service, 0), u.mount.read_only, u.service))
        if _refused(plan, volume, first, why):
            continue
        _add(plan, first, claim, why)


def _refused(plan: Plan, volume: str, first: Use, why: str) -> bool:
    """Reasons not to copy: nocopy, a database's data path, an image with no shell."""
    w = plan.workloads[first.service]
    if (first.mount.volume or {}).get("nocopy"):
        plan.trace(first.service, "volumes", f"volume {volume}: nocopy, nothing copied from the image")
        return True
    if why == "it is shared" and data_path(w) == posixpath.normpath(first.mount.target):
        return True  # a database's data folder: the image has nothing there, and a marker would break initdb
    built = plan.facts.built_images.get(first.service)
    if shell_less(w.service.image, built, mount_rules()):
        plan.note(first.service, "volumes", "copy-up-no-shell", f"volume {volume} starts empty: Docker filled it "
                  f"from the image at {first.mount.target}, but the image has no shell to copy with",
                  "seed the volume yourself, or build an image that does not rely on it")
        return True
    return False


def _add(plan: Plan, first: Use, claim: Claim, why: str) -> None:
    w = plan.workloads[first.service]
    source = posixpath.normpath(first.mount.target)
    mount: dict[str, Any] = {"name": claim.name, "mountPath": VOLUME_AT}
    subpath = (first.mount.volume or {}).get("subpath")
    if subpath:
        mount["subPath"] = str(subpath)
    init: dict[str, Any] = {"name": dns_label(f"copy-up-{claim.name}"), "image": w.container["image"],
                            "command": ["sh", "-c", script(source)], "volumeMounts": [mount]}
    init.update({k: w.container[k] for k in ("imagePullPolicy", "securityContext") if k in w.container})
    w.init_containers.append(init)
    plan.trace_field(w, "volumes", f"initContainer {init['name']} (copy-up of {source})")
    plan.note(first.service, "volumes", "copy-up", f"claim {claim.name} starts empty, where Docker filled volume "
              f"{first.mount.source} from the image at {source} ({why}): init container {init['name']} copies "
              "those files in once, when the claim is empty",
              f"it needs sh and cp in the image; set storage.copy_up or the {LABEL} label to false to leave the "
              "claim empty", severity="info")
