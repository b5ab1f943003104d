"""Reading Kompose's `kompose.*` labels (mappings/kompose-labels.yaml lists each and its pass).

A label is read from the service's labels, then from `deploy.labels` (where Kompose reads
`kompose.ephemeral-storage.*`); a malformed value is an error naming the service and label.

>>> from compose2k8s.compose.model import Service
>>> svc = Service(name="web", image="nginx", labels={"kompose.hpa.cpu": "50%"})
>>> label(svc, "kompose.hpa.cpu"), label(svc, "kompose.hpa.memory")
('50%', None)
>>> flag(Service(name="web", labels={"kompose.controller.port.expose": "True"}), "kompose.controller.port.expose")
True
"""
from __future__ import annotations

from ..compose.model import Service
from ..errors import ComposeError
from ..kube_text import QUANTITY


def label(svc: Service, name: str) -> str | None:
    """The label's value (service labels first, then deploy.labels), None when absent or empty."""
    for labels in (svc.labels, (svc.deploy.labels if svc.deploy else None) or {}):
        value = labels.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def labels_under(svc: Service, prefix: str) -> dict[str, str]:
    """Every set label whose name starts with `prefix`, deploy.labels overridden by the service's."""
    found = {k: str(v) for k, v in ((svc.deploy.labels if svc.deploy else None) or {}).items() if k.startswith(prefix)}
    found.update({k: str(v) for k, v in svc.labels.items() if k.startswith(prefix)})
    return found


def flag(svc: Service, name: str) -> bool:
    """A boolean label: true, yes, 1 (any case) are true."""
    return (label(svc, name) or "").lower() in ("true", "yes", "1")


def label_error(svc: Service, name: str, problem: str, hint: str) -> ComposeError:
    """A malformed label value: exit 2 naming the service and the label."""
    return malformed(f"services.{svc.name}.labels", name, problem, hint)


def malformed(key: str, name: str, problem: str, hint: str) -> ComposeError:
    """A malformed value of label `name` in the labels at `key` (a service's or a volume's)."""
    return ComposeError(f"label {name}: {problem}", key=key, hint=hint)


def checked_quantity(value: str, key: str, name: str) -> str:
    """`value` when it is a Kubernetes quantity (1Gi, 500M), else the error naming the label."""
    if not QUANTITY.match(value):
        raise malformed(key, name, f"'{value}' is not a Kubernetes quantity", f"e.g. {name}: 1Gi")
    return value


def quantity(svc: Service, name: str) -> str | None:
    """A quantity label (1Gi, 500M), None when absent."""
    value = label(svc, name)
    return None if value is None else checked_quantity(value, f"services.{svc.name}.labels", name)


def number(svc: Service, name: str, low: int = 0, high: int = 2 ** 31 - 1) -> int | None:
    """An integer label within [low, high], None when absent."""
    value = label(svc, name)
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise label_error(svc, name, f"'{value}' is not a whole number from {low} to {high}",
                          f"e.g. {name}: \"{max(low, 1)}\"")
    return int(value)


def choice(svc: Service, name: str, allowed: dict[str, str]) -> str | None:
    """A label whose value (any case) is one of `allowed`'s keys → its Kubernetes spelling."""
    value = label(svc, name)
    if value is None:
        return None
    found = allowed.get(value.lower())
    if found is None:
        raise label_error(svc, name, f"'{value}' is not one of {', '.join(sorted(set(allowed.values())))}",
                          f"e.g. {name}: {next(iter(allowed.values()))}")
    return found


SERVICE_TYPES = {"nodeport": "NodePort", "clusterip": "ClusterIP", "loadbalancer": "LoadBalancer",
                 "headless": "Headless"}


def service_type(svc: Service) -> str | None:
    """kompose.service.type as a Service type (Headless for headless), None when unset."""
    return choice(svc, "kompose.service.type", SERVICE_TYPES)
