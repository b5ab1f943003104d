"""The overlay guide's "Reach it": how to reach what Compose published (ports on this machine,
Ingress hosts, LoadBalancer and NodePort Services, port-forwards)."""
from __future__ import annotations

from ...ir.model import Plan
from ...ir.overlays import OverlayPlan
from ..overlays import external_name
from .formats import node_ports_in_order, published_port, sh_block

_WHERE = {"LoadBalancer": "on the EXTERNAL-IP they show", "NodePort": "on every node's address, at the NodePort "
          "they show"}


def _external_intro(types: list[str]) -> str:
    if len(types) == 1:
        return f"{types[0]} Services carry the other published ports, {_WHERE[types[0]]}:"
    return "LoadBalancer and NodePort Services carry the other published ports (" + ", ".join(
        f"a {t} {_WHERE[t].replace('they show', 'it shows')}" for t in types) + "):"


def reach(plan: Plan, overlay: OverlayPlan) -> list[str]:
    """The "Reach it" part, or nothing when the overlay publishes nothing."""
    ns, out = overlay.namespace, []

    def group(intro: str, bullets: list[str], commands: list[str]) -> None:
        out.extend([intro, "", *bullets, *([""] if bullets else []), *(sh_block(commands) if commands else [])])

    if overlay.node_ports:
        group("On this machine, as Compose published them:", [
            f"- `{published_port(e.port) if e.port.host_ip else 'localhost:' + published_port(e.port)}` → "
            f"{plan.workloads[e.workload].name} port {e.port.port} (NodePort {e.node_port})"
            for e in node_ports_in_order(overlay)], [])
    secure = {t.ingress for t in overlay.tls} | {i.name for i in plan.exposure.ingresses if i.tls_secret}
    for ingress in (plan.exposure.ingresses if overlay.exposed else []):
        scheme = "https" if ingress.name in secure else "http"
        group(f"Ingress `{ingress.name}` serves these hosts: point their DNS names at the ADDRESS it shows.",
              [f"- `{scheme}://{r.host}{r.path if r.path != '/' else ''}` → Service {r.service} port {r.port}"
               for r in ingress.routes(plan.exposure)],
              [f"kubectl -n {ns} get ingress {ingress.name}"])
    if overlay.exposed and plan.exposure.external:
        names = [external_name(plan, e) for e in plan.exposure.external]
        group(_external_intro(sorted({e.type for e in plan.exposure.external})), [
                  f"- `{name}`: port{'s' if len(e.ports) > 1 else ''} "
                  f"{', '.join(published_port(p, host=False) for p in e.ports)} of {plan.workloads[e.workload].name}"
                  for name, e in zip(names, plan.exposure.external, strict=True)],
              [f"kubectl -n {ns} get svc {name}" for name in names])
    forwards = [f for f in overlay.port_forwards if f.port.protocol == "TCP"]
    if forwards:
        group("Published in compose but kept inside the cluster here: `kubectl port-forward` reaches them on "
              "`localhost:<port>` while it runs (one terminal each, Ctrl-C ends it).", [],
              [f"kubectl -n {ns} port-forward svc/{f.service} {f.local}:{f.port.port}" for f in forwards])
    udp = [f for f in overlay.port_forwards if f.port.protocol != "TCP"]
    if udp:
        group("Not reachable from outside here (kubectl port-forward carries TCP only):",
              [f"- port {published_port(f.port, host=False)} of {f.workload}" for f in udp], [])
    return ["### Reach it", "", *out] if out else []
