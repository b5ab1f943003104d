"""Placement per overlay (mappings/overlays.yaml): dev drops node affinity (Kind has one
unlabelled node, so placement would leave pods Pending); prod spreads Deployments over zones
unless the base already spreads them over that key.
"""
from __future__ import annotations

from ..ir.model import Plan
from ..tables.overlays import overlay_rules


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        rules = overlay_rules().overlays[name]
        for compose_name, w in sorted(plan.pod_owners().items()):
            if rules.drop_affinity and "affinity" in w.pod:
                overlay.dropped_affinity.append(compose_name)
                plan.trace(compose_name, "overlays", f"{name}: node affinity removed (one Kind node)")
            own = {c["topologyKey"] for c in w.pod.get("topologySpreadConstraints") or []}
            if rules.zone_spread and w.kind == "Deployment" and rules.zone_spread not in own:
                overlay.zone_spreads.append(compose_name)
                plan.trace(compose_name, "overlays", f"{name}: pods spread over {rules.zone_spread}")
    return plan
