"""`.env` and `env_file` parsing with Compose's rules. Messages name the file, the line and
the variable, never a value: env files hold credentials.

>>> parse_dotenv('A=1\\nexport B="x\\\\ny" # c\\nC=\\'$A\\'\\nD=${A}2\\n', "f", {})
{'A': '1', 'B': 'x\\ny', 'C': '$A', 'D': '12'}
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import ComposeError, InterpolationError
from .interpolate import substitute

_KEY = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*(=|$)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def _double_quoted(body: str) -> str:
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in _ESCAPES:
            # keep `\$` escaped until interpolation has run
            out.append("$$" if body[i + 1] == "$" else _ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def parse_dotenv(text: str, file: str, lookup: Mapping[str, str]) -> dict[str, str | None]:
    """Parse KEY=VALUE lines; a bare KEY takes its value from `lookup` (None when unset)."""
    values: dict[str, str | None] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _KEY.match(line)
        if not match:
            raise ComposeError("cannot parse this line (not shown: it may hold a credential)", file=file,
                               line=index, hint="write KEY=VALUE, one per line")
        key = match.group(1)
        if match.group(2) != "=":
            values[key] = lookup.get(key)
            continue
        raw = line[match.end():].lstrip()
        quote = raw[:1]
        if quote in ("'", '"'):
            body = raw[1:]
            while quote not in body.replace("\\" + quote, "") and index < len(lines):
                body += "\n" + lines[index]  # multi-line quoted value
                index += 1
            end = _closing_quote(body, quote)
            if end is None:
                raise ComposeError(f"unterminated {quote} quote for {key}", file=file, line=index,
                                   hint="close the quote")
            body = body[:end]
            if quote == "'":
                values[key] = body
                continue
            raw = _double_quoted(body)
        else:
            raw = re.split(r"\s+#", raw, maxsplit=1)[0].rstrip()
        scope = {**lookup, **{k: v for k, v in values.items() if v is not None}}
        try:
            values[key] = substitute(raw, scope)
        except InterpolationError as exc:
            raise InterpolationError(f"the value of {key} has an invalid or failing ${{...}} expression "
                                     "(not shown: it may hold a credential)", file=file, line=index, key=key,
                                     hint=exc.hint) from None
    return values


def parse_raw(text: str, file: str, lookup: Mapping[str, str]) -> dict[str, str]:
    """`env_file` with `format: raw`, read as `docker run --env-file` reads it: each value is the
    rest of its line as written (no quotes, comments or `${}` handled); a bare KEY takes its
    value from `lookup` and is left out when unset.

    >>> parse_raw('  A="x" # y\\nB=${A} \\nC\\nD\\n', "f", {"C": "c"})
    {'A': '"x" # y', 'B': '${A} ', 'C': 'c'}
    """
    values: dict[str, str] = {}
    for index, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r").lstrip()
        if not line or line.startswith("#"):
            continue
        key, has_value, value = line.partition("=")
        if not key or " " in key or "\t" in key:
            raise ComposeError(f"invalid variable name '{key[:60]}'", file=file, line=index,
                               hint="write KEY=VALUE, one per line, with no space in KEY")
        if has_value:
            values[key] = value
        elif key in lookup:
            values[key] = lookup[key]
    return values


def _closing_quote(body: str, quote: str) -> int | None:
    i = 0
    while i < len(body):
        if body[i] == "\\" and quote == '"':
            i += 2
            continue
        if body[i] == quote:
            return i
        i += 1
    return None
