"""Identity of list items (mappings/diff-identity.yaml): which fields key an item, how it is
labelled in a path (`ports[8080/TCP]`), and how leftovers pair by a second identity.
"""
from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from ..mappings import ListIdentity, diff_identity
from .patterns import Fields, PathTable
from .render import inline

Keyed = dict[Any, tuple[str, Any]]  # key → (label, item)


@cache
def _lists() -> PathTable:
    return PathTable(diff_identity().lists)


def list_rule(kind: str, fields: Fields) -> ListIdentity | None:
    """How the items of the list at `fields` are matched (None: in order, as a whole)."""
    return _lists().first(kind, fields)


def fingerprint(value: Any) -> Any:
    """A hashable stand-in for `value`, equal for values that are `same`."""
    if isinstance(value, dict):
        return ("{", frozenset((k, fingerprint(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("[", tuple(fingerprint(v) for v in value))
    if isinstance(value, bool):
        return ("b", value)
    return ("s" if isinstance(value, str) else "n", value)


def _dig(item: dict[str, Any], dotted: str) -> Any:
    value: Any = item
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _key_part(value: Any, default: Any) -> tuple[Any, str]:
    """(what identifies, what is shown) for one key field's value; lists are sets here."""
    if value is None:
        value = default
    if isinstance(value, list):
        names = sorted(str(v) for v in value)
        return tuple(names), ",".join(n for n in names if n)
    if isinstance(value, dict):  # not a key Kubernetes would accept, but still an identity
        return fingerprint(value), inline(value, 40)
    if value is None or value == "":
        return None, ""
    return value, str(value)


def keyed(items: list[Any], rule: ListIdentity) -> Keyed | None:
    """Items by key → (label, item), in order; None when an item is not a mapping.

    >>> keyed([{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}], list_rule("Pod", ("spec", "containers", "ports")))
    {(80, 'TCP'): ('80/TCP', {'containerPort': 80}), (80, 'UDP'): ('80/UDP', {'containerPort': 80, 'protocol': 'UDP'})}
    """
    out: Keyed = {}
    seen: Counter[Any] = Counter()
    for item in items:
        if not isinstance(item, dict):
            return None
        parts = [_key_part(_dig(item, f), rule.key_defaults.get(f)) for f in rule.key]
        key = tuple(p[0] for p in parts)
        label = "/".join(p[1] for p in parts if p[1]) or "-"
        seen[key] += 1
        if seen[key] > 1:  # a duplicate key: told apart by its rank among equals
            key, label = (*key, seen[key]), f"{label}#{seen[key]}"
        out[key] = (label, item)
    return out


def by_fallback(before: Keyed, after: Keyed, rule: ListIdentity) -> dict[Any, Any]:
    """Old key → new key for items left unpaired: by the `fallback` fields when they are the
    same and unique among the leftovers of both sides, then the `sole` leftovers."""
    old_left = [k for k in before if k not in after]
    new_left = [k for k in after if k not in before]
    moved: dict[Any, Any] = {}
    if rule.fallback:
        def index(keys: list[Any], items: Keyed) -> dict[Any, list[Any]]:
            out: dict[Any, list[Any]] = {}
            for key in keys:
                mark = [_dig(items[key][1], f) for f in rule.fallback]
                if mark[0] is not None:
                    out.setdefault(fingerprint(mark), []).append(key)
            return out
        old_marks, new_marks = index(old_left, before), index(new_left, after)
        moved = {keys[0]: new_marks[mark][0] for mark, keys in old_marks.items()
                 if len(keys) == 1 and len(new_marks.get(mark, ())) == 1}
    if rule.sole:
        old_rest = [k for k in old_left if k not in moved]
        new_rest = [k for k in new_left if k not in moved.values()]
        if len(old_rest) == 1 and len(new_rest) == 1:
            moved[old_rest[0]] = new_rest[0]
    return moved
