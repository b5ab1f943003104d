"""A change of label scheme, said once: when OLD selects its pods by other label keys than
NEW (Kompose's `io.kompose.service`, a hand-written `app: web`, our
`app.kubernetes.io/name` + `instance`), the report says so in one note, and label or selector
keys of either scheme that only one side has are not repeated per object. Values of keys both
sides have are still compared.

>>> old = {"kind": "Service", "metadata": {"labels": {"io.kompose.service": "db"}},
...        "spec": {"selector": {"io.kompose.service": "db"}}}
>>> new = {"kind": "Service", "spec": {"selector": {"app.kubernetes.io/name": "db", "app.kubernetes.io/instance": "p"}}}
>>> scheme = detect([(old, new)], kompose="OLD")
>>> scheme.note()
"labels: Kompose's io.kompose.service → app.kubernetes.io/instance, app.kubernetes.io/name, in labels and selectors alike; keys of either scheme (io.kompose.*, app.kubernetes.io/*) that only one side has are not listed per object"
>>> scheme.covers("io.kompose.network/front"), scheme.covers("app.kubernetes.io/component"), scheme.covers("tier")
(True, True, False)
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .patterns import Fields

KOMPOSE_LABEL = "io.kompose.service"
KOMPOSE_PREFIX = "io.kompose."
KOMPOSE_ANNOTATIONS = frozenset({"kompose.cmd", "kompose.version"})
_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})


def selector(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The labels a Service or workload selects its pods by."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    found = spec.get("selector")
    if obj.get("kind") in _WORKLOADS and isinstance(found, dict):
        found = found.get("matchLabels")
    elif obj.get("kind") != "Service":
        return None
    return found if isinstance(found, dict) and found else None


def pod_labels(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The labels of a Job's, CronJob's or bare Pod's pods (they have no selector to write)."""
    kind = obj.get("kind")
    path = {"Job": ("spec", "template"), "CronJob": ("spec", "jobTemplate", "spec", "template"), "Pod": ()}.get(kind)
    if path is None:
        return None
    node: Any = obj
    for part in (*path, "metadata", "labels"):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) and node else None


def from_kompose(obj: dict[str, Any]) -> bool:
    """Did Kompose write this object (its labels or annotations)?"""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
    return (isinstance(labels, dict) and KOMPOSE_LABEL in labels) or (
        isinstance(annotations, dict) and bool(KOMPOSE_ANNOTATIONS & annotations.keys()))


def is_label_map(kind: str, fields: Fields) -> bool:
    """Is the mapping at `fields` a set of labels or a label selector?"""
    return fields[-2:] == ("metadata", "labels") or fields[-1:] == ("matchLabels",) or (
        kind == "Service" and fields == ("spec", "selector"))


def key_by_key(kind: str, fields: Fields) -> bool:
    """Metadata, labels, annotations and selectors are compared key by key even when one side
    has none, so that a scheme's labels and `--ignore '*:metadata.labels.x'` apply there too."""
    return fields[-1:] in (("metadata",), ("selector",), ("annotations",)) or is_label_map(kind, fields)


def _family(keys: Iterable[str]) -> set[str]:
    """`app` stays itself; `app.kubernetes.io/name` stands for `app.kubernetes.io/*`."""
    return {key.split("/", 1)[0] + "/*" if "/" in key else key for key in keys}


@dataclass(frozen=True)
class LabelScheme:
    old_keys: tuple[str, ...]
    new_keys: tuple[str, ...]
    kompose: str | None  # "OLD" or "NEW" when that side was written by Kompose
    families: frozenset[str]

    def covers(self, key: str) -> bool:
        """Is `key` a label of either scheme?"""
        return key in self.families or any(f.endswith("*") and key.startswith(f[:-1]) for f in self.families)

    def note(self) -> str:
        old = ", ".join(self.old_keys)
        new = ", ".join(self.new_keys)
        old = f"Kompose's {old}" if self.kompose == "OLD" else old
        new = f"Kompose's {new}" if self.kompose == "NEW" else new
        shown = [f for f in sorted(self.families, key=lambda f: (not f.startswith(KOMPOSE_PREFIX), f)) if "*" in f]
        families = f" ({', '.join(shown)})" if shown else ""
        return (f"labels: {old} → {new}, in labels and selectors alike; keys of either scheme{families} "
                "that only one side has are not listed per object")


def detect(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]], kompose: str | None = None) -> LabelScheme | None:
    """The most common change of selector keys among paired objects, if there is one (the pod
    labels of Jobs, CronJobs and Pods when no Service or workload pair has selectors)."""
    by_selector: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = Counter()
    by_pod_labels: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = Counter()
    for old, new in pairs:
        for read, seen in ((selector, by_selector), (pod_labels, by_pod_labels)):
            before, after = read(old), read(new)
            if before and after and before.keys() != after.keys():
                seen[(tuple(sorted(before)), tuple(sorted(after)))] += 1
    seen = by_selector or by_pod_labels
    if not seen:
        return None
    (old_keys, new_keys), _ = seen.most_common(1)[0]
    families = _family(old_keys) | _family(new_keys)
    if kompose:
        families.add(KOMPOSE_PREFIX + "*")
    families -= {"io.kompose.service"} if kompose else set()
    return LabelScheme(old_keys, new_keys, kompose, frozenset(families))
