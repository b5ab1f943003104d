"""The safe-shapes example (issue 14), line by line, on the rendered dev, staging and prod
overlays: kinds, state never split, exposure as Compose meant, probes as patient as Docker."""
from __future__ import annotations

import pytest

from tools.realworld import render_tree

from .golden import convert_text
from .trees import pod

EXAMPLE = """
services:
  maria: {image: mariadb:11, restart: on-failure}
  db:    {image: postgres:16, volumes: ["./pgdata:/var/lib/postgresql/data"]}
  cache: {image: redis:7}
  app:   {image: nginx, ports: ["8000:80"], volumes: [appdata:/data]}
  admin: {image: adminer, ports: ["127.0.0.1:8081:8080"]}
  web:   {image: nginx, ports: ["9000:9000", "9001:9001", "8080:8080"]}
  ch:
    image: clickhouse/clickhouse-server
    healthcheck: {test: "wget --spider -q http://localhost:8123/ping || exit 1", interval: 5s, retries: 10,
                  start_period: 1s}
volumes: {appdata: {}}
"""
OVERLAYS = ("dev", "staging", "prod")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example")
    result = convert_text(folder, EXAMPLE)
    report = render_tree(result)
    return result, {name: report.rendered[f"overlays/{name}"] for name in OVERLAYS}


def _get(objects, kind, name):
    return next((o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name), None)


def _outside(objects, service):
    """{published port reachable from outside: how} for one compose service's pods."""
    found = {}
    for obj in objects:
        if obj["kind"] == "Service" and obj["spec"].get("type") in ("NodePort", "LoadBalancer") \
                and obj["spec"]["selector"].get("app.kubernetes.io/name") == service:
            found.update({p["port"]: obj["spec"]["type"] for p in obj["spec"]["ports"]})
        if obj["kind"] == "Ingress":
            for rule in obj["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    backend = path["backend"]["service"]
                    if backend["name"] == service:
                        found[backend["port"]["number"]] = f"Ingress {rule['host']}"
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_maria_with_on_failure_is_a_database_with_a_service(rendered, overlay):
    result, trees = rendered
    maria = _get(trees[overlay], "StatefulSet", "maria")
    assert maria is not None and _get(trees[overlay], "Job", "maria") is None
    assert pod(maria).get("restartPolicy", "Always") == "Always"
    assert [p["port"] for p in _get(trees[overlay], "Service", "maria")["spec"]["ports"]] == [3306]
    assert any(d.code == "restart-daemon" and d.service == "maria" for d in result.diagnostics)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_databases_and_caches_never_run_more_copies_than_compose(rendered, overlay):
    _, trees = rendered
    for name in ("db", "cache", "maria", "ch"):
        sts = _get(trees[overlay], "StatefulSet", name)
        assert sts["spec"].get("replicas", 1) == 1, (overlay, name)
        assert sts["spec"]["volumeClaimTemplates"], (overlay, name)  # its data on its own claim
    assert not any(o["kind"] == "PersistentVolumeClaim" and o["metadata"]["name"].startswith("db")
                   for o in trees[overlay])  # the bind folder is the StatefulSet's template, not a shared claim


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_web_app_with_a_data_volume_is_exposed_like_any_app(rendered, overlay):
    _, trees = rendered
    assert _get(trees[overlay], "StatefulSet", "app")["spec"].get("replicas", 1) == 1
    reach = _outside(trees[overlay], "app")
    if overlay == "dev":
        assert reach == {80: "NodePort"}
    else:
        assert list(reach) == [80] and reach[80].startswith("Ingress app.")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_loopback_only_admin_is_never_reachable_from_outside(rendered, overlay):
    _, trees = rendered
    assert _outside(trees[overlay], "admin") == {}
    assert _get(trees[overlay], "Service", "admin")["spec"].get("type", "ClusterIP") == "ClusterIP"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_published_port_of_web_is_reachable_and_the_ingress_serves_http_ports(rendered, overlay):
    _, trees = rendered
    reach = _outside(trees[overlay], "web")
    assert set(reach) == {8080, 9000, 9001}, reach
    if overlay != "dev":
        ingress_ports = {p for p, how in reach.items() if how.startswith("Ingress")}
        assert 8080 in ingress_ports and len({how for how in reach.values()}) == 3  # one host per HTTP port


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_clickhouse_probes_are_as_patient_as_docker(rendered, overlay):
    _, trees = rendered
    container = pod(_get(trees[overlay], "StatefulSet", "ch"))["containers"][0]
    startup, liveness = container["startupProbe"], container["livenessProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 1 + 5 * 10
    assert liveness["periodSeconds"] == 5 and liveness["periodSeconds"] * liveness["failureThreshold"] >= 5 * 10
    assert container["readinessProbe"]["periodSeconds"] == 5
