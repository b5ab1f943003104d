"""Workload kind per service: StatefulSet, Job, CronJob, DaemonSet or Deployment.

Explained by a diagnostic whenever the kind is not the default Deployment.
"""
from __future__ import annotations

from functools import cache

from ..compose.model import Service
from ..ir.model import Plan, Workload
from ..mappings import read_table
from .images import image_base

KINDS = {"deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet",
         "job": "Job", "cronjob": "CronJob"}


@cache
def _tables() -> tuple[dict, frozenset[str]]:
    return read_table("kinds"), frozenset(read_table("stateful-images")["images"])


def _completed_dependencies(plan: Plan) -> set[str]:
    return {dep for svc in plan.project.services.values() for dep, spec in svc.depends_on.items()
            if spec.condition == "service_completed_successfully"}


def volume_users(plan: Plan) -> dict[str, set[str]]:
    """{named volume: the services that mount it}."""
    users: dict[str, set[str]] = {}
    for name, svc in plan.project.services.items():
        for mount in svc.volumes:
            if mount.type == "volume" and mount.source:
                users.setdefault(mount.source, set()).add(name)
    return users


def _label(service, names: list[str]) -> str | None:
    return next((service.labels[n] for n in names if n in service.labels), None)


def _decide(plan: Plan, workload: Workload, completed: set[str], users: dict[str, set[str]]) -> tuple[str, str]:
    """(kind, reason)."""
    table, stateful_images = _tables()
    svc = workload.service
    forced = _label(svc, table["override_labels"])
    if forced:
        kind = KINDS.get(forced.lower())
        if kind:
            return kind, f"label asks for {kind}"
        plan.warn(svc.name, "labels", "unknown-kind-label", f"unknown workload kind '{forced}' in label",
                  f"use one of {', '.join(sorted(KINDS))}")
    if _label(svc, table["schedule_labels"]):
        return "CronJob", "a schedule label is set"
    if svc.deploy and svc.deploy.mode == "global":
        return "DaemonSet", "deploy.mode is global"
    if svc.name in completed:
        return "Job", "another service waits for it with service_completed_successfully"
    restart = _restart(svc)
    if restart and restart.split(":")[0] in ("no", "on-failure"):
        if svc.ports or svc.expose:
            plan.warn(svc.name, "restart", "one-shot-listener",
                      f"restart: {restart} but the service listens on ports; kept as a Deployment",
                      "remove the ports if it is a one-shot task, or set compose2k8s.kind: job")
        else:
            return "Job", f"restart: {restart} marks a one-shot task"
    rw_named = [m.source for m in svc.volumes if m.type == "volume" and m.source and not m.read_only]
    if rw_named:
        if image_base(svc.image) in stateful_images:
            return "StatefulSet", f"image {image_base(svc.image)} keeps its state in volume {rw_named[0]}"
        own = [v for v in rw_named if users.get(v) == {svc.name}]
        if own and len(own) == len(rw_named):
            return "StatefulSet", f"named volume {own[0]} is its own state"
    return "Deployment", ""


def _restart(svc: Service) -> str | None:
    """The service's restart policy in `restart:` terms; deploy.restart_policy.condition wins, as in Compose."""
    condition = (svc.deploy.restart_policy or {}).get("condition") if svc.deploy else None
    if condition:
        return {"none": "no", "any": "always"}.get(condition, condition)
    return svc.restart


def run(plan: Plan) -> Plan:
    table, _ = _tables()
    completed = _completed_dependencies(plan)
    users = volume_users(plan)
    for workload in plan.workloads.values():
        svc = workload.service
        kind, reason = _decide(plan, workload, completed, users)
        workload.kind = kind
        workload.replicas = svc.replicas
        if reason:
            plan.warn(svc.name, "restart" if kind == "Job" else "deploy", "workload-kind",
                      f"became a {kind}: {reason}", severity="info")
        plan.trace(svc.name, "image", f"{kind} {workload.name} .spec.template.spec.containers[0].image")
        if kind in ("Job", "CronJob"):
            restart = (_restart(svc) or "no").split(":")
            rule = table["restart_kinds"].get(restart[0], table["restart_kinds"]["no"])
            backoff = int(restart[1]) if len(restart) > 1 and restart[1].isdigit() else rule["backoff_limit"]
            workload.job = {"restartPolicy": rule["restart_policy"], "backoffLimit": backoff}
            if kind == "CronJob":
                workload.job["schedule"] = _label(svc, table["schedule_labels"])
            if svc.restart:
                plan.trace(svc.name, "restart", f"{kind} {workload.name} restartPolicy {rule['restart_policy']}")
        elif svc.restart:
            plan.trace(svc.name, "restart", f"{kind} {workload.name} restartPolicy Always")
        if svc.deploy and svc.deploy.replicas is not None or svc.scale is not None:
            key = "scale" if svc.scale is not None else "deploy"
            plan.trace(svc.name, key, f"{kind} {workload.name} .spec.replicas")
        if kind == "DaemonSet" and workload.replicas != 1:
            plan.warn(svc.name, "deploy", "daemonset-replicas", "replicas ignored: a DaemonSet runs one pod per node")
    return plan
