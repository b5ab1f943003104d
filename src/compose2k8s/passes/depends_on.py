"""depends_on → one init container per dependency, `wait-for-<dependency>`: a POSIX sh loop
on a pinned image that retries its check until it succeeds, bounded (mappings/wait-rules.yaml):

- service_started: TCP on the port the service uses on its dependency (else the
  dependency's most certain port) through the dependency's Service; a dependency with no
  known port is waited for until its name resolves (its headless Service lists only ready pods);
- service_healthy: the dependency's own healthcheck run against its Service when it is a
  network check (curl/wget URLs and database clients re-pointed at the Service), else as
  service_started: a Service routes only to pods whose readinessProbe (the healthcheck) passes;
- service_completed_successfully: `kubectl wait` for the Job, under a ServiceAccount whose
  Role may only get/list/watch that Job.

The check runs in a subshell, so an `exit` in a pasted healthcheck ends one attempt, not the
wait. An optional dependency (`required: false`) that is converted is waited for as Compose
does, but the pod starts without it when the wait runs out. Dependencies that listen and have
no healthcheck get a TCP readinessProbe, so Services route only to pods that accept connections.
"""
from __future__ import annotations

import re
import shlex
from functools import lru_cache
from typing import Any

from ..analysis.healthcheck import argv, point_client_at, retarget_local_urls
from ..compose.model import Dependency
from ..ir.model import Plan, Workload, one_shot
from ..kube_text import escape_expansion
from ..names import dns_label
from ..tables.images import helper_images
from ..tables.probes import probe_rules, wait_rules


def wait_script(check: str, what: str, optional: bool = False) -> str:
    """A POSIX sh loop that runs `check` in a subshell until it succeeds, bounded and logging.

    >>> print(wait_script("nc -z -w 2 db 5432", "db:5432"))  # doctest: +ELLIPSIS
    i=0
    until ( nc -z -w 2 db 5432 ); do
    ...
    """
    attempts, pause = wait_rules().attempts, wait_rules().sleep_seconds
    give_up = (f"echo \"{what} is still not ready after {attempts * pause}s; starting without it (optional)\"; "
               "exit 0" if optional else f"echo \"gave up waiting for {what} after {attempts * pause}s\"; exit 1")
    return (f"i=0\n"
            f"until ( {check} ); do\n"
            f"  i=`expr $i + 1`\n"
            f"  if [ \"$i\" -ge {attempts} ]; then {give_up}; fi\n"
            f"  echo \"waiting for {what} ($i/{attempts})\"\n"
            f"  sleep {pause}\n"
            f"done\n"
            f"echo \"{what} is ready\"\n")


def _shell(check: str, what: str, optional: bool, image: str) -> dict[str, Any]:
    return {"image": image, "command": ["sh", "-c", wait_script(check, what, optional)]}


def tcp_check(host: str, port: int) -> str:
    return f"nc -z -w 2 {host} {port}"


def dns_check(host: str) -> str:
    """True once `host` resolves (busybox nc says 'bad address' while it does not)."""
    return f"! nc -z -w 2 {host} 1 2>&1 | grep -q 'bad address'"


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """shlex.split, once per distinct healthcheck (stacks repeat the same few); nothing for
    unbalanced quotes (the check is then not rewritten: the wait falls back to TCP)."""
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return ()


def _healthy(plan: Plan, dep: Workload, host: str, port: int | None) -> tuple[str, str, str] | None:
    """(check, image, description) rerunning the dependency's healthcheck against its Service."""
    check = plan.facts.healthchecks.get(dep.service.name)
    if not check or not check.test:
        return None
    words, shell = argv(check.test)
    text = shell if shell is not None else shlex.join(words)
    parsed = _words(text)
    tool = parsed[0].rsplit("/", 1)[-1] if parsed else ""
    if tool in probe_rules().http_clients:
        retargeted = retarget_local_urls(text, host, {p.port for p in dep.ports})
        if retargeted:
            return retargeted, helper_images().curl, f"its healthcheck against the Service ({retargeted})"
    client = wait_rules().clients.get(tool)
    if client and port is not None and (shell is None or not re.search(r"[|&;<>`$]", text)):
        own = {dep.service.name, *plan.facts.aliases.get(dep.service.name, {})}
        command = shlex.join(point_client_at(list(parsed), client.host, client.port, client.positional,
                                             host, port, own))
        return command, dep.container["image"], f"its healthcheck against the Service ({command})"
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
    port = dep.primary_port
    if port and "readinessProbe" not in dep.container and not one_shot(dep.kind):
        timing = probe_rules().timings["dependency_readiness"]
        dep.container["readinessProbe"] = {"tcpSocket": {"port": port.port}, "periodSeconds": timing.period,
                                           "failureThreshold": timing.failure_threshold}
        plan.trace_field(dep, "ports", f"readinessProbe tcpSocket {port.port} (a dependency)")


def _port_used(plan: Plan, w: Workload, dep: Workload) -> int | None:
    """The port `w` uses on `dep` (the lowest it references), else dep's most certain TCP port."""
    used = sorted(port for port, refs in plan.facts.referenced_ports.get(dep.service.name, {}).items()
                  if any(r.service == w.service.name for r in refs))
    if used:
        return used[0]
    primary = dep.primary_port
    return primary.port if primary else None


def _wait(plan: Plan, w: Workload, dep_name: str, spec: Dependency, jobs: list[str]) -> dict[str, Any] | None:
    """The init container that waits for `dep_name`; a Job waited for is added to `jobs`."""
    dep = plan.workloads[dep_name]
    name = w.service.name
    optional = not spec.required
    if spec.condition == "service_completed_successfully":
        if dep.kind == "Job":
            jobs.append(dep.name)
            plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: kubectl wait for Job "
                       f"{dep.name} to complete")
            return _job_wait(dep)
        plan.note(name, "depends_on", "completion-not-job", f"waits for {dep_name} to complete, but it is a "
                  f"{dep.kind}; waiting for it to start instead", "give the dependency restart: \"no\"")
    pod_owner = dep if dep.client_service or not dep.sidecar_of else plan.workloads[dep.sidecar_of]
    host = pod_owner.client_service
    if not host:
        plan.note(name, "depends_on", "job-started", f"{dep_name} is a {dep.kind}: it starts with the others, "
                  "so there is nothing to wait for", severity="info")
        return None
    port = _port_used(plan, w, pod_owner)
    if spec.condition == "service_healthy":
        healthy = _healthy(plan, dep, host, port)
        if healthy:
            check, image, how = healthy
            plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: {how}")
            return _shell(check, host, optional, image)
        plan.note(name, "depends_on", "health-as-readiness",
                  f"{dep_name}'s healthcheck cannot run from another pod; waiting until {host} answers, which it "
                  "does only once its readinessProbe (the healthcheck) passes", severity="info")
    if port is None:
        plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: until {host} resolves (headless)")
        return _shell(dns_check(host), host, optional, helper_images().busybox)
    plan.trace(name, "depends_on", f"init container wait-for-{dep.name}: TCP {host}:{port}")
    return _shell(tcp_check(host, port), f"{host}:{port}", optional, helper_images().busybox)


def _pod(w: Workload) -> str:
    """The compose service whose pod runs `w`."""
    return w.sidecar_of or w.service.name


def _waits(plan: Plan, compose_name: str, w: Workload) -> tuple[list[dict[str, Any]], list[str]]:
    waits: list[dict[str, Any]] = []
    jobs: list[str] = []
    for dep_name, spec in sorted(w.service.depends_on.items()):
        if dep_name not in plan.workloads:
            why = "a provider service (not converted)" if dep_name in plan.project.services else \
                "optional (required: false) and its profiles disable it"
            plan.note(compose_name, "depends_on", "optional-dependency", f"{dep_name} is {why}: no wait",
                      severity="info")
            continue
        if _pod(plan.workloads[dep_name]) == _pod(w):
            plan.trace(compose_name, "depends_on", f"{dep_name}: the same pod, started together (no wait)")
            continue
        if spec.restart:
            plan.note(compose_name, "depends_on", "restart-on-dependency",
                      f"restart: true on {dep_name} has no equivalent; pods are not restarted with it",
                      "rely on readiness probes and client reconnects", severity="info")
        _ready_probe(plan, plan.workloads[dep_name])
        container = _wait(plan, w, dep_name, spec, jobs)
        if container:
            container["command"] = escape_expansion(container["command"])
            waits.append({"name": dns_label(f"wait-for-{plan.workloads[dep_name].name}"), **container})
    return waits, jobs


def run(plan: Plan) -> Plan:
    for compose_name, w in sorted(plan.workloads.items()):
        waits, jobs = _waits(plan, compose_name, w)
        if jobs:
            _job_access(plan, w, jobs)
        w.init_containers = waits + w.init_containers
    return plan
