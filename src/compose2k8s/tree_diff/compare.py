"""Compare two cleaned objects field by field, pairing list items by identity
(mappings/diff-identity.yaml), in one pass over both.

>>> old = {"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}]}}
>>> new = {"spec": {"ports": [{"port": 443, "name": "https"}, {"port": 80, "name": "web"}]}}
>>> [c.line() for c in compare("Service", old, new)]
['  spec.ports[80/TCP].name: http → web']
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from ..mappings import ListIdentity, diff_identity
from .hidden import hide, scrub, secret_subtree
from .labels import is_metadata_map
from .patterns import Fields, PathTable
from .render import change_text, inline

ChangeKind = Literal["changed", "added", "removed", "reordered"]
# (fields of a mapping, key, True when OLD is the side that has the key) → leave it out?
OneSided = Callable[[Fields, str, bool], bool]


@dataclass(frozen=True)
class Change:
    """One difference, under an identity path such as `containers[web].ports[8080/TCP].name`."""

    change: ChangeKind
    path: str
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change, "path": self.path}
        if self.change != "added":
            out["old"] = self.old
        if self.change != "removed":
            out["new"] = self.new
        return out

    def line(self, width: int = 100) -> str:
        """One line of text; values shortened to about `width` characters."""
        return change_text(self, width)


@cache
def _lists() -> PathTable:
    return PathTable(diff_identity().lists)


def compare(kind: str, old: dict[str, Any], new: dict[str, Any], one_sided: OneSided | None = None) -> list[Change]:
    """Every difference between `old` and `new` (both cleaned), sorted by path."""
    walk = _Walk(kind, one_sided or (lambda fields, key, in_old: False))
    walk.any(old, new, "", (), False)
    return sorted(walk.changes, key=lambda c: c.path)


def same(a: Any, b: Any) -> bool:
    """Deep equality that tells `true` from `1` (Python does not)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, str) != isinstance(b, str):
        return False
    return a == b


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


def _key_part(value: Any) -> tuple[Any, str]:
    """(what identifies, what is shown) for one key field's value; lists are sets here."""
    if isinstance(value, list):
        names = sorted(str(v) for v in value)
        return tuple(names), ",".join(n for n in names if n)
    if value is None or value == "":
        return None, ""
    return value, str(value)


def _keyed(items: list[Any], rule: ListIdentity) -> dict[Any, tuple[str, Any]] | None:
    """Items by key → (label, item), in order; None when an item is not a mapping."""
    out: dict[Any, tuple[str, Any]] = {}
    seen: Counter[Any] = Counter()
    for item in items:
        if not isinstance(item, dict):
            return None
        parts = [_key_part(_dig(item, f) if _dig(item, f) is not None else rule.key_defaults.get(f)) for f in rule.key]
        key = tuple(p[0] for p in parts)
        label = "/".join(p[1] for p in parts if p[1]) or "-"
        seen[key] += 1
        if seen[key] > 1:  # a duplicate key: told apart by its rank among equals
            key, label = (*key, seen[key]), f"{label}#{seen[key]}"
        out[key] = (label, item)
    return out


@dataclass
class _Walk:
    kind: str
    one_sided: OneSided
    changes: list[Change] = field(default_factory=list)

    def add(self, change: ChangeKind, path: str, fields: Fields, secret: bool, old: Any = None, new: Any = None) -> None:
        show = hide if secret else (lambda v: scrub(self.kind, fields, v))
        self.changes.append(Change(change, path, show(old) if change != "added" else None,
                                   show(new) if change != "removed" else None))

    def any(self, old: Any, new: Any, path: str, fields: Fields, secret: bool) -> None:
        if isinstance(old, dict) and isinstance(new, dict):
            self.mapping(old, new, path, fields, secret)
        elif isinstance(old, list) and isinstance(new, list):
            self.list(old, new, path, fields, secret)
        elif not same(old, new):
            self.add("changed", path, fields, secret, old, new)

    def mapping(self, old: dict[str, Any], new: dict[str, Any], path: str, fields: Fields, secret: bool) -> None:
        for key in [*old, *(k for k in new if k not in old)]:
            sub_path, sub_fields = (f"{path}.{key}" if path else key), (*fields, key)
            in_old, in_new = key in old, key in new
            sub_secret = secret or secret_subtree(self.kind, fields, key, tuple(s for s in (old, new) if key in s))
            if in_old and in_new:
                self.any(old[key], new[key], sub_path, sub_fields, sub_secret)
            elif is_metadata_map(self.kind, sub_fields) and isinstance(old.get(key, new.get(key)), dict):
                self.mapping(old.get(key, {}), new.get(key, {}), sub_path, sub_fields, sub_secret)  # key by key
            elif not self.one_sided(fields, key, in_old):
                if in_old:
                    self.add("removed", sub_path, sub_fields, sub_secret, old=old[key])
                else:
                    self.add("added", sub_path, sub_fields, sub_secret, new=new[key])

    def list(self, old: list[Any], new: list[Any], path: str, fields: Fields, secret: bool) -> None:
        rule: ListIdentity | None = _lists().first(self.kind, fields)
        if rule is not None and rule.key:
            before, after = _keyed(old, rule), _keyed(new, rule)
            if before is not None and after is not None:
                self.keyed(before, after, rule, path, fields, secret)
                return
        if rule is not None and rule.order == "any":
            self.unordered(old, new, path, fields, secret)
        elif not same(old, new):
            self.add("changed", path, fields, secret, old, new)

    def keyed(self, before: dict[Any, tuple[str, Any]], after: dict[Any, tuple[str, Any]], rule: ListIdentity,
              path: str, fields: Fields, secret: bool) -> None:
        for key, (label, item) in before.items():
            sub_path = f"{path}[{label}]"
            if key in after:
                other = after[key][1]
                self.any(item, other, sub_path, fields, secret)
            else:
                self.add("removed", sub_path, fields, secret, old=item)
        for key, (label, item) in after.items():
            if key not in before:
                self.add("added", f"{path}[{label}]", fields, secret, new=item)
        if rule.order == "kept":
            kept_old = [label for key, (label, _) in before.items() if key in after]
            kept_new = [label for key, (label, _) in after.items() if key in before]
            if kept_old != kept_new:
                self.changes.append(Change("reordered", path, kept_old, kept_new))

    def unordered(self, old: list[Any], new: list[Any], path: str, fields: Fields, secret: bool) -> None:
        counts = Counter(fingerprint(v) for v in new)
        counts.subtract(fingerprint(v) for v in old)
        for items, change, sign in ((old, "removed", -1), (new, "added", 1)):
            for item in items:
                mark = fingerprint(item)
                if counts[mark] * sign > 0:
                    counts[mark] -= sign
                    label = inline(item, 60) if not isinstance(item, (dict, list)) else ""
                    self.add(change, f"{path}[{label}]", fields, secret,  # type: ignore[arg-type]
                             **({"old": item} if change == "removed" else {"new": item}))
