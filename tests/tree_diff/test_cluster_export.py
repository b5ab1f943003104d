"""A tree compares cleanly with what a cluster hands back for it (`kubectl get … -o yaml`):
server metadata, status, the last-applied annotation, API defaults, assigned values and
generated objects are set aside; a real change in the cluster still shows."""
from __future__ import annotations

import pytest

from compose2k8s import diff
from compose2k8s.validate import render

from ..conftest import FIXTURES
from .cluster import cluster_export
from .conftest import CPTM8, write_manifests


def test_a_tree_against_a_cluster_export_of_itself_is_the_same(cptm8_dev, tmp_path, cli):
    live = cluster_export(cptm8_dev)
    assert len(live["items"]) > len(cptm8_dev)  # ReplicaSets of the Deployments are in it
    export = write_manifests(tmp_path / "live.yaml", live)
    for old, new in ((CPTM8, export), (export, CPTM8)):
        report = diff(old, new, overlay="dev")
        assert report.same, report.to_text()
    code, stdout, _ = cli("diff", CPTM8, export, "--overlay", "dev")
    assert code == 0 and stdout.splitlines() == [
        "no differences", "note: generated: 9 objects of NEW that a controller owns (ReplicaSets, Pods, Jobs of "
        "CronJobs) are set aside"]


@pytest.mark.parametrize(("case", "overlay"), [("networks-isolation", "prod"), ("workloads-kinds", "prod"),
                                               ("services-ports", "staging"), ("volumes-drivers", "staging")])
def test_other_trees_against_their_cluster_exports_are_the_same(case, overlay, tmp_path):
    tree = FIXTURES / "expected" / case
    live = cluster_export(render(tree / "overlays" / overlay))
    report = diff(tree, write_manifests(tmp_path / "live.yaml", live), overlay=overlay)
    assert report.same, report.to_text()
    assert len(report.paired) >= 4


def test_the_export_really_carries_the_noise(cptm8_dev):
    live = cluster_export(cptm8_dev)["items"]
    deployment = next(o for o in live if o["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert {"uid", "resourceVersion", "managedFields", "creationTimestamp"} <= deployment["metadata"].keys()
    assert "kubectl.kubernetes.io/last-applied-configuration" in deployment["metadata"]["annotations"]
    assert deployment["status"] and deployment["spec"]["progressDeadlineSeconds"] == 600
    assert container["terminationMessagePath"] == "/dev/termination-log" and container["imagePullPolicy"]
    service = next(o for o in live if o["kind"] == "Service" and o["spec"].get("clusterIP") != "None")
    assert service["spec"]["clusterIP"].startswith("10.96.") and service["spec"]["sessionAffinity"] == "None"


def test_a_change_made_in_the_cluster_still_shows(cptm8_dev, tmp_path):
    live = cluster_export(cptm8_dev)
    deployment = next(o for o in live["items"] if o["kind"] == "Deployment" and o["metadata"]["name"] == "asmm8")
    deployment["spec"]["replicas"] = 3
    deployment["spec"]["template"]["spec"]["dnsPolicy"] = "Default"
    report = diff(CPTM8, write_manifests(tmp_path / "live.yaml", live), overlay="dev")
    assert [(c.path, c.old, c.new) for c in report.changed["Deployment/cptm8-dev/asmm8"]] == [
        ("spec.replicas", 1, 3), ("spec.template.spec.dnsPolicy", "ClusterFirst", "Default")]


def test_a_value_the_server_assigned_is_compared_when_the_tree_sets_it(cptm8_dev, tmp_path):
    live = cluster_export(cptm8_dev)
    nodeport = next(o for o in live["items"] if o["metadata"]["name"] == "asmm8-nodeport")
    nodeport["spec"]["ports"][0]["nodePort"] = 31999  # the tree fixes 30082
    report = diff(CPTM8, write_manifests(tmp_path / "live.yaml", live), overlay="dev")
    assert [(c.path, c.old, c.new) for c in report.changed["Service/cptm8-dev/asmm8-nodeport"]] == [
        ("spec.ports[8000/TCP].nodePort", 30082, 31999)]
