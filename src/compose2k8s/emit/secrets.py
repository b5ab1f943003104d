"""Secrets into the tree: SOPS-encrypted files in `secrets/` (default), KSOPS or Flux
layouts, or REPLACE_ME placeholders. Values never reach a file in plain text or base64.
"""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from ..errors import SecretsError
from ..ir.model import Plan, SecretData
from .yamltext import dump

HINT = ("give one with --age age1…, set SOPS_AGE_RECIPIENTS, or put creation_rules with age: in a .sops.yaml "
        "beside the compose file (age-keygen -o key.txt makes a key); or --secrets placeholder")


def secret_object(plan: Plan, secret: SecretData, placeholder: bool) -> dict[str, Any]:
    meta = {"name": secret.name, "labels": {"app.kubernetes.io/part-of": plan.name,
                                            "app.kubernetes.io/managed-by": "compose2k8s"}}
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": secret.type}
    if placeholder:
        obj["stringData"] = {k: "REPLACE_ME" for k in sorted(secret.data)}
    else:
        obj["data"] = {k: base64.b64encode(v).decode() for k, v in sorted(secret.data.items())}
    return obj


def _unchanged(plan: Plan, plain: dict[str, str], found: list[str], folder: str) -> dict[str, str]:
    """Encrypted files of the previous tree that still hold the same values (determinism)."""
    from .. import sops
    from ..project_files import ProjectFiles
    previous = plan.options.previous_tree
    kept: dict[str, str] = {}
    if previous is None:
        return kept
    tree = ProjectFiles.at(previous)
    for name, text in plain.items():
        old = tree.try_read_text(Path(previous) / folder / f"{name}.sops.yaml")
        if old is not None and sops.reusable(old, text, found):
            kept[name] = old
    return kept


def _list(plan: Plan, placeholder: bool) -> str:
    """Every Secret in one `v1 List`, so one sops call serves them all (the guide's layout)."""
    items = [secret_object(plan, s, placeholder) for s in sorted(plan.secrets, key=lambda s: s.name)]
    return dump({"apiVersion": "v1", "kind": "List", "items": items})


def base_resources(plan: Plan) -> list[str]:
    """Secret files the base kustomization lists itself (Flux: one per Secret)."""
    if plan.options.secrets != "flux":
        return []
    return [f"secrets/{name}.sops.yaml" for name in sorted(s.name for s in plan.secrets)]


def secret_files(plan: Plan) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """({path: text}, Secret objects (metadata only, for the summary))."""
    from .. import sops
    mode = plan.options.secrets
    if not plan.secrets:
        return {}, []
    shells = [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": s.name}} for s in plan.secrets]
    if mode == "placeholder":
        return {"secrets/secrets.yaml": _list(plan, True)}, shells
    found = plan.options.age_recipients  # chosen by the API (see sops.recipients)
    if not found:
        raise SecretsError(f"{len(plan.secrets)} Secret(s) to encrypt but no age recipient", hint=HINT)
    folder = "base/secrets" if mode in ("ksops", "flux") else "secrets"
    if mode == "flux":  # Flux decrypts Secret objects one by one: each needs its own sops metadata
        plain = {s.name: dump(secret_object(plan, s, False)) for s in plan.secrets}
    else:
        plain = {"secrets": _list(plan, False)}
    kept = _unchanged(plan, plain, found, folder)
    encrypted = {**kept, **sops.encrypt_all({k: v for k, v in plain.items() if k not in kept}, found)}
    files = {f"{folder}/{name}.sops.yaml": text for name, text in sorted(encrypted.items())}
    files[".sops.yaml"] = sops.sops_config(found)
    if mode == "ksops":
        files["base/secret-generator.yaml"] = dump({
            "apiVersion": "viaduct.ai/v1", "kind": "ksops",
            "metadata": {"name": f"{plan.name}-secrets",
                         "annotations": {"config.kubernetes.io/function": "exec:\n  path: ksops\n"}},
            "files": ["./secrets/secrets.sops.yaml"]})
    return files, shells
