"""Kompose's labels (mappings/kompose-labels.yaml): every label the table calls mapped or partial
changes the rendered output, and each renders what the table says (fixtures/compose/kompose-labels
and small samples); a label the table does not know is reported."""
from __future__ import annotations

import textwrap

import pytest
import yaml

from compose2k8s.errors import ComposeError
from compose2k8s.tables.keys import kompose_labels

from .golden import convert_case, convert_text
from .trees import find, names, objects, pod

H = "kompose.service.healthcheck."
BASE = """services:
  app:
    image: example/app:1.0
    ports: ["8080:8080"]
    healthcheck: {test: [CMD, /bin/check], interval: 10s, timeout: 2s, retries: 5}
    labels:
"""
VOLUME = "    volumes: ['data:/var/lib/app']\nvolumes: {data: {}}\n"  # app's own named volume
# label → (its value, labels both the plain and the labelled service carry, lines after the service)
SAMPLES: dict[str, tuple[str, dict[str, str], str]] = {
    "kompose.controller.port.expose": ("true", {}, ""),
    "kompose.controller.type": ("statefulset", {}, ""),
    "kompose.cronjob.backoff_limit": ("1", {"kompose.cronjob.schedule": "* * * * *"}, ""),
    "kompose.cronjob.concurrency_policy": ("Allow", {"kompose.cronjob.schedule": "* * * * *"}, ""),
    "kompose.cronjob.schedule": ("0 3 * * *", {}, ""),
    "kompose.ephemeral-storage.limit": ("1Gi", {}, ""),
    "kompose.ephemeral-storage.request": ("512Mi", {}, ""),
    "kompose.hpa.cpu": ("70", {}, ""),
    "kompose.hpa.memory": ("512Mi", {}, ""),
    "kompose.hpa.replicas.max": ("9", {}, ""),
    "kompose.hpa.replicas.min": ("2", {}, ""),
    "kompose.image-pull-policy": ("Never", {}, ""),
    "kompose.image-pull-secret": ("registry-login", {}, ""),
    "kompose.init.containers.command": ('["sh", "-c", "sleep 1"]', {"kompose.init.containers.image": "busybox"}, ""),
    "kompose.init.containers.image": ("busybox:1.36.1", {}, ""),
    "kompose.init.containers.name": ("setup", {"kompose.init.containers.image": "busybox"}, ""),
    "kompose.security-context.fsgroup": ("2000", {}, ""),
    "kompose.service.expose": ("shop.example.org", {}, ""),
    "kompose.service.expose.ingress-class-name": ("nginx", {"kompose.service.expose": "true"}, ""),
    "kompose.service.expose.tls-secret": ("shop-tls", {"kompose.service.expose": "shop.example.org"}, ""),
    "kompose.service.external-traffic-policy": ("local", {}, ""),
    "kompose.service.group": ("pod", {}, "  peer:\n    image: example/peer:1.0\n    labels: {kompose.service.group: pod}\n"),
    H + "liveness.disable": ("true", {}, ""),
    H + "liveness.http_get_path": ("/health", {}, ""),
    H + "liveness.http_get_port": ("9090", {H + "liveness.http_get_path": "/health"}, ""),
    H + "liveness.interval": ("20s", {H + "liveness.test": "/bin/alive"}, ""),
    H + "liveness.retries": ("9", {H + "liveness.test": "/bin/alive"}, ""),
    H + "liveness.start_period": ("30s", {H + "liveness.test": "/bin/alive"}, ""),
    H + "liveness.tcp_port": ("8080", {}, ""),
    H + "liveness.test": ("/bin/alive", {}, ""),
    H + "liveness.timeout": ("7s", {H + "liveness.test": "/bin/alive"}, ""),
    H + "readiness.disable": ("true", {}, ""),
    H + "readiness.http_get_path": ("/ready", {}, ""),
    H + "readiness.http_get_port": ("9090", {H + "readiness.http_get_path": "/ready"}, ""),
    H + "readiness.interval": ("20s", {}, ""),
    H + "readiness.retries": ("9", {}, ""),
    H + "readiness.start_period": ("30s", {H + "readiness.test": "/bin/ready"}, ""),
    H + "readiness.tcp_port": ("8080", {}, ""),
    H + "readiness.test": ("/bin/ready", {}, ""),
    H + "readiness.timeout": ("7s", {}, ""),
    "kompose.service.nodeport.port": ("30999", {}, ""),
    "kompose.service.type": ("loadbalancer", {}, ""),
    "kompose.serviceaccount-name": ("robot", {}, ""),
    "kompose.volume.size": ("5Gi", {}, VOLUME),
    "kompose.volume.storage-class-name": ("fast-ssd", {}, VOLUME),
    "kompose.volume.sub-path": ("app", {}, VOLUME),
    "kompose.volume.subpath": ("app", {}, VOLUME),
    "kompose.volume.type": ("emptyDir", {}, VOLUME),
}
CLAIMED = sorted(k for k, v in kompose_labels().items() if v.status != "not_mapped")


def _compose(labels: dict[str, str], after: str) -> str:
    lines = "".join(f"      {k}: {yaml.safe_dump(v, default_style=chr(39)).strip()}\n" for k, v in labels.items())
    return BASE + (lines or "      {}\n").replace("    labels:\n      {}", "    labels: {}") + after


def _manifests(result) -> dict[str, str]:
    return {path: text for path, text in result.files.items() if not path.endswith("README.md")}


def test_every_claimed_label_has_a_sample():
    assert sorted(SAMPLES) == CLAIMED


@pytest.mark.parametrize("label", CLAIMED)
def test_a_claimed_label_changes_the_output(label, tmp_path):
    value, context, after = SAMPLES[label]
    (tmp_path / "plain").mkdir()
    (tmp_path / "with").mkdir()
    plain = convert_text(tmp_path / "plain", _compose(context, after))
    labelled = convert_text(tmp_path / "with", _compose({**context, label: value}, after))
    assert _manifests(labelled) != _manifests(plain), f"{label} is claimed but changes nothing"
    assert any(label in t.target or t.key == "labels" for t in labelled.traces if t.service == "app"), label


@pytest.fixture(scope="module")
def tree():
    return convert_case("kompose-labels").files


def _container(files, kind: str, name: str, container: str | None = None) -> dict:
    spec = pod(find(files, kind, name))
    return next(c for c in spec["containers"] if c["name"] == (container or name))


def test_container_and_pod_labels(tree):
    web = pod(find(tree, "Deployment", "web"))
    container = web["containers"][0]
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["resources"] == {"requests": {"cpu": "250m", "memory": "128Mi", "ephemeral-storage": "256Mi"},
                                      "limits": {"ephemeral-storage": "1Gi"}}  # the request from deploy.labels
    assert web["securityContext"]["fsGroup"] == 2000
    assert web["imagePullSecrets"] == [{"name": "registry-login"}]
    assert web["initContainers"] == [{"name": "init-schema", "image": "busybox:1.36.1", "command": [
        "sh", "-c", "until nslookup db; do sleep 2; done"]}]
    edge = pod(find(tree, "DaemonSet", "edge"))
    assert edge["containers"][0]["ports"] == [{"name": "p8443", "containerPort": 8443, "hostPort": 8443}]
    assert edge["serviceAccountName"] == "edge-agent" and "automountServiceAccountToken" not in edge
    assert "kompose.ephemeral-storage.request" not in find(tree, "Deployment", "web")["metadata"].get("annotations", {})


def test_cronjob_labels(tree):
    report = find(tree, "CronJob", "report")["spec"]
    assert (report["schedule"], report["concurrencyPolicy"], report["jobTemplate"]["spec"]["backoffLimit"]) == (
        "0 3 * * *", "Replace", 2)


def test_probe_labels_are_timed_like_the_healthcheck(tree):
    web = _container(tree, "Deployment", "web")
    assert web["livenessProbe"] == {"httpGet": {"path": "/health", "port": 8080}, "periodSeconds": 10,
                                    "timeoutSeconds": 2, "failureThreshold": 5, "initialDelaySeconds": 10}
    assert web["readinessProbe"] == {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10,
                                     "timeoutSeconds": 2, "failureThreshold": 5}
    db = _container(tree, "StatefulSet", "db")  # readiness labels only: no liveness
    assert db["readinessProbe"] == {"tcpSocket": {"port": 5432}, "periodSeconds": 5, "timeoutSeconds": 2,
                                    "failureThreshold": 6}
    assert "livenessProbe" not in db


def test_the_autoscaler_owns_the_replica_count(tree):
    hpa = find(tree, "HorizontalPodAutoscaler", "web")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 6)
    assert hpa["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                        "averageValue": "512Mi"}}}]
    assert "replicas" not in find(tree, "Deployment", "web")["spec"]
    prod = yaml.safe_load(tree["overlays/prod/kustomization.yaml"])
    assert "web" not in [r["name"] for r in prod["replicas"]]  # prod pins no count the autoscaler owns ...
    floor = next(p for p in prod["patches"] if p["target"]["kind"] == "HorizontalPodAutoscaler")
    assert yaml.safe_load(floor["patch"]) == [{"op": "replace", "path": "/spec/minReplicas", "value": 2}]  # ... raises it


def test_an_autoscaler_never_lowers_a_minimum_or_scales_what_must_stay_single(tmp_path):
    result = convert_text(tmp_path, """services:
  web: {image: nginx, labels: {kompose.hpa.replicas.min: "4", kompose.hpa.replicas.max: "5"}}
  db: {image: postgres:16, labels: {kompose.hpa.cpu: "50"}}
""")
    assert result.plan.autoscalers["web"].min_replicas == 4 and "db" not in result.plan.autoscalers
    assert not any(r.workload == "web" for r in result.plan.overlays["prod"].replicas)
    assert any(d.code == "hpa-refused" and d.service == "db" for d in result.diagnostics)
    assert any(d.code == "hpa-requests" and d.service == "web" for d in result.diagnostics)


def test_service_types_decide_the_exposure(tree):
    assert find(tree, "Service", "db")["spec"]["clusterIP"] == "None"  # headless
    component = objects(tree, "components/exposure/")
    api = next(o for o in component if o["metadata"]["name"] == "api-external")["spec"]
    assert (api["type"], api["externalTrafficPolicy"], api["ports"][0]["port"]) == ("LoadBalancer", "Local", 9000)
    metrics = next(o for o in component if o["metadata"]["name"] == "metrics-nodeport")["spec"]
    assert (metrics["type"], metrics["ports"][0]["nodePort"]) == ("NodePort", 30910)
    assert "admin" not in {r.service for r in convert_case("kompose-labels").plan.exposure.routes}  # clusterip
    dev = {o["metadata"]["name"]: o["spec"] for o in objects(tree, "overlays/dev/") if o["kind"] == "Service"}
    assert dev["metrics-nodeport"]["ports"][0]["nodePort"] == 30910  # dev too
    assert dev["api-nodeport"]["externalTrafficPolicy"] == "Local"
    assert "admin-nodeport" in dev  # dev keeps what compose published


def test_expose_hosts_paths_class_and_tls(tree):
    ingress = find(tree, "Ingress", "kompose-labels-web", "components/exposure/")["spec"]
    assert ingress["ingressClassName"] == "nginx"
    assert [(r["host"], [p["path"] for p in r["http"]["paths"]]) for r in ingress["rules"]] == [
        ("shop.example.org", ["/"]), ("admin.example.org", ["/web"])]
    assert ingress["tls"] == [{"hosts": ["shop.example.org", "admin.example.org"], "secretName": "shop-tls"}]
    project = find(tree, "Ingress", "kompose-labels", "components/exposure/")["spec"]
    assert [r["host"] for r in project["rules"]] == ["app.kompose-labels.example.com",
                                                     "edge.kompose-labels.example.com"]
    prod = yaml.safe_load(tree["overlays/prod/kustomization.yaml"])
    assert [p["target"]["name"] for p in prod["patches"] if p["target"]["kind"] == "Ingress"] == ["kompose-labels"]
    readme = tree["README.md"]
    assert "create secret tls shop-tls" in readme and "`https://admin.example.org/web` → Service web port 8080" in readme


def test_a_group_is_one_pod_and_each_member_keeps_its_service(tree):
    app = pod(find(tree, "Deployment", "app"))
    assert [c["name"] for c in app["containers"]] == ["app", "log-shipper"]
    assert [c["name"] for c in app["initContainers"]] == ["wait-for-db"]  # none for its own pod's log-shipper
    shipper = find(tree, "Service", "log-shipper")["spec"]
    assert shipper["selector"]["app.kubernetes.io/name"] == "app"
    assert [p["port"] for p in shipper["ports"]] == [24224]
    assert [p["port"] for p in find(tree, "Service", "app")["spec"]["ports"]] == [8000]
    assert "log-shipper" not in names(tree, "Deployment")


def test_group_members_listening_on_one_port_are_reported(tmp_path):
    result = convert_text(tmp_path, """services:
  a: {image: example/a, expose: ["8080"], labels: {kompose.service.group: g}}
  b: {image: example/b, expose: ["8080"], labels: {kompose.service.group: g}}
""")
    assert [d.service for d in result.diagnostics if d.code == "group-port-clash"] == ["b"]


def test_unknown_and_unmapped_labels_are_reported(tmp_path):
    result = convert_text(tmp_path, textwrap.dedent("""\
        services:
          web:
            image: nginx
            volumes: [data:/data]
            labels: {kompose.container.kompose.controller.port.expose: "true"}
        volumes:
          data: {labels: {kompose.volume.selector: data-dev, kompose.volume.type: emptyDir}}
        """))
    codes = {(d.service, d.code, d.severity) for d in result.diagnostics}
    assert ("web", "unknown-kompose-label", "warning") in codes
    not_mapped = sorted(d.message for d in result.diagnostics if d.code == "kompose-label-not-mapped")
    assert not_mapped == ["volume data: label kompose.volume.selector is not mapped on a volume",
                          "volume data: label kompose.volume.type is not mapped on a volume"]  # a service label


@pytest.mark.parametrize("label, value", [("kompose.image-pull-policy", "Sometimes"), ("kompose.hpa.cpu", "lots"),
                                          ("kompose.service.type", "ingress"), ("kompose.service.expose", "a b"),
                                          ("kompose.security-context.fsgroup", "staff"),
                                          ("kompose.volume.size", "lots"), ("kompose.volume.type", "nfs"),
                                          ("kompose.volume.storage-class-name", "Fast_SSD"),
                                          ("kompose.volume.subpath", "../etc")])
def test_a_malformed_label_is_refused_naming_it(label, value, tmp_path):
    with pytest.raises(ComposeError) as caught:
        convert_text(tmp_path, f"services:\n  web:\n    image: nginx\n    ports: ['80:80']\n"
                               f"    labels: {{{label}: '{value}'}}\n")
    assert label in str(caught.value) and "services.web.labels" in str(caught.value)


def test_volume_labels_size_class_and_sub_path(tree):
    db = find(tree, "StatefulSet", "db")
    [template] = db["spec"]["volumeClaimTemplates"]
    assert template["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert template["spec"]["storageClassName"] == "fast-ssd"
    [mount] = [m for m in pod(db)["containers"][0]["volumeMounts"] if m["name"] == template["metadata"]["name"]]
    assert (mount["mountPath"], mount["subPath"]) == ("/var/lib/postgresql/data", "pgdata")
    for overlay in ("staging", "prod"):  # the claim's own class is kept ...
        assert "storageClassName" not in tree[f"overlays/{overlay}/kustomization.yaml"]
    dev = yaml.safe_load(tree["overlays/dev/kustomization.yaml"])  # ... but dev binds it to its local volume
    [patch] = [p for p in dev["patches"] if p["target"] == {"kind": "StatefulSet", "name": "db"}]
    assert yaml.safe_load(patch["patch"]) == [{"op": "add", "path": "/spec/volumeClaimTemplates/0/spec/storageClassName",
                                               "value": "local-storage"}]
    assert tree["README.md"].count("- StorageClass `fast-ssd`: the claims of StatefulSet db.") == 2  # staging, prod


def test_volume_type_empty_dir_keeps_nothing_so_the_service_is_no_statefulset(tree):
    api = find(tree, "Deployment", "api")
    [volume] = pod(api)["volumes"]
    assert volume["emptyDir"] == {} and volume["name"] == pod(api)["containers"][0]["volumeMounts"][0]["name"]
    assert "apicache" not in names(tree, "PersistentVolumeClaim")


def test_classes_from_options_skip_only_claims_with_their_own(tmp_path):
    result = convert_text(tmp_path, """services:
  db:
    image: postgres:16
    volumes: [pg:/var/lib/postgresql/data, wal:/wal]
  web:
    image: nginx
    volumes: [shared:/srv, files:/files]
    labels: {kompose.volume.size: 2Gi}
  worker:
    image: busybox
    volumes: [shared:/srv]
    labels: {kompose.volume.size: 3Gi, kompose.volume.storage-class-name: efs}
volumes:
  pg: {labels: {kompose.volume.storage-class-name: io2}}
  wal: {}
  shared: {}
  files: {labels: {kompose.volume.size: 1500Mi}}
""", storage={"class_by_overlay": {"prod": "gp3"}})
    claims = {c.name: c for c in result.plan.claims}
    assert (claims["pg"].storage_class, claims["wal"].storage_class, claims["shared"].storage_class) == (
        "io2", None, "efs")
    assert (claims["shared"].size, claims["files"].size) == ("3Gi", "1500Mi")  # the largest asked; the volume's own
    prod = yaml.safe_load(result.files["overlays/prod/kustomization.yaml"])
    patched = {p["target"]["name"]: yaml.safe_load(p["patch"]) for p in prod["patches"]
               if p["target"]["kind"] in ("StatefulSet", "PersistentVolumeClaim")}
    assert patched["db"] == [{"op": "add", "path": "/spec/volumeClaimTemplates/1/spec/storageClassName",
                              "value": "gp3"}]  # wal only: pg keeps io2
    assert "shared" not in patched and patched["files"][0]["value"] == "gp3"


def test_volume_type_decides_folders_and_host_paths(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.ini").write_text("[app]\nport = 80\n")
    text = """services:
  app:
    image: example/app:1.0
    volumes: ["./conf:/etc/app:ro"]
    labels: {kompose.volume.type: %s}
"""
    claim = convert_text(tmp_path, text % "persistentVolumeClaim")
    assert [c.source for c in claim.plan.claims] == ["folder ./conf"]  # a read-only config folder, as a claim
    refused = convert_text(tmp_path, text % "hostPath")
    assert not any("hostPath" in v for v in pod(find(refused.files, "Deployment", "app")).get("volumes", []))
    assert [d.severity for d in refused.diagnostics if d.code == "label-host-path"] == ["warning"]
    allowed = convert_text(tmp_path, text % "hostPath", allow_host_path=True)
    [volume] = pod(find(allowed.files, "Deployment", "app"))["volumes"]
    assert volume["hostPath"] == {"path": str(tmp_path / "conf")}
