"""Helpers to look into a converted tree."""
from __future__ import annotations

from typing import Any

import yaml


def objects(files: dict[str, str], prefix: str = "base/") -> list[dict[str, Any]]:
    out = []
    for path, text in files.items():
        if path.startswith(prefix) and path.endswith(".yaml") and not path.endswith("kustomization.yaml") \
                and ".sops." not in path:
            out += [d for d in yaml.safe_load_all(text) if d]
    return out


def find(files: dict[str, str], kind: str, name: str, prefix: str = "base/") -> dict[str, Any]:
    matches = [o for o in objects(files, prefix) if o["kind"] == kind and o["metadata"]["name"] == name]
    assert matches, f"no {kind} {name} in {prefix}"
    return matches[0]


def names(files: dict[str, str], kind: str, prefix: str = "base/") -> set[str]:
    return {o["metadata"]["name"] for o in objects(files, prefix) if o["kind"] == kind}


def pod(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return spec["template"]["spec"]


def admits(policy: dict, client_labels: dict[str, str], port: int) -> bool:
    """Does an ingress policy let a pod with `client_labels` connect on `port`?"""
    for rule in policy["spec"]["ingress"]:
        ports_ok = "ports" not in rule or any(p["port"] == port for p in rule["ports"])
        sources_ok = "from" not in rule or any(
            all(client_labels.get(k) == v for k, v in peer["podSelector"]["matchLabels"].items())
            for peer in rule["from"])
        if ports_ok and sources_ok:
            return True
    return False
