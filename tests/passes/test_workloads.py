"""Workload kind per service."""
import pytest

from ..golden import convert_case, convert_text
from ..trees import find, names


def test_each_kind_is_chosen_for_its_reason():
    result = convert_case("workloads-kinds")
    files = result.files
    assert names(files, "Deployment") == {"web", "cache"}
    assert names(files, "StatefulSet") == {"db", "queue-worker"}
    assert names(files, "Job") == {"migrate"}
    assert names(files, "CronJob") == {"backup"}
    assert names(files, "DaemonSet") == {"node-agent"}
    assert find(files, "CronJob", "backup")["spec"]["schedule"] == "0 3 * * *"
    assert find(files, "Job", "migrate")["spec"]["backoffLimit"] == 0
    assert find(files, "CronJob", "backup")["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 2
    reasons = {d.service: d.message for d in result.diagnostics if d.code == "workload-kind"}
    assert "one-shot" in reasons["migrate"] and "global" in reasons["node-agent"]
    assert "its own state" in reasons["queue-worker"]


def test_statefulset_gets_claim_templates_and_no_loose_claim():
    files = convert_case("workloads-kinds").files
    db = find(files, "StatefulSet", "db")
    assert db["spec"]["serviceName"] == "db-headless"
    assert [t["metadata"]["name"] for t in db["spec"]["volumeClaimTemplates"]] == ["dbdata"]
    assert db["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "5Gi"
    assert "dbdata" not in names(files, "PersistentVolumeClaim")


ONE_SHOT_STACK = """services:
  db: {image: postgres:16}
  migrate:                      # hoppscotch: runs once after the database is healthy
    image: example/backend:1.0
    command: sh -c "pnpm exec prisma migrate deploy"
    depends_on: {db: {condition: service_started}}
  manage: {image: taigaio/taiga-back:latest, entrypoint: "python manage.py"}   # a `docker compose run` helper
  web:                          # migrates, then serves: a daemon
    image: example/web:1.0
    command: sh -c "./manage.py migrate && gunicorn app:app"
  worker: {image: example/worker:1.0, command: ["celery", "-A", "app", "worker"]}
  api:                          # its command says migrate, but peers connect to it: a server
    image: example/api:1.0
    command: ["app", "migrate-then-serve"]
  client: {image: busybox, environment: {API: "http://api:8000"}}
  always: {image: example/backend:1.0, command: ["npm", "run", "migrate"], restart: always}
"""


@pytest.fixture(scope="module")
def one_shots(tmp_path_factory):
    return convert_text(tmp_path_factory.mktemp("one-shots"), ONE_SHOT_STACK).plan.workloads


@pytest.mark.parametrize("service, kind", [("migrate", "Job"), ("manage", "Job"), ("web", "Deployment"),
                                           ("worker", "Deployment"), ("api", "Deployment"),
                                           ("always", "Deployment")])
def test_a_one_shot_command_without_restart_runs_once(one_shots, service, kind):
    assert one_shots[service].kind == kind
    if kind == "Job":  # Compose's default restart: no, so the pod is never restarted after success
        assert one_shots[service].job == {"restartPolicy": "Never", "backoffLimit": 0}
