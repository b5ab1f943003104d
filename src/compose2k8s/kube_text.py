"""Text rules Kubernetes applies to command, args and env values.

>>> escape_expansion(["sh", "-c", "echo $(date) $$HOME"])
['sh', '-c', 'echo $$(date) $$$HOME']
"""
from __future__ import annotations

import math
import re

QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][0-9]+|[KMGTPE]i?|[mkMGTPE])?$")
_UNITS = {"": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
          "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}


def escape_expansion(argv: list[str]) -> list[str]:
    """Kubernetes expands `$(VAR)` and turns `$$` into `$`: escape both so argv runs as written."""
    return [a.replace("$$", "$$$").replace("$(", "$$(") if "$" in a else a for a in argv]


def seconds(value: float | None, minimum: int = 1) -> int | None:
    """Whole seconds, rounded up, at least `minimum` (probe fields reject 0)."""
    if value is None:
        return None
    return max(minimum, math.ceil(value))


def quantity_memory(num_bytes: int) -> str:
    """Bytes as a Kubernetes quantity: 536870912 → 512Mi."""
    for suffix, power in (("Ti", 4), ("Gi", 3), ("Mi", 2), ("Ki", 1)):
        unit = 1024 ** power
        if num_bytes >= unit and num_bytes % unit == 0:
            return f"{num_bytes // unit}{suffix}"
    return str(num_bytes)


def quantity_value(text: str) -> float:
    """A Kubernetes quantity's value, to compare two of them (QUANTITY must match).

    >>> quantity_value("200Mi") < quantity_value("1G") < quantity_value("1Gi")
    True
    """
    number = re.match(r"[0-9.]+", text)
    assert number is not None and QUANTITY.match(text), text
    suffix = text[number.end():]
    if suffix[:1] in ("e", "E"):
        return float(text)
    return float(number.group()) * _UNITS[suffix]


def run_as(user: str) -> dict[str, int] | None:
    """securityContext fields for a compose `user:` ("uid" or "uid:gid"; root is 0 in every
    image); None for another user name.

    >>> run_as("1000:1000"), run_as("0"), run_as("root:root"), run_as("postgres")
    ({'runAsUser': 1000, 'runAsGroup': 1000}, {'runAsUser': 0}, {'runAsUser': 0, 'runAsGroup': 0}, None)
    """
    uid, _, gid = (part if part != "root" else "0" for part in user.partition(":"))
    if not uid.isdigit():
        return None
    return {"runAsUser": int(uid), **({"runAsGroup": int(gid)} if gid.isdigit() else {})}


def quantity_cpu(cpus: float) -> str:
    """CPUs as a Kubernetes quantity: 0.5 → 500m, 2 → 2."""
    millis = round(cpus * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"
