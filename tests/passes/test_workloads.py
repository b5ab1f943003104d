"""Workload kind per service."""
from ..golden import convert_case
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
