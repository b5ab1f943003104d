"""Generated parts of README.md: the compose-key support table (from mappings/compose-keys.yaml)
and the options table (from the options model).

    python -m compose2k8s.tools.docs README.md   # rewrite the generated sections
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from compose2k8s.mappings import compose_keys

MARKERS = {"keys": ("<!-- keys:start -->", "<!-- keys:end -->"),
           "options": ("<!-- options:start -->", "<!-- options:end -->")}


def key_table() -> str:
    table = compose_keys()
    lines = ["| key | status | becomes / why |", "| --- | --- | --- |"]
    for scope, entries in (("top level", table.top_level), ("service", table.service)):
        for key, entry in sorted(entries.items()):
            text = "; ".join(t for t in (entry.to, entry.reason) if t)
            status = entry.status.replace("_", " ")
            lines.append(f"| `{key}` ({scope}) | {status} | {text} |")
    return "\n".join(lines)


def options_table() -> str:
    from compose2k8s.options import ConvertOptions
    lines = ["| option | meaning |", "| --- | --- |"]
    for name, field in ConvertOptions.model_fields.items():
        lines.append(f"| `{name}` | {field.description} |")
    return "\n".join(lines)


def render(readme: str) -> str:
    for name, (start, end) in MARKERS.items():
        body = key_table() if name == "keys" else options_table()
        readme = re.sub(re.escape(start) + r".*?" + re.escape(end), f"{start}\n{body}\n{end}", readme, flags=re.S)
    return readme


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text()))
