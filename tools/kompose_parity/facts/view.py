"""One rendering (Kompose's, or one of our overlays) and which compose service each object is of.

    >>> view = View([{"kind": "Deployment", "metadata": {"name": "web", "labels": {"k": "web"}},
    ...               "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}], "k")
    >>> view.facts("web")[("image", "image")]
    'nginx'
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .exposure import ingress_facts, ingress_rules, service_facts, target_number
from .normalise import Fact, normal_name, pod_spec
from .workload import hpa_facts, pod_facts

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "CronJob", "Pod")


@dataclass
class View:
    """One rendering (Kompose's, or one of our overlays) and the label that names services."""

    objects: list[dict[str, Any]]
    owner_label: str
    host_ports: dict[int, int] = field(default_factory=dict)  # nodePort → host port (kind's port mappings)

    def owner(self, obj: dict[str, Any]) -> str | None:
        """The compose service of an object: a Service's selector, else the object's label. A Service
        named after another container of the pod it selects (services grouped in one pod) is that
        container's service's."""
        selector = (obj.get("spec") or {}).get("selector") if obj.get("kind") == "Service" else None
        labels = selector or (obj.get("metadata") or {}).get("labels") or {}
        value = labels.get(self.owner_label)
        if selector and value:
            name = normal_name(obj["metadata"]["name"])
            if name in self._side_containers.get(normal_name(value), ()):
                return name
        return normal_name(value) if value else None

    @cached_property
    def _side_containers(self) -> dict[str, set[str]]:
        """{compose service owning a pod: the names of the pod's other containers}."""
        out: dict[str, set[str]] = {}
        for obj in self.objects:
            value = ((obj.get("metadata") or {}).get("labels") or {}).get(self.owner_label)
            if obj.get("kind") in WORKLOAD_KINDS and value:
                names = {normal_name(c.get("name", "")) for c in pod_spec(obj).get("containers") or []}
                out[normal_name(value)] = names - {normal_name(value), normal_name(obj["metadata"]["name"])}
        return out

    def owned(self, service: str, kinds: Iterable[str]) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") in kinds and self.owner(o) == service]

    def named(self, kind: str, name: str) -> dict[str, Any] | None:
        return next((o for o in self.objects if o.get("kind") == kind and o["metadata"]["name"] == name), None)

    def services(self) -> set[str]:
        """Compose services that have a workload in this rendering."""
        return {s for o in self.objects if o.get("kind") in WORKLOAD_KINDS and (s := self.owner(o))}

    def workload(self, service: str) -> dict[str, Any] | None:
        """The workload running the service: its own, else the pod it is a container of (grouped)."""
        found = self.owned(service, WORKLOAD_KINDS)
        if not found:
            found = [self._workload_of(owner) for owner, names in self._side_containers.items() if service in names]
        return next((o for o in found if normal_name(o["metadata"]["name"]) == service), found[0] if found else None)

    def _workload_of(self, owner: str) -> dict[str, Any]:
        return next(o for o in self.owned(owner, WORKLOAD_KINDS))

    def facts(self, service: str) -> dict[Fact, Any]:
        """Every fact this rendering states about one compose service."""
        out: dict[Fact, Any] = {}
        workload = self.workload(service)
        if workload is not None:
            out[("workload", "kind")] = workload["kind"]
            out.update(pod_facts(self, workload, service))
            out.update(hpa_facts(self, workload))
        out.update(service_facts(self, service, workload))
        out.update(ingress_facts(self, service, workload))
        return out

    def offers(self, service: str) -> set[tuple[Any, Any]]:
        """(port a client reaches, container port it leads to) for every way in: Service ports,
        kind's host ports in front of NodePorts, and ('ingress', port) for Ingress backends."""
        workload = self.workload(service)
        out: set[tuple[Any, Any]] = set()
        for svc in self.owned(service, ("Service",)):
            for port in svc["spec"].get("ports") or []:
                target = target_number(workload, port.get("targetPort", port["port"]))
                out.add((port["port"], target))
                if port.get("nodePort") in self.host_ports:
                    out.add((self.host_ports[port["nodePort"]], target))
        out.update(("ingress", target) for _host, _path, target in ingress_rules(self, service, workload))
        return out
