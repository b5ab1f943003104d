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
from typing import Any, Literal

from ..mappings import ListIdentity
from .hidden import hide, scrub, secret_subtree
from .identity import Keyed, by_fallback, fingerprint, keyed, list_rule
from .labels import key_by_key
from .noise import NOT_SET
from .patterns import Fields
from .render import change_text, inline

ChangeKind = Literal["changed", "added", "removed", "reordered"]
# (fields of a mapping, key, True when OLD is the side that has the key) → leave it out?
OneSided = Callable[[Fields, str, bool], bool]
# (fields of a field, the mapping that lacks it) → the value it has there anyway, or NOT_SET
Implied = Callable[[Fields, dict[str, Any]], Any]


@dataclass(frozen=True)
class Change:
    """One difference, under an identity path such as `containers[web].ports[8080/TCP].name`."""

    change: ChangeKind
    path: str
    old: Any = None
    new: Any = None
    default: Literal["old", "new", None] = None  # that side leaves the field out: its value is the API's default

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change, "path": self.path}
        if self.change != "added":
            out["old"] = self.old
        if self.change != "removed":
            out["new"] = self.new
        if self.default:
            out["default"] = self.default
        return out

    def line(self, width: int = 140) -> str:
        """One line of text, about `width` characters at most."""
        return change_text(self, width)


def compare(kind: str, old: dict[str, Any], new: dict[str, Any], one_sided: OneSided | None = None,
            implied: Implied | None = None) -> list[Change]:
    """Every difference between `old` and `new` (both cleaned), sorted by path.

    `one_sided` says which fields only one side has are not differences; `implied` gives the
    default a field left out has, so `protocol: TCP → UDP` reads as a change, not an addition.
    """
    walk = _Walk(kind, one_sided or (lambda fields, key, in_old: False), implied or (lambda fields, siblings: NOT_SET))
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


@dataclass
class _Walk:
    kind: str
    one_sided: OneSided
    implied: Implied
    changes: list[Change] = field(default_factory=list)

    def add(self, change: ChangeKind, path: str, fields: Fields, secret: bool, old: Any = None, new: Any = None,
            default: Literal["old", "new", None] = None) -> None:
        show = hide if secret else (lambda v: scrub(self.kind, fields, v))
        self.changes.append(Change(change, path, show(old) if change != "added" else None,
                                   show(new) if change != "removed" else None, default))

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
            elif self.one_sided(fields, key, in_old):
                continue
            elif key_by_key(self.kind, sub_fields) and isinstance(old.get(key, new.get(key)), dict):
                self.mapping(old.get(key, {}), new.get(key, {}), sub_path, sub_fields, sub_secret)  # key by key
            else:
                holder, other = (old, new) if in_old else (new, old)
                self.lone(holder[key], other, in_old, sub_path, sub_fields, sub_secret)

    def lone(self, value: Any, other: dict[str, Any], in_old: bool, path: str, fields: Fields, secret: bool) -> None:
        """A field only one side has: a change from (or to) the default the other side has."""
        default = self.implied(fields, other)
        if default is NOT_SET or isinstance(value, (dict, list)):
            self.add("removed" if in_old else "added", path, fields, secret, **{"old" if in_old else "new": value})
        elif in_old:
            self.add("changed", path, fields, secret, value, default, default="new")
        else:
            self.add("changed", path, fields, secret, default, value, default="old")

    def list(self, old: list[Any], new: list[Any], path: str, fields: Fields, secret: bool) -> None:
        rule = list_rule(self.kind, fields)
        if rule is not None and rule.key:
            before, after = keyed(old, rule), keyed(new, rule)
            if before is not None and after is not None:
                self.keyed(before, after, rule, path, fields, secret)
                return
        if rule is not None and rule.order == "any":
            self.unordered(old, new, path, fields, secret)
        elif not same(old, new):
            self.add("changed", path, fields, secret, old, new)

    def keyed(self, before: Keyed, after: Keyed, rule: ListIdentity, path: str, fields: Fields, secret: bool) -> None:
        moved = by_fallback(before, after, rule)
        for key, (label, item) in before.items():
            sub_path = f"{path}[{label}]"
            if key in after or key in moved:
                self.any(item, after[key if key in after else moved[key]][1], sub_path, fields, secret)
            else:
                self.add("removed", sub_path, fields, secret, old=item)
        paired_new = set(moved.values())
        for key, (label, item) in after.items():
            if key not in before and key not in paired_new:
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
