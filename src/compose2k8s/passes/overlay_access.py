"""Published ports each overlay keeps inside the cluster (after overlay_exposure): what Compose
published on a fixed host port that the overlay neither maps to a NodePort (dev) nor puts
behind the Ingress or a LoadBalancer (staging, prod). The tree README gives each its
`kubectl port-forward` line; a port below 1024 is forwarded from a higher local port
(`port_forward_shift` in mappings/overlays.yaml), since binding it would need root.
"""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import OverlayPlan, PortForward
from ..mappings import overlay_rules
from .overlay_exposure import published


def _reached(plan: Plan, overlay: OverlayPlan) -> set[tuple[str, str]]:
    """(compose service, port name) of every published port the overlay makes reachable."""
    reached = {(entry.workload, entry.port.name) for entry in overlay.node_ports}
    if overlay.exposed:
        routed = {(route.service, route.port) for route in plan.exposure.routes}
        reached |= {(w.service.name, p.name) for w, p in published(plan) if (w.client_service, p.port) in routed}
        reached |= {(b.workload, p.name) for b in plan.exposure.load_balancers for p in b.ports}
    return reached


def run(plan: Plan) -> Plan:
    shift = overlay_rules().exposure.port_forward_shift
    for overlay in plan.overlays.values():
        reached = _reached(plan, overlay)
        for w, port in published(plan):
            if (w.service.name, port.name) not in reached and w.client_service:
                wanted = int(port.published or port.port)
                overlay.port_forwards.append(PortForward(w.service.name, w.client_service, port,
                                                         wanted if wanted >= 1024 else wanted + shift))
    return plan
