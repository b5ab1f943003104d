"""Which workloads must not run more replicas than Compose ran, and why (analysis/scaling.py)."""
import pytest

from compose2k8s.analysis.scaling import rwo_claims, single_reason

from ..golden import convert_text

STACK = """services:
  db: {image: postgres:16}
  files: {image: example/files:1.0, volumes: ["./uploads:/srv/uploads"]}
  edge: {image: example/edge:1.0, network_mode: host}
  proxy: {image: example/proxy:1.0, ports: ["8443:8443"], labels: {kompose.controller.port.expose: "true"}}
  traces: {image: jaegertracing/all-in-one:1.57}
  beat: {image: example/app:1.0, command: ["celery", "-A", "app", "beat"]}
  app-backup: {image: example/app:1.0, command: ["app-backup"]}
  web: {image: example/app:1.0, ports: ["8000:8000"], command: ["gunicorn", "app:app"]}
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scaling")
    (folder / "uploads").mkdir()
    (folder / "uploads" / "a.db").write_bytes(b"SQLite format 3\x00")
    return convert_text(folder, STACK).plan


@pytest.mark.parametrize("service, reason", [
    ("db", "image postgres keeps state"),
    ("files", "it mounts ReadWriteOnce claim"),
    ("edge", "it uses the node's network"),
    ("proxy", "it binds ports of the node"),
    ("traces", "all-in-one keeps what it shows in memory"),
    ("beat", "it runs a scheduler"),
    ("app-backup", "it runs a scheduler"),  # a backup loop: two would dump into one volume at once
    ("web", ""),
])
def test_each_reason_to_stay_single(plan, service, reason):
    found = single_reason(plan, plan.workloads[service], rwo_claims(plan))
    assert found.startswith(reason) and bool(found) == bool(reason), found


def test_claim_templates_are_one_per_pod_so_they_do_not_count(plan):
    assert "db" not in rwo_claims(plan) and list(rwo_claims(plan)) == ["files"]
