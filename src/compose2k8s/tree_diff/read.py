"""Read one side of a diff: a Kustomize tree (its base, or one overlay rendered), a
kustomization folder, a manifest file, or a folder of manifests. Multi-document streams and
`kind: List` files (what `kubectl get … -o yaml` prints) are accepted; YAML goes through the
project's guarded reader, which refuses alias bombs and absurd nesting in milliseconds.
Objects a controller generated (a ReplicaSet of a Deployment, its Pods) are set aside.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compose.yamlio import load_documents
from ..errors import ComposeError, DiffError

ObjectKey = tuple[str, str, str]  # kind, namespace, name
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
NOT_OBJECTS = ("Kustomization", "Component")
MAX_OBJECTS = 50_000


@dataclass
class Side:
    """The objects of OLD or NEW, by (kind, namespace, name)."""

    objects: dict[ObjectKey, dict[str, Any]] = field(default_factory=dict)
    generated: int = 0  # objects owned by a controller, set aside
    overlay_used: bool = False


def label(key: ObjectKey) -> str:
    """`Kind/namespace/name`, or `Kind/name` without a namespace.

    >>> label(("Deployment", "", "web")), label(("Service", "shop", "web"))
    ('Deployment/web', 'Service/shop/web')
    """
    kind, namespace, name = key
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def read_side(path: Path, overlay: str | None) -> Side:
    """Every object of `path` (see the module's docstring); DiffError when it cannot be read."""
    if not path.exists():
        raise DiffError("does not exist", file=str(path), hint="give two trees, kustomization folders or manifest files")
    side = Side()
    folder = _kustomization(path, overlay, side)
    if folder is not None:
        from ..validate import render_text
        try:
            text = render_text(folder)
        except ValueError as exc:
            raise DiffError(f"kubectl kustomize failed: {exc}", file=str(folder),
                            hint="run compose2k8s validate on the tree") from None
        _add(side, _parse(text, f"{folder} (rendered)"), str(folder))
    else:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in MANIFEST_SUFFIXES
                                                     and p.is_file())
        for file in files:
            _add(side, _documents(file), str(file))
    return side


def _kustomization(path: Path, overlay: str | None, side: Side) -> Path | None:
    """The kustomization folder to render for `path`, or None for plain manifests."""
    if not path.is_dir():
        return None
    if (path / "kustomization.yaml").is_file():
        return path
    is_tree = (path / "base" / "kustomization.yaml").is_file() or (path / "overlays").is_dir()
    if overlay and is_tree:
        folder = path / "overlays" / overlay
        if not (folder / "kustomization.yaml").is_file():
            known = sorted(p.parent.name for p in (path / "overlays").glob("*/kustomization.yaml"))
            raise DiffError(f"no overlay '{overlay}' here", file=str(path),
                            hint=f"overlays in this tree: {', '.join(known) or 'none'}")
        side.overlay_used = True
        return folder
    return path / "base" if (path / "base" / "kustomization.yaml").is_file() else None


def _documents(file: Path) -> list[Any]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DiffError(f"cannot read it: {exc.strerror}", file=str(file), hint="check the path and permissions") from None
    return _parse(raw, str(file))


def _parse(text: str | bytes, name: str) -> list[Any]:
    """YAML documents through the guarded reader (YAML 1.2 scalars on both sides alike)."""
    try:
        return load_documents(text, name)
    except ComposeError as exc:
        raise DiffError(exc.message, file=exc.file or name, line=exc.line, key=exc.key, hint=exc.hint) from None


def _add(side: Side, docs: list[Any], source: str) -> None:
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        items = doc.get("items")
        if str(doc.get("kind", "")).endswith("List") and isinstance(items, list):
            _add(side, items, source)
            continue
        meta = doc.get("metadata")
        if not isinstance(meta, dict) or not doc.get("kind") or doc["kind"] in NOT_OBJECTS:
            continue
        if any(isinstance(ref, dict) and ref.get("controller") for ref in meta.get("ownerReferences") or ()):
            side.generated += 1
            continue
        key = (str(doc["kind"]), str(meta.get("namespace") or ""), str(meta.get("name") or meta.get("generateName") or ""))
        if key in side.objects:
            raise DiffError(f"{label(key)} appears twice", file=source,
                            hint="keep one copy of each object, or compare the folders separately")
        if len(side.objects) >= MAX_OBJECTS:
            raise DiffError(f"more than {MAX_OBJECTS:,} objects", file=source, hint="compare a smaller part of the tree")
        side.objects[key] = doc
