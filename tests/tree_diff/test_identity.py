"""List items are paired by identity: order does not matter where Kubernetes ignores it, a
change is reported once under a readable path, and argv order still counts."""
from __future__ import annotations

import json
import random
from typing import Any

from compose2k8s import diff

from .conftest import index_paths, write_manifests

# Lists whose order means something: argv, and init containers (they run one after another).
ORDER_MATTERS = {"command", "args", "initContainers"}


def shuffled(value: Any, rng: random.Random, field: str = "") -> Any:
    """`value` with every mapping's keys, and every list whose order does not matter, shuffled."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: shuffled(value[k], rng, k) for k in keys}
    if isinstance(value, list):
        items = [shuffled(v, rng, field) for v in value]
        if field not in ORDER_MATTERS:
            rng.shuffle(items)
        return items
    return value


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def test_a_tree_with_every_list_shuffled_is_the_same(cptm8_dev, tmp_path, cli):
    rng = random.Random(19)
    lists = sum(1 for _ in _lists(cptm8_dev))
    mixed = [shuffled(o, rng) for o in cptm8_dev]
    rng.shuffle(mixed)
    assert mixed != cptm8_dev and lists > 100
    old = write_manifests(tmp_path / "old.yaml", cptm8_dev)
    new = write_manifests(tmp_path / "new.yaml", mixed)
    assert diff(old, new).same
    code, stdout, _ = cli("diff", old, new)
    assert (code, stdout.strip()) == (0, "no differences")


def _lists(value: Any):
    if isinstance(value, dict):
        for v in value.values():
            yield from _lists(v)
    elif isinstance(value, list):
        yield value
        for v in value:
            yield from _lists(v)


def test_one_changed_port_env_value_mount_path_and_image_are_exactly_those(cptm8_dev, tmp_path, cli):
    changed = json.loads(json.dumps(cptm8_dev))
    asmm8 = find(changed, "Deployment", "asmm8")["spec"]["template"]["spec"]["containers"][0]
    asmm8["ports"][0]["containerPort"] = 8001
    refresher = find(changed, "CronJob", "ecr-token-refresher")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    next(e for e in refresher["containers"][0]["env"] if e["name"] == "AWS_DEFAULT_REGION")["value"] = "eu-west-1"
    vector = find(changed, "Deployment", "vector")["spec"]["template"]["spec"]["containers"][0]
    next(m for m in vector["volumeMounts"] if m["mountPath"] == "/var/log/asmm8")["mountPath"] = "/logs/asmm8"
    find(changed, "StatefulSet", "postgresqlm8")["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:16.4"
    rng = random.Random(7)
    old = write_manifests(tmp_path / "old.yaml", cptm8_dev)
    new = write_manifests(tmp_path / "new.yaml", [shuffled(o, rng) for o in changed])

    report = diff(old, new)
    assert {name: [c.as_dict() for c in changes] for name, changes in report.changed.items()} == {
        "CronJob/cptm8-dev/ecr-token-refresher": [{
            "change": "changed", "old": "us-east-1", "new": "eu-west-1",
            "path": "spec.jobTemplate.spec.template.spec.containers[refresh-token].env[AWS_DEFAULT_REGION].value"}],
        "Deployment/cptm8-dev/asmm8": [{
            "change": "changed", "old": 8000, "new": 8001,
            "path": "spec.template.spec.containers[asmm8].ports[8000/TCP].containerPort"}],
        "Deployment/cptm8-dev/vector": [{
            "change": "changed", "old": "/var/log/asmm8", "new": "/logs/asmm8",
            "path": "spec.template.spec.containers[vector].volumeMounts[/var/log/asmm8].mountPath"}],
        "StatefulSet/cptm8-dev/postgresqlm8": [{
            "change": "changed", "old": "postgres:16-alpine", "new": "postgres:16.4",
            "path": "spec.template.spec.containers[postgresqlm8].image"}],
    }
    assert not report.added and not report.removed and not index_paths(report)
    code, stdout, _ = cli("diff", old, new, "--format", "json")
    assert code == 1 and json.loads(stdout)["changed"] == json.loads(report.to_json())["changed"]
    code, stdout, _ = cli("diff", old, new)
    assert "    spec.template.spec.containers[asmm8].ports[8000/TCP].containerPort: 8000 → 8001" in stdout


def test_argv_order_counts_and_init_container_order_is_reported_once(cptm8_dev, tmp_path):
    changed = json.loads(json.dumps(cptm8_dev))
    pod = find(changed, "Deployment", "asmm8")["spec"]["template"]["spec"]
    first, second = pod["initContainers"][:2]
    pod["initContainers"][:2] = [second, first]
    job = find(changed, "CronJob", "ecr-token-refresher")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    job["containers"][0]["command"][:2] = ["-c", "/bin/sh"]
    report = diff(write_manifests(tmp_path / "old.yaml", cptm8_dev), write_manifests(tmp_path / "new.yaml", changed))
    assert [(c.change, c.path) for c in report.changed["Deployment/cptm8-dev/asmm8"]] == [
        ("reordered", "spec.template.spec.initContainers")]
    assert report.changed["Deployment/cptm8-dev/asmm8"][0].new[:2] == [second["name"], first["name"]]
    (command,) = report.changed["CronJob/cptm8-dev/ecr-token-refresher"]
    assert command.path == "spec.jobTemplate.spec.template.spec.containers[refresh-token].command"
    assert command.old[:2] == ["/bin/sh", "-c"] and command.new[:2] == ["-c", "/bin/sh"]


def test_a_renamed_port_and_a_moved_item_are_told_apart(tmp_path):
    def service(ports: list[dict[str, Any]]) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
                "spec": {"selector": {"app": "db"}, "ports": ports}}
    old = write_manifests(tmp_path / "old.yaml", service([{"name": "pg", "port": 5432}, {"name": "m", "port": 9187}]))
    new = write_manifests(tmp_path / "new.yaml", service([{"name": "metrics", "port": 9187, "protocol": "TCP"},
                                                          {"name": "pg", "port": 5432, "protocol": "UDP"}]))
    lines = [c.line() for c in diff(old, new).changed["Service/db"]]
    assert lines == ["  spec.ports[5432/TCP].protocol: TCP (default) → UDP", "  spec.ports[9187/TCP].name: m → metrics"]


def _pod(env: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1", "env": env}], "volumes": volumes}}}}


def _claim(modes: list[str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"accessModes": modes, "resources": {"requests": {"storage": "1Gi"}}}}


def test_an_item_replaced_in_place_is_one_removal_and_one_addition(tmp_path):
    old = [_pod([], [{"name": "a", "emptyDir": {}}]), _claim(["ReadWriteOnce"])]
    new = [_pod([], [{"name": "b", "emptyDir": {}}]), _claim(["ReadWriteMany"])]
    report = diff(write_manifests(tmp_path / "old.yaml", old), write_manifests(tmp_path / "new.yaml", new))
    assert [(c.change, c.path) for c in report.changed["Deployment/web"]] == [
        ("removed", "spec.template.spec.volumes[a]"), ("added", "spec.template.spec.volumes[b]")]
    assert [c.line() for c in report.changed["PersistentVolumeClaim/data"]] == [
        "+ spec.accessModes[ReadWriteMany]", "- spec.accessModes[ReadWriteOnce]"]


def test_a_duplicate_counts_in_a_keyed_list_but_not_in_a_set(tmp_path):
    once, twice = [{"name": "A", "value": "1"}], [{"name": "A", "value": "1"}, {"name": "A", "value": "1"}]
    single = write_manifests(tmp_path / "single.yaml", [_pod(once, []), _claim(["ReadWriteOnce"])])
    double = write_manifests(tmp_path / "double.yaml", [_pod(twice, []), _claim(["ReadWriteOnce", "ReadWriteOnce"])])
    for old, new, change in ((single, double, "added"), (double, single, "removed")):
        report = diff(old, new)
        assert list(report.changed) == ["Deployment/web"]
        assert [(c.change, c.path) for c in report.changed["Deployment/web"]] == [
            (change, "spec.template.spec.containers[web].env[A#2]")]
