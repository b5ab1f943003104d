"""Field-path patterns of the diff tables (mappings/diff-*.yaml).

A pattern is a dotted field path from an object's root, without list positions. `*.` in
front matches any beginning (zero or more fields); `Kind:` or `KindA,KindB:` in front limits
it to those kinds; `{a,b}` stands for either; `{containers}` for every container list.

>>> table = PathTable({"*.{containers}.env": "by name", "Service:spec.ports": "port"})
>>> table.first("Deployment", ("spec", "template", "spec", "initContainers", "env"))
'by name'
>>> table.first("Deployment", ("spec", "ports")) is None
True
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CONTAINER_LISTS = "{containers,initContainers,ephemeralContainers}"
_CHOICE = re.compile(r"\{([^{}]*)\}")

Fields = tuple[str, ...]


def expand(pattern: str) -> list[str]:
    """Every path a pattern with `{a,b}` choices stands for.

    >>> expand("{*.template.spec,Pod:spec}.{hostPID,hostIPC}")
    ['*.template.spec.hostPID', '*.template.spec.hostIPC', 'Pod:spec.hostPID', 'Pod:spec.hostIPC']
    """
    pattern = pattern.replace("{containers}", CONTAINER_LISTS)
    found = _CHOICE.search(pattern)
    if not found:
        return [pattern]
    head, tail = pattern[:found.start()], pattern[found.end():]
    return [path for choice in found.group(1).split(",") for path in expand(head + choice + tail)]


@dataclass(frozen=True)
class _Rule:
    kinds: frozenset[str] | None
    fields: Fields
    anywhere: bool
    value: Any

    def matches(self, kind: str, fields: Fields) -> bool:
        if self.kinds is not None and kind not in self.kinds:
            return False
        if self.anywhere:
            return len(fields) >= len(self.fields) and fields[len(fields) - len(self.fields):] == self.fields
        return fields == self.fields


def _parse(path: str, value: Any) -> _Rule:
    kinds = None
    if ":" in path:
        names, path = path.split(":", 1)
        kinds = frozenset(names.split(","))
    anywhere = path.startswith("*.")
    if anywhere:
        path = path[2:]
    return _Rule(kinds, tuple(path.split(".")) if path else (), anywhere, value)


class PathTable:
    """Patterns → values, looked up by (kind, field path); answers are cached per path."""

    def __init__(self, entries: Mapping[str, Any] | Iterable[str]) -> None:
        pairs = entries.items() if isinstance(entries, Mapping) else ((p, True) for p in entries)
        self._by_last: dict[str, list[_Rule]] = {}
        for pattern, value in pairs:
            for path in expand(pattern):
                rule = _parse(path, value)
                self._by_last.setdefault(rule.fields[-1] if rule.fields else "", []).append(rule)
        for rules in self._by_last.values():  # most specific first: exact, then longer suffixes
            rules.sort(key=lambda r: (r.anywhere, -len(r.fields), r.kinds is None))
        self._cache: dict[tuple[str, Fields], list[Any]] = {}

    def all(self, kind: str, fields: Fields) -> list[Any]:
        """Values of every pattern matching, the most specific first."""
        key = (kind, fields)
        found = self._cache.get(key)
        if found is None:
            rules = self._by_last.get(fields[-1] if fields else "", ())
            found = self._cache[key] = [r.value for r in rules if r.matches(kind, fields)]
        return found

    def first(self, kind: str, fields: Fields) -> Any:
        """The value of the most specific pattern matching, or None."""
        found = self.all(kind, fields)
        return found[0] if found else None

    def __contains__(self, where: tuple[str, Fields]) -> bool:
        return bool(self.all(*where))
