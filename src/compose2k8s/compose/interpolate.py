"""Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`,
`${VAR?e}`, `${VAR:+a}`, `${VAR+a}`, nested defaults and the `$$` escape.

>>> substitute("${A:-x${B:-y}}-$$A-$C", {"C": "c"})
'xy-$A-c'
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import InterpolationError
from ..limits import INTERPOLATED_BYTES, INTERPOLATION_DEPTH

_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_REFERENCE = re.compile(r"\$\{?([_A-Za-z][_A-Za-z0-9]*)")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")
class Substituted(dict):
    """Where interpolation changed a value: {dotted key: (variables named, value)}, so error
    messages can name the variables instead of printing what they hold; `total` counts the
    characters produced (bounded by INTERPOLATED_BYTES)."""

    total = 0


def _braced(text: str, start: int, env: Mapping[str, str], depth: int) -> tuple[str, int]:
    """Expand `${...}` whose body starts at `start`; return value and the index after `}`."""
    if depth > INTERPOLATION_DEPTH:
        raise InterpolationError(f"${{...}} expressions nest deeper than {INTERPOLATION_DEPTH} levels",
                                 hint="flatten the nested defaults")
    match = _NAME.match(text, start)
    if not match:
        raise InterpolationError(f"invalid interpolation format in '{text}'",
                                 hint="use ${NAME}, ${NAME:-default} or $$ for a literal $")
    name, pos = match.group(), match.end()
    if pos < len(text) and text[pos] == "}":
        return env.get(name, ""), pos + 1
    operator = next((op for op in _OPERATORS if text.startswith(op, pos)), None)
    if operator is None:
        raise InterpolationError(f"invalid interpolation format in '{text}'",
                                 hint="use ${NAME}, ${NAME:-default} or $$ for a literal $")
    argument, end = _expand(text, pos + len(operator), env, stop_at_brace=True, depth=depth)
    present = name in env
    non_empty = present and env[name] != ""
    if operator in (":-", "-"):
        value = env[name] if (non_empty if operator == ":-" else present) else argument
    elif operator in (":+", "+"):
        value = argument if (non_empty if operator == ":+" else present) else ""
    else:
        if not (non_empty if operator == ":?" else present):
            raise InterpolationError(
                f"required variable {name} is missing a value: {argument}".rstrip(": "),
                hint=f"set {name} in the environment or in .env")
        value = env[name]
    return value, end


def _expand(text: str, pos: int, env: Mapping[str, str], stop_at_brace: bool, depth: int = 0) -> tuple[str, int]:
    out: list[str] = []
    length = len(text)
    while pos < length:
        char = text[pos]
        if char == "}" and stop_at_brace:
            return "".join(out), pos + 1
        if char != "$":
            nxt = text.find("$", pos)
            if stop_at_brace:
                brace = text.find("}", pos)
                if brace != -1 and (nxt == -1 or brace < nxt):
                    nxt = brace
            if nxt == -1:
                out.append(text[pos:])
                pos = length
            else:
                out.append(text[pos:nxt])
                pos = nxt
            continue
        following = text[pos + 1] if pos + 1 < length else ""
        if following == "$":
            out.append("$")
            pos += 2
        elif following == "{":
            value, pos = _braced(text, pos + 2, env, depth + 1)
            out.append(value)
        else:
            match = _NAME.match(text, pos + 1)
            if match:
                out.append(env.get(match.group(), ""))
                pos = match.end()
            else:
                out.append("$")
                pos += 1
    if stop_at_brace:
        raise InterpolationError(f"invalid interpolation format in '{text}': missing '}}'",
                                 hint="close the ${...} expression")
    return "".join(out), pos


def substitute(text: str, env: Mapping[str, str]) -> str:
    """Expand one string."""
    if "$" not in text:
        return text
    return _expand(text, 0, env, stop_at_brace=False)[0]


def interpolate(value: Any, env: Mapping[str, str], path: tuple[str, ...] = (),
                substituted: Substituted | None = None) -> Any:
    """Expand every string in `value`; top-level `x-` extensions are left alone.

    Errors carry the key path so the caller can name the line; `substituted` collects
    where values changed.
    """
    if isinstance(value, str):
        try:
            result = substitute(value, env)
        except InterpolationError as exc:
            exc.key = ".".join(path)
            raise
        if substituted is not None and result != value:
            substituted[".".join(path)] = (tuple(dict.fromkeys(_REFERENCE.findall(value))), result)
            substituted.total += len(result)
            if substituted.total > INTERPOLATED_BYTES:
                raise InterpolationError(f"${{...}} expressions produce more than {INTERPOLATED_BYTES:,} characters",
                                         key=".".join(path), hint="a long variable is used in too many places")
        return result
    if isinstance(value, dict):  # strings without `$` are most values: kept without a call
        return {k: (v if (v.__class__ is str and "$" not in v) or (not path and isinstance(k, str)
                                                                    and k.startswith("x-"))
                    else interpolate(v, env, path + (str(k),), substituted))
                for k, v in value.items()}
    if isinstance(value, list):
        return [v if v.__class__ is str and "$" not in v else interpolate(v, env, path + (str(i),), substituted)
                for i, v in enumerate(value)]
    from .yamlio import Override, Reset  # local: tags are rare
    if isinstance(value, (Reset, Override)):
        return type(value)(interpolate(value.value, env, path, substituted))
    return value


def scrub(text: str, key: str | None, substituted: Substituted) -> str:
    """`text` with every value interpolation put at or under `key` replaced by the
    variables' names.

    >>> scrub("invalid value 's3cret'", "services.db.mem_limit", {"services.db.mem_limit": (("PW",), "s3cret")})
    "invalid value '<value of $PW>'"
    """
    if not key:
        return text
    for where, (names, value) in substituted.items():
        related = where == key or where.startswith(key + ".") or key.startswith(where + ".")
        if related and value and value in text:
            text = text.replace(value, "<value of " + ", ".join("$" + n for n in names) + ">")
    return text
