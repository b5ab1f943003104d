"""Ports and Services: every service answers under every name Compose resolves, as Compose's
DNS would.

A service's ports are the union of what it declares (`ports`, `expose`), the ports its
peers use on it (analysis/references.py), its Dockerfile's `EXPOSE` and its image's usual
ports (mappings/well-known-ports.yaml); each port not declared is explained by an info
note. A long-running service with no known port gets a headless Service without ports:
its name then resolves to the ready pods' addresses and every port answers, as in Compose.
StatefulSets also get their own headless Service (`serviceName`). Network aliases,
`hostname`, `container_name` and link aliases get Services of their own; a name no Service
can carry (an FQDN) is rewritten in peers' values to the service's Service instead.
"""
from __future__ import annotations

from ..analysis.facts import alias_service_name
from ..analysis.images import image_base
from ..analysis.kompose_labels import flag, service_type
from ..ir.model import Plan, PortSource, PortSpec, ServiceRecord, Workload, one_shot
from ..names import dns_label, port_name, service_name
from ..tables.images import well_known_ports


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
            found[key] = PortSpec(port.target, key[1], port.name or "", port.published, port.host_ip,
                                  app_protocol=port.app_protocol)
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


def _inferred(plan: Plan, w: Workload) -> list[tuple[int, str, PortSource, str]]:
    """(port, protocol, source, why) of the ports we know of beyond the declared ones."""
    name = w.service.name
    found = [(port, "TCP", "referenced", "used by " + ", ".join(sorted({f"{r.service} ({r.where})" for r in refs})))
             for port, refs in sorted(plan.facts.referenced_ports.get(name, {}).items())]
    found += [(port, protocol, "dockerfile", "EXPOSE in its Dockerfile")
              for port, protocol in plan.facts.dockerfile_ports.get(name, [])]
    if w.service.extra("network_mode") != "host":
        base = image_base(w.service.image)
        found += [(known.port, "TCP", "image", f"{base}'s usual port") for known in well_known_ports().get(base, ())]
    return found


def _collect_ports(plan: Plan, w: Workload) -> list[PortSpec]:
    found = _declared(plan, w)
    added = []
    for port, protocol, source, why in _inferred(plan, w):
        if (port, protocol) not in found:
            found[(port, protocol)] = PortSpec(port, protocol, "", source=source)
            added.append(f"{port} ({why})")
    if added:
        plan.note(w.service.name, "ports", "inferred-ports", f"its Service also answers on {', '.join(added)}, "
                  "as Compose's network did", "declare the port (expose:) to make it explicit", severity="info")
    known = {p.port: p.name for p in well_known_ports().get(image_base(w.service.image), ())}
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


def _wanted(plan: Plan) -> list[tuple[int, ServiceRecord]]:
    """Every Service each workload asks for, with its priority (client names first)."""
    wanted: list[tuple[int, ServiceRecord]] = []
    referenced = {ref.target for ref in plan.facts.references}
    for compose_name, w in sorted(plan.addressable().items()):
        names = plan.options.service_names.get(compose_name)
        if w.kind == "StatefulSet" and not w.sidecar_of:
            w.headless_service = service_name(names.headless if names and names.headless else f"{w.name}-headless")
            wanted.append((1, ServiceRecord(w.headless_service, compose_name, "headless", w.ports)))
        if one_shot(w.kind) and compose_name not in referenced:
            for key in sorted(set(plan.facts.aliases.get(compose_name, {}).values())):
                plan.trace(compose_name, key, f"no Service: a one-shot {w.kind} nothing connects to")
            continue
        w.client_service = plan.facts.client_names[compose_name]
        cluster_ip = service_type(w.service) != "Headless"
        if not cluster_ip:
            plan.trace_field(w, "labels", f"Service {w.client_service} headless (kompose.service.type)")
        wanted.append((0, ServiceRecord(w.client_service, compose_name, "client", w.ports, cluster_ip=cluster_ip)))
        if service_name(compose_name) != compose_name and not names:
            plan.note(compose_name, "services", "renamed-service",
                      f"'{compose_name}' is not a valid Service name; its Service is '{w.client_service}'",
                      "peers' environment values and mounted config files naming it are rewritten",
                      severity="info")
        if not w.ports:
            plan.note(compose_name, "ports", "headless-service", f"no known port: Service {w.client_service} is "
                      "headless without ports, so its name resolves to the ready pods and every port answers, "
                      "as in Compose", "declare the ports (expose:) for a load-balanced Service", severity="info")
        if w.service.extra("domainname") and not w.sidecar_of:  # the pod's subdomain needs a headless Service
            wanted.append((3, ServiceRecord(dns_label(w.service.domainname), compose_name, "headless", [],
                                            "domainname")))
        for alias, key in sorted(plan.facts.aliases.get(compose_name, {}).items()):
            alias_name = alias_service_name(alias)
            if alias_name:
                wanted.append((2, ServiceRecord(alias_name, compose_name, "alias", w.ports, key, cluster_ip)))
    return wanted


def _trace_links(plan: Plan) -> None:
    """`links: [target]` and `[target:alias]` are reached through the target's Services."""
    for name, w in plan.workloads.items():
        for link in w.service.links:
            target, _, alias = link.partition(":")
            plan.trace(name, "links", f"{alias or target} → Service {alias or plan.facts.client_names.get(target, target)}"
                       f" of {target}")


def _join_sidecars(plan: Plan) -> None:
    """A sidecar shares its host's network namespace: the host's Services answer its ports too;
    a member of a kompose.service.group keeps its ports to its own Service. Port names are made
    unique within the pod; a port two members of a group both declare is reported."""
    placed: dict[str, tuple[set[tuple[int, str]], set[str]]] = {}  # pod owner → its (port, protocol)s, names
    for _, w in sorted(plan.workloads.items()):
        if not w.sidecar_of:
            continue
        host = plan.workloads[w.sidecar_of]
        taken, names = placed.setdefault(w.sidecar_of, ({(p.port, p.protocol) for p in host.ports},
                                                         {p.name for p in host.ports}))
        for port in w.ports:
            if (port.port, port.protocol) in taken:
                if w.group and port.source == "declared":
                    plan.note(w.service.name, "labels", "group-port-clash", f"listens on {port.port}/{port.protocol} "
                              f"like another container of {host.service.name}'s pod (kompose.service.group "
                              f"{w.group}): in one pod only one of them can", "give one of them another port, or "
                              "put them in different groups")
                if not w.group:
                    continue
            if port.name in names:
                port.name = port_name(None, port.port, port.protocol)
            taken.add((port.port, port.protocol))
            names.add(port.name)
            if not w.group:
                host.ports.append(port)
        host.ports.sort(key=lambda p: (p.port, p.protocol))


HOST_PORT_LABEL = "kompose.controller.port.expose"


def _container_ports(plan: Plan, w: Workload, ports: list[PortSpec]) -> list[dict]:
    """containerPort entries; with kompose.controller.port.expose, a published port is also the
    node's hostPort."""
    on_host = flag(w.service, HOST_PORT_LABEL)
    out = [{"name": p.name, "containerPort": p.port, **({"protocol": p.protocol} if p.protocol != "TCP" else {}),
            **({"hostPort": int(p.published)} if on_host and p.exposed else {})} for p in ports]
    if on_host:
        plan.trace_field(w, "labels", f"containers[0].ports hostPort ({HOST_PORT_LABEL})")
    return out


def run(plan: Plan) -> Plan:
    for w in plan.workloads.values():
        w.ports = _collect_ports(plan, w)
    own = {name: list(w.ports) for name, w in plan.workloads.items()}
    _join_sidecars(plan)
    for name, w in plan.workloads.items():
        if own[name]:
            w.container["ports"] = _container_ports(plan, w, own[name])
    taken: dict[str, str] = {}
    for _, record in sorted(_wanted(plan), key=lambda item: (item[0], item[1].name, item[1].workload,
                                                             item[1].role == "headless", item[1].source_key)):
        if record.name in taken:
            if taken[record.name] != record.workload:
                plan.note(record.workload, record.source_key, "service-name-collision",
                          f"Service name '{record.name}' is already used by '{taken[record.name]}'; not created "
                          "for this service", "rename the alias or the service")
            elif record.role == "alias":  # e.g. container_name equal to the service's name: nothing to add
                plan.trace(record.workload, record.source_key, f"{record.name}: answered by the service's own "
                           f"Service {record.name}")
            continue
        taken[record.name] = record.workload
        plan.services.append(record)
        if record.role == "alias":
            plan.trace(record.workload, record.source_key, f"Service {record.name} (alias selecting the same pods)")
    _trace_links(plan)
    _clusters(plan)
    return plan


def _clusters(plan: Plan) -> None:
    """Services of one image that reach each other (minio1 ⇄ minio2) form a cluster whose members
    wait for their peers before they are ready: their Services answer with pods not yet ready,
    as Compose's DNS answers every container, or none would ever become ready. (Different images
    reaching each other, e.g. through a config folder both mount, are a client and a server.)"""
    users = plan.facts.referenced_by
    image = {name: image_base(w.service.image) for name, w in plan.workloads.items()}
    peers = {name: sorted(p for p in users.get(name, ()) if name in users.get(p, ()) and image.get(p) == image[name])
             for name in plan.workloads if image[name]}
    for record in plan.services:
        if peers.get(record.workload):
            record.before_ready = True
    for name in sorted(n for n, found in peers.items() if found):
        plan.trace(name, "services", f"reached by its peers {', '.join(peers[name])} before it is ready "
                   "(publishNotReadyAddresses)")
