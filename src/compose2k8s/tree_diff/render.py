"""Values and changes as short lines of text: flow-style YAML, strings quoted only when they
would read as something else, long values cut, scripts summarised by their first changed line.

>>> inline({"containerPort": 8080, "protocol": "TCP", "name": "8080"})
'{containerPort: 8080, protocol: TCP, name: "8080"}'
>>> text_change("set -e\\ncp a b\\necho ok\\n", "set -e\\ncp a c\\necho ok\\n")
'text of 3 lines, 1 line changed: line 2 "cp a b" → "cp a c"'
"""
from __future__ import annotations

import difflib
import json
import re
from typing import TYPE_CHECKING, Any

from .hidden import Hidden

if TYPE_CHECKING:  # pragma: no cover
    from .change import Change

_PLAIN = re.compile(r"^[A-Za-z0-9_./@%+=~$(…-][^\n,{}\[\]#\"']*$")
_LOOKS_TYPED = re.compile(r"^(?:[-+]?[0-9][0-9_.eE+-]*|true|false|null|~|yes|no|on|off)$", re.IGNORECASE)
_MATCHING_LIMIT = 2_000  # lines; longer texts are summarised by counts only


def scalar(value: Any) -> str:
    """A scalar as YAML would show it, quoted only when it would read as another type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Hidden) or not isinstance(value, str):
        return str(value)
    if _PLAIN.match(value) and not _LOOKS_TYPED.match(value) and ": " not in value and value == value.strip() \
            and not value.endswith(":"):
        return value
    return json.dumps(value, ensure_ascii=False)


def inline(value: Any, width: int = 100) -> str:
    """`value` in flow style on one line, cut to about `width` characters."""
    text = _flow(value, width + 1)
    return text if len(text) <= width else text[: width - 1] + "…"


def _flow(value: Any, budget: int) -> str:
    if isinstance(value, dict):
        parts: list[str] = []
        used = 2
        for key, item in value.items():
            if used > budget:
                parts.append("…")
                break
            parts.append(f"{scalar(key)}: {_flow(item, budget - used)}")
            used += len(parts[-1]) + 2
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        parts = []
        used = 2
        for item in value:
            if used > budget:
                parts.append("…")
                break
            parts.append(_flow(item, budget - used))
            used += len(parts[-1]) + 2
        return "[" + ", ".join(parts) + "]"
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        lines = value.rstrip("\n").split("\n")
        return f"{scalar(lines[0])} …({len(lines)} lines)"
    return scalar(value)


def text_change(old: str, new: str, width: int = 100) -> str:
    """A change of a multi-line text, by its first changed line."""
    a, b = old.rstrip("\n").split("\n"), new.rstrip("\n").split("\n")
    size = f"{len(a)} lines" if len(a) == len(b) else f"{len(a)} → {len(b)} lines"
    if max(len(a), len(b)) > _MATCHING_LIMIT:
        return f"text of {size} changed"
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    removed, added = sum(i2 - i1 for _, i1, i2, _, _ in ops), sum(j2 - j1 for _, _, _, j1, j2 in ops)
    counts = f"{removed} line changed" if removed == added == 1 else f"-{removed} +{added} lines"
    _, i1, i2, j1, j2 = ops[0]
    half = max(20, (width - 40) // 2)
    first_old = _line(a[i1], half) if i1 < i2 else "(none)"
    first_new = _line(b[j1], half) if j1 < j2 else "(none)"
    return f"text of {size}, {counts}: line {i1 + 1} {first_old} → {first_new}"


def _line(text: str, width: int) -> str:
    text = text.strip()
    return json.dumps(text if len(text) <= width else text[: width - 1] + "…", ensure_ascii=False)


def _strings(old: str, new: str, width: int) -> str:
    """Two one-line strings; a long shared beginning is elided so the difference shows.

    >>> _strings("registry.example.com/team/app:1.4.2", "registry.example.com/team/app:1.5.0", 40)
    '…/team/app:1.4.2 → …/team/app:1.5.0'
    """
    if len(old) + len(new) + 3 <= width:
        return f"{scalar(old)} → {scalar(new)}"
    shared = len(_common_prefix(old, new))
    cut = max(0, shared - 10)
    cut = old.rfind("/", 0, cut + 1) if "/" in old[:cut + 1] else cut
    half = max(20, (width - 3) // 2)
    shown = [inline(("…" if cut > 0 else "") + text[cut:], half) for text in (old, new)]
    return " → ".join(shown)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Hidden) and "\n" in value.rstrip("\n")


def _changed(old: Any, new: Any, width: int) -> str:
    if isinstance(old, Hidden) and isinstance(new, Hidden):
        return "changed (secret, not shown)"
    if (_is_text(old) or _is_text(new)) and isinstance(old, str) and isinstance(new, str):
        return text_change(old, new, width)
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        differing = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
        if len(differing) == 1 and (_is_text(old[differing[0]]) or _is_text(new[differing[0]])):
            i = differing[0]
            return f"argument {i + 1} of {len(old)}: {_changed(old[i], new[i], width)}"
    if isinstance(old, str) and isinstance(new, str) and not isinstance(old, Hidden):
        return _strings(old, new, width)
    half = max(30, width // 2)
    return f"{inline(old, half)} → {inline(new, half)}"


def change_text(change: Change, width: int = 140) -> str:
    """One line for a change, about `width` characters at most (a long path leaves the values
    at least 40): `  path: old → new`, `+ path: value`, `- path: value`."""
    room = max(40, width - len(change.path) - 4)
    if change.change == "reordered":
        return f"  {change.path}: order {inline(change.old, room // 2)} → {inline(change.new, room // 2)}"
    if change.change == "changed":
        if change.default:  # one side leaves the field out: say which value is the default
            old, new = (f"{inline(v, room // 2)}{' (default)' if change.default == side else ''}"
                        for v, side in ((change.old, "old"), (change.new, "new")))
            return f"  {change.path}: {old} → {new}"
        return f"  {change.path}: {_changed(change.old, change.new, room)}"
    sign, value = ("+", change.new) if change.change == "added" else ("-", change.old)
    shown = inline(value, room)
    if change.path.endswith(f"[{shown}]"):  # an item of a set: the path says it all
        return f"{sign} {change.path}"
    return f"{sign} {change.path}: {shown}"
