"""What each compose key and Kompose label becomes (compose-keys, kompose-labels) and the
YAML types a service key accepts (compose-key-types).

>>> compose_keys().service["image"].status
'mapped'
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .loader import Frozen, read_table

YamlType = Literal["string", "number", "integer", "boolean", "list", "mapping"]


class ComposeKeyTypes(Frozen):
    service: dict[str, tuple[YamlType, ...]]


class KeyStatus(Frozen):
    status: Literal["mapped", "partial", "not_mapped"]
    to: str | None = None
    reason: str | None = None
    owner: str = Field(alias="pass")  # the module that maps or reports the key


class ComposeKeys(Frozen):
    top_level: dict[str, KeyStatus]
    service: dict[str, KeyStatus]


class KomposeLabel(KeyStatus):
    read_from: tuple[Literal["service", "deploy", "volume"], ...] = ("service",)  # where the label is read


class KomposeLabels(Frozen):
    labels: dict[str, KomposeLabel]


def compose_keys() -> ComposeKeys:
    return read_table("compose-keys", ComposeKeys)


def kompose_labels() -> dict[str, KomposeLabel]:
    return read_table("kompose-labels", KomposeLabels).labels


def compose_key_types() -> ComposeKeyTypes:
    return read_table("compose-key-types", ComposeKeyTypes)
