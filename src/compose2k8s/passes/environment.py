"""environment + env_file → a ConfigMap per service (envFrom) and, for secret-looking names,
a Secret per service (secretKeyRef). Values naming a peer whose Service was renamed are
rewritten (host, host:port and URL forms), with a diagnostic.
"""
from __future__ import annotations

import re

from ..analysis.secret_names import looks_secret, split_secret
from ..ir.model import Plan, SecretData

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def run(plan: Plan) -> Plan:
    for compose_name, w in sorted(plan.workloads.items()):
        env: dict[str, str] = {}
        for key, value in w.service.environment.items():
            if value is None:  # Compose leaves an unset pass-through variable out of the container too
                plan.note(compose_name, "environment", "unset-variable",
                          f"{key} has no value when converting: left out of the container, as Compose does",
                          "set a variable in the shell or .env before converting to pass it", severity="info", subject=key,
                          group="{count} variables have no value when converting: left out of the containers, as "
                                "Compose does: {subjects}")
                continue
            if not _ENV_NAME.match(key):
                plan.note(compose_name, "environment", "invalid-env-name",
                          f"{key} is not a valid Kubernetes variable name; left out", "rename it")
                continue
            new = plan.facts.rewrite_peers(value, compose_name)
            if new != value:
                plan.note(compose_name, "environment", "rewritten-host",
                          f"{key}: peer host name rewritten to the renamed Service ({new if not looks_secret(key, new) else '…'})",
                          "the Service names come from service_names in compose2k8s.yaml", severity="info")
            env[key] = new
        if not env:
            continue
        plain, secret = split_secret(env)
        for key, value in list(plain.items()):  # a value that carries another variable's secret
            holder = plan.facts.secret_in(value)
            if holder:
                secret[key] = plain.pop(key)
                plan.note(compose_name, "environment", "secret-in-value", f"{key} contains the value of {holder}: "
                          "moved to the Secret", severity="info")
        if plain:
            name = f"{w.name}-env"
            plan.add(compose_name, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": plan.meta(name, w),
                                    "data": dict(sorted(plain.items()))})
            w.container.setdefault("envFrom", []).append({"configMapRef": {"name": name}})
            plan.trace(compose_name, "environment", f"ConfigMap {name} via envFrom ({len(plain)} values)")
        if secret:
            name = f"{w.name}-env-secret"
            plan.secrets.append(SecretData(name=name, service=compose_name,
                                           data={k: v.encode() for k, v in sorted(secret.items())}))
            w.container.setdefault("env", []).extend(
                {"name": k, "valueFrom": {"secretKeyRef": {"name": name, "key": k}}} for k in sorted(secret))
            plan.note(compose_name, "environment", "secret-env",
                      f"{', '.join(sorted(secret))} look secret: moved to Secret {name} (encrypted)", severity="info")
            plan.trace(compose_name, "environment", f"Secret {name} via secretKeyRef ({len(secret)} values)")
        if w.service.env_file:
            plan.trace(compose_name, "env_file", "merged into the environment ConfigMap/Secret")
    return plan
