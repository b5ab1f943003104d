"""pre_start → init containers after the dependency waits, as Compose runs its steps."""
from ..golden import convert_case, convert_text
from ..trees import find, pod


def _inits(kind: str, name: str) -> dict[str, dict]:
    return {c["name"]: c for c in pod(find(convert_case("pre_start-steps").files, kind, name))["initContainers"]}


def test_steps_run_in_order_after_the_waits():
    spec = pod(find(convert_case("pre_start-steps").files, "StatefulSet", "app"))
    assert [c["name"] for c in spec["initContainers"]] == ["wait-for-db", "pre-start-1", "pre-start-2"]


def test_a_step_in_the_service_image_runs_as_the_service_would():
    step = _inits("StatefulSet", "app")["pre-start-1"]
    assert step["image"] == "example/app:3.2"
    assert step["command"] == ["/srv/app/entrypoint.sh"] and step["args"] == ["./manage.py", "migrate", "--noinput"]
    assert step["workingDir"] == "/srv/app"
    assert step["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000}
    assert step["envFrom"] == [{"configMapRef": {"name": "app-env"}}]
    assert step["volumeMounts"] == [{"name": "uploads", "mountPath": "/srv/app/uploads"}]
    env = {e["name"]: e for e in step["env"]}
    assert env["LOG_LEVEL"] == {"name": "LOG_LEVEL", "value": "debug"}  # env wins over the service's envFrom
    assert env["MIGRATION_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "app-pre-start-1-env",
                                                                   "key": "MIGRATION_TOKEN"}


def test_a_step_with_its_own_image_keeps_its_command_user_and_dollars():
    step = _inits("StatefulSet", "app")["pre-start-2"]
    assert step["image"] == "busybox:1.36.1" and "command" not in step
    assert step["args"][2].endswith("echo $$(date) > /srv/app/uploads/.ready")  # not expanded by Kubernetes
    assert step["securityContext"] == {"runAsUser": 0}
    assert step["volumeMounts"] == [{"name": "uploads", "mountPath": "/srv/app/uploads"}]


def test_a_step_meant_to_run_once_is_reported_unless_the_workload_is_one_shot():
    result = convert_case("pre_start-steps")
    found = [(d.service, d.message) for d in result.diagnostics if d.code == "pre-start-per-pod"]
    assert len(found) == 1 and found[0][0] == "app" and found[0][1].startswith("pre_start step 1 runs in every pod")
    assert [c["name"] for c in pod(find(result.files, "Job", "report"))["initContainers"]] == ["pre-start-1"]


def test_a_step_secret_never_reaches_the_tree_in_plain_text():
    files = convert_case("pre_start-steps").files
    assert not any("s3cr3t-token-value" in text for text in files.values())


def test_step_environment_renames_peers_as_the_service_environment_does(tmp_path):
    result = convert_text(tmp_path, """
services:
  db: {image: postgres:16, expose: ["5432"]}
  app:
    image: a:1
    expose: ["8000"]
    pre_start:
      - environment: {DB_HOST: db, SELF_URL: "http://app:8000/"}
""", service_names={"db": {"client": "db-service"}, "app": {"client": "app-service"}})
    step = pod(find(result.files, "Deployment", "app"))["initContainers"][-1]
    env = {e["name"]: e["value"] for e in step["env"]}
    assert env == {"DB_HOST": "db-service", "SELF_URL": "http://app:8000/"}  # its own name is not a peer
