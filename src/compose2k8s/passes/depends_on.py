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
from functools import cache, lru_cache
from typing import Any

from ..compose.model import Dependency
from ..ir.model import Plan, Workload
from ..mappings import read_table
from ..names import dns_label
from .healthcheck import argv, rules
from .kube_text import escape_expansion


@cache
def _rules() -> dict[str, Any]:
    return read_table("wait-rules")


def _loop(check: str, what: str) -> str:
    """A POSIX sh loop that runs `check` until it succeeds, bounded and logging."""
    table = _rules()
    attempts, pause = table["attempts"], table["sleep_seconds"]
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
    return {"image": _rules()["images"]["tcp"],
            "command": ["sh", "-c", _loop(f"nc -z -w 2 {host} {port}", f"{host}:{port}")]}


def _retarget_urls(text: str, host: str, ports: set[int]) -> str | None:
    """Point every http(s)://localhost:PORT URL at `host`; None if a port is not served."""
    ok = True

    def swap(match: re.Match[str]) -> str:
        nonlocal ok
        port = int(match.group(3)) if match.group(3) else (443 if match.group(1) == "https" else 80)
        if port not in ports:
            ok = False
        return f"{match.group(1)}://{host}:{port}"
    locals_ = "|".join(re.escape(h) for h in rules()["local_hosts"])
    result = re.sub(rf"(https?)://({locals_})(?::(\d+))?", swap, text)
    return result if ok and result != text else None


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """shlex.split, once per distinct healthcheck (stacks repeat the same few); unbalanced
    quotes split on spaces."""
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def _healthy(dep: Workload, host: str) -> tuple[dict[str, Any], str] | None:
    """(init container, description) rerunning the dependency's healthcheck, or None."""
    check = dep.service.healthcheck
    if not check or not check.test or check.disable or check.test[0] == "NONE":
        return None
    words, shell = argv(check.test)
    ports = {p.port for p in dep.ports}
    text = shell if shell is not None else shlex.join(words)
    tool = (_words(text) or ("",))[0].rsplit("/", 1)[-1] if text else ""
    if tool in rules()["http_clients"]:
        retargeted = _retarget_urls(text, host, ports)
        if retargeted:
            return {"image": _rules()["images"]["http"], "command": ["sh", "-c", _loop(retargeted, host)]}, \
                f"its healthcheck against the Service ({retargeted})"
    client = _rules()["clients"].get(tool)
    if client and (shell is None or not re.search(r"[|&;<>`$]", text)):  # one plain client command
        first_port = dep.ports[0].port if dep.ports else None
        if first_port is not None:
            extra = [a.format(host=host, port=first_port) for a in client["add"]]
            words = list(_words(text))
            command = shlex.join(words[:1] + extra + words[1:])  # flags before the client's own command
            image = dep.container["image"] if client["image"] == "self" else client["image"]
            return {"image": image, "command": ["sh", "-c", _loop(command, host)]}, \
                f"its healthcheck against the Service ({command})"
    return None


def _job_wait(dep: Workload) -> dict[str, Any]:
    """An init container that waits for the Job `dep` to complete (see `_job_access`)."""
    timeout = _rules()["attempts"] * _rules()["sleep_seconds"]
    return {"image": _rules()["images"]["kubectl"],
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
    if dep.ports and "readinessProbe" not in dep.container and dep.kind not in ("Job", "CronJob"):
        dep.container["readinessProbe"] = {"tcpSocket": {"port": dep.ports[0].port}, "periodSeconds": 5,
                                           "failureThreshold": 3}
        plan.trace(dep.service.name, "ports", f"{dep.kind} {dep.name} readinessProbe tcpSocket "
                   f"{dep.ports[0].port} (a dependency)")


def _wait(plan: Plan, w: Workload, dep_name: str, spec: Dependency, jobs: list[str]) -> dict[str, Any] | None:
    """The init container that waits for `dep_name`; a Job waited for is added to `jobs`."""
    dep = plan.workloads[dep_name]
    name = w.service.name
    if spec.condition == "service_completed_successfully":
        if dep.kind not in ("Job",):
            plan.warn(name, "depends_on", "completion-not-job", f"waits for {dep_name} to complete, but it is a "
                      f"{dep.kind}; waiting for it to start instead", "give the dependency restart: \"no\"")
        else:
            jobs.append(dep.name)
            return _job_wait(dep)
    host = dep.client_service
    if not host or not dep.ports:
        plan.warn(name, "depends_on", "nothing-to-wait-for", f"{dep_name} has no port, so there is nothing to "
                  "wait for; start order is not kept", "declare the port it listens on (expose:)")
        return None
    if spec.condition == "service_healthy":
        healthy = _healthy(dep, host)
        if healthy:
            container, how = healthy
            plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: {how}")
            return container
        plan.warn(name, "depends_on", "health-as-tcp",
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
                plan.warn(compose_name, "depends_on", "optional-dependency",
                          f"{dep_name} is optional (required: false): no wait", severity="info")
                continue
            if spec.restart:
                plan.warn(compose_name, "depends_on", "restart-on-dependency",
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
