"""Nothing silent: every compose key present that is not fully mapped gets a diagnostic, and so
does every Kompose label (`kompose.*`, mappings/kompose-labels.yaml) that is not mapped or that
the table does not know.

Runs last, so a pass that explained a key more precisely is not repeated.
"""
from __future__ import annotations

from ..analysis.kompose_labels import labels_under
from ..compose.model import Service
from ..ir.model import Plan
from ..tables.keys import compose_keys, kompose_labels


def _kompose_labels(plan: Plan, name: str, svc: Service) -> None:
    table = kompose_labels()
    for label in sorted(labels_under(svc, "kompose.")):
        entry = table.get(label)
        if entry is None:
            plan.note(name, "labels", "unknown-kompose-label", f"label {label} is not a Kompose label: ignored",
                      "check its spelling against Kompose's user guide (README: Kompose labels)")
        elif entry.status == "not_mapped" or "service" not in entry.read_from and "deploy" not in entry.read_from:
            plan.note(name, "labels", "kompose-label-not-mapped", f"label {label} is not mapped on a service: "
                      f"{entry.reason}", "see README: Kompose labels")


def _volume_kompose_labels(plan: Plan) -> None:
    """Kompose labels on top-level volumes: only those the table reads there are mapped."""
    table = kompose_labels()
    for volume, top in sorted(plan.project.volumes.items()):
        labels = top.labels if isinstance(top.labels, dict) else {}
        for label in sorted(k for k in labels if k.startswith("kompose.")):
            entry = table.get(label)
            if entry is None or entry.status == "not_mapped" or "volume" not in entry.read_from:
                plan.note("", "volumes", "kompose-label-not-mapped", f"volume {volume}: label {label} is not "
                          "mapped on a volume", "see README: Kompose labels")


def run(plan: Plan) -> Plan:
    _volume_kompose_labels(plan)
    table = compose_keys()
    explained = {(d.service, d.key) for d in plan.diagnostics}
    traced = {(t.service, t.key) for t in plan.traces}
    for name, svc in sorted(plan.project.services.items()):
        _kompose_labels(plan, name, svc)
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
