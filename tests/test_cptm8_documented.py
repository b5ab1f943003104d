"""The CPTM8 tree holds each element k8s-migration-guide.md documents, checked by name so a
regression says what broke."""
from __future__ import annotations

import pytest
import yaml

from .golden import convert_case
from .trees import find, names, objects, pod


@pytest.fixture(scope="module")
def files():
    return convert_case("cptm8").files


def test_namespace_cptm8_dev(files):
    kustomization = yaml.safe_load(files["overlays/dev/kustomization.yaml"])
    assert kustomization["namespace"] == "cptm8-dev"
    assert find(files, "Namespace", "cptm8-dev", "overlays/dev/")


@pytest.mark.parametrize("statefulset,headless,client", [
    ("postgresqlm8", "postgresql-headless", "postgresql-service"),
    ("mongodbm8", "mongodb-primary-headless", "mongodb-primary-service"),
    ("rabbitmqm8", "rabbitmq-headless", "rabbitmq-service"),
    ("opensearch-node1", "opensearch-headless", "opensearch-service"),
])
def test_statefulsets_with_the_guides_two_services(files, statefulset, headless, client):
    sts = find(files, "StatefulSet", statefulset)
    assert sts["spec"]["serviceName"] == headless
    assert find(files, "Service", headless)["spec"]["clusterIP"] == "None"
    assert "type" not in find(files, "Service", headless)["spec"]
    assert find(files, "Service", client)["spec"]["type"] == "ClusterIP"
    assert sts["spec"]["volumeClaimTemplates"], "data kept on claims"


def test_clients_use_the_renamed_services(files):
    env = find(files, "ConfigMap", "asmm8-env")["data"]
    assert env["POSTGRESQL_HOSTNAME"] == "postgresql-service"
    assert env["RABBITMQ_URL"] == "amqp://rabbitmq-service:5672/"
    assert env["OPENSEARCH_URL"] == "http://opensearch-service:9200"
    assert find(files, "ConfigMap", "reportingm8-env")["data"]["MONGODB_URI"] == \
        "mongodb://mongodb-primary-service:27017/cptm8"


@pytest.mark.parametrize("service", ["asmm8", "naabum8", "katanam8", "num8", "reportingm8", "orchestratorm8"])
def test_go_services_are_deployments_with_health_and_ready(files, service):
    deployment = find(files, "Deployment", service)
    container = pod(deployment)["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert pod(deployment)["imagePullSecrets"] == [{"name": "ecr-registry-secret"}]
    waits = {c["name"] for c in pod(deployment)["initContainers"]}
    assert {"wait-for-postgresqlm8", "wait-for-rabbitmqm8"} <= waits


def test_vector_waits_for_opensearch_cluster_health(files):
    init = pod(find(files, "Deployment", "vector"))["initContainers"][0]
    assert init["name"] == "wait-for-opensearch-node1"
    assert 'curl -s http://opensearch-service:9200/_cluster/health | grep -q' in init["command"][2]
    assert not init["image"].endswith(":latest")


def test_rwx_log_claims_shared_with_vector(files):
    vector = {m["mountPath"]: m for m in pod(find(files, "Deployment", "vector"))["containers"][0]["volumeMounts"]}
    for service in ("asmm8", "naabum8", "katanam8", "num8", "reportingm8", "orchestratorm8"):
        claim = find(files, "PersistentVolumeClaim", f"{service}-log")
        assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
        assert vector[f"/var/log/{service}"]["name"] == f"{service}-log"
        assert vector[f"/var/log/{service}"]["readOnly"] is True


def test_local_storage_and_static_volumes_in_dev(files):
    storage = find(files, "StorageClass", "local-storage", "overlays/dev/")
    assert storage["provisioner"] == "kubernetes.io/no-provisioner"
    assert storage["volumeBindingMode"] == "WaitForFirstConsumer"
    volumes = names(files, "PersistentVolume", "overlays/dev/")
    assert "cptm8-dev-asmm8-log" in volumes and "cptm8-dev-postgresql-data-postgresqlm8-0" in volumes


@pytest.mark.parametrize("service,port,node_port", [("dashboardm8", 3000, 30080), ("socketm8", 4000, 30081)])
def test_nodeports_and_kind_port_mappings(files, service, port, node_port):
    svc = find(files, "Service", f"{service}-nodeport", "overlays/dev/")
    assert svc["spec"]["type"] == "NodePort"
    assert svc["spec"]["ports"][0]["nodePort"] == node_port and svc["spec"]["ports"][0]["port"] == port
    kind = yaml.safe_load(files["overlays/dev/kind-cluster.yaml"])
    assert {"containerPort": node_port, "hostPort": port, "protocol": "TCP"} in kind["nodes"][0]["extraPortMappings"]


def test_ecr_refresher_with_its_rbac(files):
    assert "ecr-token-refresher" in names(files, "ServiceAccount")
    role = find(files, "Role", "ecr-secret-manager")
    assert any(r.get("resourceNames") == ["ecr-registry-secret"] for r in role["rules"])
    binding = find(files, "RoleBinding", "ecr-token-refresher-binding")
    assert binding["roleRef"]["name"] == "ecr-secret-manager"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ecr-token-refresher"}]
    cron = find(files, "CronJob", "ecr-token-refresher")
    assert cron["spec"]["schedule"] == "0 */8 * * *"
    assert "aws-ecr-credentials" in files["secrets/secrets.sops.yaml"]


def test_writable_subfinder_config(files):
    asmm8 = pod(find(files, "Deployment", "asmm8"))
    assert asmm8["initContainers"][-1]["name"] == "copy-writable-files"
    cm = find(files, "ConfigMap", "asmm8-files")
    assert {"subfinderconfig.yaml", "subfinderprovider-config.yaml"} <= set(cm["data"])
    writable = next(v for v in asmm8["volumes"] if v["name"] == "writable-files")
    assert writable["emptyDir"] == {}


def test_secrets_are_sops_encrypted_outside_the_base(files):
    listing = yaml.safe_load(files["secrets/secrets.sops.yaml"])
    assert {"postgresql-root-password", "mongodb-root-password", "rabbitmq-password", "aws-ecr-credentials"} <= {
        item["metadata"]["name"] for item in listing["items"]}
    assert not [o for o in objects(files) if o["kind"] == "Secret"]
    assert all(v.startswith("ENC[AES256_GCM") for item in listing["items"] for v in item["data"].values())


def test_the_one_warning_says_what_the_lost_memlock_means():
    warnings = [d for d in convert_case("cptm8").diagnostics if d.severity == "warning"]
    assert [(d.service, d.key) for d in warnings] == [("opensearch-node1", "ulimits")]
    assert "bootstrap.memory_lock=true" in warnings[0].message and "bootstrap check" in warnings[0].message
    assert "bootstrap.memory_lock to false" in warnings[0].hint
