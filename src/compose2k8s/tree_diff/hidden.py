"""Secret values never reach a diff report: Secret data, env values and ConfigMap entries
whose names look secret (mappings/secret-env-names.yaml), and URLs carrying a password are
shown as `HIDDEN`.

>>> scrub("Secret", (), {"data": {"password": "c2VjcmV0"}, "type": "Opaque"})
{'data': {'password': '(secret, not shown)'}, 'type': 'Opaque'}
>>> scrub("Deployment", ("spec", "template", "spec", "containers", "env"), {"name": "DB_PASSWORD", "value": "pw"})
{'name': 'DB_PASSWORD', 'value': '(secret, not shown)'}
"""
from __future__ import annotations

from typing import Any

from ..analysis.secret_names import looks_secret
from .patterns import Fields


class Hidden(str):
    """The text shown instead of a secret value."""


HIDDEN = Hidden("(secret, not shown)")
_SECRET_MAPS = ("data", "stringData")


def secret_subtree(kind: str, fields: Fields, key: str, parents: tuple[dict[str, Any], ...]) -> bool:
    """Is everything under `key` secret? `parents`: the mapping(s) holding `key` at `fields`."""
    if kind == "Secret" and not fields:
        return key in _SECRET_MAPS
    if kind == "ConfigMap" and fields == ("data",):
        return any(looks_secret(key, _text(p.get(key))) for p in parents)
    if fields[-1:] == ("env",) and key == "value":
        return any(looks_secret(str(p.get("name", "")), _text(p.get("value"))) for p in parents)
    return False


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def scrub(kind: str, fields: Fields, value: Any) -> Any:
    """`value` (found at `fields` of a `kind` object) with every secret part replaced by HIDDEN."""
    if isinstance(value, dict):
        return {k: hide(v) if secret_subtree(kind, fields, k, (value,)) else scrub(kind, (*fields, k), v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(kind, fields, item) for item in value]
    if isinstance(value, str) and looks_secret("", value):
        return HIDDEN
    return value


def hide(value: Any) -> Any:
    """HIDDEN for a value, or for each entry of a map (its keys stay readable)."""
    return {k: HIDDEN for k in value} if isinstance(value, dict) else HIDDEN
