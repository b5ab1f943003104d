"""Replicas per overlay (mappings/overlays.yaml `replica_floor`): prod runs stateless
Deployments with at least the floor; options.prod_replicas sets any service's count.
"""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import Replicas
from ..mappings import overlay_rules


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        floor = overlay_rules().overlays[name].replica_floor
        if floor is None:
            continue
        wanted = plan.options.prod_replicas if name == "prod" else {}
        for compose_name, w in sorted(plan.pod_owners().items()):
            if w.kind == "Deployment":
                count = wanted.get(compose_name, max(floor, w.replicas))
            elif w.kind == "StatefulSet" and compose_name in wanted:
                count = wanted[compose_name]
            else:
                continue
            overlay.replicas.append(Replicas(compose_name, count))
            if count != w.replicas:
                plan.trace(compose_name, "overlays",
                           f"{name}: {count} replicas")
    return plan
