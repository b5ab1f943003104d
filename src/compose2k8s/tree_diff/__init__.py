"""Semantic diff of two Kubernetes trees, rendered overlays, manifest files or cluster exports.

Objects are paired by kind, namespace and name, and each pair is compared by deepdiff, with
list items matched by identity (containers by name, ports by port and protocol, mounts by
path: mappings/diff-identity.yaml), so a change reads
`spec.template.spec.containers[web].ports[8080/TCP].name: p8080 → http`. What the API server
writes and what equals the API's defaults is set aside (mappings/diff-defaults.yaml), so a
`kubectl get … -o yaml` export compares cleanly with the tree it came from.

>>> from compose2k8s import diff  # doctest: +SKIP
>>> print(diff("old-k8s", "k8s", overlay="prod").to_text())  # doctest: +SKIP
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import DiffError
from .change import Change
from .compare import OneSided, compare
from .ignore import IgnoreRule
from .labels import KOMPOSE_ANNOTATIONS, LabelScheme, detect, from_kompose, is_label_map
from .noise import assigned, clean, from_cluster, implied
from .read import ObjectKey, Side, label, read_side
from .report import DiffReport

__all__ = ["diff", "DiffReport", "Change", "DiffError"]


def diff(old: str | Path, new: str | Path, overlay: str | None = None, *, ignore: Iterable[str] = (),
         ignore_labels: bool = False, ignore_annotations: bool = False) -> DiffReport:
    """Compare OLD with NEW; see `DiffReport`.

    `overlay` renders that overlay of each side that is a tree (plain manifests are read as
    they are). `ignore`: `OBJECTS[:FIELD]` globs (see `ignore.IgnoreRule`).
    """
    rules = [IgnoreRule.parse(text) for text in ignore]
    before, after = read_side(Path(old), overlay), read_side(Path(new), overlay)
    if overlay and not (before.overlay_used or after.overlay_used):
        raise DiffError(f"--overlay {overlay}: neither side is a tree with overlays/", key="--overlay",
                        hint="leave --overlay out to compare the manifests as they are")
    pairs, removed, added, notes = _pair(before, after)
    keep = lambda key: not any(rule.ignores_object(key) for rule in rules)  # noqa: E731
    pairs = [(a, b) for a, b in pairs if keep(a) and keep(b)]
    report = DiffReport(added=sorted(label(k) for k in added if keep(k)),
                        removed=sorted(label(k) for k in removed if keep(k)),
                        paired=dict(sorted(Counter(k[0] for k, _ in pairs).items())), notes=notes)
    cleaned = {(a, b): (clean(before.objects[a], ignore_labels=ignore_labels, ignore_annotations=ignore_annotations),
                        clean(after.objects[b], ignore_labels=ignore_labels, ignore_annotations=ignore_annotations))
               for a, b in pairs}
    kompose = _kompose_side(before, after)
    scheme = detect(cleaned.values(), kompose)
    report.notes += _notes(before, after, scheme, kompose if not ignore_annotations else None)
    for (a, b), (old_obj, new_obj) in cleaned.items():
        one_sided = _one_sided(a[0], scheme, bool(kompose), from_cluster(before.objects[a]),
                               from_cluster(after.objects[b]))
        changes = [c for c in compare(a[0], _unplaced(old_obj), _unplaced(new_obj), one_sided,
                                      lambda fields, siblings, kind=a[0]: implied(kind, fields, siblings))
                   if not any(rule.ignores_change(b, c.path) or rule.ignores_change(a, c.path) for rule in rules)]
        if changes:
            report.changed[label(b if b[1] else a)] = changes
    report.changed = dict(sorted(report.changed.items()))
    return report


def _notes(before: Side, after: Side, scheme: LabelScheme | None, kompose: str | None) -> list[str]:
    """What the report says once instead of per object."""
    notes = [f"generated: {side.generated} objects of {name} that a controller owns (ReplicaSets, Pods, "
             "Jobs of CronJobs) are set aside" for side, name in ((before, "OLD"), (after, "NEW")) if side.generated]
    if scheme:
        notes.append(scheme.note())
    if kompose and any(_has_kompose_annotations(o) for side in (before, after) for o in side.objects.values()):
        notes.append(f"annotations: Kompose's {', '.join(sorted(KOMPOSE_ANNOTATIONS))} are not compared")
    return notes


def _pair(before: Side, after: Side) -> tuple[list[tuple[ObjectKey, ObjectKey]], list[ObjectKey], list[ObjectKey],
                                              list[str]]:
    """Pairs by (kind, namespace, name); then an object without a namespace pairs with the one
    object of its kind and name the other side has in a namespace."""
    pairs = [(k, k) for k in before.objects if k in after.objects]
    old_only = [k for k in before.objects if k not in after.objects]
    new_only = [k for k in after.objects if k not in before.objects]
    notes = []
    for lone, others, lone_is_old in ((old_only, new_only, True), (new_only, old_only, False)):
        by_name: dict[tuple[str, str], list[ObjectKey]] = {}
        for key in others:
            by_name.setdefault((key[0], key[2]), []).append(key)
        matched: list[tuple[ObjectKey, ObjectKey]] = []
        for key in [k for k in lone if not k[1]]:
            candidates = [c for c in by_name.get((key[0], key[2]), ()) if c[1]]
            if len(candidates) == 1:
                matched.append((key, candidates[0]) if lone_is_old else (candidates[0], key))
                others.remove(candidates[0])
                lone.remove(key)
        if matched:
            spaces = sorted({(b if lone_is_old else a)[1] for a, b in matched})
            side, other = ("OLD", "NEW") if lone_is_old else ("NEW", "OLD")
            notes.append(f"namespaces: {len(matched)} objects without one in {side} are paired by kind and name "
                         f"with {other}'s in {', '.join(spaces)}")
            pairs += matched
    return pairs, old_only, new_only, notes


def _kompose_side(before: Side, after: Side) -> str | None:
    if any(from_kompose(o) for o in before.objects.values()):
        return "OLD"
    return "NEW" if any(from_kompose(o) for o in after.objects.values()) else None


def _has_kompose_annotations(obj: dict[str, Any]) -> bool:
    annotations = (obj.get("metadata") or {}).get("annotations")
    return isinstance(annotations, dict) and bool(KOMPOSE_ANNOTATIONS & annotations.keys())


def _unplaced(obj: dict[str, Any]) -> dict[str, Any]:
    """`obj` without metadata.namespace, which pairing already used."""
    meta = obj.get("metadata")
    if isinstance(meta, dict) and "namespace" in meta:
        return {**obj, "metadata": {k: v for k, v in meta.items() if k != "namespace"}}
    return obj


def _one_sided(kind: str, scheme: LabelScheme | None, kompose: bool, old_live: bool, new_live: bool) -> OneSided:
    """Which fields only one side has are not differences: another scheme's labels, Kompose's
    annotations, and fields a cluster export has because the API server filled them in."""
    def skip(fields: tuple[str, ...], key: str, in_old: bool) -> bool:
        if scheme and is_label_map(kind, fields) and scheme.covers(key):
            return True
        if kompose and key in KOMPOSE_ANNOTATIONS and fields[-2:] == ("metadata", "annotations"):
            return True
        live_has, live_lacks = (old_live, new_live) if in_old else (new_live, old_live)
        return live_has and not live_lacks and assigned(kind, (*fields, key))
    return skip
