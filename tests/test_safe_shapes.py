"""Safe shapes in every rendered overlay of every fixture and every real-world project:
nothing scaled that must stay single, loopback ports nowhere outside, every other published
port of a non-database service reachable from outside in dev and prod, no listening service
turned into a Job, probes never less patient than Docker, no secret value outside Secrets."""
from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest

from compose2k8s.analysis.images import image_base
from compose2k8s.analysis.secret_names import looks_secret
from compose2k8s.tables.images import stateful_images
from compose2k8s.tables.probes import probe_rules

from .trees import pod

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
OVERLAYS = ("overlays/dev", "overlays/staging", "overlays/prod")


def _trees(fixture_trees, realworld, realworld_trees):
    """(label, ConvertResult, validate.Report) of every fixture and converted real-world entry."""
    yield from ((f"fixture {case}", result, report) for case, (result, report) in fixture_trees.items())
    yield from ((name, outcome.result, realworld_trees[name]) for name, outcome in realworld.items()
                if outcome.result is not None)


def _by_kind(objects: list[dict[str, Any]], *kinds: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] in kinds}


def _selects(selector: dict[str, str], workload: dict[str, Any]) -> bool:
    labels = pod_template(workload)["metadata"]["labels"]
    return all(labels.get(k) == v for k, v in selector.items())


def pod_template(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["jobTemplate"]["spec"]["template"] if obj["kind"] == "CronJob" else obj["spec"]["template"]


@pytest.fixture(scope="module")
def everything(fixture_trees, realworld, realworld_trees):
    return list(_trees(fixture_trees, realworld, realworld_trees))


def test_nothing_that_must_stay_single_is_scaled(everything):
    problems = []
    for label, result, report in everything:
        plan = result.plan
        for overlay in OVERLAYS:
            objects = report.rendered[overlay]
            claims = _by_kind(objects, "PersistentVolumeClaim")
            for name, obj in _by_kind(objects, "Deployment", "StatefulSet").items():
                replicas = obj["spec"].get("replicas", 1)
                w = next(w for w in plan.pod_owners().values() if w.name == name)
                rwo = [v["persistentVolumeClaim"]["claimName"] for v in pod(obj).get("volumes", [])
                       if "persistentVolumeClaim" in v and
                       claims.get(v["persistentVolumeClaim"]["claimName"], {}).get("spec", {}).get(
                           "accessModes") == ["ReadWriteOnce"]]
                if obj["kind"] == "Deployment" and replicas > 1 and rwo:
                    problems.append(f"{label} {overlay}: Deployment {name} ×{replicas} on RWO claim {rwo[0]}")
                if image_base(w.service.image) in stateful_images() and replicas > w.service.replicas:
                    problems.append(f"{label} {overlay}: stateful {name} ×{replicas} (compose: {w.service.replicas})")
    assert problems == [], "\n".join(problems)


def _outside(objects: list[dict[str, Any]], overlay: str) -> list[tuple[dict[str, Any], int | str]]:
    """(selector, target port) of every way in from outside: NodePorts, LoadBalancers, Ingress."""
    services = _by_kind(objects, "Service")
    found = [(s["spec"]["selector"], p["targetPort"]) for s in services.values()
             if s["spec"].get("type") in ("NodePort", "LoadBalancer") for p in s["spec"]["ports"]]
    for ingress in _by_kind(objects, "Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                target = services[backend["name"]]
                port = next(p for p in target["spec"]["ports"] if p["port"] == backend["port"]["number"])
                found.append((target["spec"]["selector"], port["targetPort"]))
    return found


def test_exposure_is_what_compose_published(everything):
    problems = []
    for label, result, report in everything:
        plan = result.plan
        for overlay in ("overlays/dev", "overlays/prod"):
            objects = report.rendered[overlay]
            workloads = _by_kind(objects, *WORKLOADS)
            ways_in = _outside(objects, overlay)
            for w in plan.addressable().values():  # pod owners and group members (their pod's workload)
                owner = plan.workloads[w.sidecar_of].name if w.sidecar_of else w.name
                if owner not in workloads:
                    continue
                reached = {port for selector, port in ways_in if _selects(selector, workloads[owner])}
                table = stateful_images().get(image_base(w.service.image))
                database = bool(table and table.internal) and w.service.name not in plan.options.expose_internal \
                    and not w.service.labels.get("compose2k8s.expose")
                inside = database or w.service.labels.get("kompose.service.type") == "clusterip"  # as asked
                for port in w.ports:
                    if not port.exposed:
                        continue
                    here = port.name in reached or port.port in reached
                    if port.loopback and here:
                        problems.append(f"{label} {overlay}: loopback {w.name}:{port.port} reachable from outside")
                    elif not port.loopback and not here and not (inside and overlay != "overlays/dev"):
                        problems.append(f"{label} {overlay}: published {w.name}:{port.port} not reachable")
    assert problems == [], "\n".join(problems)


def test_no_listening_service_became_a_job(everything):
    problems = []
    for label, result, _ in everything:
        plan = result.plan
        for name, w in plan.workloads.items():
            if w.kind in ("Job", "CronJob") and not w.service.labels and (
                    w.service.ports or w.service.expose or name in plan.facts.referenced_by):
                problems.append(f"{label}: {name} listens but is a {w.kind}")
    assert problems == [], "\n".join(problems)


def _budget_ok(probe: dict[str, Any], needed: float) -> bool:
    return probe["periodSeconds"] * probe["failureThreshold"] + probe.get("initialDelaySeconds", 0) >= needed


def test_probe_budgets_meet_dockers(everything):
    problems = []
    defaults = probe_rules().defaults
    for label, result, report in everything:
        plan = result.plan
        workloads = _by_kind(report.rendered["overlays/prod"], *WORKLOADS)
        for name, check in plan.facts.healthchecks.items():
            w = plan.workloads[name]
            if w.sidecar_of or w.name not in workloads or name in plan.options.probes or \
                    any(k.startswith("kompose.") for k in w.service.labels):
                continue
            container = next(c for c in pod_template(workloads[w.name])["spec"]["containers"] if c["name"] == w.name)
            interval = check.interval if check.interval is not None else defaults.interval
            retries = check.retries if check.retries is not None else defaults.retries
            live = container.get("livenessProbe")
            if live and not _budget_ok(live, interval * retries):
                problems.append(f"{label}: {name} liveness shorter than Docker's {interval * retries}s")
            start = container.get("startupProbe")
            if check.start_period and not (start and _budget_ok(start, check.start_period + interval * retries)):
                problems.append(f"{label}: {name} startup shorter than Docker's "
                                f"{math.ceil(check.start_period + interval * retries)}s")
    assert problems == [], "\n".join(problems)


def _secret_values(result) -> dict[str, str]:
    """{value: variable} of secret-looking variables (.env and environment) worth looking for:
    long enough, and not also the value of a variable that is not secret."""
    project = result.project
    candidates = {k: v for k, v in project.environment.items() if looks_secret(k, v or "")}
    plain: set[str] = {v for k, v in project.environment.items() if v and not looks_secret(k, v)}
    for svc in project.services.values():
        for key, value in svc.environment.items():
            if value is None:
                continue
            (candidates.__setitem__(key, value) if looks_secret(key, value) else plain.add(value))
    return {v: k for k, v in candidates.items() if v and len(v) >= 4 and v not in plain and v != "REPLACE_ME"}


def _strings(value):
    """Every string value in a parsed object (mapping keys left out)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_no_secret_value_outside_secrets(everything):
    problems = []
    for label, result, report in everything:
        secrets = _secret_values(result)
        for overlay, objects in report.rendered.items():
            for obj in objects:
                if obj["kind"] == "Secret":
                    continue
                text = json.dumps(list(_strings(obj)))  # values only: a key `secret:` is no leak
                problems += [f"{label} {overlay}: {variable}'s value in {obj['kind']} {obj['metadata']['name']}"
                             for value, variable in secrets.items()
                             if re.search(rf"(?<![A-Za-z0-9_-]){re.escape(value)}(?![A-Za-z0-9_-])", text)]
    assert problems == [], "\n".join(sorted(set(problems)))
