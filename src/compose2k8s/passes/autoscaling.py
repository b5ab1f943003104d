"""Kompose's kompose.hpa.* labels → a HorizontalPodAutoscaler (autoscaling/v2) in the base.

`kompose.hpa.cpu` / `.memory`: a number or `N%` is an average utilization of the container's
request, a quantity (`500m`, `512Mi`) an average value; with neither, cpu 50% (Kompose's
default). `.replicas.min` / `.max` default to 1 and 3, as in Kompose. The autoscaler owns the
replica count: the workload states none, and prod's replica floor raises its minimum instead of
pinning replicas (passes/overlay_scaling.py). A workload that must stay single
(analysis/scaling.py), or that does not scale (a DaemonSet, a Job), gets no autoscaler: reported.
"""
from __future__ import annotations

import re

from ..analysis.kompose_labels import label, label_error, labels_under, number
from ..analysis.scaling import rwo_claims, single_reason
from ..ir.model import Autoscaler, Plan, ScaleTarget, Workload

PREFIX = "kompose.hpa."
DEFAULTS = {"min": 1, "max": 3, "cpu": 50}  # Kompose's
_PERCENT = re.compile(r"^([0-9]+)\s*%?$")
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|[KMGT]i?)?$")


def _target(w: Workload, resource: str) -> ScaleTarget | None:
    value = label(w.service, PREFIX + resource)
    if value is None:
        return None
    percent = _PERCENT.match(value)
    if percent and int(percent.group(1)) > 0:
        return ScaleTarget(resource, utilization=int(percent.group(1)))  # type: ignore[arg-type]
    if _QUANTITY.match(value) and not value.isdigit():
        return ScaleTarget(resource, average=value)  # type: ignore[arg-type]
    raise label_error(w.service, PREFIX + resource, f"'{value}' is neither a utilization (50, 50%) nor a "
                      "quantity (500m, 512Mi)", f"e.g. {PREFIX}{resource}: \"50\"")


def _autoscaler(w: Workload) -> Autoscaler:
    svc = w.service
    low = number(svc, PREFIX + "replicas.min", 1) or DEFAULTS["min"]
    high = number(svc, PREFIX + "replicas.max", 1) or max(DEFAULTS["max"], low)
    if high < low:
        raise label_error(svc, PREFIX + "replicas.max", f"{high} is below {PREFIX}replicas.min ({low})",
                          "the maximum must be at least the minimum")
    targets = tuple(t for t in (_target(w, "cpu"), _target(w, "memory")) if t) or (
        ScaleTarget("cpu", utilization=DEFAULTS["cpu"]),)
    return Autoscaler(svc.name, low, high, targets)


def _unrequested(w: Workload, scaler: Autoscaler) -> list[str]:
    """Resources whose utilization the autoscaler targets but the container requests none of."""
    requests = (w.container.get("resources") or {}).get("requests") or {}
    return [t.resource for t in scaler.targets if t.utilization is not None and t.resource not in requests]


def run(plan: Plan) -> Plan:
    rwo = rwo_claims(plan)
    for name, w in sorted(plan.pod_owners().items()):
        if not labels_under(w.service, PREFIX):
            continue
        scaler = _autoscaler(w)
        reason = single_reason(plan, w, rwo) if w.kind in ("Deployment", "StatefulSet") else \
            f"a {w.kind} does not scale by replicas"
        if reason:
            plan.note(name, "labels", "hpa-refused", f"{PREFIX}* ignored: {reason}; it keeps Compose's "
                      f"{w.replicas} replica(s)", "scale it by hand if it is safe")
            continue
        plan.autoscalers[name] = scaler
        plan.trace_field(w, "labels", f"HorizontalPodAutoscaler {w.name}: {scaler.min_replicas}-"
                         f"{scaler.max_replicas} replicas ({PREFIX}*)")
        plan.note(name, "labels", "hpa", f"a HorizontalPodAutoscaler scales it from {scaler.min_replicas} to "
                  f"{scaler.max_replicas} replicas; it needs the metrics server (`kubectl top pods` works), "
                  "without which it keeps the minimum", severity="info")
        missing = _unrequested(w, scaler)
        if missing:
            plan.note(name, "labels", "hpa-requests", f"its autoscaler targets {' and '.join(missing)} "
                      f"utilization, but the container requests no {' or '.join(missing)}: the autoscaler "
                      "cannot compute it (prod's LimitRange gives a default request; dev and staging do not)",
                      "set deploy.resources.reservations (cpus, memory) on the service")
    return plan
