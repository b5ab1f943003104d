"""Configuration folders: a bind-mounted project folder that is configuration (see
analysis/mounts.py) → one ConfigMap, its key files in a Secret beside it, projected at the
target; nested files through `items` paths, binary files as binaryData, executable ones at
mode 0755. Read-only, it is mounted as is; writable, an init container copies it into an
emptyDir first (edits in the pod are lost on restart, as the guide's pattern says).
"""
from __future__ import annotations

import base64
import posixpath
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...analysis.mounts import FolderScan
from ...ir.model import Plan, SecretData
from ...names import config_key, dns_label
from ...tables.images import helper_images
from ...tables.storage import mount_rules
from .claims import Use, relative
from .files import EXECUTABLE, chown_line, config_text, is_secret_file


@dataclass
class _Content:
    """A folder's files split into ConfigMap text, binaryData and Secret files, with their items."""

    data: dict[str, str] = field(default_factory=dict)
    binary: dict[str, str] = field(default_factory=dict)
    private: dict[str, bytes] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"config": [], "secret": []})

    def size(self) -> int:
        return sum(len(v.encode()) for v in self.data.values()) + sum(len(v) for v in self.binary.values())


def _read(plan: Plan, source: str, uses: list[Use], scan: FolderScan) -> _Content:
    rules = mount_rules().config_folder
    reader = plan.project.reader(plan.options.allow_outside_project)
    service = uses[0].service
    found = reader.folder(source, f"services.{service}.volumes", rules.max_files, rules.max_bytes)
    executable = {f.path for f in scan.files if f.executable}
    content = _Content()
    for rel, raw in found.files.items():
        key = config_key(rel)
        while key in content.data or key in content.binary or key in content.private:
            key = "x-" + key
        item = {"key": key, "path": rel, **({"mode": EXECUTABLE} if rel in executable else {})}
        if is_secret_file(plan, service, posixpath.basename(rel), raw, f"file {relative(plan, source)}/{rel}"):
            content.private[key] = raw
            content.items["secret"].append(item)
            continue
        text = config_text(plan, service, raw, f"file {relative(plan, source)}/{rel}")
        if text is None:
            content.binary[key] = base64.b64encode(raw).decode()
        else:
            content.data[key] = text
        content.items["config"].append(item)
    return content


def _name(plan: Plan, source: str, uses: list[Use], taken: set[str]) -> str:
    leaf = dns_label(Path(source).name or "config")
    users = sorted({u.service for u in uses})
    owner = plan.workloads[users[0]].name if len(users) == 1 else None
    base = dns_label(f"{owner}-{leaf}") if owner and dns_label(owner) not in leaf else leaf
    name, index = base, 2
    while name in taken:
        name, index = f"{base}-{index}", index + 1
    taken.add(name)
    return name


def _volume(name: str, secret: str, content: _Content) -> dict[str, Any]:
    """The pod volume: the ConfigMap (items only where a path or mode differs from its key),
    or a projected volume of ConfigMap and Secret when the folder holds key files."""
    config, private = content.items["config"], content.items["secret"]
    if not private:
        plain = all(i["key"] == i["path"] and "mode" not in i for i in config)
        return {"name": name, "configMap": {"name": name, **({} if plain else {"items": config})}}
    sources: list[dict[str, Any]] = [{"configMap": {"name": name, "items": config}}] if config else []
    sources.append({"secret": {"name": secret, "items": private}})
    return {"name": name, "projected": {"sources": sources}}


def emit_folder(plan: Plan, source: str, uses: list[Use], scan: FolderScan, taken: set[str]) -> str:
    """Carry the folder as a ConfigMap; '' when done, else why it cannot be one (a claim then)."""
    content = _read(plan, source, uses, scan)
    limit = mount_rules().config_folder.max_bytes
    if content.size() > limit:
        return f"its files take more than {limit // 1024} KiB in a ConfigMap (binary files grow by a third)"
    users = sorted({u.service for u in uses})
    owner = users[0] if len(users) == 1 else ""
    name = _name(plan, source, uses, taken)
    secret = f"{name}-secret"
    if content.private:
        plan.secrets.append(SecretData(name=secret, service=owner, data=content.private))
    if content.data or content.binary or not content.private:
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": plan.meta(name, plan.workloads[owner] if owner else None)}
        if content.data:
            obj["data"] = dict(sorted(content.data.items()))
        if content.binary:
            obj["binaryData"] = dict(sorted(content.binary.items()))
        plan.add(owner, obj)
    volume = _volume(name, secret, content)
    for use in uses:
        _mount(plan, use, volume, content)
    files = len(content.items["config"]) + len(content.items["secret"])
    kept = f"ConfigMap {name}" + (f" and Secret {secret} (its key files)" if content.private else "")
    plan.note(owner, "volumes", "config-folder", f"folder {relative(plan, source)} ({files} file(s)) becomes {kept}, "
              f"mounted by {', '.join(users)}", "edit the ConfigMap to change the files, then restart the rollout; "
              "set storage.folders to carry it as a claim instead", severity="info")
    return ""


def _mount(plan: Plan, use: Use, volume: dict[str, Any], content: _Content) -> None:
    w = plan.workloads[use.service]
    target = posixpath.normpath(use.mount.target)
    if use.mount.read_only:
        w.mount(volume, {"name": volume["name"], "mountPath": target, "readOnly": True})
        plan.trace(use.service, "volumes", f"{target} ← ConfigMap {volume['name']} (a folder, read-only)")
        return
    writable = dns_label(f"{volume['name']}-writable")
    paths = [i["path"] for kind in ("config", "secret") for i in content.items[kind]]
    folders = sorted({posixpath.dirname(p) for p in paths} - {""})
    script = "set -e\n" + "".join(f"mkdir -p {shlex.quote('/to/' + f)}\n" for f in folders)
    script += "".join(f"cp {shlex.quote('/from/' + p)} {shlex.quote('/to/' + p)}\n" for p in paths)
    script += chown_line(w, "/to") + f"echo copied {len(paths)} files\n"
    if not any(v["name"] == volume["name"] for v in w.volumes):
        w.volumes.append(volume)
    w.init_containers.append({"name": dns_label(f"copy-{volume['name']}"), "image": helper_images().busybox,
                              "command": ["sh", "-c", script],
                              "volumeMounts": [{"name": volume["name"], "mountPath": "/from", "readOnly": True},
                                               {"name": writable, "mountPath": "/to"}]})
    w.mount({"name": writable, "emptyDir": {}}, {"name": writable, "mountPath": target})
    plan.trace(use.service, "volumes", f"{target} ← ConfigMap {volume['name']} (a folder), copied to a writable "
               "emptyDir at start")
