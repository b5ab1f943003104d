"""The overlay guide's prerequisites: what the cluster (or Kind on this machine) must offer,
and the commands that check it."""
from __future__ import annotations

from ...ir.model import Plan
from ...ir.overlays import OverlayPlan
from ...tables.overlays import overlay_rules
from .formats import node_ports_in_order, published_port, sh_block


def _storage(plan: Plan, overlay: OverlayPlan) -> tuple[list[str], list[str]]:
    """(bullets, check commands) for the storage classes and NFS shares the overlay's claims need."""
    classes = {c.claim: c.storage_class for c in overlay.claim_classes if c.claim}
    templates = {c.templates_of: c.storage_class for c in overlay.claim_classes if c.templates_of}
    nfs_bound = {v.claim for v in overlay.static_volumes if v.nfs}
    needs: dict[tuple[str | None, str], list[str]] = {}  # (class or None: default, access mode) → what
    for claim in plan.claims:  # a claim's own class (a Kompose label) where the overlay sets none
        if not (claim.external or claim.template or claim.name in nfs_bound):
            needs.setdefault((classes.get(claim.name) or claim.storage_class, claim.access_mode), []).append(
                f"claim {claim.name}")
    for owner in sorted({c.owner for c in plan.claims if c.template and c.owner}):
        what = f"the claims of StatefulSet {plan.workloads[owner].name}"
        for cls in dict.fromkeys(c.storage_class or templates.get(owner) for c in plan.claims
                                 if c.template and c.owner == owner):
            needs.setdefault((cls, "ReadWriteOnce"), []).append(what)
    bullets = []
    for (cls, mode), what in sorted(needs.items(), key=lambda item: (item[0][0] is None, item[0][0] or "",
                                                                     item[0][1])):
        name = f"StorageClass `{cls}`" if cls else "the cluster's default StorageClass (marked `(default)`)"
        bullets.append(f"- {name}" + (", which must support ReadWriteMany (shared by several services)"
                                      if mode == "ReadWriteMany" else "") + f": {', '.join(what)}.")
    named = sorted({cls for cls, _ in needs if cls})
    checks = [f"kubectl get storageclass {' '.join(named)}"] if named else []
    if any(cls is None for cls, _ in needs):
        checks.append("kubectl get storageclass")
    for volume in (v for v in overlay.static_volumes if v.nfs):
        bullets.append(f"- the NFS server `{volume.nfs.server}` exporting `{volume.nfs.path}` to the nodes (claim "
                       f"{volume.claim}, bound by `overlays/{overlay.name}/nfs-volumes.yaml`); the nodes need an NFS "
                       "client (nfs-common or nfs-utils).")
        checks.append(f"showmount -e {volume.nfs.server}   # from a node, or a machine on the nodes' network")
    for claim in (c for c in plan.claims if c.external):
        bullets.append(f"- PersistentVolumeClaim `{claim.name}` ({claim.source}, external in compose) in namespace "
                       f"`{overlay.namespace}`.")
        checks.append(f"kubectl -n {overlay.namespace} get pvc {claim.name}")
    return bullets, checks


def _privileged(plan: Plan) -> list[str]:
    """'<workload>/<container>' for every privileged container or init container."""
    return [f"{w.name}/{c['name']}" for _, w in sorted(plan.pod_owners().items())
            for c in [*w.init_containers, w.container, *w.sidecars]
            if (c.get("securityContext") or {}).get("privileged")]


def _cluster_prerequisites(plan: Plan, overlay: OverlayPlan) -> tuple[list[str], list[str]]:
    bullets = ["- a cluster your kubectl context points at."]
    checks = ["kubectl config current-context"]
    if overlay.exposed and plan.exposure.routes:
        classes = sorted({i.ingress_class for i in plan.exposure.ingresses if i.ingress_class})
        if any(not i.ingress_class for i in plan.exposure.ingresses):
            bullets.append("- an ingress controller whose IngressClass is the cluster's default (annotation "
                           "`ingressclass.kubernetes.io/is-default-class: \"true\"`), or set ingress_class.")
            checks.append("kubectl get ingressclass")
        if classes:
            bullets.append(f"- an ingress controller serving IngressClass {', '.join(f'`{c}`' for c in classes)}.")
            checks.append(f"kubectl get ingressclass {' '.join(classes)}")
    if overlay.exposed and any(e.type == "LoadBalancer" for e in plan.exposure.external):
        bullets.append("- LoadBalancer Services get an address: a cloud provider's load balancers, or MetalLB "
                       "on bare metal.")
    for tls in overlay.tls:
        if tls.issuer:
            bullets.append(f"- cert-manager (https://cert-manager.io/docs/installation/) and its ClusterIssuer "
                           f"`{tls.issuer}`, which issues Secret `{tls.secret}` for the hosts of Ingress `{tls.ingress}`.")
            checks.append(f"kubectl get clusterissuer {tls.issuer}   # READY True")
        else:
            bullets.append(f"- a TLS certificate for {', '.join(tls.hosts)} (no tls_issuer is set, so "
                           f"you create Secret `{tls.secret}` yourself, below).")
    for ingress in (i for i in plan.exposure.ingresses if i.tls_secret and overlay.exposed):
        bullets.append(f"- a TLS certificate for {', '.join(r.host for r in ingress.routes(plan.exposure))} in "
                       f"Secret `{ingress.tls_secret}` (kompose.service.expose.tls-secret), created below.")
    if plan.autoscalers:
        scaled = ", ".join(sorted(plan.workloads[name].name for name in plan.autoscalers))
        bullets.append(f"- the metrics server, which the HorizontalPodAutoscalers of {scaled} read (without it they "
                       "keep their minimum).")
        checks.append("kubectl top nodes   # answers when the metrics server runs")
    privileged = _privileged(plan)
    if privileged:
        bullets.append(f"- privileged containers allowed in namespace `{overlay.namespace}` (Pod Security not enforcing "
                       f"baseline or restricted there): {', '.join(privileged)}."
                       + (" Where they are refused, set on the nodes what an init-sysctl container sets (its command "
                          "lists it) and remove that container." if any(n.endswith("/init-sysctl") for n in privileged)
                          else ""))
        checks.append(f"kubectl get namespace {overlay.namespace} --show-labels   # if it exists: no "
                      "pod-security.kubernetes.io/enforce baseline or restricted")
    several = sorted(plan.workloads[r.workload].name for r in overlay.replicas if r.count > 1)
    zone = overlay_rules().overlays[overlay.name].zone_spread if overlay.zone_spreads else None
    if several:
        bullets.append(f"- several nodes: {', '.join(several)} run several replicas here"
                       + (", with PodDisruptionBudgets for node drains" if overlay.budgets else "")
                       + (f", spread over the zones of the node label `{zone}` when there are several" if zone else "")
                       + ".")
        checks.append(f"kubectl get nodes -L {zone}" if zone else "kubectl get nodes")
    return bullets, checks


def _kind_prerequisites(overlay: OverlayPlan) -> tuple[list[str], list[str]]:
    ports = ", ".join(published_port(e.port) for e in node_ports_in_order(overlay))
    bullets = ["- Docker running, and `kind` (see Tools); no other Kind cluster named `kind`."]
    if ports:
        bullets.append(f"- free ports on this machine, which Kind maps into the cluster as Compose published them: "
                       f"{ports}.")
    for mount in overlay.live_mounts:  # Kind would create a missing folder, empty, hiding the image's code
        bullets.append(f"- the folder `{mount.folder}` of this checkout (live code: {mount.workload} runs it at "
                       f"`{mount.target}` instead of its image's copy; edits show without a rebuild).")
    return bullets, ["docker info", "kind version", "kind get clusters   # `kind` must not be listed yet",
                     *(f"ls {m.folder}" for m in overlay.live_mounts)]


def prerequisites(plan: Plan, overlay: OverlayPlan, files: dict[str, str]) -> list[str]:
    """The "Prerequisites" part: what must be there, then the commands that check it."""
    kind = f"overlays/{overlay.name}/kind-cluster.yaml" in files
    bullets, checks = _kind_prerequisites(overlay) if kind else _cluster_prerequisites(plan, overlay)
    if not kind:
        more, more_checks = _storage(plan, overlay)
        bullets, checks = bullets + more, checks + more_checks
    if any(obj.get("kind") == "NetworkPolicy" for _, obj in plan.objects):
        bullets.append("- a network plugin that enforces NetworkPolicies (Calico, Cilium; Kind's own from 0.24), "
                       "or the compose networks' isolation is not kept.")
    return ["### Prerequisites", "", *bullets, "", "Check them:", "", *sh_block(checks)]
