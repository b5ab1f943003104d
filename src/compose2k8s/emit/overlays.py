"""overlays/{dev,staging,prod}/ and components/exposure/ over base/: writes what the overlay
planning passes decided (plan.overlays, plan.exposure) as Kustomize files and patches.
"""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan
from ..ir.overlays import Exposure, ExternalService, Ingress, OverlayPlan, StaticVolume
from ..tables.overlays import overlay_rules
from .live_code import kind_mounts, live_code_file, live_code_patches
from .persistent_volumes import persistent_volume
from .yamltext import dump, dump_value

KUSTOMIZE = "kustomize.config.k8s.io/v1beta1"
COMPONENT = "components/exposure"


def external_name(plan: Plan, service: ExternalService) -> str:
    """The Service of a workload's published ports in staging and prod: <workload>-external (a
    LoadBalancer), <workload>-nodeport (a NodePort)."""
    return f"{plan.workloads[service.workload].name}-{'external' if service.type == 'LoadBalancer' else 'nodeport'}"


def kind_host_folder(overlay: OverlayPlan, volume: StaticVolume) -> str | None:
    """Where on this machine a dev PersistentVolume's files are: Kind mounts `kind_host_folder`
    at the node folder `local_volumes` that holds them (None without that mount)."""
    rules = overlay_rules().overlays[overlay.name]
    if not (volume.host_path and rules.kind_host_folder and rules.local_volumes):
        return None
    return rules.kind_host_folder + volume.host_path[len(rules.local_volumes):]


def _patch(kind: str, name: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": {"kind": kind, "name": name}, "patch": dump_value(ops)}


def _node_port_files(plan: Plan, overlay: OverlayPlan) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """NodePort Services per workload, and Kind's port mappings to them."""
    files: dict[str, str] = {}
    by_workload: dict[str, list] = {}
    mappings = []
    for entry in overlay.node_ports:
        by_workload.setdefault(plan.workloads[entry.workload].name, []).append(entry)
        mappings.append({"containerPort": entry.node_port, "hostPort": int(entry.port.published),
                         "protocol": entry.port.protocol,
                         **({"listenAddress": entry.port.host_ip} if entry.port.host_ip else {})})
    for name, entries in sorted(by_workload.items()):
        w = plan.workloads[entries[0].workload]
        ports = [{"name": e.port.name, "port": e.port.port, "targetPort": e.port.name, "nodePort": e.node_port,
                  **({"protocol": e.port.protocol} if e.port.protocol != "TCP" else {})} for e in entries]
        spec = {"type": "NodePort", "selector": plan.selector(w), "ports": ports,
                **({"externalTrafficPolicy": entries[0].traffic_policy} if entries[0].traffic_policy else {})}
        files[f"nodeport-{name}.yaml"] = dump({"apiVersion": "v1", "kind": "Service",
                                               "metadata": plan.meta(f"{name}-nodeport", w), "spec": spec})
    return files, mappings


def _storage_files(overlay: OverlayPlan) -> dict[str, str]:
    files: dict[str, str] = {}
    if overlay.local_storage_class:
        files["storageclass.yaml"] = dump({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                           "metadata": {"name": overlay.local_storage_class},
                                           "provisioner": "kubernetes.io/no-provisioner",
                                           "volumeBindingMode": "WaitForFirstConsumer", "reclaimPolicy": "Retain"})
        if overlay.static_volumes:
            files["persistentvolumes.yaml"] = "---\n".join(
                dump(persistent_volume(v, overlay.namespace, overlay.local_storage_class)) for v in overlay.static_volumes)
    elif overlay.static_volumes:
        files["nfs-volumes.yaml"] = "---\n".join(dump(persistent_volume(v, overlay.namespace, ""))
                                                 for v in overlay.static_volumes)
    return files


def _storage_patches(plan: Plan, overlay: OverlayPlan) -> list[dict[str, Any]]:
    patches = []
    for choice in overlay.claim_classes:
        if choice.claim:
            patches.append(_patch("PersistentVolumeClaim", choice.claim, [
                {"op": "add", "path": "/spec/storageClassName", "value": choice.storage_class}]))
        else:
            patches.append(_patch("StatefulSet", plan.workloads[choice.templates_of or ""].name, [
                {"op": "add", "path": f"/spec/volumeClaimTemplates/{i}/spec/storageClassName",
                 "value": choice.storage_class} for i in choice.template_indices]))
    return patches


def _zone_spread(plan: Plan, compose_name: str, key: str) -> dict[str, Any]:
    """Spread a Deployment's pods over zones, after the base's own spreads if it has some."""
    w = plan.workloads[compose_name]
    path = "/spec/template/spec/topologySpreadConstraints"
    zone = {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": plan.selector(w)}}
    op = {"op": "add", "path": f"{path}/-", "value": zone} if w.pod.get("topologySpreadConstraints") else \
        {"op": "add", "path": path, "value": [zone]}
    return _patch("Deployment", w.name, [op])


def _workload_patches(plan: Plan, overlay: OverlayPlan) -> list[dict[str, Any]]:
    patches = []
    for compose_name, index in overlay.dropped_cpu_limits:
        w = plan.workloads[compose_name]
        patches.append(_patch(w.kind, w.name, [
            {"op": "remove", "path": f"/spec/template/spec/containers/{index}/resources/limits/cpu"}]))
    for compose_name in overlay.dropped_affinity:
        w = plan.workloads[compose_name]
        prefix = "/spec/jobTemplate" if w.kind == "CronJob" else ""
        patches.append(_patch(w.kind, w.name, [{"op": "remove", "path": f"{prefix}/spec/template/spec/affinity"}]))
    zone = overlay_rules().overlays[overlay.name].zone_spread
    patches += [_zone_spread(plan, name, zone) for name in overlay.zone_spreads if zone]
    for tls in overlay.tls:
        ops: list[dict[str, Any]] = [{"op": "add", "path": "/spec/tls",
                                      "value": [{"hosts": tls.hosts, "secretName": tls.secret}]}]
        if tls.issuer:
            ops.append({"op": "add", "path": "/metadata/annotations",
                        "value": {"cert-manager.io/cluster-issuer": tls.issuer}})
        patches.append(_patch("Ingress", tls.ingress, ops))
    return patches


def _autoscaler_patches(plan: Plan, overlay: OverlayPlan) -> list[dict[str, Any]]:
    """An autoscaled workload's overlay minimum (and the maximum, when the minimum passes it)."""
    patches = []
    for entry in (r for r in overlay.replicas if r.autoscaled):
        scaler = plan.autoscalers[entry.workload]
        ops = [{"op": "replace", "path": "/spec/minReplicas", "value": entry.count}]
        if entry.count > scaler.max_replicas:
            ops.append({"op": "replace", "path": "/spec/maxReplicas", "value": entry.count})
        patches.append(_patch("HorizontalPodAutoscaler", plan.workloads[entry.workload].name, ops))
    return patches


def _budgets(plan: Plan, overlay: OverlayPlan) -> str:
    budgets = []
    for budget in overlay.budgets:
        w = plan.workloads[budget.workload]
        rule = {"minAvailable": budget.min_available} if budget.min_available is not None else \
            {"maxUnavailable": budget.max_unavailable}
        budgets.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": plan.meta(w.name, w),
                        "spec": {**rule, "selector": {"matchLabels": plan.selector(w)}}})
    return "---\n".join(dump(b) for b in budgets)


def _kind_cluster(mappings: list[dict[str, Any]], overlay: OverlayPlan) -> str:
    rules = overlay_rules().overlays[overlay.name]
    node: dict[str, Any] = {"role": "control-plane", "extraPortMappings": mappings}
    if overlay.static_volumes and rules.kind_host_folder:
        node["extraMounts"] = [{"hostPath": rules.kind_host_folder, "containerPath": rules.local_volumes}]
    if overlay.live_mounts:
        node["extraMounts"] = node.get("extraMounts", []) + kind_mounts(overlay)
    return ("# kind create cluster --config overlays/dev/kind-cluster.yaml\n"
            "# localhost:<published port> reaches the NodePort Services, as compose's ports did.\n"
            + dump({"kind": "Cluster", "apiVersion": "kind.x-k8s.io/v1alpha4", "nodes": [node]}))


def _overlay_files(plan: Plan, overlay: OverlayPlan) -> dict[str, str]:
    files = {"namespace.yaml": dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": overlay.namespace}})}
    resources = ["../../base", "namespace.yaml"]
    kind_cluster = None
    if overlay_rules().overlays[overlay.name].exposure == "node_ports":
        services, mappings = _node_port_files(plan, overlay)
        files.update(services)
        kind_cluster = _kind_cluster(mappings, overlay)
    files.update(_storage_files(overlay))
    live_code = live_code_file(overlay)
    if live_code:
        files["live-code.yaml"] = live_code
    if overlay.budgets:
        files["poddisruptionbudgets.yaml"] = _budgets(plan, overlay)
    if overlay.limit_range:
        files["limitrange.yaml"] = dump({"apiVersion": "v1", "kind": "LimitRange", "metadata": plan.meta("defaults"),
                                         "spec": {"limits": [{"type": "Container",
                                                              **({"default": overlay.limit_range.default}
                                                                 if overlay.limit_range.default else {}),
                                                              "defaultRequest": overlay.limit_range.default_request}]}})
    resources += [name for name in _resource_order(files) if name != "namespace.yaml"]
    kustomization: dict[str, Any] = {
        "apiVersion": KUSTOMIZE, "kind": "Kustomization", "namespace": overlay.namespace,
        "labels": [{"pairs": {"environment": overlay.name}, "includeSelectors": False}], "resources": resources}
    if overlay.exposed:
        kustomization["components"] = [f"../../{COMPONENT}"]
    pinned = [r for r in overlay.replicas if not r.autoscaled]
    if pinned:
        kustomization["replicas"] = [{"name": plan.workloads[r.workload].name, "count": r.count} for r in pinned]
    patches = (_storage_patches(plan, overlay) + _workload_patches(plan, overlay) + _autoscaler_patches(plan, overlay)
               + live_code_patches(plan, overlay))
    if patches:
        kustomization["patches"] = patches
    files["kustomization.yaml"] = dump(kustomization)
    out = {name: f"# Generated by compose2k8s: overlay {overlay.name}.\n" + text for name, text in files.items()}
    if kind_cluster:
        out["kind-cluster.yaml"] = kind_cluster
    return out


def _resource_order(files: dict[str, str]) -> list[str]:
    """Resource files in the order kustomization.yaml lists them."""
    first = sorted(n for n in files if n.startswith("nodeport-"))
    rest = ["storageclass.yaml", "persistentvolumes.yaml", "live-code.yaml", "poddisruptionbudgets.yaml",
            "limitrange.yaml", "nfs-volumes.yaml"]
    return first + [n for n in rest if n in files]


def _external(plan: Plan, service: ExternalService) -> dict[str, Any]:
    w = plan.workloads[service.workload]
    ports = [{"name": p.name, "port": int(p.published), "targetPort": p.name,
              **({"protocol": p.protocol} if p.protocol != "TCP" else {}),
              **({"nodePort": service.node_port} if service.node_port and i == 0 else {})}
             for i, p in enumerate(service.ports)]
    spec = {"type": service.type, "selector": plan.selector(w), "ports": ports,
            **({"externalTrafficPolicy": service.traffic_policy} if service.traffic_policy else {})}
    return {"apiVersion": "v1", "kind": "Service", "metadata": plan.meta(external_name(plan, service), w),
            "spec": spec}


def _ingress(plan: Plan, ingress: Ingress) -> dict[str, Any]:
    routes = ingress.routes(plan.exposure)
    spec: dict[str, Any] = {}
    if ingress.ingress_class:
        spec["ingressClassName"] = ingress.ingress_class
    rules: dict[str, list[dict[str, Any]]] = {}  # one rule per host, its paths in order
    for r in routes:
        rules.setdefault(r.host, []).append({"path": r.path, "pathType": "Prefix", "backend": {
            "service": {"name": r.service, "port": {"number": r.port}}}})
    spec["rules"] = [{"host": host, "http": {"paths": paths}} for host, paths in rules.items()]
    if ingress.tls_secret:
        spec["tls"] = [{"hosts": list(rules), "secretName": ingress.tls_secret}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": plan.meta(ingress.name),
            "spec": spec}


def _component(plan: Plan, exposure: Exposure) -> dict[str, str]:
    """components/exposure: the Ingresses and the LoadBalancer / NodePort Services staging and prod share."""
    files: dict[str, str] = {}
    for service in exposure.external:
        prefix = "loadbalancer" if service.type == "LoadBalancer" else "nodeport"
        files[f"{prefix}-{plan.workloads[service.workload].name}.yaml"] = dump(_external(plan, service))
    for ingress in exposure.ingresses:
        files["ingress.yaml" if ingress.name == plan.name else f"ingress-{ingress.name}.yaml"] = \
            dump(_ingress(plan, ingress))
    files["kustomization.yaml"] = dump({"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
                                        "resources": [n for n in files]})
    return {f"{COMPONENT}/{name}": text for name, text in files.items()}


def overlay_tree(plan: Plan) -> dict[str, str]:
    out: dict[str, str] = _component(plan, plan.exposure) if any(o.exposed for o in plan.overlays.values()) else {}
    for overlay in plan.overlays.values():
        out.update({f"overlays/{overlay.name}/{name}": text for name, text in _overlay_files(plan, overlay).items()})
    return out
