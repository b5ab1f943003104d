"""Exposure per overlay (rules in mappings/overlays.yaml, `exposure`): what Compose published is
reachable from outside, and only that.

- A port published on a loopback address (127.0.0.1, ::1) was for the host only: it stays
  inside the cluster in every overlay (the tree README gives its `kubectl port-forward`).
- dev: every other published port gets a NodePort, reached on localhost through Kind.
- staging and prod share one component: every published HTTP port gets an Ingress host of its
  own (options.ingress_hosts: `<service>` for the first, `<service>:<published>` for others),
  other ports a LoadBalancer; a database or broker (mappings/stateful-images.yaml `internal`)
  stays inside unless options.expose_internal or the label compose2k8s.expose opens it.
  prod adds TLS.
"""
from __future__ import annotations

from ..analysis.images import image_base
from ..ir.model import Plan, PortSpec, Workload
from ..ir.overlays import IngressRoute, LoadBalancer, NodePort, Published, Tls
from ..mappings import overlay_rules, stateful_images

EXPOSE_LABELS = ("compose2k8s.expose", "kompose.service.expose")


def is_http(w: Workload, port: PortSpec) -> bool:
    """Served over HTTP: compose says so (app_protocol), a probe GETs it, its name says http,
    or it is a usual HTTP port."""
    if port.app_protocol:
        return port.app_protocol.lower().startswith(("http", "ws", "grpc"))
    probes = [w.container.get(k) or {} for k in ("livenessProbe", "readinessProbe")]
    if any((p.get("httpGet") or {}).get("port") == port.port for p in probes):
        return True
    return port.protocol == "TCP" and (port.name.startswith("http") or
                                       port.port in overlay_rules().exposure.http_ports)


def _internal(plan: Plan, w: Workload) -> str:
    """Why staging and prod keep the service's published ports inside, or ''."""
    base = image_base(w.service.image)
    table = stateful_images().get(base)
    opened = w.service.name in plan.options.expose_internal or \
        any(str(w.service.labels.get(label, "")).lower() not in ("", "false") for label in EXPOSE_LABELS)
    if table and table.internal and not opened:
        return f"{base} is a database or broker"
    return ""


def _published(plan: Plan) -> list[Published]:
    """Every port published on a fixed host port, services in name order."""
    out = []
    for name, w in sorted(plan.pod_owners().items()):
        internal = _internal(plan, w)
        for port in w.ports:
            if port.exposed:
                out.append(Published(name, port, is_http(w, port), port.loopback,
                                     "it was published on a loopback address" if port.loopback else internal))
    return out


def _node_ports(plan: Plan) -> list[NodePort]:
    fixed = plan.options.node_ports
    used = set(fixed.values())
    out, next_port = [], overlay_rules().exposure.node_port_first
    for entry in plan.exposure.published:
        if entry.loopback:
            continue
        node_port = fixed.get(f"{entry.workload}:{entry.port.published}")
        if node_port is None:
            while next_port in used:
                next_port += 1
            node_port, next_port = next_port, next_port + 1
            used.add(node_port)
        out.append(NodePort(entry.workload, entry.port, node_port))
        plan.trace(entry.workload, "ports", f"dev: NodePort {node_port} → port {entry.port.port} "
                   f"(localhost:{entry.port.published} through Kind)")
    return out


def _host(plan: Plan, w: Workload, port: PortSpec, first: bool) -> str:
    hosts = plan.options.ingress_hosts
    own = hosts.get(w.service.name) if first else hosts.get(f"{w.service.name}:{port.published}")
    service = w.name if first else f"{w.name}-{port.published}"
    return own or overlay_rules().exposure.ingress_host.format(service=service, project=plan.name)


def _component(plan: Plan) -> None:
    """plan.exposure's Ingress routes and LoadBalancer Services (staging and prod)."""
    routed: set[str] = set()
    balanced: dict[str, LoadBalancer] = {}
    for entry in plan.exposure.published:
        w = plan.workloads[entry.workload]
        if entry.internal:
            plan.note(entry.workload, "ports", "kept-internal", f"published port {entry.port.published} stays "
                      f"inside the cluster in staging and prod: {entry.internal}",
                      f"kubectl port-forward svc/{w.client_service} {entry.port.port}" + (
                          "; or list it in expose_internal" if not entry.loopback else ""), severity="info")
        elif entry.http:
            host = _host(plan, w, entry.port, entry.workload not in routed)
            routed.add(entry.workload)
            plan.exposure.routes.append(IngressRoute(host, w.client_service or w.name, entry.port.port))
            plan.trace(entry.workload, "ports", f"staging, prod: Ingress host {host} → Service {w.client_service} "
                       f"port {entry.port.port}")
        else:
            balanced.setdefault(w.name, LoadBalancer(entry.workload, [])).ports.append(entry.port)
            plan.trace(entry.workload, "ports", f"staging, prod: LoadBalancer Service {w.name}-external port "
                       f"{entry.port.published}")
    plan.exposure.load_balancers = [balanced[k] for k in sorted(balanced)]


def run(plan: Plan) -> Plan:
    overlays = overlay_rules().overlays
    plan.exposure.published = _published(plan)
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
