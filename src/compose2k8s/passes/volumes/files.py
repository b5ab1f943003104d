"""Single bind-mounted files → one ConfigMap per service (keys, certificates' private parts and
password files → a Secret), mounted at their paths; writable ones copied to an emptyDir by an
init container (the guide's pattern); an executable file keeps its mode.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from ...analysis.secret_names import looks_secret_file
from ...compose.model import Mount
from ...ir.model import Plan, SecretData, Workload
from ...names import config_key
from ...tables.images import helper_images
from .claims import relative

EXECUTABLE = 0o755


def config_text(plan: Plan, service: str, content: bytes, where: str) -> str | None:
    """A mounted config file's text with renamed peers rewritten (reported), None if binary."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    rewritten = plan.facts.rewrite_peers(text, service)
    if rewritten != text:
        names = sorted({m.group(1) for m in plan.facts.rename_pattern.finditer(text)
                        if plan.facts.resolvable.get(m.group(1).lower()) != service}) if plan.facts.rename_pattern else []
        plan.note(service, "volumes", "rewritten-host", f"{where}: peer name(s) {', '.join(names)} rewritten to "
                  f"the Services that answer them ({', '.join(plan.facts.renames[n] for n in names)})",
                  "the Service names come from service_names in compose2k8s.yaml or Kubernetes' naming rules",
                  severity="info")
    return rewritten


def is_secret_file(plan: Plan, service: str, name: str, content: bytes, where: str) -> bool:
    """A key or password file (analysis/secret_names), or one holding the value of a secret
    variable of the project (said so): it belongs in a Secret."""
    if looks_secret_file(name, content):
        return True
    variable = plan.facts.secret_in(content.decode("utf-8", errors="replace"))
    if variable:
        plan.note(service, "volumes", "secret-in-file", f"{where} holds the value of {variable}: it is mounted "
                  "from a Secret, not a ConfigMap", severity="info")
    return variable is not None


def is_executable(path: str) -> bool:
    try:
        return bool(os.stat(path).st_mode & 0o111)
    except OSError:
        return False


def emit_files(plan: Plan, w: Workload, files: list[Mount]) -> None:
    """The service's single files: one ConfigMap (and one Secret), each file a key."""
    name, secret_name = f"{w.name}-files", f"{w.name}-secret-files"
    reader = plan.project.reader(plan.options.allow_outside_project)
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    private: dict[str, bytes] = {}
    executable: dict[str, set[str]] = {"files": set(), "secret-files": set()}
    writable: list[tuple[str, Mount, str]] = []
    for mount in files:
        content = reader.read_bytes(Path(mount.source), f"services.{w.service.name}.volumes", what="bind-mounted file")
        key = config_key(Path(mount.source).name)
        while key in data or key in binary or key in private:
            key = "x-" + key
        secret = is_secret_file(plan, w.service.name, Path(mount.source).name, content,
                                f"file {relative(plan, mount.source)}")
        volume, source = ("secret-files", f"Secret {secret_name}") if secret else ("files", f"ConfigMap {name}")
        text = None if secret else config_text(plan, w.service.name, content, f"file {relative(plan, mount.source)}")
        if secret:
            private[key] = content
        elif text is None:
            binary[key] = base64.b64encode(content).decode()
        else:
            data[key] = text
        if is_executable(mount.source):
            executable[volume].add(key)
        if mount.read_only:
            w.mount(_file_volume(volume, name, secret_name),
                    {"name": volume, "mountPath": mount.target, "subPath": key, "readOnly": True})
            plan.trace(w.service.name, "volumes", f"{mount.target} ← {source} key {key} (read-only)")
        else:
            writable.append((key, mount, volume))
            plan.trace(w.service.name, "volumes", f"{mount.target} ← {source} key {key}, copied to a "
                       "writable emptyDir by init container copy-writable-files")
    if writable:
        _writable_copies(plan, w, writable, name, secret_name)
    _modes(w, executable, {"files": sorted({*data, *binary}), "secret-files": sorted(private)})
    if private:
        plan.secrets.append(SecretData(name=secret_name, service=w.service.name, data=private))
    if data or binary or not private:
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": plan.meta(name, w)}
        if data:
            obj["data"] = dict(sorted(data.items()))
        if binary:
            obj["binaryData"] = dict(sorted(binary.items()))
        plan.add(w.service.name, obj)


def _modes(w: Workload, executable: dict[str, set[str]], keys: dict[str, list[str]]) -> None:
    """Executable files keep their mode (an entrypoint script would not run at 0644): the
    volume lists every key, those with mode 0755."""
    for volume in w.volumes:
        if executable.get(volume["name"]):
            source = volume.get("configMap") or volume["secret"]
            source["items"] = [{"key": k, "path": k, **({"mode": EXECUTABLE} if k in executable[volume["name"]]
                                                         else {})} for k in keys[volume["name"]]]


def _file_volume(volume: str, config_map: str, secret: str) -> dict[str, Any]:
    if volume == "secret-files":
        return {"name": volume, "secret": {"secretName": secret}}
    return {"name": volume, "configMap": {"name": config_map}}


def _writable_copies(plan: Plan, w: Workload, writable: list[tuple[str, Mount, str]], name: str,
                     secret_name: str) -> None:
    """Writable files: an init container copies them from the ConfigMap (or Secret) into an emptyDir."""
    sources = {"files": "/templates", "secret-files": "/secret-templates"}
    used = sorted({volume for _, _, volume in writable})
    for volume in used:
        if not any(v["name"] == volume for v in w.volumes):  # the init container reads it
            w.volumes.append(_file_volume(volume, name, secret_name))
    script = "set -e\n" + "".join(f"cp {sources[v]}/{k} /writable/{k}\n" for k, _, v in writable)
    script += chown_line(w, "/writable")
    script += "echo copied " + " ".join(k for k, _, _ in writable) + "\n"
    w.init_containers.append({"name": "copy-writable-files", "image": helper_images().busybox,
                              "command": ["sh", "-c", script],
                              "volumeMounts": [*({"name": v, "mountPath": sources[v], "readOnly": True} for v in used),
                                               {"name": "writable-files", "mountPath": "/writable"}]})
    for key, mount, _ in writable:
        w.mount({"name": "writable-files", "emptyDir": {}},
                {"name": "writable-files", "mountPath": mount.target, "subPath": key})
    plan.note(w.service.name, "volumes", "writable-file",
              f"writable file(s) {', '.join(m.target for _, m, _ in writable)} are copied from "
              f"{'ConfigMap ' + name if 'files' in used else 'Secret ' + secret_name} into an emptyDir at start: "
              "edits in the pod are lost on restart",
              "edit the ConfigMap and restart the rollout to keep a change", severity="info")


def chown_line(w: Workload, folder: str) -> str:
    """The copy's `chown` to the user the container runs as ('' when it runs as the image's)."""
    owner = w.container.get("securityContext", {}).get("runAsUser")
    if owner is None:
        return ""
    group = w.container["securityContext"].get("runAsGroup", owner)
    return f"chown -R {owner}:{group} {folder}\n"
