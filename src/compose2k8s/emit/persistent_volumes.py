"""The PersistentVolume an overlay makes for one claim: a node folder (dev's local volumes, live
code) or an NFS share (staging and prod), bound to its claim by claimRef."""
from __future__ import annotations

from typing import Any

from ..ir.overlays import StaticVolume
from ..names import dns_label


def persistent_volume(volume: StaticVolume, namespace: str, storage_class: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"capacity": {"storage": volume.size}, "accessModes": [volume.access_mode],
                            "persistentVolumeReclaimPolicy": "Retain", "storageClassName": storage_class}
    if volume.nfs:
        spec["mountOptions"] = list(volume.nfs.options)
        spec["nfs"] = {"server": volume.nfs.server, "path": volume.nfs.path}
        spec["claimRef"] = {"namespace": namespace, "name": volume.claim}
    else:
        spec["claimRef"] = {"namespace": namespace, "name": volume.claim}
        spec["hostPath"] = {"path": volume.host_path, "type": volume.host_path_type}
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": dns_label(f"{namespace}-{volume.claim}")}, "spec": spec}
