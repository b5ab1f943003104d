"""Container fields: command, image pull, user and security, resources (GPUs too, and
Kompose's ephemeral-storage labels), labels, and node settings an image needs.
"""
from __future__ import annotations

import re
from typing import Any

from ..analysis.images import image_base
from ..analysis.jvm_heap import memory_for, service_heap
from ..analysis.kompose_labels import choice, quantity
from ..ir.model import Plan, Workload
from ..kube_text import escape_expansion, quantity_cpu, quantity_memory, run_as
from ..names import dns_label
from ..tables.images import helper_images, image_needs
from ..tables.workloads import pod_security


def _entrypoint_and_command(plan: Plan, w: Workload) -> None:
    """entrypoint → command, command → args. Docker fills an empty command from the image's CMD
    unless the entrypoint is overridden (`command: []` changes nothing), and runs no ENTRYPOINT
    for `entrypoint: []`. Kubernetes cannot clear an ENTRYPOINT (an empty `command` is unset):
    with a command, that command becomes the container's; without one it is reported."""
    svc, c = w.service, w.container
    if svc.entrypoint == [] and svc.command:
        c["command"] = escape_expansion(svc.command)
        plan.trace_field(w, "command", "containers[0].command (entrypoint: [] runs the command without the "
                         "image's ENTRYPOINT)")
        plan.trace_field(w, "entrypoint", "no ENTRYPOINT: the command is the container's command")
        return
    if svc.entrypoint:
        c["command"] = escape_expansion(svc.entrypoint)
        plan.trace_field(w, "entrypoint", "containers[0].command")
    elif svc.entrypoint == []:
        plan.note(svc.name, "entrypoint", "entrypoint-cleared",
                  "entrypoint: [] makes Docker run the image's CMD without its ENTRYPOINT; Kubernetes cannot clear "
                  "an ENTRYPOINT, so the image's ENTRYPOINT still runs",
                  "write the image's CMD as command: (docker image inspect -f '{{json .Config.Cmd}}' IMAGE); it "
                  "then replaces the ENTRYPOINT")
    if svc.command:
        c["args"] = escape_expansion(svc.command)
        plan.trace_field(w, "command", "containers[0].args")
    elif svc.command == [] and not svc.entrypoint:
        plan.note(svc.name, "command", "command-empty", "command: [] does not clear the image's CMD: Docker fills "
                  "an empty command from the image, and so does Kubernetes", severity="info")


def _command(plan: Plan, w: Workload) -> None:
    svc, c = w.service, w.container
    _entrypoint_and_command(plan, w)
    for key, field, value in (("working_dir", "workingDir", svc.working_dir), ("tty", "tty", svc.tty),
                              ("stdin_open", "stdin", svc.stdin_open)):
        if value:
            c[field] = value
            plan.trace_field(w, key, f"containers[0].{field}")
        elif key in svc.model_fields_set:
            plan.trace_field(w, key, f"containers[0].{field} unset (the default, as written)")


PULL_POLICY_LABEL = "kompose.image-pull-policy"
EPHEMERAL_LABELS = {"requests": "kompose.ephemeral-storage.request", "limits": "kompose.ephemeral-storage.limit"}


def _image(plan: Plan, w: Workload) -> None:
    svc, c = w.service, w.container
    labelled = choice(svc, PULL_POLICY_LABEL, {p.lower(): p for p in ("Always", "IfNotPresent", "Never")})
    if labelled and not svc.pull_policy:
        c["imagePullPolicy"] = labelled
        plan.trace_field(w, "labels", f"containers[0].imagePullPolicy {labelled} ({PULL_POLICY_LABEL})")
    if svc.pull_policy:
        policy = pod_security().pull_policies.get(svc.pull_policy)
        if policy:
            c["imagePullPolicy"] = policy
            plan.trace_field(w, "pull_policy", "containers[0].imagePullPolicy")
        else:
            plan.note(svc.name, "pull_policy", "pull-policy", f"pull_policy {svc.pull_policy} has no equivalent",
                      "images are pulled by the kubelet; build and push the image first")
    if not svc.image:
        plan.note(svc.name, "build", "build-only", "service has build: but no image:",
                  "build and push the image, then set image: to its registry name")
        c["image"] = f"{dns_label(svc.name)}:REPLACE_ME"
    elif svc.build is not None:  # the tree names the image; a cluster builds nothing
        plan.trace_field(w, "build", f"not built: the pods pull {svc.image}")
        plan.note(svc.name, "build", "built-image", f"the pods pull {svc.image}; the cluster builds nothing",
                  f"if no registry has your build of it, push it as {svc.image}", severity="info")


def _user(plan: Plan, w: Workload, sc: dict[str, Any]) -> None:
    svc = w.service
    if not svc.user:
        return
    ids = run_as(svc.user)
    if ids:
        sc.update(ids)
        plan.trace_field(w, "user", "securityContext.runAsUser")
    else:
        plan.note(svc.name, "user", "user-name", f"user '{svc.user}' is a name; Kubernetes needs a numeric uid",
                  "use user: \"<uid>:<gid>\" in compose or set runAsUser in an overlay")


def _capabilities(plan: Plan, w: Workload, sc: dict[str, Any]) -> None:
    svc = w.service
    caps: dict[str, list[str]] = {}
    for key, field, values in (("cap_add", "add", svc.cap_add), ("cap_drop", "drop", svc.cap_drop)):
        if values:
            caps[field] = sorted({c.upper().removeprefix("CAP_") for c in values})
            plan.trace_field(w, key, f"securityContext.capabilities.{field}")
    if caps:
        sc["capabilities"] = caps


def _security_opt(plan: Plan, w: Workload, sc: dict[str, Any]) -> None:
    svc = w.service
    for opt in svc.security_opt:
        parts = re.split(r"[:=]", opt, maxsplit=1)
        name, value = parts[0], (parts[1] if len(parts) > 1 else "")
        if name == "no-new-privileges" and value in ("", "true"):
            sc["allowPrivilegeEscalation"] = False
        elif name == "seccomp" and value == "unconfined":
            sc["seccompProfile"] = {"type": "Unconfined"}
        elif name == "seccomp" and value:
            sc["seccompProfile"] = {"type": "Localhost", "localhostProfile": value}
            plan.note(svc.name, "security_opt", "seccomp-file", f"seccomp profile {value} must exist on every node",
                      "copy it to the kubelet's seccomp folder", severity="info")
        elif name == "apparmor" and value in ("unconfined", "runtime/default", "docker-default"):
            sc["appArmorProfile"] = {"type": "Unconfined" if value == "unconfined" else "RuntimeDefault"}
        elif name == "apparmor" and value:
            sc["appArmorProfile"] = {"type": "Localhost", "localhostProfile": value}
            plan.note(svc.name, "security_opt", "apparmor-profile", f"AppArmor profile {value} must be loaded on "
                      "every node", "load it with apparmor_parser on the nodes", severity="info")
        else:
            plan.note(svc.name, "security_opt", "security-opt", f"security_opt '{opt}' is not mapped",
                      "set the pod securityContext by hand in an overlay")
            continue
        plan.trace_field(w, "security_opt", f"securityContext ({opt})")


def _security(plan: Plan, w: Workload) -> None:
    svc = w.service
    sc: dict[str, Any] = {}
    _user(plan, w, sc)
    if svc.read_only:
        sc["readOnlyRootFilesystem"] = True
        plan.trace_field(w, "read_only", "securityContext.readOnlyRootFilesystem")
    if svc.privileged:
        sc["privileged"] = True
        plan.note(svc.name, "privileged", "privileged", "runs privileged, as in compose",
                  "Pod Security 'restricted' and 'baseline' namespaces refuse it", severity="info")
        plan.trace_field(w, "privileged", "securityContext.privileged")
    _capabilities(plan, w, sc)
    _security_opt(plan, w, sc)
    if sc:
        w.container["securityContext"] = sc


def gpu_count(requests: list[dict[str, Any]]) -> tuple[int, bool]:
    """(GPUs to request, whether some request asked for all of them) from device requests.

    >>> gpu_count([{"capabilities": ["gpu"], "device_ids": ["0", "3"]}, {"capabilities": ["gpu"], "count": 1}])
    (3, False)
    >>> gpu_count([{"capabilities": ["gpu"], "count": "all"}])
    (1, True)
    """
    count, everything = 0, False
    for request in requests:
        if "gpu" not in (request.get("capabilities") or []):
            continue
        if request.get("device_ids"):
            count += len(request["device_ids"])
        elif str(request.get("count", "all")).isdigit():
            count += int(request["count"])
        else:  # count: all, or no count (Compose reserves every matching device)
            count, everything = count + 1, True
    return count, everything


def _gpus(plan: Plan, w: Workload, key: str, requests: list[dict[str, Any]], limits: dict[str, str]) -> None:
    count, everything = gpu_count(requests)
    if not count:
        return
    limits["nvidia.com/gpu"] = str(count)
    plan.trace_field(w, key, f"resources.limits nvidia.com/gpu {count}")
    if everything:
        plan.note(w.service.name, key, "gpu-all", f"a request for all GPUs cannot be expressed: "
                  f"the pod asks for {count}", "write the number of GPUs the service needs (count: N)")
    plan.note(w.service.name, key, "gpu", "GPU request needs the NVIDIA device plugin", severity="info")


def _resources(plan: Plan, w: Workload) -> None:
    svc = w.service
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    res = svc.deploy.resources if svc.deploy and svc.deploy.resources else None
    for spec, out in ((res.limits if res else None, limits), (res.reservations if res else None, requests)):
        if spec and spec.cpus:
            out["cpu"] = quantity_cpu(spec.cpus)
        if spec and spec.memory:
            out["memory"] = quantity_memory(spec.memory)
    if res and res.limits and res.limits.pids:
        plan.note(svc.name, "deploy", "pids-limit", f"a limit of {res.limits.pids} processes is not mapped: a pod's "
                  "process limit is the kubelet's podPidsLimit", "set podPidsLimit in the kubelet configuration")
    if res and res.reservations and res.reservations.devices:
        _gpus(plan, w, "deploy", res.reservations.devices, limits)
    gpus = svc.extra("gpus")
    if gpus:
        _gpus(plan, w, "gpus", [{"capabilities": ["gpu"], "count": "all"}] if gpus == "all" else
              [{"capabilities": ["gpu"], **r} for r in gpus if isinstance(r, dict)], limits)
    for key, out, field, value, quantity in (("cpus", limits, "cpu", svc.cpus, quantity_cpu),
                                             ("mem_limit", limits, "memory", svc.mem_limit, quantity_memory),
                                             ("mem_reservation", requests, "memory", svc.mem_reservation,
                                              quantity_memory)):
        if value and field not in out:
            out[field] = quantity(value)
            plan.trace_field(w, key, f"resources.{'limits' if out is limits else 'requests'}.{field}")
    if res:
        plan.trace_field(w, "deploy", "resources")
    _heap_room(plan, w, limits, requests)
    _ephemeral_storage(plan, w, {"limits": limits, "requests": requests})
    resources = {k: v for k, v in (("limits", limits), ("requests", requests)) if v}
    if resources:
        w.container["resources"] = resources


def _heap_room(plan: Plan, w: Workload, limits: dict[str, str], requests: dict[str, str]) -> None:
    """A JVM whose heap is fixed (-Xmx) and whose memory compose left open: a memory request for
    what it needs, so the scheduler puts it where it fits; no limit, as under Compose."""
    heap = service_heap(w.service) if "memory" not in limits and "memory" not in requests else None
    if heap is None:
        return
    requests["memory"] = quantity_memory(memory_for(heap))
    plan.trace_field(w, "environment", f"resources.requests.memory {requests['memory']} (JVM heap "
                     f"{quantity_memory(heap)})")
    plan.note(w.service.name, "environment", "jvm-heap", f"its JVM heap is fixed at {quantity_memory(heap)} (-Xmx): "
              f"memory request {requests['memory']}, so it is scheduled where that fits (no limit, as under Compose)",
              "set deploy.resources to choose others", severity="info")


def _ephemeral_storage(plan: Plan, w: Workload, resources: dict[str, dict[str, str]]) -> None:
    """Kompose's kompose.ephemeral-storage.request / .limit (service labels or deploy.labels)."""
    for kind, name in EPHEMERAL_LABELS.items():
        value = quantity(w.service, name)
        if value is None:
            continue
        resources[kind]["ephemeral-storage"] = value
        plan.trace_field(w, "labels", f"resources.{kind}.ephemeral-storage ({name})")


def _annotations(plan: Plan, w: Workload) -> None:
    svc = w.service
    own = {k: v for k, v in svc.labels.items() if not k.startswith(("compose2k8s.", "kompose."))}
    annotations = svc.extra("annotations") or {}
    w.annotations = {**{k: str(v) for k, v in own.items()}, **{k: str(v) for k, v in annotations.items()}}
    if own:
        plan.trace_field(w, "labels", "metadata.annotations")
    if svc.extra("label_file") and own:
        plan.trace_field(w, "label_file", "metadata.annotations (merged under labels)")
    if annotations:
        plan.trace_field(w, "annotations", "metadata.annotations")


def _image_needs(plan: Plan, w: Workload) -> None:
    """Node sysctls an image needs (mappings/image-needs.yaml) → a privileged init container."""
    needs = image_needs().images.get(image_base(w.service.image))
    if not needs:
        return
    script = "".join(f"sysctl -w {k}={v}\n" for k, v in sorted(needs.sysctls.items()))
    w.init_containers.append({"name": "init-sysctl", "image": helper_images().busybox,
                              "command": ["sh", "-c", script], "securityContext": {"privileged": True}})
    plan.note(w.service.name, "image", "node-sysctl",
              f"{image_base(w.service.image)} needs {', '.join(sorted(needs.sysctls))} on the node: set by a "
              "privileged init container init-sysctl", "or set it on the nodes and remove the init container",
              severity="info")


def run(plan: Plan) -> Plan:
    for workload in plan.workloads.values():
        _image_needs(plan, workload)
        _command(plan, workload)
        _image(plan, workload)
        _security(plan, workload)
        _resources(plan, workload)
        _annotations(plan, workload)
    return plan
