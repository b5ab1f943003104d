"""The Plan (IR): workloads, Services, claims, config, secrets, overlay decisions,
diagnostics and traces.

A workload keeps its pod spec as plain Kubernetes-shaped dicts (camelCase, as lightkube
does), so lowering is a straight dump. Services and claims are typed records: passes
decide them, the audit and the overlays read them, `emit/` only renders them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..compose.model import ComposeProject, Mount, Service
from ..diagnostics import Diagnostic, Severity, Trace
from ..options import ConvertOptions
from .overlays import Exposure, OverlayPlan

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.facts import Facts
    from ..analysis.references import Reference

Kind = Literal["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]
KINDS: tuple[Kind, ...] = get_args(Kind)
AccessMode = Literal["ReadWriteOnce", "ReadWriteMany"]


def one_shot(kind: Kind) -> bool:
    """Runs to completion (Job, CronJob).

    >>> one_shot("Job"), one_shot("StatefulSet")
    (True, False)
    """
    return kind in ("Job", "CronJob")


def long_running(kind: Kind) -> bool:
    """Keeps pods running (Deployment, StatefulSet, DaemonSet)."""
    return not one_shot(kind)


PortSource = Literal["declared", "referenced", "dockerfile", "image"]  # most certain first


@dataclass
class PortSpec:
    port: int
    protocol: str  # TCP / UDP / SCTP
    name: str
    published: str | None = None
    host_ip: str | None = None
    source: PortSource = "declared"  # where we know the port from
    app_protocol: str | None = None  # compose's app_protocol (http, https, grpc…)

    @property
    def loopback(self) -> bool:
        """Published for this machine only (127.0.0.1, ::1, localhost)."""
        host = (self.host_ip or "").strip("[]").lower()
        return host.startswith("127.") or host in ("::1", "localhost")

    @property
    def exposed(self) -> bool:
        """Published on a fixed host port: the overlays expose it (NodePort, Ingress, LoadBalancer).
        Port 0 asks Docker for any free port, like a range: not a fixed one."""
        return bool(self.published) and self.published.isdigit() and int(self.published) > 0


@dataclass
class ServiceRecord:
    """A Kubernetes Service selecting the pods of compose service `workload`.

    `role` says why it exists: the client Service peers use, a StatefulSet's headless
    Service, or an extra name Compose resolves (`source_key`: networks, hostname,
    container_name, links).
    """

    name: str
    workload: str
    role: Literal["client", "headless", "alias"]
    ports: list[PortSpec]
    source_key: str = "services"
    cluster_ip: bool = True  # False: asked headless (kompose.service.type: headless)
    before_ready: bool = False  # answers with pods not yet ready: peers of a cluster find each other starting

    @property
    def headless(self) -> bool:
        """No cluster IP: a StatefulSet's own Service, a Service without ports, whose name resolves
        to the ready pods' addresses (every port answers, as in Compose), or one asked headless."""
        return self.role == "headless" or not self.ports or not self.cluster_ip


@dataclass(frozen=True)
class NfsShare:
    server: str
    path: str
    options: tuple[str, ...] = ()


@dataclass
class Claim:
    """Storage several pods (or one StatefulSet's pods, as a template) mount.

    `owner` is the one compose service using it (its objects' folder), None when shared.
    A `template` claim becomes a StatefulSet volumeClaimTemplate: one claim per pod.
    """

    name: str
    access_mode: AccessMode
    size: str
    users: list[str]
    source: str  # "volume <name>" or "folder ./<path>", for messages and the README
    owner: str | None = None
    template: bool = False
    nfs: NfsShare | None = None
    read_only: list[str] = field(default_factory=list)  # users that mount it read-only only
    external: bool = False  # exists already (compose `external: true`): mounted, never created
    seed_from: str | None = None  # the project folder (./path) whose files it should start with
    storage_class: str | None = None  # its own class (a Kompose label), kept by staging and prod


@dataclass(frozen=True)
class Reach:
    """A peer reference and the Service that answers it (None: nothing does, `reason` says why)."""

    reference: Reference
    service: str | None
    reason: str = ""


@dataclass(frozen=True)
class TokenRefresher:
    """A CronJob that keeps a registry pull secret fresh; its first run is started by hand."""

    cronjob: str
    first_job: str


@dataclass(frozen=True)
class PullSecret:
    """An image pull secret of a private registry that the user creates (docker-registry type)."""

    name: str
    server: str


@dataclass(frozen=True)
class ScaleTarget:
    """One resource metric of an autoscaler: average utilization (% of the request) or an
    average value (a quantity)."""

    resource: Literal["cpu", "memory"]
    utilization: int | None = None
    average: str | None = None


@dataclass(frozen=True)
class Autoscaler:
    """A HorizontalPodAutoscaler (autoscaling/v2) owning a workload's replica count."""

    workload: str  # compose service
    min_replicas: int
    max_replicas: int
    targets: tuple[ScaleTarget, ...]


@dataclass
class Workload:
    service: Service
    name: str
    kind: Kind = "Deployment"
    replicas: int = 1
    ports: list[PortSpec] = field(default_factory=list)
    container: dict[str, Any] = field(default_factory=dict)
    pod: dict[str, Any] = field(default_factory=dict)
    init_containers: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)  # beyond plan.labels, e.g. network membership
    job: dict[str, Any] = field(default_factory=dict)  # backoffLimit, schedule, restartPolicy
    rollout: dict[str, Any] = field(default_factory=dict)  # strategy / updateStrategy, minReadySeconds
    client_service: str | None = None
    headless_service: str | None = None
    sidecar_of: str | None = None  # a container in x's pod (network_mode service:<x>, or x owns its group)
    group: str | None = None  # kompose.service.group: its pod's group; a member keeps a Service of its own name
    sidecars: list[dict[str, Any]] = field(default_factory=list)  # containers of sidecar services in this pod
    source_mounts: list[Mount] = field(default_factory=list)  # its own source, dropped (the image has it)

    @property
    def listens(self) -> bool:
        return bool(self.ports)

    @property
    def primary_port(self) -> PortSpec | None:
        """The TCP port we are most certain the service listens on: declared, then one peers
        use, then the Dockerfile's EXPOSE, then the image's usual port (lowest first)."""
        order = {"declared": 0, "referenced": 1, "dockerfile": 2, "image": 3}
        return min((p for p in self.ports if p.protocol == "TCP"), key=lambda p: (order[p.source], p.port),
                   default=None)

    def mount(self, volume: dict[str, Any], mount: dict[str, Any]) -> None:
        """Add a pod volume (once, by name) and mount it in the main container."""
        if not any(v["name"] == volume["name"] for v in self.volumes):
            self.volumes.append(volume)
        self.container.setdefault("volumeMounts", []).append(mount)


@dataclass
class SecretData:
    """A Secret whose values stay in memory until they are encrypted."""

    name: str
    service: str
    data: dict[str, bytes]
    type: str = "Opaque"
    placeholder: bool = False


@dataclass
class Plan:
    project: ComposeProject
    options: ConvertOptions
    name: str
    facts: Facts = None  # type: ignore[assignment]  # set by analysis.facts.analyse right after lift
    workloads: dict[str, Workload] = field(default_factory=dict)
    services: list[ServiceRecord] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    objects: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (folder, object), e.g. ConfigMaps
    secrets: list[SecretData] = field(default_factory=list)
    overlays: dict[str, OverlayPlan] = field(default_factory=dict)
    exposure: Exposure = field(default_factory=Exposure)  # what staging and prod publish
    token_refresher: TokenRefresher | None = None
    reachability: list[Reach] = field(default_factory=list)
    pull_secrets: list[PullSecret] = field(default_factory=list)  # to create by hand, per namespace
    autoscalers: dict[str, Autoscaler] = field(default_factory=dict)  # by compose service
    diagnostics: list[Diagnostic] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)

    def note(self, service: str, key: str, code: str, message: str, hint: str = "",
             severity: Severity = "warning", subject: str = "", group: str = "") -> None:
        """Record a diagnostic: a warning where something the user relies on is lost or must be
        done by hand, else an info. `subject` and `group` let repeats fold into one printed line
        (see diagnostics.fold)."""
        self.diagnostics.append(Diagnostic(service, key, code, message, hint, severity, subject, group))

    def trace(self, service: str, key: str, target: str) -> None:
        self.traces.append(Trace(service, key, target))

    def trace_field(self, workload: Workload, key: str, what: str) -> None:
        """Trace a compose key to a field of a workload: 'Deployment web containers[0].args'."""
        self.traces.append(Trace(workload.service.name, key, f"{workload.kind} {workload.name} {what}"))

    def add(self, folder: str, obj: dict[str, Any]) -> None:
        self.objects.append((folder, obj))

    def pod_owners(self) -> dict[str, Workload]:
        """The workloads that own a pod, by compose name: all but sidecars (see passes/sidecars.py)."""
        return {name: w for name, w in self.workloads.items() if not w.sidecar_of}

    def bound_claims(self) -> list[tuple[str, Claim]]:
        """(name of the bound claim, claim) for every claim the base makes: PersistentVolumeClaims,
        then each StatefulSet's claim templates once per pod (<template>-<statefulset>-<index>)."""
        found = [(c.name, c) for c in self.claims if not (c.template or c.external)]
        templates: dict[str, list[Claim]] = {}
        for claim in self.claims:
            if claim.template and claim.owner:
                templates.setdefault(claim.owner, []).append(claim)
        for compose_name, w in self.workloads.items():
            for claim in templates.get(compose_name, []):
                found += [(f"{claim.name}-{w.name}-{index}", claim) for index in range(max(1, w.replicas))]
        return found

    def addressable(self) -> dict[str, Workload]:
        """The workloads reached under their own name and ports: pod owners and the members of a
        kompose.service.group (a network_mode sidecar answers through its pod's Services)."""
        return {name: w for name, w in self.workloads.items() if not w.sidecar_of or w.group}

    def service(self, name: str) -> ServiceRecord | None:
        """The Service named `name`, if the plan makes one."""
        return next((s for s in self.services if s.name == name), None)

    def labels(self, workload: Workload) -> dict[str, str]:
        """The pod labels of a workload (recommended app.kubernetes.io labels)."""
        return {**self.selector(workload),
                "app.kubernetes.io/component": workload.kind.lower(),
                "app.kubernetes.io/part-of": self.name,
                "app.kubernetes.io/managed-by": "compose2k8s"}

    def selector(self, workload: Workload) -> dict[str, str]:
        """Small, stable selector of the workload's pods (a sidecar's: its pod owner's): name and instance."""
        owner = self.workloads[workload.sidecar_of] if workload.sidecar_of else workload
        return {"app.kubernetes.io/name": owner.name, "app.kubernetes.io/instance": self.name}

    def meta(self, name: str, workload: Workload | None = None, **extra: Any) -> dict[str, Any]:
        labels = self.labels(workload) if workload else {"app.kubernetes.io/part-of": self.name,
                                                         "app.kubernetes.io/managed-by": "compose2k8s"}
        return {"name": name, "labels": labels, **extra}
