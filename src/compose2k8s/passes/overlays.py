"""One OverlayPlan per overlay the options ask for, with its namespace; the overlay_* passes
after it fill in what each overlay changes over the base.
"""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import OverlayPlan


def namespace(plan: Plan, overlay: str) -> str:
    """<namespace option or project>-<overlay>, e.g. cptm8-dev."""
    return f"{plan.options.namespace or plan.name}-{overlay}"


def run(plan: Plan) -> Plan:
    for overlay in plan.options.overlays:
        plan.overlays[overlay] = OverlayPlan(name=overlay, namespace=namespace(plan, overlay))
    return plan
