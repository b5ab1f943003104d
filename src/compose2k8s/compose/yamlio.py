"""Safe YAML loading with Compose's rules.

Duplicate keys are refused, `!reset` / `!override` tags are kept as markers, and the
expanded size of a document (aliases counted every time they are used) is bounded
before anything is constructed (yaml_bounds.py), so an alias bomb is refused in milliseconds.

>>> load_documents("a: &x [1, 2]\\nb: *x\\n", "f.yml")
[{'a': [1, 2], 'b': [1, 2]}]
"""
from __future__ import annotations

import gc
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import ComposeError
from ..limits import COLLECTION_ITEMS
from ..limits import YAML_DEPTH as MAX_DEPTH
from ..limits import YAML_INPUT_BYTES as MAX_INPUT_BYTES
from .yaml_bounds import check_expansion, too_deep, too_many

try:  # libyaml when present: several times faster on big files
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the pyyaml build
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]


@dataclass(frozen=True)
class Reset:
    """A value tagged `!reset`: the merged result drops what earlier files set."""

    value: Any = None


@dataclass(frozen=True)
class Override:
    """A value tagged `!override`: replaces earlier files' value instead of merging."""

    value: Any = None


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_SPECIAL_KEY_TAGS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}
_NON_STRING_KEY_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                        "tag:yaml.org,2002:null"}


class ComposeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader with YAML 1.2 scalars that refuses duplicate and non-string keys and
    bounds alias expansion."""

    yaml_implicit_resolvers: dict = {}

    may_alias = True  # False when the text has no `&`: no anchors, so nothing to expand
    depth = 0

    def construct_document(self, node: yaml.Node) -> Any:
        if self.may_alias:
            check_expansion(node)
        return super().construct_document(node)

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """PyYAML's resolver without the path resolvers we never register (it runs once per
        scalar, so it is a hot spot on big files)."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.__class__ is yaml.ScalarNode:
            if node.tag == _STR_TAG:
                return node.value  # what construct_yaml_str returns, without the bookkeeping
            return super().construct_object(node, deep=deep)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise too_deep(node.start_mark.line + 1)
            return super().construct_object(node, deep=deep)
        finally:
            self.depth -= 1

    def construct_sequence(self, node: yaml.Node, deep: bool = False) -> list:
        if isinstance(node, yaml.SequenceNode) and len(node.value) > COLLECTION_ITEMS:
            raise too_many(node, "list")
        return super().construct_sequence(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=True)  # PyYAML's error
        if len(node.value) > COLLECTION_ITEMS:
            raise too_many(node, "mapping")
        seen: dict[Any, int] = {}
        special = False
        for key_node, _ in node.value:
            if key_node.tag in _SPECIAL_KEY_TAGS:
                special = True
                continue
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key_node.tag in _NON_STRING_KEY_TAGS:
                    raise ComposeError(
                        f"non-string key {key!r}", line=key_node.start_mark.line + 1, key=str(key),
                        hint=f'quote it: "{key}"')
                if key in seen:
                    raise ComposeError(
                        f"duplicate key '{key}' (first at line {seen[key]})",
                        line=key_node.start_mark.line + 1, key=str(key),
                        hint="remove one of the two; Compose refuses duplicate keys")
                seen[key] = key_node.start_mark.line + 1
        if special:
            self.flatten_mapping(node)  # `<<` merge keys (and `=`), as PyYAML does them
        mapping = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key.__class__ is not str and not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark,
                                                        "found unhashable key", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping


def _construct_reset(loader: ComposeLoader, node: yaml.Node) -> Reset:
    return Reset(_construct_any(loader, node))


def _construct_override(loader: ComposeLoader, node: yaml.Node) -> Override:
    return Override(_construct_any(loader, node))


def _construct_any(loader: ComposeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    value = loader.construct_scalar(node)
    return None if value in ("", "null", "~") and node.style is None else value


def _yaml_12_resolvers() -> None:
    """Resolve plain scalars as YAML 1.2 (what Docker Compose's parser uses).

    PyYAML follows YAML 1.1, where `80:80` is a base-60 number and `yes`/`on` are
    booleans; in Compose they are strings.
    """
    import re
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        ComposeLoader.yaml_implicit_resolvers[first] = [
            (tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    ComposeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    ComposeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"))
    ComposeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))


_yaml_12_resolvers()


def _construct_int(loader: ComposeLoader, node: yaml.ScalarNode) -> int:
    """YAML 1.2 integers, plus 1.1 octals like `0440` that Compose's parser still reads."""
    text = node.value
    if text.startswith(("0o", "0x")):
        return int(text, 0)
    if len(text) > 1 and text.startswith("0") and text.isdigit() and set(text) <= set("01234567"):
        return int(text, 8)
    return int(text)


ComposeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
ComposeLoader.add_constructor("!reset", _construct_reset)
ComposeLoader.add_constructor("!override", _construct_override)


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_INPUT_BYTES:
        raise ComposeError(f"file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB", file=file,
                           hint="split it with include: or -f files")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ComposeError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", file=file, line=line,
                           hint="save the file as UTF-8") from None


def load_documents(text: str | bytes, file: str) -> list[Any]:
    """Parse every YAML document of `text`; errors name `file` and the line."""
    if isinstance(text, bytes):
        text = _decode(text, file)
    loader = ComposeLoader(text)
    loader.may_alias = "&" in text
    collecting = gc.isenabled()
    gc.disable()  # building a big document makes no cycles; collections would only rescan it (3-5x slower)
    try:
        docs = []
        while loader.check_data():
            docs.append(loader.get_data())
        return docs
    except ComposeError as exc:
        exc.file = file
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ComposeError(f"invalid YAML: {exc.problem or exc.context}", file=file, line=line,
                           hint="check indentation and quoting around that line") from None
    except yaml.YAMLError as exc:
        raise ComposeError(f"invalid YAML: {exc}", file=file, hint="check the file's syntax") from None
    except RecursionError:
        raise too_deep(file=file) from None
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def locate(text: str, path: tuple[str, ...]) -> int | None:
    """Line (1-based) of the deepest key of `path` found in `text`, for error messages.

    >>> locate("services:\\n  web:\\n    image: x\\n", ("services", "web", "image"))
    3
    """
    try:
        node = yaml.compose(text, Loader=_BaseLoader)  # libyaml when present: a big file in ms, not seconds
    except yaml.YAMLError:
        return None
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value
                          if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if not found:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and str(part).isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line
