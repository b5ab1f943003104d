"""Which workloads must not run more replicas than Compose ran: read by the prod replica
floor (passes/overlay_scaling.py) and the autoscaler (passes/autoscaling.py).

Never more of: a stateful image, a workload on a ReadWriteOnce claim (a second pod cannot
mount it, or would write beside the first), a singleton (mappings/singletons.yaml:
schedulers, in-memory viewers), a pod on the node's network or on a node's port (two would
collide on it).
"""
from __future__ import annotations

from ..ir.model import Plan, Workload
from ..tables.images import singletons, stateful_images
from .images import image_base


def single_reason(plan: Plan, w: Workload, rwo: dict[str, list[str]]) -> str:
    """Why `w` must not run more replicas than Compose did, or ''."""
    base = image_base(w.service.image)
    if base in stateful_images():
        return f"image {base} keeps state"
    if rwo.get(w.service.name):
        return f"it mounts ReadWriteOnce claim {rwo[w.service.name][0]}"
    if w.pod.get("hostNetwork"):
        return "it uses the node's network (replicas on one node would collide on its ports)"
    if any(p.get("hostPort") for c in [w.container, *w.sidecars] for p in c.get("ports") or []):
        return "it binds ports of the node (hostPort: replicas on one node would collide on them)"
    table = singletons()
    if base in table.images:
        return f"{base} keeps what it shows in memory"
    text = " ".join([w.service.name, *(w.service.entrypoint or []), *(w.service.command or [])])
    pattern = next((p for p in table.commands if p.search(text)), None)
    return "it runs a scheduler (its periodic work would run once per replica)" if pattern else ""


def rwo_claims(plan: Plan) -> dict[str, list[str]]:
    """compose service → the ReadWriteOnce claims it mounts, read-only too: a second pod on
    another node cannot mount one (claim templates are one per pod: not these)."""
    found: dict[str, list[str]] = {}
    for claim in plan.claims:
        if claim.access_mode == "ReadWriteOnce" and not claim.template:
            for user in claim.users:
                found.setdefault(user, []).append(claim.name)
    return found
