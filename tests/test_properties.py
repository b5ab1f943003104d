"""Property tests: generated compose projects always give trees that render and validate,
keep every service reachable under its compose name, wait for every dependency and never
contain a secret value; mutated or truncated inputs always give a clean error."""
from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from compose2k8s import convert
from compose2k8s.errors import Compose2K8sError
from compose2k8s.names import service_name
from compose2k8s.options import ConvertOptions
from compose2k8s.validate import validate_tree

from .test_fuzz import mutate_text
from .trees import admits, objects, pod

IMAGES = ["nginx:1.27", "postgres:16", "redis:7", "example/app:1.0", "rabbitmq:3.13", "example/worker:2"]
HEALTHCHECKS = [None, ["CMD", "curl", "-f", "http://localhost:{port}/health"], ["CMD-SHELL", "pg_isready -U app"],
                ["CMD-SHELL", "nc -z localhost {port} || exit 1"], ["NONE"]]
NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,4})?", fullmatch=True)
SECRET = st.from_regex(r"[A-Za-z0-9]{12,20}", fullmatch=True).map(lambda s: "S3cr3t-" + s)


@st.composite
def projects(draw):
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique_by=service_name))
    volumes = ["data", "shared"]
    services, secrets, values = {}, {}, []
    for index, name in enumerate(names):
        svc: dict = {"image": draw(st.sampled_from(IMAGES))}
        port = draw(st.integers(1025, 30000))
        if draw(st.booleans()):
            svc["ports"] = [f"{port}:{port}"] if draw(st.booleans()) else [str(port)]
        elif draw(st.booleans()):
            svc["expose"] = [str(port)]
        check = draw(st.sampled_from(HEALTHCHECKS))
        if check:
            svc["healthcheck"] = {"test": [part.format(port=port) for part in check]}
        mounts = []
        if draw(st.booleans()):
            mounts.append(f"{draw(st.sampled_from(volumes))}:/data{'' if draw(st.booleans()) else ':ro'}")
        if draw(st.booleans()):
            mounts.append(f"./{draw(st.sampled_from(['logs', 'cache']))}:/var/log/app")
        if mounts:
            svc["volumes"] = mounts
        earlier = names[:index]
        if earlier and draw(st.booleans()):
            deps = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=len(earlier), unique=True))
            svc["depends_on"] = {d: {"condition": draw(st.sampled_from(["service_started", "service_healthy"]))}
                                 for d in deps}
        if earlier and draw(st.booleans()):  # a peer named in env, as host:port or a URL
            peer, peer_port = draw(st.sampled_from(earlier)), draw(st.integers(1025, 30000))
            svc.setdefault("environment", {})["PEER"] = draw(st.sampled_from(
                [f"{peer}:{peer_port}", f"http://{peer}:{peer_port}/x", f"amqp://u@{peer}:{peer_port}"]))
        if earlier and draw(st.booleans()):  # a peer named in a mounted config file
            peer, peer_port = draw(st.sampled_from(earlier)), draw(st.integers(1025, 30000))
            svc["x-config"] = f"upstream app {{ server {peer}:{peer_port}; }}\n"
        if draw(st.booleans()):
            value = draw(SECRET)
            values.append(value)
            svc.setdefault("environment", {})["APP_PASSWORD"] = value
        networks = draw(st.lists(st.sampled_from(["front", "back"]), max_size=2, unique=True))
        if networks:
            svc["networks"] = networks
        if draw(st.booleans()):
            secret = f"s{index}"
            value = draw(SECRET)
            secrets[secret] = value
            values.append(value)
            svc["secrets"] = [secret]
        services[name] = svc
    return services, secrets, values


def _write(root: Path, services: dict, secrets: dict) -> Path:
    doc: dict = {"name": "prop", "services": services, "volumes": {"data": {}, "shared": {}},
                 "networks": {"front": {}, "back": {}}}
    if secrets:
        doc["secrets"] = {n: {"file": f"./secrets/{n}.txt"} for n in secrets}
        (root / "secrets").mkdir()
        for name, value in secrets.items():
            (root / "secrets" / f"{name}.txt").write_text(value)
    for folder in ("logs", "cache"):
        (root / folder).mkdir(exist_ok=True)
    for name, svc in services.items():
        text = svc.pop("x-config", None)
        if text:
            (root / f"{name}.conf").write_text(text)
            svc.setdefault("volumes", []).append(f"./{name}.conf:/etc/app/peers.conf:ro")
    path = root / "compose.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def recipient():
    pyrage = pytest.importorskip("pyrage")
    return str(pyrage.x25519.Identity.generate().to_public())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(generated=projects())
def test_generated_projects_give_valid_faithful_trees(generated, recipient):
    services, secrets, values = generated
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        result = convert([_write(root, services, secrets)], ConvertOptions(age_recipients=[recipient]))
        result.write(root / "out")
        report = validate_tree(root / "out")
        assert report.ok, report.problems
        texts = "\n".join(result.files.values())
        for value in values:
            assert value not in texts and base64.b64encode(value.encode()).decode() not in texts
        objs = objects(result.files)
        service_names = {o["metadata"]["name"] for o in objs if o["kind"] == "Service"}
        workloads = {o["metadata"]["name"]: o for o in objs if o["kind"] in ("Deployment", "StatefulSet")}
        for name, svc in services.items():
            k8s_name = service_name(name)
            assert k8s_name in service_names, f"{name} is not reachable under its name"
            waits = {c["name"] for c in pod(workloads[k8s_name]).get("initContainers", [])}
            for dep in svc.get("depends_on", {}):
                assert f"wait-for-{service_name(dep)}" in waits, f"{name} does not wait for {dep}"
        named = sum(1 for svc in services.values() if "PEER" in (svc.get("environment") or {}))
        assert len({(r.reference.service, r.reference.where) for r in result.plan.reachability}) >= named
        _check_references(result, objs)
        _check_isolation(services, objs)


def _check_references(result, objs: list[dict]) -> None:
    """Every peer named in env or a mounted file is answered by a Service selecting it, on that
    port (or every port: headless without ports), under the name as written once renamed."""
    services = {o["metadata"]["name"]: o for o in objs if o["kind"] == "Service"}
    labels = {o["metadata"]["name"]: o["spec"]["template"]["metadata"]["labels"]
              for o in objs if o["kind"] in ("Deployment", "StatefulSet")}
    texts = "\n".join(result.files.values())
    for reach in result.plan.reachability:
        ref = reach.reference
        assert reach.service, f"{ref} is not answered: {reach.reason}"
        service = services[reach.service]
        target = labels[service_name(ref.target)]
        assert all(target.get(k) == v for k, v in service["spec"]["selector"].items())
        ports = {p["port"] for p in service["spec"].get("ports", [])}
        assert not ports or ref.port in ports, (ref, ports)
        if reach.service != ref.name:  # renamed: no converted file still uses the old name as a host
            assert f"{ref.name}:{ref.port}" not in texts


def _check_isolation(services: dict, objs: list[dict]) -> None:
    """Who may connect to whom is Compose's rule: a shared network, a published port, or a
    dependency (whose wait must get through)."""
    policies = {o["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: o
                for o in objs if o["kind"] == "NetworkPolicy"}
    if not policies:
        return
    labels = {o["metadata"]["name"]: o["spec"]["template"]["metadata"]["labels"]
              for o in objs if o["kind"] in ("Deployment", "StatefulSet")}
    networks = {service_name(n): set(s.get("networks") or ["default"]) for n, s in services.items()}
    for server, policy in policies.items():
        compose_server = next(n for n in services if service_name(n) == server)
        for port_rule in policy["spec"]["ingress"]:
            for port in port_rule.get("ports", []):
                assert port["port"] in _published(services[compose_server])
        for client, client_labels in labels.items():
            if client == server:
                continue
            compose_client = next(n for n in services if service_name(n) == client)
            allowed = bool(networks[client] & networks[server]) or \
                compose_server in services[compose_client].get("depends_on", {})
            container_ports = [p["containerPort"] for o in objs if o["kind"] in ("Deployment", "StatefulSet")
                               and o["metadata"]["name"] == server for p in pod(o)["containers"][0].get("ports", [])]
            for port in container_ports:
                assert admits(policy, client_labels, port) == (allowed or port in _published(services[compose_server])), \
                    (client, server, port)


def _published(svc: dict) -> set[int]:
    """Container ports published on a fixed host port ("8080:80"; a bare "80" gets a random one)."""
    return {int(p.split(":")[-1]) for p in svc.get("ports", []) if ":" in p}


@st.composite
def mutations(draw):
    services, _, _ = draw(projects())
    return mutate_text(draw, yaml.safe_dump({"services": services}, sort_keys=False))


@settings(max_examples=150, deadline=None)
@given(text=mutations())
def test_mutated_inputs_convert_or_fail_cleanly(text):
    assume(text.strip())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "compose.yaml"
        path.write_text(text)
        for folder in ("logs", "cache"):
            (Path(tmp) / folder).mkdir()
        try:
            convert([path], ConvertOptions(secrets="placeholder"))
        except Compose2K8sError as exc:
            message = str(exc)
            assert "compose.yaml" in message and exc.hint, message  # names the file, says what to do
