"""Every `(name, port)` a service uses to reach a peer, as Compose's DNS would answer it.

Found in environment values (URLs with a scheme, `host:port`, a bare host with its
`<PREFIX>_PORT`, comma-separated lists), in `command`, `entrypoint`, healthchecks and
hooks, and in the text of the config files a service mounts (bind-mounted files and small
folders, `configs:`). A name counts only when it is one Compose resolves (a service, a
network alias, a container_name, a hostname, a link alias), matched as a whole host token;
a service's references to itself are left out.

>>> names = {"db": "db", "cache": "cache"}
>>> [(r.name, r.port) for r in scan_text("postgres://u:p@db/app?x=1 cache:6380 db.example.com", names, "x", "env")]
[('db', 5432), ('cache', 6380)]
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compose.model import ComposeProject, Service
from ..errors import ComposeError
from ..tables.networking import references_table

# each token is tried from its start only (lookbehind) and bounded, so a long run of letters
# costs a linear scan, not one per position
_URL = re.compile(r"(?<![a-zA-Z0-9+.\-])([a-zA-Z][a-zA-Z0-9+.\-]{0,31})://([^\s/?#'\"<>`;)]{0,1024})")
_HOST_PORT = re.compile(r"(?<![\w.\-/@:%$])([A-Za-z0-9_][A-Za-z0-9_.\-]{0,252}):(\d{1,5})(?![\w:])")
_HOST_SPACE_PORT = re.compile(r"(?<![\w.\-/@:%$=])([A-Za-z0-9_][A-Za-z0-9_.\-]{0,252})\s+(\d{1,5})(?![\w.:])")  # nc -z db 5432


@dataclass(frozen=True)
class Reference:
    """Service `service` reaches `name` (which resolves to service `target`) on `port`
    (None: a bare host name, any port), as found at `where`."""

    service: str
    name: str
    target: str
    port: int | None
    where: str


def _host(text: str) -> tuple[str, int | None]:
    """'db:5432' → ('db', 5432); '[::1]:80' → ('::1', 80); 'db' → ('db', None)."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest[1:].isdigit() else None
    host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    return host, (int(port) if port.isdigit() else None)


_ELLIPSIS = re.compile(r"\{(\d{1,3})\.\.\.(\d{1,3})\}")
ELLIPSIS_MOST = 64  # names one `{a...b}` may stand for


def expanded(host: str) -> list[str]:
    """MinIO's ellipsis notation for a cluster's peers: 'minio{1...3}' → minio1, minio2, minio3
    (one range, at most ELLIPSIS_MOST names); any other host is itself.

    >>> expanded("minio{1...3}"), expanded("db")
    (['minio1', 'minio2', 'minio3'], ['db'])
    """
    match = _ELLIPSIS.search(host)
    if not match:
        return [host]
    low, high = int(match.group(1)), int(match.group(2))
    if not 0 <= high - low < ELLIPSIS_MOST:
        return [host]
    return [host[:match.start()] + str(n) + host[match.end():] for n in range(low, high + 1)]


def _valid(port: int | None) -> bool:
    return port is None or 0 < port < 65536


def scan_text(text: str, names: Mapping[str, str], service: str, where: str) -> Iterator[Reference]:
    """References in free text: URLs (scheme default ports) and `host:port` tokens."""
    schemes = references_table().scheme_ports
    for match in _URL.finditer(text):
        authority = match.group(2).rpartition("@")[2]  # credentials may hold ':' and '/'
        for part in authority.split(","):
            pattern, port = _host(part)
            peers = expanded(pattern)  # a range names peers on the port the URL gives, or any
            if port is None and len(peers) == 1:
                port = schemes.get(match.group(1).lower())
            for host in peers:
                target = names.get(host.lower().rstrip("."))
                if target and target != service and _valid(port):
                    yield Reference(service, host, target, port, where)
    rest = _URL.sub(lambda m: " " * len(m.group(0)), text)  # URLs done: host:port tokens outside them
    for match in _HOST_PORT.finditer(rest):
        target = names.get(match.group(1).lower().rstrip("."))
        port = int(match.group(2))
        if target and target != service and _valid(port):
            yield Reference(service, match.group(1), target, port, where)


def scan_command(text: str, names: Mapping[str, str], service: str, where: str) -> Iterator[Reference]:
    """References in a command: as in free text, plus `host port` pairs (`nc -z db 5432`)."""
    yield from scan_text(text, names, service, where)
    for match in _HOST_SPACE_PORT.finditer(text):
        target = names.get(match.group(1).lower())
        port = int(match.group(2))
        if target and target != service and _valid(port):
            yield Reference(service, match.group(1), target, port, where)


def _environment(svc: Service, names: Mapping[str, str]) -> Iterator[Reference]:
    table = references_table()
    env = {k: v for k, v in svc.environment.items() if v is not None}
    by_upper = {k.upper(): v for k, v in env.items()}
    for key, value in env.items():
        where = f"environment {key}"
        found = list(scan_text(value, names, svc.name, where))
        yield from found
        if found:
            continue
        upper = key.upper()
        for host in (h.strip() for h in value.split(",")):
            target = names.get(host.lower())
            if not target or target == svc.name or not upper.endswith(table.host_suffixes):
                continue
            prefix = upper[:upper.rindex("_")]
            port = next((by_upper[prefix + s] for s in table.port_suffixes if prefix + s in by_upper), None)
            yield Reference(svc.name, host, target, int(port) if port and port.isdigit() else None, where)


def _commands(svc: Service) -> Iterator[tuple[str, str]]:
    """(where, text) of every command the service runs."""
    if svc.entrypoint:
        yield "entrypoint", " ".join(svc.entrypoint)
    if svc.command:
        yield "command", " ".join(svc.command)
    if svc.healthcheck and svc.healthcheck.test:
        yield "healthcheck", " ".join(svc.healthcheck.test)
    for key in ("pre_start", "post_start", "pre_stop"):
        for hook in getattr(svc, key):
            if hook.command:
                yield key, " ".join(hook.command)


def mounted_texts(project: ComposeProject, svc: Service, reader: Any) -> Iterator[tuple[str, str]]:
    """(where, text) of every small text config file the service mounts (bind-mounted files,
    the files of small bind-mounted folders, `configs:`), read through the run's confined
    reader; whatever it refuses is simply not scanned (the passes that mount it say why)."""
    limits = references_table().config_files
    for mount in svc.volumes:
        if mount.type != "bind" or not mount.source:
            continue
        kind = _kind(reader, mount.source)
        if kind == "file":
            text = reader.try_read_text(mount.source, limits.max_bytes)
            if text is not None:
                yield f"file {_relative(project, mount.source)}", text
        elif kind == "folder":
            for rel, data in _folder(reader, mount.source, limits.max_files_per_folder, limits.max_bytes).items():
                try:
                    yield f"file {_relative(project, mount.source)}/{rel}", data.decode("utf-8")
                except UnicodeDecodeError:
                    continue
    for ref in svc.configs:
        top = project.configs.get(ref.source)
        if top is None or top.external:
            continue
        if top.content is not None:
            yield f"config {ref.source}", top.content
        elif top.file:
            text = reader.try_read_text(top.file, limits.max_bytes)
            if text is not None:
                yield f"config {ref.source}", text


def _kind(reader: Any, path: str) -> str:
    try:
        reader.resolve(path)
        return reader.kind(path)
    except ComposeError:
        return "refused"


def _folder(reader: Any, path: str, max_files: int, max_bytes: int) -> dict[str, bytes]:
    """A small folder's files; nothing when it is not small (a data folder is not a config)."""
    try:
        return reader.folder(path, max_files=max_files, max_bytes=max_bytes).files
    except ComposeError:
        return {}


def _relative(project: ComposeProject, path: str) -> str:
    try:
        return "./" + Path(path).relative_to(project.working_dir).as_posix()
    except ValueError:
        return path


def find_references(project: ComposeProject, names: Mapping[str, str], allow_outside: bool) -> list[Reference]:
    """Every reference of every service, sorted and without duplicates."""
    found: set[Reference] = set()
    reader = project.reader(allow_outside)
    for svc in project.services.values():
        found.update(_environment(svc, names))
        for where, text in _commands(svc):
            found.update(scan_command(text, names, svc.name, where))
        for where, text in mounted_texts(project, svc, reader):
            found.update(scan_text(text, names, svc.name, where))
    return sorted(found, key=lambda r: (r.service, r.target, r.name, r.port or 0, r.where))
