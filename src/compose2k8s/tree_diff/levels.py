"""deepdiff's levels in our terms: the way down to a change (`steps`), and the list matching
deepdiff asks for while it walks (`Lists`: its `iterable_compare_func` and `ignore_order_func`).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from deepdiff.helper import CannotCompare
from deepdiff.model import DiffLevel

from .identity import Matching, list_rule, matching
from .patterns import Fields


def steps(level: DiffLevel) -> Iterator[tuple[DiffLevel, DiffLevel, Any]]:
    """(container, child, key or index) from the root of a deepdiff change down to `level`."""
    node = level.all_up
    while node is not level:
        relation = node.t1_child_rel or node.t2_child_rel
        yield node, node.down, relation.param
        node = node.down


def is_list(level: DiffLevel) -> bool:
    return isinstance(level.t1, list) and isinstance(level.t2, list)


@dataclass
class Lists:
    """The `Matching` of each pair of lists deepdiff meets in one `kind` object, worked out once."""

    kind: str
    found: dict[tuple[int, int], Matching] = field(default_factory=dict)
    keyed: list[DiffLevel] = field(default_factory=list)  # lists whose items pair by identity

    def of(self, level: DiffLevel, fields: Fields | None = None) -> Matching:
        """The matching of the lists at `level` (`fields`: its mapping keys, when known)."""
        key = (id(level.t1), id(level.t2))
        known = self.found.get(key)
        if known is None:
            if fields is None:
                fields = tuple(param for node, _, param in steps(level) if not is_list(node))
            known = self.found[key] = matching(list_rule(self.kind, fields), level.t1, level.t2)
            if known.mode == "keyed":
                self.keyed.append(level)
        return known

    def is_set(self, level: DiffLevel) -> bool:
        """deepdiff's `ignore_order_func`: is order meaningless in this list?"""
        return self.of(level).mode == "set"

    def same_item(self, old: Any, new: Any, level: DiffLevel) -> bool:
        """deepdiff's `iterable_compare_func`: are these the same item (by identity)?"""
        found = self.of(level)
        if found.mode != "keyed":
            raise CannotCompare  # deepdiff compares the lists in order; a change is one of the whole list
        return (id(old), id(new)) in found.pairs
