"""compose `secrets:` → Secrets (encrypted when written), mounted where Compose mounts them:
`/run/secrets/<name>` or the long-form target, with `mode`; `*_FILE` conventions keep working.
"""
from __future__ import annotations

from pathlib import Path

from ..ir.model import Plan, SecretData
from ..names import config_key, dns_label, existing_name


def _value(plan: Plan, name: str) -> bytes | None:
    top = plan.project.secrets[name]
    if top.environment:
        value = plan.project.environment.get(top.environment)
        if value is None:
            plan.note("", "secrets", "secret-env-unset", f"secret {name} reads ${top.environment}, which is not set",
                      "set it when converting; the Secret gets REPLACE_ME")
        return value.encode() if value is not None else None
    reader = plan.project.reader(plan.options.allow_outside_project)
    return reader.read_bytes(Path(top.file), f"secrets.{name}.file", what="secret file")


def run(plan: Plan) -> Plan:
    used = sorted({ref.source for w in plan.workloads.values() for ref in w.service.secrets})
    for name in used:
        top = plan.project.secrets[name]
        if top.external:
            plan.note("", "secrets", "external-secret", f"secret {name} is external: Secret "
                      f"{existing_name(name, top)} with key {config_key(name)} must already exist",
                      "create it before deploying")
            continue
        value = _value(plan, name)
        plan.secrets.append(SecretData(name=dns_label(name), service="",
                                       data={config_key(name): value if value is not None else b"REPLACE_ME"},
                                       placeholder=value is None))
    for compose_name, w in sorted(plan.workloads.items()):
        for ref in w.service.secrets:
            secret = existing_name(ref.source, plan.project.secrets.get(ref.source))
            key = config_key(ref.source)
            volume = dns_label(f"secret-{ref.source}")
            item = {"key": key, "path": key}
            if ref.mode is not None:
                item["mode"] = ref.mode
            w.mount({"name": volume, "secret": {"secretName": secret, "items": [item]}},
                    {"name": volume, "mountPath": ref.target, "subPath": key, "readOnly": True})
            if ref.uid or ref.gid:
                gid = ref.gid if ref.gid and ref.gid.isdigit() else None
                if gid:
                    w.pod.setdefault("securityContext", {})["fsGroup"] = int(gid)
                plan.note(compose_name, "secrets", "secret-owner",
                          f"secret {ref.source} uid/gid: files are owned by root"
                          + (f", group {gid} through fsGroup" if gid else ""),
                          "run the container with a matching runAsUser if it must own the file", severity="info")
            plan.trace(compose_name, "secrets", f"{ref.target} ← Secret {secret} key {key}")
    return plan
