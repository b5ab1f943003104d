"""Values normalised so that equal meaning compares equal: names, quantities, commands; and
the pod spec of any workload kind."""
from __future__ import annotations

import re
import shlex
from decimal import Decimal
from typing import Any

Fact = tuple[str, str]  # (category, name)
_SUFFIX = {"m": Decimal("0.001"), "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
           "T": Decimal(10) ** 12, "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
           "Ti": Decimal(2) ** 40}
_SHELL_SYNTAX = re.compile(r"[;&|<>`$(){}*?\[\]~#\n]")


def normal_name(name: str) -> str:
    """Kubernetes-safe form of a compose service name, as both tools derive it: `my_db` → `my-db`."""
    return re.sub(r"[^a-z0-9-]", "-", name.lower())


def quantity(value: Any) -> str:
    """A resource quantity as a plain decimal.

    >>> quantity("500m"), quantity("1Gi"), quantity("10e3")
    ('0.5', '1073741824', '10000')
    """
    text = str(value).strip()
    match = re.fullmatch(r"([0-9.]+(?:[eE][-+]?[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?", text)
    if not match:
        return text
    number = Decimal(match.group(1)) * _SUFFIX.get(match.group(2) or "", Decimal(1))
    return format(number.normalize(), "f")


def argv(command: list[Any]) -> list[str]:
    """An exec command with a plain `sh -c "…"` wrapper unwrapped, so both spellings compare equal."""
    words = [str(w) for w in command]
    if len(words) == 3 and words[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and words[1] == "-c" \
            and not _SHELL_SYNTAX.search(words[2]):
        try:
            return shlex.split(words[2])
        except ValueError:
            return words
    return words


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of any workload kind."""
    spec = obj.get("spec") or {}
    if obj["kind"] == "Pod":
        return spec
    if obj["kind"] == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) or {}
