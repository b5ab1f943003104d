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

from ..tables.probes import probe_rules

_SHELL_CONTROL = re.compile(r"[|&;<>`$()]")


@cache
def _local_url(schemes: str = "https?") -> re.Pattern[str]:
    """<scheme>://<a local host>[:port] (groups: scheme, host, port)."""
    hosts = "|".join(re.escape(h) for h in probe_rules().local_hosts)
    return re.compile(rf"({schemes})://({hosts})(?::(\d+))?")


def retarget_local_urls(text: str, host: str, ports: set[int]) -> str | None:
    """`text` with every http(s)://localhost[:PORT] URL pointed at `host`; None when a URL's
    port is not in `ports` or there is no such URL.

    >>> retarget_local_urls("curl -f http://localhost:8080/health", "api", {8080})
    'curl -f http://api:8080/health'
    """
    ok = True

    def swap(match: re.Match[str]) -> str:
        nonlocal ok
        port = int(match.group(3)) if match.group(3) else (443 if match.group(1) == "https" else 80)
        ok = ok and port in ports
        return f"{match.group(1)}://{host}:{port}"
    result = _local_url().sub(swap, text)
    return result if ok and result != text else None


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
    table = probe_rules()
    if words:
        tool = words[0].rsplit("/", 1)[-1]
        if tool in table.http_clients:
            url = _url(words)
            parts = _split(url) if url else None
            if parts:
                if parts.hostname in [h.strip("[]") for h in table.local_hosts] and not parts.username:
                    scheme = parts.scheme.upper()
                    port = parts.port or (443 if scheme == "HTTPS" else 80)
                    path = parts.path or "/"
                    if parts.query:
                        path += "?" + parts.query
                    return "http", {"scheme": scheme, "host": parts.hostname, "port": port, "path": path}
        if tool in table.tcp_clients and "-z" in " ".join(words):
            rest = [w for w in words[1:] if not w.startswith("-")]
            if len(rest) >= 2 and rest[0] in table.local_hosts and rest[1].isdigit() and 0 < int(rest[1]) < 65536:
                return "tcp", {"host": rest[0], "port": int(rest[1])}
    return "exec", {"command": argv(list(test))[0]}


def _flag_value(word: str, flags: tuple[str, ...]) -> tuple[str, str] | None:
    """(flag, inline value) when `word` is one of `flags`, with its value attached or not:
    `-h` → ('-h', ''), `-hdb` → ('-h', 'db'), `--host=db` → ('--host', 'db')."""
    for flag in flags:
        if word == flag:
            return flag, ""
        if flag.startswith("--") and word.startswith(flag + "="):
            return flag, word[len(flag) + 1:]
        if not flag.startswith("--") and len(flag) == 2 and word.startswith(flag) and len(word) > 2:
            return flag, word[2:]
    return None


def point_client_at(words: list[str], host_flags: tuple[str, ...], port_flags: tuple[str, ...], positional: bool,
                    host: str, port: int, own_names: set[str]) -> list[str]:
    """A client command (`pg_isready -h localhost -U app`) pointed at `host`:`port`: host values
    that name the checked server itself (a local host, or one of `own_names`) become `host`,
    URLs too; host and port are added when the command names none.

    >>> point_client_at(["pg_isready", "-U", "app", "-h", "localhost"], ("-h",), ("-p",), False, "db", 5432, set())
    ['pg_isready', '-p', '5432', '-U', 'app', '-h', 'db']
    """
    local = {h.strip("[]") for h in probe_rules().local_hosts} | own_names
    out = [words[0]]
    has_host = has_port = False
    index = 1
    while index < len(words):
        word = words[index]
        found_host, found_port = _flag_value(word, host_flags), _flag_value(word, port_flags)
        if found_host or found_port:
            flag, value = found_host or found_port
            has_host, has_port = has_host or bool(found_host), has_port or bool(found_port)
            if not value and index + 1 < len(words):
                value, index = words[index + 1], index + 1
            if found_host and value in local:
                value = host
            out += [flag, value] if flag.startswith("-") and not word.startswith(flag + "=") else [f"{flag}={value}"]
        else:
            out.append(_local_url(r"[a-zA-Z][a-zA-Z0-9+.\-]*").sub(
                lambda m: f"{m.group(1)}://{host}" + (f":{m.group(3)}" if m.group(3) else ""), word))
        index += 1
    added = [host, str(port)] if positional else \
        ([host_flags[0], host] if not has_host and host_flags else []) + \
        ([port_flags[0], str(port)] if not has_port and port_flags else [])
    if positional and len(out) > 1 and not out[1].startswith("-"):
        added = []  # the command names its server already
        out[1] = host if out[1] in local else out[1]
    return out[:1] + added + out[1:]


def localize(test: list[str], own_names: set[str]) -> list[str]:
    """A healthcheck with the service's own names pointed at localhost: in Docker the name
    resolves to the container itself, whatever its health; in Kubernetes it is the service's
    Service, which has no endpoint until the pod is ready, so a probe through it never passes.

    >>> localize(["CMD", "nc", "-z", "rocketchat", "3000"], {"rocketchat"})
    ['CMD', 'nc', '-z', 'localhost', '3000']
    """
    if not own_names:
        return test
    pattern = re.compile(r"(?<![\w.\-])(" + "|".join(re.escape(n) for n in sorted(own_names, key=len, reverse=True))
                         + r")(?![\w\-]|\.[a-zA-Z])")
    return [pattern.sub("localhost", part) for part in test]
