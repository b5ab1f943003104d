"""A synthetic `kubectl get … -o yaml` of a tree: what an API server hands back after applying
it. Server-set metadata, the last-applied annotation, status, every field the API defaults,
values the server assigns (cluster IPs, node ports, bound volumes, the default storage
class), the objects controllers generate (ReplicaSets, Pods), all in one `kind: List`.

It follows the Kubernetes 1.30 defaulting functions (pkg/apis/*/v1/defaults.go) for the
kinds compose2k8s writes; it is test data, not code under test.
"""
from __future__ import annotations

import copy
import json
from typing import Any

CREATED = "2026-01-05T10:00:00Z"
POD_TEMPLATE = {"Deployment": ("spec", "template"), "StatefulSet": ("spec", "template"),
                "DaemonSet": ("spec", "template"), "Job": ("spec", "template"),
                "CronJob": ("spec", "jobTemplate", "spec", "template")}


def cluster_export(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The objects as the API server returns them, plus what controllers made of them."""
    items = [served(obj, n) for n, obj in enumerate(objects)]
    items += [generated(item, n) for n, item in enumerate(items) if item["kind"] == "Deployment"]
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def served(obj: dict[str, Any], n: int) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    meta = out["metadata"]
    meta.update(uid=f"0b6a3c52-0000-4000-8000-{n:012d}", resourceVersion=str(40_000 + n), creationTimestamp=CREATED,
                managedFields=[{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion":
                                obj["apiVersion"], "time": CREATED, "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}])
    meta.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = \
        json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n"
    kind = out["kind"]
    if kind in POD_TEMPLATE:
        meta["generation"] = 1
        template = out
        for part in POD_TEMPLATE[kind]:
            template = template[part]
        template.setdefault("metadata", {})["creationTimestamp"] = None
        _pod_spec(template["spec"], workload=kind in ("Deployment", "StatefulSet", "DaemonSet"))
    {"Deployment": _deployment, "StatefulSet": _statefulset, "DaemonSet": _daemonset, "Job": _job,
     "CronJob": _cronjob, "Service": _service, "PersistentVolumeClaim": _claim, "PersistentVolume": _volume,
     "Namespace": _namespace, "StorageClass": _storage_class, "NetworkPolicy": _network_policy,
     "Ingress": _ingress, "PodDisruptionBudget": _disruption_budget}.get(kind, lambda o, n: None)(out, n)
    return out


def generated(deployment: dict[str, Any], n: int) -> dict[str, Any]:
    """The ReplicaSet a Deployment controller makes (owned by it, so a diff sets it aside)."""
    meta = deployment["metadata"]
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{meta['name']}-7d4f8b9c5", "namespace": meta.get("namespace", ""),
                         "uid": f"5e0c-{n}", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                                                   "name": meta["name"], "uid": meta["uid"],
                                                                   "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"replicas": 1, "template": copy.deepcopy(deployment["spec"]["template"])}}


def _pull_policy(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    return "Always" if "@" not in image and (":" not in last or last.endswith(":latest")) else "IfNotPresent"


def _pod_spec(spec: dict[str, Any], workload: bool) -> None:
    for field, value in (("dnsPolicy", "ClusterFirst"), ("schedulerName", "default-scheduler"),
                         ("securityContext", {}), ("terminationGracePeriodSeconds", 30)):
        spec.setdefault(field, value)
    if workload:
        spec.setdefault("restartPolicy", "Always")
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        container.setdefault("imagePullPolicy", _pull_policy(container["image"]))
        container.setdefault("resources", {})
        for port in container.get("ports", []):
            port.setdefault("protocol", "TCP")
        for probe in (container.get(p) for p in ("livenessProbe", "readinessProbe", "startupProbe")):
            if probe:
                for field, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                                     ("failureThreshold", 3)):
                    probe.setdefault(field, value)
                if "httpGet" in probe:
                    probe["httpGet"].setdefault("scheme", "HTTP")
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("fieldRef")
            if ref:
                ref.setdefault("apiVersion", "v1")
    for volume in spec.get("volumes", []):
        for source in ("configMap", "secret"):
            if source in volume:
                volume[source].setdefault("defaultMode", 420)


def _deployment(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "1"
    obj["status"] = {"observedGeneration": 1, "replicas": spec.get("replicas", 1), "readyReplicas": 1,
                     "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]}


def _statefulset(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("podManagementPolicy", "OrderedReady")
    spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"})
    for template in spec.get("volumeClaimTemplates", []):
        template.update(apiVersion="v1", kind="PersistentVolumeClaim", status={"phase": "Pending"})
        template["metadata"]["creationTimestamp"] = None
        template["spec"].setdefault("volumeMode", "Filesystem")
    obj["status"] = {"replicas": 1, "readyReplicas": 1, "currentRevision": f"{obj['metadata']['name']}-6c9f"}


def _daemonset(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
    spec.setdefault("revisionHistoryLimit", 10)
    obj["status"] = {"desiredNumberScheduled": 1, "numberReady": 1}


def _job(obj: dict[str, Any], n: int) -> None:
    spec, uid = obj["spec"], obj["metadata"]["uid"]
    for field, value in (("completions", 1), ("parallelism", 1), ("backoffLimit", 6), ("completionMode", "NonIndexed"),
                         ("suspend", False), ("podReplacementPolicy", "TerminatingOrFailed")):
        spec.setdefault(field, value)
    spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    spec["template"]["metadata"].setdefault("labels", {}).update({
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": obj["metadata"]["name"],
        "controller-uid": uid, "job-name": obj["metadata"]["name"]})
    obj["status"] = {"succeeded": 1, "completionTime": CREATED}


def _network_policy(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("policyTypes", ["Ingress", "Egress"] if "egress" in spec else ["Ingress"])
    for rule in spec.get("ingress", []) + spec.get("egress", []):
        for port in rule.get("ports", []):
            port.setdefault("protocol", "TCP")


def _ingress(obj: dict[str, Any], n: int) -> None:
    obj["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}


def _disruption_budget(obj: dict[str, Any], n: int) -> None:
    obj["status"] = {"currentHealthy": 2, "desiredHealthy": 1, "disruptionsAllowed": 1, "expectedPods": 2}


def _cronjob(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    for field, value in (("concurrencyPolicy", "Allow"), ("suspend", False), ("successfulJobsHistoryLimit", 3),
                         ("failedJobsHistoryLimit", 1)):
        spec.setdefault(field, value)
    spec["jobTemplate"].setdefault("metadata", {})["creationTimestamp"] = None
    obj["status"] = {"lastScheduleTime": CREATED}


def _service(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("clusterIP", f"10.96.{n // 200}.{n % 200 + 10}")
    spec["clusterIPs"] = [spec["clusterIP"]]
    spec.update(ipFamilies=["IPv4"], ipFamilyPolicy="SingleStack")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    for i, port in enumerate(spec.get("ports", [])):
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port["port"])
        if spec["type"] in ("NodePort", "LoadBalancer"):
            port.setdefault("nodePort", 31000 + 10 * n + i)
    obj["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.8"}]} if spec["type"] == "LoadBalancer" else {}}


def _claim(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("volumeMode", "Filesystem")
    spec.setdefault("storageClassName", "standard")
    spec["volumeName"] = f"pvc-{obj['metadata']['uid']}"
    obj["metadata"]["finalizers"] = ["kubernetes.io/pvc-protection"]
    obj["metadata"]["annotations"].update({"pv.kubernetes.io/bind-completed": "yes",
                                           "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path"})
    obj["status"] = {"phase": "Bound", "accessModes": spec["accessModes"],
                     "capacity": {"storage": spec["resources"]["requests"]["storage"]}}


def _volume(obj: dict[str, Any], n: int) -> None:
    spec = obj["spec"]
    spec.setdefault("volumeMode", "Filesystem")
    spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
    if "claimRef" in spec:
        spec["claimRef"].update(apiVersion="v1", kind="PersistentVolumeClaim", uid=f"9f1d-{n}", resourceVersion="41000")
    obj["metadata"]["finalizers"] = ["kubernetes.io/pv-protection"]
    obj["status"] = {"phase": "Bound", "lastPhaseTransitionTime": CREATED}


def _namespace(obj: dict[str, Any], n: int) -> None:
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    obj["spec"] = {"finalizers": ["kubernetes"]}
    obj["status"] = {"phase": "Active"}


def _storage_class(obj: dict[str, Any], n: int) -> None:
    obj.setdefault("reclaimPolicy", "Delete")
    obj.setdefault("volumeBindingMode", "Immediate")
