"""Both sides of a case: Kompose's golden output, and our conversion rendered per overlay with
`kubectl kustomize`; and the compose services as written (for the causes of facts)."""
from __future__ import annotations

import csv
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..reference import fixed_environment
from .cases import FIXTURES, Case
from .facts.normalise import normal_name
from .facts.view import View

OVERLAYS = ("dev", "staging", "prod")


def kompose_view(case: Case) -> View:
    """Kompose's golden output (YAML documents or a JSON List)."""
    text = (FIXTURES / case.golden).read_text()
    if case.golden.endswith(".json"):
        objects = json.loads(text).get("items") or []
    else:
        objects = [d for d in yaml.safe_load_all(text) if d]
    return View(objects, "io.kompose.service")


@cache
def absent_inputs() -> frozenset[str]:
    """Files _MANIFEST.tsv lists as copied that the corpus copy lacks (users.php, configs.tar)."""
    with (FIXTURES / "_MANIFEST.tsv").open(newline="") as handle:
        return frozenset(row["to_or_ref"] for row in csv.DictReader(handle, delimiter="\t")
                         if row["kind"] == "file" and not (FIXTURES / row["to_or_ref"]).exists())


def compose_paths(case: Case, scratch: Path) -> list[Path]:
    """The case's compose files; when the corpus copy lacks a file beside them that Kompose read,
    a copy of the folder in `scratch` with that file restored (its content is never compared:
    only that it is a file)."""
    folder = (FIXTURES / case.files[0]).parent
    relative = str(folder.relative_to(FIXTURES))
    missing = [p for p in absent_inputs() if p.startswith(relative + "/")]
    if not missing:
        return [FIXTURES / f for f in case.files]
    copy = scratch / folder.name
    shutil.copytree(folder, copy, copy_function=shutil.copyfile)
    for directory in (copy, *copy.rglob("*")):
        if directory.is_dir():
            directory.chmod(0o755)  # the corpus is read-only, and so is its copy
    for path in missing:
        target = copy / Path(path).relative_to(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{target.name}: restored for the comparison\n")
    return [copy / Path(f).relative_to(relative) for f in case.files]


def our_views(case: Case) -> dict[str, View] | str:
    """{overlay: View} of our conversion, or the refusal's message."""
    from compose2k8s.api import convert
    from compose2k8s.errors import Compose2K8sError
    from compose2k8s.options import ConvertOptions
    from compose2k8s.validate import render
    with tempfile.TemporaryDirectory(prefix="kompose-parity-") as scratch:
        try:
            result = convert(compose_paths(case, Path(scratch)), ConvertOptions(secrets="placeholder"),
                             environ=fixed_environment())
        except Compose2K8sError as exc:
            return f"refused: {str(exc).splitlines()[0]}"
        kind = yaml.safe_load(result.files.get("overlays/dev/kind-cluster.yaml", "{}")) or {}
        host_ports = {m["containerPort"]: m["hostPort"] for node in kind.get("nodes") or []
                      for m in node.get("extraPortMappings") or []}
        tree = result.write(Path(scratch) / "tree")
        return {overlay: View(render(tree / "overlays" / overlay), "app.kubernetes.io/name",
                              host_ports if overlay == "dev" else {})
                for overlay in OVERLAYS if (tree / "overlays" / overlay).is_dir()}


def compose_services(case: Case) -> dict[str, dict[str, Any]]:
    """{normalised service name: raw compose mapping merged over the case's files} (for causes)."""
    out: dict[str, dict[str, Any]] = {}
    for name in case.files:
        for service, raw in ((yaml.safe_load((FIXTURES / name).read_text()) or {}).get("services") or {}).items():
            out.setdefault(normal_name(service), {}).update(raw or {})
    return out
