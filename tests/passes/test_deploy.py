"""deploy placement / update_config / restart_policy / labels: mapped where Kubernetes can, reported otherwise."""
from compose2k8s.passes.deploy import parse_constraint

from ..golden import convert_case
from ..trees import find, pod


def _case():
    return convert_case("deploy-swarm")


def test_constraints_become_required_node_affinity_and_the_rest_is_reported():
    result = _case()
    terms = pod(find(result.files, "Deployment", "web"))["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["east"]},
                                           {"key": "kubernetes.io/arch", "operator": "NotIn", "values": ["arm64"]}]}]
    assert any(d.code == "placement-constraint" and "node.role == worker" in d.message for d in result.diagnostics)
    assert any(d.code == "node-labels" and "zone" in d.message for d in result.diagnostics)


def test_spread_preferences_and_one_per_node():
    spec = pod(find(_case().files, "Deployment", "web"))
    assert [(c["topologyKey"], c["whenUnsatisfiable"]) for c in spec["topologySpreadConstraints"]] == [
        ("rack", "ScheduleAnyway")]
    anti = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["topologyKey"] == "kubernetes.io/hostname"
    assert any(d.code == "max-replicas-per-node" and d.service == "api" for d in _case().diagnostics)


def test_update_config_becomes_the_rolling_update():
    files = _case().files
    web = find(files, "Deployment", "web")["spec"]
    assert web["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2, "maxUnavailable": 0}}
    assert web["minReadySeconds"] == 10
    api = find(files, "Deployment", "api")["spec"]
    assert api["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": "100%"}  # parallelism 0: all at once
    agent = find(files, "DaemonSet", "agent")["spec"]
    assert agent["updateStrategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1}
    codes = {(d.service, d.code) for d in _case().diagnostics}
    assert {("web", "update-config"), ("web", "rollback-config"), ("web", "endpoint-mode")} <= codes


def test_labels_and_restart_attempts():
    files = _case().files
    assert find(files, "Deployment", "web")["metadata"]["annotations"]["com.example.team"] == "frontend"
    job = find(files, "Job", "backup")["spec"]
    assert job["backoffLimit"] == 5
    assert job["template"]["spec"]["restartPolicy"] == "OnFailure"  # condition: on-failure, as restart: would
    assert any(d.service == "backup" and d.code == "restart-policy" and "delay" in d.message
               for d in _case().diagnostics)


def test_dev_drops_placement_and_prod_adds_zones_to_the_own_spread():
    files = _case().files
    dev = files["overlays/dev/kustomization.yaml"]
    assert dev.count("path: /spec/template/spec/affinity") == 2  # web and agent; api has none
    prod = files["overlays/prod/kustomization.yaml"]
    assert "path: /spec/template/spec/topologySpreadConstraints/-" in prod  # web keeps its rack spread


def test_audit_says_deploy_is_partial():
    from compose2k8s import audit

    from ..conftest import FIXTURES
    report = audit([FIXTURES / "compose" / "deploy-swarm" / "docker-compose.yml"])
    fate = next(f for f in report.services["web"] if f.key == "deploy")
    assert fate.status == "partial"


def test_parse_constraint_forms():
    assert parse_constraint("node.labels.zone==east") == ("node.labels.zone", "==", "east")
    assert parse_constraint("node.hostname != a b") == ("node.hostname", "!=", "a b")
    assert parse_constraint("nonsense") is None
