"""Comparable facts about one compose service, read from a list of rendered Kubernetes objects.

The same reader serves Kompose's golden output and each of our overlays: only the label that
names a compose service differs (`io.kompose.service` there, `app.kubernetes.io/name` here).
A fact is ((category, name), value); values are normalised so that equal meaning compares equal
(quantities as numbers, `sh -c "echo hi"` as `["echo", "hi"]`, protocols defaulted to TCP).

    >>> view = View([{"kind": "Deployment", "metadata": {"name": "web", "labels": {"k": "web"}},
    ...               "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}], "k")
    >>> view.facts("web")[("image", "image")]
    'nginx'
"""
from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import Any

Fact = tuple[str, str]  # (category, name)
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "CronJob", "Pod")
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PROBE_TIMING = ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold")
_SUFFIX = {"m": Decimal("0.001"), "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
           "T": Decimal(10) ** 12, "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
           "Ti": Decimal(2) ** 40}
_SHELL_SYNTAX = re.compile(r"[;&|<>`$(){}*?\[\]~#\n]")


def normal_name(name: str) -> str:
    """Kubernetes-safe form of a compose service name, as both tools derive it: `my_db` → `my-db`."""
    return re.sub(r"[^a-z0-9-]", "-", name.lower())


def quantity(value: Any) -> str:
    """A resource quantity as a plain decimal.

    >>> quantity("500m"), quantity("1Gi"), quantity("10e3")
    ('0.5', '1073741824', '10000')
    """
    text = str(value).strip()
    match = re.fullmatch(r"([0-9.]+(?:[eE][-+]?[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?", text)
    if not match:
        return text
    number = Decimal(match.group(1)) * _SUFFIX.get(match.group(2) or "", Decimal(1))
    return format(number.normalize(), "f")


def argv(command: list[Any]) -> list[str]:
    """An exec command with a plain `sh -c "…"` wrapper unwrapped, so both spellings compare equal."""
    words = [str(w) for w in command]
    if len(words) == 3 and words[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and words[1] == "-c" \
            and not _SHELL_SYNTAX.search(words[2]):
        try:
            return shlex.split(words[2])
        except ValueError:
            return words
    return words


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of any workload kind."""
    spec = obj.get("spec") or {}
    if obj["kind"] == "Pod":
        return spec
    if obj["kind"] == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) or {}


@dataclass
class View:
    """One rendering (Kompose's, or one of our overlays) and the label that names services."""

    objects: list[dict[str, Any]]
    owner_label: str
    host_ports: dict[int, int] = field(default_factory=dict)  # nodePort → host port (kind's port mappings)

    def owner(self, obj: dict[str, Any]) -> str | None:
        """The compose service of an object: a Service's selector, else the object's label. A Service
        named after another container of the pod it selects (services grouped in one pod) is that
        container's service's."""
        selector = (obj.get("spec") or {}).get("selector") if obj.get("kind") == "Service" else None
        labels = selector or (obj.get("metadata") or {}).get("labels") or {}
        value = labels.get(self.owner_label)
        if selector and value:
            name = normal_name(obj["metadata"]["name"])
            if name in self._side_containers.get(normal_name(value), ()):
                return name
        return normal_name(value) if value else None

    @cached_property
    def _side_containers(self) -> dict[str, set[str]]:
        """{compose service owning a pod: the names of the pod's other containers}."""
        out: dict[str, set[str]] = {}
        for obj in self.objects:
            value = ((obj.get("metadata") or {}).get("labels") or {}).get(self.owner_label)
            if obj.get("kind") in WORKLOAD_KINDS and value:
                names = {normal_name(c.get("name", "")) for c in pod_spec(obj).get("containers") or []}
                out[normal_name(value)] = names - {normal_name(value), normal_name(obj["metadata"]["name"])}
        return out

    def owned(self, service: str, kinds: Iterable[str]) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") in kinds and self.owner(o) == service]

    def named(self, kind: str, name: str) -> dict[str, Any] | None:
        return next((o for o in self.objects if o.get("kind") == kind and o["metadata"]["name"] == name), None)

    def services(self) -> set[str]:
        """Compose services that have a workload in this rendering."""
        return {s for o in self.objects if o.get("kind") in WORKLOAD_KINDS and (s := self.owner(o))}

    def workload(self, service: str) -> dict[str, Any] | None:
        """The workload running the service: its own, else the pod it is a container of (grouped)."""
        found = self.owned(service, WORKLOAD_KINDS)
        if not found:
            found = [self._workload_of(owner) for owner, names in self._side_containers.items() if service in names]
        return next((o for o in found if normal_name(o["metadata"]["name"]) == service), found[0] if found else None)

    def _workload_of(self, owner: str) -> dict[str, Any]:
        return next(o for o in self.owned(owner, WORKLOAD_KINDS))

    def facts(self, service: str) -> dict[Fact, Any]:
        """Every fact this rendering states about one compose service."""
        out: dict[Fact, Any] = {}
        workload = self.workload(service)
        if workload is not None:
            out[("workload", "kind")] = workload["kind"]
            out.update(self._pod_facts(workload, service))
            out.update(self._hpa_facts(workload))
        out.update(self._service_facts(service, workload))
        out.update(self._ingress_facts(service, workload))
        return out

    # workloads ---------------------------------------------------------------------------

    def _pod_facts(self, workload: dict[str, Any], service: str) -> dict[Fact, Any]:
        pod = pod_spec(workload)
        containers = pod.get("containers") or []
        if not containers:
            return {}
        named = {normal_name(c.get("name", "")): c for c in containers}
        main = named.get(service) or named.get(workload["metadata"]["name"]) or containers[0]
        out: dict[Fact, Any] = {("image", "image"): main.get("image")}
        if len(containers) > 1:  # services sharing a pod (network_mode: service:…)
            out[("workload", "containers")] = len(containers)
        out.update({("env", f"env {name}"): "set" for name in self._env_names(main)})
        for port in main.get("ports") or []:
            label = f"{port['containerPort']}/{port.get('protocol', 'TCP')}"
            out[("ports", f"containerPort {label}")] = "declared"
            if port.get("hostPort"):
                out[("ports", f"hostPort {label}")] = port["hostPort"]
        out.update(self._mount_facts(workload, pod, main))
        for probe in PROBES:
            out.update(_probe_facts(probe, main.get(probe)))
        for kind in ("limits", "requests"):
            for resource, amount in ((main.get("resources") or {}).get(kind) or {}).items():
                out[("resources", f"{kind}.{resource}")] = quantity(amount)
        out.update(_setting_facts(workload, pod, main))
        return out

    def _env_names(self, container: dict[str, Any]) -> list[str]:
        names = [e["name"] for e in container.get("env") or []]
        for source in container.get("envFrom") or []:
            for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                if key in source:
                    obj = self.named(kind, source[key]["name"]) or {}
                    data = {**(obj.get("data") or {}), **(obj.get("stringData") or {})}
                    names += [source.get("prefix", "") + k for k in data]
        return names

    def _mount_facts(self, workload: dict[str, Any], pod: dict[str, Any], main: dict[str, Any]) -> dict[Fact, Any]:
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        templates = {t["metadata"]["name"]: t for t in (workload.get("spec") or {}).get("volumeClaimTemplates") or []}
        out: dict[Fact, Any] = {}
        for mount in main.get("volumeMounts") or []:
            path = mount["mountPath"]
            volume = volumes.get(mount["name"])
            claim = templates.get(mount["name"])
            if volume is not None and "persistentVolumeClaim" in volume:
                claim = self.named("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
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

    def _hpa_facts(self, workload: dict[str, Any]) -> dict[Fact, Any]:
        out: dict[Fact, Any] = {}
        for hpa in (o for o in self.objects if o.get("kind") == "HorizontalPodAutoscaler"):
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

    # exposure ----------------------------------------------------------------------------

    def target_number(self, workload: dict[str, Any] | None, target: Any) -> Any:
        """A Service targetPort as a container port number (named ports resolved)."""
        if isinstance(target, int) or workload is None:
            return target
        for container in pod_spec(workload).get("containers") or []:
            for port in container.get("ports") or []:
                if port.get("name") == target:
                    return port["containerPort"]
        return target

    def offers(self, service: str) -> set[tuple[Any, Any]]:
        """(port a client reaches, container port it leads to) for every way in: Service ports,
        kind's host ports in front of NodePorts, and ('ingress', port) for Ingress backends."""
        workload = self.workload(service)
        out: set[tuple[Any, Any]] = set()
        for svc in self.owned(service, ("Service",)):
            for port in svc["spec"].get("ports") or []:
                target = self.target_number(workload, port.get("targetPort", port["port"]))
                out.add((port["port"], target))
                if port.get("nodePort") in self.host_ports:
                    out.add((self.host_ports[port["nodePort"]], target))
        out.update(("ingress", target) for _host, _path, target in self._ingress_rules(service, workload))
        return out

    def _service_facts(self, service: str, workload: dict[str, Any] | None) -> dict[Fact, Any]:
        out: dict[Fact, Any] = {}
        for svc in self.owned(service, ("Service",)):
            spec = svc["spec"]
            kind = "headless" if spec.get("clusterIP") == "None" else spec.get("type", "ClusterIP")
            out.setdefault(("service", "type"), set()).add(kind)
            for port in spec.get("ports") or []:
                label = f"{port['port']}/{port.get('protocol', 'TCP')}"
                out.setdefault(("service", f"port {label}"), set()).add(
                    self.target_number(workload, port.get("targetPort", port["port"])))
                if port.get("nodePort"):
                    out[("service", f"nodePort {port['nodePort']}")] = self.target_number(
                        workload, port.get("targetPort", port["port"]))
            if spec.get("externalTrafficPolicy"):
                out.setdefault(("service", "externalTrafficPolicy"), set()).add(spec["externalTrafficPolicy"])
        return out

    def _ingress_rules(self, service: str, workload: dict[str, Any] | None) -> list[tuple[str, str, Any]]:
        """(host or '*', path, container port) of every Ingress path that leads to this service."""
        mine = {s["metadata"]["name"]: s for s in self.owned(service, ("Service",))}
        out = []
        for ingress in (o for o in self.objects if o.get("kind") == "Ingress"):
            for rule in ingress["spec"].get("rules") or []:
                for path in (rule.get("http") or {}).get("paths") or []:
                    backend = (path.get("backend") or {}).get("service") or {}
                    svc = mine.get(backend.get("name"))
                    if svc is None:
                        continue
                    wanted = backend.get("port") or {}
                    port = next((p for p in svc["spec"].get("ports") or []
                                 if p["port"] == wanted.get("number") or p.get("name") == wanted.get("name")), None)
                    target = self.target_number(workload, port.get("targetPort", port["port"])) if port else None
                    out.append((rule.get("host") or "*", path.get("path") or "/", target))
        return out

    def _ingress_facts(self, service: str, workload: dict[str, Any] | None) -> dict[Fact, Any]:
        out: dict[Fact, Any] = {}
        for host, path, target in self._ingress_rules(service, workload):
            out[("ingress", f"rule {host}{path}")] = target
        mine = {s["metadata"]["name"] for s in self.owned(service, ("Service",))}
        for ingress in (o for o in self.objects if o.get("kind") == "Ingress"):
            backends = {p["backend"]["service"]["name"] for r in ingress["spec"].get("rules") or []
                        for p in (r.get("http") or {}).get("paths") or [] if "service" in p.get("backend", {})}
            if not backends & mine:
                continue
            if ingress["spec"].get("ingressClassName"):
                out[("ingress", "ingressClassName")] = ingress["spec"]["ingressClassName"]
            for tls in ingress["spec"].get("tls") or []:
                for host in tls.get("hosts") or []:
                    out[("ingress", f"tls {host}")] = tls.get("secretName")
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
