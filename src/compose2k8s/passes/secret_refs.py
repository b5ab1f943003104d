"""A secret interpolated into a command, an entrypoint, a healthcheck or a hook (`command:
--requirepass ${REDIS_PASSWORD}`) is not written in plain text: the value becomes a reference
to the variable, which the container gets from its Secret.

- container command/args and init containers' args: `$(VAR)`, which Kubernetes expands from
  the container's environment (Secret-backed variables included);
- exec probes, lifecycle hooks and wait scripts: Kubernetes expands nothing there from a
  Secret, so they run through `sh -c` with `"${VAR}"`; a wait rerunning a dependency's
  healthcheck gets the variable from the dependency's Secret.

A variable the service does not have yet (one only interpolation read, from .env) is added to
the service's env Secret. What cannot be expressed this way is a warning.
"""
from __future__ import annotations

import re
import shlex
from typing import Any

from ..ir.model import Plan, SecretData, Workload

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def _secret(plan: Plan, w: Workload) -> SecretData:
    """The service's env Secret (made when the service has none yet)."""
    name = f"{w.name}-env-secret"
    found = next((s for s in plan.secrets if s.name == name), None)
    if found is None:
        found = SecretData(name=name, service=w.service.name, data={})
        plan.secrets.append(found)
    return found


def _provide(plan: Plan, w: Workload, container: dict[str, Any], variable: str, owner: Workload) -> None:
    """Make sure `container` (of `w`) has `variable`, from `owner`'s Secret."""
    env = container.setdefault("env", [])
    if any(e["name"] == variable for e in env):
        return
    secret = _secret(plan, owner)
    if variable not in secret.data:
        value = next(v for v, name in plan.facts.secret_values.items() if name == variable)
        secret.data[variable] = value.encode()
    env.append({"name": variable, "valueFrom": {"secretKeyRef": {"name": secret.name, "key": variable}}})
    if container is w.container:
        plan.trace_field(w, "environment", f"env {variable} from Secret {secret.name} (a value it interpolates)")


def _replace(plan: Plan, text: str, template: str, used: set[str]) -> str:
    """`text` with each secret value replaced by `template` formatted with its variable."""
    def swap(match: re.Match[str]) -> str:
        variable = plan.facts.secret_values[match.group(0)]
        used.add(variable)
        return template.format(variable)
    return plan.facts.secret_pattern.sub(swap, text) if plan.facts.secret_pattern else text


def _expanded(plan: Plan, argv: list[str], used: set[str]) -> list[str]:
    """argv with secret values as $(VAR), which Kubernetes expands in command and args."""
    return [_replace(plan, arg, "$({})", used) for arg in argv]


def _shell(plan: Plan, argv: list[str], used: set[str]) -> list[str]:
    """argv run through `sh -c` with secret values read from the environment ("${VAR}")."""
    pattern = plan.facts.secret_pattern
    if pattern is None or not any(pattern.search(a) for a in argv):
        return argv
    if len(argv) == 3 and argv[0] in ("sh", "/bin/sh") and argv[1] == "-c":
        return [argv[0], "-c", _replace(plan, argv[2], "\"${{{}}}\"", used)]
    words = []
    for arg in argv:  # quote the literal parts, leave the variables to the shell
        parts = pattern.split(arg)
        word = shlex.quote(parts[0]) if parts[0] else ""
        for value, rest in zip(pattern.findall(arg), parts[1:], strict=True):
            word += _replace(plan, value, "\"${{{}}}\"", used) + (shlex.quote(rest) if rest else "")
        words.append(word)
    return ["sh", "-c", " ".join(words)]


def _container(plan: Plan, w: Workload, container: dict[str, Any], owner: Workload) -> None:
    used: set[str] = set()
    command = container.get("command") or []
    if len(command) == 3 and command[0] in ("sh", "/bin/sh") and command[1] == "-c" and not container.get("args"):
        container["command"] = _shell(plan, command, used)  # a script: the shell reads the variable
    else:
        for field in ("command", "args"):
            if container.get(field):
                container[field] = _expanded(plan, container[field], used)
    for probe in PROBES:
        handler = (container.get(probe) or {}).get("exec")
        if handler:
            handler["command"] = _shell(plan, handler["command"], used)
    for hook in (container.get("lifecycle") or {}).values():
        if "exec" in hook:
            hook["exec"]["command"] = _shell(plan, hook["exec"]["command"], used)
    for variable in sorted(used):
        _provide(plan, w, container, variable, owner)
    if used:
        plan.note(w.service.name, "environment", "secret-reference", f"{', '.join(sorted(used))} interpolated "
                  f"into {container['name']}'s command or checks: written as references to the variable, read "
                  "from its Secret", severity="info")


def run(plan: Plan) -> Plan:
    if not plan.facts.secret_values:
        return plan
    waited = {f"wait-for-{d.name}": d for d in plan.workloads.values()}
    for _, w in sorted(plan.workloads.items()):
        _container(plan, w, w.container, w)
        for init in w.init_containers:
            dep = waited.get(init["name"])  # a dependency's own check, run in its image, uses its Secret
            _container(plan, w, init, dep if dep is not None and init.get("image") == dep.container.get("image")
                       else w)
    return plan
