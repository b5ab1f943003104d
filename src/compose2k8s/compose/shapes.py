"""The shapes a compose value may take: the error for a wrong one, lists and mappings read
leniently, and the type each service key allows (mappings/compose-key-types.yaml).

>>> string_list("80"), string_list(None), kind_name([1])
(['80'], [], 'list')
"""
from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import ComposeError
from ..tables.keys import compose_key_types
from .yamlio import Override, Reset


def bad(message: str, key: str, hint: str) -> ComposeError:
    return ComposeError(message, key=key, hint=hint)


def kind_name(value: Any) -> str:
    """A value's type as the YAML reader names it, for messages."""
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "value")


def mapping(value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping, not {type(value).__name__}")
    return value


def text_list(value: Any) -> list[str]:
    """A list of strings (numbers written as text)."""
    if not isinstance(value, list):
        raise ValueError(f"expected a list, not {type(value).__name__}")
    return [str(v) for v in value]


def string_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


_YAML_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "number": (int, float), "integer": (int,), "boolean": (bool,), "list": (list,),
    "mapping": (dict,)}


@cache
def _key_types() -> dict[str, tuple[tuple[type, ...], bool, str]]:
    """Per service key: the Python types allowed, whether booleans are, and their names."""
    table = compose_key_types().service
    return {key: (tuple(t for kind in kinds for t in _YAML_TYPES[kind]), "boolean" in kinds,
                  ("an " if kinds[0][0] in "aeiou" else "a ") + " or ".join(kinds))
            for key, kinds in table.items()}


def check_types(svc: dict[str, Any], key: str) -> None:
    """Each key's value has a type the Compose specification allows (mappings/compose-key-types.yaml);
    the reference's wording: "services.web.runtime must be a string"."""
    allowed = _key_types()
    for field, value in svc.items():
        rule = allowed.get(field)
        if value.__class__ in (Reset, Override):
            value = value.value
        if rule is None or value is None:
            continue
        types, booleans, names = rule
        if not isinstance(value, types) or (value.__class__ is bool and not booleans):
            raise bad(f"must be {names}", f"{key}.{field}",
                      f"see the Compose specification for the forms {field} takes")
