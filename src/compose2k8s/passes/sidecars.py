"""`network_mode: service:<x>`: the service shares x's network namespace (the VPN / sidecar
pattern), so it becomes a second container of x's pod, as Docker runs it. So does a member of
a Kompose `kompose.service.group` in the pod of the group's first service. Its volumes, init
containers (waits, pre_start steps) and pull secrets join the pod; names that clash are
made unique; pod settings x does not have are added, conflicting ones are reported (x's win).
A network_mode sidecar's ports were added to x's Services by the services pass (it gets no
Service); a group member keeps a Service of its own name. Neither waits for its own pod.
"""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan, Workload
from ..names import dns_label


def _rename_volume(side: Workload, old: str, new: str) -> None:
    for container in [side.container, *side.init_containers]:
        for mount in container.get("volumeMounts") or []:
            if mount["name"] == old:
                mount["name"] = new


def _join(into: list[dict[str, Any]], items: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    """Append `items` to `into` by name: an identical one is dropped, a clashing one renamed
    <prefix>-<name>. Returns the renames."""
    existing = {item["name"]: item for item in into}
    renamed: dict[str, str] = {}
    for item in items:
        same = existing.get(item["name"])
        if same == item:
            continue
        if same is not None:
            renamed[item["name"]] = dns_label(f"{prefix}-{item['name']}")
            item = {**item, "name": renamed[item["name"]]}
        into.append(item)
        existing[item["name"]] = item
    return renamed


def _key(side: Workload) -> str:
    """The compose key that put the side container in the pod."""
    return "labels" if side.group else "network_mode"


def _pod_fields(plan: Plan, host: Workload, side: Workload) -> None:
    for key, value in side.pod.items():
        if key == "imagePullSecrets":
            names = {s["name"] for s in host.pod.get(key, [])} | {s["name"] for s in value}
            host.pod[key] = [{"name": n} for n in sorted(names)]
        elif key not in host.pod:
            host.pod[key] = value
        elif host.pod[key] != value and key != "automountServiceAccountToken":
            plan.note(side.service.name, _key(side), "sidecar-pod-setting",
                      f"pod setting {key} differs from {host.service.name}'s, whose pod it joins: "
                      f"{host.service.name}'s is kept", "set it the same way on both services")


def _merge(plan: Plan, host: Workload, side: Workload) -> None:
    host.sidecars.append(side.container)
    for old, new in _join(host.volumes, side.volumes, side.name).items():
        _rename_volume(side, old, new)
    _join(host.init_containers, side.init_containers, side.name)
    _pod_fields(plan, host, side)
    host.annotations.update({k: v for k, v in side.annotations.items() if k not in host.annotations})
    if side.service.deploy is not None:
        plan.note(side.service.name, "deploy", "sidecar-deploy", f"deploy settings of a container in "
                  f"{host.service.name}'s pod: the pod follows {host.service.name}'s",
                  f"set replicas and placement on {host.service.name}")
    if side.group:
        plan.note(side.service.name, "labels", "sidecar", f"kompose.service.group {side.group}: a container of "
                  f"{host.service.name}'s pod, reached through a Service of its own name", severity="info")
    else:
        plan.note(side.service.name, "network_mode", "sidecar", f"shares {host.service.name}'s network namespace: "
                  f"a second container of its pod, reached through {host.service.name}'s Services", severity="info")


def run(plan: Plan) -> Plan:
    for _, w in sorted(plan.workloads.items()):
        if w.sidecar_of:
            _merge(plan, plan.workloads[w.sidecar_of], w)
    return plan

