"""The Plan (IR): workloads, Services, claims, config, secrets, diagnostics, traces.

A workload keeps its pod spec as plain Kubernetes-shaped dicts (camelCase, as
lightkube does), so lowering is a straight dump.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..compose.model import ComposeProject, Service
from ..diagnostics import Diagnostic, Severity, Trace
from ..options import ConvertOptions


@dataclass
class PortSpec:
    port: int
    protocol: str  # TCP / UDP / SCTP
    name: str
    published: str | None = None
    host_ip: str | None = None

    @property
    def exposed(self) -> bool:
        """Published on a fixed host port: the overlays expose it (NodePort, Ingress, LoadBalancer).
        Port 0 asks Docker for any free port, like a range: not a fixed one."""
        return bool(self.published) and self.published.isdigit() and int(self.published) > 0


@dataclass
class Workload:
    service: Service
    name: str
    kind: str = "Deployment"
    replicas: int = 1
    ports: list[PortSpec] = field(default_factory=list)
    container: dict[str, Any] = field(default_factory=dict)
    pod: dict[str, Any] = field(default_factory=dict)
    init_containers: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    claim_templates: list[dict[str, Any]] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)  # beyond plan.labels, e.g. network membership
    job: dict[str, Any] = field(default_factory=dict)  # backoffLimit, schedule, restartPolicy
    rollout: dict[str, Any] = field(default_factory=dict)  # strategy / updateStrategy, minReadySeconds
    client_service: str | None = None
    headless_service: str | None = None

    @property
    def listens(self) -> bool:
        return bool(self.ports)

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
    workloads: dict[str, Workload] = field(default_factory=dict)
    objects: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (folder, object)
    secrets: list[SecretData] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    nfs_shares: dict[str, dict[str, Any]] = field(default_factory=dict)  # claim → server, path, mount options

    def warn(self, service: str, key: str, code: str, message: str, hint: str = "",
             severity: Severity = "warning") -> None:
        self.diagnostics.append(Diagnostic(service, key, code, message, hint, severity))

    def trace(self, service: str, key: str, target: str) -> None:
        self.traces.append(Trace(service, key, target))

    def add(self, folder: str, obj: dict[str, Any]) -> None:
        self.objects.append((folder, obj))

    def labels(self, workload: Workload) -> dict[str, str]:
        """The pod labels of a workload (recommended app.kubernetes.io labels)."""
        return {**self.selector(workload),
                "app.kubernetes.io/component": workload.kind.lower(),
                "app.kubernetes.io/part-of": self.name,
                "app.kubernetes.io/managed-by": "compose2k8s"}

    def selector(self, workload: Workload) -> dict[str, str]:
        """Small, stable selector: name and instance."""
        return {"app.kubernetes.io/name": workload.name, "app.kubernetes.io/instance": self.name}

    def meta(self, name: str, workload: Workload | None = None, **extra: Any) -> dict[str, Any]:
        labels = self.labels(workload) if workload else {"app.kubernetes.io/part-of": self.name,
                                                         "app.kubernetes.io/managed-by": "compose2k8s"}
        return {"name": name, "labels": labels, **extra}
