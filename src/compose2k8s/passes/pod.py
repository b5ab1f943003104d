"""Pod fields, one function per family of compose keys: security (sysctls, groups, Kompose's
fsGroup and ServiceAccount labels), stopping, host names and DNS, host namespaces, placement, user namespaces, the runtime,
memory-backed folders, the init process, and runtime limits that cannot be kept.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..analysis.kompose_labels import label, number
from ..compose.units import parse_bytes
from ..ir.model import Plan, Workload
from ..kube_text import quantity_memory, seconds
from ..names import dns_label
from ..tables.workloads import pod_security

FS_GROUP_LABEL = "kompose.security-context.fsgroup"
SERVICE_ACCOUNT_LABEL = "kompose.serviceaccount-name"


def _pod_security(plan: Plan, w: Workload) -> None:
    svc = w.service
    pod_sc: dict[str, Any] = {}
    if svc.sysctls:
        safe = {k: v for k, v in svc.sysctls.items() if k in pod_security().safe_sysctls}
        for key in sorted(set(svc.sysctls) - set(safe)):
            plan.note(svc.name, "sysctls", "unsafe-sysctl", f"sysctl {key} is not in the kubelet's safe set; dropped",
                      "allow it with --allowed-unsafe-sysctls on the nodes and add it in an overlay")
        if safe:
            pod_sc["sysctls"] = [{"name": k, "value": str(v)} for k, v in sorted(safe.items())]
            plan.trace_field(w, "sysctls", "securityContext.sysctls")
    groups = [str(g) for g in svc.extra("group_add") or []]
    numeric = [int(g) for g in groups if g.isdigit()]
    if numeric:
        pod_sc["supplementalGroups"] = numeric
        plan.trace_field(w, "group_add", "securityContext.supplementalGroups")
    named = [g for g in groups if not g.isdigit()]
    if named:
        plan.note(svc.name, "group_add", "group-name", f"group(s) {', '.join(named)} are names: a pod's "
                  "supplementalGroups are numeric ids, so they are not added", "write the group ids (getent group "
                  f"{named[0]} in the image gives it)")
    fs_group = number(svc, FS_GROUP_LABEL)
    if fs_group is not None:
        pod_sc["fsGroup"] = fs_group
        plan.trace_field(w, "labels", f"securityContext.fsGroup {fs_group} ({FS_GROUP_LABEL})")
    if pod_sc:
        w.pod["securityContext"] = pod_sc


def _service_account(plan: Plan, w: Workload) -> None:
    """kompose.serviceaccount-name: the pod runs as that account, with its API token."""
    account = label(w.service, SERVICE_ACCOUNT_LABEL)
    if not account:
        return
    w.pod["serviceAccountName"] = dns_label(account)
    plan.trace_field(w, "labels", f"serviceAccountName {dns_label(account)} ({SERVICE_ACCOUNT_LABEL})")
    plan.note(w.service.name, "labels", "service-account", f"runs as ServiceAccount {dns_label(account)} "
              f"({SERVICE_ACCOUNT_LABEL}), with its API token mounted: create the account and its RBAC in each "
              "namespace", f"kubectl -n <namespace> create serviceaccount {dns_label(account)}")


def _stopping(plan: Plan, w: Workload) -> None:
    svc = w.service
    if svc.stop_grace_period is not None:
        w.pod["terminationGracePeriodSeconds"] = seconds(svc.stop_grace_period, 0)
        plan.trace_field(w, "stop_grace_period", "terminationGracePeriodSeconds")


def _extra_hosts(plan: Plan, w: Workload) -> None:
    svc = w.service
    if not svc.extra_hosts:
        return
    by_ip: dict[str, list[str]] = {}
    items = svc.extra_hosts.items() if isinstance(svc.extra_hosts, dict) else (
        re.split(r"[=:]", h, maxsplit=1) for h in svc.extra_hosts)
    for host, ip in items:
        for address in ip if isinstance(ip, list) else [str(ip)]:
            if address == "host-gateway":
                plan.note(svc.name, "extra_hosts", "host-gateway", f"{host}:host-gateway has no pod equivalent",
                          "point it at a Service or the node IP in an overlay")
                continue
            by_ip.setdefault(address.strip("[]"), []).append(str(host))
    if by_ip:
        w.pod["hostAliases"] = [{"ip": ip, "hostnames": sorted(h)} for ip, h in sorted(by_ip.items())]
        plan.trace_field(w, "extra_hosts", "hostAliases")


def _host_namespaces(plan: Plan, w: Workload) -> None:
    svc = w.service
    if svc.hostname:
        label, _, domain = svc.hostname.partition(".")
        w.pod["hostname"] = dns_label(label)
        plan.trace_field(w, "hostname", "hostname" + ("" if domain else " and Service alias"))
        if domain:
            plan.note(svc.name, "hostname", "hostname-fqdn", f"hostname {svc.hostname}: the pod's hostname is "
                      f"{dns_label(label)}; its domain ({domain}) cannot be the pod's own (`hostname -f` differs)",
                      "if the service reads its domain from its hostname, give it the domain another way "
                      "(docker-mailserver: OVERRIDE_HOSTNAME)")
    if svc.extra("network_mode") == "host":
        w.pod["hostNetwork"] = True
        w.pod["dnsPolicy"] = "ClusterFirstWithHostNet"  # on the node's network, still resolve Services
        plan.trace_field(w, "network_mode", "hostNetwork, dnsPolicy ClusterFirstWithHostNet")
        plan.note(svc.name, "network_mode", "host-network", "uses the node's network, as network_mode: host did",
                  "its ports are the node's: one pod per node at most; Pod Security baseline refuses it",
                  severity="info")
    for key, field in (("pid", "hostPID"), ("ipc", "hostIPC")):
        mode = svc.extra(key)
        if mode == "host":
            w.pod[field] = True
            plan.trace_field(w, key, field)
        elif mode in ("private", "shareable") and key == "ipc":
            plan.trace_field(w, key, "the pod's own IPC namespace (the default)")
        elif mode:
            plan.note(svc.name, key, f"{key}-mode", f"{key}: {mode} is not mapped: only host (or a namespace of "
                      "the pod's own) can be expressed", f"run the services in one pod if they share {key}")


def _platform(plan: Plan, w: Workload) -> None:
    svc = w.service
    platform = svc.extra("platform")
    if not platform:
        return
    os_name, _, arch = str(platform).partition("/")
    arch, _, variant = arch.partition("/")
    w.pod["nodeSelector"] = {"kubernetes.io/os": os_name, **({"kubernetes.io/arch": arch} if arch else {})}
    plan.trace_field(w, "platform", "nodeSelector")
    if variant:
        plan.note(svc.name, "platform", "platform-variant", f"platform variant {variant} dropped: nodes are "
                  "selected by operating system and architecture only",
                  f"make sure the {arch} nodes can run {arch}/{variant} images", severity="info")


def _user_namespace(plan: Plan, w: Workload) -> None:
    userns = w.service.extra("userns_mode")
    if userns == "host":
        plan.trace_field(w, "userns_mode", "no user namespace (the default, hostUsers true)")
    elif userns:
        w.pod["hostUsers"] = False
        plan.trace_field(w, "userns_mode", "hostUsers false")
        plan.note(w.service.name, "userns_mode", "user-namespace", f"userns_mode {userns}: the pod gets its own "
                  "user namespace (hostUsers: false), which needs the UserNamespacesSupport feature (on by "
                  "default from Kubernetes 1.33)", "check that the cluster and its container runtime support it",
                  severity="info")


def _dns(plan: Plan, w: Workload) -> None:
    svc = w.service
    dns: dict[str, Any] = {}
    for key, field in (("dns", "nameservers"), ("dns_search", "searches")):
        if svc.extra(key):
            dns[field] = svc.extra(key)
            plan.trace_field(w, key, f"dnsConfig.{field}")
    if svc.extra("dns_opt"):
        dns["options"] = [{"name": o.split(":")[0], **({"value": o.split(":", 1)[1]} if ":" in o else {})}
                          for o in svc.dns_opt]
        plan.trace_field(w, "dns_opt", "dnsConfig.options")
    if dns:
        w.pod["dnsConfig"] = {k: (v[:3] if k == "nameservers" else v) for k, v in dns.items()}
    if svc.extra("domainname"):
        w.pod["subdomain"] = dns_label(svc.domainname)
        plan.trace_field(w, "domainname", "subdomain")


def _runtime(plan: Plan, w: Workload) -> None:
    runtime = w.service.extra("runtime")
    if runtime:
        w.pod["runtimeClassName"] = dns_label(runtime)
        plan.trace_field(w, "runtime", "runtimeClassName (a RuntimeClass must exist)")


def _memory_folders(plan: Plan, w: Workload) -> None:
    svc = w.service
    for index, entry in enumerate(svc.tmpfs):
        path, _, opts = entry.partition(":")
        size = re.search(r"size=(\w+)", opts)
        empty: dict[str, Any] = {"medium": "Memory"}
        if size:
            empty["sizeLimit"] = quantity_memory(parse_bytes(size.group(1)))
        w.mount({"name": f"tmpfs-{index}", "emptyDir": empty}, {"name": f"tmpfs-{index}", "mountPath": path})
    if svc.tmpfs:
        plan.trace_field(w, "tmpfs", "emptyDir medium Memory")
    if svc.shm_size:
        w.mount({"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": quantity_memory(svc.shm_size)}},
                {"name": "dshm", "mountPath": "/dev/shm"})
        plan.trace_field(w, "shm_size", "emptyDir at /dev/shm")


def _init_process(plan: Plan, w: Workload) -> None:
    """init: true → the pod's pause container is PID 1 and reaps zombies, as tini would."""
    if w.service.init:
        w.pod["shareProcessNamespace"] = True
        plan.trace_field(w, "init", "shareProcessNamespace (the pause container reaps zombies)")
        plan.note(w.service.name, "init", "init", "init: true: the pod shares one process namespace, whose PID 1 "
                  "(the pause container) reaps zombie processes as Docker's init did",
                  "the app no longer runs as PID 1, as under Docker's init; its containers see each other's "
                  "processes", severity="info")


LOCAL_LOG_DRIVERS = ("json-file", "local", "none")  # docker logs reads them; kubectl logs reads the kubelet's


def _logging(plan: Plan, w: Workload) -> None:
    """logging: the node's logging, not the pod's. A local driver loses nothing (kubectl logs shows
    the output, the kubelet rotates it); any other shipped the logs somewhere: that is lost."""
    logging = w.service.extra("logging")
    if not isinstance(logging, dict):
        return
    driver = str(logging.get("driver") or "json-file")
    if driver in LOCAL_LOG_DRIVERS:
        plan.note(w.service.name, "logging", "logging-local", f"logging driver {driver}: `kubectl logs` shows the "
                  "output, the kubelet rotates it (its containerLogMaxSize and containerLogMaxFiles, not these "
                  "options)", severity="info")
    else:
        plan.note(w.service.name, "logging", "logging-driver", f"logs are no longer sent to the {driver} driver: "
                  "`kubectl logs` shows them, nothing ships them", f"run a log shipper that sends pod logs to "
                  f"{driver} (Fluent Bit, Vector, the OpenTelemetry collector)")


def _runtime_limits(plan: Plan, w: Workload) -> None:
    """stop_signal and ulimits: set by the container runtime, not by a pod."""
    svc = w.service
    if svc.extra("stop_signal"):
        plan.note(svc.name, "stop_signal", "stop-signal", f"stop_signal {svc.stop_signal} is not set",
                  "Kubernetes sends SIGTERM; handle it, or add a preStop hook")
    if svc.extra("ulimits"):
        message = f"ulimits {', '.join(sorted(svc.ulimits))} are not mapped; the container runtime's defaults apply"
        hint = "raise them in the node's container runtime configuration if the service needs them"
        if "memlock" in svc.ulimits and str(svc.environment.get("bootstrap.memory_lock")).lower() == "true":
            message += ("; with bootstrap.memory_lock=true the heap cannot be locked (a logged warning on a "
                        "single node, a failed bootstrap check in a cluster)")
            hint = "set bootstrap.memory_lock to false, or raise memlock in the nodes' container runtime"
        plan.note(svc.name, "ulimits", "ulimits", message, hint)


POD_FIELDS: tuple[Callable[[Plan, Workload], None], ...] = (
    _pod_security, _service_account, _stopping, _extra_hosts, _host_namespaces, _platform, _user_namespace, _dns, _runtime,
    _memory_folders, _init_process, _logging, _runtime_limits)


def run(plan: Plan) -> Plan:
    for workload in plan.workloads.values():
        for family in POD_FIELDS:
            family(plan, workload)
    return plan
