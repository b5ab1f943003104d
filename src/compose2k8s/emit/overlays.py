"""overlays/{dev,staging,prod}/ over base/, with Kustomize's own patches.

- dev (Kind): published ports → NodePort Services with stable nodePorts and a
  `kind-cluster.yaml` mapping them to localhost; a `local-storage` StorageClass and a static
  PersistentVolume for every claim; relaxed resources (no CPU limits); no placement
  affinity (one unlabelled node).
- staging: published HTTP ports behind an Ingress, other published ports LoadBalancer.
- prod: stateless replicas ≥ 2, PodDisruptionBudgets, zone topology spread, a LimitRange
  for containers without resources, Ingress with TLS.
- staging and prod: a PersistentVolume per NFS share, bound to its claim in that namespace
  (dev keeps a local folder, like every other claim).
"""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan, PortSpec, Workload
from ..names import dns_label
from .yamltext import dump, dump_value

HTTP_PORTS = {80, 443, 3000, 4000, 5000, 8000, 8080, 8081, 8443, 8888, 9000, 5601, 15672}
NODE_PORT_FIRST = 30080
KUSTOMIZE = "kustomize.config.k8s.io/v1beta1"


def _namespace(plan: Plan, overlay: str) -> str:
    return f"{plan.options.namespace or plan.name}-{overlay}"


def _published(plan: Plan) -> list[tuple[Workload, PortSpec]]:
    out = []
    for _, w in sorted(plan.workloads.items()):
        if w.client_service:
            out += [(w, p) for p in w.ports if p.exposed]
    return out


def _is_http(w: Workload, port: PortSpec) -> bool:
    probes = [w.container.get(k) or {} for k in ("livenessProbe", "readinessProbe")]
    if any((p.get("httpGet") or {}).get("port") == port.port for p in probes):
        return True
    return port.protocol == "TCP" and (port.name.startswith("http") or port.port in HTTP_PORTS)


def _patch(kind: str, name: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": {"kind": kind, "name": name}, "patch": dump_value(ops)}


def _claims(objects: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(claim name, access mode, size) for every claim the base makes, claim templates included."""
    found = []
    for obj in objects:
        if obj["kind"] == "PersistentVolumeClaim":
            spec = obj["spec"]
            found.append((obj["metadata"]["name"], spec["accessModes"][0], spec["resources"]["requests"]["storage"]))
        if obj["kind"] == "StatefulSet":
            for template in obj["spec"].get("volumeClaimTemplates") or []:
                for index in range(max(1, obj["spec"].get("replicas", 1))):
                    found.append((f"{template['metadata']['name']}-{obj['metadata']['name']}-{index}",
                                  template["spec"]["accessModes"][0],
                                  template["spec"]["resources"]["requests"]["storage"]))
    return found


def _storage_patches(plan: Plan, overlay: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    storage = plan.options.storage
    cls = storage.class_by_overlay.get(overlay)
    rwx = storage.rwx_class_by_overlay.get(overlay, cls)
    patches = []
    for obj in objects:
        if obj["kind"] == "PersistentVolumeClaim" and (overlay == "dev" or obj["metadata"]["name"] not in
                                                       plan.nfs_shares):  # NFS claims are bound, not classed
            mode = obj["spec"]["accessModes"][0]
            chosen = rwx if mode == "ReadWriteMany" else cls
            if chosen:
                patches.append(_patch("PersistentVolumeClaim", obj["metadata"]["name"],
                                      [{"op": "add", "path": "/spec/storageClassName", "value": chosen}]))
        if obj["kind"] == "StatefulSet" and cls:
            ops = [{"op": "add", "path": f"/spec/volumeClaimTemplates/{i}/spec/storageClassName", "value": cls}
                   for i, _ in enumerate(obj["spec"].get("volumeClaimTemplates") or [])]
            if ops:
                patches.append(_patch("StatefulSet", obj["metadata"]["name"], ops))
    return patches


def _nfs_volumes(plan: Plan, namespace: str, objects: list[dict[str, Any]]) -> str:
    """PersistentVolumes that bind this namespace's NFS claims to their shares (named per
    namespace: PersistentVolumes are cluster-wide and each binds one claim)."""
    sizes = {c: size for c, _, size in _claims(objects)}
    volumes = []
    for claim, share in sorted(plan.nfs_shares.items()):
        spec: dict[str, Any] = {"capacity": {"storage": sizes[claim]}, "accessModes": ["ReadWriteMany"],
                                "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "",
                                "mountOptions": share["options"],
                                "nfs": {"server": share["server"], "path": share["path"]},
                                "claimRef": {"namespace": namespace, "name": claim}}
        volumes.append(dump({"apiVersion": "v1", "kind": "PersistentVolume",
                             "metadata": {"name": dns_label(f"{namespace}-{claim}")}, "spec": spec}))
    return "---\n".join(volumes)


def _node_ports(plan: Plan) -> list[tuple[Workload, PortSpec, int]]:
    fixed = plan.options.node_ports
    used = set(fixed.values())
    out, next_port = [], NODE_PORT_FIRST
    for w, port in _published(plan):
        key = f"{w.service.name}:{port.published}"
        node_port = fixed.get(key)
        if node_port is None:
            while next_port in used:
                next_port += 1
            node_port, next_port = next_port, next_port + 1
            used.add(node_port)
        out.append((w, port, node_port))
    return out


def _dev(plan: Plan, objects: list[dict[str, Any]], namespace: str) -> tuple[dict[str, str], list[str], list]:
    files: dict[str, str] = {}
    resources: list[str] = []
    patches: list[dict[str, Any]] = []
    mappings = []
    by_service: dict[str, tuple[Workload, list[tuple[PortSpec, int]]]] = {}
    for w, port, node_port in _node_ports(plan):
        by_service.setdefault(w.name, (w, []))[1].append((port, node_port))
        mappings.append({"containerPort": node_port, "hostPort": int(port.published),
                         "protocol": port.protocol, **({"listenAddress": port.host_ip} if port.host_ip else {})})
    for name, (w, ports) in sorted(by_service.items()):
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": plan.meta(f"{name}-nodeport", w),
               "spec": {"type": "NodePort", "selector": plan.selector(w),
                        "ports": [{"name": p.name, "port": p.port, "targetPort": p.name, "nodePort": n,
                                   **({"protocol": p.protocol} if p.protocol != "TCP" else {})} for p, n in ports]}}
        files[f"nodeport-{name}.yaml"] = dump(svc)
        resources.append(f"nodeport-{name}.yaml")
    cls = plan.options.storage.class_by_overlay.get("dev", "local-storage")
    files["storageclass.yaml"] = dump({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                       "metadata": {"name": cls}, "provisioner": "kubernetes.io/no-provisioner",
                                       "volumeBindingMode": "WaitForFirstConsumer", "reclaimPolicy": "Retain"})
    resources.append("storageclass.yaml")
    volumes = []
    for claim, mode, size in _claims(objects):
        volumes.append({"apiVersion": "v1", "kind": "PersistentVolume",
                        "metadata": {"name": dns_label(f"{namespace}-{claim}")},
                        "spec": {"capacity": {"storage": size}, "accessModes": [mode],
                                 "persistentVolumeReclaimPolicy": "Retain", "storageClassName": cls,
                                 "claimRef": {"namespace": namespace, "name": claim},
                                 "hostPath": {"path": f"/mnt/data/{namespace}/{claim}", "type": "DirectoryOrCreate"}}})
    if volumes:
        files["persistentvolumes.yaml"] = "---\n".join(dump(v) for v in volumes)
        resources.append("persistentvolumes.yaml")
    patches += _storage_patches(plan, "dev", objects)
    for obj in objects:  # relaxed: no CPU limits on a laptop
        if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
            limits = obj["spec"]["template"]["spec"]["containers"][0].get("resources", {}).get("limits", {})
            if "cpu" in limits:
                patches.append(_patch(obj["kind"], obj["metadata"]["name"], [
                    {"op": "remove", "path": "/spec/template/spec/containers/0/resources/limits/cpu"}]))
    for _, w in sorted(plan.workloads.items()):  # one unlabelled Kind node: placement would leave pods Pending
        if "affinity" in w.pod:
            prefix = "/spec/jobTemplate" if w.kind == "CronJob" else ""
            patches.append(_patch(w.kind, w.name, [{"op": "remove", "path": f"{prefix}/spec/template/spec/affinity"}]))
    kind_config = {"kind": "Cluster", "apiVersion": "kind.x-k8s.io/v1alpha4",
                   "nodes": [{"role": "control-plane", "extraPortMappings": mappings,
                              **({"extraMounts": [{"hostPath": "/tmp/kind-data", "containerPath": "/mnt/data"}]}
                                 if volumes else {})}]}
    files["kind-cluster.yaml"] = ("# kind create cluster --config overlays/dev/kind-cluster.yaml\n"
                                  "# localhost:<published port> reaches the NodePort Services, as compose's ports did.\n"
                                  + dump(kind_config))
    return files, resources, patches


COMPONENT = "components/exposure"


def _exposure(plan: Plan) -> tuple[dict[str, str], list[str]]:
    """A Kustomize Component shared by staging and prod: published HTTP ports behind one
    Ingress, other published ports on LoadBalancer Services. Returns (files, Ingress hosts)."""
    files: dict[str, str] = {}
    resources: list[str] = []
    rules, hosts = [], []
    external: dict[str, tuple[Workload, list[PortSpec]]] = {}
    for w, port in _published(plan):
        if w.kind == "StatefulSet":  # a database published to the laptop is not for the Internet
            plan.warn(w.service.name, "ports", "stateful-not-exposed",
                      f"published port {port.published} of a stateful service is exposed only in dev (NodePort), "
                      "not in staging or prod", f"use kubectl port-forward svc/{w.client_service} {port.port}",
                      severity="info")
            continue
        if _is_http(w, port):
            host = plan.options.ingress_hosts.get(w.service.name, f"{w.name}.{plan.name}.example.com")
            if host in hosts:
                continue
            hosts.append(host)
            rules.append({"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                "service": {"name": w.client_service, "port": {"number": port.port}}}}]}})
        else:
            external.setdefault(w.name, (w, []))[1].append(port)
    for name, (w, ports) in sorted(external.items()):
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": plan.meta(f"{name}-external", w),
               "spec": {"type": "LoadBalancer", "selector": plan.selector(w),
                        "ports": [{"name": p.name, "port": int(p.published), "targetPort": p.name,
                                   **({"protocol": p.protocol} if p.protocol != "TCP" else {})} for p in ports]}}
        files[f"loadbalancer-{name}.yaml"] = dump(svc)
        resources.append(f"loadbalancer-{name}.yaml")
    if rules:
        spec: dict[str, Any] = {}
        if plan.options.ingress_class:
            spec["ingressClassName"] = plan.options.ingress_class
        spec["rules"] = rules
        files["ingress.yaml"] = dump({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                      "metadata": plan.meta(plan.name), "spec": spec})
        resources.append("ingress.yaml")
    if not resources:
        return {}, []
    files["kustomization.yaml"] = dump({"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
                                        "resources": resources})
    return {f"{COMPONENT}/{name}": text for name, text in files.items()}, hosts


def _tls_patch(plan: Plan, hosts: list[str]) -> dict[str, Any]:
    ops: list[dict[str, Any]] = [{"op": "add", "path": "/spec/tls",
                                  "value": [{"hosts": hosts, "secretName": f"{plan.name}-tls"}]}]
    if plan.options.tls_issuer:
        ops.append({"op": "add", "path": "/metadata/annotations",
                    "value": {"cert-manager.io/cluster-issuer": plan.options.tls_issuer}})
    return _patch("Ingress", plan.name, ops)


def _zone_spread(plan: Plan, w: Workload) -> dict[str, Any] | None:
    """The patch that spreads a Deployment's pods over zones: added to the base's own spreads
    (deploy.placement.preferences), or nothing when the base already spreads over zones."""
    path = "/spec/template/spec/topologySpreadConstraints"
    zone = {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": plan.selector(w)}}
    own = w.pod.get("topologySpreadConstraints") or []
    if any(c["topologyKey"] == zone["topologyKey"] for c in own):
        return None
    return {"op": "add", "path": f"{path}/-", "value": zone} if own else {"op": "add", "path": path, "value": [zone]}


def _prod(plan: Plan, objects: list[dict[str, Any]]) -> tuple[dict[str, str], list[str], list, list]:
    files: dict[str, str] = {}
    resources: list[str] = []
    patches = _storage_patches(plan, "prod", objects)
    replicas = []
    pdbs = []
    for _, w in sorted(plan.workloads.items()):
        if w.kind == "Deployment":
            count = plan.options.prod_replicas.get(w.service.name, max(2, w.replicas))
            replicas.append({"name": w.name, "count": count})
            spread = _zone_spread(plan, w)
            if spread:
                patches.append(_patch("Deployment", w.name, [spread]))
        elif w.kind == "StatefulSet" and w.service.name in plan.options.prod_replicas:
            replicas.append({"name": w.name, "count": plan.options.prod_replicas[w.service.name]})
        if w.kind in ("Deployment", "StatefulSet"):  # stateless: keep one up; stateful: take one down at a time
            budget = {"minAvailable": 1} if w.kind == "Deployment" else {"maxUnavailable": 1}
            pdbs.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": plan.meta(w.name, w),
                         "spec": {**budget, "selector": {"matchLabels": plan.selector(w)}}})
    if pdbs:
        files["poddisruptionbudgets.yaml"] = "---\n".join(dump(p) for p in pdbs)
        resources.append("poddisruptionbudgets.yaml")
    files["limitrange.yaml"] = dump({"apiVersion": "v1", "kind": "LimitRange", "metadata": plan.meta("defaults"),
                                     "spec": {"limits": [{"type": "Container",
                                                          "default": {"cpu": "500m", "memory": "512Mi"},
                                                          "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}]}})
    resources.append("limitrange.yaml")
    return files, resources, patches, replicas


def overlay_tree(plan: Plan, objects: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    exposure, hosts = _exposure(plan) if {"staging", "prod"} & set(plan.options.overlays) else ({}, [])
    out.update(exposure)
    for overlay in plan.options.overlays:
        namespace = _namespace(plan, overlay)
        files: dict[str, str] = {"namespace.yaml": dump({"apiVersion": "v1", "kind": "Namespace",
                                                         "metadata": {"name": namespace}})}
        resources = ["../../base", "namespace.yaml"]
        patches: list[dict[str, Any]] = []
        replicas: list[dict[str, Any]] = []
        if overlay == "dev":
            extra, extra_resources, patches = _dev(plan, objects, namespace)
        elif overlay == "staging":
            extra, extra_resources = {}, []
            patches = _storage_patches(plan, overlay, objects)
        else:
            extra, extra_resources, patches, replicas = _prod(plan, objects)
            if hosts:
                patches.append(_tls_patch(plan, hosts))
        files.update(extra)
        resources += [r for r in extra_resources if r != "kind-cluster.yaml"]
        shares = _nfs_volumes(plan, namespace, objects) if overlay != "dev" else ""  # dev: local folders
        if shares:
            files["nfs-volumes.yaml"] = shares
            resources.append("nfs-volumes.yaml")
        kustomization: dict[str, Any] = {
            "apiVersion": KUSTOMIZE, "kind": "Kustomization", "namespace": namespace,
            "labels": [{"pairs": {"environment": overlay}, "includeSelectors": False}],
            "resources": resources}
        if exposure and overlay in ("staging", "prod"):
            kustomization["components"] = [f"../../{COMPONENT}"]
        if replicas:
            kustomization["replicas"] = replicas
        if patches:
            kustomization["patches"] = patches
        files["kustomization.yaml"] = dump(kustomization)
        for name, text in files.items():
            header = "" if name == "kind-cluster.yaml" else f"# Generated by compose2k8s: overlay {overlay}.\n"
            out[f"overlays/{overlay}/{name}"] = header + text
    return out
