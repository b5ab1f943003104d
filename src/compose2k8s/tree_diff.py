"""Semantic diff of two Kubernetes trees (or their rendered overlays) with deepdiff:
objects added, removed and changed, with field paths; order and formatting ignored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Compose2K8sError

ObjectKey = tuple[str, str, str]  # kind, namespace, name


class DiffError(Compose2K8sError):
    """A tree cannot be read or rendered."""


@dataclass
class DiffReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> str:
        return json.dumps({"same": self.same, "added": self.added, "removed": self.removed,
                           "changed": self.changed}, indent=2, default=str)

    def to_text(self) -> str:
        if self.same:
            return "no differences"
        lines = [f"+ {k}" for k in self.added] + [f"- {k}" for k in self.removed]
        for key, changes in self.changed.items():
            lines.append(f"~ {key}")
            for change in changes:
                if change["change"] == "changed":
                    lines.append(f"    {change['path']}: {change['old']!r} → {change['new']!r}")
                else:
                    value = change.get("new", change.get("old"))
                    lines.append(f"    {change['change']} {change['path']}: {value!r}")
        return "\n".join(lines)


def _label(key: ObjectKey) -> str:
    kind, namespace, name = key
    return f"{kind}/{namespace + '/' if namespace else ''}{name}"


def _objects(path: Path, overlay: str | None) -> dict[ObjectKey, dict[str, Any]]:
    from .validate import render
    if not path.exists():
        raise DiffError("does not exist", file=str(path), hint="give two trees or manifest files")
    docs: list[dict[str, Any]]
    try:
        if overlay:
            folder = path / "overlays" / overlay
            if not (folder / "kustomization.yaml").is_file():
                raise DiffError(f"no overlay '{overlay}' here", file=str(path), hint="check --overlay")
            docs = render(folder)
        elif (path / "kustomization.yaml").is_file():
            docs = render(path)
        elif (path / "base" / "kustomization.yaml").is_file():
            docs = render(path / "base")
        else:
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
            docs = [d for f in files for d in yaml.safe_load_all(f.read_text("utf-8")) if isinstance(d, dict)]
    except ValueError as exc:
        raise DiffError(f"kubectl kustomize failed: {exc}", file=str(path), hint="run compose2k8s validate") from None
    except yaml.YAMLError as exc:
        raise DiffError(f"invalid YAML: {exc}", file=str(path), hint="fix the manifest") from None
    out: dict[ObjectKey, dict[str, Any]] = {}
    for doc in docs:
        if "kind" in doc and doc.get("kind") not in ("Kustomization",) and "metadata" in doc:
            meta = doc.get("metadata") or {}
            out[(doc["kind"], meta.get("namespace", ""), meta.get("name", ""))] = doc
    return out


def _path(level: Any) -> str:
    return ".".join(str(p) for p in level.path(output_format="list"))


def diff(old: str | Path, new: str | Path, overlay: str | None = None) -> DiffReport:
    """Compare two trees; see `DiffReport`."""
    from deepdiff import DeepDiff  # heavy: imported only here
    before, after = _objects(Path(old), overlay), _objects(Path(new), overlay)
    report = DiffReport(added=sorted(_label(k) for k in after.keys() - before.keys()),
                        removed=sorted(_label(k) for k in before.keys() - after.keys()))
    for key in sorted(before.keys() & after.keys()):
        delta = DeepDiff(before[key], after[key], ignore_order=True, view="tree")
        changes = []
        for kind, levels in sorted(delta.items()):
            for level in levels:
                path = _path(level)
                if kind in ("values_changed", "type_changes"):
                    changes.append({"change": "changed", "path": path, "old": level.t1, "new": level.t2})
                elif "added" in kind:
                    changes.append({"change": "added", "path": path, "new": level.t2})
                elif "removed" in kind:
                    changes.append({"change": "removed", "path": path, "old": level.t1})
        if changes:
            report.changed[_label(key)] = sorted(changes, key=lambda c: c["path"])
    return report
