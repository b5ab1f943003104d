"""environment + env_file → a ConfigMap per service (envFrom) and, for secret-looking names,
a Secret per service (secretKeyRef). Values naming a peer whose Service was renamed are
rewritten (host, host:port and URL forms), with a diagnostic.
"""
from __future__ import annotations

import re

from ..ir.model import Plan, SecretData
from .secret_names import looks_secret

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def renames(plan: Plan) -> dict[str, str]:
    """compose service name → the Service name clients must use, where they differ."""
    return {name: w.client_service for name, w in plan.workloads.items()
            if w.client_service and w.client_service != name}


def host_pattern(names: list[str]) -> re.Pattern[str]:
    """Whole host tokens among `names`: `db`, `db:5432`, `postgres://u@db:5432/x`, not `db.example.com`."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.\-])({alternatives})(?![\w\-]|\.[a-zA-Z])")


def rewrite(value: str, mapping: dict[str, str], pattern: re.Pattern[str] | None = None) -> str:
    """Replace peer host names by their Service names.

    >>> rewrite("amqp://rabbitmqm8:5672/", {"rabbitmqm8": "rabbitmq-service"})
    'amqp://rabbitmq-service:5672/'
    """
    if not mapping:
        return value
    pattern = pattern or host_pattern(list(mapping))
    return pattern.sub(lambda m: mapping[m.group(1)], value)


def peer_renames(mapping: dict[str, str], compose_name: str) -> tuple[dict[str, str], re.Pattern[str] | None]:
    """The renames (see `renames`) that apply to `compose_name`'s values, and the pattern
    that finds them: a service's own name is not a peer."""
    others = {k: v for k, v in mapping.items() if k != compose_name}
    return others, host_pattern(list(others)) if others else None


def split_secret(env: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret-looking) entries of `env`."""
    plain: dict[str, str] = {}
    secret: dict[str, str] = {}
    for key, value in env.items():
        (secret if looks_secret(key, value) else plain)[key] = value
    return plain, secret


def run(plan: Plan) -> Plan:
    mapping = renames(plan)
    for compose_name, w in sorted(plan.workloads.items()):
        others, pattern = peer_renames(mapping, compose_name)
        env: dict[str, str] = {}
        for key, value in w.service.environment.items():
            if value is None:
                plan.warn(compose_name, "environment", "unset-variable",
                          f"{key} has no value (not set when converting); left out",
                          f"set {key} in the shell or .env before converting")
                continue
            if not _ENV_NAME.match(key):
                plan.warn(compose_name, "environment", "invalid-env-name",
                          f"{key} is not a valid Kubernetes variable name; left out", "rename it")
                continue
            new = rewrite(value, others, pattern)
            if new != value:
                plan.warn(compose_name, "environment", "rewritten-host",
                          f"{key}: peer host name rewritten to the renamed Service ({new if not looks_secret(key, new) else '…'})",
                          "the Service names come from service_names in compose2k8s.yaml", severity="info")
            env[key] = new
        if not env:
            continue
        plain, secret = split_secret(env)
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
            plan.warn(compose_name, "environment", "secret-env",
                      f"{', '.join(sorted(secret))} look secret: moved to Secret {name} (encrypted)", severity="info")
            plan.trace(compose_name, "environment", f"Secret {name} via secretKeyRef ({len(secret)} values)")
        if w.service.env_file:
            plan.trace(compose_name, "env_file", "merged into the environment ConfigMap/Secret")
    return plan
