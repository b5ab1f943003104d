"""Replicas per overlay (mappings/overlays.yaml `replica_floor`): prod runs stateless
Deployments with at least the floor; options.prod_replicas sets any service's count.

Never more replicas than Compose ran of what must stay single: a stateful image, a workload
on a ReadWriteOnce claim (a second pod cannot mount it, or would write beside the first),
a singleton (mappings/singletons.yaml: schedulers, in-memory viewers), a pod on the node's
network (two would collide on its ports). Each such decision is a note.
"""
from __future__ import annotations

import re

from ..analysis.images import image_base
from ..ir.model import Plan, Workload
from ..ir.overlays import Replicas
from ..mappings import overlay_rules, singletons, stateful_images


def single_reason(plan: Plan, w: Workload, rwo: dict[str, list[str]]) -> str:
    """Why `w` must not run more replicas than Compose did, or ''."""
    base = image_base(w.service.image)
    if base in stateful_images():
        return f"image {base} keeps state"
    if rwo.get(w.service.name):
        return f"it mounts ReadWriteOnce claim {rwo[w.service.name][0]}"
    if w.pod.get("hostNetwork"):
        return "it uses the node's network (replicas on one node would collide on its ports)"
    table = singletons()
    if base in table.images:
        return f"{base} keeps what it shows in memory"
    text = " ".join([w.service.name, *(w.service.entrypoint or []), *(w.service.command or [])])
    pattern = next((p for p in table.commands if re.search(p, text, re.IGNORECASE)), None)
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


def run(plan: Plan) -> Plan:
    rwo = rwo_claims(plan)
    for name, overlay in plan.overlays.items():
        floor = overlay_rules().overlays[name].replica_floor
        if floor is None:
            continue
        wanted = plan.options.prod_replicas if name == "prod" else {}
        for compose_name, w in sorted(plan.pod_owners().items()):
            if w.kind not in ("Deployment", "StatefulSet"):
                continue
            reason = single_reason(plan, w, rwo)
            count = wanted.get(compose_name, w.replicas if reason or w.kind != "Deployment" else max(floor, w.replicas))
            if reason and count > w.replicas:
                plan.note(compose_name, "overlays", "replicas-refused", f"{name}: prod_replicas {count} ignored: "
                          f"{reason}; it keeps Compose's {w.replicas}", "scale it with the tool's own clustering")
                count = w.replicas
            elif reason and w.kind == "Deployment" and w.replicas < floor:
                plan.note(compose_name, "overlays", "single-replica", f"{name}: kept at {w.replicas} replica(s): "
                          f"{reason}", severity="info")
            if w.kind == "Deployment" or compose_name in wanted:
                overlay.replicas.append(Replicas(compose_name, count))
                plan.trace(compose_name, "overlays", f"{name}: {count} replicas")
    return plan
