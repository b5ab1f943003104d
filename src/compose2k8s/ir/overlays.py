"""Per-overlay decisions of the Plan: what dev, staging and prod change over the base.

The overlay planning passes (`passes/overlay_*.py`) fill these records; `emit/overlays.py`
only writes them as Kustomize files and patches.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    from .model import NfsShare, PortSpec

OverlayName = Literal["dev", "staging", "prod"]


@dataclass
class Published:
    """A port Compose published on a fixed host port, and how far it may reach.

    `internal` says why staging and prod keep it inside the cluster ('' when they expose it);
    a `loopback` one (published on 127.0.0.1) is kept inside in every overlay.
    """

    workload: str  # compose service
    port: PortSpec
    http: bool
    loopback: bool = False
    internal: str = ""


@dataclass
class NodePort:
    """dev: a published port reached on localhost through a NodePort and Kind's port mapping."""

    workload: str  # compose service
    port: PortSpec
    node_port: int
    traffic_policy: str | None = None  # externalTrafficPolicy (Cluster, Local)


@dataclass
class IngressRoute:
    host: str
    service: str
    port: int
    path: str = "/"
    ingress: str = ""  # the Ingress carrying it (Exposure.ingresses)
    option_key: str = ""  # the ingress_hosts key that names its host ('' for a host from a label)


@dataclass
class Ingress:
    """One Ingress of staging and prod: the project's, or a service's own when it names its class
    or TLS Secret (Kompose's expose labels)."""

    name: str
    ingress_class: str | None = None
    tls_secret: str | None = None  # a Secret the user provides: TLS in staging and prod

    def routes(self, exposure: Exposure) -> list[IngressRoute]:
        return [r for r in exposure.routes if r.ingress == self.name]


@dataclass
class ExternalService:
    """Published ports of a workload on one Service of type LoadBalancer (non-HTTP ports, or
    every port with kompose.service.type loadbalancer) or NodePort (kompose.service.type nodeport)."""

    workload: str  # compose service
    ports: list[PortSpec]
    type: Literal["LoadBalancer", "NodePort"] = "LoadBalancer"
    node_port: int | None = None  # of the first port (kompose.service.nodeport.port)
    traffic_policy: str | None = None  # externalTrafficPolicy (Cluster, Local)


@dataclass
class Exposure:
    """What staging and prod publish (one Kustomize Component both use)."""

    published: list[Published] = field(default_factory=list)  # every published port, in service order
    routes: list[IngressRoute] = field(default_factory=list)
    ingresses: list[Ingress] = field(default_factory=list)  # the project's first, then services' own
    external: list[ExternalService] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return [route.host for route in self.routes]

    def __bool__(self) -> bool:
        return bool(self.routes or self.external)


@dataclass
class PortForward:
    """A published port an overlay keeps inside the cluster, reached from this machine with
    `kubectl port-forward svc/<service> <local>:<port.port>`."""

    workload: str  # compose service
    service: str  # its client Service
    port: PortSpec
    local: int  # the published port, or a free-to-bind one when binding it would need root


@dataclass
class Tls:
    """TLS an overlay adds to one Ingress, from a Secret cert-manager issues (or the user makes)."""

    ingress: str
    hosts: list[str]
    secret: str
    issuer: str | None = None


@dataclass
class Replicas:
    """The replicas an overlay runs of a workload; of an autoscaled one, its autoscaler's minimum
    (the autoscaler owns the count)."""

    workload: str  # compose service
    count: int
    autoscaled: bool = False


@dataclass
class Budget:
    """A PodDisruptionBudget: exactly one of the two is set."""

    workload: str  # compose service
    min_available: int | None = None
    max_unavailable: int | None = None


@dataclass
class ClaimClass:
    """The storage class of a claim, or of every claim template of a StatefulSet."""

    storage_class: str
    claim: str | None = None  # a PersistentVolumeClaim
    templates_of: str | None = None  # a StatefulSet's compose service
    template_indices: tuple[int, ...] = ()  # which of its claim templates (those without a class of their own)


@dataclass
class StaticVolume:
    """A PersistentVolume made for one claim: a node folder (dev) or an NFS share."""

    claim: str
    access_mode: str
    size: str
    host_path: str | None = None
    nfs: NfsShare | None = None
    host_path_type: str = "DirectoryOrCreate"  # Directory: the folder must be there (live code)


@dataclass
class LiveMount:
    """A service's own source from this checkout, mounted in dev through Kind (dev_live_code):
    Kind mounts `folder` at `node_path`, a PersistentVolume there binds `claim`."""

    workload: str  # the compose service whose container mounts it
    claim: str
    folder: str
    node_path: str
    target: str
    read_only: bool


@dataclass
class LimitDefaults:
    default: dict[str, str]
    default_request: dict[str, str]


@dataclass
class OverlayPlan:
    name: OverlayName
    namespace: str
    node_ports: list[NodePort] = field(default_factory=list)
    local_storage_class: str | None = None  # a no-provisioner StorageClass this overlay creates
    claim_classes: list[ClaimClass] = field(default_factory=list)
    static_volumes: list[StaticVolume] = field(default_factory=list)
    live_mounts: list[LiveMount] = field(default_factory=list)
    exposed: bool = False  # uses the shared exposure component
    port_forwards: list[PortForward] = field(default_factory=list)  # published ports it keeps internal
    tls: list[Tls] = field(default_factory=list)
    replicas: list[Replicas] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    zone_spreads: list[str] = field(default_factory=list)  # compose services spread over zones
    dropped_cpu_limits: list[tuple[str, int]] = field(default_factory=list)  # (compose service, container index)
    dropped_affinity: list[str] = field(default_factory=list)  # compose services
    limit_range: LimitDefaults | None = None
