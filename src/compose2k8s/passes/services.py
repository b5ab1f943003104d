"""Ports and Services: every service that listens is reachable under its compose name.

Ports come from `ports`, `expose` and, for images that declare none, the well-known
ports table. StatefulSets get a headless Service (`serviceName`) and a client Service.
Network aliases, `hostname`, `container_name` and link aliases get extra Services.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from ..ir.model import Plan, PortSpec, Workload
from ..mappings import read_table
from ..names import port_name, service_name
from .images import image_base


@cache
def _well_known() -> dict[str, list[dict[str, Any]]]:
    return read_table("well-known-ports")["images"]


def _expose_ports(entry: str) -> list[tuple[int, str]]:
    text, _, proto = entry.partition("/")
    first, _, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return []
    return [(p, (proto or "tcp").upper()) for p in range(int(first), int(last or first) + 1)]


def _collect_ports(plan: Plan, w: Workload) -> list[PortSpec]:
    svc = w.service
    known = {p["port"]: p["name"] for p in _well_known().get(image_base(svc.image), [])}
    found: dict[tuple[int, str], PortSpec] = {}
    for port in svc.ports:
        protocol = port.protocol.upper()
        key = (port.target, protocol)
        if key not in found:
            found[key] = PortSpec(port.target, protocol, "", port.published, port.host_ip)
        elif port.published and not found[key].published:
            found[key].published = port.published
    if svc.ports:
        plan.trace(svc.name, "ports", f"{w.kind} {w.name} containerPort; Service {w.name} ports; "
                   "published ports in overlays")
    for entry in svc.expose:
        for number, protocol in _expose_ports(entry):
            found.setdefault((number, protocol), PortSpec(number, protocol, ""))
    if svc.expose:
        plan.trace(svc.name, "expose", f"{w.kind} {w.name} containerPort; Service {w.name} ports")
    if not found and known and svc.extra("network_mode") != "host":
        for number, name in known.items():
            found[(number, "TCP")] = PortSpec(number, "TCP", name)
        plan.warn(svc.name, "ports", "well-known-ports",
                  f"no ports declared; Service gets {image_base(svc.image)}'s usual port(s) "
                  f"{', '.join(str(p) for p in known)} so peers can reach it", severity="info")
    names: set[str] = set()
    ports = sorted(found.values(), key=lambda p: (p.port, p.protocol))
    for spec in ports:
        preferred = spec.name or known.get(spec.port)
        if preferred and spec.protocol != "TCP":
            preferred = f"{preferred}-{spec.protocol.lower()}"
        name = port_name(preferred, spec.port, spec.protocol)
        if name in names:
            name = port_name(None, spec.port, spec.protocol)
        if name in names:
            raise AssertionError(f"port name collision {name}")  # (port, protocol) pairs are unique
        names.add(name)
        spec.name = name
    return ports


def _service_object(plan: Plan, w: Workload, name: str, headless: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if headless:
        spec["clusterIP"] = "None"
    else:
        spec["type"] = "ClusterIP"
    spec["selector"] = plan.selector(w)
    spec["ports"] = [{"name": p.name, "port": p.port, "targetPort": p.name,
                      **({"protocol": p.protocol} if p.protocol != "TCP" else {})} for p in w.ports]
    if headless:
        spec["publishNotReadyAddresses"] = False
    return {"apiVersion": "v1", "kind": "Service", "metadata": plan.meta(name, w), "spec": spec}


def _link_aliases(plan: Plan) -> dict[str, dict[str, str]]:
    """target service → {alias: "links"} from every service's `links: [target:alias]`."""
    found: dict[str, dict[str, str]] = {}
    for other in plan.project.services.values():
        for link in other.links:
            target, _, alias = link.partition(":")
            if alias:
                found.setdefault(target, {})[alias] = "links"
    return found


def _aliases(plan: Plan, w: Workload, links: dict[str, dict[str, str]]) -> dict[str, str]:
    """alias → the compose key it comes from."""
    svc = w.service
    found: dict[str, str] = {}
    for network in (svc.networks or {}).values():
        for alias in (network or {}).get("aliases") or []:
            found[str(alias)] = "networks"
    if svc.hostname:
        found[svc.hostname.split(".")[0]] = "hostname"
    if svc.container_name:
        found[svc.container_name] = "container_name"
    found.update(links.get(svc.name, {}))
    return found


def run(plan: Plan) -> Plan:
    taken: dict[str, str] = {}
    for w in plan.workloads.values():
        w.ports = _collect_ports(plan, w)
        if w.ports:
            w.container["ports"] = [{"name": p.name, "containerPort": p.port,
                                     **({"protocol": p.protocol} if p.protocol != "TCP" else {})} for p in w.ports]
    links = _link_aliases(plan)
    wanted: list[tuple[int, str, str, bool, str]] = []  # (priority, name, compose name, headless, key)
    for compose_name, w in sorted(plan.workloads.items()):
        renames = plan.options.service_names.get(compose_name)
        if w.kind == "StatefulSet":
            w.headless_service = service_name(renames.headless if renames and renames.headless
                                              else f"{w.name}-headless")
            wanted.append((1, w.headless_service, compose_name, True, "services"))
        if not w.ports or w.kind in ("Job", "CronJob"):
            continue
        w.client_service = service_name(renames.client if renames and renames.client else compose_name)
        wanted.append((0, w.client_service, compose_name, False, "services"))
        if service_name(compose_name) != compose_name and not renames:
            plan.warn(compose_name, "services", "renamed-service",
                      f"'{compose_name}' is not a valid Service name; its Service is '{w.client_service}'",
                      "peers' environment values naming it are rewritten")
        for alias, key in sorted(_aliases(plan, w, links).items()):
            wanted.append((2, service_name(alias), compose_name, False, key))
    taken: dict[str, str] = {}
    for _, name, compose_name, headless, key in sorted(wanted):
        if name in taken:
            if taken[name] != compose_name:
                plan.warn(compose_name, key, "service-name-collision",
                          f"Service name '{name}' is already used by '{taken[name]}'; not created for this service",
                          "rename the alias or the service")
            continue
        taken[name] = compose_name
        w = plan.workloads[compose_name]
        plan.add(compose_name, _service_object(plan, w, name, headless))
        if key != "services":
            plan.trace(compose_name, key, f"Service {name} (alias selecting the same pods)")
    return plan
