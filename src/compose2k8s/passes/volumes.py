"""Volumes: named volumes and bind folders → claims (shared ones ReadWriteMany), single
files → ConfigMaps (keys, certificates' private parts and password files → a Secret;
writable ones through the guide's emptyDir copy), tmpfs and anonymous volumes → emptyDir,
`configs:` → ConfigMaps, host system paths → diagnostics.
"""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.secret_names import looks_secret_file
from ..analysis.volume_drivers import backing_of
from ..compose.model import Mount
from ..ir.model import Claim, NfsShare, Plan, SecretData, Workload
from ..kube_text import quantity_memory
from ..mappings import helper_images, host_paths
from ..names import config_key, dns_label, existing_name


@dataclass
class _Use:
    service: str
    mount: Mount


@dataclass
class _Storage:
    key: tuple[str, str]
    uses: list[_Use] = field(default_factory=list)


def _mounts_with_volumes_from(plan: Plan, name: str, seen: tuple[str, ...] = ()) -> list[Mount]:
    svc = plan.project.services[name]
    mounts = list(svc.volumes)
    for ref in svc.volumes_from:
        source, _, mode = ref.partition(":")
        if source.startswith("container") or source not in plan.project.services or source in seen:
            plan.note(name, "volumes_from", "volumes-from", f"volumes_from {ref} cannot be resolved",
                      "name a compose service")
            continue
        for mount in _mounts_with_volumes_from(plan, source, seen + (name,)):
            mounts.append(mount.model_copy(update={"read_only": mount.read_only or mode == "ro"}))
        plan.trace(name, "volumes_from", f"the mounts of {source}")
    return mounts


def _is_host_system(path: str) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in host_paths().host_system_paths
               if p != "/") or path == "/"


def _size(plan: Plan, volume: str) -> str:
    top = plan.project.volumes.get(volume)
    labels = top.labels if top and isinstance(top.labels, dict) else {}
    return next((labels[k] for k in host_paths().size_labels if k in labels), None) or plan.options.storage.sizes.get(
        volume, plan.options.storage.default_size)


def _claim_name(plan: Plan, storage: _Storage, taken: set[str]) -> str:
    kind, source = storage.key
    if kind == "volume":
        base = existing_name(source, plan.project.volumes.get(source))
    else:
        writer = next((u.service for u in storage.uses if not u.mount.read_only), storage.uses[0].service)
        leaf = dns_label(Path(source).name or "data")
        base = dns_label(f"{writer}-{leaf}") if dns_label(writer) not in leaf else leaf
    name, index = base, 2
    while name in taken:
        name, index = f"{base}-{index}", index + 1
    taken.add(name)
    return name


def _storage(plan: Plan, storages: dict[tuple[str, str], _Storage]) -> None:
    """One claim per named volume or bind folder (see `_claim`), mounted in each user."""
    taken: set[str] = set()
    for key in sorted(storages):
        storage = storages[key]
        claim = _claim(plan, storage, _claim_name(plan, storage, taken))
        for use in storage.uses:
            w = plan.workloads[use.service]
            if claim.access_mode == "ReadWriteOnce" and not claim.template and not use.mount.read_only:
                _recreate(plan, plan.workloads[w.sidecar_of] if w.sidecar_of else w, claim.name)
            mount = _volume_mount(plan, use.service, claim.name, use.mount)
            if claim.template:
                w.container.setdefault("volumeMounts", []).append(mount)
            else:
                w.mount({"name": claim.name, "persistentVolumeClaim": {"claimName": claim.name}}, mount)
            plan.trace(use.service, "volumes", f"{use.mount.target} ← "
                       + (f"volumeClaimTemplate {claim.name}" if claim.template else
                          f"PersistentVolumeClaim {claim.name}"))


def _recreate(plan: Plan, w: Workload, claim: str) -> None:
    """A Deployment writing to a ReadWriteOnce claim is replaced, not rolled: a new pod on
    another node could not mount the claim while the old one holds it."""
    if w.kind != "Deployment" or w.rollout.get("strategy", {}).get("type") == "Recreate":
        return
    if "strategy" in w.rollout:
        plan.note(w.service.name, "deploy", "recreate-strategy", f"update_config replaced by a Recreate rollout: "
                  f"it writes to ReadWriteOnce claim {claim}", severity="info")
    w.rollout["strategy"] = {"type": "Recreate"}
    plan.trace_field(w, "volumes", f"strategy Recreate (ReadWriteOnce claim {claim})")


def _claim(plan: Plan, storage: _Storage, name: str) -> Claim:
    """The claim of a storage: a StatefulSet's claim template when only it uses a named volume,
    else a PersistentVolumeClaim (ReadWriteMany when shared or NFS); an external volume's claim
    must exist already."""
    kind, source = storage.key
    users = sorted({u.service for u in storage.uses})
    writers = {u.service for u in storage.uses if not u.mount.read_only}
    readers = [u for u in users if u not in writers]
    size = _size(plan, source) if kind == "volume" else plan.options.storage.default_size
    top = plan.project.volumes.get(source) if kind == "volume" else None
    share = backing_of(top) if top is not None else None
    nfs = NfsShare(share.server, share.device, share.options) if share and share.kind == "nfs" else None
    single = plan.workloads[users[0]] if len(users) == 1 else None
    described = f"volume {source}" if kind == "volume" else f"folder {_rel(plan, source)}"
    external = bool(top and top.external)
    if single is not None and single.kind == "StatefulSet" and kind == "volume" and not external and not nfs:
        owner = single.sidecar_of or users[0]  # the pod's StatefulSet holds the template
        claim = Claim(name, "ReadWriteOnce", size, users, described, owner=owner, template=True, read_only=readers)
        plan.claims.append(claim)
        return claim
    mode = "ReadWriteMany" if len(users) > 1 or nfs else "ReadWriteOnce"
    claim = Claim(name, mode, size, users, described, owner=users[0] if single else None, nfs=nfs,
                  read_only=readers, external=external)
    plan.claims.append(claim)
    if external:
        plan.note(users[0], "volumes", "external-volume",
                  f"volume {source} is external: a PersistentVolumeClaim named {name} must already exist",
                  "create it before deploying")
        return claim
    where = users[0] if single else ""
    if nfs:  # bound by each overlay's PersistentVolume, never provisioned
        plan.note(where, "volumes", "nfs-volume",
                  f"volume {source} is the NFS share {nfs.server}:{nfs.path}: staging and prod bind "
                  f"claim {name} to it with a PersistentVolume (dev keeps a local folder)",
                  "the nodes need an NFS client (nfs-common) and a route to the server", severity="info")
    elif len(users) > 1:
        plan.note("", "volumes", "rwx-claim", f"{described} is shared by {', '.join(users)}: one ReadWriteMany "
                  f"claim {name}", "its storage class must support ReadWriteMany (NFS, EFS, CephFS, Longhorn RWX…)",
                  severity="info")
    if kind == "bind":
        plan.note(where, "volumes", "bind-folder",
                  f"folder {_rel(plan, source)} becomes claim {name}; its current files are not copied",
                  "seed the claim once (kubectl cp) if the service needs them", severity="info")
    return claim


def _volume_mount(plan: Plan, service: str, name: str, mount: Mount) -> dict[str, Any]:
    """The volumeMount of `mount` on pod volume `name`; a volume's `subpath` becomes `subPath`."""
    out: dict[str, Any] = {"name": name, "mountPath": mount.target}
    subpath = str((mount.volume or {}).get("subpath") or "")
    if subpath and (subpath.startswith("/") or ".." in subpath.split("/")):
        plan.note(service, "volumes", "volume-subpath", f"subpath {subpath} of {mount.target} leaves the volume; "
                  "the whole volume is mounted", "give a relative path inside the volume")
    elif subpath:
        out["subPath"] = subpath
    if mount.read_only:
        out["readOnly"] = True
    return out


def _rel(plan: Plan, path: str) -> str:
    try:
        return "./" + Path(path).relative_to(plan.project.working_dir).as_posix()
    except ValueError:
        return path


def _files(plan: Plan, w: Workload, files: list[Mount]) -> None:
    """Single files → one ConfigMap per service (secret-looking ones → one Secret, mounted at
    the same paths); writable ones copied to an emptyDir."""
    name, secret_name = f"{w.name}-files", f"{w.name}-secret-files"
    reader = plan.project.reader(plan.options.allow_outside_project)
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    private: dict[str, bytes] = {}
    writable: list[tuple[str, Mount, str]] = []
    for mount in files:
        content = reader.read_bytes(Path(mount.source), f"services.{w.service.name}.volumes", what="bind-mounted file")
        key = config_key(Path(mount.source).name)
        while key in data or key in binary or key in private:
            key = "x-" + key
        secret = looks_secret_file(Path(mount.source).name, content)
        volume, source = ("secret-files", f"Secret {secret_name}") if secret else ("files", f"ConfigMap {name}")
        text = None if secret else _text(plan, w.service.name, content, f"file {_rel(plan, mount.source)}")
        if secret:
            private[key] = content
        elif text is None:
            binary[key] = base64.b64encode(content).decode()
        else:
            data[key] = text
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
    if private:
        plan.secrets.append(SecretData(name=secret_name, service=w.service.name, data=private))
    if data or binary or not private:
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": plan.meta(name, w)}
        if data:
            obj["data"] = dict(sorted(data.items()))
        if binary:
            obj["binaryData"] = dict(sorted(binary.items()))
        plan.add(w.service.name, obj)


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
    owner = w.container.get("securityContext", {}).get("runAsUser")
    script = "set -e\n" + "".join(f"cp {sources[v]}/{k} /writable/{k}\n" for k, _, v in writable)
    if owner is not None:
        group = w.container["securityContext"].get("runAsGroup", owner)
        script += f"chown -R {owner}:{group} /writable\n"
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


def _text(plan: Plan, service: str, content: bytes, where: str) -> str | None:
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


def _configs(plan: Plan) -> None:
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
                if top.content is not None:
                    content = top.content.encode()
                elif top.environment:
                    content = plan.project.environment.get(top.environment, "").encode()
                else:
                    reader = plan.project.reader(plan.options.allow_outside_project)
                    content = reader.read_bytes(Path(top.file), f"configs.{ref.source}.file", what="config file")
                obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": plan.meta(cm_name)}
                text = _text(plan, compose_name, content, f"config {ref.source}")
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


def run(plan: Plan) -> Plan:
    storages: dict[tuple[str, str], _Storage] = {}
    for compose_name in sorted(plan.workloads):
        w = plan.workloads[compose_name]
        files: list[Mount] = []
        for index, mount in enumerate(_mounts_with_volumes_from(plan, compose_name)):
            if mount.type == "tmpfs" or (mount.type == "volume" and not mount.source):
                empty: dict[str, Any] = {"medium": "Memory"} if mount.type == "tmpfs" else {}
                if mount.tmpfs and mount.tmpfs.size:
                    empty["sizeLimit"] = quantity_memory(mount.tmpfs.size)
                vol = f"scratch-{index}"
                w.mount({"name": vol, "emptyDir": empty}, {"name": vol, "mountPath": mount.target})
                plan.trace(compose_name, "volumes", f"{mount.target} ← emptyDir")
            elif mount.type == "volume":
                _named(plan, w, mount, index, files, storages)
            elif mount.type == "bind":
                _bind(plan, w, mount, index, files, storages)
            else:
                plan.note(compose_name, "volumes", "volume-type", f"{mount.type} mount {mount.target} is not mapped",
                          "mount the data another way")
        if files:
            _files(plan, w, files)
    _storage(plan, storages)
    _configs(plan)
    return plan


def _bind(plan: Plan, w: Workload, mount: Mount, index: int, files: list[Mount],
          storages: dict[tuple[str, str], _Storage]) -> None:
    """A bind mount: a file → the service's ConfigMap, a project folder → a claim, a host
    system path → hostPath when allowed."""
    source = os.path.normpath(mount.source)
    in_project = source == str(plan.project.working_dir) or source.startswith(
        str(plan.project.working_dir).rstrip("/") + "/")  # as declared: symlinks are checked on read
    if not in_project and _is_host_system(source):
        _host_path(plan, w, mount, index)
    elif Path(source).is_file():
        files.append(mount)
    else:
        if not Path(source).exists():
            plan.note(w.service.name, "volumes", "missing-bind-source",
                      f"bind source {_rel(plan, source)} does not exist; it becomes an empty claim",
                      "create the folder if it should carry files", severity="info")
        storages.setdefault(("bind", source), _Storage(("bind", source))).uses.append(_Use(w.service.name, mount))


def _named(plan: Plan, w: Workload, mount: Mount, index: int, files: list[Mount],
           storages: dict[tuple[str, str], _Storage]) -> None:
    """A named volume, as its driver settings describe it (see volume_drivers)."""
    name, source = w.service.name, mount.source
    backing = backing_of(plan.project.volumes.get(source))
    if backing.kind == "tmpfs":
        empty: dict[str, Any] = {"medium": "Memory"}
        if backing.size:
            empty["sizeLimit"] = quantity_memory(backing.size)
        volume = dns_label(f"tmpfs-{source}")
        w.mount({"name": volume, "emptyDir": empty}, _volume_mount(plan, name, volume, mount))
        plan.trace(name, "volumes", f"{mount.target} ← emptyDir (volume {source} is a tmpfs)")
        if len(plan.facts.volume_users.get(source, ())) > 1:
            plan.note(name, "volumes", "tmpfs-volume-shared", f"tmpfs volume {source} is shared in compose; each "
                      "pod gets its own memory emptyDir", "share through a claim if the services exchange files")
        return
    if backing.kind == "bind":
        plan.trace(name, "volumes", f"volume {source} binds {backing.device}")
        _bind(plan, w, mount.model_copy(update={"type": "bind", "source": backing.device}), index, files, storages)
        return
    if backing.kind == "other":
        top = plan.project.volumes[source]
        settings = f"driver {top.driver or 'local'}" + (f" with {top.driver_opts}" if top.driver_opts else "")
        plan.note(name, "volumes", "volume-driver", f"volume {source}: {settings} not mapped; it becomes a claim "
                  "from the storage class",
                  "pick a storage class that provides this storage (storage.class_by_overlay)")
    storages.setdefault(("volume", source), _Storage(("volume", source))).uses.append(_Use(name, mount))


def _host_path(plan: Plan, w: Workload, mount: Mount, index: int) -> None:
    svc = w.service.name
    if plan.options.allow_host_path:
        name = f"host-{index}"
        w.mount({"name": name, "hostPath": {"path": mount.source}},
               {"name": name, "mountPath": mount.target, **({"readOnly": True} if mount.read_only else {})})
        plan.note(svc, "volumes", "host-path", f"{mount.source} mounted from the node (hostPath), as allowed",
                  "this ties the pod to the node's files; Pod Security refuses hostPath in restricted namespaces")
    else:
        plan.note(svc, "volumes", "host-path-dropped",
                  f"host path {mount.source} → {mount.target} is not mapped: pods do not see the node's files",
                  "allow hostPath explicitly with --allow-host-path if you must")
