"""Kompose's own golden outputs against our conversions of the same compose files: every
change under an identity path, the label scheme said once."""
from __future__ import annotations

import os
from pathlib import Path

from compose2k8s import convert, diff
from compose2k8s.errors import Compose2K8sError
from compose2k8s.options import ConvertOptions

from ..conftest import CORPUS, needs_shared
from .conftest import index_paths

KOMPOSE = CORPUS / "kompose-fixtures"
SCHEME = "labels: Kompose's io.kompose.service → app.kubernetes.io/"


def kompose_cases() -> list[tuple[list[Path], Path]]:
    """(compose files, Kompose's expected Kubernetes output) from the fixtures' harness."""
    table = KOMPOSE / "_harness" / "cases.tsv"
    if not table.is_file():
        return []
    cases = []
    for row in table.read_text().splitlines()[1:]:
        _, _, provider, files, _, expected = row.split("\t")
        composes = [KOMPOSE / name.split(" (")[0] for name in files.split(",")]
        if provider == "kubernetes" and (KOMPOSE / expected).is_file() and all(c.is_file() for c in composes):
            cases.append((composes, KOMPOSE / expected))
    return cases


def ours(composes: list[Path], folder: Path) -> Path | None:
    """Our base objects for those compose files, as one manifest file (None when refused)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({"PATH": saved.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"})
    try:
        result = convert(composes, ConvertOptions(secrets="placeholder"))
    except Compose2K8sError:
        return None
    finally:
        os.environ.clear()
        os.environ.update(saved)
    out = folder / "ours.yaml"
    out.write_text("".join(f"---\n{text}" for path, text in result.files.items()
                           if path.startswith("base/") and not path.endswith("kustomization.yaml")))
    return out


@needs_shared
def test_kompose_outputs_against_ours_use_identity_paths_and_say_the_label_scheme_once(tmp_path):
    cases = kompose_cases()
    assert len(cases) >= 30
    compared = 0
    for composes, expected in cases:
        folder = tmp_path / f"case{compared}"
        folder.mkdir()
        mine = ours(composes, folder)
        if mine is None:
            continue
        report = diff(expected, mine)
        text = report.to_text()
        assert not index_paths(report), (expected, index_paths(report))
        assert "io.kompose.service" not in "\n".join(c.path for cs in report.changed.values() for c in cs), expected
        if report.changed:
            assert text.count(SCHEME) == 1, (expected, text)
        compared += 1
    assert compared >= 30


@needs_shared
def test_the_issue_example_reads_as_mounts_and_ports_matched_by_identity(tmp_path):
    (composes, expected), = [c for c in kompose_cases() if c[1].name == "output-k8s-1.yaml"
                             and c[1].parent.name == "configmap-file-configs"]
    report = diff(expected, ours(composes, tmp_path))
    lines = [c.line() for c in report.changed["Deployment/busy"]]
    assert "  spec.template.spec.containers[busy].volumeMounts[/certs].name: busy-cm0 → busy-certs-writable" in lines
    assert "+ spec.template.spec.containers[busy].ports[8025/TCP].name: p8025" in lines
    assert not any("volumeMounts[/certs].mountPath" in line for line in lines)


def test_kompose_annotations_are_noted_not_listed(tmp_path):
    kompose = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {kompose.cmd: kompose convert, kompose.version: 1.34.0}
  labels: {io.kompose.service: web}
spec:
  selector: {matchLabels: {io.kompose.service: web}}
  template:
    metadata: {labels: {io.kompose.service: web, io.kompose.network/front: "true"}}
    spec: {containers: [{name: web, image: nginx}]}
"""
    mine = kompose.replace("  annotations: {kompose.cmd: kompose convert, kompose.version: 1.34.0}\n", "") \
        .replace("io.kompose.service: web, io.kompose.network/front: \"true\"", "app: web, tier: front") \
        .replace("io.kompose.service: web", "app: web")
    (tmp_path / "kompose.yaml").write_text(kompose)
    (tmp_path / "ours.yaml").write_text(mine)
    report = diff(tmp_path / "kompose.yaml", tmp_path / "ours.yaml")
    assert report.notes == [
        "labels: Kompose's io.kompose.service → app, in labels and selectors alike; keys of either scheme "
        "(io.kompose.*) that only one side has are not listed per object",
        "annotations: Kompose's kompose.cmd, kompose.version are not compared"]
    assert [(c.change, c.path) for c in report.changed["Deployment/web"]] == [
        ("added", "spec.template.metadata.labels.tier")]
