"""Nothing silent: every compose key present that is not fully mapped gets a diagnostic.

Runs last, so a pass that explained a key more precisely is not repeated.
"""
from __future__ import annotations

from ..ir.model import Plan
from ..mappings import compose_keys


def run(plan: Plan) -> Plan:
    table = compose_keys()
    explained = {(d.service, d.key) for d in plan.diagnostics}
    traced = {(t.service, t.key) for t in plan.traces}
    for name, svc in sorted(plan.project.services.items()):
        present = svc.model_fields_set | set(svc.model_extra or {})
        for key in sorted(present - {"name"}):
            status = table.service.get(key)
            if status is None or status.status == "mapped" or (name, key) in explained:
                continue
            if status.status == "partial" and (name, key) in traced:
                continue
            plan.note(name, key, "not-mapped" if status.status == "not_mapped" else "partial",
                      f"{key} is {'not mapped' if status.status == 'not_mapped' else 'only partly mapped'}"
                      + (f": {status.reason}" if status.reason else ""),
                      f"maps to {status.to}" if status.to else "")
    return plan
