"""PodDisruptionBudgets per overlay (mappings/overlays.yaml `budgets`, by workload kind). A
workload with one replica (an autoscaled one: a minimum of one) gets maxUnavailable 1: a budget
must never block a node drain."""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import Budget
from ..tables.overlays import overlay_rules


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        rules = overlay_rules().overlays[name].budgets
        counts = {name: a.min_replicas for name, a in plan.autoscalers.items()}
        counts.update({r.workload: r.count for r in overlay.replicas})
        for compose_name, w in sorted(plan.pod_owners().items()):
            rule = rules.get(w.kind)
            if not rule:
                continue
            if counts.get(compose_name, w.replicas) <= 1:  # minAvailable 1 of 1 would block every drain
                overlay.budgets.append(Budget(compose_name, max_unavailable=1))
            else:
                overlay.budgets.append(Budget(compose_name, rule.min_available, rule.max_unavailable))
                plan.trace(compose_name, "overlays", f"{name}: PodDisruptionBudget {w.name}")
    return plan
