"""How the overlay guide writes commands, published ports and workloads.

>>> sh_block(["kubectl get pods"])
['```sh', 'kubectl get pods', '```', '']
"""
from __future__ import annotations

from ...ir.model import PortSpec, Workload
from ...ir.overlays import NodePort, OverlayPlan


def sh_block(commands: list[str]) -> list[str]:
    return ["```sh", *commands, "```", ""]


def published_port(port: PortSpec, host: bool = True) -> str:
    """A published port as Compose wrote it: 8080, 53/UDP, 127.0.0.1:9000 (`host`: with its address)."""
    return (f"{port.host_ip}:" if port.host_ip and host else "") + f"{port.published}" \
        + (f"/{port.protocol}" if port.protocol != "TCP" else "")


def workload_ref(w: Workload) -> str:
    """kubectl's TYPE/NAME for a workload: deployment/web."""
    return f"{w.kind.lower()}/{w.name}"


def node_ports_in_order(overlay: OverlayPlan) -> list[NodePort]:
    """The overlay's NodePorts in published-port order."""
    return sorted(overlay.node_ports, key=lambda e: (int(e.port.published or 0), e.port.protocol))
