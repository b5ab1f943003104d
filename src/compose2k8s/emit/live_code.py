"""Live code in dev (option dev_live_code): a service's own source, dropped in base because
its image holds a copy, comes back in the dev overlay from this checkout.

Kind mounts the folder into its node (`extraMounts`), a PersistentVolume on that node folder
binds a dev-only claim, and a patch mounts the claim where compose mounted the folder. A
claim, not a pod `hostPath` volume, so that Pod Security baseline still admits the pod.
"""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan
from ..ir.overlays import LiveMount, OverlayPlan, StaticVolume
from .lower import API_VERSIONS
from .persistent_volumes import persistent_volume
from .yamltext import dump


def kind_mounts(overlay: OverlayPlan) -> list[dict[str, Any]]:
    """kind-cluster.yaml extraMounts: each folder of this checkout at its node folder."""
    return [{"hostPath": m.folder, "containerPath": m.node_path, **({"readOnly": True} if m.read_only else {})}
            for m in overlay.live_mounts]


def _volume_and_claim(mount: LiveMount, namespace: str, storage_class: str) -> list[dict[str, Any]]:
    """The node folder's PersistentVolume (never created empty over the image's code) and its claim;
    ReadWriteOnce, what a node folder offers (a read-only mount says readOnly where it is mounted)."""
    volume = persistent_volume(StaticVolume(mount.claim, "ReadWriteOnce", "1Gi", host_path=mount.node_path,
                                            host_path_type="Directory"), namespace, storage_class)
    return [volume, {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": mount.claim},
                     "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": storage_class,
                              "volumeName": volume["metadata"]["name"], "resources": {"requests": {"storage": "1Gi"}}}}]


def live_code_file(overlay: OverlayPlan) -> str | None:
    """live-code.yaml: a PersistentVolume and its claim per mounted folder."""
    if not overlay.live_mounts or not overlay.local_storage_class:
        return None
    objects = [obj for m in overlay.live_mounts
               for obj in _volume_and_claim(m, overlay.namespace, overlay.local_storage_class)]
    return "---\n".join(dump(obj) for obj in objects)


def _pod_path(kind: str, pod: dict[str, Any]) -> dict[str, Any]:
    template = {"template": {"spec": pod}}
    return {"jobTemplate": {"spec": template}} if kind == "CronJob" else template


def live_code_patches(plan: Plan, overlay: OverlayPlan) -> list[dict[str, Any]]:
    """One strategic-merge patch per pod: its claims as volumes, mounted in the container that
    compose mounted the folder in (a sidecar's too)."""
    by_pod: dict[str, list[LiveMount]] = {}
    for mount in overlay.live_mounts:
        w = plan.workloads[mount.workload]
        by_pod.setdefault(w.sidecar_of or mount.workload, []).append(mount)
    patches = []
    for owner, mounts in sorted(by_pod.items()):
        w = plan.workloads[owner]
        containers: dict[str, list[dict[str, Any]]] = {}
        for m in mounts:
            name = plan.workloads[m.workload].container["name"]
            containers.setdefault(name, []).append({"name": m.claim, "mountPath": m.target,
                                                    **({"readOnly": True} if m.read_only else {})})
        pod = {"containers": [{"name": name, "volumeMounts": found} for name, found in containers.items()],
               "volumes": [{"name": m.claim, "persistentVolumeClaim": {"claimName": m.claim}} for m in mounts]}
        patch = {"apiVersion": API_VERSIONS[w.kind], "kind": w.kind, "metadata": {"name": w.name},
                 "spec": _pod_path(w.kind, pod)}
        patches.append({"target": {"kind": w.kind, "name": w.name}, "patch": dump(patch)})
    return patches
