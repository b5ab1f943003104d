"""depends_on → one init container per dependency, `wait-for-<dependency>`, with a bounded,
logging loop on a pinned image:

- service_started: the dependency's Service resolves and accepts TCP on its first port;
- service_healthy: the dependency's own healthcheck rerun against its Service (curl/wget
  URLs re-pointed, database clients given -h), else TCP through the Service, which has
  endpoints only while the dependency's readinessProbe passes;
- service_completed_successfully: `kubectl wait` for the Job, under a ServiceAccount whose
  Role may only get/list/watch that Job.

Dependencies that listen also get a readinessProbe, so Services route only to ready pods.
"""
from __future__ import annotations

import re
import shlex
from functools import lru_cache
from typing import Any

from ..analysis.healthcheck import argv, retarget_local_urls
from ..compose.model import Dependency
from ..ir.model import Plan, Workload, one_shot
from ..kube_text import escape_expansion
from ..mappings import helper_images, probe_rules, wait_rules
from ..names import dns_label


def _loop(check: str, what: str) -> str:
    """A POSIX sh loop that runs `check` until it succeeds, bounded and logging."""
    attempts, pause = wait_rules().attempts, wait_rules().sleep_seconds
    return (f"i=0\n"
            f"until {check}; do\n"
            f"  i=`expr $i + 1`\n"
            f"  if [ \"$i\" -ge {attempts} ]; then echo \"gave up waiting for {what} after {attempts * pause}s\"; "
            f"exit 1; fi\n"
            f"  echo \"waiting for {what} ($i/{attempts})\"\n"
            f"  sleep {pause}\n"
            f"done\n"
            f"echo \"{what} is ready\"\n")


def _tcp(host: str, port: int) -> dict[str, Any]:
    return {"image": helper_images().busybox,
            "command": ["sh", "-c", _loop(f"nc -z -w 2 {host} {port}", f"{host}:{port}")]}


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """shlex.split, once per distinct healthcheck (stacks repeat the same few)."""
    return tuple(shlex.split(text))


def _healthy(plan: Plan, dep: Workload, host: str) -> tuple[dict[str, Any], str] | None:
    """(init container, description) rerunning the dependency's healthcheck, or None."""
    check = plan.facts.healthchecks.get(dep.service.name)
    if not check or not check.test:
        return None
    words, shell = argv(check.test)
    ports = {p.port for p in dep.ports}
    text = shell if shell is not None else shlex.join(words)
    tool = (_words(text) or ("",))[0].rsplit("/", 1)[-1] if text else ""
    if tool in probe_rules().http_clients:
        retargeted = retarget_local_urls(text, host, ports)
        if retargeted:
            return {"image": helper_images().curl, "command": ["sh", "-c", _loop(retargeted, host)]}, \
                f"its healthcheck against the Service ({retargeted})"
    client = wait_rules().clients.get(tool)
    if client and (shell is None or not re.search(r"[|&;<>`$]", text)):  # one plain client command
        first_port = dep.ports[0].port if dep.ports else None
        if first_port is not None:
            extra = [a.format(host=host, port=first_port) for a in client.add]
            words = list(_words(text))
            command = shlex.join(words[:1] + extra + words[1:])  # flags before the client's own command
            image = dep.container["image"] if client.image == "self" else client.image
            return {"image": image, "command": ["sh", "-c", _loop(command, host)]}, \
                f"its healthcheck against the Service ({command})"
    return None


def _job_wait(dep: Workload) -> dict[str, Any]:
    """An init container that waits for the Job `dep` to complete (see `_job_access`)."""
    timeout = wait_rules().attempts * wait_rules().sleep_seconds
    return {"image": helper_images().kubectl,
            "command": ["kubectl", "wait", "--for=condition=complete", f"job/{dep.name}", f"--timeout={timeout}s"]}


def _job_access(plan: Plan, w: Workload, jobs: list[str]) -> None:
    """A ServiceAccount for `w` allowed to read exactly the Jobs it waits for."""
    account = dns_label(f"{w.name}-wait-jobs")
    plan.add(w.service.name, {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": plan.meta(account, w),
                              "automountServiceAccountToken": True})
    plan.add(w.service.name, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                              "metadata": plan.meta(account, w),
                              "rules": [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "list", "watch"],
                                         "resourceNames": sorted(set(jobs))}]})
    plan.add(w.service.name, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                              "metadata": plan.meta(account, w),
                              "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": account},
                              "subjects": [{"kind": "ServiceAccount", "name": account}]})
    w.pod["serviceAccountName"] = account


def _ready_probe(plan: Plan, dep: Workload) -> None:
    if dep.ports and "readinessProbe" not in dep.container and not one_shot(dep.kind):
        timing = probe_rules().timings["dependency_readiness"]
        dep.container["readinessProbe"] = {"tcpSocket": {"port": dep.ports[0].port}, "periodSeconds": timing.period,
                                           "failureThreshold": timing.failure_threshold}
        plan.trace_field(dep, "ports", f"readinessProbe tcpSocket {dep.ports[0].port} (a dependency)")


def _wait(plan: Plan, w: Workload, dep_name: str, spec: Dependency, jobs: list[str]) -> dict[str, Any] | None:
    """The init container that waits for `dep_name`; a Job waited for is added to `jobs`."""
    dep = plan.workloads[dep_name]
    name = w.service.name
    if spec.condition == "service_completed_successfully":
        if dep.kind != "Job":
            plan.note(name, "depends_on", "completion-not-job", f"waits for {dep_name} to complete, but it is a "
                      f"{dep.kind}; waiting for it to start instead", "give the dependency restart: \"no\"")
        else:
            jobs.append(dep.name)
            plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: kubectl wait for Job "
                       f"{dep.name} to complete")
            return _job_wait(dep)
    host = dep.client_service
    if not host or not dep.ports:
        plan.note(name, "depends_on", "nothing-to-wait-for", f"{dep_name} has no port, so there is nothing to "
                  "wait for; start order is not kept", "declare the port it listens on (expose:)")
        return None
    if spec.condition == "service_healthy":
        healthy = _healthy(plan, dep, host)
        if healthy:
            container, how = healthy
            plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: {how}")
            return container
        plan.note(name, "depends_on", "health-as-tcp",
                  f"{dep_name}'s healthcheck cannot run from another pod; waiting for TCP on "
                  f"{host}:{dep.ports[0].port}, which answers only once its readinessProbe (the healthcheck) passes",
                  severity="info")
    plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: TCP {host}:{dep.ports[0].port}")
    return _tcp(host, dep.ports[0].port)


def run(plan: Plan) -> Plan:
    for compose_name, w in sorted(plan.workloads.items()):
        waits, jobs = [], []
        for dep_name, spec in sorted(w.service.depends_on.items()):
            if not spec.required:
                disabled = "" if dep_name in plan.workloads else ", and its profiles disable it"
                plan.note(compose_name, "depends_on", "optional-dependency",
                          f"{dep_name} is optional (required: false){disabled}: no wait", severity="info")
                continue
            if spec.restart:
                plan.note(compose_name, "depends_on", "restart-on-dependency",
                          f"restart: true on {dep_name} has no equivalent; pods are not restarted with it",
                          "rely on readiness probes and client reconnects")
            _ready_probe(plan, plan.workloads[dep_name])
            container = _wait(plan, w, dep_name, spec, jobs)
            if container:
                container["command"] = escape_expansion(container["command"])
                waits.append({"name": dns_label(f"wait-for-{plan.workloads[dep_name].name}"), **container})
        if jobs:
            _job_access(plan, w, jobs)
        w.init_containers = waits + w.init_containers
    return plan
