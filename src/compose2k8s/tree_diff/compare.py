"""Compare two cleaned objects with deepdiff and say each difference under an identity path.

deepdiff walks both objects and finds the differences; the identity table tells it which list
items pair (`iterable_compare_func`) and which lists are sets (`ignore_order_func`, see
levels.py). Each change it reports (`view="tree"`) is followed down from the root: a mapping
key adds `.key` to the path, a list item its identity (`[8080/TCP]`), and a change inside a
list whose order counts (argv) is a change of that whole list. Ours, on top: a field only one
side has is weighed against the API's default and the label scheme (`OneSided`, `Implied`),
the moves deepdiff reports in an `order: kept` list become one `reordered` change, and two
quirks of deepdiff are undone (see `_Report.add` and `_Report.duplicates`).

>>> old = {"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}]}}
>>> new = {"spec": {"ports": [{"port": 443, "name": "https"}, {"port": 80, "name": "web"}]}}
>>> [c.line() for c in compare("Service", old, new)]
['  spec.ports[80/TCP].name: http → web']
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from deepdiff import DeepDiff
from deepdiff.helper import notpresent
from deepdiff.model import DiffLevel

from .change import Change, ChangeKind
from .hidden import hide, scrub, secret_subtree
from .labels import key_by_key
from .levels import Lists, is_list, steps
from .noise import NOT_SET
from .patterns import Fields

# (fields of a mapping, key, True when OLD is the side that has the key) → leave it out?
OneSided = Callable[[Fields, str, bool], bool]
# (fields of a field, the mapping that lacks it) → the value it has there anyway, or NOT_SET
Implied = Callable[[Fields, dict[str, Any]], Any]
_ORDER = {"removed": 0, "changed": 1, "added": 2, "reordered": 3}


def compare(kind: str, old: dict[str, Any], new: dict[str, Any], one_sided: OneSided | None = None,
            implied: Implied | None = None) -> list[Change]:
    """Every difference between `old` and `new` (both cleaned), sorted by path.

    `one_sided` says which fields only one side has are not differences; `implied` gives the
    default a field left out has, so `protocol: TCP → UDP` reads as a change, not an addition.
    """
    lists = Lists(kind)
    found = DeepDiff(old, new, view="tree", iterable_compare_func=lists.same_item, ignore_order_func=lists.is_set,
                     threshold_to_diff_deeper=0,  # always say which keys of a mapping changed
                     cutoff_intersection_for_pairs=0)  # an item of a set is removed or added whole
    report = _Report(kind, lists, one_sided or (lambda fields, key, in_old: False),
                     implied or (lambda fields, siblings: NOT_SET))
    for report_type, levels in found.items():
        for level in levels:
            report.add(report_type, level)
    report.duplicates()
    return sorted(report.changes, key=lambda c: (c.path, _ORDER[c.change]))


@dataclass(frozen=True)
class _Spot:
    """Where a change deepdiff reports is, in our terms."""

    path: str
    fields: Fields  # mapping keys from the root, without list positions
    secret: bool  # under a secret value: shown as HIDDEN
    whole: DiffLevel | None = None  # the list, compared as a whole, that holds the change


@dataclass
class _Report:
    """deepdiff's changes (tree view) as `Change`s."""

    kind: str
    lists: Lists
    one_sided: OneSided
    implied: Implied
    changes: list[Change] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # paths of whole lists and reorders already reported
    added: set[int] = field(default_factory=set)  # ids of the list items reported added

    def add(self, report_type: str, level: DiffLevel) -> None:
        """One change deepdiff reports, as a `Change` (or none, or several)."""
        if report_type == "iterable_item_moved":
            self.moved(level.up)
            return
        spot = self.locate(level)
        if spot.whole is not None:
            self.whole(spot)
        elif report_type in ("dictionary_item_added", "dictionary_item_removed"):
            in_old = report_type == "dictionary_item_removed"
            holder, other = (level.t1, level.up.t2) if in_old else (level.t2, level.up.t1)
            self.one_side(holder, other, in_old, spot)
        elif is_list(level.up):
            # An item of a keyed list or a set, removed or added. deepdiff merges a removal and an
            # addition at the same index into one `values_changed`
            # (TreeResult.mutual_add_removes_to_become_value_changes): both are reported.
            if level.t1 is not notpresent:
                self.item("removed", level.up, level.t1)
            if level.t2 is not notpresent:
                self.item("added", level.up, level.t2)
        else:  # values_changed, type_changes
            self.put("changed", spot, level.t1, level.t2)

    def duplicates(self) -> None:
        """deepdiff leaves out a NEW item equal to one it paired (its `_get_matching_pairs`
        compares leftovers by hash), so a duplicate such as `env[A#2]` is reported here."""
        for level in self.lists.keyed:
            paired = {new for _, new in self.lists.of(level).pairs}
            for item in level.t2:
                if id(item) not in paired and id(item) not in self.added:
                    self.item("added", level, item)

    def locate(self, level: DiffLevel) -> _Spot:
        path, fields, secret = "", (), False
        for node, child, param in steps(level):
            if is_list(node):
                found = self.lists.of(node, fields)
                if found.mode == "whole":
                    return _Spot(path, fields, secret, node)
                path += f"[{found.label(child.t1 if child.t1 is not notpresent else child.t2)}]"
            else:
                holders = tuple(m for m in (node.t1, node.t2) if isinstance(m, dict) and param in m)
                secret = secret or secret_subtree(self.kind, fields, param, holders)
                fields = (*fields, param)
                path = f"{path}.{param}" if path else str(param)
        return _Spot(path, fields, secret)

    def item(self, change: ChangeKind, parent: DiffLevel, item: Any) -> None:
        """An item of the list at `parent` removed or added."""
        spot = self.locate(parent)
        if spot.whole is not None:
            self.whole(spot)
            return
        spot = replace(spot, path=f"{spot.path}[{self.lists.of(parent).label(item)}]")
        if change == "added":
            self.added.add(id(item))
            self.put("added", spot, new=item)
        else:
            self.put("removed", spot, old=item)

    def whole(self, spot: _Spot) -> None:
        """A change inside a list whose order counts: the whole list changed, said once."""
        if spot.whole is not None and spot.path not in self.seen:
            self.seen.add(spot.path)
            self.put("changed", spot, spot.whole.t1, spot.whole.t2)

    def moved(self, parent: DiffLevel) -> None:
        """Items of an `order: kept` list moved: reported once, if their order changed."""
        found = self.lists.of(parent)
        old, new = found.order
        if found.kept and old != new:
            spot = self.locate(parent)
            if spot.path not in self.seen:
                self.seen.add(spot.path)
                self.changes.append(Change("reordered", spot.path, list(old), list(new)))

    def one_side(self, value: Any, other: dict[str, Any], in_old: bool, spot: _Spot) -> None:
        """A field only one side has: left out (`one_sided`), split key by key (labels,
        annotations, selectors), or a change from (or to) the default the other side has."""
        if self.one_sided(spot.fields[:-1], spot.fields[-1], in_old):
            return
        if key_by_key(self.kind, spot.fields) and isinstance(value, dict):
            for key, item in value.items():
                secret = spot.secret or secret_subtree(self.kind, spot.fields, key, (value,))
                self.one_side(item, {}, in_old, _Spot(f"{spot.path}.{key}", (*spot.fields, key), secret))
            return
        default = self.implied(spot.fields, other)
        if default is NOT_SET or isinstance(value, (dict, list)):
            if in_old:
                self.put("removed", spot, old=value)
            else:
                self.put("added", spot, new=value)
        elif in_old:
            self.put("changed", spot, value, default, default="new")
        else:
            self.put("changed", spot, default, value, default="old")

    def put(self, change: ChangeKind, spot: _Spot, old: Any = None, new: Any = None,
            default: Literal["old", "new", None] = None) -> None:
        show = hide if spot.secret else (lambda v: scrub(self.kind, spot.fields, v))
        self.changes.append(Change(change, spot.path, show(old) if change != "added" else None,
                                   show(new) if change != "removed" else None, default))
