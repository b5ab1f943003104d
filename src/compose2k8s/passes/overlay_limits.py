"""Resource limits per overlay (mappings/overlays.yaml): dev drops CPU limits (no throttling
on a laptop); prod gives containers without resources a LimitRange's default requests (and
default limits only where the table sets some: by default none, as Compose set none).
"""
from __future__ import annotations

from ..ir.model import Plan, long_running
from ..ir.overlays import LimitDefaults
from ..tables.overlays import overlay_rules


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        rules = overlay_rules().overlays[name]
        if rules.limit_range:
            overlay.limit_range = LimitDefaults(dict(rules.limit_range.default),
                                                dict(rules.limit_range.default_request))
        if not rules.drop_cpu_limits:
            continue
        for compose_name, w in plan.pod_owners().items():
            if not long_running(w.kind):
                continue
            for index, container in enumerate([w.container, *w.sidecars]):
                if "cpu" in (container.get("resources") or {}).get("limits", {}):
                    overlay.dropped_cpu_limits.append((compose_name, index))
                    plan.trace(compose_name, "overlays", f"{name}: CPU limit of container {container['name']} removed")
    return plan
