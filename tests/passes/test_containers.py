"""Container and pod fields."""
from ..golden import convert_case, convert_text
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
    assert {("app", "unsafe-sysctl"), ("app", "ulimits"), ("named-user", "user-name")} <= codes
    assert c["securityContext"]["appArmorProfile"] == {"type": "Unconfined"}  # security_opt apparmor:unconfined


def test_deploy_resources_units_and_replicas():
    obj = find(convert_case("containers-security").files, "Deployment", "named-user")
    assert obj["spec"]["replicas"] == 3
    assert pod(obj)["containers"][0]["resources"] == {"limits": {"cpu": "250m", "memory": "128Mi"},
                                                     "requests": {"memory": "64Mi"}}


def test_userns_mode_host_is_the_default_and_other_modes_get_a_user_namespace(tmp_path):
    result = convert_text(tmp_path, "services:\n  a: {image: x, userns_mode: host}\n  b: {image: y, userns_mode: auto}\n")
    assert "hostUsers" not in pod(find(result.files, "Deployment", "a"))
    assert pod(find(result.files, "Deployment", "b"))["hostUsers"] is False
    assert [(d.service, d.severity) for d in result.diagnostics if d.key == "userns_mode"] == [("b", "info")]


def test_a_platform_variant_is_reported_not_selected(tmp_path):
    result = convert_text(tmp_path, "services:\n  a: {image: x, platform: linux/arm/v7}\n")
    assert pod(find(result.files, "Deployment", "a"))["nodeSelector"] == {"kubernetes.io/os": "linux",
                                                                          "kubernetes.io/arch": "arm"}
    assert any(d.code == "platform-variant" and "v7" in d.message for d in result.diagnostics)


def test_a_fixed_jvm_heap_is_requested_and_never_limited(tmp_path):
    result = convert_text(tmp_path, """services:
  es:
    image: elasticsearch:9.4.3
    environment: {discovery.type: single-node, ES_JAVA_OPTS: "-Xms1g -Xmx1g"}
  app:
    image: example/app:1.0
    command: ["java", "-Xmx768m", "-jar", "app.jar"]
  capped:
    image: example/app:1.0
    environment: {JAVA_OPTS: "-Xmx4g"}
    mem_limit: 1g
  plain: {image: example/app:1.0, environment: {JAVA_OPTS: "-XX:MaxRAMPercentage=75"}}
""")
    resources = {name: w.container.get("resources") for name, w in result.plan.workloads.items()}
    assert resources["es"] == {"requests": {"memory": "2Gi"}}  # twice the heap, as Elasticsearch sizes it
    assert resources["app"] == {"requests": {"memory": "1536Mi"}}
    assert resources["capped"] == {"limits": {"memory": "1Gi"}}  # the compose file's limit stands
    assert resources["plain"] is None  # the JVM sizes its heap from the memory it finds
    prod = result.plan.overlays["prod"]
    assert prod.limit_range.default == {}  # and no overlay limits what compose left open
    assert [d.service for d in result.diagnostics if d.code == "jvm-heap"] == ["app", "es"]
