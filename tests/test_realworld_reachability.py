"""Over every real-world project as its users run it (tools/realworld.yaml): every reference the
analysis finds is answered in the rendered dev overlay, and every dependency has a wait."""
from __future__ import annotations

from compose2k8s.names import dns_label

from .trees import pod

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}


def _rendered(report, overlay: str = "overlays/dev") -> tuple[dict, dict]:
    objects = report.rendered[overlay]
    services = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Service"}
    workloads = {o["metadata"]["name"]: o for o in objects if o["kind"] in WORKLOADS}
    return services, workloads


def _selects(service: dict, workload: dict) -> bool:
    labels = pod_labels(workload)
    return all(labels.get(k) == v for k, v in service["spec"]["selector"].items())


def pod_labels(workload: dict) -> dict:
    spec = workload["spec"]
    template = spec["jobTemplate"]["spec"]["template"] if workload["kind"] == "CronJob" else spec["template"]
    return template["metadata"]["labels"]


def _converted(realworld, realworld_trees):
    """(entry name, result, rendered dev Services, rendered dev workloads) of each converted entry."""
    for name, outcome in realworld.items():
        if outcome.result is not None:
            yield (name, outcome.result, *_rendered(realworld_trees[name]))


def test_every_reference_is_answered_in_the_rendered_dev_overlay(realworld, realworld_trees):
    problems, checked = [], 0
    for name, result, services, workloads in _converted(realworld, realworld_trees):
        plan = result.plan
        for reach in plan.reachability:
            ref = reach.reference
            where = f"{name}: {ref.service} uses {ref.name}:{ref.port} ({ref.where})"
            checked += 1
            if reach.service is None:
                problems.append(f"{where}: unanswered ({reach.reason})")
                continue
            target = plan.workloads[ref.target]
            owner = plan.workloads[target.sidecar_of] if target.sidecar_of else target
            service = services.get(reach.service)
            if service is None or not _selects(service, workloads[owner.name]):
                problems.append(f"{where}: no rendered Service {reach.service} selecting {owner.name}")
                continue
            ports = {p["port"] for p in service["spec"].get("ports", [])}
            if ports and ref.port is not None and ref.port not in ports:
                problems.append(f"{where}: Service {reach.service} does not serve {ref.port}")
    assert problems == [], "\n".join(problems)
    assert checked > 100


def test_every_dependency_has_a_wait(realworld, realworld_trees):
    problems, checked = [], 0
    for name, result, _, workloads in _converted(realworld, realworld_trees):
        plan = result.plan
        explained = {(d.service, d.code) for d in result.diagnostics}
        for compose_name, w in plan.workloads.items():
            owner = plan.workloads[w.sidecar_of] if w.sidecar_of else w
            inits = {c["name"] for c in pod(workloads[owner.name]).get("initContainers", [])}
            for dep in w.service.depends_on:
                if dep not in plan.workloads or dep == w.sidecar_of:
                    continue  # disabled by its profiles (optional), or the same pod
                checked += 1
                wait = dns_label(f"wait-for-{plan.workloads[dep].name}")
                if wait not in inits and not any(f"{w.name}-{wait}" == i for i in inits) \
                        and (compose_name, "job-started") not in explained:
                    problems.append(f"{name}: {compose_name} does not wait for {dep}")
    assert problems == [], "\n".join(problems)
    assert checked > 50
