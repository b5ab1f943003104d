"""Compose networks → NetworkPolicies, so services reach each other only where Compose let
them: on a network they share.

Only when the project isolates anything, i.e. its services use more than one network. Each
pod is labelled with its networks; each pod gets a policy admitting, on every port,
- pods that share one of its networks,
- anyone on its published ports (Compose published them to the outside, so Ingress,
  LoadBalancer and NodePort traffic keeps working),
- the pods of services that depend on it from another network (their wait init
  containers must reach it; reported, since Compose gave them no path).
A service with its own `network_mode` is left out and reported.
"""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan, Workload
from ..names import dns_label
from ..tables.networking import network_keys

LABEL_PREFIX = "networks.compose2k8s.io/"


def _memberships(plan: Plan) -> dict[str, set[str]]:
    """Networks of each service that uses Compose networking (not `network_mode`)."""
    found = {}
    for name, w in plan.workloads.items():
        svc = w.service
        if svc.extra("network_mode") in (None, "bridge", "default"):
            found[name] = set(svc.networks or {"default": None})
    return found


def _label(network: str) -> str:
    return LABEL_PREFIX + dns_label(network)


def _policy(plan: Plan, w: Workload, networks: set[str], dependents: list[Workload],
            members: list[Workload]) -> dict[str, Any]:
    ingress: list[dict[str, Any]] = [
        {"from": [{"podSelector": {"matchLabels": {_label(n): "true"}}} for n in sorted(networks)]}]
    published = [{"port": p.port, "protocol": p.protocol} for m in members for p in m.ports if p.exposed]
    if published:
        ingress.append({"ports": published})
    if dependents:
        ingress.append({"from": [{"podSelector": {"matchLabels": plan.selector(d)}} for d in dependents]})
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": plan.meta(dns_label(f"{w.name}-networks"), w),
            "spec": {"podSelector": {"matchLabels": plan.selector(w)}, "policyTypes": ["Ingress"],
                     "ingress": ingress}}


def _cross_network_dependents(plan: Plan, networks: dict[str, set[str]]) -> dict[str, list[Workload]]:
    """{listening service: workloads waiting for it from networks it is not on}, each reported.
    Optional dependencies get no wait (see depends_on), so they open nothing."""
    found: dict[str, list[Workload]] = {}
    for other, svc in sorted(plan.project.services.items()):
        for name, spec in svc.depends_on.items():
            if spec.required and other in networks and name in networks and not networks[other] & networks[name] \
                    and plan.workloads[name].listens:
                found.setdefault(name, []).append(plan.workloads[other])
                plan.note(other, "depends_on", "cross-network-wait",
                          f"depends on {name} but shares no network with it: its pods may reach {name} so that "
                          "the wait can run", "put both on one network if they should talk", severity="info")
    return found


def _addressing(plan: Plan) -> None:
    """Addressing and driver settings have no pod-network equivalent: say which were dropped."""
    keys = network_keys()
    for name, svc in sorted(plan.project.services.items()):
        dropped = sorted({key for config in (svc.networks or {}).values() if isinstance(config, dict)
                          for key in config if key in keys.attachment})
        if dropped:
            plan.note(name, "networks", "network-addressing", f"{', '.join(dropped)} dropped: pods get their "
                      "addresses from the cluster", "reach the service by its name; its Service finds the pods")
    for name, network in sorted(plan.project.networks.items()):
        present = network.model_fields_set | set(network.model_extra or {})
        dropped: dict[str, list[str]] = {}  # severity → settings
        for key in sorted(present):
            setting, value = keys.network.get(key), getattr(network, key, None)
            if setting and value not in (None, False, {}, []) and str(value).lower() not in setting.no_op:
                dropped.setdefault(setting.severity, []).append(key)
        for severity, settings in sorted(dropped.items(), reverse=True):
            plan.note("", "networks", "network-settings", f"network {name}: {', '.join(settings)} dropped: the "
                      "cluster's network plugin decides addressing and routing",
                      "write an egress NetworkPolicy to keep an internal network's no-way-out rule"
                      if "internal" in settings else "reach services by name, never by address",
                      severity=severity)  # type: ignore[arg-type]


def run(plan: Plan) -> Plan:
    _addressing(plan)
    networks = _memberships(plan)
    if len(set().union(*networks.values())) < 2:  # one network (or none): nothing is isolated, as in Compose
        for name in sorted(n for n, w in plan.workloads.items() if w.service.networks and n in networks):
            plan.trace(name, "networks", f"on {', '.join(sorted(networks[name]))}, the only network: it reaches "
                       "every service and every service reaches it, as in Compose")
        return plan
    if not plan.options.network_policies:
        for name in sorted(n for n, w in plan.workloads.items() if w.service.networks and n in networks):
            plan.trace(name, "networks", f"on {', '.join(sorted(networks[name]))}: not isolated (network_policies "
                       "is off)")
        plan.note("", "networks", "networks-not-isolated",
                  "compose networks isolate services, but network_policies is off: every pod can reach every "
                  "Service in the namespace", "set network_policies: true, or add your own NetworkPolicies")
        return plan
    dependents = _cross_network_dependents(plan, networks)
    for name, w in plan.pod_owners().items():
        if name not in networks:
            plan.note(name, "network_mode", "network-mode-policy",
                      "uses network_mode, so no network labels or NetworkPolicy: other services' policies "
                      "do not admit it unless on published ports", "use compose networks for this service")
            continue
        members = [w] + [m for _, m in sorted(plan.workloads.items()) if m.sidecar_of == name and m.group
                         and m.service.name in networks]  # a kompose.service.group's pod
        joined = set().union(*(networks[m.service.name] for m in members))
        w.pod_labels.update({_label(n): "true" for n in sorted(joined)})
        plan.trace(name, "networks", f"{w.kind} {w.name} pod labels {', '.join(sorted(joined))}")
        waiting = [d for m in members for d in dependents.get(m.service.name, [])]
        policy = _policy(plan, w, joined, waiting, members)  # every port, declared or not
        plan.add(name, policy)
        plan.trace(name, "networks", f"NetworkPolicy {policy['metadata']['name']}")
    plan.note("", "networks", "network-policies",
              "compose networks are kept as NetworkPolicies; they take effect only with a network plugin that "
              "enforces them (Calico, Cilium, …)", "check your cluster's network plugin", severity="info")
    return plan
