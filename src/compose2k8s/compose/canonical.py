"""Short → long syntax, per file, before merging (as Compose does).

Every function takes the raw value and returns the long form Compose's
`config --format json` prints, with relative paths made absolute from `base`.

>>> parse_port("127.0.0.1:8000-8001:80-81/udp")[1]
{'mode': 'ingress', 'host_ip': '127.0.0.1', 'target': 81, 'published': '8001', 'protocol': 'udp'}
"""
from __future__ import annotations

import ipaddress
import os
import posixpath
import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ComposeError
from ..limits import PORTS_PER_SERVICE
from ..mappings import compose_key_types
from .units import parse_bytes
from .yamlio import Override, Reset

_PORT_NUMBERS = re.compile(r"[0-9]+(?:-[0-9]+)?")
_PROTOCOLS = ("tcp", "udp", "sctp")
_VOLUME_MODES = {"ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent",
                 "shared", "rshared", "slave", "rslave", "private", "rprivate"}


def _bad(message: str, key: str, hint: str) -> ComposeError:
    return ComposeError(message, key=key, hint=hint)


def _span(text: str, key: str, what: str, low_bound: int = 1) -> range:
    """The ports of `80` or `8000-8010` (Docker's port range syntax), at most PORTS_PER_SERVICE."""
    if not _PORT_NUMBERS.fullmatch(text):
        raise _bad(f"invalid {what} '{text}'", key, "a port is a number 1-65535; a range is LOW-HIGH")
    first, _, last = text.partition("-")
    low, high = int(first), int(last or first)
    if not (low_bound <= low <= 65535 and low_bound <= high <= 65535) or high < low:
        raise _bad(f"{what} '{text}' is out of range", key, "ports are 1-65535; a range is LOW-HIGH")
    if high - low >= PORTS_PER_SERVICE:
        raise _too_many_ports(key)
    return range(low, high + 1)


def _too_many_ports(key: str) -> ComposeError:
    return _bad(f"more than {PORTS_PER_SERVICE:,} ports", key,
                "a Kubernetes Service is not made for that many ports: publish a smaller range, "
                "or run the service with host networking")


def _split_port(text: str, key: str) -> tuple[str, str, str, str]:
    """(host IP, published, target, protocol) of `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]`, split as
    Docker splits it: the last part is the target, the one before it the published port, the
    rest the host IP (an empty one is no IP, as `${PORT-:8080:80}` leaves it).

    >>> _split_port(":8080:80", "ports")
    ('', '8080', '80', 'tcp')
    >>> _split_port("[::1]:53:53/UDP", "ports")
    ('::1', '53', '53', 'udp')
    """
    parts = text.split(":")
    ip, published = ":".join(parts[:-2]), parts[-2] if len(parts) > 1 else ""
    target, _, protocol = parts[-1].partition("/")
    protocol = (protocol or "tcp").lower()
    if protocol not in _PROTOCOLS:
        raise _bad(f"invalid protocol '{protocol}' in port '{text}'", key, "use tcp, udp or sctp")
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise _bad(f"invalid host IP '{ip}' in port '{text}'", key,
                       'write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. "127.0.0.1:8080:80"') from None
        if "%" in ip:
            raise _bad(f"invalid host IP '{ip}' in port '{text}': Compose takes no IPv6 zone", key,
                       "drop the %zone part")
    return ip, published, target, protocol


def parse_port(spec: Any, key: str = "ports") -> list[dict[str, Any]]:
    """One short or long port entry → long-form entries (ranges expanded)."""
    if isinstance(spec, dict):
        entry = dict(spec)
        try:
            target = int(entry.get("target"))
        except (TypeError, ValueError):
            raise _bad(f"port target '{entry.get('target')}' is not a number", key,
                       "give target: <container port>") from None
        if not 0 < target <= 65535:
            raise _bad(f"port {target} is out of range", key, "ports are 1-65535")
        entry["target"] = target
        if entry.get("published") is not None:
            entry["published"] = str(entry["published"])
        entry.setdefault("mode", "ingress")
        entry.setdefault("protocol", "tcp")
        return [entry]
    if isinstance(spec, bool) or not isinstance(spec, (str, int)):
        raise _bad(f"port '{spec}' is neither a string nor a mapping", key,
                   'write "HOST:CONTAINER" or the long form with target:')
    if str(spec).strip() == "":
        raise _bad("a port entry is empty", key, "a variable in it may be unset: set it in the shell or .env")
    ip, published_text, target_text, protocol = _split_port(str(spec).strip(), key)
    targets = _span(target_text, key, "container port")
    published = _span(published_text, key, "published port", low_bound=0) if published_text else None
    ranged = None
    if published and len(published) != len(targets):
        if len(targets) > 1:
            raise _bad(f"port ranges in '{spec}' have different lengths", key,
                       "give ranges of the same length on both sides")
        published, ranged = None, published_text  # a published range for one target: Compose picks one at run time
    entries = []
    for index, target in enumerate(targets):
        entry: dict[str, Any] = {"mode": "ingress"}
        if ip:
            entry["host_ip"] = ip
        entry["target"] = target
        if published:
            entry["published"] = str(published[index])
        elif ranged:
            entry["published"] = ranged
        entry["protocol"] = protocol
        entries.append(entry)
    return entries


_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def _absolute(path: str, base: Path) -> str:
    if _WINDOWS_PATH.match(path):
        return path  # a Windows host path: kept as written, as Compose does on Linux
    expanded = os.path.expanduser(path)
    if os.path.isabs(expanded):
        return os.path.normpath(expanded)
    return os.path.normpath(str(base / expanded))


def _is_path(source: str) -> bool:
    return source.startswith((".", "/", "~")) or source in (".", "..") or bool(re.match(r"^[A-Za-z]:[\\/]", source))


def _split_volume(spec: str) -> list[str]:
    """Split SOURCE:TARGET[:MODE], keeping Windows drive letters (`C:\\x`) whole."""
    parts: list[str] = []
    for piece in spec.split(":"):
        if parts and re.fullmatch(r"[A-Za-z]", parts[-1]) and piece[:1] in ("\\", "/") and (
                len(parts) == 1 or len(parts) == 2):
            parts[-1] += ":" + piece
        else:
            parts.append(piece)
    return parts


def clean_target(target: str) -> str:
    """A mount target as Compose prints it (Go's `path.Clean`).

    >>> clean_target("/var/mail/"), clean_target("//a/./b/../c")
    ('/var/mail', '/a/c')
    """
    if not target:
        return target
    cleaned = posixpath.normpath(target)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _one_per_target(mounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mounts on the same target: the last one wins, in the first one's place (as Compose)."""
    out: dict[str, dict[str, Any]] = {}
    for mount in mounts:
        out[str(mount.get("target"))] = mount
    return list(out.values())


def parse_volume(spec: Any, base: Path, key: str = "volumes") -> dict[str, Any]:
    """One short or long service volume → long form."""
    if isinstance(spec, dict):
        entry = dict(spec)
        if "target" not in entry:
            raise _bad("volume has no target", key, "give target: <path in the container>")
        if isinstance(entry["target"], str):
            entry["target"] = clean_target(entry["target"])
        if entry.get("type") == "bind" and entry.get("source"):
            entry["source"] = _absolute(str(entry["source"]), base)
        if entry.get("type") == "volume" and "volume" not in entry:
            entry["volume"] = {}
        return entry
    if not isinstance(spec, str) or not spec.strip():
        raise _bad(f"cannot parse volume '{spec}'", key, 'write "SOURCE:TARGET[:ro]" or the long form')
    parts = _split_volume(spec)
    if len(parts) == 1:
        return {"type": "volume", "target": clean_target(parts[0]), "volume": {}}
    if len(parts) > 3 or not parts[1]:
        raise _bad(f"cannot parse volume '{spec}'", key, 'write "SOURCE:TARGET[:MODE]"')
    source, target = parts[0], clean_target(parts[1])
    if not target.startswith("/") and not re.match(r"^[A-Za-z]:", target):
        raise _bad(f"volume target '{target}' in '{spec}' is not an absolute path", key,
                   "the container path must start with /")
    modes = parts[2].split(",") if len(parts) == 3 else []
    unknown = [m for m in modes if m not in _VOLUME_MODES]
    if unknown:
        raise _bad(f"unknown volume mode '{unknown[0]}' in '{spec}'", key,
                   "use ro, rw, z, Z, nocopy or a propagation mode")
    entry: dict[str, Any]
    if _is_path(source):
        entry = {"type": "bind", "source": _absolute(source, base), "target": target}
        bind: dict[str, Any] = {}
        selinux = next((m for m in modes if m in ("z", "Z")), None)
        if selinux:
            bind["selinux"] = selinux
        propagation = next((m for m in modes if "shared" in m or "slave" in m or "private" in m), None)
        if propagation:
            bind["propagation"] = propagation
        bind["create_host_path"] = True
        entry["bind"] = bind
    else:
        entry = {"type": "volume", "source": source, "target": target,
                 "volume": {"nocopy": True} if "nocopy" in modes else {}}
    if "ro" in modes:
        entry["read_only"] = True
    return entry


def key_values(value: Any, key: str, empty: Any = None) -> dict[str, Any]:
    """environment / labels / sysctls: list of `K=V` or mapping → mapping of strings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): empty if v is None else _scalar_text(v) for k, v in value.items()}
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for item in value:
            text = str(item)
            name, sep, val = text.partition("=")
            out[name] = val if sep else empty
        return out
    raise _bad(f"must be a list of KEY=VALUE or a mapping, not {type(value).__name__}", key,
               "write KEY: value pairs")


def _scalar_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def command_list(value: Any) -> Any:
    """command / entrypoint: a string is split like a shell would."""
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def depends_on(value: Any, key: str) -> dict[str, Any]:
    if isinstance(value, list):
        return {str(n): {"condition": "service_started", "required": True} for n in value}
    if isinstance(value, dict):
        out = {}
        for name, spec in value.items():
            if spec is not None and not isinstance(spec, dict):
                raise _bad(f"depends_on.{name} must be a mapping (condition, required, restart)", key,
                           "write name: {condition: service_healthy}, or list the names")
            spec = dict(spec or {})
            spec.setdefault("condition", "service_started")
            spec.setdefault("required", True)
            out[str(name)] = spec
        return out
    raise _bad("must be a list of service names or a mapping", key, "list the services this one needs")


def env_files(value: Any, base: Path) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, (str, dict)) or isinstance(item, dict) and "path" not in item:
            raise ValueError(f"entry {item!r} is neither a path nor a mapping with path:")
        entry = {"path": item, "required": True} if isinstance(item, str) else dict(item)
        entry["path"] = _absolute(str(entry["path"]), base)
        entry.setdefault("required", True)
        out.append(entry)
    return out


def _ports(value: Any, key: str) -> list[dict[str, Any]]:
    """Every port entry in long form, ranges expanded (at most PORTS_PER_SERVICE), duplicates
    dropped; linear in the number of ports."""
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for spec in value or []:
        for entry in parse_port(spec, key):
            identity = repr(sorted(entry.items(), key=lambda item: str(item[0])))
            if identity not in seen:
                seen.add(identity)
                entries.append(entry)
        if len(entries) > PORTS_PER_SERVICE:
            raise _too_many_ports(key)
    return entries


def _expose(value: Any, key: str) -> list[str]:
    """`expose` entries ("80", "8000-8010/udp"), checked like ports."""
    entries = _string_list(value)
    count = 0
    for entry in entries:
        match = re.fullmatch(r"(\d+(?:-\d+)?)(?:/[a-zA-Z]+)?", entry.strip())
        if not match:
            raise _bad(f"cannot parse expose entry '{entry}'", key, 'write "PORT", "LOW-HIGH" or "PORT/udp"')
        count += len(_span(match[1], key, "exposed port"))
        if count > PORTS_PER_SERVICE:
            raise _too_many_ports(key)
    return entries


def _file_mounts(value: Any) -> list[dict[str, Any]]:
    out = []
    for item in value or []:
        if isinstance(item, str):
            out.append({"source": item})
        elif isinstance(item, dict) and item.get("source") and isinstance(item["source"], str):
            out.append(dict(item))
        else:
            raise ValueError(f"entry {item!r} is neither a name nor a mapping with source:")
    return out


def _mapping(value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping, not {type(value).__name__}")
    return value


def _networks(value: Any) -> dict[str, Any]:
    """networks: a list of names, or a mapping of name → settings (or nothing)."""
    if isinstance(value, list):
        return {str(n): None for n in value}
    for name, spec in _mapping(value).items():
        if spec is not None and not isinstance(spec, dict):
            raise ValueError(f"networks.{name} must be a mapping or empty, not {type(spec).__name__}")
        if spec and spec.get("aliases") is not None and not isinstance(spec["aliases"], list):
            raise ValueError(f"networks.{name}.aliases must be a list")
    return value


def _tmpfs(value: Any, key: str) -> list[str]:
    """tmpfs entries ("/run:size=64m,mode=1777"); their sizes are checked."""
    entries = _string_list(value)
    for entry in entries:
        size = re.search(r"size=([^,]*)", entry.partition(":")[2])
        if size:
            try:
                parse_bytes(size.group(1))
            except ValueError as exc:
                raise _bad(f"tmpfs '{entry}': {exc}", key, "write size=64m (or bytes)") from None
    return entries


def _list(value: Any) -> list[str]:
    """A list of strings (numbers written as text)."""
    if not isinstance(value, list):
        raise ValueError(f"expected a list, not {type(value).__name__}")
    return [str(v) for v in value]


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


_YAML_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "number": (int, float), "integer": (int,), "boolean": (bool,), "list": (list,),
    "mapping": (dict,)}


@cache
def _key_types() -> dict[str, tuple[tuple[type, ...], bool, str]]:
    """Per service key: the Python types allowed, whether booleans are, and their names."""
    table = compose_key_types().service
    return {key: (tuple(t for kind in kinds for t in _YAML_TYPES[kind]), "boolean" in kinds,
                  ("an " if kinds[0][0] in "aeiou" else "a ") + " or ".join(kinds))
            for key, kinds in table.items()}


def _check_types(svc: dict[str, Any], key: str) -> None:
    """Each key's value has a type the Compose specification allows (mappings/compose-key-types.yaml);
    the reference's wording: "services.web.runtime must be a string"."""
    allowed = _key_types()
    for field, value in svc.items():
        rule = allowed.get(field)
        if value.__class__ in (Reset, Override):
            value = value.value
        if rule is None or value is None:
            continue
        types, booleans, names = rule
        if not isinstance(value, types) or (value.__class__ is bool and not booleans):
            raise _bad(f"must be {names}", f"{key}.{field}",
                       f"see the Compose specification for the forms {field} takes")


def service(raw: Any, name: str, base: Path) -> dict[str, Any]:
    """Canonical long form of one service."""
    key = f"services.{name}"
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _bad(f"service must be a mapping, not {type(raw).__name__}", key, "indent its keys under it")
    _check_types(raw, key)
    svc = dict(raw)
    transforms = {
        "ports": lambda v: _ports(v, f"{key}.ports"),
        "volumes": lambda v: _one_per_target([parse_volume(x, base, f"{key}.volumes") for x in (v or [])]),
        "environment": lambda v: key_values(v, f"{key}.environment"),
        "labels": lambda v: key_values(v, f"{key}.labels", ""),
        "annotations": lambda v: key_values(v, f"{key}.annotations", ""),
        "sysctls": lambda v: key_values(v, f"{key}.sysctls", ""),
        "depends_on": lambda v: depends_on(v, f"{key}.depends_on"),
        "env_file": lambda v: env_files(v, base),
        "label_file": lambda v: [_absolute(path, base) for path in _string_list(v)],
        "command": command_list,
        "entrypoint": command_list,
        "secrets": _file_mounts,
        "configs": _file_mounts,
        "expose": lambda v: _expose(v, f"{key}.expose"),
        "links": _list,
        "volumes_from": _list,
        "dns": _string_list,
        "dns_search": _string_list,
        "dns_opt": _string_list,
        "tmpfs": lambda v: _tmpfs(v, f"{key}.tmpfs"),
        "profiles": _string_list,
        "networks": _networks,
        "extends": lambda v: {"service": v} if isinstance(v, str) else v,
        "build": lambda v: {"context": v} if isinstance(v, str) else v,
        "ulimits": lambda v: {k: ({"soft": u, "hard": u} if isinstance(u, int) else u)
                              for k, u in _mapping(v).items()},
    }
    for field, transform in transforms.items():
        if field not in svc or isinstance(svc[field], Reset):
            continue
        override = isinstance(svc[field], Override)
        raw_value = svc[field].value if override else svc[field]
        try:
            value = transform(raw_value)
        except ComposeError:
            raise
        except (TypeError, ValueError, AttributeError) as exc:
            raise _bad(f"{field} has an unexpected shape ({exc})", f"{key}.{field}",
                       f"see the Compose specification for the forms {field} takes") from None
        svc[field] = Override(value) if override else value
    health = svc.get("healthcheck")
    if isinstance(health, dict) and isinstance(health.get("test"), str):
        health = dict(health)
        health["test"] = ["CMD-SHELL", health["test"]]
        svc["healthcheck"] = health
    if isinstance(svc.get("extends"), dict) and svc["extends"].get("file"):
        svc["extends"] = {**svc["extends"], "file": _absolute(str(svc["extends"]["file"]), base)}
    build = svc.get("build")
    if isinstance(build, dict) and isinstance(build.get("context"), str) and "://" not in build["context"] \
            and not build["context"].startswith("git@"):
        svc["build"] = {**build, "context": _absolute(build["context"], base)}
    return svc


def mount_options(text: Any) -> dict[str, str]:
    """A volume driver's `o:` option string as a mapping.

    >>> mount_options("addr=10.0.0.5, nfsvers=4,rw")
    {'addr': '10.0.0.5', 'nfsvers': '4', 'rw': ''}
    """
    return {part.partition("=")[0].strip(): part.partition("=")[2].strip()
            for part in str(text).split(",") if part.strip()}


def is_bind_volume(opts: dict[str, Any]) -> bool:
    """Local-driver options that bind a folder (`o: bind` or `rbind`)."""
    return bool({"bind", "rbind"} & set(mount_options(opts.get("o", ""))))


def top_level_resource(raw: Any, base: Path) -> dict[str, Any]:
    """volumes / networks / secrets / configs entries: `file:` and a bind volume's
    `driver_opts.device` made absolute, as Compose resolves them."""
    entry = dict(_mapping(raw))
    if isinstance(entry.get("file"), str):
        entry["file"] = _absolute(entry["file"], base)
    opts = entry.get("driver_opts")
    if isinstance(opts, dict) and is_bind_volume(opts) and isinstance(opts.get("device"), str):
        entry["driver_opts"] = {**opts, "device": _absolute(opts["device"], base)}
    return entry
