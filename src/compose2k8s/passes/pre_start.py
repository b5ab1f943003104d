"""pre_start → init containers `pre-start-<n>` that run, in order, before the service starts.

Compose runs each step in its own container: the step's image (the service's when omitted),
its command in place of the image's CMD, its user, privileged and working_dir (the
service's when omitted) and its environment on top of the service's, with the service's
volumes. An init container is exactly that, for one pod. A step Compose runs once for the
service (`per_replica: false`, the default) runs in every pod here, so that is reported
for workloads that keep pods running. Dependency waits come first, as in Compose.

Kompose's kompose.init.containers.name / .image / .command labels add one init container
before the steps, its command as Kubernetes reads it (the label was written for Kubernetes).
"""
from __future__ import annotations

from typing import Any

import yaml

from ..analysis.kompose_labels import label, label_error
from ..analysis.secret_names import split_secret
from ..compose.model import PreStartHook
from ..ir.model import Plan, SecretData, Workload, one_shot
from ..kube_text import escape_expansion, run_as
from ..names import dns_label


def _user(plan: Plan, w: Workload, hook: PreStartHook, same_image: bool) -> dict[str, Any]:
    """securityContext of a step: its own user, else the service's when it runs the service's image."""
    if hook.user is None:
        inherited = w.container.get("securityContext") or {}
        return {k: inherited[k] for k in ("runAsUser", "runAsGroup") if k in inherited and same_image}
    ids = run_as(hook.user)
    if ids is None:
        plan.note(w.service.name, "pre_start", "user-name", f"pre_start user '{hook.user}' is a name; Kubernetes "
                  "needs a numeric uid: the step runs as its image's user", "use user: \"<uid>:<gid>\"")
        return {}
    return ids


def _env(plan: Plan, w: Workload, hook: PreStartHook, index: int) -> list[dict[str, Any]]:
    """The service's env entries, then the step's own (secret-looking values through a Secret;
    peer host names renamed as in the service's environment)."""
    own = {k: plan.facts.rewrite_peers(v, w.service.name) for k, v in hook.environment.items() if v is not None}
    if len(own) < len(hook.environment):
        plan.note(w.service.name, "pre_start", "hook-options", "pre_start environment entries without a value "
                  "are not kept", "give them a value, or set them on the service")
    plain, secret = split_secret(own)
    env = [e for e in w.container.get("env", []) if e["name"] not in own]
    env += [{"name": k, "value": escape_expansion([v])[0]} for k, v in sorted(plain.items())]
    if secret:
        name = dns_label(f"{w.name}-pre-start-{index}-env")
        plan.secrets.append(SecretData(name=name, service=w.service.name,
                                       data={k: v.encode() for k, v in sorted(secret.items())}))
        env += [{"name": k, "valueFrom": {"secretKeyRef": {"name": name, "key": k}}} for k in sorted(secret)]
        plan.note(w.service.name, "pre_start", "secret-env", f"{', '.join(sorted(secret))} of pre_start step "
                  f"{index} look secret: moved to Secret {name} (encrypted)", severity="info")
    return env


def _init_container(plan: Plan, w: Workload, hook: PreStartHook, index: int) -> dict[str, Any]:
    same_image = hook.image in (None, w.service.image)
    container: dict[str, Any] = {"name": f"pre-start-{index}", "image": hook.image or w.container["image"]}
    if same_image:  # the service's own entrypoint and pull policy go with its image
        container.update({k: w.container[k] for k in ("command", "imagePullPolicy") if k in w.container})
    if hook.command:
        container["args"] = escape_expansion(hook.command)
    working_dir = hook.working_dir or w.container.get("workingDir")
    if working_dir:
        container["workingDir"] = working_dir
    container.update({k: w.container[k] for k in ("envFrom", "volumeMounts", "resources") if k in w.container})
    env = _env(plan, w, hook, index)
    if env:
        container["env"] = env
    security = _user(plan, w, hook, same_image)
    if hook.privileged:
        security["privileged"] = True
        plan.note(w.service.name, "pre_start", "privileged", f"pre_start step {index} runs privileged, as in "
                  "compose", "Pod Security 'restricted' and 'baseline' namespaces refuse it", severity="info")
    if security:
        container["securityContext"] = security
    return container


INIT_LABEL = "kompose.init.containers."


def _labelled_command(w: Workload, text: str) -> list[str]:
    """The command label: a YAML or JSON list, or a string run with sh -c."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = text
    if isinstance(value, list) and value and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    if isinstance(value, (list, dict)):
        raise label_error(w.service, INIT_LABEL + "command", "is neither a list of words nor a string",
                          'e.g. \'["sh", "-c", "until nslookup db; do sleep 2; done"]\'')
    return ["sh", "-c", text]


def _kompose_init(plan: Plan, w: Workload) -> None:
    svc = w.service
    image = label(svc, INIT_LABEL + "image")
    name, command = label(svc, INIT_LABEL + "name"), label(svc, INIT_LABEL + "command")
    if image is None:
        if name or command:
            raise label_error(svc, INIT_LABEL + "image", "is missing: the init container needs an image",
                              f"add {INIT_LABEL}image, e.g. busybox:1.36")
        return
    container: dict[str, Any] = {"name": dns_label(name or f"init-{w.name}"), "image": image}
    if command:
        container["command"] = _labelled_command(w, command)
    w.init_containers.append(container)
    plan.trace_field(w, "labels", f"initContainers {container['name']} ({INIT_LABEL}*)")


def run(plan: Plan) -> Plan:
    for name, w in sorted(plan.workloads.items()):
        _kompose_init(plan, w)
        hooks = w.service.pre_start
        if not hooks:
            continue
        w.init_containers += [_init_container(plan, w, hook, i) for i, hook in enumerate(hooks, start=1)]
        plan.trace_field(w, "pre_start", f"initContainers pre-start-1..{len(hooks)}")
        once = [str(i) for i, hook in enumerate(hooks, start=1) if not hook.per_replica]
        if once and not one_shot(w.kind):
            plan.note(name, "pre_start", "pre-start-per-pod",
                      f"pre_start step {', '.join(once)} runs in every pod here (each replica, and again when a "
                      "pod is replaced), not once for the service",
                      "make it safe to repeat and set per_replica: true, or move it to a one-shot service "
                      "(restart: \"no\") that this one depends_on with condition: service_completed_successfully")
    return plan
