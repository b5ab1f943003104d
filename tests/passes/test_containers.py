"""Container and pod fields."""
from ..golden import convert_case
from ..trees import find, pod


def test_commands_user_security_and_resources():
    result = convert_case("containers-security")
    spec = pod(find(result.files, "Deployment", "app"))
    c = spec["containers"][0]
    assert c["command"] == ["/bin/sh", "-c"]
    assert c["args"] == ["echo $$(date) $HOME && exec app --port 8000"]  # $( escaped for Kubernetes
    assert c["securityContext"]["runAsUser"] == 1000 and c["securityContext"]["readOnlyRootFilesystem"]
    assert c["securityContext"]["capabilities"] == {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["resources"] == {"limits": {"cpu": "1500m", "memory": "1Gi"}, "requests": {"memory": "256Mi"}}
    assert spec["terminationGracePeriodSeconds"] == 90
    assert {"ip": "10.0.0.6", "hostnames": ["cache.local"]} in spec["hostAliases"]
    assert spec["securityContext"]["sysctls"] == [{"name": "net.ipv4.tcp_syncookies", "value": "1"}]
    shm = next(v for v in spec["volumes"] if v["name"] == "dshm")
    assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": "256Mi"}
    codes = {(d.service, d.code) for d in result.diagnostics}
    assert {("app", "unsafe-sysctl"), ("app", "ulimits"), ("app", "security-opt"), ("named-user", "user-name")} <= codes


def test_deploy_resources_units_and_replicas():
    obj = find(convert_case("containers-security").files, "Deployment", "named-user")
    assert obj["spec"]["replicas"] == 3
    assert pod(obj)["containers"][0]["resources"] == {"limits": {"cpu": "250m", "memory": "128Mi"},
                                                     "requests": {"memory": "64Mi"}}
