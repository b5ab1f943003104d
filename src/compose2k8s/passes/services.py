"""Ports and Services: every service that listens is reachable under its compose name.

Ports come from `ports`, `expose` and, for images that declare none, the well-known
ports table. StatefulSets get a headless Service (`serviceName`) and a client Service.
Network aliases, `hostname`, `container_name` and link aliases get extra Services.
"""
from __future__ import annotations

from ..analysis.images import image_base
from ..ir.model import Plan, PortSpec, ServiceRecord, Workload, one_shot
from ..mappings import well_known_ports
from ..names import port_name, service_name


def _expose_ports(entry: str) -> list[tuple[int, str]]:
    text, _, proto = entry.partition("/")
    first, _, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return []
    return [(p, (proto or "tcp").upper()) for p in range(int(first), int(last or first) + 1)]


def _declared(plan: Plan, w: Workload) -> dict[tuple[int, str], PortSpec]:
    """The ports of `ports:` and `expose:`, one per (port, protocol)."""
    svc = w.service
    found: dict[tuple[int, str], PortSpec] = {}
    for port in svc.ports:
        key = (port.target, port.protocol.upper())
        if key not in found:
            found[key] = PortSpec(port.target, key[1], "", port.published, port.host_ip)
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
    return found


def _collect_ports(plan: Plan, w: Workload) -> list[PortSpec]:
    svc = w.service
    known = {p.port: p.name for p in well_known_ports().get(image_base(svc.image), ())}
    found = _declared(plan, w)
    if not found and known and svc.extra("network_mode") != "host":
        for number, name in known.items():
            found[(number, "TCP")] = PortSpec(number, "TCP", name)
        plan.note(svc.name, "ports", "well-known-ports",
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
            name = port_name(None, spec.port, spec.protocol)  # (port, protocol) pairs are unique
        names.add(name)
        spec.name = name
    return ports


def _aliases(plan: Plan, w: Workload) -> dict[str, str]:
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
    found.update(plan.facts.link_aliases.get(svc.name, {}))
    return found


def _wanted(plan: Plan) -> list[tuple[int, ServiceRecord]]:
    """Every Service each workload asks for, with its priority (client names first)."""
    wanted: list[tuple[int, ServiceRecord]] = []
    for compose_name, w in sorted(plan.workloads.items()):
        names = plan.options.service_names.get(compose_name)
        if w.kind == "StatefulSet":
            w.headless_service = service_name(names.headless if names and names.headless else f"{w.name}-headless")
            wanted.append((1, ServiceRecord(w.headless_service, compose_name, "headless", w.ports)))
        if not w.ports or one_shot(w.kind):
            continue
        w.client_service = plan.facts.client_names[compose_name]
        wanted.append((0, ServiceRecord(w.client_service, compose_name, "client", w.ports)))
        if service_name(compose_name) != compose_name and not names:
            plan.note(compose_name, "services", "renamed-service",
                      f"'{compose_name}' is not a valid Service name; its Service is '{w.client_service}'",
                      "peers' environment values naming it are rewritten")
        for alias, key in sorted(_aliases(plan, w).items()):
            wanted.append((2, ServiceRecord(service_name(alias), compose_name, "alias", w.ports, key)))
    return wanted


def _trace_links(plan: Plan) -> None:
    """`links: [target]` and `[target:alias]` are reached through the target's Services."""
    for name, w in plan.workloads.items():
        for link in w.service.links:
            target, _, alias = link.partition(":")
            plan.trace(name, "links", f"{alias or target} → Service {alias or plan.facts.client_names.get(target, target)}"
                       f" of {target}")


def run(plan: Plan) -> Plan:
    for w in plan.workloads.values():
        w.ports = _collect_ports(plan, w)
        if w.ports:
            w.container["ports"] = [{"name": p.name, "containerPort": p.port,
                                     **({"protocol": p.protocol} if p.protocol != "TCP" else {})} for p in w.ports]
    taken: dict[str, str] = {}
    wanted = _wanted(plan)
    for _, record in sorted(wanted, key=lambda item: (item[0], item[1].name, item[1].workload, item[1].headless,
                                                      item[1].source_key)):
        if record.name in taken:
            if taken[record.name] != record.workload:
                plan.note(record.workload, record.source_key, "service-name-collision",
                          f"Service name '{record.name}' is already used by '{taken[record.name]}'; not created "
                          "for this service", "rename the alias or the service")
            continue
        taken[record.name] = record.workload
        plan.services.append(record)
        if record.role == "alias":
            plan.trace(record.workload, record.source_key, f"Service {record.name} (alias selecting the same pods)")
    _trace_links(plan)
    return plan
