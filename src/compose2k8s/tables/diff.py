"""How `diff` pairs list items (diff-identity) and what it sets aside before comparing
(diff-defaults)."""
from __future__ import annotations

from typing import Any, Literal

from .loader import Frozen, read_table


class ListIdentity(Frozen):
    """How `diff` pairs a list's items."""

    key: tuple[str, ...] = ()
    key_defaults: dict[str, Any] = {}
    order: Literal["any", "kept"] = "any"
    fallback: tuple[str, ...] = ()
    sole: bool = False


class DiffIdentity(Frozen):
    lists: dict[str, ListIdentity]


class DiffNoise(Frozen):
    """What `diff` sets aside before comparing."""

    server_set: tuple[str, ...]
    server_annotations: frozenset[str]
    server_labels: frozenset[str]
    server_finalizers: frozenset[str]
    assigned: tuple[str, ...]
    defaults: dict[str, Any]
    computed: dict[str, Literal["image-tag", "port", "policy-types"]]
    quantities: tuple[str, ...]


def diff_identity() -> DiffIdentity:
    return read_table("diff-identity", DiffIdentity)


def diff_noise() -> DiffNoise:
    return read_table("diff-defaults", DiffNoise)
