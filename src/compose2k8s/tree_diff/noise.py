"""Set aside what is not a real difference (tables in mappings/diff-defaults.yaml): fields the
API server writes (`status`, uid, managedFields, the last-applied annotation), fields equal to
the API's defaults, and, on request, every label or annotation. Quantities become `Quantity`.

>>> clean({"kind": "Service", "metadata": {"name": "a", "uid": "u-1"},
...        "spec": {"type": "ClusterIP", "ports": [{"port": 80, "targetPort": 80, "protocol": "TCP"}]},
...        "status": {"loadBalancer": {}}})
{'kind': 'Service', 'metadata': {'name': 'a'}, 'spec': {'ports': [{'port': 80}]}}
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..tables.diff import diff_noise
from .patterns import Fields, PathTable
from .quantity import Quantity

_CLUSTER_MARKS = ("uid", "resourceVersion", "creationTimestamp")


@dataclass(frozen=True)
class _Tables:
    server_set: PathTable
    assigned: PathTable
    defaults: PathTable
    computed: PathTable
    quantities: PathTable
    annotations: frozenset[str]
    labels: frozenset[str]
    finalizers: frozenset[str]


@cache
def _tables() -> _Tables:
    table = diff_noise()
    return _Tables(PathTable(table.server_set), PathTable(table.assigned), PathTable(table.defaults),
                   PathTable(table.computed), PathTable(table.quantities), table.server_annotations,
                   table.server_labels, table.server_finalizers)


def from_cluster(obj: dict[str, Any]) -> bool:
    """True for an object read back from an API server (`kubectl get -o yaml`)."""
    meta = obj.get("metadata")
    return isinstance(meta, dict) and any(meta.get(mark) for mark in _CLUSTER_MARKS)


def assigned(kind: str, fields: Fields) -> bool:
    """Is this field one the API server fills in when a manifest leaves it out?"""
    return (kind, fields) in _tables().assigned


def implied(kind: str, fields: Fields, siblings: dict[str, Any]) -> Any:
    """The value a scalar field left out has (its API default), or NOT_SET.

    >>> implied("Service", ("spec", "ports", "targetPort"), {"port": 5432}), implied("Service", ("spec", "x"), {})
    (5432, NOT_SET)
    """
    tables = _tables()
    rule = tables.computed.first(kind, fields)
    if rule is not None:
        value = _COMPUTED[rule](siblings)
        return NOT_SET if value is None else value
    scalars = [d for d in tables.defaults.all(kind, fields) if not isinstance(d, (dict, list))]
    return scalars[0] if scalars else NOT_SET


class _NotSet:
    def __repr__(self) -> str:
        return "NOT_SET"


NOT_SET: Any = _NotSet()


def clean(obj: dict[str, Any], *, ignore_labels: bool = False, ignore_annotations: bool = False) -> dict[str, Any]:
    """A copy of `obj` without server-set fields and defaults (see the module's docstring)."""
    skipped = {"labels"} if ignore_labels else set()
    if ignore_annotations:
        skipped.add("annotations")
    return _Cleaner(_tables(), str(obj.get("kind", "")), frozenset(skipped)).mapping(obj, ())


def _image_tag_policy(container: dict[str, Any]) -> str | None:
    image = container.get("image")
    if not isinstance(image, str):
        return None
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


_COMPUTED = {"image-tag": _image_tag_policy, "port": lambda port: port.get("port"),
             "policy-types": lambda spec: ["Egress", "Ingress"] if "egress" in spec else ["Ingress"]}


def _same(value: Any, default: Any) -> bool:
    """Equal and of one type; lists as sets (the only list default is policyTypes)."""
    if isinstance(value, list) and isinstance(default, list):
        return sorted(map(str, value)) == sorted(map(str, default))
    return type(value) is type(default) and value == default


@dataclass(frozen=True)
class _Cleaner:
    tables: _Tables
    kind: str
    skipped_metadata: frozenset[str]

    def value(self, value: Any, fields: Fields) -> Any:
        if isinstance(value, dict):
            return self.mapping(value, fields)
        if isinstance(value, list):
            return [self.value(item, fields) for item in value]
        return value

    def mapping(self, node: dict[str, Any], fields: Fields) -> dict[str, Any]:
        tables, kind = self.tables, self.kind
        in_metadata = bool(fields) and fields[-1] == "metadata"
        out: dict[str, Any] = {}
        for key, raw in node.items():
            path = (*fields, key)
            if (kind, path) in tables.server_set or (in_metadata and key in self.skipped_metadata):
                continue
            if in_metadata and isinstance(raw, (dict, list)) and key in ("annotations", "labels", "finalizers"):
                raw = self._without_server_marks(key, raw)
            value = self.value(raw, path)
            if (kind, path) in tables.quantities:
                value = {k: Quantity(v) for k, v in value.items()} if isinstance(value, dict) else Quantity(value)
            if any(_same(value, default) for default in tables.defaults.all(kind, path)):
                continue
            out[key] = value
        for key in [k for k in out if (kind, (*fields, k)) in tables.computed]:
            rule = _COMPUTED[tables.computed.first(kind, (*fields, key))]
            if _same(out[key], rule(out)):
                del out[key]
        return out

    def _without_server_marks(self, key: str, raw: dict[str, Any] | list[Any]) -> Any:
        if key == "finalizers":
            return [f for f in raw if f not in self.tables.finalizers] if isinstance(raw, list) else raw
        marks = self.tables.annotations if key == "annotations" else self.tables.labels
        return {k: v for k, v in raw.items() if k not in marks} if isinstance(raw, dict) else raw
