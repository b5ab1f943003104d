"""Published ports each overlay keeps inside the cluster (after overlay_exposure): what Compose
published on a fixed host port that the overlay neither maps to a NodePort (dev) nor puts
behind the Ingress or a LoadBalancer (staging, prod). The tree README gives each its
`kubectl port-forward` line; a port below 1024 is forwarded from a higher local port
(`port_forward_shift` in mappings/overlays.yaml), since binding it would need root.
"""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import OverlayPlan, PortForward
from ..tables.overlays import overlay_rules


def _reached(plan: Plan, overlay: OverlayPlan) -> set[tuple[str, str]]:
    """(compose service, port name) of every published port the overlay makes reachable."""
    reached = {(entry.workload, entry.port.name) for entry in overlay.node_ports}
    if overlay.exposed:
        reached |= {(e.workload, e.port.name) for e in plan.exposure.published if not e.internal}
    return reached


def run(plan: Plan) -> Plan:
    shift = overlay_rules().exposure.port_forward_shift
    for overlay in plan.overlays.values():
        reached = _reached(plan, overlay)
        for entry in plan.exposure.published:
            service = plan.workloads[entry.workload].client_service
            if (entry.workload, entry.port.name) not in reached and service:
                wanted = int(entry.port.published or entry.port.port)
                overlay.port_forwards.append(PortForward(entry.workload, service, entry.port,
                                                         wanted if wanted >= 1024 else wanted + shift))
    return plan
