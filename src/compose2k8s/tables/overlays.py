"""What each overlay (dev, staging, prod) changes, and how services are exposed (overlays)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..ir.overlays import OverlayName
from .loader import Frozen, read_table


class ExposureRules(Frozen):
    http_ports: frozenset[int]
    ingress_host: str
    tls_secret: str
    node_port_first: int
    port_forward_shift: int


class Budget(Frozen):
    min_available: int | None = None
    max_unavailable: int | None = None


class LimitRangeRule(Frozen):
    default: dict[str, str] = {}  # default limits (none: a limit is the compose file's to set)
    default_request: dict[str, str]


class OverlayRules(Frozen):
    exposure: Literal["node_ports", "component"]
    local_volumes: str | None = None
    kind_host_folder: str | None = None
    drop_cpu_limits: bool = False
    drop_affinity: bool = False
    nfs_volumes: bool = False
    tls: bool = False
    replica_floor: int | None = None
    budgets: dict[str, Budget] = Field(default_factory=dict)
    zone_spread: str | None = None
    limit_range: LimitRangeRule | None = None


class Overlays(Frozen):
    exposure: ExposureRules
    overlays: dict[OverlayName, OverlayRules]


def overlay_rules() -> Overlays:
    return read_table("overlays", Overlays)
