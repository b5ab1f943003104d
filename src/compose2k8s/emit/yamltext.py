"""Deterministic YAML text for Kubernetes objects: conventional key order, no nulls.

A small emitter for the shapes we write (mappings, sequences, strings, numbers, booleans):
plain scalars only when a YAML 1.1 reader (kubectl's) reads them back as the same string,
double-quoted otherwise, literal blocks for multi-line text. Several times faster than
PyYAML's representer, which dominated conversion time on large stacks.

>>> print(dump({"spec": {"a": "yes", "b": [1, "x: y"]}, "kind": "X", "apiVersion": "v1"}), end="")
apiVersion: v1
kind: X
spec:
  a: "yes"
  b:
  - 1
  - "x: y"
"""
from __future__ import annotations

import json
import re
from typing import Any

import yaml

_FIRST = ("apiVersion", "kind", "metadata", "type", "spec", "data", "stringData", "binaryData")
_PLAIN_CHARS = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
_INDICATORS = set("!&*[]{}|>'\"%@`#,?:-")
# go-yaml v2 (kubectl's parser) reads these as booleans; PyYAML's resolver misses y/n
_GO_YAML_BOOLS = {"y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                  "true", "True", "TRUE", "false", "False", "FALSE"}
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_PRINTABLE = re.compile(r"^[\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*$")


def _plain_ok(text: str) -> bool:
    """Can `text` be written unquoted in block context and read back as this same string?"""
    if text in _GO_YAML_BOOLS or not _PLAIN_CHARS.fullmatch(text) or ": " in text or " #" in text \
            or text.endswith(":"):
        return False
    if any(c in "[]{},`\"'" for c in text):
        return False
    first = text[0]
    if first in _INDICATORS and not (first in "-:?" and len(text) > 1 and text[1] != " " and first != "?"):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


_CACHE: dict[str, str] = {}  # text -> how it is written; the one cache of the emitter's hot path


def _scalar(value: Any) -> str:
    if value.__class__ is str:
        text = _CACHE.get(value)
        if text is None:
            text = value if _plain_ok(value) else json.dumps(value, ensure_ascii=False)
            if len(_CACHE) < 200_000:
                _CACHE[value] = text
        return text
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _literal(text: str, indent: int) -> list[str] | None:
    """Lines of a `|` block for `text`, or None when a block cannot hold it exactly."""
    if "\n" not in text or text.startswith((" ", "\n")) or not _PRINTABLE.match(text) or "\t" in text:
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    header = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    pad = " " * indent
    lines = [header] + [(pad + line) if line else "" for line in body.split("\n")]
    if trailing > 1:
        lines += [""] * (trailing - 1)
    if any(line != line.rstrip(" ") for line in lines[1:]):
        return None
    return lines


def _leaf(prefix: str, item: Any, indent: int, out: list[str]) -> None:
    """A scalar after `prefix` ("key: " or "- "), as a literal block when it is multi-line text."""
    block = _literal(item, indent + 2) if isinstance(item, str) else None
    if block:
        out.append(prefix + block[0])
        out.extend(block[1:])
    else:
        out.append(prefix + _scalar(item))


def _mapping(value: dict, indent: int, out: list[str], prune: bool) -> None:
    """Lines of a block mapping; with `prune`, None, [] and {} values (also those that become
    empty once pruned) are left out, except `emptyDir: {}`, which means something."""
    pad = " " * indent
    known = _CACHE.get  # the hot path: keys and most values were written before
    for key, item in value.items():
        key_text = known(key) or _scalar(key)
        kind = item.__class__
        if kind is str and "\n" not in item:
            out.append(f"{pad}{key_text}: {known(item) or _scalar(item)}")
        elif kind is dict:
            if item:
                mark = len(out)
                out.append(f"{pad}{key_text}:")
                _mapping(item, indent + 2, out, prune)
                if len(out) > mark + 1:
                    continue
                del out[mark:]
            if not prune or key == "emptyDir":
                out.append(f"{pad}{key_text}: {{}}")
        elif kind is list:
            if item:
                out.append(f"{pad}{key_text}:")
                _sequence(item, indent, out, prune)
            elif not prune:
                out.append(f"{pad}{key_text}: []")
        elif kind is int or kind is bool:
            out.append(f"{pad}{key_text}: {_scalar(item)}")
        elif item is not None or not prune:
            _leaf(f"{pad}{key_text}: ", item, indent, out)


def _sequence(value: list, indent: int, out: list[str], prune: bool) -> None:
    """Lines of a block sequence; items are kept (pruning applies inside them)."""
    pad = " " * indent
    for item in value:
        kind = item.__class__
        if kind is str and "\n" not in item:
            out.append(f"{pad}- {_CACHE.get(item) or _scalar(item)}")
        elif kind is dict and item:
            start = len(out)
            _mapping(item, indent + 2, out, prune)
            if len(out) == start:
                out.append(f"{pad}- {{}}")
            else:
                out[start] = pad + "- " + out[start][indent + 2:]
        elif kind is list and item:
            out.append(pad + "-")
            _sequence(item, indent + 2, out, prune)
        elif kind is dict or kind is list:
            out.append(f"{pad}- {'{}' if kind is dict else '[]'}")
        elif kind is int:
            out.append(f"{pad}- {item}")
        else:
            _leaf(f"{pad}- ", item, indent, out)


def dump(obj: dict[str, Any]) -> str:
    """One object as YAML text (top-level keys in the conventional order, empty fields dropped)."""
    out: list[str] = []
    first = {key: obj[key] for key in _FIRST if key in obj}
    _mapping(first | obj if first else obj, 0, out, prune=True)
    return "\n".join(out) + "\n"


def dump_value(value: Any) -> str:
    """Any mapping or sequence as YAML text, as given (no pruning or reordering)."""
    out: list[str] = []
    if isinstance(value, list):
        _sequence(value, 0, out, prune=False)
    else:
        _mapping(value, 0, out, prune=False)
    return "\n".join(out) + "\n"
