"""The bounds a YAML document must keep: nesting depth, entries per collection, and the size
it expands to through aliases (counted every time they are used), checked on the parsed
nodes before anything is constructed, so an alias bomb is refused in milliseconds.

>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\nb: [" + ", ".join(["*a"] * 20000) + "]"
>>> try:
...     check_expansion(yaml.compose(bomb))
... except ComposeError as exc:
...     print(exc.message)
YAML aliases expand 15 written values into 220,015
"""
from __future__ import annotations

import yaml

from ..errors import ComposeError
from ..limits import COLLECTION_ITEMS
from ..limits import YAML_DEPTH as MAX_DEPTH
from ..limits import YAML_EXPANDED_VALUES as MAX_EXPANDED_NODES

ALIAS_EXPANSION_FLOOR = 100_000  # below this, aliases may expand freely
ALIAS_EXPANSION_RATIO = 20  # above the floor: expanded values per written value
SCALAR_UNIT = 64  # a string counts as one value per this many characters


def too_deep(line: int | None = None, file: str | None = None) -> ComposeError:
    return ComposeError(f"nesting deeper than {MAX_DEPTH} levels", file=file, line=line,
                        hint="flatten the document; Compose files are never this deep")


def too_many(node: yaml.Node, what: str) -> ComposeError:
    return ComposeError(f"a {what} with more than {COLLECTION_ITEMS:,} entries", line=node.start_mark.line + 1,
                        hint="split the project; no real compose file comes near this")


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int, written: list[int]) -> int:
    """Values under `node` with aliases expanded (long strings weigh more); `written` adds up
    each node's own weight once."""
    if depth > MAX_DEPTH:
        raise too_deep(node.start_mark.line + 1)
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1 + len(node.value) // SCALAR_UNIT if isinstance(node, yaml.ScalarNode) else 1
    written[0] += size
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, depth + 1, written)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            size += _expanded_size(key, memo, depth + 1, written) + _expanded_size(value, memo, depth + 1, written)
    memo[id(node)] = size
    if size > MAX_EXPANDED_NODES:
        raise ComposeError(
            f"the document expands to more than {MAX_EXPANDED_NODES:,} values through YAML aliases",
            line=node.start_mark.line + 1,
            hint="this looks like an alias bomb; use fewer nested aliases")
    return size


def check_expansion(node: yaml.Node) -> None:
    memo: dict[int, int] = {}
    written = [0]
    total = _expanded_size(node, memo, 0, written)
    if total > ALIAS_EXPANSION_FLOOR and total > ALIAS_EXPANSION_RATIO * written[0]:
        raise ComposeError(
            f"YAML aliases expand {written[0]:,} written values into {total:,}",
            line=node.start_mark.line + 1,
            hint="this looks like an alias bomb; use fewer nested aliases")
