"""Generated parts of README.md: the compose-key support table (from mappings/compose-keys.yaml),
the Kompose label table (mappings/kompose-labels.yaml), where we differ from Kompose on purpose
(tools/kompose_parity.yaml), the options table (from the options model) and the caps table (from
compose2k8s.limits).

    python -m tools.docs README.md   # rewrite the generated sections
"""
from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

from compose2k8s.tables.keys import compose_keys, kompose_labels

MARKERS = {"keys": ("<!-- keys:start -->", "<!-- keys:end -->"),
           "kompose": ("<!-- kompose-labels:start -->", "<!-- kompose-labels:end -->"),
           "parity": ("<!-- kompose-parity:start -->", "<!-- kompose-parity:end -->"),
           "options": ("<!-- options:start -->", "<!-- options:end -->"),
           "limits": ("<!-- limits:start -->", "<!-- limits:end -->")}


def key_table() -> str:
    table = compose_keys()
    lines = ["| key | status | becomes / why |", "| --- | --- | --- |"]
    for scope, entries in (("top level", table.top_level), ("service", table.service)):
        for key, entry in sorted(entries.items()):
            text = "; ".join(t for t in (entry.to, entry.reason) if t)
            status = entry.status.replace("_", " ")
            lines.append(f"| `{key}` ({scope}) | {status} | {text} |")
    return "\n".join(lines)


def kompose_table() -> str:
    lines = ["| label | status | becomes / why |", "| --- | --- | --- |"]
    for name, entry in sorted(kompose_labels().items()):
        text = "; ".join(t for t in (entry.to, entry.reason) if t)
        where = "" if entry.read_from == ("service",) else f" ({', '.join(entry.read_from)})"
        lines.append(f"| `{name}`{where} | {entry.status.replace('_', ' ')} | {text} |")
    return "\n".join(lines)


def parity_table() -> str:
    """The differences from Kompose's own golden outputs that tools/kompose_parity.yaml accepts:
    Kompose's bugs, then our deliberate choices."""
    import yaml
    table = yaml.safe_load((Path(__file__).parent / "kompose_parity.yaml").read_text())
    lines = ["| fact | Kompose | ours | why |", "| --- | --- | --- | --- |"]
    for section, ours in (("kompose_bugs", "(a Kompose bug)"), ("deliberate", None)):
        for rule in table[section]:
            kompose = rule.get("kompose_text") or f"`{rule.get('kompose', 'any')}`"
            shown = ours or rule.get("ours", "").replace("|", " or ")
            lines.append(f"| {rule['category']}: `{rule['fact']}` | {kompose} | {shown} | "
                         f"{' '.join(rule['reason'].split())} |")
    return "\n".join(lines)


def options_table() -> str:
    from compose2k8s.options import ConvertOptions
    lines = ["| option | meaning |", "| --- | --- |"]
    for name, field in ConvertOptions.model_fields.items():
        lines.append(f"| `{name}` | {field.description} |")
    return "\n".join(lines)


def limits_table() -> str:
    """Each cap of compose2k8s.limits with its value and the docstring under it."""
    from compose2k8s import limits
    lines = ["| cap | value | on |", "| --- | --- | --- |"]
    body = ast.parse(inspect.getsource(limits)).body
    for assign, doc in zip(body, body[1:]):
        if isinstance(assign, ast.Assign) and isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
            name = assign.targets[0].id
            value = getattr(limits, name)
            shown = f"{value // limits.MIB} MiB" if name.endswith("BYTES") else f"{value:,}"
            lines.append(f"| `{name}` | {shown} | {' '.join(doc.value.value.split())} |")
    return "\n".join(lines)


def render(readme: str) -> str:
    tables = {"keys": key_table, "kompose": kompose_table, "parity": parity_table, "options": options_table,
              "limits": limits_table}
    for name, (start, end) in MARKERS.items():
        body = tables[name]()
        readme = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: f"{start}\n{body}\n{end}", readme,
                        flags=re.S)
    return readme


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text()))
