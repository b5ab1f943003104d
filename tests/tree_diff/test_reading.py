"""What `diff` reads: trees, overlays, manifest files and folders, `kind: List`, streams; and
what it refuses, with exit 2 and a message naming the file."""
from __future__ import annotations

import time

import pytest

from compose2k8s import diff
from compose2k8s.errors import DiffError

from ..test_bad_input import BOMB
from .conftest import CPTM8, write_manifests

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
              "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                  "metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}}}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}


def test_a_list_a_stream_and_a_folder_of_files_hold_the_same_objects(tmp_path):
    listed = write_manifests(tmp_path / "list.yaml", {"apiVersion": "v1", "kind": "List",
                                                      "items": [DEPLOYMENT, SERVICE]})
    stream = write_manifests(tmp_path / "stream.yaml", [SERVICE, None, DEPLOYMENT])
    folder = tmp_path / "folder"
    (folder / "apps").mkdir(parents=True)
    write_manifests(folder / "apps" / "deployment.yml", DEPLOYMENT)
    write_manifests(folder / "service.yaml", SERVICE)
    write_manifests(folder / "apps" / "kustomization.yaml", {"apiVersion": "kustomize.config.k8s.io/v1beta1",
                                                    "kind": "Kustomization", "resources": ["x.yaml"]})
    (folder / "notes.txt").write_text("not a manifest")
    for old, new in ((listed, stream), (stream, folder)):
        report = diff(old, new)
        assert report.same and report.paired == {"Deployment": 1, "Service": 1}


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path, cli):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    good = write_manifests(tmp_path / "good.yaml", SERVICE)
    started = time.perf_counter()
    code, _, stderr = cli("diff", good, bomb)
    assert time.perf_counter() - started < 2
    assert code == 2 and "bomb.yaml" in stderr and "alias" in stderr and "Traceback" not in stderr


def test_nesting_too_deep_and_invalid_yaml_name_file_and_line(tmp_path, cli):
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 300 + "]" * 300 + "\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Service\nmetadata:\n  name: [unclosed\n")
    for path, expected in ((deep, "nesting deeper than"), (broken, "broken.yaml:")):
        code, _, stderr = cli("diff", path, path)
        assert code == 2 and expected in stderr


def test_an_object_twice_in_one_side_is_refused(tmp_path):
    write_manifests(tmp_path / "a.yaml", SERVICE)
    write_manifests(tmp_path / "b.yaml", SERVICE)
    with pytest.raises(DiffError, match="Service/shop/web appears twice"):
        diff(tmp_path, tmp_path / "a.yaml")


def test_overlay_applies_to_trees_and_is_checked(tmp_path, cli):
    manifest = write_manifests(tmp_path / "web.yaml", SERVICE)
    code, _, stderr = cli("diff", CPTM8, CPTM8, "--overlay", "qa")
    assert code == 2 and "no overlay 'qa'" in stderr and "dev, prod, staging" in stderr
    code, _, stderr = cli("diff", manifest, manifest, "--overlay", "dev")
    assert code == 2 and "neither side is a tree" in stderr
    report = diff(CPTM8, manifest, overlay="prod")
    assert "Deployment/cptm8-prod/asmm8" in report.removed and report.added == ["Service/shop/web"]


def test_a_tree_without_overlay_compares_its_base(tmp_path):
    report = diff(CPTM8, CPTM8 / "base")
    assert report.same and report.paired["Deployment"] == 9
