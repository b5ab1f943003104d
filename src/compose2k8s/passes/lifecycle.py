"""post_start / pre_stop → the container's lifecycle.postStart / preStop exec handlers.

Kubernetes has one handler per hook. One compose hook runs as its own argv; several, or
one with its own `environment` or `working_dir`, run through `sh -c`, chained with `&&`
so the first failure stops the rest, as in Compose. A handler runs as the container's
user, so a hook's `user` and `privileged` cannot be kept: they are reported. Kubernetes
does not expand `$(VAR)` in handlers, so commands are written as they are.

>>> handler_command([ServiceHook(command=["echo", "hi"])])
['echo', 'hi']
>>> handler_command([ServiceHook(command=["migrate"], working_dir="/app", environment={"MODE": "fast"}),
...                  ServiceHook(command=["touch", "/tmp/ready"])])
['sh', '-c', '(cd /app && env MODE=fast migrate) && touch /tmp/ready']
"""
from __future__ import annotations

import shlex

from ..compose.model import ServiceHook
from ..ir.model import Plan, Workload

HOOKS = {"post_start": "postStart", "pre_stop": "preStop"}


def _assignments(hook: ServiceHook) -> list[str]:
    """The hook's own environment as shell assignments (entries without a value are lost)."""
    return [f"{key}={shlex.quote(value)}" for key, value in hook.environment.items() if value is not None]


def _shell_step(hook: ServiceHook) -> str:
    """One hook as a shell command (its environment and working folder included)."""
    text = shlex.join(hook.command)
    assignments = _assignments(hook)
    if assignments:
        text = f"env {' '.join(assignments)} {text}"
    if hook.working_dir:
        text = f"(cd {shlex.quote(hook.working_dir)} && {text})"
    return text


def handler_command(hooks: list[ServiceHook]) -> list[str]:
    """The exec command of one handler running `hooks` in order."""
    if len(hooks) == 1 and not hooks[0].working_dir and not _assignments(hooks[0]):
        return list(hooks[0].command)
    return ["sh", "-c", " && ".join(_shell_step(hook) for hook in hooks)]


def _lost(hooks: list[ServiceHook]) -> list[str]:
    """What of `hooks` a handler cannot keep."""
    lost = []
    if any(hook.user for hook in hooks):
        lost.append("user")
    if any(hook.privileged for hook in hooks):
        lost.append("privileged")
    if any(value is None for hook in hooks for value in hook.environment.values()):
        lost.append("environment entries without a value")
    return lost


def _hook(plan: Plan, w: Workload, key: str) -> None:
    hooks = [hook for hook in getattr(w.service, key) if hook.command]
    if not hooks:
        return
    w.container.setdefault("lifecycle", {})[HOOKS[key]] = {"exec": {"command": handler_command(hooks)}}
    plan.trace_field(w, key, f"containers[0].lifecycle.{HOOKS[key]}")
    lost = _lost(hooks)
    if lost:
        plan.note(w.service.name, key, "hook-options",
                  f"{', '.join(lost)} of a hook not kept; the handler runs as the container's own user",
                  "give the container what the hook needs (its user, securityContext, env), or drop the option")


def run(plan: Plan) -> Plan:
    for workload in plan.workloads.values():
        for key in HOOKS:
            _hook(plan, workload, key)
    return plan
