"""Claims: one per named volume or data folder, mounted in each service using it — a
StatefulSet's claim template when it is the only user, else a PersistentVolumeClaim
(ReadWriteMany when shared or NFS) — and the data path of a stateful image that Compose
kept in the image's anonymous volume.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...analysis.images import image_base
from ...analysis.volume_drivers import backing_of
from ...analysis.volume_labels import SIZE, STORAGE_CLASS, claim_size, storage_class, sub_path, volume_label
from ...compose.model import Mount, Service
from ...ir.model import Claim, NfsShare, Plan, Workload
from ...kube_text import quantity_value
from ...names import dns_label, existing_name
from ...tables.images import stateful_images
from ...tables.storage import host_paths


@dataclass
class Use:
    service: str
    mount: Mount


@dataclass
class Storage:
    """What one claim holds: ("volume", name), ("bind", folder) or ("data", service)."""

    key: tuple[str, str]
    uses: list[Use] = field(default_factory=list)
    seed_from: str | None = None  # ./folder whose files the claim should start with


def relative(plan: Plan, path: str) -> str:
    """`path` as ./relative to the project folder when it is inside it."""
    try:
        return "./" + Path(path).relative_to(plan.project.working_dir).as_posix()
    except ValueError:
        return path


def volume_mount(plan: Plan, service: str, name: str, mount: Mount, labelled: Service | None = None) -> dict[str, Any]:
    """The volumeMount of `mount` on pod volume `name`; a volume's `subpath` becomes `subPath`,
    else the kompose.volume.sub-path of the `labelled` service (claims only)."""
    out: dict[str, Any] = {"name": name, "mountPath": posixpath.normpath(mount.target)}
    subpath = str((mount.volume or {}).get("subpath") or "")
    if not subpath and labelled is not None and (subpath := sub_path(labelled) or ""):
        plan.trace(service, "labels", f"kompose.volume.sub-path: {mount.target} mounts {subpath} of claim {name}")
    if subpath and (subpath.startswith("/") or ".." in subpath.split("/")):
        plan.note(service, "volumes", "volume-subpath", f"subpath {subpath} of {mount.target} leaves the volume; "
                  "the whole volume is mounted", "give a relative path inside the volume")
    elif subpath:
        out["subPath"] = subpath
    if mount.read_only:
        out["readOnly"] = True
    return out


def data_path(w: Workload) -> str | None:
    """Where the service's image keeps its state (mappings/stateful-images.yaml), if it is one."""
    table = stateful_images().get(image_base(w.service.image))
    return table.data if table else None


def stateful_data(plan: Plan, storages: dict[tuple[str, str], Storage]) -> None:
    """A stateful image whose data path no volume holds kept its data in the anonymous volume
    Docker made from the image's VOLUME, which outlives the container: a claim template there.
    A tmpfs there lost it on every restart in Compose too: it stays an emptyDir (said so)."""
    for name in sorted(plan.workloads):
        w = plan.workloads[name]
        path = data_path(w)
        if not path or w.kind != "StatefulSet":
            continue
        empty = {v["name"] for v in w.volumes if "emptyDir" in v}
        mounted = {posixpath.normpath(m["mountPath"]): m["name"] in empty for m in w.container.get("volumeMounts", [])}
        mounted.update({posixpath.normpath(u.mount.target): False for s in storages.values() for u in s.uses
                        if u.service == name})
        covering = [t for t in mounted if path == t or path.startswith(t.rstrip("/") + "/")]
        if any(mounted[t] for t in covering):
            plan.note(name, "volumes", "ephemeral-data", f"{path}, where {image_base(w.service.image)} keeps its "
                      "data, is a tmpfs: its data is lost when the pod restarts, as it was when the container "
                      "restarted", severity="info")
        if covering:
            continue
        storages[("data", name)] = Storage(("data", name), [Use(name, Mount(type="volume", target=path))])
        plan.note(name, "volumes", "stateful-data", f"{path}, where {image_base(w.service.image)} keeps its data, "
                  "has no volume in compose: Docker kept it in an anonymous volume across restarts, so it gets "
                  "a claim template here", "name a volume for it in compose to choose its size", severity="info")


def _size(plan: Plan, storage: Storage) -> str:
    """The claim's size: its volume's size label, the caller's storage.sizes, the largest
    kompose.volume.size of the services mounting it, else storage.default_size."""
    kind, source = storage.key
    if kind == "volume":
        top = plan.project.volumes.get(source)
        found = volume_label(top.labels if top else None, tuple(host_paths().size_labels), source)
        if found:
            return found[1]
        if source in plan.options.storage.sizes:
            return plan.options.storage.sizes[source]
    sizes = {u.service: size for u in storage.uses if (size := claim_size(plan.project.services[u.service]))}
    if not sizes:
        return plan.options.storage.default_size
    chosen = max(sizes.values(), key=quantity_value)
    for service in sorted(sizes):
        plan.trace(service, "labels", f"{SIZE}: {_described(plan, *storage.key)} claims {chosen}")
    return chosen


def _storage_class(plan: Plan, storage: Storage) -> str | None:
    """The claim's own storage class: its volume's kompose.volume.storage-class-name, else the one
    the services mounting it ask for (one of them, said so, when they differ)."""
    kind, source = storage.key
    top = plan.project.volumes.get(source) if kind == "volume" else None
    found = volume_label(top.labels, (STORAGE_CLASS,), source) if top is not None else None
    if found:
        return found[1]
    asked = {u.service: cls for u in storage.uses if (cls := storage_class(plan.project.services[u.service]))}
    if not asked:
        return None
    chosen = sorted(set(asked.values()))[0]
    for service in sorted(asked):
        plan.trace(service, "labels", f"{STORAGE_CLASS}: {_described(plan, kind, source)} uses class {chosen}")
    if len(set(asked.values())) > 1:
        plan.note("", "labels", "storage-class-clash", f"{_described(plan, kind, source)} is mounted by services "
                  f"asking for storage classes {', '.join(sorted(set(asked.values())))}: its claim uses {chosen}",
                  f"give every service mounting it the same {STORAGE_CLASS}")
    return chosen


def _claim_name(plan: Plan, storage: Storage, taken: set[str]) -> str:
    kind, source = storage.key
    if kind == "volume":
        base = existing_name(source, plan.project.volumes.get(source))
    elif kind == "data":
        base = dns_label(f"{plan.workloads[source].name}-data")
    else:
        writer = next((u.service for u in storage.uses if not u.mount.read_only), storage.uses[0].service)
        leaf = dns_label(Path(source).name or "data")
        base = dns_label(f"{writer}-{leaf}") if dns_label(writer) not in leaf else leaf
    name, index = base, 2
    while name in taken:
        name, index = f"{base}-{index}", index + 1
    taken.add(name)
    return name


def make_claims(plan: Plan, storages: dict[tuple[str, str], Storage]) -> dict[tuple[str, str], Claim]:
    """One claim per storage (see `_claim`), mounted in each user; {storage key: claim}."""
    taken: set[str] = set()
    made = {}
    for key in sorted(storages):
        storage = storages[key]
        claim = made[key] = _claim(plan, storage, _claim_name(plan, storage, taken))
        for use in storage.uses:
            w = plan.workloads[use.service]
            if claim.access_mode == "ReadWriteOnce" and not claim.template and not use.mount.read_only:
                _recreate(plan, plan.workloads[w.sidecar_of] if w.sidecar_of else w, claim.name)
            mount = volume_mount(plan, use.service, claim.name, use.mount, plan.project.services[use.service])
            if claim.template:
                w.container.setdefault("volumeMounts", []).append(mount)
            else:
                w.mount({"name": claim.name, "persistentVolumeClaim": {"claimName": claim.name}}, mount)
            plan.trace(use.service, "volumes", f"{use.mount.target} ← "
                       + (f"volumeClaimTemplate {claim.name}" if claim.template else
                          f"PersistentVolumeClaim {claim.name}"))
    return made


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


def _described(plan: Plan, kind: str, source: str) -> str:
    if kind == "volume":
        return f"volume {source}"
    return f"folder {relative(plan, source)}" if kind == "bind" else f"the data of {source}"


def _claim(plan: Plan, storage: Storage, name: str) -> Claim:
    """The claim of a storage: a StatefulSet's claim template when only it uses it, else a
    PersistentVolumeClaim (ReadWriteMany when shared or NFS); an external volume's claim
    must exist already."""
    kind, source = storage.key
    users = sorted({u.service for u in storage.uses})
    writers = {u.service for u in storage.uses if not u.mount.read_only}
    readers = [u for u in users if u not in writers]
    size, storage_class = _size(plan, storage), _storage_class(plan, storage)
    top = plan.project.volumes.get(source) if kind == "volume" else None
    share = backing_of(top) if top is not None else None
    nfs = NfsShare(share.server, share.device, share.options) if share and share.kind == "nfs" else None
    single = plan.workloads[users[0]] if len(users) == 1 else None
    described = _described(plan, kind, source)
    external = bool(top and top.external)
    if single is not None and single.kind == "StatefulSet" and not external and not nfs:
        owner = single.sidecar_of or users[0]  # the pod's StatefulSet holds the template
        claim = Claim(name, "ReadWriteOnce", size, users, described, owner=owner, template=True, read_only=readers,
                      seed_from=storage.seed_from, storage_class=storage_class)
        plan.claims.append(claim)
        return claim
    mode = "ReadWriteMany" if len(users) > 1 or nfs else "ReadWriteOnce"
    claim = Claim(name, mode, size, users, described, owner=users[0] if single else None, nfs=nfs,
                  read_only=readers, external=external, seed_from=storage.seed_from,
                  storage_class=None if nfs else storage_class)
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
    return claim
