"""depends_on → init containers; every wait names a Service of the tree and a port it serves."""
import re

import pytest

from ..golden import cases, convert_case, convert_text
from ..trees import find, names, objects, pod

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}


def test_every_condition_has_its_wait():
    result = convert_case("depends_on-conditions")
    inits = {c["name"]: c for c in pod(find(result.files, "Deployment", "app"))["initContainers"]}
    assert set(inits) == {"wait-for-db", "wait-for-cache", "wait-for-search", "wait-for-broker", "wait-for-api",
                          "wait-for-migrate", "wait-for-optional-mail"}
    assert "starting without it (optional)" in inits["wait-for-optional-mail"]["command"][2]
    assert "pg_isready -h db -p 5432" in inits["wait-for-db"]["command"][2]
    assert "redis-cli -h cache -p 6379 ping" in inits["wait-for-cache"]["command"][2]
    assert "curl -s http://search:9200/_cluster/health | grep -q" in inits["wait-for-search"]["command"][2]
    assert "nc -z -w 2 broker 5672" in inits["wait-for-broker"]["command"][2]
    assert inits["wait-for-migrate"]["command"][:4] == ["kubectl", "wait", "--for=condition=complete", "job/migrate"]
    for container in inits.values():
        assert not container["image"].endswith(":latest") and ":" in container["image"]


def test_job_wait_has_least_privilege_rbac():
    files = convert_case("depends_on-conditions").files
    spec = pod(find(files, "Deployment", "app"))
    role = find(files, "Role", spec["serviceAccountName"])
    assert role["rules"] == [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "list", "watch"],
                              "resourceNames": ["migrate"]}]
    binding = find(files, "RoleBinding", spec["serviceAccountName"])
    assert binding["subjects"][0]["name"] == spec["serviceAccountName"]


def test_waiting_for_two_jobs_uses_one_account_that_reads_both(tmp_path):
    files = convert_text(
        tmp_path,
        "services:\n"
        "  migrate: {image: m:1, restart: \"no\"}\n"
        "  seed: {image: s:1, restart: \"no\"}\n"
        "  app:\n    image: a:1\n    depends_on:\n"
        "      migrate: {condition: service_completed_successfully}\n"
        "      seed: {condition: service_completed_successfully}\n").files
    spec = pod(find(files, "Deployment", "app"))
    assert [c["command"][3] for c in spec["initContainers"]] == ["job/migrate", "job/seed"]
    assert [o["metadata"]["name"] for o in objects(files) if o["kind"] in ("Role", "ServiceAccount")] \
        == [spec["serviceAccountName"]] * 2
    assert find(files, "Role", spec["serviceAccountName"])["rules"][0]["resourceNames"] == ["migrate", "seed"]


def test_dependencies_get_readiness_probes():
    files = convert_case("depends_on-conditions").files
    assert pod(find(files, "Deployment", "api"))["containers"][0]["readinessProbe"]["tcpSocket"]["port"] == 8080


@pytest.mark.parametrize("case", cases())
def test_every_wait_names_an_existing_service_and_served_port(case):
    files = convert_case(case).files
    services = {o["metadata"]["name"]: {p["port"] for p in o["spec"].get("ports", [])}
                for o in objects(files) if o["kind"] == "Service"}
    jobs = names(files, "Job")
    for obj in objects(files):
        if obj["kind"] not in WORKLOAD_KINDS:
            continue
        for init in pod(obj).get("initContainers", []):
            if not init["name"].startswith("wait-for-"):
                continue
            text = " ".join(init["command"])
            job = re.search(r"job/([a-z0-9-]+)", text)
            if job:
                assert job.group(1) in jobs
                continue
            resolves = re.search(r"nc -z -w 2 (\S+) 1 2>&1 \| grep -q 'bad address'", text)
            if resolves:  # no known port: a headless Service without ports
                assert services.get(resolves.group(1)) == set(), f"{init['name']}: {resolves.group(1)} has ports"
                continue
            target = re.search(r"nc -z -w 2 (\S+) (\d+)", text) or re.search(r"https?://([^:/\s]+):(\d+)", text) \
                or re.search(r"(?:-h|--host) (\S+) (?:-p|-P|--port) (\d+)", text)
            assert target, f"{obj['metadata']['name']}/{init['name']}: cannot read the wait target in {text!r}"
            host, port = target.group(1), int(target.group(2))
            assert host in services, f"{init['name']} waits for {host}, which is not a Service of the tree"
            assert port in services[host], f"{init['name']} waits for {host}:{port}, a port it does not serve"
