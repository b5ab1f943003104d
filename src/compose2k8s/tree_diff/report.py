"""The result of a diff, as text (a summary by kind first, then each object) or JSON (the
same identity paths). Text is bounded: values are cut, long lists of objects and of changes
are shortened with a count, and `--format json` has everything.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .change import Change
from .render import change_text

MAX_CHANGES_SHOWN = 25  # per object, in text
JSON_STRING_LIMIT = 2_000


@dataclass
class DiffReport:
    """Objects only in OLD (`removed`), only in NEW (`added`), and changes per paired object.

    Objects are named `Kind/namespace/name` (`Kind/name` without a namespace).
    """

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[Change]] = field(default_factory=dict)
    paired: dict[str, int] = field(default_factory=dict)  # kind → objects found on both sides
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per kind: objects on both sides, how many of them differ, only in OLD, only in NEW."""
        out: dict[str, dict[str, int]] = {}

        def count(kind: str, column: str) -> None:
            row = out.setdefault(kind, {"paired": 0, "changed": 0, "removed": 0, "added": 0})
            row[column] += 1
        for kind, n in self.paired.items():
            out.setdefault(kind, {"paired": 0, "changed": 0, "removed": 0, "added": 0})["paired"] = n
        for name in self.changed:
            count(name.split("/", 1)[0], "changed")
        for name in self.removed:
            count(name.split("/", 1)[0], "removed")
        for name in self.added:
            count(name.split("/", 1)[0], "added")
        return dict(sorted(out.items()))

    def to_json(self) -> str:
        return json.dumps({
            "same": self.same, "summary": self.summary(), "notes": self.notes,
            "added": self.added, "removed": self.removed,
            "changed": {name: [_bounded(c.as_dict()) for c in changes] for name, changes in self.changed.items()},
        }, indent=2, default=str, ensure_ascii=False)

    def to_text(self, width: int = 140) -> str:
        if self.same:
            return "\n".join(["no differences", *(f"note: {n}" for n in self.notes)])
        lines = [*self._summary_lines(), *(f"note: {n}" for n in self.notes)]
        for title, sign, names in (("only in OLD", "-", self.removed), ("only in NEW", "+", self.added)):
            if names:
                lines += ["", f"{title} ({len(names)}):", *_grouped(sign, names, width)]
        for name, changes in self.changed.items():
            lines += ["", f"~ {name}"]
            lines += ["  " + change_text(c, width - 2) for c in changes[:MAX_CHANGES_SHOWN]]
            if len(changes) > MAX_CHANGES_SHOWN:
                lines.append(f"    … {len(changes) - MAX_CHANGES_SHOWN} more changes (--format json lists them all)")
        return "\n".join(lines)

    def _summary_lines(self) -> list[str]:
        rows = self.summary()
        width = max(len(k) for k in rows)
        head = f"{'kind':<{width}}  both  differ  only OLD  only NEW"
        return [head, *(f"{kind:<{width}}  {r['paired']:>4}  {r['changed']:>6}  {r['removed']:>8}  {r['added']:>8}"
                        for kind, r in rows.items())]


def _grouped(sign: str, names: list[str], width: int = 140) -> list[str]:
    """`+ Kind (namespace): a, b, c` per kind and namespace, cut to about `width` characters.

    >>> _grouped("+", ["Service/shop/db", "Service/shop/web", "StorageClass/fast"])
    ['  + Service (shop): db, web', '  + StorageClass: fast']
    >>> _grouped("-", [f"ConfigMap/c{i}" for i in range(40)], width=40)
    ['  - ConfigMap: c0, c1, c2, c3, … (+36)']
    """
    groups: dict[str, list[str]] = {}
    for name in names:
        kind, _, rest = name.partition("/")
        namespace, _, short = rest.rpartition("/")
        groups.setdefault(f"{kind} ({namespace})" if namespace else kind, []).append(short)
    lines = []
    for group, shorts in groups.items():
        line = f"  {sign} {group}: {shorts[0]}"
        for i, short in enumerate(shorts[1:], 1):
            more = f", … (+{len(shorts) - i})"
            if len(line) + len(short) + 2 + (len(more) if i < len(shorts) - 1 else 0) > width:
                line += more
                break
            line += f", {short}"
        lines.append(line)
    return lines


def _bounded(value: Any) -> Any:
    """`value` with very long strings cut (JSON output stays proportionate to the changes)."""
    if isinstance(value, dict):
        return {k: _bounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bounded(v) for v in value]
    if isinstance(value, str) and len(value) > JSON_STRING_LIMIT:
        return value[:JSON_STRING_LIMIT] + f"… ({len(value):,} characters)"
    return value
