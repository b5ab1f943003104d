"""PodDisruptionBudgets per overlay (mappings/overlays.yaml `budgets`, by workload kind)."""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import Budget
from ..mappings import overlay_rules


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        rules = overlay_rules().overlays[name].budgets
        for compose_name, w in sorted(plan.pod_owners().items()):
            rule = rules.get(w.kind)
            if rule:
                overlay.budgets.append(Budget(compose_name, rule.min_available, rule.max_unavailable))
                plan.trace(compose_name, "overlays", f"{name}: PodDisruptionBudget {w.name}")
    return plan
