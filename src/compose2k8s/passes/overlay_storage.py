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
from ..ir.overlays import ClaimClass, LiveMount, OverlayPlan, StaticVolume
from ..names import dns_label
from ..tables.overlays import overlay_rules


def _classes(plan: Plan, overlay: OverlayPlan, nfs_bound: bool, local: bool) -> None:
    """A claim with its own class (kompose.volume.storage-class-name) keeps it, except where the
    overlay binds every claim to its local volumes."""
    storage = plan.options.storage
    cls = storage.class_by_overlay.get(overlay.name)
    rwx = storage.rwx_class_by_overlay.get(overlay.name, cls)
    for claim in plan.claims:
        if claim.template or claim.external or (claim.nfs and nfs_bound) or (claim.storage_class and not local):
            continue
        chosen = rwx if claim.access_mode == "ReadWriteMany" else cls
        if chosen:
            overlay.claim_classes.append(ClaimClass(chosen, claim=claim.name))
    templates: dict[str, list[bool]] = {}  # StatefulSet → per template, whether the overlay sets its class
    for claim in plan.claims:
        if claim.template and claim.owner:
            templates.setdefault(claim.owner, []).append(local or not claim.storage_class)
    if cls:
        overlay.claim_classes += [
            ClaimClass(cls, templates_of=name, template_indices=tuple(i for i, ours in enumerate(templates[name]) if ours))
            for name in plan.workloads if any(templates.get(name, ()))]


LIVE_CODE_NODE_FOLDER = "/mnt/compose2k8s-src"  # where Kind mounts each source folder on its node


def _live_mounts(plan: Plan, overlay: OverlayPlan) -> None:
    """dev_live_code: each source mount dropped in base comes back in this overlay from the checkout."""
    for compose_name, w in sorted(plan.workloads.items()):
        for index, mount in enumerate(w.source_mounts):
            claim = dns_label(f"src-{w.name}-{index}")
            overlay.live_mounts.append(LiveMount(compose_name, claim, mount.source, f"{LIVE_CODE_NODE_FOLDER}/{claim}",
                                                 mount.target, mount.read_only))
            plan.trace(compose_name, "volumes", f"{mount.target} ← {mount.source} from this checkout in "
                       f"{overlay.name} (dev_live_code: Kind mount, claim {claim})")


def run(plan: Plan) -> Plan:
    for name, overlay in plan.overlays.items():
        rules = overlay_rules().overlays[name]
        _classes(plan, overlay, rules.nfs_volumes, bool(rules.local_volumes))
        if rules.local_volumes and plan.options.dev_live_code:
            _live_mounts(plan, overlay)
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
