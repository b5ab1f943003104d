"""Kubernetes names from Compose names.

>>> dns_label("My_Service.v2"), port_name("postgresql-primary-port", 5432, "TCP")
('my-service-v2', 'postgresql-prim')
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

_INVALID = re.compile(r"[^a-z0-9-]+")


def dns_label(name: str, limit: int = 63) -> str:
    """A DNS-1123 label (lowercase alphanumerics and '-', ≤ 63, alphanumeric ends)."""
    label = _INVALID.sub("-", name.lower()).strip("-") or "x"
    if len(label) > limit:
        digest = hashlib.sha256(name.encode()).hexdigest()[:6]
        label = label[: limit - 7].rstrip("-") + "-" + digest
    return label


def service_name(name: str) -> str:
    """A DNS-1035 label (Service names must start with a letter)."""
    label = dns_label(name)
    return label if label[0].isalpha() else dns_label("s-" + label)


def port_name(preferred: str | None, port: int, protocol: str) -> str:
    """An IANA_SVC_NAME: ≤ 15 characters, lowercase, at least one letter, no '--'."""
    base = preferred or f"p{port}"
    if protocol.upper() != "TCP" and not preferred:
        base = f"{base}-{protocol.lower()}"
    name = re.sub(r"-+", "-", _INVALID.sub("-", base.lower())).strip("-")[:15].strip("-")
    if not re.search(r"[a-z]", name):
        name = ("p" + name)[:15]
    return name


def config_key(filename: str) -> str:
    """A valid ConfigMap/Secret key ([-._a-zA-Z0-9]+)."""
    return re.sub(r"[^-._a-zA-Z0-9]", "-", filename) or "file"


def existing_name(key: str, top: Any) -> str:
    """The Kubernetes name of a top-level secret/config/volume entry `key`: an external one
    refers to what already exists, under its `name:` when it has one.

    >>> class Entry: external, name = True, "prod-api-token"
    >>> existing_name("token", Entry())
    'prod-api-token'
    """
    if top is not None and top.external and isinstance(top.name, str) and top.name:
        return dns_label(top.name)
    return dns_label(key)
