"""Exposure per overlay (rules in mappings/overlays.yaml, `exposure`): what Compose published
on a fixed host port is reachable from outside.

- dev: a NodePort per published port, numbered from `node_port_first` unless fixed in
  options.node_ports, and reached on localhost through Kind's port mappings;
- staging and prod share one component: HTTP ports behind one Ingress (one host per
  service: options.ingress_hosts or `ingress_host`), other ports on a LoadBalancer Service;
  stateful services stay internal there; prod adds TLS.
"""
from __future__ import annotations

from ..ir.model import Plan, PortSpec, Workload
from ..ir.overlays import IngressRoute, LoadBalancer, NodePort, Tls
from ..mappings import overlay_rules


def published(plan: Plan) -> list[tuple[Workload, PortSpec]]:
    """(workload, port) for every port published on a fixed host port, services in name order."""
    out = []
    for _, w in sorted(plan.workloads.items()):
        if w.client_service:
            out += [(w, p) for p in w.ports if p.exposed]
    return out


def is_http(w: Workload, port: PortSpec) -> bool:
    """Served over HTTP: a probe GETs it, its name says http, or it is a usual HTTP port."""
    probes = [w.container.get(k) or {} for k in ("livenessProbe", "readinessProbe")]
    if any((p.get("httpGet") or {}).get("port") == port.port for p in probes):
        return True
    return port.protocol == "TCP" and (port.name.startswith("http") or
                                       port.port in overlay_rules().exposure.http_ports)


def _node_ports(plan: Plan) -> list[NodePort]:
    fixed = plan.options.node_ports
    used = set(fixed.values())
    out, next_port = [], overlay_rules().exposure.node_port_first
    for w, port in published(plan):
        node_port = fixed.get(f"{w.service.name}:{port.published}")
        if node_port is None:
            while next_port in used:
                next_port += 1
            node_port, next_port = next_port, next_port + 1
            used.add(node_port)
        out.append(NodePort(w.service.name, port, node_port))
        plan.trace(w.service.name, "ports", f"dev: NodePort {node_port} → port {port.port} "
                   f"(localhost:{port.published} through Kind)")
    return out


def _component(plan: Plan) -> None:
    """plan.exposure: the Ingress routes and LoadBalancer Services of staging and prod."""
    rules = overlay_rules().exposure
    hosts: set[str] = set()
    balanced: dict[str, LoadBalancer] = {}
    for w, port in published(plan):
        name = w.service.name
        if w.kind == "StatefulSet":  # a database published to the laptop is not for the Internet
            plan.note(name, "ports", "stateful-not-exposed",
                      f"published port {port.published} of a stateful service is exposed only in dev (NodePort), "
                      "not in staging or prod", f"use kubectl port-forward svc/{w.client_service} {port.port}",
                      severity="info")
        elif is_http(w, port):
            host = plan.options.ingress_hosts.get(name, rules.ingress_host.format(service=w.name, project=plan.name))
            if host not in hosts:
                hosts.add(host)
                plan.exposure.routes.append(IngressRoute(host, w.client_service or w.name, port.port))
                plan.trace(name, "ports", f"staging, prod: Ingress host {host} → Service {w.client_service} "
                           f"port {port.port}")
        else:
            balanced.setdefault(w.name, LoadBalancer(name, [])).ports.append(port)
            plan.trace(name, "ports", f"staging, prod: LoadBalancer Service {w.name}-external port {port.published}")
    plan.exposure.load_balancers = [balanced[k] for k in sorted(balanced)]


def run(plan: Plan) -> Plan:
    overlays = overlay_rules().overlays
    if any(overlays[o].exposure == "component" for o in plan.overlays):
        _component(plan)
    for name, overlay in plan.overlays.items():
        rules = overlays[name]
        if rules.exposure == "node_ports":
            overlay.node_ports = _node_ports(plan)
        elif plan.exposure:
            overlay.exposed = True
            if rules.tls and plan.exposure.routes:
                overlay.tls = Tls(plan.exposure.hosts, overlay_rules().exposure.tls_secret.format(project=plan.name),
                                  plan.options.tls_issuer)
    return plan
