"""Identity of list items (mappings/diff-identity.yaml): how the items of a pair of lists are
matched, and how each is labelled in a path (`ports[8080/TCP]`). deepdiff learns from a
`Matching` which items pair and which lists are sets (levels.py hands it over).

>>> rule = list_rule("Pod", ("spec", "containers", "ports"))
>>> old, new = [{"containerPort": 80, "name": "web"}], [{"containerPort": 8080, "name": "web"}]
>>> m = matching(rule, old, new)
>>> m.mode, m.label(old[0]), (id(old[0]), id(new[0])) in m.pairs
('keyed', '80/TCP', True)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from deepdiff import DeepHash

from ..tables.diff import ListIdentity, diff_identity
from .patterns import Fields, PathTable
from .render import inline

Keyed = dict[Any, tuple[str, Any]]  # key → (label, item)
Mode = Literal["keyed", "set", "whole"]


@cache
def _lists() -> PathTable:
    return PathTable(diff_identity().lists)


def list_rule(kind: str, fields: Fields) -> ListIdentity | None:
    """How the items of the list at `fields` are matched (None: in order, as a whole)."""
    return _lists().first(kind, fields)


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
        return DeepHash(value)[value], inline(value, 40)
    if value is None or value == "":
        return None, ""
    return (type(value).__name__, value), str(value)  # `true` is not `1`


def keyed(items: list[Any], rule: ListIdentity) -> Keyed | None:
    """Items by key → (label, item), in order; None when an item is not a mapping.

    >>> ports = [{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}, {"containerPort": 80}]
    >>> [label for label, _ in keyed(ports, list_rule("Pod", ("spec", "containers", "ports"))).values()]
    ['80/TCP', '80/UDP', '80/TCP#2']
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
                mark = tuple(_key_part(_dig(items[key][1], f), None)[0] for f in rule.fallback)
                if mark[0] is not None:
                    out.setdefault(mark, []).append(key)
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


@dataclass(frozen=True)
class Matching:
    """How the items of one OLD list and one NEW list correspond.

    `keyed`: items pair by identity (`pairs` holds `(id(old item), id(new item))`);
    `set`: order does not count, items are matched by their whole value;
    `whole`: order counts (argv, unknown lists), the list is one value.
    """

    mode: Mode
    pairs: frozenset[tuple[int, int]] = frozenset()
    labels: dict[int, str] = field(default_factory=dict)  # id(item) → label, items of both sides
    kept: bool = False  # `order: kept`: a change of order among paired items is reported
    order: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # items paired by key, in OLD's and NEW's order

    def label(self, item: Any) -> str:
        """`8080/TCP` for a keyed item, the value itself for a scalar in a set."""
        if id(item) in self.labels:
            return self.labels[id(item)]
        return "" if isinstance(item, (dict, list)) else inline(item, 60)


def matching(rule: ListIdentity | None, old: list[Any], new: list[Any]) -> Matching:
    """How the items of `old` and `new` (two lists at one place) are matched under `rule`."""
    before = keyed(old, rule) if rule is not None and rule.key else None
    after = keyed(new, rule) if before is not None else None
    if rule is None or before is None or after is None:
        return Matching("set" if rule is not None and rule.order == "any" else "whole")
    moved = by_fallback(before, after, rule)
    pairs = {(id(item), id(after[key][1])) for key, (_, item) in before.items() if key in after}
    pairs |= {(id(before[old_key][1]), id(after[new_key][1])) for old_key, new_key in moved.items()}
    labels = {id(item): label for side in (before, after) for label, item in side.values()}
    order = (tuple(label for key, (label, _) in before.items() if key in after),
             tuple(label for key, (label, _) in after.items() if key in before))
    return Matching("keyed", frozenset(pairs), labels, rule.order == "kept", order)
