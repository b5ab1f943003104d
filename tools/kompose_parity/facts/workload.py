"""The facts a service's workload states: image, environment, container ports, mounts and
claims, probes, resources, autoscaling and what kompose.* labels set."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .normalise import Fact, argv, normal_name, pod_spec, quantity

if TYPE_CHECKING:
    from .view import View

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PROBE_TIMING = ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold")


def pod_facts(view: View, workload: dict[str, Any], service: str) -> dict[Fact, Any]:
    """The facts of the service's container in its workload's pod (the pod's own settings too)."""
    pod = pod_spec(workload)
    containers = pod.get("containers") or []
    if not containers:
        return {}
    named = {normal_name(c.get("name", "")): c for c in containers}
    main = named.get(service) or named.get(workload["metadata"]["name"]) or containers[0]
    out: dict[Fact, Any] = {("image", "image"): main.get("image")}
    if len(containers) > 1:  # services sharing a pod (network_mode: service:…)
        out[("workload", "containers")] = len(containers)
    out.update({("env", f"env {name}"): "set" for name in _env_names(view, main)})
    for port in main.get("ports") or []:
        label = f"{port['containerPort']}/{port.get('protocol', 'TCP')}"
        out[("ports", f"containerPort {label}")] = "declared"
        if port.get("hostPort"):
            out[("ports", f"hostPort {label}")] = port["hostPort"]
    out.update(_mount_facts(view, workload, pod, main))
    for probe in PROBES:
        out.update(_probe_facts(probe, main.get(probe)))
    for kind in ("limits", "requests"):
        for resource, amount in ((main.get("resources") or {}).get(kind) or {}).items():
            out[("resources", f"{kind}.{resource}")] = quantity(amount)
    out.update(_setting_facts(workload, pod, main))
    return out


def _env_names(view: View, container: dict[str, Any]) -> list[str]:
    names = [e["name"] for e in container.get("env") or []]
    for source in container.get("envFrom") or []:
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in source:
                obj = view.named(kind, source[key]["name"]) or {}
                data = {**(obj.get("data") or {}), **(obj.get("stringData") or {})}
                names += [source.get("prefix", "") + k for k in data]
    return names


def _mount_facts(view: View, workload: dict[str, Any], pod: dict[str, Any], main: dict[str, Any]) -> dict[Fact, Any]:
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    templates = {t["metadata"]["name"]: t for t in (workload.get("spec") or {}).get("volumeClaimTemplates") or []}
    out: dict[Fact, Any] = {}
    for mount in main.get("volumeMounts") or []:
        path = mount["mountPath"]
        volume = volumes.get(mount["name"])
        claim = templates.get(mount["name"])
        if volume is not None and "persistentVolumeClaim" in volume:
            claim = view.named("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
        backing = "persistentVolumeClaim" if claim is not None or (volume and "persistentVolumeClaim" in volume) \
            else _backing(pod, mount["name"], volume)
        out[("mounts", f"mount {path}")] = backing
        if mount.get("readOnly"):
            out[("mounts", f"mount {path} readOnly")] = True
        if backing == "persistentVolumeClaim" and mount.get("subPath"):
            out[("mounts", f"mount {path} subPath")] = mount["subPath"]
        if claim is not None:
            spec = claim.get("spec") or {}
            size = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
            if size:
                out[("volumes", f"claim at {path} size")] = quantity(size)
            if spec.get("storageClassName"):
                out[("volumes", f"claim at {path} storageClassName")] = spec["storageClassName"]
    return out


def hpa_facts(view: View, workload: dict[str, Any]) -> dict[Fact, Any]:
    """The bounds and targets of the HorizontalPodAutoscaler that scales the workload."""
    out: dict[Fact, Any] = {}
    for hpa in (o for o in view.objects if o.get("kind") == "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        if (target["kind"], target["name"]) != (workload["kind"], workload["metadata"]["name"]):
            continue
        out[("hpa", "minReplicas")] = hpa["spec"].get("minReplicas", 1)
        out[("hpa", "maxReplicas")] = hpa["spec"]["maxReplicas"]
        for metric in hpa["spec"].get("metrics") or []:
            resource = metric.get("resource") or {}
            out[("hpa", f"target {resource.get('name')}")] = (resource.get("target") or {}).get(
                "averageUtilization")
    return out


def _backing(pod: dict[str, Any], name: str, volume: dict[str, Any] | None) -> str:
    """The volume source of a mount; an emptyDir that an init container fills from a ConfigMap
    or Secret (a writable copy of a file) counts as that ConfigMap or Secret."""
    if volume is None:
        return "other"
    kind = next((k for k in ("configMap", "secret", "emptyDir", "hostPath", "projected") if k in volume), "other")
    if kind != "emptyDir":
        return kind
    sources = {v["name"]: k for v in pod.get("volumes") or [] for k in ("configMap", "secret") if k in v}
    for init in pod.get("initContainers") or []:
        mounts = init.get("volumeMounts") or []
        if any(m["name"] == name and not m.get("readOnly") for m in mounts):
            filled_from = [sources[m["name"]] for m in mounts if m["name"] in sources]
            if filled_from:
                return filled_from[0]
    return kind


def _probe_facts(probe: str, spec: dict[str, Any] | None) -> dict[Fact, Any]:
    if not spec:
        return {}
    if "exec" in spec:
        kind, target = "exec", json.dumps(argv(spec["exec"].get("command") or []))
    elif "httpGet" in spec:
        kind, target = "httpGet", f"{spec['httpGet'].get('port')}{spec['httpGet'].get('path', '/')}"
    elif "tcpSocket" in spec:
        kind, target = "tcpSocket", str(spec["tcpSocket"].get("port"))
    else:
        kind, target = "other", ""
    out: dict[Fact, Any] = {("probes", probe): kind, ("probes", f"{probe} target"): target}
    out.update({("probes", f"{probe} {key}"): spec[key] for key in PROBE_TIMING if key in spec})
    return out


def _setting_facts(workload: dict[str, Any], pod: dict[str, Any], main: dict[str, Any]) -> dict[Fact, Any]:
    """What kompose.* labels set besides kinds, probes, resources, volumes and exposure."""
    out: dict[Fact, Any] = {}
    if main.get("imagePullPolicy"):
        out[("labels", "imagePullPolicy")] = main["imagePullPolicy"]
    for secret in pod.get("imagePullSecrets") or []:
        out[("labels", f"imagePullSecret {secret['name']}")] = "referenced"
    fs_group = (pod.get("securityContext") or {}).get("fsGroup")
    if fs_group is not None:
        out[("labels", "securityContext.fsGroup")] = fs_group
    for init in pod.get("initContainers") or []:
        out[("labels", f"initContainer {init['name']} image")] = init.get("image")
        out[("labels", f"initContainer {init['name']} command")] = json.dumps(argv(init.get("command") or []))
    if workload["kind"] == "CronJob":
        spec = workload["spec"]
        out[("labels", "cronjob schedule")] = spec.get("schedule")
        for key in ("concurrencyPolicy",):
            if key in spec:
                out[("labels", f"cronjob {key}")] = spec[key]
        job = (spec.get("jobTemplate") or {}).get("spec") or {}
        if "backoffLimit" in job:
            out[("labels", "cronjob backoffLimit")] = job["backoffLimit"]
    return out
