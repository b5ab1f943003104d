"""Plan → Kubernetes objects (plain dicts in Kubernetes' own field names)."""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan, Workload

API_VERSIONS = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
                "Job": "batch/v1", "CronJob": "batch/v1"}


def _pod_template(plan: Plan, w: Workload) -> dict[str, Any]:
    container = {k: v for k, v in w.container.items() if v not in (None, [], {})}
    spec: dict[str, Any] = {}
    if w.init_containers:
        spec["initContainers"] = w.init_containers
    spec["containers"] = [container]
    spec.update({k: v for k, v in w.pod.items() if v not in (None, [], {})})
    if w.volumes:
        spec["volumes"] = w.volumes
    if w.kind in ("Job", "CronJob"):
        spec["restartPolicy"] = w.job["restartPolicy"]
    meta: dict[str, Any] = {"labels": {**plan.labels(w), **w.pod_labels}}
    return {"metadata": meta, "spec": spec}


def workload_object(plan: Plan, w: Workload) -> dict[str, Any]:
    meta = plan.meta(w.name, w)
    if w.annotations:
        meta["annotations"] = dict(sorted(w.annotations.items()))
    template = _pod_template(plan, w)
    spec: dict[str, Any]
    if w.kind == "Job":
        spec = {"backoffLimit": w.job["backoffLimit"], "template": template}
    elif w.kind == "CronJob":
        spec = {"schedule": w.job["schedule"], "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": {"backoffLimit": w.job["backoffLimit"], "template": template}}}
    else:
        spec = {}
        if w.kind in ("Deployment", "StatefulSet"):
            spec["replicas"] = w.replicas
        if w.kind == "StatefulSet":
            spec["serviceName"] = w.headless_service
        spec["selector"] = {"matchLabels": plan.selector(w)}
        spec.update(w.rollout)
        spec["template"] = template
        if w.kind == "StatefulSet" and w.claim_templates:
            spec["volumeClaimTemplates"] = w.claim_templates
    return {"apiVersion": API_VERSIONS[w.kind], "kind": w.kind, "metadata": meta, "spec": spec}


def lower(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    """Every object of the plan with the folder it belongs in."""
    objects = list(plan.objects)
    for compose_name, w in plan.workloads.items():
        objects.append((compose_name, workload_object(plan, w)))
    return objects
