"""Volumes: every mount of every service (with those of `volumes_from`) reaches the pod as the
container expects it:

- tmpfs and anonymous volumes → emptyDir (a stateful image's data path → a claim template);
- named volumes and data folders → claims (claims.py), shared ones ReadWriteMany, shared named
  volumes filled from the image as Docker does (copy_up.py);
- single files → ConfigMap keys (files.py); configuration folders → a ConfigMap (folders.py);
- the service's own source, mounted over the image's copy → dropped (the image has it);
- `configs:` → ConfigMaps (configs.py); host system paths → hostPath only when allowed.

Which folders are configuration and which are data: analysis/mounts.py and
mappings/mount-rules.yaml, overridden per folder by options.storage.folders.
"""
from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from ...analysis.dockerfile import build_context
from ...analysis.mounts import FolderScan, dockerignore_patterns, folder_role, is_source_mount, scan_folder
from ...analysis.volume_drivers import backing_of
from ...analysis.volume_labels import check as check_volume_labels
from ...analysis.volume_labels import volume_type
from ...compose.model import Mount
from ...ir.model import Plan, Workload
from ...kube_text import quantity_memory
from ...names import dns_label
from ...tables.storage import host_paths, mount_rules
from .claims import Storage, Use, data_path, make_claims, relative, stateful_data, volume_mount
from .configs import emit_configs
from .copy_up import copy_up
from .files import emit_files
from .folders import emit_folder

Storages = dict[tuple[str, str], Storage]
Folders = dict[str, list[Use]]


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


def run(plan: Plan) -> Plan:
    storages: Storages = {}
    folders: Folders = {}
    for compose_name in sorted(plan.workloads):
        w = plan.workloads[compose_name]
        check_volume_labels(w.service)
        files: list[Mount] = []
        for index, mount in enumerate(_mounts_with_volumes_from(plan, compose_name)):
            if mount.type == "tmpfs" or (mount.type == "volume" and not mount.source):
                _scratch(plan, w, mount, index, storages)
            elif mount.type == "volume":
                _named(plan, w, mount, index, files, folders, storages)
            elif mount.type == "bind":
                _bind(plan, w, mount, index, files, folders)
            else:
                plan.note(compose_name, "volumes", "volume-type", f"{mount.type} mount {mount.target} is not mapped",
                          "mount the data another way")
        if files:
            emit_files(plan, w, files)
    _folders(plan, folders, storages)
    stateful_data(plan, storages)
    claims = make_claims(plan, storages)
    copy_up(plan, storages, claims)
    emit_configs(plan)
    return plan


def _scratch(plan: Plan, w: Workload, mount: Mount, index: int, storages: Storages) -> None:
    """tmpfs → a memory emptyDir; an anonymous volume → an emptyDir, or the claim template of a
    stateful image's data (Docker kept an anonymous volume across restarts)."""
    name = w.service.name
    target = posixpath.normpath(mount.target)
    if mount.type == "volume" and data_path(w) == target and w.kind == "StatefulSet":
        storages.setdefault(("data", name), Storage(("data", name))).uses.append(Use(name, mount))
        return
    empty: dict[str, Any] = {"medium": "Memory"} if mount.type == "tmpfs" else {}
    if mount.tmpfs and mount.tmpfs.size:
        empty["sizeLimit"] = quantity_memory(mount.tmpfs.size)
    vol = f"scratch-{index}"
    w.mount({"name": vol, "emptyDir": empty}, {"name": vol, "mountPath": target})
    plan.trace(name, "volumes", f"{target} ← emptyDir")


def _is_host_system(path: str) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in host_paths().host_system_paths
               if p != "/") or path == "/"


def _bind(plan: Plan, w: Workload, mount: Mount, index: int, files: list[Mount], folders: Folders) -> None:
    """A bind mount: a host system path → hostPath when allowed, the service's own source →
    dropped, a file → the service's ConfigMap, a folder → configuration or data (`_folders`)."""
    source = os.path.normpath(mount.source)
    if not _in_project(plan, source) and _is_host_system(source):
        _host_path(plan, w, mount, index)
    elif _source_mount(plan, w, source, mount):
        return
    elif Path(source).is_file():
        files.append(mount)
    elif _by_type_label(plan, w, mount, index, f"folder {relative(plan, source)}"):
        return
    else:
        folders.setdefault(source, []).append(Use(w.service.name, mount))


def _source_mount(plan: Plan, w: Workload, source: str, mount: Mount) -> bool:
    """A mount of the service's own build context over the path its Dockerfile copies it to is
    a development convenience: the image has those files, so the mount is dropped."""
    context = build_context(w.service.build, str(plan.project.working_dir))
    image = plan.facts.built_images.get(w.service.name)
    if context is None or image is None:
        return False
    reader = plan.project.reader(plan.options.allow_outside_project)
    ignore = dockerignore_patterns(reader.try_read_text(os.path.join(context, ".dockerignore")) or "")
    if not is_source_mount(image, context, ignore, source, mount.target, Path(source).is_dir()):
        return False
    plan.note(w.service.name, "volumes", "source-mount", f"{relative(plan, source)} → {mount.target} mounts the "
              "service's own source over the copy its image holds (a development convenience): dropped, the "
              "pods run the code built into the image", "rebuild and push the image to change the code",
              severity="info")
    plan.trace(w.service.name, "volumes", f"{mount.target}: the image's own copy (source mount dropped)")
    w.source_mounts.append(mount.model_copy(update={"source": source}))
    return True


def _in_project(plan: Plan, path: str) -> bool:
    root = str(plan.project.working_dir)
    return path == root or path.startswith(root.rstrip("/") + "/")  # as declared: symlinks are checked on read


def _folders(plan: Plan, folders: Folders, storages: Storages) -> None:
    """Each bind-mounted folder, for all the services using it: a ConfigMap when it is
    configuration, else a claim to seed from the folder (the tree README says how)."""
    rules = mount_rules()
    limits = rules.config_folder
    taken = {str(obj["metadata"]["name"]) for _, obj in plan.objects if obj.get("kind") == "ConfigMap"}
    for source in sorted(folders):
        uses = folders[source]
        readable = Path(source).is_dir() and (_in_project(plan, source) or plan.options.allow_outside_project)
        scan = scan_folder(source, limits.max_files, limits.max_bytes) if readable else FolderScan()
        role, why = _role(plan, source, uses, scan, readable)
        if role == "config":
            why = emit_folder(plan, source, uses, scan, taken)
            if not why:
                continue
        seeded = readable and (bool(scan.over) or any(Path(f.path).name not in rules.placeholder_files
                                                        for f in scan.files))
        storage = storages.setdefault(("bind", source), Storage(("bind", source)))
        storage.uses += uses
        storage.seed_from = relative(plan, source) if seeded else None
        users = sorted({u.service for u in uses})
        plan.note(users[0] if len(users) == 1 else "", "volumes", "bind-folder",
                  f"folder {relative(plan, source)} is data ({why}): it becomes a claim"
                  + ("; the tree README says how to copy its files in" if seeded else ", empty at first"),
                  "set storage.folders to carry it as a ConfigMap if it is configuration", severity="info")


def _role(plan: Plan, source: str, uses: list[Use], scan: FolderScan, readable: bool) -> tuple[str, str]:
    """('config' or 'claim', why) for a folder: the caller's choice, else mappings/mount-rules.yaml."""
    chosen = plan.options.storage.folders.get(relative(plan, source))
    if chosen:
        return chosen, "storage.folders says so"
    if not Path(source).is_dir():
        return "claim", "it does not exist"
    if not readable:
        return "claim", "it is outside the project, which is not read"
    if scan.over:
        return "claim", f"it holds {scan.over} (a ConfigMap holds at most 1 MiB)"
    asked = {volume_type(plan.project.services[u.service]) for u in uses}
    if "persistentVolumeClaim" in asked:
        return "claim", "kompose.volume.type persistentVolumeClaim says so"
    if "configMap" in asked:
        return "config", ""
    for use in uses:
        role, why = folder_role(scan, Path(source).name, use.mount.target, data_path(plan.workloads[use.service]),
                                mount_rules())
        if role == "data":
            return "claim", why
    return "config", ""


def _named(plan: Plan, w: Workload, mount: Mount, index: int, files: list[Mount], folders: Folders,
           storages: Storages) -> None:
    """A named volume, as its driver settings describe it (see volume_drivers)."""
    name, source = w.service.name, mount.source
    backing = backing_of(plan.project.volumes.get(source))
    if backing.kind == "tmpfs":
        empty: dict[str, Any] = {"medium": "Memory"}
        if backing.size:
            empty["sizeLimit"] = quantity_memory(backing.size)
        volume = dns_label(f"tmpfs-{source}")
        w.mount({"name": volume, "emptyDir": empty}, volume_mount(plan, name, volume, mount))
        plan.trace(name, "volumes", f"{mount.target} ← emptyDir (volume {source} is a tmpfs)")
        if len(plan.facts.volume_users.get(source, ())) > 1:
            plan.note(name, "volumes", "tmpfs-volume-shared", f"tmpfs volume {source} is shared in compose; each "
                      "pod gets its own memory emptyDir", "share through a claim if the services exchange files")
        return
    if backing.kind == "bind":
        plan.trace(name, "volumes", f"volume {source} binds {backing.device}")
        _bind(plan, w, mount.model_copy(update={"type": "bind", "source": backing.device}), index, files, folders)
        return
    if _by_type_label(plan, w, mount, index, f"volume {source}"):
        return
    if backing.kind == "other":
        top = plan.project.volumes[source]
        settings = f"driver {top.driver or 'local'}" + (f" with {top.driver_opts}" if top.driver_opts else "")
        plan.note(name, "volumes", "volume-driver", f"volume {source}: {settings} not mapped; it becomes a claim "
                  "from the storage class",
                  "pick a storage class that provides this storage (storage.class_by_overlay)")
    storages.setdefault(("volume", source), Storage(("volume", source))).uses.append(Use(name, mount))


def _by_type_label(plan: Plan, w: Workload, mount: Mount, index: int, what: str) -> bool:
    """kompose.volume.type on the service: emptyDir makes its named volumes and folders emptyDirs;
    hostPath mounts a folder from the node, only when the caller allows hostPath (the compose
    file cannot). True when the mount is done here."""
    kind, name = volume_type(w.service), w.service.name
    if kind == "emptyDir":
        volume = f"scratch-{index}"
        w.mount({"name": volume, "emptyDir": {}}, volume_mount(plan, name, volume, mount))
        plan.trace(name, "labels", f"kompose.volume.type emptyDir: {mount.target} ← emptyDir")
        plan.note(name, "volumes", "label-empty-dir", f"{what} at {mount.target} is an emptyDir, as "
                  "kompose.volume.type asks: it starts empty and its files go with the pod", severity="info")
        return True
    if kind == "hostPath" and mount.type == "bind" and plan.options.allow_host_path:
        _host_path(plan, w, mount, index)
        plan.trace(name, "labels", f"kompose.volume.type hostPath: {mount.target} ← hostPath {mount.source}")
        return True
    if kind == "hostPath":
        plan.note(name, "labels", "label-host-path", f"kompose.volume.type hostPath: {what} is not mounted from "
                  "the node" + ("" if mount.type == "bind" else " (a named volume has no folder there)")
                  + ": it is mapped as without the label", "only the caller allows hostPath: --allow-host-path"
                  if mount.type == "bind" else "bind-mount a folder to use hostPath")
    elif kind == "configMap" and mount.type == "volume":
        plan.note(name, "labels", "label-config-map", f"kompose.volume.type configMap: {what} stays a claim (a "
                  "ConfigMap is made of bind-mounted files and folders)", severity="info")
    return False


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
                  "allow hostPath explicitly with --allow-host-path if you must", subject=f"{mount.source} → {mount.target}",
                  group="{count} host paths are not mapped: pods do not see the node's files: {subjects}")
