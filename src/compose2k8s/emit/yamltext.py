"""Deterministic YAML text for Kubernetes objects: conventional key order, no nulls.

>>> print(dump({"spec": {}, "kind": "X", "apiVersion": "v1", "metadata": {"name": "a"}}), end="")
apiVersion: v1
kind: X
metadata:
  name: a
"""
from __future__ import annotations

from typing import Any

import yaml

_FIRST = ("apiVersion", "kind", "metadata", "type", "spec", "data", "stringData", "binaryData")
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Literal(str):
    """A multi-line string written as a `|` block."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")


class _Out(_Dumper):  # type: ignore[misc,valid-type]
    pass


_Out.add_representer(_Literal, _literal)


def _prune(value: Any, top: bool = False) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        if top:
            keys = [k for k in _FIRST if k in value] + [k for k in keys if k not in _FIRST]
        out = {}
        for key in keys:
            item = _prune(value[key])
            if item is None or (item == {} and key != "emptyDir") or (item == [] and key not in ("args",)):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_prune(v) for v in value]
    if isinstance(value, str) and "\n" in value and not any(c in value for c in "\t\r") \
            and not value.startswith((" ", "\n")) and value == value.rstrip(" "):
        return _Literal(value)
    return value


def dump(obj: dict[str, Any]) -> str:
    return yaml.dump(_prune(obj, top=True), Dumper=_Out, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=120)


def dump_all(objects: list[dict[str, Any]]) -> str:
    return "---\n".join(dump(o) for o in objects)
