"""Top-level `configs:` → ConfigMaps (one per config, its key the config's name), each mounted
at its target by subPath; an external config refers to a ConfigMap that must exist."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from ...ir.model import Plan
from ...names import config_key, dns_label, existing_name
from .files import config_text


def _content(plan: Plan, source: str) -> bytes:
    top = plan.project.configs[source]
    if top.content is not None:
        return top.content.encode()
    if top.environment:
        return plan.project.environment.get(top.environment, "").encode()
    reader = plan.project.reader(plan.options.allow_outside_project)
    return reader.read_bytes(Path(top.file), f"configs.{source}.file", what="config file")


def emit_configs(plan: Plan) -> None:
    made: set[str] = set()
    for compose_name, w in plan.workloads.items():
        for ref in w.service.configs:
            top = plan.project.configs.get(ref.source)
            cm_name = existing_name(ref.source, top)
            key = config_key(ref.source)
            if top is None or top.external:
                plan.note(compose_name, "configs", "external-config",
                          f"config {ref.source} is external: ConfigMap {cm_name} with key {key} must already exist",
                          "create it before deploying")
            elif cm_name not in made:
                made.add(cm_name)
                content = _content(plan, ref.source)
                obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": plan.meta(cm_name)}
                text = config_text(plan, compose_name, content, f"config {ref.source}")
                if text is None:
                    obj["binaryData"] = {key: base64.b64encode(content).decode()}
                else:
                    obj["data"] = {key: text}
                plan.add("", obj)
            volume_name = dns_label(f"config-{ref.source}")
            item: dict[str, Any] = {"key": key, "path": key}
            if ref.mode is not None:
                item["mode"] = ref.mode
            w.mount({"name": volume_name, "configMap": {"name": cm_name, "items": [item]}},
                    {"name": volume_name, "mountPath": ref.target, "subPath": key, "readOnly": True})
            if ref.uid or ref.gid:
                plan.note(compose_name, "configs", "config-owner", "config uid/gid are not mapped",
                          "set fsGroup in the pod securityContext if ownership matters")
            plan.trace(compose_name, "configs", f"{ref.target} ← ConfigMap {cm_name}")
