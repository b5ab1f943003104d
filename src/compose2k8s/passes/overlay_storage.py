"""Storage per overlay (mappings/overlays.yaml and options.storage):

- every overlay: the storage class of each claim (options.storage.class_by_overlay, and
  rwx_class_by_overlay for ReadWriteMany claims) and of each StatefulSet's claim templates;
- dev (`local_volumes`): a no-provisioner StorageClass and a hostPath PersistentVolume per
  claim (one per pod for claim templates), under the folder Kind mounts from the laptop;
- staging and prod (`nfs_volumes`): a PersistentVolume binding each NFS claim to its share
  (NFS claims get no class there: they are bound, not provisioned).
"""
from __future__ import annotations

from ..ir.model import Plan
from ..ir.overlays import ClaimClass, OverlayPlan, StaticVolume
from ..mappings import overlay_rules


def _classes(plan: Plan, overlay: OverlayPlan, nfs_bound: bool) -> None:
    storage = plan.options.storage
    cls = storage.class_by_overlay.get(overlay.name)
    rwx = storage.rwx_class_by_overlay.get(overlay.name, cls)
    for claim in plan.claims:
        if claim.template or claim.external or (claim.nfs and nfs_bound):
            continue
        chosen = rwx if claim.access_mode == "ReadWriteMany" else cls
        if chosen:
            overlay.claim_classes.append(ClaimClass(chosen, claim=claim.name))
    templated = {c.owner for c in plan.claims if c.template}
    if cls:
        overlay.claim_classes += [ClaimClass(cls, templates_of=name) for name in plan.workloads if name in templated]


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        rules = overlay_rules().overlays[name]
        _classes(plan, overlay, rules.nfs_volumes)
        if rules.local_volumes:
            overlay.local_storage_class = plan.options.storage.class_by_overlay.get(name, "local-storage")
            overlay.static_volumes = [
                StaticVolume(bound, claim.access_mode, claim.size,
                             host_path=f"{rules.local_volumes}/{overlay.namespace}/{bound}")
                for bound, claim in plan.bound_claims()]
        if rules.nfs_volumes:
            overlay.static_volumes = [StaticVolume(c.name, "ReadWriteMany", c.size, nfs=c.nfs)
                                      for c in sorted(plan.claims, key=lambda c: c.name) if c.nfs and not c.external]
    return plan
