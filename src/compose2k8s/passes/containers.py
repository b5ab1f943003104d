"""Container and pod fields: command, user, security, resources, tmpfs, hosts, signals."""
from __future__ import annotations

import re
from typing import Any

from ..compose.units import parse_bytes
from ..ir.model import Plan, Workload
from ..mappings import read_table
from ..names import dns_label
from .images import image_base
from .kube_text import escape_expansion, quantity_cpu, quantity_memory, run_as, seconds

SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
PULL_POLICIES = {"always": "Always", "never": "Never", "missing": "IfNotPresent", "if_not_present": "IfNotPresent"}


def _entrypoint_and_command(plan: Plan, w: Workload) -> None:
    """entrypoint → command, command → args. Docker fills an empty command from the image's CMD
    unless the entrypoint is overridden (`command: []` changes nothing), and runs no ENTRYPOINT
    for `entrypoint: []`. Kubernetes cannot clear an ENTRYPOINT (an empty `command` is unset):
    with a command, that command becomes the container's; without one it is reported."""
    svc, c = w.service, w.container
    if svc.entrypoint == [] and svc.command:
        c["command"] = escape_expansion(svc.command)
        plan.trace(svc.name, "command", f"{w.kind} {w.name} containers[0].command (entrypoint: [] runs the "
                   "command without the image's ENTRYPOINT)")
        return
    if svc.entrypoint:
        c["command"] = escape_expansion(svc.entrypoint)
        plan.trace(svc.name, "entrypoint", f"{w.kind} {w.name} containers[0].command")
    elif svc.entrypoint == []:
        plan.warn(svc.name, "entrypoint", "entrypoint-cleared",
                  "entrypoint: [] makes Docker run the image's CMD without its ENTRYPOINT; Kubernetes cannot clear "
                  "an ENTRYPOINT, so the image's ENTRYPOINT still runs",
                  "write the image's CMD as command: (docker image inspect -f '{{json .Config.Cmd}}' IMAGE); it "
                  "then replaces the ENTRYPOINT")
    if svc.command:
        c["args"] = escape_expansion(svc.command)
        plan.trace(svc.name, "command", f"{w.kind} {w.name} containers[0].args")
    elif svc.command == [] and not svc.entrypoint:
        plan.warn(svc.name, "command", "command-empty", "command: [] does not clear the image's CMD: Docker fills "
                  "an empty command from the image, and so does Kubernetes", severity="info")


def _command(plan: Plan, w: Workload) -> None:
    svc, c = w.service, w.container
    _entrypoint_and_command(plan, w)
    if svc.working_dir:
        c["workingDir"] = svc.working_dir
        plan.trace(svc.name, "working_dir", f"{w.kind} {w.name} containers[0].workingDir")
    if svc.tty:
        c["tty"] = True
        plan.trace(svc.name, "tty", f"{w.kind} {w.name} containers[0].tty")
    if svc.stdin_open:
        c["stdin"] = True
        plan.trace(svc.name, "stdin_open", f"{w.kind} {w.name} containers[0].stdin")
    if svc.pull_policy:
        policy = PULL_POLICIES.get(svc.pull_policy)
        if policy:
            c["imagePullPolicy"] = policy
            plan.trace(svc.name, "pull_policy", f"{w.kind} {w.name} containers[0].imagePullPolicy")
        else:
            plan.warn(svc.name, "pull_policy", "pull-policy", f"pull_policy {svc.pull_policy} has no equivalent",
                      "images are pulled by the kubelet; build and push the image first")
    if not svc.image:
        plan.warn(svc.name, "build", "build-only", "service has build: but no image:",
                  "build and push the image, then set image: to its registry name")
        c["image"] = f"{dns_label(svc.name)}:REPLACE_ME"


def _security(plan: Plan, w: Workload) -> None:
    svc = w.service
    sc: dict[str, Any] = {}
    pod_sc: dict[str, Any] = {}
    if svc.user:
        ids = run_as(svc.user)
        if ids:
            sc.update(ids)
            plan.trace(svc.name, "user", f"{w.kind} {w.name} securityContext.runAsUser")
        else:
            plan.warn(svc.name, "user", "user-name", f"user '{svc.user}' is a name; Kubernetes needs a numeric uid",
                      "use user: \"<uid>:<gid>\" in compose or set runAsUser in an overlay")
    if svc.read_only:
        sc["readOnlyRootFilesystem"] = True
        plan.trace(svc.name, "read_only", f"{w.kind} {w.name} securityContext.readOnlyRootFilesystem")
    if svc.privileged:
        sc["privileged"] = True
        plan.warn(svc.name, "privileged", "privileged", "runs privileged, as in compose",
                  "Pod Security 'restricted' and 'baseline' namespaces refuse it", severity="info")
        plan.trace(svc.name, "privileged", f"{w.kind} {w.name} securityContext.privileged")
    caps: dict[str, list[str]] = {}
    if svc.cap_add:
        caps["add"] = sorted({c.upper().removeprefix("CAP_") for c in svc.cap_add})
        plan.trace(svc.name, "cap_add", f"{w.kind} {w.name} securityContext.capabilities.add")
    if svc.cap_drop:
        caps["drop"] = sorted({c.upper().removeprefix("CAP_") for c in svc.cap_drop})
        plan.trace(svc.name, "cap_drop", f"{w.kind} {w.name} securityContext.capabilities.drop")
    if caps:
        sc["capabilities"] = caps
    for opt in svc.security_opt:
        parts = re.split(r"[:=]", opt, maxsplit=1)
        name, value = parts[0], (parts[1] if len(parts) > 1 else "")
        if name == "no-new-privileges" and value in ("", "true"):
            sc["allowPrivilegeEscalation"] = False
        elif name == "seccomp" and value == "unconfined":
            sc["seccompProfile"] = {"type": "Unconfined"}
        elif name == "seccomp" and value:
            sc["seccompProfile"] = {"type": "Localhost", "localhostProfile": value}
            plan.warn(svc.name, "security_opt", "seccomp-file", f"seccomp profile {value} must exist on every node",
                      "copy it to the kubelet's seccomp folder", severity="info")
        else:
            plan.warn(svc.name, "security_opt", "security-opt", f"security_opt '{opt}' is not mapped",
                      "set the pod securityContext by hand in an overlay")
            continue
        plan.trace(svc.name, "security_opt", f"{w.kind} {w.name} securityContext ({opt})")
    if svc.sysctls:
        safe = {k: v for k, v in svc.sysctls.items() if k in SAFE_SYSCTLS}
        for key in sorted(set(svc.sysctls) - set(safe)):
            plan.warn(svc.name, "sysctls", "unsafe-sysctl", f"sysctl {key} is not in the kubelet's safe set; dropped",
                      "allow it with --allowed-unsafe-sysctls on the nodes and add it in an overlay")
        if safe:
            pod_sc["sysctls"] = [{"name": k, "value": str(v)} for k, v in sorted(safe.items())]
            plan.trace(svc.name, "sysctls", f"{w.kind} {w.name} securityContext.sysctls")
    group_add = [g for g in svc.extra("group_add") or [] if str(g).isdigit()]
    if group_add:
        pod_sc["supplementalGroups"] = [int(g) for g in group_add]
        plan.trace(svc.name, "group_add", f"{w.kind} {w.name} securityContext.supplementalGroups")
    if sc:
        w.container["securityContext"] = sc
    if pod_sc:
        w.pod["securityContext"] = pod_sc


def _resources(plan: Plan, w: Workload) -> None:
    svc = w.service
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    res = svc.deploy.resources if svc.deploy and svc.deploy.resources else None
    if res and res.limits:
        if res.limits.cpus:
            limits["cpu"] = quantity_cpu(res.limits.cpus)
        if res.limits.memory:
            limits["memory"] = quantity_memory(res.limits.memory)
    if res and res.reservations:
        if res.reservations.cpus:
            requests["cpu"] = quantity_cpu(res.reservations.cpus)
        if res.reservations.memory:
            requests["memory"] = quantity_memory(res.reservations.memory)
        if res.reservations.devices:
            gpus = sum(int(d.get("count", 1)) if str(d.get("count", 1)).isdigit() else 1
                       for d in res.reservations.devices if "gpu" in (d.get("capabilities") or []))
            if gpus:
                limits["nvidia.com/gpu"] = str(gpus)
                plan.warn(svc.name, "deploy", "gpu", "GPU request needs the NVIDIA device plugin", severity="info")
    if svc.cpus and "cpu" not in limits:
        limits["cpu"] = quantity_cpu(svc.cpus)
        plan.trace(svc.name, "cpus", f"{w.kind} {w.name} resources.limits.cpu")
    if svc.mem_limit and "memory" not in limits:
        limits["memory"] = quantity_memory(svc.mem_limit)
        plan.trace(svc.name, "mem_limit", f"{w.kind} {w.name} resources.limits.memory")
    if svc.mem_reservation and "memory" not in requests:
        requests["memory"] = quantity_memory(svc.mem_reservation)
        plan.trace(svc.name, "mem_reservation", f"{w.kind} {w.name} resources.requests.memory")
    if res:
        plan.trace(svc.name, "deploy", f"{w.kind} {w.name} resources")
    resources = {k: v for k, v in (("limits", limits), ("requests", requests)) if v}
    if resources:
        w.container["resources"] = resources


def _pod(plan: Plan, w: Workload) -> None:
    svc = w.service
    if svc.stop_grace_period is not None:
        w.pod["terminationGracePeriodSeconds"] = seconds(svc.stop_grace_period, 0)
        plan.trace(svc.name, "stop_grace_period", f"{w.kind} {w.name} terminationGracePeriodSeconds")
    if svc.extra_hosts:
        by_ip: dict[str, list[str]] = {}
        items = svc.extra_hosts.items() if isinstance(svc.extra_hosts, dict) else (
            re.split(r"[=:]", h, maxsplit=1) for h in svc.extra_hosts)
        for host, ip in items:
            ips = ip if isinstance(ip, list) else [str(ip)]
            for address in ips:
                if address == "host-gateway":
                    plan.warn(svc.name, "extra_hosts", "host-gateway", f"{host}:host-gateway has no pod equivalent",
                              "point it at a Service or the node IP in an overlay")
                    continue
                by_ip.setdefault(address.strip("[]"), []).append(str(host))
        if by_ip:
            w.pod["hostAliases"] = [{"ip": ip, "hostnames": sorted(h)} for ip, h in sorted(by_ip.items())]
            plan.trace(svc.name, "extra_hosts", f"{w.kind} {w.name} hostAliases")
    if svc.hostname:
        w.pod["hostname"] = dns_label(svc.hostname)
        plan.trace(svc.name, "hostname", f"{w.kind} {w.name} hostname and Service alias")
    network_mode = svc.extra("network_mode")
    if network_mode == "host":
        w.pod["hostNetwork"] = True
        plan.warn(svc.name, "network_mode", "host-network", "uses the node's network, as network_mode: host did")
    if svc.extra("pid") == "host":
        w.pod["hostPID"] = True
        plan.trace(svc.name, "pid", f"{w.kind} {w.name} hostPID")
    platform = svc.extra("platform")
    if platform:
        os_name, _, arch = str(platform).partition("/")
        arch, _, variant = arch.partition("/")
        w.pod["nodeSelector"] = {"kubernetes.io/os": os_name, **({"kubernetes.io/arch": arch} if arch else {})}
        plan.trace(svc.name, "platform", f"{w.kind} {w.name} nodeSelector")
        if variant:
            plan.warn(svc.name, "platform", "platform-variant", f"platform variant {variant} dropped: nodes are "
                      "selected by operating system and architecture only",
                      f"make sure the {arch} nodes can run {arch}/{variant} images", severity="info")
    userns = svc.extra("userns_mode")
    if userns == "host":
        plan.trace(svc.name, "userns_mode", f"{w.kind} {w.name} no user namespace (the default, hostUsers true)")
    elif userns:
        w.pod["hostUsers"] = False
        plan.trace(svc.name, "userns_mode", f"{w.kind} {w.name} hostUsers false")
        plan.warn(svc.name, "userns_mode", "user-namespace", f"userns_mode {userns}: the pod gets its own user "
                  "namespace (hostUsers: false), which needs the UserNamespacesSupport feature (on by default "
                  "from Kubernetes 1.33)", "check that the cluster and its container runtime support it",
                  severity="info")
    dns = {k: v for k, v in (("nameservers", svc.extra("dns")), ("searches", svc.extra("dns_search")))
           if v}
    if svc.extra("dns_opt"):
        dns["options"] = [{"name": o.split(":")[0], **({"value": o.split(":", 1)[1]} if ":" in o else {})}
                          for o in svc.dns_opt]
    if dns:
        w.pod["dnsConfig"] = {k: (v[:3] if k == "nameservers" else v) for k, v in dns.items()}
        plan.trace(svc.name, "dns", f"{w.kind} {w.name} dnsConfig")
    runtime = svc.extra("runtime")
    if runtime:
        w.pod["runtimeClassName"] = dns_label(runtime)
        plan.trace(svc.name, "runtime", f"{w.kind} {w.name} runtimeClassName (a RuntimeClass must exist)")
    if svc.extra("domainname"):
        w.pod["subdomain"] = dns_label(svc.domainname)
    if svc.tmpfs:
        for index, entry in enumerate(svc.tmpfs):
            path, _, opts = entry.partition(":")
            size = re.search(r"size=(\w+)", opts)
            empty: dict[str, Any] = {"medium": "Memory"}
            if size:
                empty["sizeLimit"] = quantity_memory(parse_bytes(size.group(1)))
            name = f"tmpfs-{index}"
            w.mount({"name": name, "emptyDir": empty}, {"name": name, "mountPath": path})
        plan.trace(svc.name, "tmpfs", f"{w.kind} {w.name} emptyDir medium Memory")
    if svc.shm_size:
        w.mount({"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": quantity_memory(svc.shm_size)}},
                {"name": "dshm", "mountPath": "/dev/shm"})
        plan.trace(svc.name, "shm_size", f"{w.kind} {w.name} emptyDir at /dev/shm")
    if svc.init:
        plan.warn(svc.name, "init", "init", "init: true has no direct equivalent; no init process is injected",
                  "use an image with tini as entrypoint if the process does not reap children", severity="info")
    if svc.extra("stop_signal"):
        plan.warn(svc.name, "stop_signal", "stop-signal", f"stop_signal {svc.stop_signal} is not set",
                  "Kubernetes sends SIGTERM; handle it, or add a preStop hook")
    if svc.extra("ulimits"):
        message = f"ulimits {', '.join(sorted(svc.ulimits))} are not mapped; the container runtime's defaults apply"
        hint = "raise them in the node's container runtime configuration if the service needs them"
        if "memlock" in svc.ulimits and str(svc.environment.get("bootstrap.memory_lock")).lower() == "true":
            message += ("; with bootstrap.memory_lock=true the heap cannot be locked (a logged warning on a "
                        "single node, a failed bootstrap check in a cluster)")
            hint = "set bootstrap.memory_lock to false, or raise memlock in the nodes' container runtime"
        plan.warn(svc.name, "ulimits", "ulimits", message, hint)


def _annotations(plan: Plan, w: Workload) -> None:
    svc = w.service
    own = {k: v for k, v in svc.labels.items() if not k.startswith(("compose2k8s.", "kompose."))}
    annotations = svc.extra("annotations") or {}
    w.annotations = {**{k: str(v) for k, v in own.items()}, **{k: str(v) for k, v in annotations.items()}}
    if own:
        plan.trace(svc.name, "labels", f"{w.kind} {w.name} metadata.annotations")


def _image_needs(plan: Plan, w: Workload) -> None:
    """Node sysctls an image needs (mappings/image-needs.yaml) → a privileged init container."""
    table = read_table("image-needs")
    needs = table["images"].get(image_base(w.service.image))
    if not needs:
        return
    script = "".join(f"sysctl -w {k}={v}\n" for k, v in sorted(needs["sysctls"].items()))
    w.init_containers.append({"name": "init-sysctl", "image": table["image"], "command": ["sh", "-c", script],
                              "securityContext": {"privileged": True}})
    plan.warn(w.service.name, "image", "node-sysctl",
              f"{image_base(w.service.image)} needs {', '.join(sorted(needs['sysctls']))} on the node: set by a "
              "privileged init container init-sysctl", "or set it on the nodes and remove the init container",
              severity="info")


def run(plan: Plan) -> Plan:
    for workload in plan.workloads.values():
        _image_needs(plan, workload)
        _command(plan, workload)
        _security(plan, workload)
        _resources(plan, workload)
        _pod(plan, workload)
        _annotations(plan, workload)
    return plan
