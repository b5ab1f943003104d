"""Read the shell commands of a tree README and check that each names what exists: the
overlays, files, namespaces, objects, containers, ports and claims of the tree it describes.

    problems = CommandCheck(files, rendered).problems(readme_text)

`rendered` is {"overlays/dev": [objects kubectl kustomize renders], …}.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import yaml

KINDS = {"deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet", "job": "Job",
         "cronjob": "CronJob", "svc": "Service", "service": "Service", "pod": "Pod", "ingress": "Ingress"}
TREE_ROOTS = ("overlays/", "base/", "secrets/", "components/")
_REF = re.compile(r"^(?:--from=)?([a-z]+)/([a-z0-9][-a-z0-9.]*)$")
_COMMENT = re.compile(r"\s+#\s.*$")


def shell_blocks(readme: str) -> list[list[str]]:
    """The lines of every ```sh block, comments dropped."""
    blocks, current = [], None
    for line in readme.splitlines():
        stripped = line.strip()
        if current is None and stripped == "```sh":
            current = []
        elif current is not None and stripped == "```":
            blocks.append(current)
            current = None
        elif current is not None and stripped and not stripped.startswith("#"):
            current.append(_COMMENT.sub("", stripped))
    return blocks


def commands(readme: str) -> list[list[str]]:
    """Every simple command (pipelines and && lists split) as its words, in README order."""
    out = []
    for block in shell_blocks(readme):
        for line in block:
            words: list[str] = []
            for word in shlex.split(line):
                if word in ("|", "&&"):
                    out.append(words)
                    words = []
                else:
                    words.append(word)
            out.append(words)
    return [c for c in out if c]


def _template(obj: dict[str, Any]) -> dict[str, Any]:
    """The pod template of a workload ({} for other objects)."""
    spec = obj.get("spec") or {}
    if obj["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]
    return spec.get("template") or {} if obj["kind"] in KINDS.values() else {}


def _option(words: list[str], *names: str) -> str | None:
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                return words[i + 1]
            if name.startswith("--") and word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


@dataclass
class CommandCheck:
    files: dict[str, str]
    rendered: dict[str, list[dict[str, Any]]]
    created: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (namespace, kind) → names made by hand

    def namespaces(self) -> dict[str, str]:
        """{namespace: overlay label} of every rendered overlay."""
        out = {}
        for label, objects in self.rendered.items():
            out.update({o["metadata"]["name"]: label for o in objects if o["kind"] == "Namespace"})
        return out

    def find(self, namespace: str, kind: str, name: str) -> dict[str, Any] | None:
        label = self.namespaces().get(namespace)
        return next((o for o in self.rendered.get(label, []) if o["kind"] == kind and o["metadata"]["name"] == name),
                    None)

    def _exists(self, namespace: str, kind: str, name: str) -> bool:
        return self.find(namespace, kind, name) is not None or name in self.created.get((namespace, kind), set()) \
            or (kind == "PersistentVolumeClaim" and name in self._template_claims(namespace))

    def _template_claims(self, namespace: str) -> set[str]:
        """The claims StatefulSets make from their templates: <template>-<statefulset>-<ordinal>."""
        label = self.namespaces().get(namespace)
        return {f"{t['metadata']['name']}-{o['metadata']['name']}-{i}"
                for o in self.rendered.get(label, []) if o["kind"] == "StatefulSet"
                for t in o["spec"].get("volumeClaimTemplates", []) for i in range(o["spec"].get("replicas", 1))}

    def _paths(self, words: list[str]) -> list[str]:
        problems = []
        for flag in ("-k", "-f", "--config"):
            value = _option(words, flag)
            if value and value != "-":
                wanted = f"{value.rstrip('/')}/kustomization.yaml" if flag == "-k" else value
                if wanted not in self.files:
                    problems.append(f"{flag} {value}: no {wanted} in the tree")
        if words[0] == "sops" and len(words) > 2 and words[2] not in self.files:
            problems.append(f"sops {words[1]} {words[2]}: not in the tree")
        for word in words:
            if word.startswith(TREE_ROOTS) and not any(p == word or p.startswith(word.rstrip("/") + "/")
                                                       for p in self.files):
                problems.append(f"{word}: not in the tree")
        return problems

    def _remember(self, namespace: str, words: list[str]) -> None:
        if "create" in words and "job" in words:
            name = next(w for w in words[words.index("job") + 1:] if not w.startswith("-") and "/" not in w
                        and w != namespace)
            self.created.setdefault((namespace, "Job"), set()).add(name)
        if "run" in words:
            self.created.setdefault((namespace, "Pod"), set()).add(words[words.index("run") + 1])
            labels = _option(words, "--labels")
            if labels:
                self.created.setdefault((namespace, "label"), set()).add(labels)

    def _objects(self, namespace: str, words: list[str]) -> list[str]:
        problems = []
        target = None
        for word in words:
            match = _REF.match(word)
            if match and match.group(1) in KINDS:
                kind, name = KINDS[match.group(1)], match.group(2)
                if not self._exists(namespace, kind, name):
                    problems.append(f"{word}: no {kind} {name} in namespace {namespace}")
                target = target or (kind, name)
        get = words.index("get") if "get" in words else -1
        if 0 < get < len(words) - 2 and words[get + 1] in KINDS and not words[get + 2].startswith("-"):
            kind, name = KINDS[words[get + 1]], words[get + 2]
            if not self._exists(namespace, kind, name):
                problems.append(f"get {words[get + 1]} {name}: not in namespace {namespace}")
        container = _option(words, "-c", "--container")
        if container:
            obj = self.find(namespace, *target) if target else None
            pod = _template(obj).get("spec", {}) if obj else {}
            names = {c["name"] for c in pod.get("containers", []) + pod.get("initContainers", [])}
            if container not in names:
                problems.append(f"-c {container}: not a container of {target}")
        if "port-forward" in words and target and target[0] == "Service":
            remote = int(words[-1].split(":")[1])
            service = self.find(namespace, *target)
            if service and remote not in {p["port"] for p in service["spec"]["ports"]}:
                problems.append(f"port-forward {target[1]}: the Service has no port {remote}")
        return problems + self._selectors(namespace, words)

    def _selectors(self, namespace: str, words: list[str]) -> list[str]:
        problems = []
        selector = _option(words, "-l", "--selector")
        if selector and selector not in self.created.get((namespace, "label"), set()):
            key, _, value = selector.partition("=")
            label = self.namespaces().get(namespace)
            if not any(_template(o).get("metadata", {}).get("labels", {}).get(key) == value
                       for o in self.rendered.get(label, [])):
                problems.append(f"-l {selector}: no pods with that label in namespace {namespace}")
        overrides = _option(words, "--overrides")
        if overrides:
            for volume in json.loads(overrides)["spec"].get("volumes", []):
                claim = volume.get("persistentVolumeClaim", {}).get("claimName")
                if claim and not self._exists(namespace, "PersistentVolumeClaim", claim):
                    problems.append(f"--overrides: no claim {claim} in namespace {namespace}")
        if "create" in words and "docker-registry" in words:
            name = words[words.index("docker-registry") + 1]
            label = self.namespaces().get(namespace)
            if not any(name in {s["name"] for s in _template(o).get("spec", {}).get("imagePullSecrets", [])}
                       for o in self.rendered.get(label, [])):
                problems.append(f"create secret docker-registry {name}: no pod of namespace {namespace} uses it")
        if "create" in words and "secret" in words and "tls" in words:
            name = words[words.index("tls") + 1]
            label = self.namespaces().get(namespace)
            tls = {t["secretName"] for o in self.rendered.get(label, []) if o["kind"] == "Ingress"
                   for t in o["spec"].get("tls", [])}
            if name not in tls:
                problems.append(f"create secret tls {name}: no Ingress of namespace {namespace} uses it")
        return problems

    def _kind_folder(self, words: list[str]) -> list[str]:
        """`cp -a SRC/. DEST/`: DEST is a dev PersistentVolume's folder as Kind mounts it."""
        config = yaml.safe_load(self.files.get("overlays/dev/kind-cluster.yaml", "{}")) or {}
        mounts = [m for n in config.get("nodes", []) for m in n.get("extraMounts", [])]
        dest = words[-1].rstrip("/")
        node_paths = [m["containerPath"] + dest[len(m["hostPath"]):] for m in mounts
                      if dest.startswith(m["hostPath"] + "/")]
        volumes = {(o.get("spec", {}).get("hostPath") or {}).get("path") for o in self.rendered.get("overlays/dev", [])
                   if o["kind"] == "PersistentVolume"}
        return [] if any(p in volumes for p in node_paths) else [f"cp to {dest}: no dev PersistentVolume there"]

    def problems(self, readme: str) -> list[str]:
        found = []
        for words in commands(readme):
            problems = self._paths(words)
            if words[0] == "kubectl":
                namespace = _option(words, "-n", "--namespace")
                if namespace is not None and namespace not in self.namespaces():
                    problems.append(f"-n {namespace}: no overlay has this namespace")
                elif namespace is not None:
                    self._remember(namespace, words)
                    problems += self._objects(namespace, words)
            if words[:2] == ["cp", "-a"]:
                problems += self._kind_folder(words)
            found += [f"{' '.join(words)}\n    {p}" for p in problems]
        return found
