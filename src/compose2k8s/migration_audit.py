"""Migration audit: for every service and compose key, what it became (object and field)
or why it was not mapped; the diagnostics; and a Mermaid diagram of the stack.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .mappings import compose_keys
from .options import ConvertOptions


@dataclass
class KeyFate:
    key: str
    status: str  # mapped | partial | not mapped
    became: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class AuditReport:
    project: str
    services: dict[str, list[KeyFate]]
    diagnostics: list[dict[str, str]]
    mermaid: str

    @property
    def lossy(self) -> bool:
        """True when some key was not fully mapped (a warning was raised)."""
        return any(d["severity"] == "warning" for d in self.diagnostics)

    def to_json(self) -> str:
        return json.dumps({"project": self.project,
                           "services": {n: [asdict(k) for k in keys] for n, keys in self.services.items()},
                           "diagnostics": self.diagnostics, "mermaid": self.mermaid}, indent=2)

    def to_markdown(self) -> str:
        lines = [f"# Migration audit: {self.project}", ""]
        counts = {"mapped": 0, "partial": 0, "not mapped": 0}
        for keys in self.services.values():
            for fate in keys:
                counts[fate.status] += 1
        lines += [f"{counts['mapped']} keys mapped, {counts['partial']} partly mapped, "
                  f"{counts['not mapped']} not mapped, across {len(self.services)} services.", "",
                  "## Stack", "", "```mermaid", self.mermaid, "```", ""]
        for name, keys in self.services.items():
            lines += [f"## {name}", "", "| key | status | became | notes |", "| --- | --- | --- | --- |"]
            for fate in keys:
                became = "<br>".join(_cell(b) for b in fate.became) or "—"
                notes = "<br>".join(_cell(n) for n in fate.notes) or ""
                lines.append(f"| `{fate.key}` | {fate.status} | {became} | {notes} |")
            lines.append("")
        project_wide = [d for d in self.diagnostics if not d["service"]]
        if project_wide:
            lines += ["## Project-wide notes", ""]
            lines += [f"- **{d['severity']}** `{d['key']}`: {_cell(d['message'])}"
                      + (f" — {_cell(d['hint'])}" if d["hint"] else "") for d in project_wide]
            lines.append("")
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _mermaid(result: Any) -> str:
    project = result.project
    lines = ["flowchart LR"]
    kinds = {}
    for obj in result.objects:
        if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"):
            kinds[obj["metadata"]["name"]] = obj
    node = {n: "s_" + n.replace("-", "_").replace(".", "_") for n in project.services}
    from .names import dns_label
    for name in sorted(project.services):
        kind = kinds.get(dns_label(name), {}).get("kind", "")
        lines.append(f'  {node[name]}["{name}<br/>{kind}"]')
    published = False
    for name, svc in sorted(project.services.items()):
        for dep, spec in sorted(svc.depends_on.items()):
            if dep not in node:
                continue  # optional, on a service its profiles disable
            label = spec.condition.replace("service_", "")
            lines.append(f"  {node[name]} -->|{label}| {node[dep]}")
        for port in svc.ports:
            if port.published:
                published = True
                lines.append(f"  user((published)) -->|{port.published}| {node[name]}")
    claims: dict[str, list[tuple[str, bool]]] = {}
    for name in project.services:
        obj = kinds.get(dns_label(name))
        if not obj:
            continue
        pod = obj["spec"].get("template", obj["spec"].get("jobTemplate", {}).get("spec", {}).get("template", {}))
        spec = pod.get("spec", {})
        mounts = {m["name"]: m.get("readOnly", False) for m in spec.get("containers", [{}])[0].get("volumeMounts", [])}
        for volume in spec.get("volumes", []):
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                claims.setdefault(claim, []).append((name, mounts.get(volume["name"], False)))
        for template in obj["spec"].get("volumeClaimTemplates", []):
            claims.setdefault(template["metadata"]["name"], []).append((name, False))
    for claim, users in sorted(claims.items()):
        cid = "c_" + claim.replace("-", "_")
        lines.append(f'  {cid}[("{claim}")]')
        for user, read_only in sorted(set(users)):
            lines.append(f"  {node[user]} {'-.->|ro|' if read_only else '---'} {cid}")
    if not published:
        lines = [line for line in lines if "user((" not in line]
    return "\n".join(lines)


def audit(files: Sequence[str | Path], options: ConvertOptions | None = None) -> AuditReport:
    """Convert in memory (Secrets as placeholders: no keys needed) and report every key's fate."""
    from .api import convert
    given = options.model_dump(exclude_unset=True) if options is not None else {}
    result = convert(files, ConvertOptions.model_validate({**given, "secrets": "placeholder"}))
    diagnostics = [d for d in result.diagnostics if d.code != "placeholder-secrets"]
    table = compose_keys().service
    services: dict[str, list[KeyFate]] = {}
    for name, svc in sorted(result.project.services.items()):
        present = sorted((svc.model_fields_set | set(svc.model_extra or {})) - {"name"})
        fates = []
        for key in present:
            became = [t.target for t in result.traces if t.service == name and t.key == key]
            notes = [f"{d.severity}: {d.message}" + (f" ({d.hint})" if d.hint else "")
                     for d in diagnostics if d.service == name and d.key == key]
            warned = any(d.severity == "warning" for d in diagnostics if d.service == name and d.key == key)
            entry = table.get(key)
            if became:
                status = "partial" if warned else "mapped"
            elif warned or (entry and entry.status == "not_mapped"):
                status = "not mapped"
                if not notes and entry and entry.reason:
                    notes = [entry.reason]
            else:
                status = "mapped"
                became = [entry.to] if entry and entry.to else []
            fates.append(KeyFate(key, status, became, notes))
        services[name] = fates
    return AuditReport(project=result.project.name, services=services,
                       diagnostics=[{"service": d.service, "key": d.key, "code": d.code, "severity": d.severity,
                                     "message": d.message, "hint": d.hint} for d in diagnostics],
                       mermaid=_mermaid(result))
