"""Port syntax: `ports` and `expose` entries, short or long, to Compose's long form
(ranges expanded, at most PORTS_PER_SERVICE per service).

>>> parse_port("127.0.0.1:8000-8001:80-81/udp")[1]
{'mode': 'ingress', 'host_ip': '127.0.0.1', 'target': 81, 'published': '8001', 'protocol': 'udp'}
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any

from ..errors import ComposeError
from ..limits import PORTS_PER_SERVICE
from .shapes import bad, string_list

_PORT_NUMBERS = re.compile(r"[0-9]+(?:-[0-9]+)?")
_PROTOCOLS = ("tcp", "udp", "sctp")


def _span(text: str, key: str, what: str, low_bound: int = 1) -> range:
    """The ports of `80` or `8000-8010` (Docker's port range syntax), at most PORTS_PER_SERVICE."""
    if not _PORT_NUMBERS.fullmatch(text):
        raise bad(f"invalid {what} '{text}'", key, "a port is a number 1-65535; a range is LOW-HIGH")
    first, _, last = text.partition("-")
    low, high = int(first), int(last or first)
    if not (low_bound <= low <= 65535 and low_bound <= high <= 65535) or high < low:
        raise bad(f"{what} '{text}' is out of range", key, "ports are 1-65535; a range is LOW-HIGH")
    if high - low >= PORTS_PER_SERVICE:
        raise _too_many_ports(key)
    return range(low, high + 1)


def _too_many_ports(key: str) -> ComposeError:
    return bad(f"more than {PORTS_PER_SERVICE:,} ports", key,
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
        raise bad(f"invalid protocol '{protocol}' in port '{text}'", key, "use tcp, udp or sctp")
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise bad(f"invalid host IP '{ip}' in port '{text}'", key,
                      'write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. "127.0.0.1:8080:80"') from None
        if "%" in ip:
            raise bad(f"invalid host IP '{ip}' in port '{text}': Compose takes no IPv6 zone", key,
                      "drop the %zone part")
    return ip, published, target, protocol


def parse_port(spec: Any, key: str = "ports") -> list[dict[str, Any]]:
    """One short or long port entry → long-form entries (ranges expanded)."""
    if isinstance(spec, dict):
        entry = dict(spec)
        try:
            target = int(entry.get("target"))
        except (TypeError, ValueError):
            raise bad(f"port target '{entry.get('target')}' is not a number", key,
                      "give target: <container port>") from None
        if not 0 < target <= 65535:
            raise bad(f"port {target} is out of range", key, "ports are 1-65535")
        entry["target"] = target
        if entry.get("published") is not None:
            entry["published"] = str(entry["published"])
        entry.setdefault("mode", "ingress")
        entry.setdefault("protocol", "tcp")
        return [entry]
    if isinstance(spec, bool) or not isinstance(spec, (str, int)):
        raise bad(f"port '{spec}' is neither a string nor a mapping", key,
                  'write "HOST:CONTAINER" or the long form with target:')
    if str(spec).strip() == "":
        raise bad("a port entry is empty", key, "a variable in it may be unset: set it in the shell or .env")
    ip, published_text, target_text, protocol = _split_port(str(spec).strip(), key)
    targets = _span(target_text, key, "container port")
    published = _span(published_text, key, "published port", low_bound=0) if published_text else None
    ranged = None
    if published and len(published) != len(targets):
        if len(targets) > 1:
            raise bad(f"port ranges in '{spec}' have different lengths", key,
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


def service_ports(value: Any, key: str) -> list[dict[str, Any]]:
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


def expose_entries(value: Any, key: str) -> list[str]:
    """`expose` entries ("80", "8000-8010/udp"), checked like ports."""
    entries = string_list(value)
    count = 0
    for entry in entries:
        match = re.fullmatch(r"(\d+(?:-\d+)?)(?:/[a-zA-Z]+)?", entry.strip())
        if not match:
            raise bad(f"cannot parse expose entry '{entry}'", key, 'write "PORT", "LOW-HIGH" or "PORT/udp"')
        count += len(_span(match[1], key, "exposed port"))
        if count > PORTS_PER_SERVICE:
            raise _too_many_ports(key)
    return entries
