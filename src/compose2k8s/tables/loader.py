"""Read a decision table, `mappings/<name>.yaml`, once into its frozen model.

>>> from compose2k8s.tables.images import HelperImages
>>> read_table("helper-images", HelperImages).busybox
'busybox:1.36.1'
"""
from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict


class Frozen(BaseModel):
    """The base of every table model: immutable, and no key the model does not name."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


T = TypeVar("T", bound=Frozen)


def _case_insensitive(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a regular expression: {exc}") from None


# A table's regular expression, matched case-insensitively (`pattern.search(text)`), checked on load.
CaseInsensitivePattern = Annotated[re.Pattern[str], BeforeValidator(_case_insensitive)]


def _parsed(name: str) -> Any:
    text = resources.files("compose2k8s").joinpath("mappings", f"{name}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _validated(name: str, model: type[Frozen]) -> Frozen:
    return model.model_validate(_parsed(name))


def read_table(name: str, model: type[T]) -> T:
    """`mappings/<name>.yaml` validated against `model`, read once per process."""
    loaded = _validated(name, model)
    assert isinstance(loaded, model)
    return loaded
