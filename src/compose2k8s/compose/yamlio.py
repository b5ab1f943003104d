"""Safe YAML loading with Compose's rules.

Duplicate keys are refused, `!reset` / `!override` tags are kept as markers, and the
expanded size of a document (aliases counted every time they are used) is bounded
before anything is constructed, so an alias bomb is refused in milliseconds.

>>> load_documents("a: &x [1, 2]\\nb: *x\\n", "f.yml")
[{'a': [1, 2], 'b': [1, 2]}]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import ComposeError

try:  # libyaml when present: several times faster on big files
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the pyyaml build
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]

MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 200
MAX_INPUT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Reset:
    """A value tagged `!reset`: the merged result drops what earlier files set."""

    value: Any = None


@dataclass(frozen=True)
class Override:
    """A value tagged `!override`: replaces earlier files' value instead of merging."""

    value: Any = None


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int) -> int:
    if depth > MAX_DEPTH:
        raise ComposeError(f"nesting deeper than {MAX_DEPTH} levels",
                           line=node.start_mark.line + 1,
                           hint="flatten the document; Compose files are never this deep")
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, depth + 1)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            size += _expanded_size(key, memo, depth + 1) + _expanded_size(value, memo, depth + 1)
    memo[id(node)] = size
    if size > MAX_EXPANDED_NODES:
        raise ComposeError(
            f"the document expands to more than {MAX_EXPANDED_NODES:,} values through YAML aliases",
            line=node.start_mark.line + 1,
            hint="this looks like an alias bomb; use fewer nested aliases")
    return size


class ComposeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader that refuses duplicate keys and bounds alias expansion."""

    def construct_document(self, node: yaml.Node) -> Any:
        _expanded_size(node, {}, 0)
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key in seen:
                    raise ComposeError(
                        f"duplicate key '{key}' (first at line {seen[key]})",
                        line=key_node.start_mark.line + 1, key=str(key),
                        hint="remove one of the two; Compose refuses duplicate keys")
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=True)


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
        raise ComposeError(f"nesting deeper than {MAX_DEPTH} levels", file=file,
                           hint="flatten the document") from None
    finally:
        loader.dispose()


def locate(text: str, path: tuple[str, ...]) -> int | None:
    """Line (1-based) of the deepest key of `path` found in `text`, for error messages.

    >>> locate("services:\\n  web:\\n    image: x\\n", ("services", "web", "image"))
    3
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
