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

Kompose's labels (mappings/kompose-labels.yaml) say the same things: `kompose.service.expose`
opens the service, and its hosts (`host[,host…][/path]`) are Ingress rules for the service's
first port; `.ingress-class-name` and `.tls-secret` put its routes on an Ingress of their own;
`kompose.service.type` clusterip keeps it inside in staging and prod, loadbalancer and nodeport
publish its ports there on a Service of that type (dev keeps its NodePorts);
`kompose.service.nodeport.port` fixes the NodePort and `kompose.service.external-traffic-policy`
the externalTrafficPolicy of those Services.
"""
from __future__ import annotations

import re

from ..analysis.images import image_base
from ..analysis.kompose_labels import choice, label, label_error, number, service_type
from ..ir.model import Plan, PortSpec, Workload
from ..ir.overlays import ExternalService, Ingress, IngressRoute, NodePort, Published, Tls
from ..names import dns_label
from ..tables.images import stateful_images
from ..tables.overlays import overlay_rules

EXPOSE_LABELS = ("compose2k8s.expose", "kompose.service.expose")
TYPE_LABEL = "kompose.service.type"
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
NODE_PORTS = range(30000, 32768)  # the API server's default --service-node-port-range


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


def _traffic_policy(w: Workload) -> str | None:
    return choice(w.service, "kompose.service.external-traffic-policy", {"cluster": "Cluster", "local": "Local"})


def _internal(plan: Plan, w: Workload) -> str:
    """Why staging and prod keep the service's published ports inside, or ''."""
    kind = service_type(w.service)
    if kind == "ClusterIP":
        return f"{TYPE_LABEL} is clusterip"
    base = image_base(w.service.image)
    table = stateful_images().get(base)
    opened = w.service.name in plan.options.expose_internal or kind in ("LoadBalancer", "NodePort") or \
        any(str(w.service.labels.get(name, "")).lower() not in ("", "false") for name in EXPOSE_LABELS)
    if table and table.internal and not opened:
        return f"{base} is a database or broker"
    return ""


def _published(plan: Plan) -> list[Published]:
    """Every port published on a fixed host port, services in name order."""
    out = []
    for name, w in sorted(plan.addressable().items()):
        internal = _internal(plan, w)
        for port in w.ports:
            if port.exposed:
                out.append(Published(name, port, is_http(w, port), port.loopback,
                                     "it was published on a loopback address" if port.loopback else internal))
    return out


def _labelled_node_port(plan: Plan, w: Workload) -> int | None:
    """kompose.service.nodeport.port, checked against the API server's default range."""
    value = number(w.service, "kompose.service.nodeport.port", 1, 65535)
    if value is not None and value not in NODE_PORTS:
        plan.note(w.service.name, "labels", "node-port-range", f"NodePort {value} (kompose.service.nodeport.port) "
                  f"is outside {NODE_PORTS.start}-{NODE_PORTS.stop - 1}: the API server refuses it unless its "
                  "--service-node-port-range includes it", "pick a port in the range, or widen the cluster's range")
    return value


def _node_ports(plan: Plan) -> list[NodePort]:
    fixed = dict(plan.options.node_ports)
    labelled = {e.workload: e for e in reversed(plan.exposure.published) if not e.loopback}  # each one's first
    for name, entry in sorted(labelled.items()):  # the label fixes the service's first published port
        node_port = _labelled_node_port(plan, plan.workloads[name])
        if node_port:
            fixed.setdefault(f"{name}:{entry.port.published}", node_port)
            plan.trace(name, "labels", f"dev: NodePort {node_port} for port {entry.port.port} "
                       "(kompose.service.nodeport.port)")
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
        policy = _traffic_policy(plan.workloads[entry.workload])
        if policy:
            plan.trace(entry.workload, "labels", f"dev: externalTrafficPolicy {policy} (kompose.service.external-"
                       "traffic-policy)")
        out.append(NodePort(entry.workload, entry.port, node_port, policy))
        plan.trace(entry.workload, "ports", f"dev: NodePort {node_port} → port {entry.port.port} "
                   f"(localhost:{entry.port.published} through Kind)")
    return out


def _host(plan: Plan, w: Workload, port: PortSpec, first: bool) -> tuple[str, str]:
    """(host, the options.ingress_hosts key that names it): the option's, else the table's placeholder."""
    key = w.service.name if first else f"{w.service.name}:{port.published}"
    service = w.name if first else f"{w.name}-{port.published}"
    return plan.options.ingress_hosts.get(key) or overlay_rules().exposure.ingress_host.format(
        service=service, project=plan.name), key


def _expose_hosts(w: Workload) -> list[tuple[str, str]]:
    """(host, path) of kompose.service.expose's hosts; [] for true / false."""
    value = label(w.service, "kompose.service.expose")
    if value is None or value.lower() in ("true", "false"):
        return []
    out = []
    for item in (i.strip() for i in value.split(",") if i.strip()):
        host, slash, path = item.partition("/")
        if not _HOST.match(host.lower()):
            raise label_error(w.service, "kompose.service.expose", f"'{host}' is not a host name",
                              "true, or host names separated by commas, each with an optional /path")
        out.append((host.lower(), "/" + path if slash else "/"))
    return out


def _expose_port(w: Workload) -> PortSpec | None:
    """The port Kompose's expose label routes to: the service's first `ports:` entry, else its
    most certain port."""
    first = w.service.ports[0] if w.service.ports else None
    found = next((p for p in w.ports if first and p.port == first.target and p.protocol == "TCP"), None)
    return found or w.primary_port


class _Component:
    """plan.exposure's Ingresses, routes and external Services (staging and prod)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.external: dict[str, ExternalService] = {}
        self.project_ingress = Ingress(plan.name, plan.options.ingress_class)

    def ingress_of(self, w: Workload) -> str:
        """The Ingress of a service's routes: its own when it names a class or a TLS Secret."""
        cls = label(w.service, "kompose.service.expose.ingress-class-name")
        tls = label(w.service, "kompose.service.expose.tls-secret")
        if not (cls or tls):
            return self.project_ingress.name
        name = dns_label(f"{self.plan.name}-{w.name}")
        if all(i.name != name for i in self.plan.exposure.ingresses):
            self.plan.exposure.ingresses.append(Ingress(name, cls or self.plan.options.ingress_class,
                                                        dns_label(tls) if tls else None))
            self.plan.trace(w.service.name, "labels", f"staging, prod: Ingress {name}" + (f", class {cls}" if cls else "")
                            + (f", TLS from Secret {dns_label(tls)}" if tls else "") + " (kompose.service.expose.*)")
        return name

    def route(self, w: Workload, host: str, port: int, path: str = "/", option_key: str = "") -> None:
        service = w.client_service or w.name
        self.plan.exposure.routes.append(IngressRoute(host, service, port, path, self.ingress_of(w), option_key))
        self.plan.trace(w.service.name, "ports", f"staging, prod: Ingress host {host}{path if path != '/' else ''} "
                        f"→ Service {service} port {port}")

    def external_port(self, w: Workload, port: PortSpec, kind: str) -> None:
        if w.name not in self.external:
            node_port = _labelled_node_port(self.plan, w) if kind == "NodePort" else None
            self.external[w.name] = ExternalService(w.service.name, [], kind,  # type: ignore[arg-type]
                                                    node_port, _traffic_policy(w))
        self.external[w.name].ports.append(port)
        self.plan.trace(w.service.name, "ports", f"staging, prod: {kind} Service {w.name}-"
                        f"{'external' if kind == 'LoadBalancer' else 'nodeport'} port {port.published}")

    def service(self, name: str, w: Workload, entries: list[Published]) -> None:
        plan, routed = self.plan, False
        labelled = _expose_hosts(w)
        labelled_port = _expose_port(w) if labelled else None
        if labelled and labelled_port is None:
            plan.note(name, "labels", "expose-no-port", "kompose.service.expose names hosts, but the service has "
                      "no port to route them to", "declare the port (ports: or expose:)")
        elif labelled_port:
            plan.trace(name, "labels", "Ingress rules (kompose.service.expose)")
            if plan.options.ingress_hosts.get(name):  # the option names the host: it wins
                self.route(w, plan.options.ingress_hosts[name], labelled_port.port, option_key=name)
            for host, path in ([] if plan.options.ingress_hosts.get(name) else labelled):
                self.route(w, host, labelled_port.port, path)
            routed = True
        kind = service_type(w.service)
        if kind in ("LoadBalancer", "NodePort", "ClusterIP"):
            plan.trace(name, "labels", f"staging, prod: {'kept inside' if kind == 'ClusterIP' else 'a ' + kind} "
                       f"({TYPE_LABEL})")
        for entry in entries:
            if entry.internal:
                plan.note(name, "ports", "kept-internal", f"published port {entry.port.published} stays inside "
                          f"the cluster in staging and prod: {entry.internal}",
                          f"kubectl port-forward svc/{w.client_service} {entry.port.port}" + (
                              "; or list it in expose_internal" if not entry.loopback else ""), severity="info")
            elif kind in ("LoadBalancer", "NodePort"):
                self.external_port(w, entry.port, kind)
            elif entry.port is labelled_port:
                continue
            elif entry.http:
                host, key = _host(plan, w, entry.port, not routed)
                self.route(w, host, entry.port.port, option_key=key)
                routed = True
            else:
                self.external_port(w, entry.port, "LoadBalancer")

    def run(self) -> None:
        plan = self.plan
        plan.exposure.ingresses.append(self.project_ingress)
        entries: dict[str, list[Published]] = {}
        for entry in plan.exposure.published:
            entries.setdefault(entry.workload, []).append(entry)
        for name, w in sorted(plan.addressable().items()):
            self.service(name, w, entries.get(name, []))
        plan.exposure.ingresses = [i for i in plan.exposure.ingresses if i.routes(plan.exposure)]
        plan.exposure.external = [self.external[k] for k in sorted(self.external)]


def _tls(plan: Plan) -> list[Tls]:
    """prod: TLS for every Ingress that has no Secret of its own, each from its own Secret."""
    rules = overlay_rules().exposure
    out = []
    for ingress in plan.exposure.ingresses:
        if ingress.tls_secret:
            continue
        secret = rules.tls_secret.format(project=plan.name) if ingress.name == plan.name else f"{ingress.name}-tls"
        out.append(Tls(ingress.name, [r.host for r in ingress.routes(plan.exposure)], secret, plan.options.tls_issuer))
    return out


def run(plan: Plan) -> Plan:
    overlays = overlay_rules().overlays
    plan.exposure.published = _published(plan)
    if any(overlays[o].exposure == "component" for o in plan.overlays):
        _Component(plan).run()
    for name, overlay in plan.overlays.items():
        rules = overlays[name]
        if rules.exposure == "node_ports":
            overlay.node_ports = _node_ports(plan)
        elif plan.exposure:
            overlay.exposed = True
            if rules.tls:
                overlay.tls = _tls(plan)
    return plan
