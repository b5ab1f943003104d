"""The decision tables in `mappings/*.yaml`, loaded once into frozen models.

>>> compose_keys().service["image"].status
'mapped'
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KeyStatus(_Frozen):
    status: Literal["mapped", "partial", "not_mapped"]
    to: str | None = None
    reason: str | None = None


class ComposeKeys(_Frozen):
    top_level: dict[str, KeyStatus]
    service: dict[str, KeyStatus]


@cache
def read_table(name: str) -> Any:
    """Parsed content of `mappings/<name>.yaml` shipped inside the package (read once; do not mutate)."""
    text = resources.files("compose2k8s").joinpath("mappings", f"{name}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def compose_keys() -> ComposeKeys:
    return ComposeKeys.model_validate(read_table("compose-keys"))
