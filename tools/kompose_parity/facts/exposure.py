"""The facts of how a service is reached: its Services' types and ports, NodePorts, Ingress
rules and TLS, each port resolved to the container port it leads to."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .normalise import Fact, pod_spec

if TYPE_CHECKING:
    from .view import View


def target_number(workload: dict[str, Any] | None, target: Any) -> Any:
    """A Service targetPort as a container port number (named ports resolved)."""
    if isinstance(target, int) or workload is None:
        return target
    for container in pod_spec(workload).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target:
                return port["containerPort"]
    return target


def service_facts(view: View, service: str, workload: dict[str, Any] | None) -> dict[Fact, Any]:
    """The types, ports and NodePorts of the service's Services."""
    out: dict[Fact, Any] = {}
    for svc in view.owned(service, ("Service",)):
        spec = svc["spec"]
        kind = "headless" if spec.get("clusterIP") == "None" else spec.get("type", "ClusterIP")
        out.setdefault(("service", "type"), set()).add(kind)
        for port in spec.get("ports") or []:
            label = f"{port['port']}/{port.get('protocol', 'TCP')}"
            out.setdefault(("service", f"port {label}"), set()).add(
                target_number(workload, port.get("targetPort", port["port"])))
            if port.get("nodePort"):
                out[("service", f"nodePort {port['nodePort']}")] = target_number(
                    workload, port.get("targetPort", port["port"]))
        if spec.get("externalTrafficPolicy"):
            out.setdefault(("service", "externalTrafficPolicy"), set()).add(spec["externalTrafficPolicy"])
    return out


def ingress_rules(view: View, service: str, workload: dict[str, Any] | None) -> list[tuple[str, str, Any]]:
    """(host or '*', path, container port) of every Ingress path that leads to this service."""
    mine = {s["metadata"]["name"]: s for s in view.owned(service, ("Service",))}
    out = []
    for ingress in (o for o in view.objects if o.get("kind") == "Ingress"):
        for rule in ingress["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                svc = mine.get(backend.get("name"))
                if svc is None:
                    continue
                wanted = backend.get("port") or {}
                port = next((p for p in svc["spec"].get("ports") or []
                             if p["port"] == wanted.get("number") or p.get("name") == wanted.get("name")), None)
                target = target_number(workload, port.get("targetPort", port["port"])) if port else None
                out.append((rule.get("host") or "*", path.get("path") or "/", target))
    return out


def ingress_facts(view: View, service: str, workload: dict[str, Any] | None) -> dict[Fact, Any]:
    """The Ingress rules that lead to the service, their class and TLS hosts."""
    out: dict[Fact, Any] = {}
    for host, path, target in ingress_rules(view, service, workload):
        out[("ingress", f"rule {host}{path}")] = target
    mine = {s["metadata"]["name"] for s in view.owned(service, ("Service",))}
    for ingress in (o for o in view.objects if o.get("kind") == "Ingress"):
        backends = {p["backend"]["service"]["name"] for r in ingress["spec"].get("rules") or []
                    for p in (r.get("http") or {}).get("paths") or [] if "service" in p.get("backend", {})}
        if not backends & mine:
            continue
        if ingress["spec"].get("ingressClassName"):
            out[("ingress", "ingressClassName")] = ingress["spec"]["ingressClassName"]
        for tls in ingress["spec"].get("tls") or []:
            for host in tls.get("hosts") or []:
                out[("ingress", f"tls {host}")] = tls.get("secretName")
    return out
