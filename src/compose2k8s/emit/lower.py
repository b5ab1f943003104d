"""Plan → Kubernetes objects (plain dicts in Kubernetes' own field names). Renders; decides nothing."""
from __future__ import annotations

from typing import Any

from ..ir.model import Autoscaler, Claim, Plan, ServiceRecord, Workload, one_shot

API_VERSIONS = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
                "Job": "batch/v1", "CronJob": "batch/v1"}


def _pod_template(plan: Plan, w: Workload) -> dict[str, Any]:
    container = {k: v for k, v in w.container.items() if v not in (None, [], {})}
    spec: dict[str, Any] = {}
    if w.init_containers:
        spec["initContainers"] = w.init_containers
    spec["containers"] = [container, *({k: v for k, v in c.items() if v not in (None, [], {})}
                                       for c in w.sidecars)]
    spec.update({k: v for k, v in w.pod.items() if v not in (None, [], {})})
    if w.volumes:
        spec["volumes"] = w.volumes
    if one_shot(w.kind):
        spec["restartPolicy"] = w.job["restartPolicy"]
    meta: dict[str, Any] = {"labels": {**plan.labels(w), **w.pod_labels}}
    return {"metadata": meta, "spec": spec}


def _claim_spec(claim: Claim) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": [claim.access_mode], "resources": {"requests": {"storage": claim.size}}}
    if claim.storage_class:
        spec["storageClassName"] = claim.storage_class
    return spec


def workload_object(plan: Plan, w: Workload, templates: list[Claim]) -> dict[str, Any]:
    meta = plan.meta(w.name, w)
    if w.annotations:
        meta["annotations"] = dict(sorted(w.annotations.items()))
    template = _pod_template(plan, w)
    spec: dict[str, Any]
    if w.kind == "Job":
        spec = {"backoffLimit": w.job["backoffLimit"], "template": template}
    elif w.kind == "CronJob":
        spec = {"schedule": w.job["schedule"], "concurrencyPolicy": w.job["concurrencyPolicy"],
                "jobTemplate": {"spec": {"backoffLimit": w.job["backoffLimit"], "template": template}}}
    else:
        spec = {}
        if w.kind in ("Deployment", "StatefulSet") and w.service.name not in plan.autoscalers:
            spec["replicas"] = w.replicas  # an autoscaled workload's count is its autoscaler's
        if w.kind == "StatefulSet":
            spec["serviceName"] = w.headless_service
        spec["selector"] = {"matchLabels": plan.selector(w)}
        spec.update(w.rollout)
        spec["template"] = template
        if templates:
            spec["volumeClaimTemplates"] = [{"metadata": {"name": c.name}, "spec": _claim_spec(c)} for c in templates]
    return {"apiVersion": API_VERSIONS[w.kind], "kind": w.kind, "metadata": meta, "spec": spec}


def autoscaler_object(plan: Plan, scaler: Autoscaler) -> dict[str, Any]:
    w = plan.workloads[scaler.workload]
    metrics = [{"type": "Resource", "resource": {"name": t.resource, "target": (
        {"type": "Utilization", "averageUtilization": t.utilization} if t.utilization is not None else
        {"type": "AverageValue", "averageValue": t.average})}} for t in scaler.targets]
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": plan.meta(w.name, w),
            "spec": {"scaleTargetRef": {"apiVersion": API_VERSIONS[w.kind], "kind": w.kind, "name": w.name},
                     "minReplicas": scaler.min_replicas, "maxReplicas": scaler.max_replicas, "metrics": metrics}}


def service_object(plan: Plan, record: ServiceRecord) -> dict[str, Any]:
    w = plan.workloads[record.workload]
    spec: dict[str, Any] = {"clusterIP": "None"} if record.headless else {"type": "ClusterIP"}
    spec["selector"] = plan.selector(w)
    spec["ports"] = [{"name": p.name, "port": p.port, "targetPort": p.name,
                      **({"protocol": p.protocol} if p.protocol != "TCP" else {}),
                      **({"appProtocol": p.app_protocol} if p.app_protocol else {})} for p in record.ports]
    if record.headless or record.before_ready:
        spec["publishNotReadyAddresses"] = record.before_ready
    return {"apiVersion": "v1", "kind": "Service", "metadata": plan.meta(record.name, w), "spec": spec}


def claim_object(plan: Plan, claim: Claim) -> dict[str, Any]:
    owner = plan.workloads[claim.owner] if claim.owner else None
    spec = _claim_spec(claim)
    if claim.nfs:  # bound by each overlay's PersistentVolume, never provisioned
        spec["storageClassName"] = ""
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": plan.meta(claim.name, owner),
            "spec": spec}


def lower(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    """Every object of the plan with the folder it belongs in."""
    objects = list(plan.objects)
    objects += [(record.workload, service_object(plan, record)) for record in plan.services]
    objects += [(claim.owner or "", claim_object(plan, claim)) for claim in plan.claims
                if not (claim.template or claim.external)]
    templates: dict[str, list[Claim]] = {}
    for claim in plan.claims:
        if claim.template and claim.owner:
            templates.setdefault(claim.owner, []).append(claim)
    for compose_name, w in plan.pod_owners().items():
        objects.append((compose_name, workload_object(plan, w, templates.get(compose_name, []))))
    objects += [(name, autoscaler_object(plan, scaler)) for name, scaler in sorted(plan.autoscalers.items())]
    return objects
