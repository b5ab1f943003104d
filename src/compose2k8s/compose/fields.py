"""The field types of the Compose model: durations, byte sizes, CPUs, restart policies, extra
hosts, and the two base models (unknown keys kept, or refused).

>>> from pydantic import TypeAdapter
>>> TypeAdapter(ByteSize).validate_python("512M"), TypeAdapter(Duration).validate_python("1m30s")
(536870912, 90.0)
"""
from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from .units import parse_bytes, parse_duration


def _optional(convert: Any) -> BeforeValidator:
    return BeforeValidator(lambda value: None if value is None else convert(value))


def _cpus(value: Any) -> Any:
    """CPUs: a finite number from 0 (no limit) up; what a cluster accepts."""
    number = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else value
    if isinstance(number, float) and not (math.isfinite(number) and 0 <= number <= MAX_CPUS):
        raise ValueError(f"invalid cpus: '{value}' (give a number of CPUs from 0 (no limit) to {MAX_CPUS:,}, e.g. 0.5)")
    return number


def _restart(value: Any) -> Any:
    """Docker's restart policies (the daemon's wording for others)."""
    policy, _, count = str(value).partition(":")
    if policy not in RESTART_POLICIES or (count and (policy != "on-failure" or not count.isdigit())):
        raise ValueError(f"invalid restart policy: unknown policy '{value}'; use one of 'no', 'always', "
                         "'on-failure', or 'unless-stopped'")
    return value


def _extra_hosts(value: Any) -> Any:
    """`HOST:IP` / `HOST=IP` entries (the reference's wording for others)."""
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, str) or not any(sep in entry for sep in ":="):
            raise ValueError(f"invalid additional host, missing IP: {entry}")
    return value


def _restart_policy(value: Any) -> Any:
    """deploy.restart_policy: a mapping whose condition is none, on-failure or any."""
    if value is None:
        return value
    if not isinstance(value, dict):
        raise ValueError("restart_policy must be a mapping")
    condition = value.get("condition")
    if condition is not None and condition not in ("none", "on-failure", "any"):
        raise ValueError(f"invalid restart_policy condition '{condition}': use none, on-failure or any")
    return value


MAX_CPUS = 100_000
INT32 = 2**31 - 1  # replicas, retries: Kubernetes counts in int32
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")
Duration = Annotated[float | None, _optional(parse_duration)]  # seconds, from "1m30s"
Cpus = Annotated[float | None, _optional(_cpus)]
RestartPolicy = Annotated[str | None, _optional(_restart)]
ByteSize = Annotated[int | None, _optional(parse_bytes)]  # bytes, from "512M" (MiB, as Docker)
Text = Annotated[str | None, _optional(str)]  # numbers written where Compose wants a string
ExtraHosts = Annotated[list[str] | dict[str, Any], BeforeValidator(_extra_hosts)]
DeployRestartPolicy = Annotated[dict[str, Any] | None, BeforeValidator(_restart_policy)]


class OpenModel(BaseModel):
    """A model that keeps the keys it does not type (`extra="allow"`)."""

    model_config = ConfigDict(extra="allow", frozen=False)


class StrictModel(BaseModel):
    """A model that refuses keys it does not know."""

    model_config = ConfigDict(extra="forbid")
