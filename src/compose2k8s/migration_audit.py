"""Migration audit: for every service and compose key, what it became (object and field)
or why it was not mapped; the diagnostics; and a Mermaid diagram of the stack.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, fold
from .ir.model import Plan
from .options import ConvertOptions
from .tables.keys import KeyStatus, compose_keys


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
    reachability: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lossy(self) -> bool:
        """True when some key was not fully mapped (a warning was raised)."""
        return any(d["severity"] == "warning" for d in self.diagnostics)

    def to_json(self) -> str:
        return json.dumps({"project": self.project,
                           "services": {n: [asdict(k) for k in keys] for n, keys in self.services.items()},
                           "diagnostics": self.diagnostics, "mermaid": self.mermaid,
                           "reachability": self.reachability}, indent=2)

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
        lines += _reachability_table(self.reachability)
        project_wide = [d for d in self.diagnostics if not d["service"]]
        if project_wide:
            lines += ["## Project-wide notes", ""]
            lines += [f"- **{d['severity']}** `{d['key']}`: {_cell(d['message'])}"
                      + (f" — {_cell(d['hint'])}" if d["hint"] else "") for d in project_wide]
            lines.append("")
        return "\n".join(lines)


def _reachability_table(rows: list[dict[str, Any]]) -> list[str]:
    """Every peer reference found, and the Service that answers it or why none does."""
    if not rows:
        return []
    lines = ["## Reachability", "", f"{sum(1 for r in rows if r['answered_by'])} of {len(rows)} references a "
             "service makes to a peer are answered.", "",
             "| service | uses | found in | answered by |", "| --- | --- | --- | --- |"]
    for row in rows:
        port = f":{row['port']}" if row["port"] else ""
        answer = f"Service {row['answered_by']}" if row["answered_by"] else f"**nothing**: {_cell(row['reason'])}"
        lines.append(f"| {row['service']} | `{row['name']}{port}` | {_cell(row['where'])} | {answer} |")
    return lines + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _mermaid(plan: Plan) -> str:
    """The stack as a Mermaid flowchart: workloads, dependencies, published ports, claims."""
    lines = ["flowchart LR"]
    node = {n: "s_" + n.replace("-", "_").replace(".", "_") for n in plan.workloads}
    for name, w in sorted(plan.workloads.items()):
        lines.append(f'  {node[name]}["{name}<br/>{w.kind}"]')
    for name, w in sorted(plan.workloads.items()):
        for dep, spec in sorted(w.service.depends_on.items()):
            if dep in node:  # a dependency in a disabled profile is not part of the stack
                lines.append(f"  {node[name]} -->|{spec.condition.replace('service_', '')}| {node[dep]}")
        lines += [f"  user((published)) -->|{port.published}| {node[name]}"
                  for port in w.service.ports if port.published]
    for claim in sorted(plan.claims, key=lambda c: c.name):
        cid = "c_" + claim.name.replace("-", "_")
        lines.append(f'  {cid}[("{claim.name}")]')
        lines += [f"  {node[user]} {'-.->|ro|' if user in claim.read_only else '---'} {cid}" for user in claim.users]
    return "\n".join(lines)


def _fate(key: str, became: list[str], own: list[Diagnostic], entry: KeyStatus | None) -> KeyFate:
    """What became of one key: only what the passes recorded (its traces, its diagnostics).

    Traced and warned: partial; traced: mapped. Not traced: partial when a diagnostic says it is
    partly mapped, not mapped when warned or the keys table says so, else mapped. Repeated notes
    are folded. A key nothing recorded is said so, never described from the keys table.

    >>> partly = Diagnostic("web", "networks", "partial", "networks is only partly mapped")
    >>> _fate("networks", [], [partly], None).status
    'partial'
    """
    notes = [str(line) for line in fold(own)]
    warned = any(d.severity == "warning" for d in own)
    if became:
        return KeyFate(key, "partial" if warned else "mapped", became, notes)
    if own:
        status = "partial" if any(d.code == "partial" for d in own) else \
            "not mapped" if warned or (entry and entry.status == "not_mapped") else "mapped"
        return KeyFate(key, status, [], notes)
    return KeyFate(key, "not mapped", [], ["nothing recorded what became of this key: please report it"])


def audit(files: Sequence[str | Path], options: ConvertOptions | None = None) -> AuditReport:
    """Convert in memory (Secrets as placeholders: no keys needed) and report every key's fate."""
    from .api import convert
    given = options.model_dump(exclude_unset=True) if options is not None else {}
    result = convert(files, ConvertOptions.model_validate({**given, "secrets": "placeholder"}))
    diagnostics = [d for d in result.diagnostics if d.code != "placeholder-secrets"]
    table = compose_keys().service
    traced: dict[tuple[str, str], list[str]] = {}
    traced_keys: dict[str, set[str]] = {}
    for trace in result.traces:
        traced.setdefault((trace.service, trace.key), []).append(trace.target)
        traced_keys.setdefault(trace.service, set()).add(trace.key)
    noted: dict[tuple[str, str], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        noted.setdefault((diagnostic.service, diagnostic.key), []).append(diagnostic)
    services: dict[str, list[KeyFate]] = {}
    for name, svc in sorted(result.project.services.items()):
        present = sorted((svc.model_fields_set | set(svc.model_extra or {})) - {"name"})
        extra = sorted(traced_keys.get(name, set()) - set(present))  # keys of our own, e.g. overlays
        services[name] = [_fate(key, traced.get((name, key), []), noted.get((name, key), []), table.get(key))
                          for key in present + extra]
    return AuditReport(project=result.project.name, services=services,
                       diagnostics=[{"service": d.service, "key": d.key, "code": d.code, "severity": d.severity,
                                     "message": d.message, "hint": d.hint} for d in diagnostics],
                       mermaid=_mermaid(result.plan),
                       reachability=[{"service": r.reference.service, "name": r.reference.name,
                                      "port": r.reference.port, "where": r.reference.where,
                                      "answered_by": r.service, "reason": r.reason}
                                     for r in result.plan.reachability])
