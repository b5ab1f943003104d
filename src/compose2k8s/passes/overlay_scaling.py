"""Replicas per overlay (mappings/overlays.yaml `replica_floor`): prod runs stateless
Deployments with at least the floor; options.prod_replicas sets any service's count.

Never more replicas than Compose ran of what must stay single (analysis/scaling.py: a
stateful image, a ReadWriteOnce claim, a singleton, the node's network or ports). Each such
decision is a note. A workload with an autoscaler (passes/autoscaling.py) gets no pinned
count, which would fight it on every apply: the floor (or prod_replicas) raises the
autoscaler's minimum instead, never lowers it.
"""
from __future__ import annotations

from ..analysis.scaling import rwo_claims, single_reason
from ..ir.model import Plan, Workload
from ..ir.overlays import OverlayPlan, Replicas
from ..tables.overlays import overlay_rules


def _autoscaled(plan: Plan, overlay: OverlayPlan, compose_name: str, floor: int, wanted: dict[str, int]) -> None:
    scaler = plan.autoscalers[compose_name]
    low = max(scaler.min_replicas, wanted.get(compose_name, floor))
    if low > scaler.min_replicas:
        overlay.replicas.append(Replicas(compose_name, low, autoscaled=True))
        plan.trace(compose_name, "overlays", f"{overlay.name}: autoscaler minimum {low} replicas")


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
            if compose_name in plan.autoscalers:
                _autoscaled(plan, overlay, compose_name, floor if w.kind == "Deployment" else 1, wanted)
                continue
            _pinned(plan, overlay, compose_name, w, single_reason(plan, w, rwo), floor, wanted)
    return plan


def _pinned(plan: Plan, overlay: OverlayPlan, compose_name: str, w: Workload, reason: str, floor: int,
            wanted: dict[str, int]) -> None:
    name = overlay.name
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
