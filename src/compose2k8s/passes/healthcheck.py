"""Reading a healthcheck command: argv, shell text, and what kind of check it is.

>>> classify(["CMD", "curl", "-f", "http://localhost:8000/health"])
('http', {'scheme': 'HTTP', 'host': 'localhost', 'port': 8000, 'path': '/health'})
>>> classify(["CMD-SHELL", "nc -z 127.0.0.1 5432"])
('tcp', {'host': '127.0.0.1', 'port': 5432})
"""
from __future__ import annotations

import re
import shlex
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..mappings import read_table

_SHELL_CONTROL = re.compile(r"[|&;<>`$()]")


@cache
def rules() -> dict[str, Any]:
    return read_table("probe-rules")


def argv(test: list[str]) -> tuple[list[str], str | None]:
    """(argv, shell text): CMD gives argv; CMD-SHELL gives ["sh", "-c", text] and the text."""
    if not test:
        return [], None
    if test[0] == "CMD":
        return list(test[1:]), None
    if test[0] == "CMD-SHELL":
        text = " ".join(test[1:])
        return ["sh", "-c", text], text
    return list(test), None


def simple_words(test: list[str]) -> list[str] | None:
    """The words of a check that is one plain command, else None."""
    words, shell = argv(test)
    if shell is None:
        return words
    if _SHELL_CONTROL.search(shell.replace("||", " OR ").replace("exit 1", "")):
        return None
    try:
        parts = shlex.split(shell.split(" OR ")[0] if " OR " in shell else shell.split("||")[0])
    except ValueError:
        return None
    return parts


def _url(words: list[str]) -> str | None:
    return next((w for w in words if re.match(r"^https?://", w)), None)


def classify(test: list[str]) -> tuple[str, dict[str, Any]]:
    """('http'|'tcp'|'exec', details) for a healthcheck `test`. The details are shared
    between equal tests (stacks repeat a few checks many times): read them, never change them."""
    return _classify(tuple(test))


def _split(url: str) -> Any:
    """The parts of a URL, or None when its port is not a port (the check then runs as written)."""
    try:
        parts = urlsplit(url)
        return parts if parts.port is None or parts.port > 0 else None
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _classify(test: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    words = simple_words(list(test))
    table = rules()
    if words:
        tool = words[0].rsplit("/", 1)[-1]
        if tool in table["http_clients"]:
            url = _url(words)
            parts = _split(url) if url else None
            if parts:
                if parts.hostname in [h.strip("[]") for h in table["local_hosts"]] and not parts.username:
                    scheme = parts.scheme.upper()
                    port = parts.port or (443 if scheme == "HTTPS" else 80)
                    path = parts.path or "/"
                    if parts.query:
                        path += "?" + parts.query
                    return "http", {"scheme": scheme, "host": parts.hostname, "port": port, "path": path}
        if tool in table["tcp_clients"] and "-z" in " ".join(words):
            rest = [w for w in words[1:] if not w.startswith("-")]
            if len(rest) >= 2 and rest[0] in table["local_hosts"] and rest[1].isdigit() and 0 < int(rest[1]) < 65536:
                return "tcp", {"host": rest[0], "port": int(rest[1])}
    return "exec", {"command": argv(list(test))[0]}
