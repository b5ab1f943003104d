"""Workload kind per service: StatefulSet, Job, CronJob, DaemonSet or Deployment.

Explained by a diagnostic whenever the kind is not the default Deployment.
"""
from __future__ import annotations

import re

from ..analysis.images import image_base
from ..analysis.kompose_labels import choice, label, number
from ..analysis.volume_drivers import backing_of
from ..analysis.volume_labels import volume_type
from ..compose.model import Service
from ..ir.model import Kind, Plan, Workload, one_shot
from ..tables.images import stateful_images, well_known_ports
from ..tables.workloads import kinds


def _label(service: Service, names: tuple[str, ...]) -> str | None:
    return next((service.labels[n] for n in names if n in service.labels), None)


def _decide(plan: Plan, workload: Workload) -> tuple[Kind, str]:
    """(kind, reason)."""
    table = kinds()
    svc = workload.service
    forced = _label(svc, table.override_labels)
    if forced:
        kind = table.kind_labels.get(forced.lower())
        if kind:
            return kind, f"label asks for {kind}"
        plan.note(svc.name, "labels", "unknown-kind-label", f"unknown workload kind '{forced}' in label",
                  f"use one of {', '.join(sorted(table.kind_labels))}")
    if _label(svc, table.schedule_labels):
        return "CronJob", "a schedule label is set"
    if svc.deploy and svc.deploy.mode == "global":
        return "DaemonSet", "deploy.mode is global"
    if svc.name in plan.facts.completed_dependencies:
        return "Job", "another service waits for it with service_completed_successfully"
    restart = restart_policy(svc)
    rule = table.restart_kinds.get(restart.split(":")[0]) if restart else None
    if rule and rule.kind == "Job":
        serves = _serves(plan, workload)
        if not serves:
            return "Job", f"restart: {restart} and it listens on nothing: a one-shot task"
        plan.note(svc.name, "restart", "restart-daemon", f"restart: {restart}, but {serves}: a long-running "
                  "server, so it runs as a Deployment or StatefulSet that Kubernetes restarts (restartPolicy "
                  "Always)", "label it compose2k8s.kind: job if it is a one-shot task", severity="info")
    step = _one_shot_step(svc) if restart is None else None
    if step and not _serves(plan, workload):
        return "Job", f"restart is unset (Compose runs it once) and it ends in a one-shot step ({step})"
    base = image_base(svc.image)
    if base in stateful_images():
        return "StatefulSet", f"image {base} keeps state"
    rw_named = [m.source for m in svc.volumes if m.type == "volume" and m.source and not m.read_only
                and backing_of(plan.project.volumes.get(m.source)).kind != "tmpfs"] if volume_type(svc) != "emptyDir" else []
    users = plan.facts.volume_users
    own = [v for v in rw_named if users.get(v) == {svc.name}]
    if own and len(own) == len(rw_named):
        return "StatefulSet", f"named volume {own[0]} is its own state"
    return "Deployment", ""


_STEPS = re.compile(r"&&|\|\||;|\n")


def _one_shot_step(svc: Service) -> str | None:
    """The command's last step when it is a one-shot task of mappings/kinds.yaml (a migration…).

    >>> _one_shot_step(Service(name="m", image="app", command=["sh", "-c", "pnpm exec prisma migrate deploy"]))
    'sh -c pnpm exec prisma migrate deploy'
    >>> _one_shot_step(Service(name="w", image="app", command=["sh", "-c", "./manage.py migrate && gunicorn app"]))
    """
    words = [*(svc.entrypoint or []), *(svc.command or [])]
    if not words:
        return None
    last = _STEPS.split(" ".join(words))[-1].strip().strip("'\"").strip()
    return last if any(p.search(last) for p in kinds().one_shot_commands) else None


def _serves(plan: Plan, workload: Workload) -> str:
    """Why the service is a server (it listens, or peers use it), or '' when nothing says so."""
    svc = workload.service
    base = image_base(svc.image)
    if svc.ports or svc.expose:
        return "it declares ports"
    if base in stateful_images() or base in well_known_ports():
        return f"{base} is a server image"
    users = sorted(plan.facts.referenced_by.get(svc.name, ()))
    if users:
        return f"{', '.join(users)} connect{'s' if len(users) == 1 else ''} to it"
    waiting = sorted(plan.facts.awaited_healthy.get(svc.name, ()))
    return f"{', '.join(waiting)} wait{'s' if len(waiting) == 1 else ''} for it to be healthy" if waiting else ""


def restart_policy(svc: Service) -> str | None:
    """The service's restart policy in `restart:` terms; deploy.restart_policy.condition wins, as in Compose."""
    condition = (svc.deploy.restart_policy or {}).get("condition") if svc.deploy else None
    if condition:
        return {"none": "no", "any": "always"}.get(condition, condition)
    return svc.restart


def _job(plan: Plan, w: Workload) -> None:
    """restartPolicy, backoffLimit and schedule of a Job or CronJob."""
    table = kinds()
    svc = w.service
    restart = (restart_policy(svc) or "no").split(":")
    rule = table.restart_kinds.get(restart[0], table.restart_kinds["no"])
    if rule.kind != "Job":
        rule = table.restart_kinds["no"]
    backoff = int(restart[1]) if len(restart) > 1 and restart[1].isdigit() else rule.backoff_limit
    w.job = {"restartPolicy": rule.restart_policy, "backoffLimit": backoff}
    if w.kind == "CronJob":
        w.job["schedule"] = _label(svc, table.schedule_labels)
        _cron_labels(plan, w)
    if svc.restart:
        plan.trace_field(w, "restart", f"restartPolicy {rule.restart_policy}")


def _cron_labels(plan: Plan, w: Workload) -> None:
    """kompose.cronjob.backoff_limit and .concurrency_policy (default Forbid: runs never overlap)."""
    backoff = number(w.service, "kompose.cronjob.backoff_limit")
    if backoff is not None:
        w.job["backoffLimit"] = backoff
        plan.trace_field(w, "labels", f"jobTemplate backoffLimit {backoff} (kompose.cronjob.backoff_limit)")
    policy = choice(w.service, "kompose.cronjob.concurrency_policy",
                    {p.lower(): p for p in ("Forbid", "Allow", "Replace")})
    w.job["concurrencyPolicy"] = policy or "Forbid"
    if policy:
        plan.trace_field(w, "labels", f"concurrencyPolicy {policy} (kompose.cronjob.concurrency_policy)")


def _sidecar_host(plan: Plan, workload: Workload) -> str | None:
    """The service whose network namespace `network_mode: service:<x>` joins (its pod)."""
    mode = str(workload.service.extra("network_mode") or "")
    host = mode.removeprefix("service:") if mode.startswith("service:") else None
    while host and host in plan.workloads and str(plan.workloads[host].service.extra("network_mode") or "") \
            .startswith("service:"):  # a chain of shared namespaces ends in one pod
        host = str(plan.workloads[host].service.extra("network_mode")).removeprefix("service:")
    return host if host in plan.workloads else None


GROUP_LABEL = "kompose.service.group"


def _groups(plan: Plan) -> None:
    """kompose.service.group: the services of one group run in one pod, owned by the first by name.
    A service that joins another's network namespace (network_mode service:) stays where that puts it."""
    members: dict[str, list[str]] = {}
    for name, w in sorted(plan.workloads.items()):
        group = label(w.service, GROUP_LABEL)
        if group and not w.sidecar_of:
            members.setdefault(group, []).append(name)
    for group, names in sorted(members.items()):
        if len(names) < 2:
            plan.trace(names[0], "labels", f"{GROUP_LABEL} {group}: the only member, its own pod")
            continue
        for name in names:
            plan.workloads[name].group = group
        plan.trace(names[0], "labels", f"{GROUP_LABEL} {group}: its pod also runs {', '.join(names[1:])}")
        for name in names[1:]:
            plan.workloads[name].sidecar_of = names[0]
    for w in plan.workloads.values():  # a network_mode sidecar of a group member joins the group's pod
        while w.sidecar_of and plan.workloads[w.sidecar_of].sidecar_of:
            w.sidecar_of = plan.workloads[w.sidecar_of].sidecar_of


def run(plan: Plan) -> Plan:
    for workload in plan.workloads.values():
        workload.sidecar_of = _sidecar_host(plan, workload)
    _groups(plan)
    for workload in plan.workloads.values():
        svc = workload.service
        if workload.sidecar_of:
            continue
        kind, reason = _decide(plan, workload)
        workload.kind = kind
        workload.replicas = svc.replicas
        if reason:
            plan.note(svc.name, "restart" if kind == "Job" else "deploy", "workload-kind",
                      f"became a {kind}: {reason}", severity="info")
            if "label" in reason:
                plan.trace_field(workload, "labels", f"kind {kind} ({reason})")
        plan.trace_field(workload, "image", ".spec.template.spec.containers[0].image")
        if one_shot(kind):
            _job(plan, workload)
        elif svc.restart:
            plan.trace_field(workload, "restart", "restartPolicy Always")
        if svc.deploy and svc.deploy.replicas is not None or svc.scale is not None:
            plan.trace_field(workload, "scale" if svc.scale is not None else "deploy", ".spec.replicas")
        if svc.profiles:
            plan.trace_field(workload, "profiles", f"converted: profile {', '.join(svc.profiles)} is enabled")
        if kind == "DaemonSet" and workload.replicas != 1:
            plan.note(svc.name, "deploy", "daemonset-replicas", "replicas ignored: a DaemonSet runs one pod per node")
    for workload in plan.workloads.values():
        if workload.sidecar_of:
            host = plan.workloads[workload.sidecar_of]
            workload.kind, workload.replicas = host.kind, host.replicas
            if workload.group:
                plan.trace_field(workload, "labels", f"a container of {host.kind} {host.name}'s pod ({GROUP_LABEL} "
                                 f"{workload.group}), with a Service of its own")
            else:
                plan.trace_field(workload, "network_mode", f"a container of {host.kind} {host.name}'s pod (shares "
                                 "its network namespace)")
            plan.trace_field(workload, "image", f"containers[{workload.name}].image in {host.kind} {host.name}")
    return plan
