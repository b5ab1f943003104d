"""Options an audit needs (--ignore, --ignore-labels, --ignore-annotations, JSON), values
compared as Kubernetes means them, secrets never shown, output bounded."""
from __future__ import annotations

import base64
import copy
import json

import pytest

from compose2k8s import diff
from compose2k8s.tables.diff import diff_identity, diff_noise
from compose2k8s.tree_diff.patterns import PathTable, expand

from .conftest import write_manifests

WEB = {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "web", "labels": {"app": "web", "environment": "dev"}, "annotations": {"team": "a"}},
       "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {
           "metadata": {"labels": {"app": "web"}},
           "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                    "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}}}


def pair(tmp_path, old, new):
    return write_manifests(tmp_path / "old.yaml", old), write_manifests(tmp_path / "new.yaml", new)


def test_ignore_leaves_out_objects_and_fields(tmp_path, cli):
    new = copy.deepcopy(WEB)
    new["spec"]["replicas"] = 3
    new["metadata"]["labels"]["environment"] = "prod"
    new["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "2"
    old_file, new_file = pair(tmp_path, [WEB], [new])
    assert len(diff(old_file, new_file).changed["Deployment/web"]) == 3
    report = diff(old_file, new_file, ignore=["Deployment:spec.replicas", "*:metadata.labels.environment"])
    assert [c.path for c in report.changed["Deployment/web"]] == [
        "spec.template.spec.containers[web].resources.limits.cpu"]
    assert diff(old_file, new_file, ignore=["*/web:spec.template.spec.containers[*].resources", "Deployment/w?b:spec",
                                            "*:metadata"]).same
    assert diff(old_file, new_file, ignore=["Deployment/*"]).same
    code, _, stderr = cli("diff", old_file, new_file, "--ignore", "Deployment:")
    assert code == 2 and "OBJECTS:FIELD" in stderr


def test_ignore_labels_and_annotations(tmp_path, cli):
    new = copy.deepcopy(WEB)
    new["metadata"]["labels"] = {"app": "web", "tier": "front"}
    new["metadata"]["annotations"] = {}
    old_file, new_file = pair(tmp_path, [WEB], [new])
    assert {c.path for c in diff(old_file, new_file).changed["Deployment/web"]} == {
        "metadata.labels.environment", "metadata.labels.tier", "metadata.annotations.team"}
    assert {c.path for c in diff(old_file, new_file, ignore_labels=True).changed["Deployment/web"]} == {
        "metadata.annotations.team"}
    code, stdout, _ = cli("diff", old_file, new_file, "--ignore-labels", "--ignore-annotations")
    assert (code, stdout.strip()) == (0, "no differences")


def test_json_has_the_summary_and_the_same_identity_paths(tmp_path, cli):
    new = copy.deepcopy(WEB)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    old_file, new_file = pair(tmp_path, [WEB], [new, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}])
    code, stdout, _ = cli("diff", old_file, new_file, "--format", "json")
    data = json.loads(stdout)
    assert code == 1 and data["same"] is False and data["added"] == ["ConfigMap/c"]
    assert data["summary"] == {"ConfigMap": {"paired": 0, "changed": 0, "removed": 0, "added": 1},
                               "Deployment": {"paired": 1, "changed": 1, "removed": 0, "added": 0}}
    assert data["changed"] == {"Deployment/web": [{"change": "changed", "path": "spec.template.spec.containers[web].image",
                                                   "old": "nginx:1.27", "new": "nginx:1.28"}]}
    _, text, _ = cli("diff", old_file, new_file)
    assert "    spec.template.spec.containers[web].image: nginx:1.27 → nginx:1.28" in text


def test_quantities_compare_by_value_and_sets_by_members(tmp_path):
    new = copy.deepcopy(WEB)
    new["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = {"cpu": "1000m", "memory": "1024Mi"}
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
             "spec": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany"], "resources": {"requests": {"storage": "1Gi"}}}}
    bigger = copy.deepcopy(claim)
    bigger["spec"]["accessModes"].reverse()
    bigger["spec"]["resources"]["requests"]["storage"] = "2Gi"
    report = diff(*pair(tmp_path, [WEB, claim], [new, bigger]))
    assert "Deployment/web" not in report.changed
    assert [(c.path, c.old, c.new) for c in report.changed["PersistentVolumeClaim/data"]] == [
        ("spec.resources.requests.storage", "1Gi", "2Gi")]


def test_secret_values_never_appear(tmp_path, cli):
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
              "data": {"password": base64.b64encode(b"hunter2-old").decode()}}
    rotated = copy.deepcopy(secret)
    rotated["data"] = {"password": base64.b64encode(b"hunter2-new").decode(),
                       "token": base64.b64encode(b"tok-added").decode()}
    web = copy.deepcopy(WEB)
    web["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "DB_PASSWORD", "value": "plain-old"}]
    web_new = copy.deepcopy(web)
    web_new["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "DB_PASSWORD", "value": "plain-new"}, {"name": "API_TOKEN", "value": "tok-env"}]
    old_file, new_file = pair(tmp_path, [secret, web], [rotated, web_new])
    for fmt in ("text", "json"):
        code, stdout, _ = cli("diff", old_file, new_file, "--format", fmt)
        assert code == 1
        for leaked in ("hunter2", "aHVudGVyMi", "tok-added", "dG9rLWFkZGVk", "plain-old", "plain-new", "tok-env"):
            assert leaked not in stdout, (fmt, leaked)
    _, text, _ = cli("diff", old_file, new_file)
    assert "    data.password: changed (secret, not shown)" in text
    assert "+ data.token: (secret, not shown)" in text
    assert "+ spec.template.spec.containers[web].env[API_TOKEN]: {name: API_TOKEN, value: (secret, not shown)}" in text


def test_text_is_bounded_and_json_has_every_change(tmp_path, cli):
    many = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
            "data": {f"K{i:03d}": "x" for i in range(100)}}
    changed = copy.deepcopy(many)
    changed["data"] = {k: "y" * 5000 for k in many["data"]}
    old_file, new_file = pair(tmp_path, [many], [changed])
    _, text, _ = cli("diff", old_file, new_file)
    assert "… 75 more changes (--format json lists them all)" in text
    assert len(text) < 10_000 and max(map(len, text.splitlines())) < 200
    _, out, _ = cli("diff", old_file, new_file, "--format", "json")
    changes = json.loads(out)["changed"]["ConfigMap/big"]
    assert len(changes) == 100 and all(len(c["new"]) < 2_100 for c in changes)


def test_a_field_the_server_assigns_is_compared_between_two_trees(tmp_path):
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
               "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}}
    plain = copy.deepcopy(service)
    del plain["spec"]["clusterIP"]
    report = diff(*pair(tmp_path, [service], [plain]))
    assert [(c.change, c.path) for c in report.changed["Service/db"]] == [("removed", "spec.clusterIP")]


def test_the_diff_tables_load_and_every_pattern_parses():
    lists, noise = diff_identity().lists, diff_noise()
    for table in (lists, noise.defaults, noise.computed, noise.server_set, noise.assigned, noise.quantities):
        patterns = table if not isinstance(table, dict) else list(table)
        assert patterns and all(p.count("{") == p.count("}") and "{" not in "".join(expand(p)) for p in patterns)
        PathTable(table)
    assert all(rule.key or rule.order == "any" for rule in lists.values())


# The Kubernetes API's list-map keys (x-kubernetes-list-map-keys) for the lists the identity table names.
API_KEYS = {
    ("Deployment", "spec.template.spec.containers"): ("io.k8s.api.core.v1.PodSpec", "containers"),
    ("Deployment", "spec.template.spec.initContainers"): ("io.k8s.api.core.v1.PodSpec", "initContainers"),
    ("Pod", "spec.ephemeralContainers"): ("io.k8s.api.core.v1.PodSpec", "ephemeralContainers"),
    ("Deployment", "spec.template.spec.volumes"): ("io.k8s.api.core.v1.PodSpec", "volumes"),
    ("Deployment", "spec.template.spec.imagePullSecrets"): ("io.k8s.api.core.v1.PodSpec", "imagePullSecrets"),
    ("Deployment", "spec.template.spec.hostAliases"): ("io.k8s.api.core.v1.PodSpec", "hostAliases"),
    ("Deployment", "spec.template.spec.topologySpreadConstraints"): ("io.k8s.api.core.v1.PodSpec",
                                                                     "topologySpreadConstraints"),
    ("Deployment", "spec.template.spec.schedulingGates"): ("io.k8s.api.core.v1.PodSpec", "schedulingGates"),
    ("Deployment", "spec.template.spec.resourceClaims"): ("io.k8s.api.core.v1.PodSpec", "resourceClaims"),
    ("CronJob", "spec.jobTemplate.spec.template.spec.containers.env"): ("io.k8s.api.core.v1.Container", "env"),
    ("StatefulSet", "spec.template.spec.containers.ports"): ("io.k8s.api.core.v1.Container", "ports"),
    ("Deployment", "spec.template.spec.initContainers.volumeMounts"): ("io.k8s.api.core.v1.Container", "volumeMounts"),
    ("Deployment", "spec.template.spec.containers.volumeDevices"): ("io.k8s.api.core.v1.Container", "volumeDevices"),
    ("Deployment", "spec.template.spec.containers.resources.claims"): ("io.k8s.api.core.v1.ResourceRequirements",
                                                                       "claims"),
    ("Service", "spec.ports"): ("io.k8s.api.core.v1.ServiceSpec", "ports"),
    ("ServiceAccount", "secrets"): ("io.k8s.api.core.v1.ServiceAccount", "secrets"),
}


@pytest.mark.parametrize(("kind", "path"), sorted(API_KEYS))
def test_identity_keys_are_the_kubernetes_api_merge_keys(kind, path):
    from kubernetes_validate import utils
    definitions = utils.schema_contents("kubernetes-json-schema/v1.30.0-local-strict/_definitions.json", "1.30")
    definition, field = API_KEYS[(kind, path)]
    schema = definitions["$defs"][definition]["properties"][field]
    rule = PathTable(diff_identity().lists).first(kind, tuple(path.split(".")))
    assert rule is not None and list(rule.key) == schema["x-kubernetes-list-map-keys"]
